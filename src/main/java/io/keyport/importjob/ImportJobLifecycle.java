package io.keyport.importjob;

import java.security.MessageDigest;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.keyport.importjob.LifecycleClaims.Due;
import io.keyport.importjob.LifecycleClaims.DueWork;
import io.keyport.importjob.LifecycleClaims.JobClaim;
import io.keyport.kms.ExpirationModel;
import io.keyport.kms.ImportParameters;
import io.keyport.kms.KeyMaterialVersion;
import io.keyport.kms.KeyState;
import io.keyport.kms.KmsErrorCode;
import io.keyport.kms.KmsException;
import io.keyport.kms.KmsKey;
import io.keyport.kms.KmsProvider;
import io.keyport.kms.KmsPublicKey;
import io.keyport.kms.KmsTargets;
import io.keyport.support.Sentences;

/**
 * The background work on jobs: new parameters before the old lapse, import retries,
 * reconciliation after crashes, material expiry and drift. Each kind of work claims a
 * batch of due jobs in a short transaction ({@code FOR UPDATE SKIP LOCKED} plus a lease),
 * calls KMS with no transaction open, and records each outcome in a transaction that
 * checks the version of the claim. So any number of instances can run it on one database:
 * a job is claimed by one of them, a lease left by a killed instance lapses and is taken
 * over, and a result computed on stale data is discarded instead of written. The lease is
 * renewed right before each job's KMS work, so a slow batch never lets a later job's
 * lease lapse while this instance still works on it; and whatever goes wrong with one job
 * is recorded on that job, which is backed off, while the run goes on with the others
 * ({@link LifecycleClaims}).
 * <p>
 * Longer than 300 lines on purpose: the three kinds of work (parameters, imports,
 * imported jobs) stay side by side, so their claim conditions and the outcomes they
 * record can be read against each other; claims and leases live in
 * {@link LifecycleClaims}.
 */
@Component
public class ImportJobLifecycle {

	private static final Logger log = LoggerFactory.getLogger(ImportJobLifecycle.class);

	private static final String ACTOR = "system:lifecycle";

	private final ImportJobStore store;

	private final KmsImports kmsImports;

	private final KmsTargets targets;

	private final LifecycleProperties properties;

	private final LifecycleClaims claims;

	private final Clock clock;

	private final ExpiringKeys expiringKeys;

	private final ImportJobMetrics metrics;

	private final ObservationRegistry observations;

	private final TransactionTemplate tx;

	private final Supersession supersession;

	private final RefreshBudget budget;

	private final ClientActivity activity;

	private final CustodyRenewals renewals;

	private final CustodyReleases releases;

	private final ReplicaImports replicas;

	private final KeyRotations rotations;

	private final CustodyOrphans orphans;

	ImportJobLifecycle(ImportJobStore store, KmsImports kmsImports, KmsTargets targets, LifecycleProperties properties,
			LifecycleClaims claims, Clock clock, ExpiringKeys expiringKeys, ImportJobMetrics metrics,
			ObservationRegistry observations, PlatformTransactionManager transactionManager, Supersession supersession,
			RefreshBudget budget, ClientActivity activity, CustodyRenewals renewals, CustodyReleases releases,
			ReplicaImports replicas, KeyRotations rotations, CustodyOrphans orphans) {
		this.rotations = rotations;
		this.orphans = orphans;
		this.renewals = renewals;
		this.releases = releases;
		this.replicas = replicas;
		this.budget = budget;
		this.activity = activity;
		this.supersession = supersession;
		this.expiringKeys = expiringKeys;
		this.metrics = metrics;
		this.observations = observations;
		this.store = store;
		this.kmsImports = kmsImports;
		this.targets = targets;
		this.properties = properties;
		this.claims = claims;
		this.clock = clock;
		this.tx = new TransactionTemplate(transactionManager);
	}

	/** KMS refusals that an operator can undo (the key's state, access, a limit). */
	private static final Set<KmsErrorCode> REVERSIBLE_REFUSALS = EnumSet.of(KmsErrorCode.INVALID_KEY_STATE,
			KmsErrorCode.ACCESS_DENIED, KmsErrorCode.LIMIT_EXCEEDED);

	/** One run of every kind of work; what the scheduler triggers. */
	public RunSummary runOnce() {
		return Observation.createNotStarted("keyport.lifecycle.run", this.observations)
			.lowCardinalityKeyValue("instance.role", "lifecycle")
			.observe(() -> {
				// renewals before the watch: material renewed now is not seen expiring
				int renewed = this.renewals.renewDueMaterial();
				int refreshed = refreshDueParameters();
				int retried = retryDueImports();
				// replicas right after the imports: a primary imported by a retry has its
				// replicas imported in the same run
				int replicated = this.replicas.retryDueReplicas();
				// after the imports: an ON_IMPORT job whose first rotation failed is
				// retried in the same run as its import
				int rotated = this.rotations.rotateDue();
				RunSummary summary = new RunSummary(refreshed, retried, watchImportedJobs(), settleOnDemandJobs(),
						renewed, replicated, this.releases.releaseEndedJobs(), rotated, this.orphans.sweepIfDue());
				this.expiringKeys.refreshGaugeIfStale();
				return summary;
			});
	}

	/**
	 * Counts of jobs worked on in one run.
	 *
	 * @param onDemandSettled ON_DEMAND jobs abandoned, or whose token lapsed while
	 * wrapped, handled without a KMS call
	 * @param custodyRenewals imported jobs in custody whose material was re-imported (or
	 * the attempt failed and was backed off)
	 * @param replicaTurns multi-Region jobs whose due replicas were worked on
	 * @param custodyReleases ended jobs whose custody material was destroyed (or the
	 * attempt failed and was backed off)
	 * @param rotations rotation jobs whose rotation was due (rotated, or the attempt
	 * failed and was backed off)
	 * @param custodyOrphans custody material no job refers to, destroyed (swept every
	 * {@link CustodyOrphans#EVERY})
	 */
	public record RunSummary(int parameterRefreshes, int importAttempts, int importedChecks, int onDemandSettled,
			int custodyRenewals, int replicaTurns, int custodyReleases, int rotations, int custodyOrphans) {
	}

	// --- due work: each arm matches a partial index of V9 or V11 (target, due time).
	// The due time is the later of the work's own time and work_not_before; the claim
	// also requires work_not_before to have passed, so "due time <= t" means "the work's
	// time <= t" for jobs not backed off. (greatest ignores nulls; the work's time is
	// always set in the arm's state: ValidTo by a check constraint, next_attempt_at by
	// markWrapped and importFailed, next_check_at by recordImported and V7.)
	// ----------------------------------------------------------------------------------

	/**
	 * The due time of an EAGER refresh as import_job_eager_refresh (V11) has it: expired
	 * parameters are due at once (or when the backoff ends), whatever their ValidTo (KMS
	 * may call a token invalid before it); waiting and wrapped jobs at their ValidTo (or
	 * when the backoff ends).
	 */
	static final String EAGER_REFRESH_DUE_AT = "case when state = 'PARAMETERS_EXPIRED' "
			+ "then coalesce(work_not_before, '-infinity') else greatest(parameters_valid_to, work_not_before) end";

	/**
	 * EAGER jobs only: waiting jobs whose parameters lapse within the margin, jobs whose
	 * parameters already expired, and wrapped jobs whose token expired; by priority (a
	 * due date, recent client activity, neither), then most urgent (earliest ValidTo)
	 * first. One arm per priority, so each reads its jobs in the order of
	 * import_job_eager_refresh (target, priority, due time) and stops at the batch.
	 */
	static DueWork refreshDue(Instant now, Duration margin) {
		Timestamp lapsing = Timestamp.from(now.plus(margin));
		Timestamp at = Timestamp.from(now);
		List<Due> arms = IntStream.rangeClosed(ImportJob.PRIORITY_DUE_DATE, ImportJob.PRIORITY_IDLE)
			.mapToObj(priority -> new Due("""
					refresh_policy = 'EAGER' and refresh_priority = %d
					      and state in ('PARAMETERS_FETCHED', 'PARAMETERS_EXPIRED', 'MATERIAL_WRAPPED')
					      and (state <> 'MATERIAL_WRAPPED' or parameters_valid_to <= ?)""".formatted(priority),
					EAGER_REFRESH_DUE_AT, lapsing, at))
			.toList();
		return new DueWork("refresh_priority, parameters_valid_to", arms);
	}

	/**
	 * Jobs the scheduler settles without KMS: jobs of either policy waiting past their
	 * lifetime (by waiting_since, import_job_waiting_abandon: an EAGER job's abandonment
	 * does not wait for the day's budget), and ON_DEMAND jobs wrapped under a token that
	 * lapsed (import_job_on_demand_token_lapsed).
	 */
	static DueWork settleDue(Instant now, Duration jobLifetime) {
		Timestamp at = Timestamp.from(now);
		return new DueWork("waiting_since",
				List.of(new Due("state in ('PARAMETERS_FETCHED', 'PARAMETERS_EXPIRED')", "waiting_since",
						Timestamp.from(now.minus(jobLifetime))),
						new Due("state = 'MATERIAL_WRAPPED' and refresh_policy = 'ON_DEMAND'",
								"greatest(parameters_valid_to, work_not_before)", at)));
	}

	/** Wrapped jobs whose next import attempt is due and whose token is still valid. */
	static DueWork retryDue(Instant now) {
		Timestamp at = Timestamp.from(now);
		return new DueWork("next_attempt_at", List.of(new Due("state = 'MATERIAL_WRAPPED' and parameters_valid_to > ?",
				"greatest(next_attempt_at, work_not_before)", at, at)));
	}

	/**
	 * Imported jobs whose check with KMS is due: next_check_at is never later than the
	 * material's ValidTo.
	 */
	static DueWork checkDue(Instant now) {
		Timestamp at = Timestamp.from(now);
		return new DueWork("next_check_at", List.of(
				new Due("state = 'IMPORTED'", "greatest(next_check_at, work_not_before)", at),
				// a rotation job waiting to rotate holds material with its own
				// ValidTo (import_job_pending_rotation_check_due, V23)
				new Due("state = 'IMPORTED_PENDING_ROTATION'", "greatest(next_check_at, work_not_before)", at)));
	}

	// --- parameters
	// ----------------------------------------------------------------------------------------------

	/**
	 * EAGER jobs only (ON_DEMAND jobs get parameters when a client asks): waiting jobs
	 * whose parameters lapse within the margin, jobs whose parameters already expired,
	 * and wrapped jobs whose token expired before the import succeeded get new
	 * parameters; jobs waiting past their lifetime are cancelled as abandoned. Per target
	 * at most what is left of the day's budget ({@link RefreshBudget}), in priority
	 * order: jobs with a due date, then jobs with recent client activity, then the
	 * others, each by when their parameters lapse.
	 */
	public int refreshDueParameters() {
		Instant now = this.clock.instant();
		// activity that is no longer recent stops putting jobs ahead
		this.activity.expireOldActivity(now);
		List<List<JobClaim>> claimed = new ArrayList<>();
		for (List<String> scope : this.budget.quotaScopes()) {
			int allowance = this.budget.claimable(scope.get(0), this.properties.batchSize());
			if (allowance == 0) {
				log.debug("Targets {}: the day's GetParametersForImport budget is used up, or the pace has no "
						+ "permit now; refreshes wait", scope);
				continue;
			}
			claimed.add(this.claims.claim(refreshDue(now, this.properties.refreshMargin()), now, scope, allowance));
		}
		// each quota scope paces its own KMS calls: worked in turn, the scopes' rates add
		// up instead of one waiting while another is paced
		List<JobClaim> claims = LifecycleClaims.inTurn(claimed);
		for (JobClaim claim : claims) {
			this.claims.work(claim, this::refreshOne);
		}
		int refreshed = claims.size();
		return refreshed;
	}

	/**
	 * What needs no KMS call: jobs of either policy waiting past their lifetime are
	 * cancelled as abandoned (EAGER ones too, whether or not the day's budget has
	 * refreshes left), and an ON_DEMAND job wrapped under a token that lapsed before the
	 * import succeeded drops the material wrapped under it and waits for the client
	 * again.
	 */
	public int settleOnDemandJobs() {
		Instant now = this.clock.instant();
		List<JobClaim> claims = this.claims.claim(settleDue(now, this.properties.jobLifetime()), now);
		for (JobClaim claim : claims) {
			this.claims.work(claim, this::settleOnDemand);
		}
		return claims.size();
	}

	private void settleOnDemand(JobClaim claim) {
		ImportJob job = this.tx.execute(status -> this.store.load(new ImportJobId(claim.id())));
		Instant now = this.clock.instant();
		if (job.state() == ImportJobState.MATERIAL_WRAPPED) {
			if (!reconciledLostImport(claim, job)) {
				this.claims.update(claim, j -> j.expireParameters(ACTOR, now));
			}
		}
		else if (job.abandonedAt(now, this.properties.jobLifetime())) {
			this.claims.update(claim, j -> abandon(j, now));
		}
		else {
			this.claims.update(claim, ImportJob::releaseLease);
		}
	}

	/**
	 * Ends an abandoned job; one keeping material in custody that KMS may hold rests as
	 * expired instead, as cancelling would destroy the only copy the key takes back.
	 */
	private void abandon(ImportJob job, Instant now) {
		if (job.keepsMaterialKmsMayHold()) {
			job.restAbandoned(abandoned(), ACTOR, now);
		}
		else if (job.unconfirmedImportAt() != null) {
			// material did arrive: "no material arrived" would be wrong, and only the
			// same material sent again could tell whether KMS holds it
			job.fail(ImportJobException.IMPORT_OUTCOME_UNKNOWN, "abandoned after "
					+ this.properties.jobLifetime().toDays() + " days of waiting: KMS never answered the import of the "
					+ "material uploaded " + Sentences.time(job.unconfirmedImportAt())
					+ ", so the key may hold that material (with its ValidTo) though Keyport cannot confirm it: check "
					+ "the key in KMS, or send the same material again with a new job", ACTOR, now);
		}
		else {
			job.cancel(abandoned(), ACTOR, now);
		}
	}

	private String abandoned() {
		return "abandoned: no material arrived within " + this.properties.jobLifetime().toDays()
				+ " days of the job's start of waiting for it or of its last upload";
	}

	private void refreshOne(JobClaim claim) {
		ImportJob job = this.tx.execute(status -> this.store.load(new ImportJobId(claim.id())));
		if (job.state() == ImportJobState.MATERIAL_WRAPPED && reconciledLostImport(claim, job)) {
			// the token lapsed after an import whose answer was lost: nothing to refresh
			return;
		}
		Instant now = this.clock.instant();
		// counted from when the job last started waiting: a re-import after expiry gets
		// the whole lifetime
		if (job.abandonedAt(now, this.properties.jobLifetime())) {
			this.claims.update(claim, j -> abandon(j, now));
			return;
		}
		if (job.parametersOutlastLifetime(this.properties.jobLifetime())) {
			// the current parameters are valid until the job is abandoned: a download
			// now would buy nothing; it comes back just after the lifetime ends (the
			// refresh is due by then, and no claim takes it before work_not_before)
			Instant dueAgain = job.waitingSince().plus(this.properties.jobLifetime()).plusSeconds(1);
			this.claims.update(claim, j -> j.awaitAbandonment(dueAgain));
			return;
		}
		if (job.validToPassedAt(now)) {
			// KMS takes only a ValidTo in the future: new parameters would go
			// unused until a client refreshes with a new one, so none are
			// downloaded, and the job waits for that refresh or its abandonment
			Instant abandonAt = job.waitingSince().plus(this.properties.jobLifetime());
			this.claims.update(claim, j -> j.awaitNewValidTo(ACTOR, now, abandonAt));
			return;
		}
		ImportParameters parameters;
		try {
			ImportJobMetrics.DownloadCause cause = switch (job.state()) {
				case PARAMETERS_EXPIRED -> ImportJobMetrics.DownloadCause.AFTER_EXPIRY;
				case MATERIAL_WRAPPED -> ImportJobMetrics.DownloadCause.TOKEN_EXPIRED;
				default -> ImportJobMetrics.DownloadCause.REFRESH_BEFORE_EXPIRY;
			};
			parameters = this.budget.download(job.kmsTarget(), () -> this.kmsImports.download(job.kmsTarget(),
					job.kmsKeyArn(), job.wrappingAlgorithm(), job.wrappingKeySpec(), job.id(), cause));
		}
		catch (KmsException ex) {
			if (ex.isTransient() || KmsImports.heldBack(ex)) {
				this.claims.update(claim, j -> {
					if (j.state() == ImportJobState.PARAMETERS_FETCHED && j.parametersExpiredAt(now)) {
						j.expireParameters(ACTOR, now);
					}
					j.deferWork(ex.errorCode().code(), "parameter download failed: " + ex.getMessage(),
							now.plus(this.claims.backoff(claim)));
				});
			}
			else if (job.keepsMaterialKmsMayHold() && REVERSIBLE_REFUSALS.contains(ex.errorCode())) {
				// failing would destroy material the key takes back: backed off
				// until the key is usable again (or the job is abandoned and rests)
				this.claims.update(claim,
						j -> j.deferWork(ex.errorCode().code(),
								"new parameters refused by KMS (" + ex.errorCode().code() + "): " + ex.getMessage()
										+ "; the job keeps the material KMS took in custody and tries again later",
								now.plus(this.claims.backoff(claim))));
			}
			else {
				this.claims.update(claim,
						j -> j.fail(ex.errorCode().code(),
								"new parameters refused by KMS (" + ex.errorCode().code() + "): " + ex.getMessage(),
								ACTOR, this.clock.instant()));
			}
			return;
		}
		catch (ImportJobException ex) {
			this.claims.update(claim, j -> j.fail(ex.code(), ex.getMessage(), ACTOR, this.clock.instant()));
			return;
		}
		String cause = switch (job.state()) {
			case PARAMETERS_FETCHED -> "parameters refreshed before they lapse";
			case PARAMETERS_EXPIRED -> "parameters downloaded again after they expired";
			case MATERIAL_WRAPPED -> "import token expired before the import succeeded; parameters downloaded again";
			default -> "parameters downloaded again";
		};
		this.claims.update(claim, j -> j.recordParameters(parameters, cause, ACTOR, this.clock.instant()));
	}

	// --- imports
	// -------------------------------------------------------------------------------------------------

	/**
	 * Wrapped jobs whose next attempt is due, including those left behind by a crashed
	 * instance (their lease lapsed). An import whose ValidTo passed is not sent (KMS
	 * would refuse it). An import whose outcome was lost is recognised only with proof
	 * (KMS's public key is the one of the private key Keyport wrapped); otherwise the
	 * same material is sent again, which KMS accepts for the material it holds and
	 * refuses for any other.
	 */
	public int retryDueImports() {
		Instant now = this.clock.instant();
		List<JobClaim> claims = this.claims.claim(retryDue(now), now);
		for (JobClaim claim : claims) {
			this.claims.work(claim, this::importOne);
		}
		return claims.size();
	}

	private void importOne(JobClaim claim) {
		ImportJob job = this.tx.execute(status -> this.store.load(new ImportJobId(claim.id())));
		if (job.validToPassedAt(this.clock.instant())) {
			// KMS refuses a past ValidTo: never send it, the caller must set a new one
			this.claims.update(claim, j -> j.refuseImportValidToPassed(ACTOR, this.clock.instant()));
			return;
		}
		// a rotation's new material is looked for only if KMS refuses it (KmsImports):
		// most retries follow an import KMS never executed
		if (job.newMaterialDescription() == null && reconciledLostImport(claim, job)) {
			return;
		}
		// without proof the same material is sent again with the same token: KMS accepts
		// a re-import of the same material and refuses different material, so the
		// outcome is KMS's word, not a guess
		if (!this.claims.beginImportAttempt(claim.id(), claim.version())) {
			log.info("Import job {}: lease lost before its import; its holder goes on", claim.id());
			return;
		}
		try {
			this.kmsImports.execute(new ImportJobId(claim.id()), claim.version(), job.kmsTarget(), job.importRequest(),
					ACTOR);
		}
		catch (ImportJobException ex) {
			// recorded in the job's history by executeImport
			log.info("Import job {}: retry ended with {}", claim.id(), ex.code());
		}
	}

	/**
	 * A wrapped job that an earlier import may have reached KMS for (its answer lost to a
	 * timeout or a crash) is recorded imported, without sending the material again, when
	 * KMS proves it holds this job's material; the caller goes on only without proof.
	 * Asked before every retry, and before material under a lapsed token is dropped: a
	 * lost import found then would otherwise leave the job waiting for material KMS
	 * already holds, its expiry watched by no one.
	 * @return whether the caller stops: the job was recorded imported, or its lease was
	 * lost meanwhile
	 */
	private boolean reconciledLostImport(JobClaim claim, ImportJob job) {
		Optional<Proof> proof = proofOfImport(job);
		if (proof.isEmpty()) {
			// the search made KMS calls of its own (up to two): the caller's next call
			// gets a lease of its own, or stops if another instance holds the job now
			if (!this.claims.extendLease(claim.id(), claim.version())) {
				log.info("Import job {}: lease lost while looking for a lost import; its holder goes on", claim.id());
				return true;
			}
			return false;
		}
		Instant now = this.clock.instant();
		this.metrics.imported(job.kmsTarget());
		if (this.claims.update(claim, j -> j.reconcileImported(proof.get().keyMaterialId(), proof.get().cause(), ACTOR,
				now, now.plus(this.properties.driftCheckInterval())))) {
			this.supersession.supersedeEarlier(new ImportJobId(claim.id()), ACTOR);
		}
		return true;
	}

	/** Why KMS is known to hold a job's material, and the id it lists it under. */
	private record Proof(String keyMaterialId, String cause) {
	}

	/**
	 * The proof that KMS holds this job's material: a rotation job's new material listed
	 * under the job's description (ListKeyRotations); a private key Keyport wrapped whose
	 * public key KMS publishes, with the job's expiration. Symmetric material and
	 * material the client wrapped offer none: only KMS's answer to the same import sent
	 * again can tell.
	 */
	private Optional<Proof> proofOfImport(ImportJob job) {
		String description = job.newMaterialDescription();
		if (description != null) {
			return KmsImports.ownNewMaterial(kms(job), job.kmsKeyArn(), description)
				.map(found -> new Proof(found.keyMaterialId(), "reconciled: KMS lists material " + found.keyMaterialId()
						+ " with this job's description; an earlier import's answer was lost, not sent again"));
		}
		KmsKey key;
		try {
			key = kms(job).describeKey(job.kmsKeyArn());
		}
		catch (KmsException ex) {
			// no proof now: a retry lets the import itself meet the error
			return Optional.empty();
		}
		if (holdsExpectedMaterial(key, job.expiration()) && provenByPublicKey(job)) {
			return Optional.of(new Proof(null, "reconciled: KMS already holds this job's material (its public key "
					+ "matches the imported private key) with the expected expiration; an earlier import's answer was "
					+ "lost, not sent again"));
		}
		return Optional.empty();
	}

	/**
	 * The key holds material with the job's expiration; ValidTo at KMS's precision, whole
	 * seconds.
	 */
	private static boolean holdsExpectedMaterial(KmsKey key, ExpirationPolicy expected) {
		if (key.state() != KeyState.ENABLED && key.state() != KeyState.DISABLED) {
			return false;
		}
		if (key.expirationModel() != expected.model()) {
			return false;
		}
		return expected.model() == ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE || (key.validTo() != null && Objects
			.equals(key.validTo().truncatedTo(ChronoUnit.SECONDS), expected.validTo().truncatedTo(ChronoUnit.SECONDS)));
	}

	/**
	 * Whether KMS's public key is the one of the private key this job wrapped: the proof
	 * that the key holds this job's material. No proof is possible for symmetric keys or
	 * material the client wrapped.
	 */
	private boolean provenByPublicKey(ImportJob job) {
		byte[] expected = job.expectedPublicKey();
		if (expected == null || job.keySpec() == null || job.keySpec().isSymmetricOrHmac()) {
			return false;
		}
		try {
			KmsPublicKey published = kms(job).getPublicKey(job.kmsKeyArn());
			return MessageDigest.isEqual(expected, published.publicKeyDer());
		}
		catch (KmsException ex) {
			return false;
		}
	}

	// --- imported jobs
	// -------------------------------------------------------------------------------------------

	/**
	 * Imported jobs whose material passed its ValidTo, or whose periodic comparison with
	 * KMS is due: KMS decides whether the material expired, was deleted, or the key is
	 * going away.
	 */
	public int watchImportedJobs() {
		Instant now = this.clock.instant();
		List<JobClaim> claims = this.claims.claim(checkDue(now), now);
		for (JobClaim claim : claims) {
			this.claims.work(claim, this::checkImported);
		}
		return claims.size();
	}

	private void checkImported(JobClaim claim) {
		ImportJob job = this.tx.execute(status -> this.store.load(new ImportJobId(claim.id())));
		Instant now = this.clock.instant();
		if (job.state() == ImportJobState.IMPORTED_PENDING_ROTATION) {
			// its material is not the key's current one until it rotates (and supersedes
			// nothing): only that material is compared, with its own ValidTo
			checkOwnMaterial(claim, job, now, job.validToPassedAt(now));
			return;
		}
		Optional<ImportJobId> newer = this.supersession.newerImport(job.id());
		if (newer.isPresent()) {
			// a later job imported into the key: that one is watched, this one has
			// nothing left to check
			this.claims.update(claim, j -> j.supersede(newer.get(), ACTOR, now));
			return;
		}
		KmsKey key;
		try {
			key = kms(job).describeKey(job.kmsKeyArn());
		}
		catch (KmsException ex) {
			if (ex.errorCode() == KmsErrorCode.KEY_NOT_FOUND) {
				this.claims.update(claim,
						j -> j.fail(ex.errorCode().code(), "the KMS key no longer exists", ACTOR, now));
			}
			else {
				this.claims.update(claim, j -> j.deferWork(ex.errorCode().code(),
						"check with KMS failed: " + ex.getMessage(), now.plus(this.claims.backoff(claim))));
			}
			return;
		}
		ExpirationPolicy expiration = job.expiration();
		boolean validToPassed = expiration.model() == ExpirationModel.KEY_MATERIAL_EXPIRES
				&& !expiration.validTo().isAfter(now);
		if (key.state() != KeyState.PENDING_DELETION && job.keyMaterialId() != null
				&& key.currentKeyMaterialId() != null && !job.keyMaterialId().equals(key.currentKeyMaterialId())) {
			checkOwnMaterial(claim, job, now, validToPassed);
			return;
		}
		if (key.state() == KeyState.PENDING_DELETION) {
			// reversible until the deletion date: the job ends only when the key is gone
			Instant deletion = key.deletionDate();
			this.claims.update(claim, j -> {
				Instant regular = j.nextCheck(now, this.properties.driftCheckInterval(), this.properties.interval());
				j.recordKeyPendingDeletion(deletion, ACTOR, now,
						deletion != null && deletion.isAfter(now) && deletion.isBefore(regular) ? deletion : regular);
			});
		}
		else if (key.state() == KeyState.PENDING_IMPORT && !validToPassed && job.materialDeletedForRenewal()) {
			// Keyport's own custody renewal emptied the key and imports the same material
			// again; it is due now
			this.claims.update(claim, j -> j.awaitRenewalImport(
					j.nextCheck(now, this.properties.driftCheckInterval(), this.properties.interval())));
		}
		else if (key.state() == KeyState.PENDING_IMPORT) {
			// Keyport itself empties a key for a job allowed to replace its material
			// (Huawei imports only into keys without material): if that job's import was
			// refused, say so, not "outside Keyport"
			Optional<ImportJobId> emptiedBy = validToPassed ? Optional.empty()
					: this.tx.execute(status -> this.store.keyEmptiedByOtherJob(job));
			this.claims.update(claim, j -> j.expireMaterial(validToPassed
					? "material expired at " + expiration.validTo() + " (KMS shows the key waiting for an import); "
							+ "refresh the parameters and import the same material again"
					: emptiedBy.isPresent() ? "material deleted by Keyport before the import of job " + emptiedBy.get()
							+ " (created with deleteCurrentMaterial), which KMS has not accepted "
							+ "(KMS shows the key waiting for an import); the key holds no material until that job "
							+ "imports, or this job's material is imported again (refresh the parameters and "
							+ (j.custodyReference() != null ? "import the kept material again: custody-reimport)"
									: "upload the same material)")
							: "material deleted outside Keyport (KMS shows the key waiting for an import); refresh "
									+ "the parameters and import the same material again",
					ACTOR, now));
		}
		else if (validToPassed || !lostReplicaMaterial(claim, job, now)) {
			// past ValidTo with material still shown, KMS deletes it within a while: the
			// next look backs off
			this.claims.update(claim, j -> j.recordKeyInUse(ACTOR, now,
					j.nextCheck(now, this.properties.driftCheckInterval(), this.properties.interval())));
		}
	}

	/**
	 * The replicas of an imported multi-Region job compared with KMS too: one that lost
	 * the material before its ValidTo (deleted outside Keyport) sends the job back to
	 * replicating. A replica KMS cannot describe now is looked at in the next check.
	 * @return whether the job was changed (or its lease lost): the caller records nothing
	 */
	private boolean lostReplicaMaterial(JobClaim claim, ImportJob job, Instant now) {
		if (job.state() != ImportJobState.IMPORTED) {
			return false;
		}
		List<String> lost = new ArrayList<>();
		for (ImportJobReplica replica : job.replicasHoldingMaterialAt(now)) {
			// one call per replica after the primary's: each gets a lease of its own
			if (!this.claims.extendLease(claim.id(), claim.version())) {
				return true;
			}
			try {
				KmsKey key = this.targets.get(replica.target()).kms().describeKey(replica.kmsKeyArn());
				if (key.state() == KeyState.PENDING_IMPORT) {
					lost.add(replica.target());
				}
			}
			catch (KmsException ex) {
				log.info("Import job {}: replica {} not compared with KMS now ({})", job.id(), replica.kmsKeyArn(),
						ex.errorCode().code());
			}
		}
		if (lost.isEmpty()) {
			return false;
		}
		this.claims.update(claim, j -> j.replicasLostMaterial(lost, ACTOR, now));
		return true;
	}

	/**
	 * A job whose material is not the key's current one (a rotation made another
	 * current): the key's state says nothing about it, so the job is compared with its
	 * own material as KMS lists it (ListKeyRotations), with its own ValidTo.
	 */
	private void checkOwnMaterial(JobClaim claim, ImportJob job, Instant now, boolean validToPassed) {
		String materialId = job.keyMaterialId();
		List<KeyMaterialVersion> materials;
		try {
			materials = kms(job).listKeyMaterials(job.kmsKeyArn());
		}
		catch (KmsException ex) {
			if (ex.errorCode() == KmsErrorCode.KEY_NOT_FOUND) {
				// the key was deleted: nothing is left to check or rotate (a job
				// waiting to be rotated on request would otherwise back off for good)
				this.claims.update(claim,
						j -> j.fail(ex.errorCode().code(), "the KMS key no longer exists", ACTOR, now));
				return;
			}
			this.claims.update(claim,
					j -> j.deferWork(ex.errorCode().code(),
							"check of the job's material with KMS failed: " + ex.getMessage(),
							now.plus(this.claims.backoff(claim))));
			return;
		}
		Optional<KeyMaterialVersion> own = materials.stream()
			.filter(m -> materialId.equals(m.keyMaterialId()))
			.findFirst();
		if (own.isEmpty() || !own.get().imported()) {
			this.claims.update(claim,
					j -> j.expireMaterial(("material " + materialId + " (not the key's current material) ")
							+ (validToPassed ? "expired at " + j.expiration().validTo() : "was deleted outside Keyport")
							+ "; the key stays usable with its current material, but what this material encrypted "
							+ "cannot be decrypted until the same material is imported again (refresh the parameters "
							+ "and upload it)", ACTOR, now));
		}
		else if (job.state() == ImportJobState.IMPORTED_PENDING_ROTATION
				&& own.get().state() == KeyMaterialVersion.State.CURRENT) {
			// rotated without this job recording it: RotateKeyOnDemand's answer was lost,
			// or someone rotated the key outside Keyport. The job is watched as the
			// key's current material from now on
			this.claims.update(claim,
					j -> j.markRotated(
							"rotated: KMS lists material " + materialId + " as the key's current material "
									+ "(a rotation whose answer was lost, or one made outside Keyport)",
							ACTOR, now, now.plus(this.properties.driftCheckInterval())));
		}
		else if (job.state() == ImportJobState.IMPORTED_PENDING_ROTATION && KeyRotations.wasReplaced(own.get())) {
			this.claims.update(claim, j -> j.markRotated(KeyRotations.replacedCause(materialId), ACTOR, now,
					now.plus(this.properties.driftCheckInterval())));
		}
		else {
			this.claims.update(claim, j -> j
				.recordCheck(j.nextCheck(now, this.properties.driftCheckInterval(), this.properties.interval())));
		}
	}

	/**
	 * The job's KMS target; a target no longer configured fails the work, which is
	 * recorded on the job and backed off until the target is back.
	 */
	private KmsProvider kms(ImportJob job) {
		return this.targets.get(job.kmsTarget()).kms();
	}

}
