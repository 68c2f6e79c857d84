package io.keyport.importjob;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;

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

/**
 * The background work on jobs: new parameters before the old lapse, import retries, reconciliation after crashes,
 * material expiry and drift. Each kind of work claims a batch of due jobs in a short transaction
 * ({@code FOR UPDATE SKIP LOCKED} plus a lease), calls KMS with no transaction open, and records each outcome in a
 * transaction that checks the version of the claim. So any number of instances can run it on one database: a job is
 * claimed by one of them, a lease left by a killed instance lapses and is taken over, and a result computed on stale
 * data is discarded instead of written.
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

	private final io.keyport.idempotency.IdempotentRequests idempotentRequests;

	private final io.micrometer.observation.ObservationRegistry observations;

	private final TransactionTemplate tx;

	ImportJobLifecycle(ImportJobService service, ImportJobRepository jobs, KmsProvider kms,
			LifecycleProperties properties, ImportJobProperties jobProperties, JdbcTemplate jdbc, Clock clock,
			ExpiringKeys expiringKeys, ImportJobMetrics metrics,
			io.keyport.idempotency.IdempotentRequests idempotentRequests,
			io.micrometer.observation.ObservationRegistry observations, PlatformTransactionManager transactionManager) {
		this.expiringKeys = expiringKeys;
		this.metrics = metrics;
		this.idempotentRequests = idempotentRequests;
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
		return io.micrometer.observation.Observation.createNotStarted("keyport.lifecycle.run", this.observations)
			.lowCardinalityKeyValue("instance.role", "lifecycle")
			.observe(() -> {
				RunSummary summary = new RunSummary(refreshDueParameters(), retryDueImports(), watchImportedJobs());
				this.expiringKeys.refreshGauge();
				this.idempotentRequests.purgeExpired();
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
			try (MDC.MDCCloseable ignored = MDC.putCloseable(AuditLog.MDC_JOB_ID, claim.id().toString())) {
				refreshOne(claim);
			}
		}
		return claims.size();
	}

	private void refreshOne(Claim claim) {
		ImportJob job = this.tx.execute(status -> this.jobs.findById(claim.id()).orElseThrow());
		Instant now = this.clock.instant();
		if (job.createdAt().plus(this.properties.jobLifetime()).isBefore(now)) {
			update(claim, j -> j.cancel("abandoned: no material arrived within "
					+ this.properties.jobLifetime().toDays() + " days of the job's creation", ACTOR, now));
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
					j.deferWork(ex.errorCode().code(), "parameter download failed: " + ex.getMessage(), null);
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
	 * lapsed). KMS is asked first whether the key already holds the material, so an import whose outcome was lost is
	 * not sent twice.
	 */
	public int retryDueImports() {
		Instant now = this.clock.instant();
		List<Claim> claims = claim("state = 'MATERIAL_WRAPPED' and next_attempt_at <= ? and parameters_valid_to > ?",
				"next_attempt_at", now, Timestamp.from(now), Timestamp.from(now));
		for (Claim claim : claims) {
			try (MDC.MDCCloseable ignored = MDC.putCloseable(AuditLog.MDC_JOB_ID, claim.id().toString())) {
				importOne(claim);
			}
		}
		return claims.size();
	}

	private void importOne(Claim claim) {
		ImportJob job = this.tx.execute(status -> this.jobs.findById(claim.id()).orElseThrow());
		KmsKey key;
		try {
			key = this.kms.describeKey(job.kmsKeyArn());
		}
		catch (KmsException ex) {
			// let the import itself meet the error: it records the outcome with KMS's meaning
			key = null;
		}
		if (key != null && holdsExpectedMaterial(key, job.expiration())) {
			Instant now = this.clock.instant();
			this.metrics.imported();
			update(claim, j -> j.reconcileImported("reconciled: KMS already holds the material with the expected "
					+ "expiration (an earlier import's outcome was lost); not sent again", ACTOR, now,
					now.plus(this.properties.driftCheckInterval())));
			return;
		}
		try {
			this.service.executeImport(new ImportJobId(claim.id()), claim.version(), job.importRequest(), ACTOR);
		}
		catch (ImportJobException ex) {
			// recorded in the job's history by executeImport
			log.info("Import job {}: retry ended with {}", claim.id(), ex.code());
		}
	}

	private static boolean holdsExpectedMaterial(KmsKey key, ExpirationPolicy expected) {
		if (key.state() != KeyState.ENABLED && key.state() != KeyState.DISABLED) {
			return false;
		}
		if (key.expirationModel() != expected.model()) {
			return false;
		}
		return expected.model() == ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE
				|| Objects.equals(key.validTo(), expected.validTo());
	}

	// --- imported jobs -------------------------------------------------------------------------------------------

	/**
	 * Imported jobs whose material passed its ValidTo, or whose periodic comparison with KMS is due: KMS decides
	 * whether the material expired, was deleted, or the key is going away.
	 */
	public int watchImportedJobs() {
		Instant now = this.clock.instant();
		List<Claim> claims = claim("""
				state = 'IMPORTED' and ((expiration_model = 'KEY_MATERIAL_EXPIRES' and material_valid_to <= ?)
				or next_check_at <= ?)""", "coalesce(material_valid_to, next_check_at)", now, Timestamp.from(now),
				Timestamp.from(now));
		for (Claim claim : claims) {
			try (MDC.MDCCloseable ignored = MDC.putCloseable(AuditLog.MDC_JOB_ID, claim.id().toString())) {
				checkImported(claim);
			}
		}
		return claims.size();
	}

	private void checkImported(Claim claim) {
		ImportJob job = this.tx.execute(status -> this.jobs.findById(claim.id()).orElseThrow());
		Instant now = this.clock.instant();
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
						now.plus(this.properties.interval())));
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
		else if (validToPassed && (key.validTo() == null || !key.validTo().isAfter(now))) {
			// KMS deletes expired material within a short while; look again soon
			update(claim, j -> j.recordCheck(now.plus(this.properties.interval())));
		}
		else {
			update(claim, j -> j.recordCheck(now.plus(this.properties.driftCheckInterval())));
		}
	}

	// --- claims --------------------------------------------------------------------------------------------------

	/** A job held by this instance, at the version the claim wrote. */
	record Claim(UUID id, long version) {
	}

	/**
	 * Claims up to a batch of due jobs that nobody else holds: one short transaction, rows locked with SKIP LOCKED so
	 * concurrent instances claim disjoint sets, the lease written and the version bumped.
	 */
	private List<Claim> claim(String condition, String order, Instant now, Object... parameters) {
		Object[] arguments = new Object[parameters.length + 4];
		arguments[0] = this.properties.instanceId();
		arguments[1] = Timestamp.from(now.plus(this.jobProperties.leaseDuration()));
		System.arraycopy(parameters, 0, arguments, 2, parameters.length);
		arguments[parameters.length + 2] = Timestamp.from(now);
		arguments[parameters.length + 3] = this.properties.batchSize();
		String sql = """
				update import_job set lease_owner = ?, lease_until = ?, version = version + 1
				where id in (
				    select id from import_job
				    where (%s) and (lease_until is null or lease_until < ?)
				    order by %s
				    limit ?
				    for update skip locked)
				returning id, version""".formatted(condition, order);
		return this.tx.execute(status -> this.jdbc.query(sql,
				(rs, row) -> new Claim(rs.getObject("id", UUID.class), rs.getLong("version")), arguments));
	}

	/** Applies an outcome to a claimed job, unless someone changed it since the claim. */
	private void update(Claim claim, Consumer<ImportJob> change) {
		try {
			this.tx.executeWithoutResult(status -> {
				ImportJob job = this.service.loadAtVersion(new ImportJobId(claim.id()), claim.version());
				change.accept(job);
				this.jobs.saveAndFlush(job);
			});
		}
		catch (ImportJobException ex) {
			log.info("Import job {} changed while it was worked on ({}); outcome discarded", claim.id(), ex.code());
		}
	}

}
