package io.keyport.importjob;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
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

import io.keyport.importjob.LifecycleClaims.Due;
import io.keyport.importjob.LifecycleClaims.DueWork;
import io.keyport.importjob.LifecycleClaims.JobClaim;
import io.keyport.kms.KeyMaterialVersion;
import io.keyport.kms.KmsErrorCode;
import io.keyport.kms.KmsException;
import io.keyport.kms.KmsProvider;
import io.keyport.kms.KmsTargets;
import io.keyport.security.Caller;

/**
 * Rotation of a rotation job's material, imported with NEW_KEY_MATERIAL and pending
 * rotation, into the key's current material (RotateKeyOnDemand): right after the import
 * (ON_IMPORT), by the scheduler at the job's rotation time (AT, and ON_IMPORT whose first
 * try failed), or on request (any plan). The job is held by a lease while KMS is called
 * with no transaction open; the outcome is recorded at the version of the hold. A refusal
 * is checked against the key's materials: material that is already current was rotated
 * (an answer lost), material that left KMS expired before the rotation; anything else is
 * recorded on the job (lastError, history) and retried after a backoff.
 */
@Component
public class KeyRotations {

	private static final Logger log = LoggerFactory.getLogger(KeyRotations.class);

	private static final String ACTOR = "system:rotation";

	private final ImportJobStore store;

	private final KmsTargets targets;

	private final LifecycleClaims claims;

	private final LifecycleProperties lifecycle;

	private final ImportJobProperties jobProperties;

	private final MeterRegistry registry;

	private final Clock clock;

	private final TransactionTemplate tx;

	KeyRotations(ImportJobStore store, KmsTargets targets, LifecycleClaims claims, LifecycleProperties lifecycle,
			ImportJobProperties jobProperties, MeterRegistry registry, Clock clock,
			PlatformTransactionManager transactionManager) {
		this.store = store;
		this.targets = targets;
		this.claims = claims;
		this.lifecycle = lifecycle;
		this.jobProperties = jobProperties;
		this.registry = registry;
		this.clock = clock;
		this.tx = new TransactionTemplate(transactionManager);
	}

	/**
	 * Jobs pending rotation whose rotation time came (import_job_rotation_due, V14).
	 */
	static DueWork rotationDue(Instant now) {
		return new DueWork("rotation_at",
				List.of(new Due("state = 'IMPORTED_PENDING_ROTATION' and rotation_at is not null",
						"greatest(rotation_at, work_not_before)", Timestamp.from(now))));
	}

	/** The scheduler's arm: rotates the due jobs; the number of jobs worked on. */
	public int rotateDue() {
		Instant now = this.clock.instant();
		List<JobClaim> claimed = this.claims.claim(rotationDue(now), now);
		for (JobClaim claim : claimed) {
			this.claims.work(claim, this::rotateClaimed);
		}
		return claimed.size();
	}

	private void rotateClaimed(JobClaim claim) {
		ImportJob job = this.tx.execute(status -> this.store.load(new ImportJobId(claim.id())));
		Outcome outcome = rotate(job.kmsTarget(), job.kmsKeyArn(), job.keyMaterialId());
		Instant now = this.clock.instant();
		this.claims.update(claim, j -> outcome.apply(j, ACTOR, now, now.plus(this.claims.backoff(claim)),
				now.plus(this.lifecycle.driftCheckInterval())));
	}

	/**
	 * A caller's rotation of its job: refused unless the job's material is pending
	 * rotation and nothing else works on the job; a refusal by KMS is recorded on the job
	 * and answered with KMS's code.
	 */
	public ImportJobView rotateOnRequest(ImportJobId id, Caller caller) {
		Held held = this.tx.execute(status -> hold(this.store.load(id, caller, true), true));
		Outcome outcome = rotate(held.target(), held.arn(), held.keyMaterialId());
		ImportJobView view = record(id, held, outcome, caller.actor());
		return switch (outcome) {
			case Outcome.Rotated rotated -> view;
			case Outcome.Refused refused ->
				throw new ImportJobException(refused.code(), refused.kind(), id, view.state(), refused.detail());
		};
	}

	/**
	 * Right after an import: a job planned ON_IMPORT is rotated now. Never throws; a
	 * failure is recorded on the job and the scheduler tries again after a backoff.
	 * @return the job as it is now
	 */
	ImportJobView rotateAfterImport(ImportJobView imported, String actor) {
		if (imported.state() != ImportJobState.IMPORTED_PENDING_ROTATION || imported.rotation() == null
				|| imported.rotation().when() != Rotation.When.ON_IMPORT) {
			return imported;
		}
		try {
			Held held = this.tx.execute(status -> hold(this.store.load(imported.id()), false));
			if (held == null) {
				return imported;
			}
			Outcome outcome = rotate(held.target(), held.arn(), held.keyMaterialId());
			return record(imported.id(), held, outcome, actor);
		}
		catch (RuntimeException ex) {
			log.warn("Import job {}: rotation after the import not done now ({}); the scheduler retries", imported.id(),
					ex.toString());
			return this.tx.execute(status -> this.store.load(imported.id()).toView());
		}
	}

	/** What a rotation needs of the job, held by this instance's lease at a version. */
	private record Held(long version, String target, String arn, String keyMaterialId, int workFailures) {
	}

	/**
	 * Leases the job for its rotation; refused (on request) or skipped ({@code null})
	 * when it is not pending rotation or is held.
	 */
	private Held hold(ImportJob job, boolean onRequest) {
		Instant now = this.clock.instant();
		if (onRequest) {
			job.checkRotationOnRequest(now);
		}
		else {
			try {
				job.checkRotationOnRequest(now);
			}
			catch (ImportJobException ex) {
				return null;
			}
		}
		job.lease(new Lease(this.lifecycle.instanceId(), now.plus(this.lifecycle.leaseDuration())));
		ImportJob saved = this.store.save(job);
		return new Held(saved.version(), saved.kmsTarget(), saved.kmsKeyArn(), saved.keyMaterialId(),
				saved.workFailures());
	}

	private ImportJobView record(ImportJobId id, Held held, Outcome outcome, String actor) {
		Instant now = this.clock.instant();
		Duration backoff = this.jobProperties.retryDelay(held.workFailures() + 1, ThreadLocalRandom.current());
		return this.tx.execute(status -> {
			ImportJob job = this.store.loadAtVersion(id, held.version());
			outcome.apply(job, actor, now, now.plus(backoff), now.plus(this.lifecycle.driftCheckInterval()));
			return this.store.save(job).toView();
		});
	}

	/**
	 * RotateKeyOnDemand, no transaction open; a refusal is judged by the job's own
	 * material as KMS lists it.
	 */
	private Outcome rotate(String target, String arn, String keyMaterialId) {
		KmsProvider kms = this.targets.get(target).kms();
		try {
			kms.rotateOnDemand(arn);
			count(target, "rotated");
			log.info("Key {}: rotated to material {}", arn, keyMaterialId);
			return new Outcome.Rotated("rotated: material " + keyMaterialId
					+ " is the key's current material now (RotateKeyOnDemand); the previous material stays in the key "
					+ "for decryption");
		}
		catch (KmsException ex) {
			if (ex.errorCode() == KmsErrorCode.KEY_NOT_FOUND) {
				count(target, "failed");
				return new Outcome.Refused(ex.errorCode().code(), ex.errorCode().importKind(),
						"the KMS key no longer exists", true, false);
			}
			Optional<KeyMaterialVersion> own = ownMaterial(kms, arn, keyMaterialId);
			if (own.isPresent() && own.get().state() == KeyMaterialVersion.State.CURRENT) {
				count(target, "rotated");
				return new Outcome.Rotated("rotated: material " + keyMaterialId + " is already the key's current "
						+ "material (an earlier rotation's answer was lost)");
			}
			if (own.isPresent() && wasReplaced(own.get())) {
				count(target, "rotated");
				return new Outcome.Rotated(replacedCause(keyMaterialId));
			}
			count(target, "failed");
			log.warn("Key {}: rotation to material {} refused ({}): {}", arn, keyMaterialId, ex.errorCode().code(),
					ex.getMessage());
			if (own.isPresent() && !own.get().imported()) {
				return new Outcome.Refused(ex.errorCode().code(), ex.errorCode().importKind(),
						"material " + keyMaterialId + " left KMS before the rotation (it expired or was deleted); "
								+ "refresh the parameters with a new validTo and import the same material again",
						false, true);
			}
			return new Outcome.Refused(ex.errorCode().code(), ex.errorCode().importKind(),
					"rotation refused by KMS (" + ex.errorCode().code() + "): " + ex.getMessage()
							+ "; the material stays pending rotation (a scheduled rotation is retried after a backoff)",
					false, false);
		}
	}

	/**
	 * Imported material that is neither pending nor current was current once and a later
	 * rotation replaced it: material a key receives for a rotation waits pending until it
	 * is rotated to (outside Keyport too, when an answer was lost).
	 */
	static boolean wasReplaced(KeyMaterialVersion material) {
		return material.imported() && material.state() == KeyMaterialVersion.State.NON_CURRENT;
	}

	static String replacedCause(String keyMaterialId) {
		return "rotated: material " + keyMaterialId + " was the key's current material and a later material replaced "
				+ "it (rotations outside Keyport, or one whose answer was lost); it stays in the key for decryption";
	}

	/** The job's material as KMS lists it; empty when unknown. */
	static Optional<KeyMaterialVersion> ownMaterial(KmsProvider kms, String arn, String keyMaterialId) {
		if (keyMaterialId == null) {
			return Optional.empty();
		}
		try {
			return kms.listKeyMaterials(arn).stream().filter(m -> keyMaterialId.equals(m.keyMaterialId())).findFirst();
		}
		catch (KmsException ex) {
			return Optional.empty();
		}
	}

	private void count(String target, String outcome) {
		Counter.builder("keyport.key.rotations")
			.description("Rotations of keys to a rotation job's material (RotateKeyOnDemand), by outcome")
			.tag("target", target)
			.tag("outcome", outcome)
			.register(this.registry)
			.increment();
	}

	/** How a rotation ended, and what it does to the job. */
	private sealed interface Outcome {

		void apply(ImportJob job, String actor, Instant now, Instant retryAt, Instant nextCheck);

		record Rotated(String cause) implements Outcome {

			@Override
			public void apply(ImportJob job, String actor, Instant now, Instant retryAt, Instant nextCheck) {
				job.markRotated(this.cause, actor, now, nextCheck);
			}

		}

		/**
		 * @param keyGone the key no longer exists: the job fails
		 * @param materialGone the job's material left KMS: the job's material expired
		 */
		record Refused(String code, io.keyport.support.DescribedFailure.Kind kind, String detail, boolean keyGone,
				boolean materialGone) implements Outcome {

			@Override
			public void apply(ImportJob job, String actor, Instant now, Instant retryAt, Instant nextCheck) {
				if (this.keyGone) {
					job.fail(this.code, this.detail, actor, now);
				}
				else if (this.materialGone) {
					job.expireMaterial(this.detail, actor, now);
				}
				else {
					job.recordNote(this.detail, this.code, actor, now);
					job.deferWork(this.code, this.detail, retryAt);
				}
			}

		}

	}

}
