package io.keyport.importjob;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.persistence.CascadeType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.PostPersist;
import jakarta.persistence.PrePersist;
import jakarta.persistence.PreUpdate;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import jakarta.persistence.Version;

import org.hibernate.annotations.BatchSize;
import org.hibernate.annotations.DynamicUpdate;

import io.keyport.custody.CustodyReference;
import io.keyport.kms.ExpirationModel;
import io.keyport.kms.ImportParameters;
import io.keyport.kms.ImportRequest;
import io.keyport.kms.ImportResult;
import io.keyport.kms.ImportType;
import io.keyport.kms.KmsErrorCode;
import io.keyport.support.DescribedFailure;
import io.keyport.support.InternalDetails;
import io.keyport.support.Sentences;
import io.keyport.wrapping.EncryptedKeyMaterial;
import io.keyport.wrapping.KeySpec;
import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.wrapping.WrappingKeySpec;

/**
 * An import of key material into one KMS key: the aggregate that owns its state machine.
 * Every change goes through a domain verb that checks
 * {@link ImportJobState#canTransitionTo} and appends an {@link ImportJobEvent}; there is
 * no setter for the state. It holds the import token and wrapped material only while they
 * are needed, never plaintext. It is long (about 700 lines) on purpose: the JPA mapping
 * of one table plus one verb per transition, each checking its own preconditions. Moving
 * verbs out would let code outside the aggregate change its state; what is not a
 * transition (lease claims, KMS calls, the outcome of an accepted import) already lives
 * in {@link LifecycleClaims}, {@link KmsImports} and {@link AcceptedImports}.
 */
@Entity
@Table(name = "import_job")
// an update writes the columns a verb changed, not the whole row (parameters included):
// less to send and to write, and a column changed outside the job's version (client
// activity) is not overwritten with what the job read
@DynamicUpdate
class ImportJob {

	/** The key of an imported job is scheduled for deletion (lastError only). */
	static final String KEY_PENDING_DELETION = "kms-key-pending-deletion";

	/** {@link #refreshPriority} of a job with a due date. */
	static final int PRIORITY_DUE_DATE = 0;

	/** {@link #refreshPriority} of a job with recent client activity. */
	static final int PRIORITY_ACTIVE = 1;

	/** {@link #refreshPriority} of every other job. */
	static final int PRIORITY_IDLE = 2;

	/** Failures of an import KMS may have carried out before its answer was lost. */
	private static final Set<String> OUTCOME_UNKNOWN = Set.of(KmsErrorCode.INTERNAL.code(),
			KmsErrorCode.DEPENDENCY_TIMEOUT.code(), KmsErrorCode.UNAVAILABLE.code());

	/** Whether KMS may have carried out a call that failed so (its answer was lost). */
	static boolean mayHaveBeenCarriedOut(KmsErrorCode error) {
		return OUTCOME_UNKNOWN.contains(error.code());
	}

	@Id
	private UUID id;

	@Version
	private long version;

	@Enumerated(EnumType.STRING)
	@Column(nullable = false)
	private ImportJobState state;

	@Column(nullable = false)
	private String kmsKeyId;

	@Column(nullable = false)
	private String kmsKeyArn;

	/** The KMS target the key lives in; every KMS call of the job goes there. */
	@Column(nullable = false)
	private String kmsTarget;

	@Enumerated(EnumType.STRING)
	@Column(nullable = false)
	private KeySpec keySpec;

	@Enumerated(EnumType.STRING)
	@Column(nullable = false)
	private WrappingAlgorithm wrappingAlgorithm;

	@Enumerated(EnumType.STRING)
	@Column(nullable = false)
	private WrappingKeySpec wrappingKeySpec;

	@Enumerated(EnumType.STRING)
	@Column(nullable = false)
	private ExpirationModel expirationModel;

	private Instant materialValidTo;

	private byte[] wrappingPublicKey;

	private byte[] importToken;

	private Instant parametersFetchedAt;

	private Instant parametersValidTo;

	private int parameterDownloads;

	private byte[] encryptedKeyMaterial;

	private int importAttempts;

	/**
	 * An import attempt of the wrapped material failed with a fault KMS may have carried
	 * out (or its answer was never recorded), and no attempt since got KMS's answer;
	 * cleared when the job leaves MATERIAL_WRAPPED, into {@link #unconfirmedImportAt} if
	 * KMS never answered.
	 */
	private boolean importOutcomeUnknown;

	/**
	 * An import of the wrapped material was sent (or is about to be) and its answer is
	 * not recorded yet; still set when a retry or the token's lapse finds the job, the
	 * answer was lost with the instance that sent it.
	 */
	private boolean importInFlight;

	/**
	 * Set when the job gave up an import whose outcome stayed unknown (its token lapsed),
	 * to the upload time of that import's material: KMS may hold the job's material. Kept
	 * until KMS takes an import of the job or refuses the kept material as not the key's;
	 * while set, material kept in custody is neither replaced nor destroyed.
	 */
	private Instant unconfirmedImportAt;

	private Instant nextAttemptAt;

	private String lastErrorCode;

	private String lastErrorMessage;

	private String keyMaterialId;

	private Instant importedAt;

	@Column(nullable = false)
	private Instant createdAt;

	@Column(nullable = false)
	private Instant updatedAt;

	@Column(nullable = false)
	private String createdBy;

	@Column(nullable = false, updatable = false)
	private String tenant;

	private String leaseOwner;

	private Instant leaseUntil;

	private Instant nextCheckAt;

	/**
	 * Since when the job waits for material: creation, or the start of a re-import after
	 * expiry.
	 */
	@Column(nullable = false)
	private Instant waitingSince;

	/**
	 * Public key (DER SPKI, public data) of the private key Keyport wrapped, to prove a
	 * lost import later.
	 */
	private byte[] expectedPublicKey;

	/** Who keeps the parameters valid: the scheduler (EAGER) or a client's ask. */
	@Enumerated(EnumType.STRING)
	@Column(nullable = false, updatable = false)
	private RefreshPolicy refreshPolicy = RefreshPolicy.EAGER;

	/** When the client means to import, if it said so: refreshed first when short. */
	@Column(updatable = false)
	private Instant dueBy;

	/**
	 * The last client read or upload. A read is recorded by {@link ClientActivity}'s own
	 * statement, so it never conflicts with a change of the job; an upload with the claim
	 * it makes ({@link #usedByClient}), in the same update. Saves write it only when a
	 * verb changed it ({@code @DynamicUpdate}).
	 */
	@Column(insertable = false)
	private Instant lastClientActivityAt;

	/**
	 * Order of EAGER refreshes when the budget is short (0 a due date, 1 recent activity,
	 * 2 neither); kept by {@link ClientActivity}, {@link #usedByClient} and the
	 * lifecycle.
	 */
	private int refreshPriority = PRIORITY_IDLE;

	/** Background work that failed on this job in a row; reset by any progress. */
	private int workFailures;

	/**
	 * Background work on this job is not tried again before this (backoff after
	 * failures).
	 */
	private Instant workNotBefore;

	/**
	 * The history. Mapped from the event's side, so Hibernate queues an added event and
	 * inserts it on flush without loading the history first (appending must not cost a
	 * read of every earlier event); the API reads it with its own query.
	 */
	@OneToMany(mappedBy = "job", cascade = CascadeType.PERSIST)
	@OrderBy("id")
	private List<ImportJobEvent> events = new ArrayList<>();

	/**
	 * The sequence of the latest history entry: entries are numbered per job, so a tenant
	 * reading its history learns nothing of other jobs' activity from the numbers.
	 */
	private int lastEventSequence;

	/** Created by {@link #start} and not stored yet: stored by persist, not merge. */
	/** The custodian chosen at creation, or {@code null}: material is not kept. */
	@Column(updatable = false)
	private String custodian;

	/** The custodian's opaque id of the material it keeps for this job, once uploaded. */
	private String custodyId;

	/** Re-imports of the kept material into the job's own key before its ValidTo. */
	private int custodyRenewals;

	/**
	 * The creator accepted that an import first deletes the key's current material where
	 * the KMS imports only into keys without material (Huawei); without it, such a key is
	 * refused, never emptied.
	 */
	@Column(updatable = false)
	private boolean deleteCurrentMaterial;

	/**
	 * When a custody renewal deleted the key's material before its import (Huawei), until
	 * a renewal imports it again; written by {@link CustodyRenewals} right after the
	 * deletion.
	 */
	private Instant materialDeletedAt;

	/**
	 * When this job deleted its key's current material before its own import (a KMS that
	 * imports only into keys without material, with the creator's consent), until that
	 * import lands: a refused import leaves the key without material, and the job that
	 * imported the earlier material is told who emptied it (V29).
	 */
	private Instant emptiedKeyAt;

	/**
	 * When the custody renewal is due: the earliest ValidTo of the members holding the
	 * kept material (the job's key and its imported replicas, each renewed on its own
	 * ValidTo), for the renewal claim's index (V20); {@code null} for any job the renewal
	 * does not concern. Derived on every save, so no change can leave it stale.
	 */
	private Instant renewalDueAt;

	/**
	 * A multi-Region job's replicas (none for most jobs): read with the job (a join when
	 * one job is found by id, batches for a page of jobs), written with it.
	 */
	@OneToMany(mappedBy = "job", cascade = CascadeType.ALL, fetch = FetchType.EAGER)
	@OrderBy("position")
	@BatchSize(size = 100)
	private List<ImportJobReplica> replicas = new ArrayList<>();

	/**
	 * NEW_KEY_MATERIAL for a rotation job (new material into a key that has some), else
	 * {@code null}: the provider's default.
	 */
	@Enumerated(EnumType.STRING)
	@Column(updatable = false)
	private ImportType importType;

	/** A rotation job's moment of rotation; {@code null} for other jobs. */
	@Enumerated(EnumType.STRING)
	@Column(updatable = false)
	private Rotation.When rotationWhen;

	/**
	 * When the scheduler rotates a job pending rotation: the requested time (AT), the
	 * import (ON_IMPORT), never (BY_API: {@code null}).
	 */
	private Instant rotationAt;

	/** When the job's material became the key's current material. */
	private Instant rotatedAt;

	@Transient
	private boolean unsaved;

	protected ImportJob() {
		// for JPA
	}

	private ImportJob(ImportJobId id, String tenant, TargetKey key, WrappingAlgorithm algorithm,
			WrappingKeySpec wrappingKeySpec, ExpirationPolicy expiration, String actor, Instant now) {
		this.id = id.value();
		this.tenant = tenant;
		this.kmsKeyId = key.keyId();
		this.kmsKeyArn = key.arn();
		this.kmsTarget = key.target();
		this.keySpec = key.keySpec();
		this.wrappingAlgorithm = algorithm;
		this.wrappingKeySpec = wrappingKeySpec;
		this.expirationModel = expiration.model();
		this.materialValidTo = expiration.validTo();
		this.createdAt = now;
		this.updatedAt = now;
		this.createdBy = actor;
		this.waitingSince = now;
	}

	/** A new EAGER job with its first parameters; it waits for material. */
	static ImportJob start(ImportJobId id, String tenant, TargetKey key, WrappingAlgorithm algorithm,
			WrappingKeySpec wrappingKeySpec, ExpirationPolicy expiration, ImportParameters parameters, String actor,
			Instant now) {
		return start(id, tenant, key, algorithm, wrappingKeySpec, expiration, RefreshPolicy.EAGER, null, parameters,
				actor, now);
	}

	/**
	 * A new job with its first parameters; it waits for material.
	 * @param dueBy when the client means to import, or {@code null}
	 */
	static ImportJob start(ImportJobId id, String tenant, TargetKey key, WrappingAlgorithm algorithm,
			WrappingKeySpec wrappingKeySpec, ExpirationPolicy expiration, RefreshPolicy refreshPolicy, Instant dueBy,
			ImportParameters parameters, String actor, Instant now) {
		ImportJob job = new ImportJob(id, tenant, key, algorithm, wrappingKeySpec, expiration, actor, now);
		job.refreshPolicy = refreshPolicy;
		job.dueBy = dueBy;
		job.refreshPriority = dueBy != null ? PRIORITY_DUE_DATE : PRIORITY_IDLE;
		job.holdParameters(parameters, now);
		job.appendEvent(null, ImportJobState.PARAMETERS_FETCHED,
				"job created; wrapping key and import token downloaded, valid until " + parameters.validTo()
						+ (refreshPolicy == RefreshPolicy.ON_DEMAND
								? "; refresh policy ON_DEMAND: new parameters only when a client asks after they lapse"
								: ""),
				null, actor, now);
		job.state = ImportJobState.PARAMETERS_FETCHED;
		job.unsaved = true;
		return job;
	}

	/**
	 * New parameters replace the old ones. Any material wrapped under the old wrapping
	 * key is void and dropped.
	 */
	void recordParameters(ImportParameters parameters, String cause, String actor, Instant now) {
		String because = this.encryptedKeyMaterial != null
				? cause + "; material wrapped under the previous wrapping key was discarded and must be supplied again"
				: cause;
		boolean reimport = this.state == ImportJobState.MATERIAL_EXPIRED;
		String unknown = outcomeUnknownAtLapse();
		transition(ImportJobState.PARAMETERS_FETCHED, "refresh the parameters of",
				because + ", valid until " + parameters.validTo() + (unknown == null ? "" : "; " + unknown),
				unknown == null ? null : ImportJobException.IMPORT_OUTCOME_UNKNOWN, actor, now);
		if (reimport) {
			// a re-import starts waiting now; it is not abandoned for the time the
			// material was imported
			this.waitingSince = now;
		}
		holdParameters(parameters, now);
		this.encryptedKeyMaterial = null;
		this.replicas.forEach(ImportJobReplica::discardMaterial);
		this.nextAttemptAt = null;
		this.importAttempts = 0;
		this.lastErrorCode = unknown == null ? null : ImportJobException.IMPORT_OUTCOME_UNKNOWN;
		this.lastErrorMessage = unknown;
		releaseLease();
	}

	/**
	 * What a job must be told when its token lapses while an import's outcome is unknown,
	 * or null if it is known: KMS may hold the material, takes the same material back and
	 * refuses any other.
	 */
	private String outcomeUnknownAtLapse() {
		if (!this.importOutcomeUnknown && !this.importInFlight && this.unconfirmedImportAt == null) {
			return null;
		}
		return "KMS never answered an import of the wrapped material, and it may have imported it: "
				+ (this.custodyId != null ? "import the kept material again (custody-reimport)"
						: "upload the same material again (to a KMS that imports only into keys without material, "
								+ "such as Huawei, with a job created with deleteCurrentMaterial: true)")
				+ "; KMS takes the same material back and refuses any other";
	}

	/**
	 * The job imports new material into a key that has some, and rotates to it as
	 * planned.
	 */
	void planRotation(Rotation rotation) {
		if (!this.unsaved) {
			throw new IllegalStateException("rotation is chosen when a job is created");
		}
		this.importType = ImportType.NEW_KEY_MATERIAL;
		this.rotationWhen = rotation.when();
		this.rotationAt = rotation.when() == Rotation.When.AT ? rotation.at() : null;
	}

	/** Whether this job brings the key new material to rotate to. */
	boolean isRotation() {
		return this.importType == ImportType.NEW_KEY_MATERIAL;
	}

	/**
	 * A caller may rotate this job now: its material waits for the rotation and nothing
	 * else works on the job.
	 */
	void checkRotationOnRequest(Instant now) {
		if (this.state == ImportJobState.IMPORTED && this.rotatedAt != null) {
			throw new ImportJobException(ImportJobException.ROTATION_ALREADY_DONE, DescribedFailure.Kind.CONFLICT, id(),
					this.state, "Job " + id() + " was rotated at " + Sentences.time(this.rotatedAt)
							+ ": its material is the key's current material (or was, until a later rotation).");
		}
		if (this.state != ImportJobState.IMPORTED_PENDING_ROTATION) {
			throw new ImportJobException(ImportJobException.ROTATION_NOT_PENDING, DescribedFailure.Kind.CONFLICT, id(),
					this.state,
					isRotation()
							? "Job " + id() + " is " + this.state + ": only material KMS holds can be rotated to; "
									+ "import it first."
							: "Job " + id() + " is not a rotation job (importType NEW_KEY_MATERIAL).");
		}
		requireNotBusy(now, "rotate");
	}

	/**
	 * The job's material became the key's current material: the job is watched from now
	 * on like any imported job.
	 */
	void markRotated(String cause, String actor, Instant now, Instant nextCheck) {
		transition(ImportJobState.IMPORTED, "rotate", cause, null, actor, now);
		this.rotatedAt = now;
		this.rotationAt = null;
		this.nextCheckAt = this.materialValidTo != null && this.materialValidTo.isBefore(nextCheck)
				? this.materialValidTo : nextCheck;
		this.lastErrorCode = null;
		this.lastErrorMessage = null;
		releaseLease();
	}

	String keyMaterialId() {
		return this.keyMaterialId;
	}

	/** The job keeps its material with this custodian ({@code null}: not kept). */
	void keepInCustody(String custodian) {
		if (!this.unsaved) {
			throw new IllegalStateException("custody is chosen when a job is created");
		}
		this.custodian = custodian;
	}

	/**
	 * The custodian now keeps the uploaded material under this reference; the previous
	 * reference, if any, is returned for the caller to destroy.
	 */
	CustodyReference holdCustodyReference(CustodyReference reference) {
		if (this.custodian == null || !this.custodian.equals(reference.custodian())) {
			throw new IllegalStateException("job " + this.id + " keeps no material with " + reference.custodian());
		}
		if (!reference.id().equals(this.custodyId)) {
			requireNoUnconfirmedCustodyMaterial("given other material");
		}
		CustodyReference previous = custodyReference();
		this.custodyId = reference.id();
		return previous;
	}

	/** Where the custodian keeps this job's material, or {@code null}. */
	CustodyReference custodyReference() {
		return this.custodyId != null ? new CustodyReference(this.custodian, this.custodyId) : null;
	}

	String custodian() {
		return this.custodian;
	}

	/**
	 * The job ended (cancelled, failed or superseded) and its custodian destroyed the
	 * material it kept for it: nothing can import it again.
	 */
	void releaseCustody(String cause, String actor, Instant now) {
		if (!this.state.isTerminal() || this.custodyId == null) {
			throw new IllegalStateException("job " + this.id + " in " + this.state + " has no custody to release");
		}
		this.custodyId = null;
		recordNote(cause, null, actor, now);
		clearWorkFailures();
		releaseLease();
	}

	/**
	 * The custodian could not destroy the material of this ended job: noted in the
	 * history (the job's lastError keeps why it ended) and tried again after a backoff.
	 */
	void deferCustodyRelease(String errorCode, String cause, String actor, Instant now, Instant retryAt) {
		recordNote(cause, errorCode, actor, now);
		this.workFailures++;
		this.workNotBefore = retryAt;
		releaseLease();
	}

	/**
	 * At creation: the creator accepts that the import deletes the key's material first.
	 */
	void acceptDeletionOfCurrentMaterial() {
		this.deleteCurrentMaterial = true;
	}

	boolean deletesCurrentMaterial() {
		return this.deleteCurrentMaterial;
	}

	/**
	 * The kept material was imported again into the job's own key with a new ValidTo: the
	 * job stays IMPORTED, with the new expiration. Its replicas are renewed on their own
	 * ValidTo ({@link #recordReplicaRenewal}); a turn that renewed every due member ends
	 * with {@link #finishCustodyRenewal}, one that failed with {@link #deferWork}.
	 */
	void recordCustodyRenewal(Instant validTo, String keyMaterialId, String cause, String actor, Instant now) {
		requireRenewable("renew the material of");
		this.materialValidTo = validTo;
		this.custodyRenewals++;
		if (keyMaterialId != null) {
			this.keyMaterialId = keyMaterialId;
		}
		this.importedAt = now;
		this.materialDeletedAt = null;
		recordNote(cause, null, actor, now);
	}

	/**
	 * Whether a custody renewal deleted the key's material and has not imported it again
	 * yet: the key waiting for an import is the renewal's doing, not a deletion outside
	 * Keyport.
	 */
	boolean materialDeletedForRenewal() {
		return this.materialDeletedAt != null;
	}

	/**
	 * The check found the key empty after a renewal deleted its material: the renewal,
	 * due at once, imports it again; the next check follows.
	 */
	void awaitRenewalImport(Instant nextCheck) {
		this.nextCheckAt = nextCheck;
		releaseLease();
	}

	/**
	 * Every member that was due holds the material with a new ValidTo: the last renewal
	 * error is cleared and the next check follows the job's ValidTo.
	 */
	void finishCustodyRenewal(Instant nextCheck) {
		requireRenewable("finish the renewal of");
		this.nextCheckAt = this.materialValidTo.isBefore(nextCheck) ? this.materialValidTo : nextCheck;
		// the renewal's own error is over; a replicating job shows what its replicas say
		this.lastErrorCode = null;
		this.lastErrorMessage = null;
		if (this.state == ImportJobState.REPLICATING) {
			reportReplicaError();
		}
		clearWorkFailures();
		releaseLease();
	}

	private void requireRenewable(String action) {
		if (!renewable()) {
			throw new IllegalTransitionException(id(), this.state, ImportJobState.IMPORTED, action);
		}
	}

	/**
	 * Whether the job's members are renewed from custody before their ValidTo: imported,
	 * or replicating (a replica that lost its material and stalls in its region must not
	 * keep the others from renewal until the material expires everywhere).
	 */
	boolean renewable() {
		return (this.state == ImportJobState.IMPORTED || this.state == ImportJobState.REPLICATING)
				&& this.custodyId != null && this.expirationModel == ExpirationModel.KEY_MATERIAL_EXPIRES;
	}

	/**
	 * Whether the job's own key is due for renewal by this time (its replicas may be due
	 * without it, after a turn that renewed it and failed on a replica).
	 */
	boolean ownMaterialDueBy(Instant time) {
		return this.materialDeletedAt != null || (this.expirationModel == ExpirationModel.KEY_MATERIAL_EXPIRES
				&& !this.materialValidTo.isAfter(time));
	}

	/**
	 * The earliest ValidTo of the members holding the material: the job's key and its
	 * imported replicas.
	 */
	Instant earliestMemberValidTo() {
		return this.replicas.stream()
			.filter(r -> r.state() == ImportJobReplica.State.IMPORTED)
			.map(ImportJobReplica::materialValidTo)
			.filter(Objects::nonNull)
			.reduce(this.materialValidTo, (a, b) -> (a == null || b.isBefore(a)) ? b : a);
	}

	@PrePersist
	@PreUpdate
	void deriveRenewalDue() {
		Instant earliest = renewable() ? earliestMemberValidTo() : null;
		// a key the renewal emptied is due at once
		this.renewalDueAt = (earliest != null && this.materialDeletedAt != null
				&& this.materialDeletedAt.isBefore(earliest)) ? this.materialDeletedAt : earliest;
	}

	// --- multi-Region jobs: the primary (this job's key) and its replicas

	/**
	 * A replica of the new job's multi-Region key, with its own first parameters from its
	 * own region.
	 */
	void addReplica(String target, String region, String keyArn, ImportParameters parameters, String actor,
			Instant now) {
		if (!this.unsaved) {
			throw new IllegalStateException("replicas are chosen when a job is created");
		}
		this.replicas.add(new ImportJobReplica(this, this.replicas.size(), target, region, keyArn, parameters));
		recordNote("replica " + keyArn + " (target " + target + ", " + region + ") added: its own wrapping key and "
				+ "import token downloaded, valid until " + parameters.validTo(), null, actor, now);
	}

	boolean hasReplicas() {
		return !this.replicas.isEmpty();
	}

	/** The replica a target names. */
	ImportJobReplica replica(String target) {
		return this.replicas.stream()
			.filter(r -> r.target().equals(target))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("job " + this.id + " has no replica in target " + target));
	}

	/**
	 * The job's replicas, in the order they were named (read-only: change them by verbs).
	 */
	List<ImportJobReplica> replicas() {
		return List.copyOf(this.replicas);
	}

	/** The wrapping keys (DER) of the replicas that take material now, by target. */
	Map<String, byte[]> replicaWrappingKeys(Instant now) {
		Map<String, byte[]> keys = new LinkedHashMap<>();
		this.replicas.stream()
			.filter(r -> r.takesMaterialAt(now))
			.forEach(r -> keys.put(r.target(), r.wrappingPublicKey()));
		return keys;
	}

	/**
	 * Holds the job while an upload downloads new parameters for replicas whose
	 * parameters lapsed: a second upload meanwhile is job-busy instead of spending
	 * downloads of its own. Released with the parameters recorded.
	 */
	void leaseForReplicaParameters(Lease lease, Instant now) {
		requireNotBusy(now, "upload material to");
		lease(lease);
	}

	/** The parameters an upload leased the job for arrived (some may be missing). */
	void recordReplicaParametersOnUpload(Map<String, ImportParameters> downloaded, String actor, Instant now) {
		downloaded.forEach((target, parameters) -> recordReplicaParameters(target, parameters, null, actor, now));
		releaseLease();
	}

	/**
	 * The targets of replicas waiting for material whose parameters lapsed: they need new
	 * ones before an upload can be wrapped for them.
	 */
	List<String> replicasWithLapsedParameters(Instant now) {
		return this.replicas.stream().filter(r -> r.waitsWithLapsedParameters(now)).map(r -> r.target()).toList();
	}

	/**
	 * Material wrapped under a replica's own wrapping key, held for its import after the
	 * primary's (or, in a REPLICATING job, a new upload for a replica that needed one).
	 */
	void markReplicaWrapped(String target, EncryptedKeyMaterial material, String actor, Instant now) {
		if (this.state != ImportJobState.PARAMETERS_FETCHED && this.state != ImportJobState.REPLICATING) {
			throw new IllegalTransitionException(id(), this.state, this.state, "upload material for a replica of");
		}
		ImportJobReplica replica = replica(target);
		replica.wrap(material, now);
		recordNote("material wrapped for replica " + replica.kmsKeyArn() + " under its own wrapping key", null, actor,
				now);
		if (this.state == ImportJobState.REPLICATING) {
			this.nextAttemptAt = now;
		}
	}

	/**
	 * Holds a REPLICATING job for one turn of replica work (an upload's or the
	 * scheduler's); released by {@link #finishReplicationTurn}.
	 */
	void leaseForReplication(Lease lease, Instant now) {
		requireState(ImportJobState.REPLICATING, ImportJobState.IMPORTED, "import the replicas of");
		requireNotBusy(now, "import the replicas of");
		lease(lease);
	}

	/** The targets of replicas with work due now: an import, or new parameters. */
	List<String> replicasDue(Instant now) {
		if (this.state != ImportJobState.REPLICATING) {
			return List.of();
		}
		return this.replicas.stream()
			.filter(r -> r.importDueAt(now) || r.parametersDueAt(now))
			.map(ImportJobReplica::target)
			.toList();
	}

	/** The ImportKeyMaterial call for a replica: its own token and wrapped copy. */
	ImportRequest replicaImportRequest(String target) {
		ImportJobReplica replica = replica(target);
		return new ImportRequest(replica.kmsKeyArn(), replica.importToken(), replica.encryptedKeyMaterial(),
				this.expirationModel, this.materialValidTo, this.keySpec, this.wrappingAlgorithm, this.wrappingKeySpec);
	}

	void recordReplicaImported(String target, ImportResult result, String actor, Instant now) {
		ImportJobReplica replica = replica(target);
		replica.imported(result.keyMaterialId(), this.materialValidTo, now);
		recordNote("key material imported into replica " + replica.kmsKeyArn() + " (target " + target + ", "
				+ replica.region() + ")", null, actor, now);
	}

	void recordReplicaImportFailed(String target, KmsErrorCode error, String message, Duration retryDelay,
			int maxAttempts, String actor, Instant now) {
		recordReplicaImportFailed(target, error, true, message, retryDelay, maxAttempts, actor, now);
	}

	void recordReplicaImportFailed(String target, KmsErrorCode error, boolean maybeSent, String message,
			Duration retryDelay, int maxAttempts, String actor, Instant now) {
		ImportJobReplica replica = replica(target);
		ImportJobReplica.State next = replica.importFailed(error, maybeSent, message, retryDelay, maxAttempts, now);
		String outcome = switch (next) {
			case MATERIAL_WRAPPED -> "retried on its own at " + replica.nextAttemptAt();
			case NEEDS_PARAMETERS -> "its token can no longer be used: new parameters are due";
			case NEEDS_UPLOAD -> "KMS refused the material: upload the plaintext again for this replica";
			default -> "the replica cannot take the material";
		};
		recordNote("import into replica " + replica.kmsKeyArn() + " failed (" + error.code() + "): " + message + "; "
				+ outcome, replica.lastErrorCode(), actor, now);
	}

	/**
	 * New parameters for a replica, with the material wrapped again under them by the
	 * custodian, or without (then a new upload is needed).
	 */
	void recordReplicaParameters(String target, ImportParameters parameters, EncryptedKeyMaterial rewrapped,
			String actor, Instant now) {
		ImportJobReplica replica = replica(target);
		replica.newParameters(parameters, rewrapped, this.state == ImportJobState.REPLICATING, now);
		recordNote("new wrapping key and import token for replica " + replica.kmsKeyArn() + ", valid until "
				+ parameters.validTo()
				+ (rewrapped != null ? "; the custodian wrapped the material again under them"
						: this.state == ImportJobState.REPLICATING
								? "; the material is not in custody: upload the plaintext again (POST "
										+ "/api/v1/import-jobs/" + this.id + "/key-material) to import this replica"
								: ""),
				rewrapped == null && this.state == ImportJobState.REPLICATING ? ImportJobException.REPLICA_NEEDS_UPLOAD
						: null,
				actor, now);
	}

	/**
	 * A replica's token lapsed before its import was sent: its wrapped copy is void, new
	 * parameters are due now.
	 */
	void recordReplicaTokenLapsed(String target, String actor, Instant now) {
		ImportJobReplica replica = replica(target);
		boolean mayHold = replica.tokenLapsed(now);
		recordNote("the import token of replica " + replica.kmsKeyArn()
				+ (mayHold ? " lapsed while an import's answer was lost (the replica may hold the material already)"
						: " lapsed before its import")
				+ "; new parameters are due", ImportJobException.PARAMETERS_EXPIRED, actor, now);
	}

	/**
	 * The material kept in custody was imported into a replica again, with a new ValidTo
	 * (a renewal before expiry; the primary's is recorded by
	 * {@link #recordCustodyRenewal}).
	 */
	void recordReplicaRenewal(String target, Instant validTo, String keyMaterialId, String actor, Instant now) {
		requireRenewable("renew the material of a replica of");
		ImportJobReplica replica = replica(target);
		replica.renewed(validTo, keyMaterialId, now);
		recordNote("material re-imported from custody into replica " + replica.kmsKeyArn() + ", valid until " + validTo,
				null, actor, now);
	}

	/** A replica's new parameters could not be had now: tried again then. */
	void deferReplicaParameters(String target, String errorCode, String message, Instant retryAt, Instant now) {
		replica(target).deferParameters(errorCode, message, retryAt);
		this.updatedAt = now;
	}

	/**
	 * KMS refused a replica new parameters for good: the replica fails, and with it the
	 * job at the end of the turn (the primary and the replicas imported so far keep the
	 * material).
	 */
	void refuseReplicaParameters(String target, String errorCode, String message, String actor, Instant now) {
		ImportJobReplica replica = replica(target);
		replica.refuseParameters(errorCode, message);
		recordNote(
				"new parameters for replica " + replica.kmsKeyArn() + " refused by KMS (" + errorCode + "): " + message,
				errorCode, actor, now);
	}

	/**
	 * Ends a turn of replica work: IMPORTED once every replica holds the material or
	 * never can (one that never can is named in lastError: the primary and the other
	 * replicas hold the material, so the job stays watched, its custody kept and
	 * renewed); else still REPLICATING, due again at the earliest replica's next attempt
	 * (none while only new uploads are awaited).
	 */
	/**
	 * Replicas whose material should still be there (imported, ValidTo ahead): the drift
	 * check compares them with KMS.
	 */
	List<ImportJobReplica> replicasHoldingMaterialAt(Instant now) {
		return this.replicas.stream()
			.filter(r -> r.state() == ImportJobReplica.State.IMPORTED
					&& (r.materialValidTo() == null || r.materialValidTo().isAfter(now)))
			.toList();
	}

	/**
	 * KMS shows replicas waiting for an import although they held the job's material with
	 * a ValidTo ahead (deleted outside Keyport): the job replicates again, with new
	 * parameters for them; the custodian wraps the kept material again, else the
	 * plaintext must be uploaded again.
	 */
	void replicasLostMaterial(List<String> targets, String actor, Instant now) {
		String arns = targets.stream().map(t -> replica(t).kmsKeyArn()).collect(Collectors.joining(", "));
		String cause = "replica " + arns + " lost the material before its ValidTo (KMS shows it waiting for an "
				+ "import; deleted outside Keyport): it is imported again, with new parameters"
				+ (this.custodyId != null ? " and the material kept in custody" : "; upload the plaintext again");
		transition(ImportJobState.REPLICATING, "re-import a replica of", cause,
				ImportJobException.REPLICA_MATERIAL_MISSING, actor, now);
		targets.forEach(t -> replica(t).needParameters(now));
		this.lastErrorCode = ImportJobException.REPLICA_MATERIAL_MISSING;
		this.lastErrorMessage = truncate(cause);
		this.nextAttemptAt = now;
		this.nextCheckAt = null;
		releaseLease();
	}

	void finishReplicationTurn(String actor, Instant now, Instant nextCheck) {
		if (this.state != ImportJobState.REPLICATING) {
			releaseLease();
			return;
		}
		ImportJobReplica failed = this.replicas.stream()
			.filter(r -> r.state() == ImportJobReplica.State.FAILED)
			.findFirst()
			.orElse(null);
		if (this.replicas.stream()
			.allMatch(
					r -> r.state() == ImportJobReplica.State.IMPORTED || r.state() == ImportJobReplica.State.FAILED)) {
			String failure = (failed != null) ? "replica " + failed.kmsKeyArn() + " (target " + failed.target()
					+ ") cannot take the material (" + failed.lastErrorCode() + "): " + failed.lastErrorMessage()
					+ "; the primary and the other replicas hold it and stay watched, that replica is not retried"
					: null;
			transition(ImportJobState.IMPORTED, "complete the replication of",
					(failure != null) ? failure : "every replica holds the material: the multi-Region key is imported",
					(failure != null) ? ImportJobException.REPLICA_IMPORT_FAILED : null, actor, now);
			this.lastErrorCode = (failure != null) ? ImportJobException.REPLICA_IMPORT_FAILED : null;
			this.lastErrorMessage = (failure != null) ? truncate(failure) : null;
			this.nextAttemptAt = null;
			this.nextCheckAt = this.materialValidTo != null && this.materialValidTo.isBefore(nextCheck)
					? this.materialValidTo : nextCheck;
			releaseLease();
			return;
		}
		// due at the earliest replica's attempt, and at the latest at the ValidTo, when
		// the material expires before the remaining replicas took it
		this.nextAttemptAt = Stream.concat(
				this.replicas.stream()
					.filter(r -> r.state() == ImportJobReplica.State.MATERIAL_WRAPPED
							|| r.state() == ImportJobReplica.State.NEEDS_PARAMETERS)
					.map(ImportJobReplica::nextAttemptAt),
				Stream.of(this.expirationModel == ExpirationModel.KEY_MATERIAL_EXPIRES ? this.materialValidTo : null))
			.filter(Objects::nonNull)
			.min(Instant::compareTo)
			.orElse(null);
		reportReplicaError();
		// the turn got through: a backoff of an earlier failed turn (or renewal) is
		// over, else the job stays due (the claim takes the later of both times) every
		// run while it waits for an upload. Its failures in a row are left to grow a
		// renewal's backoff
		this.workNotBefore = null;
		this.updatedAt = now;
		releaseLease();
	}

	/**
	 * The job's error while it replicates: what its replicas say (one that needs an
	 * upload first), kept when none says anything.
	 */
	private void reportReplicaError() {
		ImportJobReplica erring = this.replicas.stream()
			.filter(r -> r.state() == ImportJobReplica.State.NEEDS_UPLOAD)
			.findFirst()
			.or(() -> this.replicas.stream().filter(r -> r.lastErrorCode() != null).findFirst())
			.orElse(null);
		if (erring != null && erring.state() == ImportJobReplica.State.NEEDS_UPLOAD) {
			this.lastErrorCode = ImportJobException.REPLICA_NEEDS_UPLOAD;
			this.lastErrorMessage = "replica " + erring.kmsKeyArn() + " (target " + erring.target()
					+ ") needs the material again: upload the plaintext to POST /api/v1/import-jobs/" + this.id
					+ "/key-material";
		}
		else if (erring != null) {
			this.lastErrorCode = erring.lastErrorCode();
			this.lastErrorMessage = truncate("replica " + erring.kmsKeyArn() + ": " + erring.lastErrorMessage());
		}
	}

	/** Material wrapped under the current wrapping key is held for the import. */
	void markWrapped(EncryptedKeyMaterial material, String cause, Lease lease, String actor, Instant now) {
		markWrapped(material, null, cause, lease, actor, now);
	}

	/**
	 * Material wrapped under the current wrapping key is held for the import.
	 * @param expectedPublicKey the public key of the wrapped private key when Keyport
	 * wrapped it, else {@code null}
	 */
	void markWrapped(EncryptedKeyMaterial material, byte[] expectedPublicKey, String cause, Lease lease, String actor,
			Instant now) {
		requireState(ImportJobState.PARAMETERS_FETCHED, ImportJobState.MATERIAL_WRAPPED, "upload material to");
		requireValidToAhead(now);
		if (parametersExpiredAt(now)) {
			throw new ImportJobException(ImportJobException.PARAMETERS_EXPIRED, id(), this.state,
					"The wrapping key and import token expired at " + Sentences.time(this.parametersValidTo)
							+ ". Refresh the parameters and wrap the material again with the new wrapping key.");
		}
		transition(ImportJobState.MATERIAL_WRAPPED, "upload material to", cause, null, actor, now);
		// material arrived: a job whose import then fails is not abandoned
		// for the time it waited before
		this.waitingSince = now;
		this.encryptedKeyMaterial = material.bytes();
		this.expectedPublicKey = expectedPublicKey != null ? expectedPublicKey.clone() : null;
		this.nextAttemptAt = now;
		// new material: its first attempt is sent by this request
		this.importOutcomeUnknown = false;
		this.importInFlight = true;
		// the uploading request imports at once; the lease keeps schedulers away unless
		// it dies meanwhile
		lease(lease);
	}

	/**
	 * A client used the job in the change being made (its upload): recorded with that
	 * change, as {@link ClientActivity#record} would in a statement of its own (at most
	 * once per {@link ClientActivity#PRECISION}).
	 */
	void usedByClient(Instant now) {
		if (ClientActivity.recordedRecently(this.lastClientActivityAt, now)) {
			return;
		}
		this.lastClientActivityAt = now;
		this.refreshPriority = Math.min(this.refreshPriority, PRIORITY_ACTIVE);
	}

	/** Where the job stands among EAGER refreshes when the budget is short. */
	int refreshPriority() {
		return this.refreshPriority;
	}

	/** The ImportKeyMaterial call for this job, with the held token and material. */
	ImportRequest importRequest() {
		if (this.state != ImportJobState.MATERIAL_WRAPPED || this.encryptedKeyMaterial == null) {
			throw new IllegalTransitionException(id(), this.state, ImportJobState.IMPORTED, "import");
		}
		return withImportType(new ImportRequest(this.kmsKeyArn, this.importToken,
				EncryptedKeyMaterial.of(this.encryptedKeyMaterial), this.expirationModel, this.materialValidTo,
				this.keySpec, this.wrappingAlgorithm, this.wrappingKeySpec));
	}

	/**
	 * The import as this job's material needs it: a rotation job's first import brings
	 * NEW_KEY_MATERIAL (described with the job's id); once KMS named the job's material,
	 * every import of it (re-import after expiry, renewal) is EXISTING_KEY_MATERIAL with
	 * that id, since the key's current material may be another job's. Otherwise the
	 * provider decides.
	 */
	ImportRequest withImportType(ImportRequest request) {
		if (this.keyMaterialId != null) {
			return request.withMaterial(ImportType.EXISTING_KEY_MATERIAL, this.keyMaterialId, null);
		}
		if (isRotation()) {
			return request.withMaterial(ImportType.NEW_KEY_MATERIAL, null, newMaterialDescription());
		}
		return request;
	}

	/**
	 * How a rotation job's new material is described at KMS until KMS has named it
	 * ({@code null} for any other job): the only way to find it again when the answer to
	 * its import was lost, since KMS refuses to take the same material as new twice.
	 */
	String newMaterialDescription() {
		return isRotation() && this.keyMaterialId == null ? "Keyport import job " + this.id : null;
	}

	/**
	 * KMS accepted the material. Token and wrapped material are no longer needed and are
	 * dropped.
	 */
	void markImported(ImportResult result, String actor, Instant now, Instant nextCheck) {
		this.importAttempts++;
		recordImported(result.keyMaterialId(),
				this.expirationModel == ExpirationModel.KEY_MATERIAL_EXPIRES
						? "key material imported, valid until " + this.materialValidTo
						: "key material imported, does not expire",
				actor, now, nextCheck);
	}

	/**
	 * KMS accepted an import sent for this job, whatever happened to the job while the
	 * call ran (a lapsed lease let the scheduler refresh it or a caller act on it): the
	 * key holds the material, so the job is imported. Terminal states stay terminal; the
	 * acceptance goes into their history.
	 * @return whether the job is now recorded as imported
	 */
	boolean recordAcceptedImport(ImportResult result, String actor, Instant now, Instant nextCheck) {
		switch (this.state) {
			case MATERIAL_WRAPPED -> markImported(result, actor, now, nextCheck);
			case PARAMETERS_FETCHED, PARAMETERS_EXPIRED -> {
				this.importAttempts++;
				recordImported(result.keyMaterialId(),
						"key material imported: KMS accepted the import sent while "
								+ "the job held wrapped material, after the job had moved to " + this.state,
						actor, now, nextCheck);
			}
			case IMPORTED, REPLICATING, IMPORTED_PENDING_ROTATION -> {
				// recorded meanwhile (by reconciliation): nothing to change
				return true;
			}
			default -> {
				recordNote(
						"KMS accepted the import sent before the job became " + this.state
								+ "; the key holds the material",
						"imported-after-" + this.state.name().toLowerCase(Locale.ROOT).replace('_', '-'), actor, now);
				return false;
			}
		}
		return true;
	}

	private String rotationPlan() {
		return switch (this.rotationWhen) {
			case ON_IMPORT -> "rotated right after the import";
			case AT -> "rotated by the scheduler at " + this.rotationAt;
			case BY_API -> "rotated on request: POST /api/v1/import-jobs/" + this.id + "/rotation";
		};
	}

	/**
	 * Reconciliation found the material already in KMS (the import was sent, its outcome
	 * lost): imported without sending it again.
	 */
	void reconcileImported(String cause, String actor, Instant now, Instant nextCheck) {
		reconcileImported(null, cause, actor, now, nextCheck);
	}

	/**
	 * As {@link #reconcileImported(String, String, Instant, Instant)}, with the id KMS
	 * lists the found material under ({@code null}: none named).
	 */
	void reconcileImported(String keyMaterialId, String cause, String actor, Instant now, Instant nextCheck) {
		recordImported(keyMaterialId, cause, actor, now, nextCheck);
	}

	private void recordImported(String keyMaterialId, String cause, String actor, Instant now, Instant nextCheck) {
		long pending = this.replicas.stream().filter(r -> r.state() != ImportJobReplica.State.IMPORTED).count();
		boolean pendingRotation = isRotation() && this.rotatedAt == null;
		if (pending > 0) {
			transition(ImportJobState.REPLICATING, "mark imported",
					cause.replaceFirst("^key material imported", "key material imported into the primary key") + "; "
							+ pending + " replica(s) still to import",
					null, actor, now);
		}
		else {
			transition(pendingRotation ? ImportJobState.IMPORTED_PENDING_ROTATION : ImportJobState.IMPORTED,
					"mark imported", pendingRotation ? cause + "; pending rotation (" + rotationPlan() + ")" : cause,
					null, actor, now);
		}
		if (pendingRotation && this.rotationWhen == Rotation.When.ON_IMPORT) {
			// due for the scheduler at once, should the rotation right after the
			// import fail
			this.rotationAt = now;
		}
		if (keyMaterialId != null) {
			// a reconciliation names none; the id KMS gave earlier stays the job's
			this.keyMaterialId = keyMaterialId;
		}
		this.importedAt = now;
		// the key holds the material again: a deletion by an earlier renewal is history
		this.materialDeletedAt = null;
		this.emptiedKeyAt = null;
		// expiry is due work at ValidTo even when the next drift check would be later
		this.nextCheckAt = this.materialValidTo != null && this.materialValidTo.isBefore(nextCheck)
				? this.materialValidTo : nextCheck;
		this.leaseOwner = null;
		this.leaseUntil = null;
		this.importToken = null;
		this.wrappingPublicKey = null;
		this.encryptedKeyMaterial = null;
		this.nextAttemptAt = null;
		this.lastErrorCode = null;
		this.lastErrorMessage = null;
		if (pending > 0) {
			// the replicas are imported next (by the uploading request, else by the
			// scheduler); one that missed the upload needs new parameters first
			this.replicas.stream()
				.filter(r -> r.state() == ImportJobReplica.State.WAITING_FOR_MATERIAL)
				.forEach(r -> r.needParameters(now));
			this.nextAttemptAt = now;
		}
	}

	/**
	 * KMS refused the import. Where the job goes follows from what the error means:
	 * <ul>
	 * <li>transient (throttling, 5xx, timeouts): it stays wrapped and is retried later
	 * with the same token;</li>
	 * <li>the material or its wrapping was refused: back to waiting for material,
	 * parameters still usable;</li>
	 * <li>the token expired or was refused: new parameters are needed;</li>
	 * <li>the key itself cannot take material (missing, pending deletion, not external):
	 * failed.</li>
	 * </ul>
	 */
	void importFailed(KmsErrorCode error, String message, Duration retryDelay, int maxAttempts, String actor,
			Instant now) {
		importFailed(error, true, message, retryDelay, maxAttempts, actor, now);
	}

	/**
	 * As {@link #importFailed(KmsErrorCode, String, Duration, int, String, Instant)}.
	 * @param maybeSent false when the request never left Keyport (no connection): KMS
	 * cannot have carried it out, whatever the error
	 */
	void importFailed(KmsErrorCode error, boolean maybeSent, String message, Duration retryDelay, int maxAttempts,
			String actor, Instant now) {
		importFailed(error, maybeSent, false, message, retryDelay, maxAttempts, actor, now);
	}

	/**
	 * As
	 * {@link #importFailed(KmsErrorCode, boolean, String, Duration, int, String, Instant)}.
	 * @param heldBack Keyport refused the call itself before sending anything (a
	 * provider's hold-off after refused credentials): not KMS's refusal, so the job keeps
	 * its wrapped material and tries again after the backoff, as after a transient error
	 */
	void importFailed(KmsErrorCode error, boolean maybeSent, boolean heldBack, String message, Duration retryDelay,
			int maxAttempts, String actor, Instant now) {
		this.importAttempts++;
		this.importInFlight = false;
		releaseLease();
		if (maybeSent && mayHaveBeenCarriedOut(error)) {
			this.importOutcomeUnknown = true;
		}
		if (error == KmsErrorCode.INCORRECT_KEY_MATERIAL && !isRotation()) {
			// KMS holds other material, so the unanswered attempt of this same wrapped
			// material did not land; nor did an unconfirmed one of the kept material,
			// the only one a custody job sends then. (A rotation's new material is
			// refused so when KMS already holds it: no proof)
			this.importOutcomeUnknown = false;
			if (this.custodyId != null) {
				this.unconfirmedImportAt = null;
			}
		}
		boolean retried = error.isTransient() || heldBack;
		if (retried && this.importAttempts >= maxAttempts) {
			if (this.importOutcomeUnknown) {
				keepRetryingOutcomeUnknown(error, message, retryDelay, maxAttempts, actor, now);
				return;
			}
			if (keepsMaterialKmsMayHold()) {
				// failing would destroy the kept material, the only one the key takes
				// back: the job waits for its owner to send it again, with fresh attempts
				transition(ImportJobState.PARAMETERS_FETCHED, "record a failed import for",
						"import attempt " + this.importAttempts + " of " + maxAttempts + " failed (" + error.code()
								+ "): " + message + "; no attempts left, but the job keeps in custody material its "
								+ "key takes back, so it is not failed: import it again (custody-reimport)",
						error.code(), actor, now);
				this.lastErrorCode = error.code();
				this.lastErrorMessage = truncate(message);
				this.encryptedKeyMaterial = null;
				this.replicas.forEach(ImportJobReplica::discardMaterial);
				this.nextAttemptAt = null;
				this.importAttempts = 0;
				return;
			}
			fail(ImportJobException.IMPORT_ATTEMPTS_EXHAUSTED, "import attempt " + this.importAttempts + " of "
					+ maxAttempts + " failed (" + error.code() + "): " + message + "; no attempts left", actor, now);
			return;
		}
		ImportJobState target = heldBack ? ImportJobState.MATERIAL_WRAPPED : switch (error) {
			case THROTTLED, DEPENDENCY_TIMEOUT, INTERNAL, UNAVAILABLE -> ImportJobState.MATERIAL_WRAPPED;
			case INVALID_CIPHERTEXT, INCORRECT_KEY_MATERIAL, VALIDATION -> ImportJobState.PARAMETERS_FETCHED;
			case EXPIRED_IMPORT_TOKEN, INVALID_IMPORT_TOKEN -> ImportJobState.PARAMETERS_EXPIRED;
			// a key pending deletion or disabled, access or a limit can be fixed: a job
			// whose custody keeps material the key takes back waits instead of failing,
			// which would destroy that material
			case INVALID_KEY_STATE, ACCESS_DENIED, LIMIT_EXCEEDED ->
				keepsMaterialKmsMayHold() ? ImportJobState.PARAMETERS_FETCHED : ImportJobState.FAILED;
			case KEY_NOT_FOUND, INVALID_KEY_ID, ALREADY_EXISTS, UNSUPPORTED_OPERATION -> ImportJobState.FAILED;
		};
		String cause = retried ? "import attempt " + this.importAttempts + " failed (" + error.code() + "): " + message
				+ "; retry at " + now.plus(retryDelay) : "import refused by KMS (" + error.code() + "): " + message;
		transition(target, "record a failed import for", cause, error.code(), actor, now);
		this.lastErrorCode = error.code();
		this.lastErrorMessage = truncate(message);
		if (target == ImportJobState.MATERIAL_WRAPPED) {
			this.nextAttemptAt = now.plus(retryDelay);
		}
		else if (target == ImportJobState.FAILED) {
			dropSecrets();
		}
		else {
			this.encryptedKeyMaterial = null;
			this.replicas.forEach(ImportJobReplica::discardMaterial);
			this.nextAttemptAt = null;
		}
	}

	/**
	 * The attempts ran out while KMS may hold the material: failing would destroy the
	 * material kept in custody and leave any imported material unwatched. Only KMS's
	 * answer to the same material with the same token tells, so the job goes on trying at
	 * the backoff's pace until the token lapses; the lapse then hands it to the
	 * lost-import search and, without proof, back to waiting for the same material.
	 */
	private void keepRetryingOutcomeUnknown(KmsErrorCode error, String message, Duration retryDelay, int maxAttempts,
			String actor, Instant now) {
		String cause = "import attempt " + this.importAttempts + " failed (" + error.code() + "): " + message + "; the "
				+ maxAttempts + " attempts ran out, but an attempt failed in a way KMS may have carried "
				+ "out, so the job is not failed: the import is retried with the same token at " + now.plus(retryDelay)
				+ " and later until the token lapses at " + this.parametersValidTo;
		transition(ImportJobState.MATERIAL_WRAPPED, "record a failed import for", cause,
				ImportJobException.IMPORT_OUTCOME_UNKNOWN, actor, now);
		this.lastErrorCode = ImportJobException.IMPORT_OUTCOME_UNKNOWN;
		this.lastErrorMessage = truncate(cause);
		this.nextAttemptAt = now.plus(retryDelay);
	}

	/**
	 * A fact about the job that changes no state, such as how an import was confirmed,
	 * appended to its history with the current state as both ends.
	 */
	void recordNote(String cause, String errorCode, String actor, Instant now) {
		appendEvent(this.state, this.state, cause, errorCode, actor, now);
		this.updatedAt = now;
	}

	/**
	 * This job deleted its key's current material before its own import, recorded in its
	 * history; until the import lands, the key holds no material.
	 */
	void recordKeyEmptiedForImport(String cause, String actor, Instant now) {
		recordNote(cause, null, actor, now);
		this.emptiedKeyAt = now;
	}

	/** The parameters' validity passed before the material was imported. */
	void expireParameters(String actor, Instant now) {
		String unknown = outcomeUnknownAtLapse();
		transition(ImportJobState.PARAMETERS_EXPIRED, "expire the parameters of",
				"wrapping key and import token expired at " + this.parametersValidTo
						+ (this.encryptedKeyMaterial != null ? "; wrapped material discarded" : "")
						+ (unknown == null ? "" : "; " + unknown),
				unknown == null ? null : ImportJobException.IMPORT_OUTCOME_UNKNOWN, actor, now);
		if (unknown != null) {
			this.lastErrorCode = ImportJobException.IMPORT_OUTCOME_UNKNOWN;
			this.lastErrorMessage = unknown;
		}
		this.encryptedKeyMaterial = null;
		this.replicas.forEach(ImportJobReplica::discardMaterial);
		this.nextAttemptAt = null;
		releaseLease();
	}

	/**
	 * The imported material passed its ValidTo, or was deleted from the key. The replicas
	 * of a multi-Region job take it again with the next upload: they held it with the
	 * same ValidTo.
	 */
	void expireMaterial(String cause, String actor, Instant now) {
		transition(ImportJobState.MATERIAL_EXPIRED, "expire the material of",
				this.replicas.isEmpty() ? cause : cause + "; the replicas take the material again with the next upload",
				null, actor, now);
		this.replicas.forEach(ImportJobReplica::materialExpired);
		this.nextCheckAt = null;
		this.nextAttemptAt = null;
		releaseLease();
	}

	/**
	 * A later job imported into the same key: its material and ValidTo are the key's now,
	 * so this job leaves the watch for good.
	 */
	void supersede(ImportJobId newer, String actor, Instant now) {
		transition(ImportJobState.SUPERSEDED, "supersede",
				"superseded by job " + newer + ", imported later into the same key; that job is watched from now on",
				null, actor, now);
		this.nextCheckAt = null;
		dropSecrets();
	}

	/**
	 * A new expiration for the next import of a job waiting for material, such as a
	 * re-import after the material expired (KMS refuses a ValidTo in the past). Checked
	 * for range by the caller.
	 */
	void changeExpiration(ExpirationPolicy expiration, String actor, Instant now) {
		requireState(ImportJobState.PARAMETERS_FETCHED, ImportJobState.PARAMETERS_FETCHED, "change the expiration of");
		ExpirationPolicy previous = expiration();
		this.expirationModel = expiration.model();
		this.materialValidTo = expiration.validTo();
		recordNote("expiration for the next import changed from " + describe(previous) + " to " + describe(expiration),
				null, actor, now);
	}

	private static String describe(ExpirationPolicy expiration) {
		return expiration.model() == ExpirationModel.KEY_MATERIAL_EXPIRES ? "valid until " + expiration.validTo()
				: "does not expire";
	}

	/**
	 * The material's ValidTo passed before the import was sent: KMS would refuse it, so
	 * it is not sent.
	 */
	boolean validToPassedAt(Instant now) {
		return this.expirationModel == ExpirationModel.KEY_MATERIAL_EXPIRES && !this.materialValidTo.isAfter(now);
	}

	/** Refuses an import whose ValidTo already passed, before any KMS call. */
	void requireValidToAhead(Instant now) {
		if (validToPassedAt(now)) {
			throw validToPassed(now);
		}
	}

	ImportJobException validToPassed(Instant now) {
		return new ImportJobException(ImportJobException.VALID_TO_PASSED, DescribedFailure.Kind.CONFLICT, id(),
				this.state,
				"The material's validTo (" + Sentences.time(this.materialValidTo) + ") has passed, and KMS accepts "
						+ "only a validTo in the future. Refresh the parameters with a new 'expiration.validTo' (POST "
						+ "/api/v1/import-jobs/" + this.id + "/refresh-parameters), then upload the same material "
						+ "again.");
	}

	/**
	 * The scheduler found the job's ValidTo passed: no parameters are downloaded for it
	 * (any wrapped material is dropped, as its import must be refused), and it is left
	 * alone until a client refreshes it with a new ValidTo, or until {@code abandonAt}.
	 */
	void awaitNewValidTo(String actor, Instant now, Instant abandonAt) {
		if (this.state == ImportJobState.MATERIAL_WRAPPED) {
			refuseImportValidToPassed(actor, now);
		}
		ImportJobException refusal = validToPassed(now);
		deferWork(refusal.code(), refusal.getMessage(), abandonAt);
	}

	/**
	 * A wrapped job's ValidTo passed before the import succeeded: the wrapped material is
	 * dropped and the job waits for a new expiration and the material again, instead of
	 * sending an import KMS must refuse.
	 */
	void refuseImportValidToPassed(String actor, Instant now) {
		ImportJobException refusal = validToPassed(now);
		transition(ImportJobState.PARAMETERS_FETCHED, "refuse the import of", refusal.getMessage(), refusal.code(),
				actor, now);
		this.lastErrorCode = refusal.code();
		this.lastErrorMessage = truncate(refusal.getMessage());
		this.encryptedKeyMaterial = null;
		this.replicas.forEach(ImportJobReplica::discardMaterial);
		this.nextAttemptAt = null;
		releaseLease();
	}

	/**
	 * When an imported job is next compared with KMS: after the drift interval, and at
	 * the latest at the material's ValidTo. Once ValidTo passed while KMS still shows the
	 * material (KMS deletes it within a while), the next look backs off with the time
	 * already overdue, between the given floor and the drift interval.
	 */
	Instant nextCheck(Instant now, Duration driftCheckInterval, Duration floor) {
		Instant regular = now.plus(driftCheckInterval);
		if (this.expirationModel != ExpirationModel.KEY_MATERIAL_EXPIRES) {
			return regular;
		}
		if (this.materialValidTo.isAfter(now)) {
			return this.materialValidTo.isBefore(regular) ? this.materialValidTo : regular;
		}
		Duration overdue = Duration.between(this.materialValidTo, now);
		Duration delay = overdue.compareTo(floor) < 0 ? floor
				: overdue.compareTo(driftCheckInterval) > 0 ? driftCheckInterval : overdue;
		return now.plus(delay);
	}

	void fail(String errorCode, String message, String actor, Instant now) {
		transition(ImportJobState.FAILED, "fail", message, errorCode, actor, now);
		this.lastErrorCode = errorCode;
		this.lastErrorMessage = truncate(message);
		dropSecrets();
	}

	void cancel(String reason, String actor, Instant now) {
		transition(ImportJobState.CANCELLED, "cancel", reason, null, actor, now);
		dropSecrets();
	}

	/**
	 * A caller's cancel: refused while an upload or the scheduler holds the job (KMS may
	 * be importing right now).
	 */
	void cancelOnRequest(String actor, Instant now) {
		requireNotBusy(now, "cancel");
		requireImportOutcomeKnown(now, "cancelled");
		requireNoUnconfirmedCustodyMaterial("cancelled");
		cancel("cancelled on request", actor, now);
	}

	/**
	 * Refuses to drop a wrapped job's material (a cancel, new parameters) while its last
	 * import attempt failed in a way KMS may have carried out: the retry with the same
	 * token finds out, whereas dropping the token would leave material in the key that
	 * nobody watches.
	 */
	private void requireImportOutcomeKnown(Instant now, String done) {
		// once the token lapsed no retry with it can tell: new parameters remember the
		// import as unconfirmed (and kept material is guarded as such)
		if (importUnanswered() && !parametersExpiredAt(now)) {
			boolean retryLater = this.nextAttemptAt != null && this.nextAttemptAt.isAfter(now);
			String what = this.importOutcomeUnknown
					? "an import attempt with its current token failed in a way KMS may have carried out (last error: "
							+ this.lastErrorCode + ")"
					: "its import was sent by an instance whose lease lapsed before KMS's answer was recorded, so KMS "
							+ "may have carried it out";
			throw new ImportJobException(ImportJobException.IMPORT_OUTCOME_UNKNOWN, DescribedFailure.Kind.CONFLICT,
					id(), this.state,
					"Job " + id() + " cannot be " + done + " now: " + what
							+ ". The job retries the import with the same token "
							+ (retryLater ? "at " + Sentences.time(this.nextAttemptAt) : "at the scheduler's next run")
							+ " and then ends IMPORTED or FAILED, or waits for material again (then it can be " + done
							+ ").",
					retryLater ? secondsUntil(now, this.nextAttemptAt) : null);
		}
	}

	/**
	 * Whether a caller may have new parameters downloaded now: not while the job is held
	 * for KMS work, and not again within the cooldown while the current parameters are
	 * still usable (a loop of refreshes would only burn the account's scarce
	 * GetParametersForImport quota).
	 */
	void checkRefreshOnRequest(Instant now, Duration cooldown) {
		if (!this.state.canTransitionTo(ImportJobState.PARAMETERS_FETCHED)) {
			throw new IllegalTransitionException(id(), this.state, ImportJobState.PARAMETERS_FETCHED,
					"refresh the parameters of");
		}
		requireNotBusy(now, "refresh the parameters of");
		requireImportOutcomeKnown(now, "given new parameters");
		if (this.wrappingPublicKey == null || this.parametersFetchedAt == null || parametersExpiredAt(now)) {
			return;
		}
		Instant allowedAt = this.parametersFetchedAt.plus(cooldown);
		if (now.isBefore(allowedAt)) {
			throw new ImportJobException(ImportJobException.REFRESH_TOO_SOON, DescribedFailure.Kind.TOO_MANY_REQUESTS,
					id(), this.state,
					"The parameters of job " + id() + " were downloaded moments ago and are valid until "
							+ Sentences.time(this.parametersValidTo) + ". Refresh them again after the number of "
							+ "seconds in Retry-After.",
					secondsUntil(now, allowedAt));
		}
	}

	/**
	 * A caller's refresh: the same guard as {@link #checkRefreshOnRequest}, then the new
	 * parameters.
	 */
	/**
	 * Holds the job for a caller's refresh, after {@link #checkRefreshOnRequest}: a
	 * second refresh meanwhile is {@code job-busy}. The download is recorded with
	 * {@link #refreshedOnRequest} (which releases the lease) or dropped with
	 * {@link #releaseLease}.
	 */
	void leaseForRefreshOnRequest(Lease lease, Duration cooldown, Instant now) {
		checkRefreshOnRequest(now, cooldown);
		lease(lease);
	}

	/** The parameters a refresh leased for arrived. */
	void refreshedOnRequest(ImportParameters parameters, String actor, Instant now) {
		recordParameters(parameters, "parameters refreshed on request", actor, now);
	}

	/**
	 * Whether a client's ask for the wrapping key or plaintext upload must download new
	 * parameters first: an ON_DEMAND job waiting for material whose parameters lapsed.
	 */
	boolean needsOnDemandRefresh(Instant now) {
		return this.refreshPolicy == RefreshPolicy.ON_DEMAND && (this.state == ImportJobState.PARAMETERS_EXPIRED
				|| (this.state == ImportJobState.PARAMETERS_FETCHED && parametersExpiredAt(now)));
	}

	/**
	 * Holds an ON_DEMAND job for the download a client's ask needs, so a second ask waits
	 * for this one's parameters instead of downloading its own ({@code job-busy} while
	 * the lease lives). The download's outcome is recorded with
	 * {@link #recordParameters}, which releases the lease, or dropped with
	 * {@link #releaseLease}.
	 */
	void leaseForOnDemandRefresh(Lease lease, Instant now) {
		if (!needsOnDemandRefresh(now)) {
			throw new IllegalTransitionException(id(), this.state, ImportJobState.PARAMETERS_FETCHED,
					"download parameters on demand for");
		}
		if (validToPassedAt(now)) {
			// KMS would refuse any import with this ValidTo: the scarce download would be
			// spent for nothing (as the scheduler and a refresh on request know)
			throw validToPassed(now);
		}
		requireNotBusy(now, "download parameters for");
		lease(lease);
	}

	/**
	 * Whether an ON_DEMAND job has waited for material past its lifetime: abandoned, with
	 * no KMS call.
	 */
	boolean abandonedAt(Instant now, Duration lifetime) {
		return this.waitingSince.plus(lifetime).isBefore(now);
	}

	/**
	 * Whether a waiting job's current parameters last until it is abandoned: a refresh
	 * would spend a download on parameters nobody can use.
	 */
	boolean parametersOutlastLifetime(Duration lifetime) {
		return this.state == ImportJobState.PARAMETERS_FETCHED && this.parametersValidTo != null
				&& !this.waitingSince.plus(lifetime).isAfter(this.parametersValidTo);
	}

	/**
	 * No refresh before the job's lifetime ends; the scheduler comes back at
	 * {@code dueAgain}, after it ended, to abandon the job unless material came
	 * meanwhile.
	 */
	void awaitAbandonment(Instant dueAgain) {
		this.workNotBefore = dueAgain;
		releaseLease();
	}

	/**
	 * Whether the job keeps in custody material KMS took (or may have taken, from an
	 * import whose answer was lost, the wrapped one's included): the key takes only that
	 * material back, so it is never destroyed while the key may need it.
	 */
	boolean keepsMaterialKmsMayHold() {
		return this.custodyId != null
				&& (this.importedAt != null || this.unconfirmedImportAt != null || importUnanswered());
	}

	/**
	 * An abandoned job that keeps material KMS may hold rests as expired material instead
	 * of being cancelled, which would destroy the only copy the key takes back: its
	 * parameters are dropped, and a refresh starts its import again.
	 */
	void restAbandoned(String cause, String actor, Instant now) {
		transition(ImportJobState.MATERIAL_EXPIRED, "rest",
				cause + "; the material kept in custody stays, since the key takes only it back: refresh the "
						+ "parameters and import it again (custody-reimport)",
				null, actor, now);
		dropSecrets();
		this.replicas.forEach(ImportJobReplica::awaitReimport);
		this.nextCheckAt = null;
	}

	/**
	 * Refuses a caller's change while a live lease says KMS work on this job is in
	 * flight.
	 */
	/** Whether an instance holds the job for work now (its lease has not lapsed). */
	boolean leasedAt(Instant now) {
		return this.leaseUntil != null && this.leaseUntil.isAfter(now);
	}

	private void requireNotBusy(Instant now, String action) {
		if (this.leaseUntil != null && this.leaseUntil.isAfter(now)) {
			throw new ImportJobException(ImportJobException.JOB_BUSY, DescribedFailure.Kind.CONFLICT, id(), this.state,
					"Cannot " + action + " job " + id() + " now because "
							+ (this.state == ImportJobState.MATERIAL_WRAPPED ? "its material is being imported"
									: "background work on it is in progress")
							+ ". Retry after the number of seconds in Retry-After.",
					secondsUntil(now, this.leaseUntil));
		}
	}

	private static Duration secondsUntil(Instant now, Instant then) {
		long seconds = (Duration.between(now, then).toMillis() + 999) / 1000;
		return Duration.ofSeconds(Math.max(1, seconds));
	}

	/** Claims the job for one unit of work until the lease lapses. */
	void lease(Lease lease) {
		this.leaseOwner = lease.owner();
		this.leaseUntil = lease.until();
	}

	void releaseLease() {
		this.leaseOwner = null;
		this.leaseUntil = null;
	}

	/**
	 * An imported job was compared with KMS and still matches; next comparison due then.
	 */
	/**
	 * KMS shows the key scheduled for deletion, which its owner can still cancel: the job
	 * stays IMPORTED and keeps any material in custody (destroyed only once the job
	 * ends), says so in lastError (the first time also in its history) and leaves the
	 * expiring-keys list; it is checked again by the deletion date. The key gone then
	 * fails the job; a cancelled deletion clears the error ({@link #recordKeyInUse}).
	 */
	void recordKeyPendingDeletion(Instant deletionDate, String actor, Instant now, Instant nextCheck) {
		String message = "the KMS key is scheduled for deletion on " + deletionDate
				+ "; cancel the deletion to keep using it (until the key is deleted the job stays, with any material "
				+ "kept in custody)";
		if (!KEY_PENDING_DELETION.equals(this.lastErrorCode)) {
			recordNote(message, KEY_PENDING_DELETION, actor, now);
		}
		this.lastErrorCode = KEY_PENDING_DELETION;
		this.lastErrorMessage = truncate(message);
		recordCheck(nextCheck);
	}

	/** A check found the key in use: a deletion seen before was cancelled. */
	void recordKeyInUse(String actor, Instant now, Instant nextCheck) {
		if (KEY_PENDING_DELETION.equals(this.lastErrorCode)) {
			recordNote("the KMS key's deletion was cancelled; the job is watched as before", null, actor, now);
			this.lastErrorCode = null;
			this.lastErrorMessage = null;
		}
		recordCheck(nextCheck);
	}

	void recordCheck(Instant nextCheck) {
		this.nextCheckAt = nextCheck;
		clearWorkFailures();
		releaseLease();
	}

	/**
	 * A transient failure of background work: keep the state, try again at the given time
	 * (counted as a failure in a row, so the caller can back off).
	 */
	void deferWork(String errorCode, String message, Instant retryAt) {
		this.lastErrorCode = errorCode;
		this.lastErrorMessage = truncate(message);
		this.workFailures++;
		this.workNotBefore = retryAt;
		if (this.state == ImportJobState.IMPORTED) {
			this.nextCheckAt = retryAt;
		}
		releaseLease();
	}

	private void clearWorkFailures() {
		this.workFailures = 0;
		this.workNotBefore = null;
	}

	boolean parametersExpiredAt(Instant now) {
		return this.parametersValidTo == null || !now.isBefore(this.parametersValidTo);
	}

	/**
	 * The wrapping public key while it may still be used: waiting for material and within
	 * validity.
	 */
	byte[] usableWrappingKey(Instant now) {
		if (this.wrappingPublicKey == null) {
			throw new ImportJobException(ImportJobException.NO_IMPORT_PARAMETERS, id(), this.state,
					"The job holds no wrapping key in state " + this.state
							+ (this.state.canTransitionTo(ImportJobState.PARAMETERS_FETCHED)
									? "; refresh the parameters to get a new one." : "."));
		}
		if (parametersExpiredAt(now)) {
			throw new ImportJobException(ImportJobException.PARAMETERS_EXPIRED, id(), this.state,
					"The wrapping key expired at " + Sentences.time(this.parametersValidTo)
							+ ". Refresh the parameters to get a new one.");
		}
		return this.wrappingPublicKey.clone();
	}

	byte[] usableImportToken(Instant now) {
		usableWrappingKey(now);
		return this.importToken.clone();
	}

	private void holdParameters(ImportParameters parameters, Instant now) {
		this.wrappingPublicKey = parameters.publicKeyDer().clone();
		this.importToken = parameters.importToken().clone();
		this.parametersValidTo = parameters.validTo();
		this.parametersFetchedAt = now;
		this.parameterDownloads++;
	}

	private void dropSecrets() {
		releaseLease();
		this.replicas.forEach(ImportJobReplica::dropSecrets);
		this.importToken = null;
		this.wrappingPublicKey = null;
		this.encryptedKeyMaterial = null;
		this.nextAttemptAt = null;
	}

	private void requireState(ImportJobState required, ImportJobState target, String action) {
		if (this.state != required) {
			throw new IllegalTransitionException(id(), this.state, target, action);
		}
	}

	private void appendEvent(ImportJobState from, ImportJobState to, String cause, String errorCode, String actor,
			Instant now) {
		this.events.add(new ImportJobEvent(this, ++this.lastEventSequence, from, to, cause, errorCode, actor, now));
	}

	private void transition(ImportJobState target, String action, String cause, String errorCode, String actor,
			Instant now) {
		if (!this.state.canTransitionTo(target)) {
			throw new IllegalTransitionException(id(), this.state, target, action);
		}
		appendEvent(this.state, target, cause, errorCode, actor, now);
		this.state = target;
		this.updatedAt = now;
		if (this.importInFlight) {
			// an attempt sent under an earlier claim never got its answer recorded
			this.importOutcomeUnknown = true;
			this.importInFlight = false;
		}
		if (target == ImportJobState.IMPORTED || target == ImportJobState.REPLICATING
				|| target == ImportJobState.IMPORTED_PENDING_ROTATION || target.isTerminal()) {
			// KMS took an import of the job, or the job ended
			this.importOutcomeUnknown = false;
			this.unconfirmedImportAt = null;
		}
		else if (target != ImportJobState.MATERIAL_WRAPPED) {
			// the wrapped material is gone without KMS's answer: remembered for good
			if (this.importOutcomeUnknown && this.unconfirmedImportAt == null) {
				// when the material of the unanswered import was uploaded: imports by
				// other jobs since then are what may have put other material in the key
				this.unconfirmedImportAt = this.waitingSince != null ? this.waitingSince : now;
			}
			this.importOutcomeUnknown = false;
		}
		// a change of state is progress: earlier failures of background work no
		// longer count
		clearWorkFailures();
	}

	/**
	 * A last error as the job's tenant may read it: at most 1,000 characters, without
	 * Keyport's own principals or endpoints.
	 */
	private static String truncate(String message) {
		if (message == null) {
			return null;
		}
		String redacted = InternalDetails.redacted(message);
		return redacted.length() <= 1000 ? redacted : redacted.substring(0, 1000);
	}

	ImportJobId id() {
		return new ImportJobId(this.id);
	}

	long version() {
		return this.version;
	}

	ImportJobState state() {
		return this.state;
	}

	String tenant() {
		return this.tenant;
	}

	String leaseOwner() {
		return this.leaseOwner;
	}

	Instant createdAt() {
		return this.createdAt;
	}

	/**
	 * An import attempt with the current token failed in a way KMS may have carried out,
	 * and no attempt since got KMS's answer.
	 */
	boolean importOutcomeUnknown() {
		return this.importOutcomeUnknown;
	}

	/**
	 * Whether KMS may hold the material the job keeps in custody from an import whose
	 * outcome stayed unknown: the kept material is then neither replaced nor destroyed.
	 */
	/**
	 * When the material of an import whose outcome stayed unknown was uploaded, or
	 * {@code null}.
	 */
	/**
	 * When the scheduler is to rotate to this job's material, for a rotation job planned
	 * {@code AT} a time and not rotated yet; else {@code null}.
	 */
	Instant plannedRotationAt() {
		return this.rotationWhen == Rotation.When.AT && this.rotatedAt == null ? this.rotationAt : null;
	}

	Instant unconfirmedImportAt() {
		return this.unconfirmedImportAt;
	}

	boolean keepsUnconfirmedCustodyMaterial() {
		return this.custodyId != null && (this.unconfirmedImportAt != null || importUnanswered());
	}

	/** Wrapped material whose last import KMS may have carried out without an answer. */
	private boolean importUnanswered() {
		return this.state == ImportJobState.MATERIAL_WRAPPED && (this.importOutcomeUnknown || this.importInFlight);
	}

	/**
	 * Refuses what would replace or destroy material kept in custody that KMS may hold
	 * (an import whose answer was lost): only the kept material may be imported again,
	 * and KMS's answer to it tells.
	 */
	void requireNoUnconfirmedCustodyMaterial(String done) {
		if (keepsUnconfirmedCustodyMaterial()) {
			throw new ImportJobException(ImportJobException.IMPORT_OUTCOME_UNKNOWN, DescribedFailure.Kind.CONFLICT,
					id(), this.state,
					"Job " + id() + " cannot be " + done + " now: KMS never answered an import of the material the "
							+ "job keeps in custody"
							+ (this.unconfirmedImportAt != null ? " (" + Sentences.time(this.unconfirmedImportAt) + ")"
									: "")
							+ " and may hold it. "
							+ (this.state == ImportJobState.MATERIAL_WRAPPED ? "Refresh the parameters (POST "
									+ "/api/v1/import-jobs/" + this.id + "/refresh-parameters), then import" : "Import")
							+ " the kept material again (POST /api/v1/import-jobs/" + this.id
							+ "/custody-reimport): KMS takes it back if it holds it, and imports it if not.");
		}
	}

	Instant waitingSince() {
		return this.waitingSince;
	}

	Instant importedAt() {
		return this.importedAt;
	}

	/**
	 * The public key of the private key Keyport wrapped for this job, or {@code null}.
	 */
	byte[] expectedPublicKey() {
		return this.expectedPublicKey != null ? this.expectedPublicKey.clone() : null;
	}

	RefreshPolicy refreshPolicy() {
		return this.refreshPolicy;
	}

	int workFailures() {
		return this.workFailures;
	}

	ExpirationPolicy expiration() {
		return new ExpirationPolicy(this.expirationModel, this.materialValidTo);
	}

	int importAttempts() {
		return this.importAttempts;
	}

	String kmsKeyArn() {
		return this.kmsKeyArn;
	}

	String kmsTarget() {
		return this.kmsTarget;
	}

	KeySpec keySpec() {
		return this.keySpec;
	}

	WrappingAlgorithm wrappingAlgorithm() {
		return this.wrappingAlgorithm;
	}

	WrappingKeySpec wrappingKeySpec() {
		return this.wrappingKeySpec;
	}

	boolean unsaved() {
		return this.unsaved;
	}

	@PostPersist
	void stored() {
		this.unsaved = false;
	}

	List<ImportJobEvent> events() {
		return List.copyOf(this.events);
	}

	ImportJobView toView() {
		return new ImportJobView(id(), this.version, this.state, this.kmsKeyId, this.kmsKeyArn, this.keySpec,
				this.wrappingAlgorithm, this.wrappingKeySpec,
				new ExpirationPolicy(this.expirationModel, this.materialValidTo), this.parametersFetchedAt,
				this.parametersValidTo, this.parameterDownloads, this.importAttempts, this.nextAttemptAt,
				this.lastErrorCode, this.lastErrorMessage, this.keyMaterialId, this.importedAt, this.createdAt,
				this.updatedAt, this.createdBy, this.tenant, this.kmsTarget, this.refreshPolicy, this.dueBy,
				this.lastClientActivityAt, this.custodian, this.custodyId != null, this.custodyRenewals,
				this.replicas.stream().map(ImportJobReplica::toView).toList(), this.importType,
				this.rotationWhen != null ? new Rotation(this.rotationWhen, this.rotationAt) : null, this.rotatedAt);
	}

	@Override
	public String toString() {
		return "ImportJob[id=" + this.id + ", state=" + this.state + ", key=" + this.kmsKeyArn + ", target="
				+ this.kmsTarget + "]";
	}

}
