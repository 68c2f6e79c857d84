package io.keyport.importjob;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

import io.keyport.kms.ImportParameters;
import io.keyport.kms.KmsErrorCode;
import io.keyport.support.InternalDetails;
import io.keyport.wrapping.EncryptedKeyMaterial;

/**
 * One replica of a multi-Region job's key: its own parameters (downloaded in its own
 * region), its own wrapped copy of the job's material (never plaintext) and its own
 * progress. Part of the {@link ImportJob} aggregate: only the job changes it, through its
 * verbs, and records each step in the job's history.
 */
@Entity
@Table(name = "import_job_replica")
class ImportJobReplica {

	/** Said of a replica given up while an attempt's outcome is unknown. */
	static final String MAY_HOLD = "; an earlier import's answer was lost, so the replica key may hold the material "
			+ "all the same: check it (DescribeKey)";

	/** Where a replica is on its way to holding the primary's material. */
	enum State {

		/** Parameters held; waiting for the job's upload. */
		WAITING_FOR_MATERIAL,

		/** Wrapped material held; the import is due at {@code nextAttemptAt}. */
		MATERIAL_WRAPPED,

		/**
		 * The token lapsed or was refused: new parameters are due (then a custodian wraps
		 * again, or a new upload is needed).
		 */
		NEEDS_PARAMETERS,

		/**
		 * New parameters held, but the material is not in custody: a new plaintext upload
		 * is needed for this replica.
		 */
		NEEDS_UPLOAD,

		/** The replica holds the material. */
		IMPORTED,

		/** The replica can never take the material (see its error). */
		FAILED

	}

	@Id
	private UUID id;

	@ManyToOne(fetch = FetchType.LAZY, optional = false)
	@JoinColumn(name = "job_id", nullable = false, updatable = false)
	private ImportJob job;

	@Column(nullable = false, updatable = false)
	private int position;

	@Column(nullable = false, updatable = false)
	private String kmsTarget;

	@Column(nullable = false, updatable = false)
	private String region;

	@Column(nullable = false, updatable = false)
	private String kmsKeyArn;

	@Enumerated(EnumType.STRING)
	@Column(nullable = false)
	private State state;

	private byte[] wrappingPublicKey;

	private byte[] importToken;

	private Instant parametersValidTo;

	private byte[] encryptedKeyMaterial;

	private int importAttempts;

	/**
	 * An import into the replica failed in a way KMS may have carried out, and no attempt
	 * since got KMS's answer (the material is always the job's, so this holds across new
	 * parameters): the replica is not failed for running out of attempts then, as the job
	 * is not.
	 */
	private boolean importOutcomeUnknown;

	/**
	 * An import was marked as sent ({@link LifecycleClaims#beginReplicaImport}) and its
	 * answer not recorded yet: still set when the next attempt begins, its instance died
	 * meanwhile, and the outcome counts as unknown.
	 */
	private boolean importInFlight;

	private int parameterFailures;

	private Instant nextAttemptAt;

	private String lastErrorCode;

	private String lastErrorMessage;

	private String keyMaterialId;

	private Instant importedAt;

	private Instant materialValidTo;

	protected ImportJobReplica() {
		// for JPA
	}

	ImportJobReplica(ImportJob job, int position, String target, String region, String keyArn,
			ImportParameters parameters) {
		this.id = UUID.randomUUID();
		this.job = job;
		this.position = position;
		this.kmsTarget = target;
		this.region = region;
		this.kmsKeyArn = keyArn;
		this.state = State.WAITING_FOR_MATERIAL;
		hold(parameters);
	}

	/** Whether the replica takes material now: waiting for it, parameters valid. */
	boolean takesMaterialAt(Instant now) {
		return (this.state == State.WAITING_FOR_MATERIAL || this.state == State.NEEDS_UPLOAD)
				&& !parametersExpiredAt(now);
	}

	/**
	 * Whether the replica waits for material but its parameters lapsed: it needs new ones
	 * first.
	 */
	boolean waitsWithLapsedParameters(Instant now) {
		return (this.state == State.WAITING_FOR_MATERIAL || this.state == State.NEEDS_UPLOAD)
				&& parametersExpiredAt(now);
	}

	boolean parametersExpiredAt(Instant now) {
		return this.parametersValidTo == null || !now.isBefore(this.parametersValidTo);
	}

	/** The replica's wrapping public key (DER, public data). */
	byte[] wrappingPublicKey() {
		return this.wrappingPublicKey.clone();
	}

	void wrap(EncryptedKeyMaterial material, Instant now) {
		require(this.state == State.WAITING_FOR_MATERIAL || this.state == State.NEEDS_UPLOAD, "take material");
		this.state = State.MATERIAL_WRAPPED;
		this.encryptedKeyMaterial = material.bytes();
		this.nextAttemptAt = now;
		this.lastErrorCode = null;
		this.lastErrorMessage = null;
	}

	/**
	 * The primary's material was refused or its parameters replaced before the import:
	 * material wrapped for this replica is void too, and it waits for the next upload.
	 */
	void discardMaterial() {
		if (this.state == State.MATERIAL_WRAPPED) {
			this.state = State.WAITING_FOR_MATERIAL;
			this.encryptedKeyMaterial = null;
			this.nextAttemptAt = null;
		}
	}

	/** Whether an import of this replica is due now. */
	boolean importDueAt(Instant now) {
		return this.state == State.MATERIAL_WRAPPED && !this.nextAttemptAt.isAfter(now);
	}

	/** Whether new parameters are due now (after a lapsed or refused token). */
	boolean parametersDueAt(Instant now) {
		return this.state == State.NEEDS_PARAMETERS && (this.nextAttemptAt == null || !this.nextAttemptAt.isAfter(now));
	}

	EncryptedKeyMaterial encryptedKeyMaterial() {
		require(this.state == State.MATERIAL_WRAPPED, "import");
		return EncryptedKeyMaterial.of(this.encryptedKeyMaterial);
	}

	byte[] importToken() {
		return this.importToken.clone();
	}

	void imported(String keyMaterialId, Instant validTo, Instant now) {
		this.importAttempts++;
		this.importOutcomeUnknown = false;
		this.importInFlight = false;
		this.state = State.IMPORTED;
		this.keyMaterialId = keyMaterialId;
		this.importedAt = now;
		this.materialValidTo = validTo;
		this.lastErrorCode = null;
		this.lastErrorMessage = null;
		dropSecrets();
	}

	/** The kept material was imported into the replica again with a new ValidTo. */
	void renewed(Instant validTo, String keyMaterialId, Instant now) {
		require(this.state == State.IMPORTED, "renew its material");
		this.materialValidTo = validTo;
		if (keyMaterialId != null) {
			this.keyMaterialId = keyMaterialId;
		}
		this.importedAt = now;
	}

	/**
	 * Whether the replica's material is valid beyond this time (renewed in an earlier
	 * turn that another member failed).
	 */
	boolean validBeyond(Instant time) {
		return this.materialValidTo != null && this.materialValidTo.isAfter(time);
	}

	/**
	 * KMS refused the replica's import: a transient fault is retried with the same token
	 * after the delay (until the attempts run out); a lapsed or refused token needs new
	 * parameters; refused material needs it again; a key that cannot take material fails.
	 * @return the replica's state now
	 */
	State importFailed(KmsErrorCode error, boolean maybeSent, String message, Duration retryDelay, int maxAttempts,
			Instant now) {
		this.importAttempts++;
		this.importInFlight = false;
		this.lastErrorCode = error.code();
		this.lastErrorMessage = truncate(message);
		if (maybeSent && ImportJob.mayHaveBeenCarriedOut(error)) {
			this.importOutcomeUnknown = true;
		}
		// held back before it was sent (a refused signature's hold-off, an STS refusal):
		// no answer of KMS, tried again like a transient fault, as the primary's is
		boolean retried = error.isTransient() || !maybeSent;
		if (retried && this.importAttempts >= maxAttempts && this.importOutcomeUnknown) {
			// failing would leave material KMS may hold unwatched: retried with the same
			// token until KMS answers or the token lapses (then new parameters)
			this.lastErrorCode = ImportJobException.IMPORT_OUTCOME_UNKNOWN;
			this.nextAttemptAt = now.plus(retryDelay);
			return this.state;
		}
		if (retried && this.importAttempts >= maxAttempts) {
			this.lastErrorCode = ImportJobException.IMPORT_ATTEMPTS_EXHAUSTED;
			fail();
			return this.state;
		}
		if (retried) {
			this.nextAttemptAt = now.plus(retryDelay);
			return this.state;
		}
		switch (error) {
			case THROTTLED, DEPENDENCY_TIMEOUT, INTERNAL, UNAVAILABLE -> this.nextAttemptAt = now.plus(retryDelay);
			case EXPIRED_IMPORT_TOKEN, INVALID_IMPORT_TOKEN -> needParameters(now);
			case INVALID_CIPHERTEXT, INCORRECT_KEY_MATERIAL, VALIDATION -> {
				if (error == KmsErrorCode.INCORRECT_KEY_MATERIAL) {
					// the replica holds other material, so an unanswered attempt of the
					// job's did not land (as for the primary; a replica is never a
					// rotation's)
					this.importOutcomeUnknown = false;
				}
				this.state = parametersExpiredAt(now) ? State.NEEDS_PARAMETERS : State.NEEDS_UPLOAD;
				this.encryptedKeyMaterial = null;
				this.nextAttemptAt = null;
			}
			default -> fail();
		}
		return this.state;
	}

	/** The wrapped material can no longer be imported: new parameters are due now. */
	void needParameters(Instant now) {
		this.state = State.NEEDS_PARAMETERS;
		this.encryptedKeyMaterial = null;
		this.importToken = null;
		this.wrappingPublicKey = null;
		this.parametersValidTo = null;
		this.nextAttemptAt = now;
	}

	/**
	 * New parameters, with the material wrapped under them again (by the custodian), or
	 * without (a new upload is needed, or the job still waits for its first).
	 */
	void newParameters(ImportParameters parameters, EncryptedKeyMaterial rewrapped, boolean replicating, Instant now) {
		hold(parameters);
		if (rewrapped != null) {
			this.state = State.MATERIAL_WRAPPED;
			this.encryptedKeyMaterial = rewrapped.bytes();
			this.nextAttemptAt = now;
		}
		else {
			this.state = replicating ? State.NEEDS_UPLOAD : State.WAITING_FOR_MATERIAL;
			this.encryptedKeyMaterial = null;
			this.nextAttemptAt = null;
		}
	}

	/**
	 * A download of new parameters failed for a reason that may pass: tried again after
	 * the delay, which grows with {@link #parameterFailures()}.
	 */
	void deferParameters(String errorCode, String message, Instant retryAt) {
		this.parameterFailures++;
		this.lastErrorCode = errorCode;
		this.lastErrorMessage = truncate(message);
		this.nextAttemptAt = retryAt;
	}

	/**
	 * KMS refused new parameters for a reason that does not pass (the replica key is
	 * gone, cannot take imports, access is denied): the replica can never take the
	 * material.
	 */
	void refuseParameters(String errorCode, String message) {
		this.lastErrorCode = errorCode;
		this.lastErrorMessage = truncate(message + (this.importOutcomeUnknown ? MAY_HOLD : ""));
		fail();
	}

	/**
	 * Its token lapsed before an import was answered: an attempt marked as sent whose
	 * answer was never recorded (its instance died) counts as unknown from now on, as the
	 * next attempt would have counted it.
	 * @return whether KMS may hold the material from an unanswered attempt
	 */
	boolean tokenLapsed(Instant now) {
		this.importOutcomeUnknown = this.importOutcomeUnknown || this.importInFlight;
		this.importInFlight = false;
		needParameters(now);
		return this.importOutcomeUnknown;
	}

	/** Failed downloads of new parameters since the last that succeeded. */
	int parameterFailures() {
		return this.parameterFailures;
	}

	/**
	 * The job's material expired (or left the primary key): the replica takes it again
	 * with the job's next upload, under parameters of its own downloaded then. It held
	 * the material with the job's ValidTo, so it lost it too.
	 */
	void awaitReimport() {
		if (this.state == State.FAILED) {
			return;
		}
		this.state = State.WAITING_FOR_MATERIAL;
		dropSecrets();
		this.parametersValidTo = null;
		this.parameterFailures = 0;
		this.importAttempts = 0;
		this.lastErrorCode = null;
		this.lastErrorMessage = null;
	}

	/**
	 * The job's material expired (or was deleted from the key): the next upload starts a
	 * new round, which no unanswered attempt of the old one concerns.
	 */
	void materialExpired() {
		awaitReimport();
		this.importInFlight = false;
		this.importOutcomeUnknown = false;
	}

	/** Whether an attempt's outcome is unknown (KMS may hold the material). */
	boolean importOutcomeUnknown() {
		return this.importOutcomeUnknown;
	}

	void fail() {
		this.state = State.FAILED;
		dropSecrets();
	}

	/**
	 * Drops the parameters and any wrapped copy (the job ended, or this replica holds the
	 * material). A replica whose wrapped copy goes with them never took the material: it
	 * is back to waiting for it, never {@code MATERIAL_WRAPPED} without material.
	 */
	void dropSecrets() {
		if (this.state == State.MATERIAL_WRAPPED) {
			this.state = State.WAITING_FOR_MATERIAL;
		}
		this.encryptedKeyMaterial = null;
		this.importToken = null;
		this.wrappingPublicKey = null;
		this.nextAttemptAt = null;
	}

	/**
	 * New parameters start a new import: its attempts count from zero, as the job's do
	 * (else a replica imported after retries would fail on a later import's first fault).
	 */
	private void hold(ImportParameters parameters) {
		this.parameterFailures = 0;
		this.importAttempts = 0;
		this.wrappingPublicKey = parameters.publicKeyDer().clone();
		this.importToken = parameters.importToken().clone();
		this.parametersValidTo = parameters.validTo();
	}

	private void require(boolean condition, String action) {
		if (!condition) {
			throw new IllegalStateException("replica " + this.kmsTarget + " of job " + this.job.id() + " cannot "
					+ action + " in " + this.state);
		}
	}

	/** As the job's own last error: at most 1,000 characters, without internals. */
	private static String truncate(String message) {
		String redacted = InternalDetails.redacted(message);
		return (redacted == null || redacted.length() <= 1000) ? redacted : redacted.substring(0, 1000);
	}

	State state() {
		return this.state;
	}

	String target() {
		return this.kmsTarget;
	}

	String region() {
		return this.region;
	}

	String kmsKeyArn() {
		return this.kmsKeyArn;
	}

	Instant nextAttemptAt() {
		return this.nextAttemptAt;
	}

	String lastErrorCode() {
		return this.lastErrorCode;
	}

	String lastErrorMessage() {
		return this.lastErrorMessage;
	}

	int importAttempts() {
		return this.importAttempts;
	}

	Instant materialValidTo() {
		return this.materialValidTo;
	}

	ImportJobView.ReplicaView toView() {
		return new ImportJobView.ReplicaView(this.kmsTarget, this.region, this.kmsKeyArn, this.state.name(),
				this.parametersValidTo, this.importAttempts, this.nextAttemptAt, this.lastErrorCode,
				this.lastErrorMessage, this.keyMaterialId, this.importedAt, this.materialValidTo);
	}

	@Override
	public String toString() {
		return "ImportJobReplica[target=" + this.kmsTarget + ", key=" + this.kmsKeyArn + ", state=" + this.state + "]";
	}

}
