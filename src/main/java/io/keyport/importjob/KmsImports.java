package io.keyport.importjob;

import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.keyport.audit.AuditLog;
import io.keyport.kms.ImportParameters;
import io.keyport.kms.ImportRequest;
import io.keyport.kms.ImportResult;
import io.keyport.kms.KmsErrorCode;
import io.keyport.kms.KmsException;
import io.keyport.kms.KeyState;
import io.keyport.kms.KmsKey;
import io.keyport.kms.KmsProvider;
import io.keyport.kms.KmsTargets;
import io.keyport.kms.KmsPublicKey;
import io.keyport.support.DescribedFailure.Kind;
import io.keyport.wrapping.PublicKeyFormats;
import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.wrapping.WrappingKeySpec;
import io.keyport.wrapping.WrappingPublicKey;

/**
 * A job's KMS work that the API and the lifecycle share: downloading import parameters,
 * sending claimed material with ImportKeyMaterial and recording the outcome, and
 * confirming an asymmetric import by its public key. KMS is called with no transaction
 * open; each outcome is recorded in a transaction of its own.
 */
@Component
class KmsImports {

	private static final Logger log = LoggerFactory.getLogger(KmsImports.class);

	private final KmsTargets targets;

	private final ImportJobStore store;

	private final ImportJobProperties properties;

	private final ImportJobMetrics metrics;

	private final Supersession supersession;

	private final Clock clock;

	private final TransactionTemplate tx;

	private final AcceptedImports acceptedImports;

	private final KeyRotations rotations;

	private final LifecycleClaims claims;

	/** The operation name of ImportKeyMaterial in {@link KmsException#operation()}. */
	private static final String IMPORT_KEY_MATERIAL = "ImportKeyMaterial";

	KmsImports(KmsTargets targets, ImportJobStore store, ImportJobProperties properties, LifecycleProperties lifecycle,
			ImportJobMetrics metrics, Supersession supersession, Clock clock,
			PlatformTransactionManager transactionManager, KeyRotations rotations, LifecycleClaims claims) {
		this.rotations = rotations;
		this.claims = claims;
		this.targets = targets;
		this.store = store;
		this.properties = properties;
		this.metrics = metrics;
		this.supersession = supersession;
		this.clock = clock;
		this.tx = new TransactionTemplate(transactionManager);
		this.acceptedImports = new AcceptedImports(store, this.tx, clock, lifecycle.driftCheckInterval());
	}

	/**
	 * Sends a claimed job's material to KMS, outside any transaction, and records the
	 * outcome in a new one. A refused import is recorded only if the job is still at the
	 * version of the claim, then thrown as an {@link ImportJobException}; an accepted one
	 * is always recorded (see {@link AcceptedImports}).
	 */
	ImportJobView execute(ImportJobId id, long claimedVersion, String target, ImportRequest request, String actor) {
		return execute(id, claimedVersion, target, request, actor, false);
	}

	/**
	 * As {@link #execute(ImportJobId, long, String, ImportRequest, String)}.
	 * @param endsRequest whether the recorded import is the last change of the API
	 * request that claimed the job: its own audit entry then goes in with it
	 */
	ImportJobView execute(ImportJobId id, long claimedVersion, String target, ImportRequest request, String actor,
			boolean endsRequest) {
		KmsProvider kms = this.targets.get(target).kms();
		ImportResult result;
		String note = null;
		boolean emptied = false;
		try {
			long held = deleteMaterialBeforeReimport(kms, id, claimedVersion, request, actor);
			emptied = held != claimedVersion;
			if (held != claimedVersion && !this.claims.extendLease(id.value(), held)) {
				// two calls so far (describe, delete): never a third under a lapsed
				// lease, and the import is known unsent
				this.claims.importNotSent(id.value(), held);
				throw new IllegalStateException("the lease on job " + id + " lapsed before its import");
			}
			claimedVersion = held;
			result = kms.importKeyMaterial(request);
		}
		catch (KmsException ex) {
			Optional<ImportResult> earlier = refusedAsAlreadyHeld(ex)
					? ownNewMaterial(kms, request.keyId(), request.keyMaterialDescription()) : Optional.empty();
			if (earlier.isEmpty()) {
				throw refused(id, claimedVersion, target, ex, actor, emptied);
			}
			result = earlier.get();
			note = "KMS refused the new material as already held (" + ex.errorCode().code() + ") and lists it as "
					+ result.keyMaterialId() + " with this job's description: an earlier import of it succeeded "
					+ "but its answer was lost";
			log.info("Import job {}: {}", id, note);
		}
		// KMS has the material: recorded from whatever the job became meanwhile, never
		// lost to a version check
		if (endsRequest) {
			AuditLog.settleRequestWithNextChange();
		}
		ImportJobView imported = this.acceptedImports.record(id, result, actor, note);
		this.metrics.imported(target);
		log.info("Import job {} imported material into {}", id, imported.kmsKeyArn());
		// after the import is recorded, in transactions of their own: a conflict there
		// cannot lose the import
		this.supersession.supersedeEarlier(id, actor);
		// a rotation job planned ON_IMPORT rotates now (recorded on the job either way)
		return this.rotations.rotateAfterImport(imported, actor);
	}

	/**
	 * Whether KMS's refusal of new material may mean it already holds that material (an
	 * earlier import of it succeeded): it refuses the same material as new twice, and new
	 * material while other waits for a rotation. Any refusal that is KMS's answer, not a
	 * fault, is looked into: the material is found only by a description no other job
	 * gives.
	 */
	private static boolean refusedAsAlreadyHeld(KmsException ex) {
		return !ex.isTransient() && ex.errorCode() != KmsErrorCode.KEY_NOT_FOUND;
	}

	/**
	 * A rotation job's new material as KMS lists it under the description the job gave it
	 * ({@link ImportJob#newMaterialDescription()}), if KMS holds it; empty for any other
	 * import, and when KMS cannot list the key's materials now (the refusal then stands,
	 * and the job's history says why).
	 */
	static Optional<ImportResult> ownNewMaterial(KmsProvider kms, String keyArn, String description) {
		if (description == null) {
			return Optional.empty();
		}
		try {
			return kms.listKeyMaterials(keyArn)
				.stream()
				.filter(m -> m.imported() && description.equals(m.description()))
				.findFirst()
				.map(m -> new ImportResult(keyArn, m.keyMaterialId()));
		}
		catch (KmsException ex) {
			log.warn("Key {}: could not list its materials to look for an earlier import ({})", keyArn,
					ex.errorCode().code());
			return Optional.empty();
		}
	}

	/**
	 * Records KMS's refusal on the job and returns what the caller is told.
	 * @param emptied whether the job deleted the key's material before this import: the
	 * key then holds none, which the job and the caller are told
	 */
	private ImportJobException refused(ImportJobId id, long claimedVersion, String target, KmsException ex,
			String actor, boolean emptied) {
		ImportJobView failed = recordImportFailure(id, claimedVersion, ex, actor,
				emptied ? "; the key's earlier material was deleted before this import, so the key holds no material "
						+ "until an import succeeds" : "");
		this.metrics.importFailed(target, ex.errorCode(), failed.state());
		// KMS's own words are for operators (here and in the job's history), not for
		// the caller's end user
		log.warn("Import job {}: KMS refused {} with {}: {}", id, ex.operation(), ex.errorCode().code(),
				ex.getMessage());
		boolean exhausted = failed.state() == ImportJobState.FAILED && (ex.isTransient() || heldBack(ex));
		return new ImportJobException(exhausted ? ImportJobException.IMPORT_ATTEMPTS_EXHAUSTED : ex.errorCode().code(),
				ex.errorCode().importKind(), id, failed.state(),
				(exhausted ? "KMS failed on every import attempt, so the job failed. Start a new job."
						: ex.errorCode().detail() + " " + nextStep(failed.state()))
						+ (emptied ? " Keyport deleted the key's current material before this import, as the job "
								+ "allows (deleteCurrentMaterial), so the key holds no material now: workloads using "
								+ "it fail until an import succeeds." : ""));
	}

	/**
	 * Sends material kept in custody again (a renewal, no job claim of its own to
	 * record): a provider that imports only into keys without material has the key's
	 * current material deleted first, as for any re-import.
	 * @param beforeImport run between the deletion and the import (the caller extends its
	 * lease, see {@link LeaseSettings#CALLS_PER_LEASE})
	 */
	Reimported reimport(String target, ImportRequest request, Runnable beforeImport) {
		KmsProvider kms = this.targets.get(target).kms();
		boolean deleted = false;
		if (!kms.acceptsImportIn(KeyState.ENABLED)
				&& deletesBeforeReimport(kms, kms.describeKey(request.keyId()).state())) {
			deleteCurrentMaterial(kms, request.keyId());
			deleted = true;
			// two calls so far: the caller extends its lease before the third
			beforeImport.run();
		}
		ImportResult result = kms.importKeyMaterial(request);
		this.metrics.imported(target);
		return new Reimported(result, deleted);
	}

	/** KMS's answer to a re-import, and whether the key's material was deleted first. */
	record Reimported(ImportResult result, boolean deletedFirst) {
	}

	/**
	 * After an asymmetric import: KMS's public key (GetPublicKey, no transaction open)
	 * compared with the one derived from the imported private key, or, for client-wrapped
	 * material, only its fingerprint. The outcome goes into the job's history; a failure
	 * here never undoes the import.
	 */
	ImportJobView confirmPublicKey(ImportJobView imported, byte[] expectedPublicKey, String actor) {
		if (imported.state() != ImportJobState.IMPORTED || imported.keySpec() == null
				|| imported.keySpec().isSymmetricOrHmac()) {
			return imported;
		}
		String cause;
		String errorCode = null;
		try {
			KmsPublicKey published = this.targets.get(imported.target()).kms().getPublicKey(imported.kmsKeyArn());
			String fingerprint = PublicKeyFormats.sha256Fingerprint(published.publicKeyDer());
			if (expectedPublicKey == null) {
				cause = "public key not confirmed: the material was wrapped by the client, so Keyport never saw the "
						+ "private key; KMS public key SHA-256 " + fingerprint;
			}
			else if (MessageDigest.isEqual(expectedPublicKey, published.publicKeyDer())) {
				cause = "public key confirmed: KMS public key matches the imported private key (SHA-256 " + fingerprint
						+ ")";
			}
			else {
				errorCode = "public-key-mismatch";
				cause = "public key mismatch: KMS returned a public key with SHA-256 " + fingerprint
						+ ", the imported private key has " + PublicKeyFormats.sha256Fingerprint(expectedPublicKey);
				log.error("Import job {}: {}", imported.id(), cause);
			}
		}
		catch (KmsException ex) {
			errorCode = ex.errorCode().code();
			cause = "public key confirmation failed: " + ex.operation() + ": " + ex.getMessage();
			log.warn("Import job {}: {}", imported.id(), cause);
		}
		String note = cause;
		String code = errorCode;
		try {
			return this.tx.execute(status -> {
				ImportJob job = this.store.load(imported.id());
				job.recordNote(note, code, actor, this.clock.instant());
				return this.store.save(job).toView();
			});
		}
		catch (RuntimeException ex) {
			// the import stands; only its confirmation is missing from the history
			log.warn("Import job {}: could not record the public key confirmation ({})", imported.id(), note, ex);
			return imported;
		}
	}

	/**
	 * Whether a job may import into the key as it is now: the provider takes imports in
	 * its state, or (Huawei, which imports only into keys without material) the key holds
	 * symmetric material that the import will delete first.
	 */
	static boolean canImportInto(KmsProvider kms, KmsKey key) {
		return kms.acceptsImportIn(key.state()) || (deletesBeforeReimport(kms, key.state()) && key.keySpec() != null
				&& key.keySpec().isSymmetricOrHmac());
	}

	/**
	 * Whether the key takes an import as it is (false: its current material is deleted
	 * first).
	 */
	static boolean acceptsImportNow(KmsProvider kms, KmsKey key) {
		return !deletesBeforeReimport(kms, key.state());
	}

	private static boolean deletesBeforeReimport(KmsProvider kms, KeyState state) {
		return !kms.acceptsImportIn(KeyState.ENABLED) && (state == KeyState.ENABLED || state == KeyState.DISABLED);
	}

	/**
	 * A provider that imports only into keys without material (Huawei: pending import)
	 * renews by deleting the current material first, then importing. Both steps are in
	 * the job's history; should the import then fail, the job keeps its wrapped material
	 * and token and the retry imports into the now empty key.
	 * @return the job's version after the history entry
	 */
	private long deleteMaterialBeforeReimport(KmsProvider kms, ImportJobId id, long version, ImportRequest request,
			String actor) {
		if (kms.acceptsImportIn(KeyState.ENABLED)) {
			return version;
		}
		KmsKey key = kms.describeKey(request.keyId());
		if (!deletesBeforeReimport(kms, key.state())) {
			return version;
		}
		// the key got material after the job was created without the consent to delete it
		// (another job's import): refused, never emptied. Unless the job's own import may
		// have put it there: an attempt whose answer was lost found the key without
		// material, and no other job imported since. Failing would leave the material
		// unwatched and destroy the job's custody copy; deleting it and importing the
		// same wrapped material again gets KMS's answer
		Consent consent = this.tx.execute(status -> {
			ImportJob job = this.store.loadAtVersion(id, version);
			if (job.deletesCurrentMaterial()) {
				return Consent.GIVEN;
			}
			// only symmetric material can be deleted (and imported again); after the
			// token lapsed only by a custody job, which sends the same kept material
			// again (an upload could be other material, which the emptied key refuses)
			if (job.keySpec() == null || !job.keySpec().isSymmetricOrHmac()) {
				return Consent.NONE;
			}
			Instant since = job.importOutcomeUnknown() ? job.waitingSince()
					: job.unconfirmedImportAt() != null && job.custodyReference() != null ? job.unconfirmedImportAt()
							: null;
			return since != null && !this.store.otherImportInto(job, since) ? Consent.OWN_LOST_IMPORT : Consent.NONE;
		});
		if (consent == Consent.NONE) {
			throw new KmsException(KmsErrorCode.INVALID_KEY_STATE, "ImportKeyMaterial", "the key is " + key.state()
					+ " and holds material, and the KMS imports only into keys without material; Keyport deletes it "
					+ "first only for a job created with deleteCurrentMaterial: true, so nothing was deleted or imported",
					null);
		}
		deleteCurrentMaterial(kms, request.keyId());
		log.info("Import job {}: deleted the key's current material before re-importing", id);
		return this.tx.execute(status -> {
			ImportJob job = this.store.loadAtVersion(id, version);
			job.recordKeyEmptiedForImport(
					"key material deleted before the re-import: the KMS imports only into keys pending import ("
							+ key.state() + " before)"
							+ (consent == Consent.OWN_LOST_IMPORT
									? "; an earlier import of this job's material got no answer "
											+ "and may have put it there, and no other job imported into the key "
											+ "since, so it is imported again with the same token"
									: ""),
					actor, this.clock.instant());
			return this.store.save(job).version();
		});
	}

	/**
	 * Deletes the key's current material. A deletion whose answer was lost (a timeout, an
	 * internal error) may have been carried out: when KMS then shows the key waiting for
	 * an import, it was, and the caller goes on to import into the key it emptied (and
	 * records that it emptied it) instead of failing with the key empty and nothing said.
	 */
	private static void deleteCurrentMaterial(KmsProvider kms, String keyId) {
		try {
			kms.deleteImportedKeyMaterial(keyId);
		}
		catch (KmsException ex) {
			if (!ex.isTransient() || !ex.maybeSent() || !waitsForImport(kms, keyId, ex)) {
				throw ex;
			}
			log.info("Key {}: the deletion of its material got no answer ({}), but KMS shows it waiting for an "
					+ "import: it was deleted", keyId, ex.errorCode().code());
		}
	}

	/** Whether KMS shows the key waiting for an import; false when it cannot tell now. */
	private static boolean waitsForImport(KmsProvider kms, String keyId, KmsException failure) {
		try {
			return kms.describeKey(keyId).state() == KeyState.PENDING_IMPORT;
		}
		catch (KmsException describe) {
			failure.addSuppressed(describe);
			return false;
		}
	}

	private ImportJobView recordImportFailure(ImportJobId id, long version, KmsException ex, String actor,
			String consequence) {
		log.warn("Import job {}: ImportKeyMaterial failed with {}: {}", id, ex.errorCode().code(), ex.getMessage());
		return this.tx.execute(status -> {
			ImportJob job = this.store.loadAtVersion(id, version);
			int attempt = job.toView().importAttempts() + 1;
			// a DescribeKey or a deletion ahead of the import failing leaves the import
			// itself unsent
			job.importFailed(ex.errorCode(), ex.maybeSent() && IMPORT_KEY_MATERIAL.equals(ex.operation()), heldBack(ex),
					ex.getMessage() + consequence, this.properties.retryDelay(attempt, ThreadLocalRandom.current()),
					this.properties.maxImportAttempts(), actor, this.clock.instant());
			return this.store.save(job).toView();
		});
	}

	/**
	 * A refusal on Keyport's side before anything reached KMS (a provider holding back
	 * credentials KMS refused a moment ago, STS refusing the role): no KMS answer, so
	 * nothing to fail a job for.
	 */
	static boolean heldBack(KmsException ex) {
		return !ex.maybeSent() && !ex.isTransient();
	}

	ImportParameters download(String target, String keyArn, WrappingAlgorithm algorithm,
			WrappingKeySpec wrappingKeySpec, ImportJobId jobId, ImportJobMetrics.DownloadCause cause) {
		ImportParameters parameters = this.targets.get(target)
			.kms()
			.getParametersForImport(keyArn, algorithm, wrappingKeySpec);
		this.metrics.parametersDownloaded(target, cause);
		WrappingPublicKey wrappingKey = WrappingPublicKey.fromDer(parameters.publicKeyDer());
		if (wrappingKey.spec() != wrappingKeySpec) {
			// KMS answered with another key than asked for: material wrapped under it
			// would be refused
			throw new ImportJobException(ImportJobException.WRAPPING_KEY_SPEC_MISMATCH, Kind.UPSTREAM_FAILED, jobId,
					null, "KMS returned a " + wrappingKey.spec() + " wrapping key where " + wrappingKeySpec
							+ " was requested.");
		}
		return parameters;
	}

	/** Why a job may delete its key's material before its import, if it may. */
	private enum Consent {

		/** Its creator agreed (deleteCurrentMaterial). */
		GIVEN,

		/**
		 * The material is taken to be the job's own, from an import whose answer was
		 * lost.
		 */
		OWN_LOST_IMPORT,

		NONE

	}

	private static String nextStep(ImportJobState state) {
		return switch (state) {
			case MATERIAL_WRAPPED -> "The job keeps the wrapped material and retries the import later.";
			case PARAMETERS_FETCHED -> "The job waits for newly wrapped material.";
			case PARAMETERS_EXPIRED -> "The job needs new parameters before it takes material again.";
			case FAILED -> "The job failed; fix the KMS key and start a new job.";
			default -> "The job is now in state " + state.name() + ".";
		};
	}

}
