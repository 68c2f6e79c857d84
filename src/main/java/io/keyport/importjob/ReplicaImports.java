package io.keyport.importjob;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.keyport.custody.Custodians;
import io.keyport.custody.CustodyReference;
import io.keyport.importjob.LifecycleClaims.Due;
import io.keyport.importjob.LifecycleClaims.DueWork;
import io.keyport.importjob.LifecycleClaims.JobClaim;
import io.keyport.kms.ImportParameters;
import io.keyport.kms.ImportRequest;
import io.keyport.kms.ImportResult;
import io.keyport.kms.KmsException;
import io.keyport.kms.KmsProvider;
import io.keyport.kms.KmsTargets;
import io.keyport.support.DescribedFailure;
import io.keyport.wrapping.EncryptedKeyMaterial;
import io.keyport.wrapping.ImportSpec;
import io.keyport.wrapping.WrappingPublicKey;

/**
 * The replicas of multi-Region jobs whose primary holds the material (REPLICATING): each
 * replica is imported with its own token and wrapped copy, right after the primary by the
 * uploading request, and a replica that failed is retried on its own by the lifecycle
 * (claimed like its other work, so safe on any number of instances), never re-importing a
 * member that already holds the material. A replica whose token lapsed gets new
 * parameters from its own region; a custodian then wraps the material again, else the job
 * asks for a new upload for that replica. Every KMS call runs with no transaction open;
 * each outcome is recorded at the version of the job's claim.
 */
@Component
class ReplicaImports {

	private static final Logger log = LoggerFactory.getLogger(ReplicaImports.class);

	/** What a step answers instead of the job's version when the turn lost its lease. */
	private static final long LEASE_LOST = -1;

	static final String ACTOR = "system:replication";

	private final ImportJobStore store;

	private final KmsImports kmsImports;

	private final KmsTargets targets;

	private final Custodians custodians;

	private final LifecycleClaims claims;

	private final LifecycleProperties lifecycle;

	private final ImportJobProperties jobProperties;

	private final RefreshBudget budget;

	private final Supersession supersession;

	private final MeterRegistry registry;

	private final Clock clock;

	private final TransactionTemplate tx;

	ReplicaImports(ImportJobStore store, KmsImports kmsImports, KmsTargets targets, Custodians custodians,
			LifecycleClaims claims, LifecycleProperties lifecycle, ImportJobProperties jobProperties,
			RefreshBudget budget, Supersession supersession, MeterRegistry registry, Clock clock,
			PlatformTransactionManager transactionManager) {
		this.store = store;
		this.supersession = supersession;
		this.kmsImports = kmsImports;
		this.targets = targets;
		this.custodians = custodians;
		this.claims = claims;
		this.lifecycle = lifecycle;
		this.jobProperties = jobProperties;
		this.budget = budget;
		this.registry = registry;
		this.clock = clock;
		this.tx = new TransactionTemplate(transactionManager);
	}

	/**
	 * REPLICATING jobs with replica work due (import_job_replication_due, V15). Jobs that
	 * only wait for a new upload have no next attempt and are not claimed.
	 */
	static DueWork replicationDue(Instant now) {
		return new DueWork("next_attempt_at", List
			.of(new Due("state = 'REPLICATING'", "greatest(next_attempt_at, work_not_before)", Timestamp.from(now))));
	}

	/**
	 * The lifecycle's turn: every due replica of the claimed jobs; the jobs worked on.
	 */
	int retryDueReplicas() {
		Instant now = this.clock.instant();
		List<JobClaim> claimed = this.claims.claim(replicationDue(now), now);
		for (JobClaim claim : claimed) {
			this.claims.work(claim, c -> work(new ImportJobId(c.id()), c.version()));
		}
		return claimed.size();
	}

	/**
	 * The replicas of a job whose primary was just imported by an upload, in the same
	 * request; left to the lifecycle when someone else holds the job.
	 */
	ImportJobView importAfterUpload(ImportJobId id) {
		Long version = this.tx.execute(status -> {
			ImportJob job = this.store.load(id);
			if (job.state() != ImportJobState.REPLICATING) {
				return null;
			}
			Instant now = this.clock.instant();
			if (job.replicasDue(now).isEmpty()) {
				return null;
			}
			try {
				job.leaseForReplication(lease(now), now);
			}
			catch (ImportJobException busy) {
				return null;
			}
			return this.store.save(job).version();
		});
		if (version != null) {
			workQuietly(id, version);
		}
		return this.tx.execute(status -> this.store.load(id).toView());
	}

	/** Imports the replicas of a job an upload claimed (it holds the lease). */
	ImportJobView importClaimed(ImportJobId id, long version) {
		workQuietly(id, version);
		return this.tx.execute(status -> this.store.load(id).toView());
	}

	Lease lease(Instant now) {
		return new Lease(this.lifecycle.instanceId(), now.plus(this.lifecycle.leaseDuration()));
	}

	private void workQuietly(ImportJobId id, long version) {
		try {
			work(id, version);
		}
		catch (RuntimeException ex) {
			// the upload's answer is the job as it stands; the lease lapses and the
			// lifecycle takes the replicas over
			log.warn("Import job {}: replica work after the upload failed; left to the lifecycle", id, ex);
		}
	}

	/**
	 * One turn on a held job: for each replica with work due, new parameters where its
	 * token lapsed, then its import; then the turn's end (IMPORTED when every replica
	 * holds the material).
	 */
	private void work(ImportJobId id, long claimedVersion) {
		long version = claimedVersion;
		Instant now = this.clock.instant();
		ImportJob job = this.tx.execute(status -> this.store.loadAtVersion(id, claimedVersion));
		Optional<ImportJobId> newer = (job.state() == ImportJobState.REPLICATING) ? this.supersession.newerImport(id)
				: Optional.empty();
		if (newer.isPresent()) {
			// a later job imported the same material into the key: the key and its
			// replicas are that job's concern now, never this one's older parameters
			record(id, version, j -> j.supersede(newer.get(), ACTOR, now));
			return;
		}
		if (job.state() == ImportJobState.REPLICATING && job.validToPassedAt(now)) {
			// no replica takes the material after its ValidTo, and the primary and the
			// replicas that hold it lose it now: the whole job is imported again
			record(id, version, j -> j.expireMaterial("material expired at " + j.expiration().validTo()
					+ " before every replica took it; refresh the parameters with a new validTo and upload the same "
					+ "material again", ACTOR, now));
			return;
		}
		for (ImportJobReplica replica : job.replicas()) {
			// each replica's step (new parameters, its import) under a lease extended for
			// it: a turn over many replicas would outlast a lease checked against
			// one step
			if (!this.claims.extendLease(id.value(), version)) {
				log.info("Import job {}: lease lost during the replica turn; the job's holder goes on", id);
				return;
			}
			String target = replica.target();
			if (replica.state() == ImportJobReplica.State.MATERIAL_WRAPPED && replica.parametersExpiredAt(now)) {
				version = record(id, version, j -> j.recordReplicaTokenLapsed(target, ACTOR, now));
			}
			long renewed = renewParameters(id, version, target, now);
			// new parameters and a custodian's wrap are two KMS calls already: the
			// import gets a lease of its own
			if (renewed != version && !this.claims.extendLease(id.value(), renewed)) {
				log.info("Import job {}: lease lost during the replica turn; the job's holder goes on", id);
				return;
			}
			version = importReplica(id, renewed, target, now);
			if (version == LEASE_LOST) {
				return;
			}
		}
		Instant done = this.clock.instant();
		record(id, version, j -> j.finishReplicationTurn(ACTOR, done, done.plus(this.lifecycle.driftCheckInterval())));
	}

	/**
	 * New parameters for a replica whose token lapsed or was refused, from its own
	 * region; the custodian wraps the material again under them when the job keeps it.
	 */
	private long renewParameters(ImportJobId id, long version, String target, Instant now) {
		ImportJob job = this.tx.execute(status -> this.store.loadAtVersion(id, version));
		ImportJobReplica replica = job.replica(target);
		if (!replica.parametersDueAt(now)) {
			return version;
		}
		try {
			// counted in the day's budget, but not held back by it: the primary already
			// holds the material, so finishing its replicas comes before any idle job's
			// EAGER refresh (the target's pacing still holds the KMS rate)
			ImportParameters parameters = this.budget.download(target,
					() -> this.kmsImports.download(target, replica.kmsKeyArn(), job.wrappingAlgorithm(),
							job.wrappingKeySpec(), id, ImportJobMetrics.DownloadCause.REPLICA));
			EncryptedKeyMaterial rewrapped = null;
			CustodyReference reference = job.custodyReference();
			if (reference != null) {
				WrappingPublicKey wrappingKey = WrappingPublicKey.fromDer(parameters.publicKeyDer());
				ImportSpec spec = new ImportSpec(job.keySpec(), job.wrappingAlgorithm(), wrappingKey.spec(),
						this.targets.get(target).kms().importRules());
				rewrapped = this.custodians.of(reference).wrapForImport(reference, wrappingKey, spec);
			}
			EncryptedKeyMaterial wrapped = rewrapped;
			return record(id, version, j -> j.recordReplicaParameters(target, parameters, wrapped, ACTOR, now));
		}
		catch (KmsException ex) {
			log.warn("Import job {}: new parameters for replica {} failed ({}): {}", id, replica.kmsKeyArn(),
					ex.errorCode().code(), ex.getMessage());
			if (!ex.isTransient() && !KmsImports.heldBack(ex)) {
				// as for the primary's refresh: a key that cannot give parameters now
				// never will (missing, not EXTERNAL, access denied); a call held back
				// before it was sent is tried again
				return record(id, version, j -> j.refuseReplicaParameters(target, ex.errorCode().code(),
						ex.getMessage(), ACTOR, this.clock.instant()));
			}
			return deferParameters(id, version, replica, ex.errorCode().code(), ex.getMessage(), now);
		}
		catch (RuntimeException ex) {
			String code = (ex instanceof DescribedFailure described) ? described.code() : "replica-parameters-failed";
			log.warn("Import job {}: new parameters for replica {} failed ({}): {}", id, replica.kmsKeyArn(), code,
					ex.getMessage());
			return deferParameters(id, version, replica, code, ex.getMessage(), now);
		}
	}

	/**
	 * A failed download tried again after a backoff that grows with the replica's
	 * failures in a row (up to {@code retry-max-delay}).
	 */
	private long deferParameters(ImportJobId id, long version, ImportJobReplica replica, String code, String message,
			Instant now) {
		String target = replica.target();
		Instant retryAt = now
			.plus(this.jobProperties.retryDelay(replica.parameterFailures() + 1, ThreadLocalRandom.current()));
		return record(id, version, j -> j.deferReplicaParameters(target, code,
				"new parameters for the replica failed: " + message, retryAt, now));
	}

	/** ImportKeyMaterial into one replica, if due, and its outcome. */
	private long importReplica(ImportJobId id, long version, String target, Instant now) {
		ImportJob job = this.tx.execute(status -> this.store.loadAtVersion(id, version));
		ImportJobReplica replica = job.replica(target);
		if (!replica.importDueAt(now)) {
			return version;
		}
		ImportRequest request = job.replicaImportRequest(target);
		KmsProvider kms = this.targets.get(target).kms();
		// marked as sent before it is: an instance that dies before recording the
		// answer leaves the mark, and the next attempt knows KMS may hold the material
		if (!this.claims.beginReplicaImport(id.value(), version, target)) {
			log.info("Import job {}: lease lost before the import into replica {}; the job's holder goes on", id,
					replica.kmsKeyArn());
			return LEASE_LOST;
		}
		ImportResult result;
		try {
			result = kms.importKeyMaterial(request);
		}
		catch (KmsException ex) {
			count(target, "failed");
			log.warn("Import job {}: KMS refused the import into replica {} with {}: {}", id, replica.kmsKeyArn(),
					ex.errorCode().code(), ex.getMessage());
			int attempt = replica.importAttempts() + 1;
			return record(id, version,
					j -> j.recordReplicaImportFailed(target, ex.errorCode(), ex.maybeSent(), ex.getMessage(),
							this.jobProperties.retryDelay(attempt, ThreadLocalRandom.current()),
							this.jobProperties.maxImportAttempts(), ACTOR, this.clock.instant()));
		}
		count(target, "imported");
		log.info("Import job {} imported material into replica {}", id, replica.kmsKeyArn());
		return record(id, version, j -> j.recordReplicaImported(target, result, ACTOR, this.clock.instant()));
	}

	/** Applies a change at the version the turn holds; the job's version after it. */
	private long record(ImportJobId id, long version, java.util.function.Consumer<ImportJob> change) {
		Long saved = this.tx.execute(status -> {
			ImportJob job = this.store.loadAtVersion(id, version);
			change.accept(job);
			return this.store.save(job).version();
		});
		return (saved != null) ? saved : version;
	}

	private void count(String target, String outcome) {
		Counter.builder("keyport.replica.imports")
			.description("Imports into replicas of multi-Region keys, by outcome")
			.tag("target", target)
			.tag("outcome", outcome)
			.register(this.registry)
			.increment();
	}

}
