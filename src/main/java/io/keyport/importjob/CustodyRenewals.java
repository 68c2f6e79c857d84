package io.keyport.importjob;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.keyport.custody.Custodians;
import io.keyport.custody.CustodyException;
import io.keyport.custody.CustodyReference;
import io.keyport.importjob.LifecycleClaims.Due;
import io.keyport.importjob.LifecycleClaims.DueWork;
import io.keyport.importjob.LifecycleClaims.JobClaim;
import io.keyport.kms.ImportParameters;
import io.keyport.kms.ImportRequest;
import io.keyport.kms.KmsTargets;
import io.keyport.support.DescribedFailure;
import io.keyport.support.InternalDetails;
import io.keyport.support.Sentences;
import io.keyport.wrapping.EncryptedKeyMaterial;
import io.keyport.wrapping.ImportSpec;
import io.keyport.wrapping.WrappingPublicKey;

/**
 * Keeps material in custody alive: an imported job whose material expires within
 * {@code keyport.custody.renewal.before} gets new parameters, its custodian wraps the
 * same material for the new wrapping key, and KMS imports it with a ValidTo
 * {@code extend-by} ahead (Huawei: the key's material deleted first). The job stays one
 * job, IMPORTED, with the new ValidTo, a renewal count and an entry in its history: the
 * key and its material are the same, so a new job per renewal would only supersede the
 * last one. Claims, leases and backoff are the lifecycle's ({@link LifecycleClaims}), so
 * any number of replicas can run it; a failed renewal stays IMPORTED with its error and
 * is retried after the backoff until the material expires (then MATERIAL_EXPIRED, as any
 * job).
 */
@Component
public class CustodyRenewals {

	private static final Logger log = LoggerFactory.getLogger(CustodyRenewals.class);

	private static final String ACTOR = "system:custody-renewal";

	private final ImportJobStore store;

	private final KmsImports kmsImports;

	private final KmsTargets targets;

	private final Custodians custodians;

	private final LifecycleClaims claims;

	private final LifecycleProperties lifecycle;

	private final ImportJobProperties jobProperties;

	private final CustodyRenewalProperties renewal;

	private final RefreshBudget budget;

	private final MeterRegistry registry;

	private final JdbcTemplate jdbc;

	private final Clock clock;

	private final TransactionTemplate tx;

	/** Tries at recording a renewal on a job that changed meanwhile. */
	private static final int TAKEN_OVER_ATTEMPTS = 3;

	private final Supersession supersession;

	CustodyRenewals(ImportJobStore store, KmsImports kmsImports, KmsTargets targets, Custodians custodians,
			LifecycleClaims claims, LifecycleProperties lifecycle, ImportJobProperties jobProperties,
			CustodyRenewalProperties renewal, RefreshBudget budget, MeterRegistry registry, JdbcTemplate jdbc,
			Clock clock, PlatformTransactionManager transactionManager, Supersession supersession) {
		this.supersession = supersession;
		this.store = store;
		this.kmsImports = kmsImports;
		this.targets = targets;
		this.custodians = custodians;
		this.claims = claims;
		this.lifecycle = lifecycle;
		this.jobProperties = jobProperties;
		this.renewal = renewal;
		this.budget = budget;
		this.registry = registry;
		this.jdbc = jdbc;
		this.clock = clock;
		this.tx = new TransactionTemplate(transactionManager);
	}

	/**
	 * Imported (or replicating) jobs in custody with a member (the job's key or a
	 * replica) whose material expires within the renewal margin, and whose own material
	 * has not expired yet (import_job_custody_renewal_due, V32): once it has, the check
	 * ends the job MATERIAL_EXPIRED. A replica whose renewal kept failing past its
	 * ValidTo stays due: KMS takes the same material back into it.
	 */
	static DueWork renewalDue(Instant now, CustodyRenewalProperties renewal) {
		return new DueWork("renewal_due_at", List.of(new Due(
				"state in ('IMPORTED', 'REPLICATING') and custody_id is not null and renewal_due_at is not null "
						+ "and material_valid_to > ?",
				"renewal_due_at", Timestamp.from(now.plus(renewal.before())), Timestamp.from(now))));
	}

	/**
	 * Renews the due jobs, per target within what is left of the day's
	 * GetParametersForImport budget; the number of jobs worked on.
	 */
	public int renewDueMaterial() {
		Instant now = this.clock.instant();
		List<List<JobClaim>> claimed = new ArrayList<>();
		for (List<String> scope : this.budget.quotaScopes()) {
			int allowance = this.budget.claimable(scope.get(0), this.lifecycle.batchSize());
			if (allowance > 0) {
				claimed.add(this.claims.claim(renewalDue(now, this.renewal), now, scope, allowance));
			}
		}
		List<JobClaim> claims = LifecycleClaims.inTurn(claimed);
		for (JobClaim claim : claims) {
			this.claims.work(claim, this::renewOne);
		}
		return claims.size();
	}

	/**
	 * Imported jobs in custody whose last renewal failed (they keep their error until a
	 * renewal succeeds), for the health details.
	 */
	public long failing() {
		Long failing = this.jdbc.queryForObject("select count(*) from import_job where state = 'IMPORTED' "
				+ "and custody_id is not null and last_error_code is not null", Long.class);
		return (failing != null) ? failing : 0;
	}

	private void renewOne(JobClaim claim) {
		ImportJob job = this.tx.execute(status -> this.store.load(new ImportJobId(claim.id())));
		CustodyReference reference = job.custodyReference();
		Instant now = this.clock.instant();
		Optional<ImportJobId> newer = this.supersession.newerImport(job.id());
		if (newer.isPresent()) {
			// a later job imported into the key: its material is the key's now, never
			// replaced by this job's
			this.claims.update(claim, j -> j.supersede(newer.get(), ACTOR, now));
			return;
		}
		Instant latest = now.plus(this.jobProperties.maxValidity());
		Instant extended = now.plus(this.renewal.extendBy());
		Instant validTo = extended.isAfter(latest) ? latest : extended;
		// what this turn renewed, recorded whether or not it got through every member:
		// the job's own key (its answer), and the replicas by target (their material id)
		Renewed renewed = new Renewed();
		try {
			// each member on its own: one that fails (its region down, its key deleted)
			// does not leave the others to expire; the first failure is the job's error.
			// The custodian is every member's: its failure, like a lapsed lease, ends
			// the turn
			RuntimeException failure = null;
			if (job.ownMaterialDueBy(now.plus(this.renewal.before()))) {
				try {
					renewed.own = renewOwn(claim, job, reference, validTo);
				}
				catch (LeaseLost | CustodyException ex) {
					throw ex;
				}
				catch (RuntimeException ex) {
					failure = ex;
				}
			}
			failure = renewReplicas(claim, job, reference, validTo, now, renewed.replicas, failure);
			if (failure != null) {
				throw failure;
			}
		}
		catch (RuntimeException ex) {
			String code = (ex instanceof DescribedFailure described) ? described.code() : "custody-renewal-failed";
			count(job.kmsTarget(), "failed");
			log.warn("Import job {}: renewal from custody {} failed ({}): {}", job.id(), reference.custodian(), code,
					ex.getMessage());
			boolean recorded = this.claims.update(claim, j -> {
				// members renewed before the failure keep their new ValidTo;
				// the retry renews only the others
				record(j, renewed, reference, validTo, now);
				// the job's tenant reads this: Keyport's own words, not an internal
				// exception's (the log has it)
				String why = (ex instanceof DescribedFailure) ? InternalDetails.redacted(ex.getMessage())
						: "an internal error in Keyport (details in its log at " + Sentences.time(now) + ")";
				j.deferWork(code,
						"renewal from custody failed: " + why + "; retried after a backoff (the earliest "
								+ "ValidTo of the key's members is " + j.earliestMemberValidTo() + ")",
						now.plus(this.claims.backoff(claim)));
			});
			if (!recorded) {
				recordTakenOver(claim, renewed, reference, validTo, now);
			}
			return;
		}
		count(job.kmsTarget(), "renewed");
		log.info("Import job {}: material re-imported from custody {}, valid until {}", job.id(), reference.custodian(),
				validTo);
		Instant done = this.clock.instant();
		boolean recorded = this.claims.update(claim, j -> {
			record(j, renewed, reference, validTo, done);
			j.finishCustodyRenewal(done.plus(this.lifecycle.driftCheckInterval()));
		});
		if (!recorded) {
			recordTakenOver(claim, renewed, reference, validTo, done);
		}
	}

	/**
	 * What KMS accepted in a turn whose job changed meanwhile (the lease lapsed during a
	 * slow call and another instance claimed the job): recorded on the job as it is now,
	 * as an accepted import always is, else the new holder would renew the same members
	 * again (on Huawei, emptying the key once more). Only the renewals: the lease and the
	 * work due are the new holder's, whose turn then stops at its next lease extension.
	 */
	private void recordTakenOver(JobClaim claim, Renewed renewed, CustodyReference reference, Instant validTo,
			Instant now) {
		if (renewed.own == null && renewed.replicas.isEmpty()) {
			return;
		}
		for (int attempt = 1; attempt <= TAKEN_OVER_ATTEMPTS; attempt++) {
			try {
				this.tx.executeWithoutResult(status -> {
					ImportJob job = this.store.load(new ImportJobId(claim.id()));
					if (!job.renewable() || !reference.equals(job.custodyReference())) {
						log.warn("Import job {}: KMS accepted a renewal from custody after the job became {}; "
								+ "not recorded", claim.id(), job.state());
						return;
					}
					record(job, renewed, reference, validTo, now);
					this.store.save(job);
				});
				log.info("Import job {}: renewal recorded after the job was taken over", claim.id());
				return;
			}
			catch (OptimisticLockingFailureException ex) {
				log.info("Import job {}: changed while its accepted renewal was recorded; attempt {} of {}", claim.id(),
						attempt, TAKEN_OVER_ATTEMPTS);
			}
		}
	}

	/** The job's own key renewed: new parameters, the custodian's wrap, the import. */
	private KmsImports.Reimported renewOwn(JobClaim claim, ImportJob job, CustodyReference reference, Instant validTo) {
		ImportParameters parameters = this.budget.download(job.kmsTarget(),
				() -> this.kmsImports.download(job.kmsTarget(), job.kmsKeyArn(), job.wrappingAlgorithm(),
						job.wrappingKeySpec(), job.id(), ImportJobMetrics.DownloadCause.CUSTODY_RENEWAL));
		WrappingPublicKey wrappingKey = WrappingPublicKey.fromDer(parameters.publicKeyDer());
		ImportSpec spec = new ImportSpec(job.keySpec(), job.wrappingAlgorithm(), wrappingKey.spec(),
				this.targets.get(job.kmsTarget()).kms().importRules());
		// the custodian wraps: the plaintext never leaves it (kms-envelope opens it only
		// for this wrap)
		EncryptedKeyMaterial wrapped = this.custodians.of(reference).wrapForImport(reference, wrappingKey, spec);
		// the job's own material by its id (EXISTING_KEY_MATERIAL): after a rotation the
		// key's current material may be another job's
		ImportRequest request = job.withImportType(new ImportRequest(job.kmsKeyArn(), parameters.importToken(), wrapped,
				job.expiration().model(), validTo, job.keySpec(), job.wrappingAlgorithm(), job.wrappingKeySpec()));
		holdOn(claim);
		return this.kmsImports.reimport(job.kmsTarget(), request, () -> {
			recordDeletion(claim);
			holdOn(claim);
		});
	}

	/**
	 * The key's material was deleted for this renewal's import: written at once, whatever
	 * happens next (a failed import, a crash), so the job stays due for renewal and its
	 * check does not take the empty key for a deletion outside Keyport. Not a change of
	 * the job's version: the turn goes on at the version it claimed.
	 */
	private void recordDeletion(JobClaim claim) {
		this.jdbc.update("update import_job set material_deleted_at = ? where id = ? and material_deleted_at is null",
				Timestamp.from(this.clock.instant()), claim.id());
	}

	private static void record(ImportJob job, Renewed renewed, CustodyReference reference, Instant validTo,
			Instant now) {
		if (renewed.own != null) {
			job.recordCustodyRenewal(validTo, renewed.own.result().keyMaterialId(),
					"material re-imported from custody (" + reference.custodian() + "), valid until " + validTo
							+ (renewed.own.deletedFirst() ? "; the key's material was deleted first" : ""),
					ACTOR, now);
		}
		renewed.replicas
			.forEach((target, materialId) -> job.recordReplicaRenewal(target, validTo, materialId, ACTOR, now));
	}

	/** The members a renewal turn renewed so far. */
	private static final class Renewed {

		private KmsImports.Reimported own;

		private final Map<String, String> replicas = new LinkedHashMap<>();

	}

	/**
	 * The replicas of a multi-Region job get the same material with the same ValidTo,
	 * each with its own parameters from its own region; a replica renewed in an earlier
	 * turn that another member failed is left alone. A replica that fails does not stop
	 * the others: the first failure of the turn is returned (or the one given), and only
	 * a lapsed lease or the custodian's failure ends the turn at once.
	 */
	private RuntimeException renewReplicas(JobClaim claim, ImportJob job, CustodyReference reference, Instant validTo,
			Instant now, Map<String, String> renewed, RuntimeException failure) {
		RuntimeException first = failure;
		for (ImportJobReplica replica : job.replicas()) {
			if (replica.state() != ImportJobReplica.State.IMPORTED
					|| replica.validBeyond(now.plus(this.renewal.before()))) {
				continue;
			}
			try {
				renewReplica(claim, job, reference, validTo, replica, renewed);
			}
			catch (LeaseLost | CustodyException ex) {
				throw ex;
			}
			catch (RuntimeException ex) {
				log.warn("Import job {}: renewal of replica {} from custody failed: {}", job.id(), replica.target(),
						ex.getMessage());
				if (first == null) {
					first = ex;
				}
			}
		}
		return first;
	}

	private void renewReplica(JobClaim claim, ImportJob job, CustodyReference reference, Instant validTo,
			ImportJobReplica replica, Map<String, String> renewed) {
		holdOn(claim);
		String target = replica.target();
		ImportParameters parameters = this.budget.download(target,
				() -> this.kmsImports.download(target, replica.kmsKeyArn(), job.wrappingAlgorithm(),
						job.wrappingKeySpec(), job.id(), ImportJobMetrics.DownloadCause.CUSTODY_RENEWAL));
		WrappingPublicKey wrappingKey = WrappingPublicKey.fromDer(parameters.publicKeyDer());
		ImportSpec spec = new ImportSpec(job.keySpec(), job.wrappingAlgorithm(), wrappingKey.spec(),
				this.targets.get(target).kms().importRules());
		EncryptedKeyMaterial wrapped = this.custodians.of(reference).wrapForImport(reference, wrappingKey, spec);
		ImportRequest request = new ImportRequest(replica.kmsKeyArn(), parameters.importToken(), wrapped,
				job.expiration().model(), validTo, job.keySpec(), job.wrappingAlgorithm(), job.wrappingKeySpec());
		// the download and the custodian's wrap (a KMS Decrypt for
		// kms-envelope) were two calls: the import gets a lease of its own
		holdOn(claim);
		renewed.put(target, this.kmsImports.reimport(target, request, () -> holdOn(claim)).result().keyMaterialId());
	}

	/**
	 * The lease extended before the next KMS calls of the turn, or the turn stops: what
	 * it renewed so far is recorded as for any failure, and the instance that holds the
	 * job now renews the rest.
	 */
	private void holdOn(JobClaim claim) {
		if (!this.claims.extendLease(claim.id(), claim.version())) {
			throw new LeaseLost();
		}
	}

	/** The turn's lease lapsed: nothing more of the turn may go to KMS. */
	private static final class LeaseLost extends IllegalStateException {

		LeaseLost() {
			super("the lease on the job lapsed or was taken over during the renewal");
		}

	}

	private void count(String target, String outcome) {
		Counter.builder("keyport.custody.renewals")
			.description("Re-imports of material kept in custody before its ValidTo, by outcome")
			.tag("target", target)
			.tag("outcome", outcome)
			.register(this.registry)
			.increment();
	}

}
