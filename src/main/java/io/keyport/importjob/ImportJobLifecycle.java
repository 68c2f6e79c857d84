package io.keyport.importjob;

import java.security.MessageDigest;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.keyport.audit.AuditLog;
import io.keyport.kms.ExpirationModel;
import io.keyport.kms.ImportParameters;
import io.keyport.kms.KeyState;
import io.keyport.kms.KmsErrorCode;
import io.keyport.kms.KmsException;
import io.keyport.kms.KmsKey;
import io.keyport.kms.KmsProvider;
import io.keyport.kms.KmsPublicKey;
import io.keyport.wrapping.WrappingException;

/**
 * The background work on jobs: new parameters before the old lapse, import retries, reconciliation after crashes,
 * material expiry and drift. Each kind of work claims a batch of due jobs in a short transaction
 * ({@code FOR UPDATE SKIP LOCKED} plus a lease), calls KMS with no transaction open, and records each outcome in a
 * transaction that checks the version of the claim. So any number of instances can run it on one database: a job is
 * claimed by one of them, a lease left by a killed instance lapses and is taken over, and a result computed on stale
 * data is discarded instead of written. The lease is renewed right before each job's KMS work, so a slow batch never
 * lets a later job's lease lapse while this instance still works on it; and whatever goes wrong with one job is
 * recorded on that job, which is backed off, while the run goes on with the others.
 */
@Component
public class ImportJobLifecycle {

	private static final Logger log = LoggerFactory.getLogger(ImportJobLifecycle.class);

	private static final String ACTOR = "system:lifecycle";

	private final ImportJobService service;

	private final ImportJobRepository jobs;

	private final KmsProvider kms;

	private final LifecycleProperties properties;

	private final ImportJobProperties jobProperties;

	private final JdbcTemplate jdbc;

	private final Clock clock;

	private final ExpiringKeys expiringKeys;

	private final ImportJobMetrics metrics;

	private final ObservationRegistry observations;

	private final TransactionTemplate tx;

	private final Supersession supersession;

	ImportJobLifecycle(ImportJobService service, ImportJobRepository jobs, KmsProvider kms,
			LifecycleProperties properties, ImportJobProperties jobProperties, JdbcTemplate jdbc, Clock clock,
			ExpiringKeys expiringKeys, ImportJobMetrics metrics,
			ObservationRegistry observations, PlatformTransactionManager transactionManager,
			Supersession supersession) {
		this.supersession = supersession;
		this.expiringKeys = expiringKeys;
		this.metrics = metrics;
		this.observations = observations;
		this.service = service;
		this.jobs = jobs;
		this.kms = kms;
		this.properties = properties;
		this.jobProperties = jobProperties;
		this.jdbc = jdbc;
		this.clock = clock;
		this.tx = new TransactionTemplate(transactionManager);
	}

	/** One run of every kind of work; what the scheduler triggers. */
	public RunSummary runOnce() {
		return Observation.createNotStarted("keyport.lifecycle.run", this.observations)
			.lowCardinalityKeyValue("instance.role", "lifecycle")
			.observe(() -> {
				RunSummary summary = new RunSummary(refreshDueParameters(), retryDueImports(), watchImportedJobs());
				this.expiringKeys.refreshGauge();
				return summary;
			});
	}

	/** Counts of jobs worked on in one run. */
	public record RunSummary(int parameterRefreshes, int importAttempts, int importedChecks) {
	}

	// --- parameters ----------------------------------------------------------------------------------------------

	/**
	 * Waiting jobs whose parameters lapse within the margin, jobs whose parameters already expired, and wrapped jobs
	 * whose token expired before the import succeeded get new parameters; jobs waiting past their lifetime are
	 * cancelled as abandoned.
	 */
	public int refreshDueParameters() {
		Instant now = this.clock.instant();
		List<Claim> claims = claim("""
				(state = 'PARAMETERS_FETCHED' and parameters_valid_to <= ?)
				or state = 'PARAMETERS_EXPIRED'
				or (state = 'MATERIAL_WRAPPED' and parameters_valid_to <= ?)""", "parameters_valid_to", now,
				Timestamp.from(now.plus(this.properties.refreshMargin())), Timestamp.from(now));
		for (Claim claim : claims) {
			work(claim, this::refreshOne);
		}
		return claims.size();
	}

	private void refreshOne(Claim claim) {
		ImportJob job = this.tx.execute(status -> this.jobs.findById(claim.id()).orElseThrow());
		Instant now = this.clock.instant();
		// counted from when the job last started waiting: a re-import after expiry gets the whole lifetime
		if (job.waitingSince().plus(this.properties.jobLifetime()).isBefore(now)) {
			update(claim, j -> j.cancel("abandoned: no material arrived within "
					+ this.properties.jobLifetime().toDays() + " days of the job's start of waiting for it", ACTOR,
					now));
			return;
		}
		ImportParameters parameters;
		try {
			parameters = this.service.downloadParameters(job.kmsKeyArn(), job.wrappingAlgorithm(),
					job.wrappingKeySpec(), job.id(), switch (job.state()) {
						case PARAMETERS_EXPIRED -> ImportJobMetrics.DownloadCause.AFTER_EXPIRY;
						case MATERIAL_WRAPPED -> ImportJobMetrics.DownloadCause.TOKEN_EXPIRED;
						default -> ImportJobMetrics.DownloadCause.REFRESH_BEFORE_EXPIRY;
					});
		}
		catch (KmsException ex) {
			if (ex.isTransient()) {
				update(claim, j -> {
					if (j.state() == ImportJobState.PARAMETERS_FETCHED && j.parametersExpiredAt(now)) {
						j.expireParameters(ACTOR, now);
					}
					j.deferWork(ex.errorCode().code(), "parameter download failed: " + ex.getMessage(),
							now.plus(backoff(claim)));
				});
			}
			else {
				update(claim, j -> j.fail(ex.errorCode().code(),
						"new parameters refused by KMS (" + ex.errorCode().code() + "): " + ex.getMessage(), ACTOR,
						this.clock.instant()));
			}
			return;
		}
		catch (ImportJobException ex) {
			update(claim, j -> j.fail(ex.code(), ex.getMessage(), ACTOR, this.clock.instant()));
			return;
		}
		String cause = switch (job.state()) {
			case PARAMETERS_FETCHED -> "parameters refreshed before they lapse";
			case PARAMETERS_EXPIRED -> "parameters downloaded again after they expired";
			case MATERIAL_WRAPPED -> "import token expired before the import succeeded; parameters downloaded again";
			default -> "parameters downloaded again";
		};
		update(claim, j -> j.recordParameters(parameters, cause, ACTOR, this.clock.instant()));
	}

	// --- imports -------------------------------------------------------------------------------------------------

	/**
	 * Wrapped jobs whose next attempt is due, including those left behind by a crashed instance (their lease
	 * lapsed). An import whose ValidTo passed is not sent (KMS would refuse it). An import whose outcome was lost is
	 * recognised only with proof (KMS's public key is the one of the private key Keyport wrapped); otherwise the same
	 * material is sent again, which KMS accepts for the material it holds and refuses for any other.
	 */
	public int retryDueImports() {
		Instant now = this.clock.instant();
		List<Claim> claims = claim("state = 'MATERIAL_WRAPPED' and next_attempt_at <= ? and parameters_valid_to > ?",
				"next_attempt_at", now, Timestamp.from(now), Timestamp.from(now));
		for (Claim claim : claims) {
			work(claim, this::importOne);
		}
		return claims.size();
	}

	private void importOne(Claim claim) {
		ImportJob job = this.tx.execute(status -> this.jobs.findById(claim.id()).orElseThrow());
		if (job.validToPassedAt(this.clock.instant())) {
			// KMS refuses a past ValidTo: never send it, the caller must set a new one
			update(claim, j -> j.refuseImportValidToPassed(ACTOR, this.clock.instant()));
			return;
		}
		KmsKey key;
		try {
			key = this.kms.describeKey(job.kmsKeyArn());
		}
		catch (KmsException ex) {
			// let the import itself meet the error: it records the outcome with KMS's meaning
			key = null;
		}
		if (key != null && holdsExpectedMaterial(key, job.expiration()) && provenByPublicKey(job)) {
			Instant now = this.clock.instant();
			this.metrics.imported();
			if (update(claim, j -> j.reconcileImported("reconciled: KMS already holds this job's material (its "
					+ "public key matches the imported private key) with the expected expiration; an earlier "
					+ "import's outcome was lost, not sent again", ACTOR, now,
					now.plus(this.properties.driftCheckInterval())))) {
				this.supersession.supersedeEarlier(new ImportJobId(claim.id()), ACTOR);
			}
			return;
		}
		// without proof the same material is sent again with the same token: KMS accepts a re-import of the same
		// material and refuses different material, so the outcome is KMS's word, not a guess
		try {
			this.service.executeImport(new ImportJobId(claim.id()), claim.version(), job.importRequest(), ACTOR);
		}
		catch (ImportJobException ex) {
			// recorded in the job's history by executeImport
			log.info("Import job {}: retry ended with {}", claim.id(), ex.code());
		}
	}

	/** The key holds material with the job's expiration; ValidTo at KMS's precision, whole seconds. */
	private static boolean holdsExpectedMaterial(KmsKey key, ExpirationPolicy expected) {
		if (key.state() != KeyState.ENABLED && key.state() != KeyState.DISABLED) {
			return false;
		}
		if (key.expirationModel() != expected.model()) {
			return false;
		}
		return expected.model() == ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE
				|| (key.validTo() != null && Objects.equals(key.validTo().truncatedTo(ChronoUnit.SECONDS),
						expected.validTo().truncatedTo(ChronoUnit.SECONDS)));
	}

	/**
	 * Whether KMS's public key is the one of the private key this job wrapped: the proof that the key holds this
	 * job's material. No proof is possible for symmetric keys or material the client wrapped.
	 */
	private boolean provenByPublicKey(ImportJob job) {
		byte[] expected = job.expectedPublicKey();
		if (expected == null || job.keySpec() == null || job.keySpec().isSymmetricOrHmac()) {
			return false;
		}
		try {
			KmsPublicKey published = this.kms.getPublicKey(job.kmsKeyArn());
			return MessageDigest.isEqual(expected, published.publicKeyDer());
		}
		catch (KmsException ex) {
			return false;
		}
	}

	// --- imported jobs -------------------------------------------------------------------------------------------

	/**
	 * Imported jobs whose material passed its ValidTo, or whose periodic comparison with KMS is due: KMS decides
	 * whether the material expired, was deleted, or the key is going away.
	 */
	public int watchImportedJobs() {
		Instant now = this.clock.instant();
		// only due work: next_check_at is never later than the material's ValidTo
		List<Claim> claims = claim("state = 'IMPORTED' and next_check_at <= ?", "next_check_at", now,
				Timestamp.from(now));
		for (Claim claim : claims) {
			work(claim, this::checkImported);
		}
		return claims.size();
	}

	private void checkImported(Claim claim) {
		ImportJob job = this.tx.execute(status -> this.jobs.findById(claim.id()).orElseThrow());
		Instant now = this.clock.instant();
		Optional<ImportJobId> newer = this.supersession.newerImport(job.id());
		if (newer.isPresent()) {
			// a later job imported into the key: that one is watched, this one has nothing left to check
			update(claim, j -> j.supersede(newer.get(), ACTOR, now));
			return;
		}
		KmsKey key;
		try {
			key = this.kms.describeKey(job.kmsKeyArn());
		}
		catch (KmsException ex) {
			if (ex.errorCode() == KmsErrorCode.KEY_NOT_FOUND) {
				update(claim, j -> j.fail(ex.errorCode().code(), "the KMS key no longer exists", ACTOR, now));
			}
			else {
				update(claim, j -> j.deferWork(ex.errorCode().code(), "check with KMS failed: " + ex.getMessage(),
						now.plus(backoff(claim))));
			}
			return;
		}
		ExpirationPolicy expiration = job.expiration();
		boolean validToPassed = expiration.model() == ExpirationModel.KEY_MATERIAL_EXPIRES
				&& !expiration.validTo().isAfter(now);
		if (key.state() == KeyState.PENDING_DELETION) {
			update(claim, j -> j.fail("kms-key-pending-deletion", "the KMS key is scheduled for deletion on "
					+ key.deletionDate() + "; cancel the deletion and start a new job to keep using it", ACTOR, now));
		}
		else if (key.state() == KeyState.PENDING_IMPORT) {
			update(claim, j -> j.expireMaterial(validToPassed
					? "material expired at " + expiration.validTo() + " (KMS shows the key waiting for an import); "
							+ "refresh the parameters and import the same material again"
					: "material deleted outside Keyport (KMS shows the key waiting for an import); refresh the "
							+ "parameters and import the same material again",
					ACTOR, now));
		}
		else {
			// past ValidTo with material still shown, KMS deletes it within a while: the next look backs off
			update(claim, j -> j.recordCheck(
					j.nextCheck(now, this.properties.driftCheckInterval(), this.properties.interval())));
		}
	}

	// --- one job's work ------------------------------------------------------------------------------------------

	/**
	 * Works one claimed job: renews its lease first (skipped when the lease was lost meanwhile), and records any
	 * failure on the job, backed off, so the run goes on with the other jobs.
	 */
	private void work(Claim claim, Consumer<Claim> work) {
		try (MDC.MDCCloseable ignored = MDC.putCloseable(AuditLog.MDC_JOB_ID, claim.id().toString())) {
			if (!renewLease(claim)) {
				log.info("Import job {}: lease lost before its turn (taken over or changed); skipped", claim.id());
				return;
			}
			work.accept(claim);
		}
		catch (RuntimeException ex) {
			recordWorkFailure(claim, ex);
		}
	}

	/** Extends this instance's lease on the job, without changing its version; false if it is no longer held. */
	private boolean renewLease(Claim claim) {
		Instant until = this.clock.instant().plus(this.jobProperties.leaseDuration());
		return this.jdbc.update("update import_job set lease_until = ? where id = ? and lease_owner = ? and version = ?",
				Timestamp.from(until), claim.id(), this.properties.instanceId(), claim.version()) == 1;
	}

	/** The wait before the job is worked on again after failures in a row: exponential with jitter, capped. */
	private java.time.Duration backoff(Claim claim) {
		return this.jobProperties.retryDelay(claim.workFailures() + 1, ThreadLocalRandom.current());
	}

	/**
	 * Records an unexpected failure on the job in a short update of its own (the job may not even load), releases
	 * the lease and backs the job off. Never throws.
	 */
	private void recordWorkFailure(Claim claim, RuntimeException failure) {
		String code = switch (failure) {
			case ImportJobException ex -> ex.code();
			case WrappingException ex -> ex.reason().code();
			case org.springframework.dao.OptimisticLockingFailureException ex -> "concurrent-modification";
			default -> "lifecycle-work-failed";
		};
		String message = "background work failed (" + failure.getClass().getSimpleName() + "): "
				+ failure.getMessage();
		Instant now = this.clock.instant();
		log.warn("Import job {}: {}; backed off", claim.id(), message, failure);
		try {
			this.jdbc.update("""
					update import_job set last_error_code = ?, last_error_message = ?,
					    work_failures = work_failures + 1, work_not_before = ?, lease_owner = null, lease_until = null,
					    version = version + 1, updated_at = ?
					where id = ? and lease_owner = ?""", code,
					message.length() <= 1000 ? message : message.substring(0, 1000),
					Timestamp.from(now.plus(backoff(claim))), Timestamp.from(now), claim.id(),
					this.properties.instanceId());
		}
		catch (RuntimeException ex) {
			log.error("Import job {}: could not record the failure ({}); its lease lapses", claim.id(), ex.toString());
		}
	}

	// --- claims --------------------------------------------------------------------------------------------------

	/** A job held by this instance, at the version the claim wrote, with its failures of work in a row. */
	record Claim(UUID id, long version, int workFailures) {
	}

	/**
	 * Claims up to a batch of due jobs that nobody else holds: one short transaction, rows locked with SKIP LOCKED so
	 * concurrent instances claim disjoint sets, the lease written and the version bumped.
	 */
	private List<Claim> claim(String condition, String order, Instant now, Object... parameters) {
		Object[] arguments = new Object[parameters.length + 5];
		arguments[0] = this.properties.instanceId();
		arguments[1] = Timestamp.from(now.plus(this.jobProperties.leaseDuration()));
		System.arraycopy(parameters, 0, arguments, 2, parameters.length);
		arguments[parameters.length + 2] = Timestamp.from(now);
		arguments[parameters.length + 3] = Timestamp.from(now);
		arguments[parameters.length + 4] = this.properties.batchSize();
		// jobs backed off after failures wait their turn instead of heading every batch; RETURNING has no order of its
		// own, so the claims are sorted again by the same key to be worked most urgent first
		String sql = """
				with claimed as (
				    update import_job set lease_owner = ?, lease_until = ?, version = version + 1
				    where id in (
				        select id from import_job
				        where (%s) and (lease_until is null or lease_until < ?)
				          and (work_not_before is null or work_not_before <= ?)
				        order by %s
				        limit ?
				        for update skip locked)
				    returning id, version, work_failures, %s as claim_order)
				select id, version, work_failures from claimed order by claim_order, id""".formatted(condition, order,
				order);
		return this.tx.execute(status -> this.jdbc.query(sql, (rs, row) -> new Claim(rs.getObject("id", UUID.class),
				rs.getLong("version"), rs.getInt("work_failures")), arguments));
	}

	/** Applies an outcome to a claimed job, unless someone changed it since the claim; whether it was applied. */
	private boolean update(Claim claim, Consumer<ImportJob> change) {
		try {
			this.tx.executeWithoutResult(status -> {
				ImportJob job = this.service.loadAtVersion(new ImportJobId(claim.id()), claim.version());
				change.accept(job);
				this.jobs.saveAndFlush(job);
			});
			return true;
		}
		catch (ImportJobException ex) {
			if (!"concurrent-modification".equals(ex.code())) {
				throw ex;
			}
			log.info("Import job {} changed while it was worked on ({}); outcome discarded", claim.id(), ex.code());
			return false;
		}
	}

}
