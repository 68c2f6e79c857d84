package io.keyport.importjob;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.persistence.criteria.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.keyport.audit.AuditLog;
import io.keyport.custody.Custodian;
import io.keyport.custody.Custodians;
import io.keyport.custody.CustodyReference;
import io.keyport.kms.ExpirationModel;
import io.keyport.kms.ImportParameters;
import io.keyport.kms.ImportRequest;
import io.keyport.kms.KeyState;
import io.keyport.kms.KmsErrorCode;
import io.keyport.kms.KmsException;
import io.keyport.kms.KmsKey;
import io.keyport.kms.KmsTarget;
import io.keyport.kms.KmsTargets;
import io.keyport.kmskey.KmsKeys;
import io.keyport.security.Caller;
import io.keyport.support.DescribedFailure.Kind;
import io.keyport.support.Sentences;
import io.keyport.wrapping.EncryptedKeyMaterial;
import io.keyport.wrapping.ImportSpec;
import io.keyport.wrapping.KeyMaterial;
import io.keyport.wrapping.KeyMaterialFormats;
import io.keyport.wrapping.KeyMaterialWrapper;
import io.keyport.wrapping.KeySpec;
import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.web.ProblemCodes;
import io.keyport.wrapping.WrappingPublicKey;

/**
 * Application service for import jobs. Every KMS call happens with no database
 * transaction open: a job is read or claimed in one short transaction, KMS is called, and
 * the outcome is recorded in another that checks the job's version, so a concurrent
 * change is detected instead of overwritten.
 * <p>
 * Longer than 300 lines on purpose: it holds one method per API use case (create, read,
 * list, parameters, two uploads, refresh, cancel), each with its own transaction
 * boundaries around a KMS call; the shared parts already live in {@link ImportJobStore}
 * and {@link KmsImports}.
 */
@Service
public class ImportJobService {

	private static final Logger log = LoggerFactory.getLogger(ImportJobService.class);

	private final ImportJobRepository jobs;

	private final ImportJobStore store;

	private final KmsImports kmsImports;

	private final KmsTargets targets;

	private final KeyMaterialWrapper wrapper;

	private final ImportJobProperties properties;

	private final LifecycleProperties lifecycle;

	private final Clock clock;

	private final TransactionTemplate tx;

	private final TransactionTemplate readTx;

	private final KmsKeys kmsKeys;

	private final ParameterDownloadQuota quota;

	private final RefreshPolicyProperties refreshPolicies;

	private final OnDemandParameters onDemand;

	private final ClientActivity activity;

	private final Custodians custodians;

	private final MultiRegionReplicas multiRegion;

	private final ReplicaImports replicaImports;

	private final RotationAdmission rotationAdmission;

	ImportJobService(ImportJobRepository jobs, ImportJobStore store, KmsImports kmsImports, KmsTargets targets,
			KeyMaterialWrapper wrapper, ImportJobProperties properties, LifecycleProperties lifecycle, Clock clock,
			PlatformTransactionManager transactionManager, KmsKeys kmsKeys, ParameterDownloadQuota quota,
			RefreshPolicyProperties refreshPolicies, OnDemandParameters onDemand, ClientActivity activity,
			Custodians custodians, MultiRegionReplicas multiRegion, ReplicaImports replicaImports,
			RotationAdmission rotationAdmission) {
		this.custodians = custodians;
		this.multiRegion = multiRegion;
		this.replicaImports = replicaImports;
		this.rotationAdmission = rotationAdmission;
		this.refreshPolicies = refreshPolicies;
		this.onDemand = onDemand;
		this.activity = activity;
		this.jobs = jobs;
		this.store = store;
		this.kmsImports = kmsImports;
		this.targets = targets;
		this.wrapper = wrapper;
		this.properties = properties;
		this.lifecycle = lifecycle;
		this.clock = clock;
		this.tx = new TransactionTemplate(transactionManager);
		this.readTx = new TransactionTemplate(transactionManager);
		this.readTx.setReadOnly(true);
		this.kmsKeys = kmsKeys;
		this.quota = quota;
	}

	/**
	 * Checks the key (exists, owned by the caller's tenant, EXTERNAL, state allows
	 * import), refuses impossible algorithm combinations before calling
	 * GetParametersForImport, then stores the job waiting for material.
	 */
	public ImportJobView create(CreateImportJob command, Caller caller) {
		String actor = caller.actor();
		Admission admitted = admit(command, caller, false);
		KmsTarget target = admitted.target();
		KmsKey key = admitted.key();
		ImportJobId id = ImportJobId.random();
		// the request's audit entry and those of its KMS calls name the job and the key
		AuditLog.requestConcerns(id.toString(), key.arn());
		// the tenant's share of the parameter quota, before anything changes (each
		// replica's region has its own): all of them or none
		List<KmsTarget> downloadsAt = new ArrayList<>();
		downloadsAt.add(target);
		admitted.replicas().forEach(replica -> downloadsAt.add(replica.target()));
		this.quota.acquireAll(downloadsAt, caller);
		List<MultiRegionReplicas.Replica> replicas;
		try {
			replicas = this.multiRegion.ensureExist(target, key, admitted.replicas());
		}
		catch (RuntimeException ex) {
			// a replica refused or still creating: no download made, none spent
			this.quota.giveBackAll(downloadsAt, caller);
			throw ex;
		}
		ImportParameters parameters;
		try {
			parameters = this.kmsImports.download(target.name(), key.arn(), command.wrappingAlgorithm(),
					command.wrappingKeySpec(), null, ImportJobMetrics.DownloadCause.JOB_CREATED);
		}
		catch (KmsException ex) {
			if (ex.errorCode() == KmsErrorCode.INVALID_KEY_STATE || ex.errorCode().meansNoSuchKey()) {
				// the key may have changed since it was created a moment ago (then it was
				// not described again): answer from its state now, as for any other key
				checkImportable(target, this.kmsKeys.ownedKey(target.name(), command.kmsKeyId(), caller));
			}
			throw ex;
		}
		ImportJob job = ImportJob.start(id, caller.tenant(),
				new TargetKey(target.name(), key.keyId(), key.arn(), key.keySpec()), command.wrappingAlgorithm(),
				command.wrappingKeySpec(), command.expiration(), admitted.policy(), command.dueBy(), parameters, actor,
				this.clock.instant());
		job.keepInCustody(command.custody());
		if (command.deleteCurrentMaterial()) {
			job.acceptDeletionOfCurrentMaterial();
		}
		for (MultiRegionReplicas.Replica replica : replicas) {
			// each replica's own parameters, from its own region (its target's pace)
			ImportParameters replicaParameters = this.kmsImports.download(replica.target().name(),
					replica.existing().arn(), command.wrappingAlgorithm(), command.wrappingKeySpec(), null,
					ImportJobMetrics.DownloadCause.JOB_CREATED);
			job.addReplica(replica.target().name(), replica.region(), replica.existing().arn(), replicaParameters,
					actor, this.clock.instant());
		}
		if (command.rotation() != null) {
			job.planRotation(command.rotation());
		}
		// the request's own audit entry goes in with the job
		AuditLog.settleRequestWithNextChange();
		ImportJobView view = this.tx.execute(status -> {
			if (command.rotation() != null) {
				this.rotationAdmission.checkStillAloneInTransaction(key.arn());
			}
			return this.store.save(job).toView();
		});
		log.info("Import job {} created for key {} ({}, {} with {}, refresh policy {})", view.id(), key.arn(),
				key.keySpec(), command.wrappingAlgorithm(), command.wrappingKeySpec(), admitted.policy());
		return view;
	}

	/**
	 * What {@link #create} would do, without doing it: every check the job's creation
	 * makes (the request, the key's ownership, origin, state and spec, the provider's
	 * rules, the tenant's share of the GetParametersForImport quota) with the same
	 * refusals, but no GetParametersForImport, no quota spent and nothing stored.
	 */
	public ImportJobPlan plan(CreateImportJob command, Caller caller) {
		Admission admitted = admit(command, caller, true);
		this.quota.check(admitted.target(), caller);
		for (MultiRegionReplicas.Replica replica : admitted.replicas()) {
			this.quota.check(replica.target(), caller);
		}
		KmsKey key = admitted.key();
		boolean deletesFirst = !KmsImports.acceptsImportNow(admitted.target().kms(), key);
		List<ImportJobPlan.PlannedReplica> replicas = admitted.replicas()
			.stream()
			.map(r -> new ImportJobPlan.PlannedReplica(r.target().name(), r.region(),
					r.existing() != null ? r.existing().arn() : null,
					r.existing() != null ? r.existing().state() : null))
			.toList();
		return new ImportJobPlan(admitted.target().name(), key.keyId(), key.arn(), key.state(), key.keySpec(),
				command.wrappingAlgorithm(), command.wrappingKeySpec(), command.expiration(), admitted.policy(),
				command.dueBy(), deletesFirst && command.rotation() == null, replicas, command.rotation());
	}

	/**
	 * The command with the defaults a job would get written in: the default target's
	 * name, the tenant's refresh policy. Retries with an Idempotency-Key are compared by
	 * this, so a retry that names a default is the same request as one that left it out
	 * (a blank target is none, as {@link KmsTargets#get} reads it).
	 */
	public CreateImportJob withDefaults(CreateImportJob command, Caller caller) {
		String target = command.target() != null && !command.target().isBlank() ? command.target()
				: this.targets.defaultTarget().name();
		RefreshPolicy policy = command.refreshPolicy() != null ? command.refreshPolicy()
				: this.refreshPolicies.defaultFor(caller.tenant());
		return new CreateImportJob(command.kmsKeyId(), command.wrappingAlgorithm(), command.wrappingKeySpec(),
				command.expiration(), target, policy, command.dueBy(), command.custody(), command.replicas(),
				command.rotation(), command.deleteCurrentMaterial());
	}

	/** A request to create a job that passed every check before KMS is asked. */
	private record Admission(KmsTarget target, KmsKey key, RefreshPolicy policy,
			List<MultiRegionReplicas.Replica> replicas) {
	}

	/**
	 * @param describeNow whether the key is described now even if this instance created
	 * it a moment ago
	 */
	private Admission admit(CreateImportJob command, Caller caller, boolean describeNow) {
		Instant now = this.clock.instant();
		checkValidTo(command.expiration(), now, null);
		if (command.custody() != null) {
			// an unknown custodian is the caller's mistake, refused before any KMS call
			this.custodians.get(command.custody());
		}
		if (command.dueBy() != null && !command.dueBy().isAfter(now)) {
			throw new ImportJobException(ImportJobException.INVALID_DUE_BY, Kind.INVALID, null, null,
					"Field 'dueBy' must be in the future (it was " + Sentences.time(command.dueBy()) + ").");
		}
		RefreshPolicy policy = command.refreshPolicy() != null ? command.refreshPolicy()
				: this.refreshPolicies.defaultFor(caller.tenant());
		// a missing, invalid, unowned or foreign key: one answer, so key ids cannot be
		// probed through job creation
		KmsTarget target = this.targets.get(command.target());
		MDC.put(AuditLog.MDC_KMS_TARGET, target.name());
		// a job with replicas reads the key's multi-Region configuration as it is now
		KmsKey key = (describeNow || !command.replicas().isEmpty())
				? this.kmsKeys.ownedKeyAsItIsNow(target.name(), command.kmsKeyId(), caller)
				: this.kmsKeys.ownedKey(target.name(), command.kmsKeyId(), caller);
		checkImportable(target, key);
		if (!KmsImports.acceptsImportNow(target.kms(), key) && command.rotation() == null
				&& !command.deleteCurrentMaterial()) {
			// a caller's mistaken upload must never empty a key workloads use
			throw new ImportJobException(ImportJobException.KEY_STATE_FORBIDS_IMPORT, Kind.CONFLICT, null, null,
					"Key " + key.arn() + " is " + key.state() + " and holds material, and target '" + target.name()
							+ "' imports only into keys without material: the import would first delete the key's "
							+ "current material, leaving the key unusable until the import succeeds, and the KMS "
							+ "takes back only the same material. Create the job with \"deleteCurrentMaterial\": "
							+ "true to accept that.");
		}
		checkTakesExpiration(target, key.keySpec(), command.expiration(), null);
		if (command.custody() != null) {
			// renewals need the custodian's own wrap (the first import is Keyport's)
			this.custodians.get(command.custody()).checkCanKeep(key.keySpec(), command.wrappingAlgorithm());
		}
		// refuses, before any KMS call, what the provider's rules never accept
		new ImportSpec(key.keySpec(), command.wrappingAlgorithm(), command.wrappingKeySpec(),
				target.kms().importRules());
		List<MultiRegionReplicas.Replica> replicas = this.multiRegion.admit(target, key, command.replicas());
		for (MultiRegionReplicas.Replica replica : replicas) {
			new ImportSpec(key.keySpec(), command.wrappingAlgorithm(), command.wrappingKeySpec(),
					replica.target().kms().importRules());
		}
		if (command.rotation() != null) {
			this.rotationAdmission.check(target, key, command.rotation(), command.expiration(), now);
		}
		return new Admission(target, key, policy, replicas);
	}

	public ImportJobView get(ImportJobId id, Caller caller) {
		ImportJobView job = this.readTx.execute(status -> this.store.load(id, caller, false).toView());
		if (job.tenant().equals(caller.tenant())) {
			// the owner's read: an admin looking around is no sign the job will be used
			this.activity.record(job, this.clock.instant());
		}
		return job;
	}

	/** Jobs newest first, optionally filtered by state and by key (key id or ARN). */
	public Page<ImportJobView> list(ImportJobState state, String kmsKeyId, int page, int size, Caller caller) {
		Specification<ImportJob> filter = (root, query, cb) -> {
			List<Predicate> predicates = new ArrayList<>();
			if (!caller.isAdmin()) {
				predicates.add(cb.equal(root.get("tenant"), caller.tenant()));
			}
			if (state != null) {
				predicates.add(cb.equal(root.get("state"), state));
			}
			if (kmsKeyId != null && !kmsKeyId.isBlank()) {
				predicates
					.add(cb.or(cb.equal(root.get("kmsKeyId"), kmsKeyId), cb.equal(root.get("kmsKeyArn"), kmsKeyId)));
			}
			return cb.and(predicates.toArray(Predicate[]::new));
		};
		PageRequest request = PageRequest.of(page, size, Sort.by(Sort.Order.desc("createdAt"), Sort.Order.desc("id")));
		return this.readTx.execute(status -> this.jobs.findAll(filter, request).map(ImportJob::toView));
	}

	public List<ImportJobEventView> events(ImportJobId id, Caller caller) {
		return this.readTx.execute(status -> {
			this.store.load(id, caller, false);
			return this.jobs.findEvents(id.value()).stream().map(ImportJobEvent::toView).toList();
		});
	}

	/**
	 * The current wrapping key and token; refused once they expired or were dropped,
	 * except that an ON_DEMAND job whose parameters lapsed gets new ones now (waiting at
	 * most {@code keyport.refresh-policy.on-demand-wait} for the quota).
	 */
	public ImportParametersDownload importParameters(ImportJobId id, Caller caller) {
		ImportParametersDownload download = readParameters(id, caller, true);
		if (download == null) {
			this.onDemand.ensureUsable(id, caller);
			download = readParameters(id, caller, false);
		}
		return download;
	}

	/** {@code null} when an ON_DEMAND job needs new parameters first. */
	private ImportParametersDownload readParameters(ImportJobId id, Caller caller, boolean onDemand) {
		Instant now = this.clock.instant();
		ImportJob job = this.readTx.execute(status -> this.store.load(id, caller, true));
		this.activity.record(job.toView(), now);
		if (onDemand && job.needsOnDemandRefresh(now)) {
			return null;
		}
		return new ImportParametersDownload(job.toView(), job.usableWrappingKey(now), job.usableImportToken(now));
	}

	/** Material the client wrapped itself: the service never sees plaintext. */
	public ImportJobView importEncrypted(ImportJobId id, EncryptedKeyMaterial encrypted, Caller caller) {
		// custody is chosen at creation and never changes, so this read decides; with no
		// custodian configured no job can have one, and the upload is not read twice
		ImportJob current = readAheadOfUpload(id, caller);
		if (current != null && current.hasReplicas()) {
			throw new ImportJobException(ImportJobException.REPLICAS_REQUIRE_PLAINTEXT, Kind.CONFLICT, id,
					current.state(),
					"Job " + id + " imports into a multi-Region key and its replicas, each under its own wrapping "
							+ "key: Keyport wraps the material once per key. Upload the plaintext (POST "
							+ "/api/v1/import-jobs/" + id + "/key-material).");
		}
		if (current != null && current.custodian() != null) {
			throw new ImportJobException(ImportJobException.CUSTODY_REQUIRES_PLAINTEXT, Kind.CONFLICT, id,
					current.state(),
					"Job " + id + " keeps its material with custodian '" + current.custodian() + "', which needs the "
							+ "plaintext: Keyport never sees material the client wrapped. Upload the plaintext (POST "
							+ "/api/v1/import-jobs/" + id + "/key-material) or start a job without custody.");
		}
		// never new parameters here: the material was wrapped under the old wrapping key
		ImportJobView imported = claimAndImport(id, caller, null, context -> {
			this.wrapper.checkEncrypted(encrypted, context.importSpec(this.targets), context.wrappingKey());
			return new Wrapped(encrypted, null, "encrypted key material uploaded by the client");
		});
		return this.kmsImports.confirmPublicKey(imported, null, caller.actor());
	}

	/**
	 * Plaintext material: private keys are brought into DER PKCS#8 (from PEM, PKCS#1 or
	 * SEC1) and their public key derived, then the material is wrapped here with the
	 * job's wrapping key and algorithm. The caller's buffer and every converted copy are
	 * overwritten before this method returns, whatever happens.
	 */
	public ImportJobView importPlaintext(ImportJobId id, KeyMaterial material, Caller caller) {
		byte[][] derivedPublicKey = new byte[1][];
		boolean[] replicasOnly = new boolean[1];
		CustodyHandover handover = new CustodyHandover();
		ImportJobView imported = handingOver(handover, () -> {
			try (material) {
				ImportJob current = readAheadOfUpload(id, caller);
				if (current != null && (current.hasReplicas() || current.custodian() != null)) {
					// refused before replica parameters are downloaded or a custodian
					// stores anything (other uploads are checked by the wrap alone)
					checkMaterial(current, material);
				}
				if (current != null && current.hasReplicas()) {
					if (current.state() != ImportJobState.REPLICATING) {
						// a job that cannot take material spends no replica download
						// (the claim checks again)
						checkTakesMaterial(current, this.clock.instant(), "upload material to");
						current.requireValidToAhead(this.clock.instant());
						current.requireNoUnconfirmedCustodyMaterial("given other material");
					}
					current = renewLapsedReplicaParameters(current, caller);
					if (current.state() == ImportJobState.REPLICATING) {
						// a new upload for replicas that need the material again
						replicasOnly[0] = true;
						return uploadToReplicas(id, material, caller);
					}
				}
				if (current != null && current.custodian() != null && current.state() != ImportJobState.REPLICATING) {
					// a job that cannot take material: refused before the custodian
					// stores anything (a KMS data key, a token object)
					checkTakesMaterial(current, this.clock.instant(), "upload material to");
					current.requireNoUnconfirmedCustodyMaterial("given other material");
					if (!keepsImportedMaterial(current)) {
						// a network or HSM call: before the claim's transaction, never
						// inside it
						handover.kept = keepInCustody(current, material);
					}
				}
				// an ON_DEMAND job whose parameters lapsed gets new ones first:
				// Keyport wraps
				return claimAndImport(id, caller, job -> checkMaterial(job, material), context -> {
					// the plaintext is overwritten once wrapped, before
					// ImportKeyMaterial runs
					try (material;
							KeyMaterial importable = KeyMaterialFormats.toImportFormat(material, context.keySpec())) {
						EncryptedKeyMaterial encrypted = this.wrapper.wrap(importable, context.importSpec(this.targets),
								context.wrappingKey());
						wrapForReplicas(context.job(), importable, caller.actor());
						if (handover.kept != null) {
							handover.claim(context.job());
						}
						// only the public half is kept, to confirm the import afterwards
						derivedPublicKey[0] = KeyMaterialFormats.derivePublicKey(importable, context.keySpec());
						return new Wrapped(encrypted, derivedPublicKey[0],
								"key material wrapped by Keyport with " + context.algorithm());
					}
				});
			}
		});
		if (replicasOnly[0]) {
			// those replicas were imported in the upload itself
			return imported;
		}
		if (imported.state() == ImportJobState.REPLICATING) {
			// the primary holds the material: its replicas next, in this request
			imported = this.replicaImports.importAfterUpload(id);
		}
		return this.kmsImports.confirmPublicKey(imported, derivedPublicKey[0], caller.actor());
	}

	/**
	 * Material generated by the job's custodian (an HSM's key generation, or random bytes
	 * the custodian seals at once) and wrapped there for the job's wrapping key: for a
	 * PKCS#11 custodian the plaintext never enters the JVM. The custodian's calls (the
	 * generation, and the wrap, which for kms-envelope is a KMS Decrypt) run outside any
	 * transaction; the claim then checks the job still has the wrapping key the material
	 * was wrapped under. Material the job never took is destroyed.
	 */
	public ImportJobView importGenerated(ImportJobId id, Caller caller) {
		ImportJob current = this.readTx.execute(status -> this.store.load(id, caller, true));
		if (current.custodian() == null) {
			throw new ImportJobException(ImportJobException.CUSTODY_REQUIRED, Kind.CONFLICT, id, current.state(),
					"Job " + id + " keeps no material in custody, so Keyport has nowhere to generate it. Start a job "
							+ "with \"custody\" naming a custodian, or upload the material.");
		}
		checkTakesMaterial(current, this.clock.instant(), "generate material for");
		// before the custodian generates anything; the claim checks again
		current.requireNoUnconfirmedCustodyMaterial("given generated material");
		if (current.importedAt() != null) {
			// KMS takes only the material it took before (after expiry or deletion too)
			throw new ImportJobException(ImportJobException.CUSTODY_MATERIAL_IMPORTED, Kind.CONFLICT, id,
					current.state(),
					"KMS took the material job " + id + " keeps in custody and takes only that material again, so "
							+ "Keyport generates none. Import the kept material again (POST /api/v1/import-jobs/" + id
							+ "/custody-reimport), or upload the same material.");
		}
		Custodian custodian = this.custodians.ofJob(current.custodian());
		CustodyHandover handover = new CustodyHandover();
		ImportJobView imported = handingOver(handover, () -> {
			// the provider's length (16 bytes for SYMMETRIC_DEFAULT in AWS China); the
			// custodian refuses key specs without a fixed one
			KeySpec spec = current.keySpec();
			int length = spec.isSymmetricOrHmac()
					? this.targets.get(current.kmsTarget()).kms().importRules().materialBytes(spec) : 0;
			handover.kept = custodian.generate(spec, length);
			log.info("Import job {}: material generated by custodian {}", id, custodian.name());
			return importFromCustody(id, caller, custodian, handover, 0,
					"key material generated and wrapped by custodian " + custodian.name());
		});
		return this.kmsImports.confirmPublicKey(imported, null, caller.actor());
	}

	/**
	 * The material the job's custodian keeps, imported again: after it expired (and the
	 * job was refreshed with a new ValidTo) or was deleted from the key. KMS takes only
	 * that material back, and for material the custodian generated it holds the only
	 * copy. The custodian wraps it for the job's wrapping key (kms-envelope opens it for
	 * that wrap only); the kept material stays as it is, whatever happens.
	 */
	public ImportJobView reimportFromCustody(ImportJobId id, Caller caller) {
		ImportJob current = this.readTx.execute(status -> this.store.load(id, caller, true));
		CustodyReference kept = current.custodyReference();
		if (kept == null) {
			throw new ImportJobException(ImportJobException.CUSTODY_REQUIRED, Kind.CONFLICT, id, current.state(),
					"Job " + id + " keeps no material in custody, so there is nothing to import again. Upload the "
							+ "material (POST /api/v1/import-jobs/" + id + "/key-material).");
		}
		checkTakesMaterial(current, this.clock.instant(), "import the kept material of");
		Custodian custodian = this.custodians.ofJob(current.custodian());
		CustodyHandover handover = new CustodyHandover();
		handover.kept = kept;
		handover.reused = true;
		ImportJobView imported = importFromCustody(id, caller, custodian, handover, 0,
				"key material kept by custodian " + custodian.name() + " wrapped by it again for a re-import");
		return this.kmsImports.confirmPublicKey(imported, null, caller.actor());
	}

	/**
	 * Runs an upload or a generation that may hand material to the job's custodian:
	 * material the job never took is destroyed, and what the job held before only once
	 * the claim that replaced it committed.
	 */
	private ImportJobView handingOver(CustodyHandover handover, Supplier<ImportJobView> work) {
		try {
			return work.get();
		}
		catch (RuntimeException ex) {
			if (handover.kept != null && !handover.committed) {
				// the job never took the material: the custodian forgets it
				destroyQuietly(handover.kept);
			}
			throw ex;
		}
		finally {
			if (handover.committed && handover.previous != null) {
				// an earlier material of the job, replaced by this one
				destroyQuietly(handover.previous);
			}
		}
	}

	private ImportJobView importFromCustody(ImportJobId id, Caller caller, Custodian custodian,
			CustodyHandover handover, int attempt, String cause) {
		Instant now = this.clock.instant();
		ImportJob job = this.readTx.execute(status -> this.store.load(id, caller, true));
		if (job.needsOnDemandRefresh(now)) {
			this.onDemand.ensureUsable(id, caller);
			job = this.readTx.execute(status -> this.store.load(id, caller, true));
		}
		checkTakesMaterial(job, now, "generate material for");
		byte[] wrappingKeyDer = job.usableWrappingKey(now);
		WrappingPublicKey wrappingKey = WrappingPublicKey.fromDer(wrappingKeyDer);
		EncryptedKeyMaterial wrapped = custodian.wrapForImport(handover.kept, wrappingKey,
				new WrappingContext(job.kmsTarget(), job.keySpec(), job.wrappingAlgorithm(), wrappingKey, job)
					.importSpec(this.targets));
		// each replica whose parameters are still valid gets its copy wrapped now too, as
		// an upload does: else the import would discard them and download new ones
		Map<String, byte[]> replicaKeys = job.replicaWrappingKeys(now);
		Map<String, EncryptedKeyMaterial> replicaWrapped = new LinkedHashMap<>();
		for (Map.Entry<String, byte[]> replica : replicaKeys.entrySet()) {
			WrappingPublicKey replicaKey = WrappingPublicKey.fromDer(replica.getValue());
			replicaWrapped.put(replica.getKey(), custodian.wrapForImport(handover.kept, replicaKey,
					replicaImportSpec(job, replica.getKey(), replicaKey)));
		}
		ImportJobView imported;
		try {
			imported = claimAndImport(id, caller, null, context -> {
				if (!Arrays.equals(context.wrappingKey().publicKey().getEncoded(), wrappingKeyDer)) {
					// new parameters arrived in between: wrap again under them
					throw new WrappingKeyChanged();
				}
				Instant claimed = this.clock.instant();
				// a replica whose parameters changed or lapsed since is left to the
				// replica turn, which downloads new ones
				context.job().replicaWrappingKeys(claimed).forEach((target, der) -> {
					if (replicaWrapped.containsKey(target) && Arrays.equals(der, replicaKeys.get(target))) {
						context.job().markReplicaWrapped(target, replicaWrapped.get(target), caller.actor(), claimed);
					}
				});
				handover.claim(context.job());
				return new Wrapped(wrapped, null, cause);
			});
		}
		catch (WrappingKeyChanged ex) {
			if (attempt >= 2) {
				throw new ImportJobException(ProblemCodes.CONCURRENT_MODIFICATION, Kind.CONFLICT, id, job.state(),
						"The wrapping key of job " + id
								+ " kept changing while its custodian wrapped the material; try again.");
			}
			return importFromCustody(id, caller, custodian, handover, attempt + 1, cause);
		}
		if (imported.state() == ImportJobState.REPLICATING) {
			// the primary holds the material: its replicas next, in this request (the
			// custodian wraps for each replica's own wrapping key as they are imported)
			imported = this.replicaImports.importAfterUpload(id);
		}
		return imported;
	}

	/** The claim found other parameters than those the custodian wrapped under. */
	private static final class WrappingKeyChanged extends RuntimeException {

		WrappingKeyChanged() {
			super("the job's wrapping key changed", null, false, false);
		}

	}

	/**
	 * Refuses early (before a custodian generates anything) a job that does not take
	 * material now; the claim checks again.
	 */
	private static void checkTakesMaterial(ImportJob job, Instant now, String action) {
		boolean onDemandJob = job.refreshPolicy() == RefreshPolicy.ON_DEMAND;
		if (job.state() != ImportJobState.PARAMETERS_FETCHED
				&& !(onDemandJob && job.state() == ImportJobState.PARAMETERS_EXPIRED)) {
			throw new IllegalTransitionException(job.id(), job.state(), ImportJobState.MATERIAL_WRAPPED, action);
		}
	}

	/**
	 * The job read ahead of an upload's claim, where it can matter: with a custodian
	 * configured (custody jobs take uploads their own way) or several targets (a job may
	 * have replicas); else {@code null}, and the upload is not read twice.
	 */
	private ImportJob readAheadOfUpload(ImportJobId id, Caller caller) {
		if (this.custodians.names().isEmpty() && this.targets.names().size() < 2) {
			return null;
		}
		return this.readTx.execute(status -> this.store.load(id, caller, true));
	}

	/**
	 * Material wrapped under each replica's own wrapping key, within the upload's claim,
	 * before the plaintext is overwritten: only the wrapped copies are kept.
	 */
	private void wrapForReplicas(ImportJob job, KeyMaterial importable, String actor) {
		Instant now = this.clock.instant();
		job.replicaWrappingKeys(now).forEach((target, der) -> {
			WrappingPublicKey wrappingKey = WrappingPublicKey.fromDer(der);
			job.markReplicaWrapped(target,
					this.wrapper.wrap(importable, replicaImportSpec(job, target, wrappingKey), wrappingKey), actor,
					now);
		});
	}

	/**
	 * How material is wrapped for a replica: its own wrapping key, its target's rules.
	 */
	private ImportSpec replicaImportSpec(ImportJob job, String target, WrappingPublicKey wrappingKey) {
		return new ImportSpec(job.keySpec(), job.wrappingAlgorithm(), wrappingKey.spec(),
				this.targets.get(target).kms().importRules());
	}

	/**
	 * New parameters, from their own regions, for replicas waiting for material whose
	 * parameters lapsed (the scheduler keeps only the primary's fresh), before the upload
	 * wraps for them; the job as it is after.
	 */
	private ImportJob renewLapsedReplicaParameters(ImportJob current, Caller caller) {
		List<String> lapsed = current.replicasWithLapsedParameters(this.clock.instant());
		if (lapsed.isEmpty()) {
			return current;
		}
		// held for the downloads in a short transaction of its own: a second
		// upload meanwhile is job-busy instead of spending downloads of its own
		long leased = this.tx.execute(status -> {
			Instant now = this.clock.instant();
			ImportJob job = this.store.loadAtVersion(current.id(), current.version());
			job.leaseForReplicaParameters(
					new Lease(this.lifecycle.instanceId(), now.plus(this.lifecycle.leaseDuration())), now);
			return this.store.save(job).version();
		});
		Map<String, ImportParameters> downloaded = new LinkedHashMap<>();
		try {
			for (String target : lapsed) {
				this.quota.acquire(this.targets.get(target), caller, current.id());
				downloaded.put(target,
						this.kmsImports.download(target, current.replica(target).kmsKeyArn(),
								current.wrappingAlgorithm(), current.wrappingKeySpec(), current.id(),
								ImportJobMetrics.DownloadCause.REPLICA));
			}
		}
		catch (RuntimeException ex) {
			// what was downloaded is kept, and the job released, first
			try {
				recordReplicaParameters(current.id(), leased, downloaded, caller);
			}
			catch (RuntimeException recording) {
				ex.addSuppressed(recording);
			}
			throw ex;
		}
		return recordReplicaParameters(current.id(), leased, downloaded, caller);
	}

	private ImportJob recordReplicaParameters(ImportJobId id, long leased, Map<String, ImportParameters> downloaded,
			Caller caller) {
		return this.tx.execute(status -> {
			ImportJob job = this.store.loadAtVersion(id, leased);
			job.recordReplicaParametersOnUpload(downloaded, caller.actor(), this.clock.instant());
			return this.store.save(job);
		});
	}

	/**
	 * An upload to a REPLICATING job: the material is wrapped for each replica that needs
	 * it again (the primary and imported replicas are left alone), the job is held, and
	 * those replicas are imported in this request.
	 */
	private ImportJobView uploadToReplicas(ImportJobId id, KeyMaterial material, Caller caller) {
		Long version;
		try (material) {
			version = this.tx.execute(status -> {
				Instant now = this.clock.instant();
				ImportJob job = this.store.load(id, caller, true);
				this.activity.record(job.toView(), now);
				if (job.state() != ImportJobState.REPLICATING || job.replicaWrappingKeys(now).isEmpty()) {
					throw new IllegalTransitionException(id, job.state(), ImportJobState.REPLICATING,
							"upload material to");
				}
				job.leaseForReplication(this.replicaImports.lease(now), now);
				try (KeyMaterial importable = KeyMaterialFormats.toImportFormat(material, job.keySpec())) {
					wrapForReplicas(job, importable, caller.actor());
				}
				return this.store.save(job).version();
			});
		}
		return this.replicaImports.importClaimed(id, version);
	}

	/**
	 * Refuses material the job's target never takes (its format or length), as the wrap
	 * would, before anything is spent on it: a custodian's store, a parameter download.
	 */
	private void checkMaterial(ImportJob job, KeyMaterial material) {
		KeyMaterial importable = KeyMaterialFormats.toImportFormat(material, job.keySpec());
		try {
			this.targets.get(job.kmsTarget()).kms().importRules().checkMaterial(importable, job.keySpec());
			// a private key whose scalar is out of range or whose embedded public key is
			// not its own is refused here too, not only when the wrap derives the public
			// key (only public values come out)
			KeyMaterialFormats.derivePublicKey(importable, job.keySpec());
		}
		finally {
			// a converted copy is overwritten; the upload itself is still to be wrapped
			if (importable != material) {
				importable.close();
			}
		}
	}

	/**
	 * Whether the job's custodian keeps material KMS took (the job was imported before):
	 * KMS takes only that material again, so an upload (after expiry or deletion) is
	 * imported without replacing it. An upload of other material is refused by KMS and
	 * leaves the kept material as it was; replacing it first would lose the only copy the
	 * key takes.
	 */
	private static boolean keepsImportedMaterial(ImportJob job) {
		return job.custodyReference() != null && job.importedAt() != null;
	}

	/**
	 * Material an upload handed to the job's custodian, and what the job held before: the
	 * job holds the new material (and no longer the previous one) only once the claim
	 * that recorded it committed.
	 */
	private static final class CustodyHandover {

		CustodyReference kept;

		CustodyReference previous;

		boolean committed;

		/**
		 * The material the job already keeps, imported again: never recorded anew, so
		 * never destroyed as the job's previous material.
		 */
		boolean reused;

		/** Records the kept material on the job, within the claim's transaction. */
		void claim(ImportJob job) {
			if (this.reused) {
				if (!this.kept.equals(job.custodyReference())) {
					throw new ImportJobException(ProblemCodes.CONCURRENT_MODIFICATION, Kind.CONFLICT, job.id(),
							job.state(), "The material job " + job.id() + " keeps changed meanwhile; try again.");
				}
				return;
			}
			this.previous = job.holdCustodyReference(this.kept);
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					CustodyHandover.this.committed = true;
				}
			});
		}

	}

	/**
	 * Hands the plaintext to the job's custodian, in the form KMS imports; a custodian's
	 * failure is the upload's error, with the custody code.
	 */
	private CustodyReference keepInCustody(ImportJob job, KeyMaterial material) {
		Custodian custodian = this.custodians.ofJob(job.custodian());
		KeyMaterial importable = KeyMaterialFormats.toImportFormat(material, job.keySpec());
		try {
			CustodyReference reference = custodian.store(importable, job.keySpec());
			log.info("Import job {}: material kept by custodian {}", job.id(), custodian.name());
			return reference;
		}
		finally {
			// a converted copy is overwritten here; the upload itself is still to
			// be wrapped
			if (importable != material) {
				importable.close();
			}
		}
	}

	private void destroyQuietly(CustodyReference reference) {
		try {
			this.custodians.of(reference).destroy(reference);
		}
		catch (RuntimeException ex) {
			log.warn("Could not destroy custody material {} of custodian {}: {}", reference.id(), reference.custodian(),
					ex.toString());
		}
	}

	/** Downloads new parameters now, replacing the current ones. */
	public ImportJobView refreshParameters(ImportJobId id, Caller caller) {
		return refreshParameters(id, null, caller);
	}

	/**
	 * Downloads new parameters now, replacing the current ones, and sets a new expiration
	 * for the next import when one is given (a re-import after the material expired needs
	 * a ValidTo in the future).
	 */
	public ImportJobView refreshParameters(ImportJobId id, ExpirationPolicy newExpiration, Caller caller) {
		String actor = caller.actor();
		if (newExpiration != null) {
			checkValidTo(newExpiration, this.clock.instant(), id);
		}
		ImportJob current = this.readTx.execute(status -> this.store.load(id, caller, true));
		if (newExpiration != null) {
			checkTakesExpiration(this.targets.get(current.kmsTarget()), current.keySpec(), newExpiration, id);
			Instant rotationAt = current.plannedRotationAt();
			if (rotationAt != null && newExpiration.model() == ExpirationModel.KEY_MATERIAL_EXPIRES
					&& !rotationAt.isBefore(newExpiration.validTo())) {
				// as at creation: material that expires first is never rotated to
				throw new ImportJobException(ImportJobException.INVALID_ROTATION, Kind.INVALID, id, current.state(),
						"Field 'expiration.validTo' (" + Sentences.time(newExpiration.validTo()) + ") must be after "
								+ "the job's planned rotation (" + Sentences.time(rotationAt) + "): material that "
								+ "expires first is never rotated to.");
			}
		}
		else if (current.validToPassedAt(this.clock.instant())) {
			// parameters for an import KMS must refuse would spend the scarcest quota for
			// nothing, and the cooldown would then hold up the refresh that gives a
			// new ValidTo
			throw current.validToPassed(this.clock.instant());
		}
		this.activity.record(current.toView(), this.clock.instant());
		// held for the download in a short transaction of its own: a second refresh at
		// the same time is job-busy instead of spending a GetParametersForImport of its
		// own (the account's scarcest quota)
		long leased = this.tx.execute(status -> {
			Instant now = this.clock.instant();
			ImportJob job = this.store.loadAtVersion(id, current.version());
			job.leaseForRefreshOnRequest(
					new Lease(this.lifecycle.instanceId(), now.plus(this.lifecycle.leaseDuration())),
					this.properties.refreshCooldown(), now);
			return this.store.save(job).version();
		});
		ImportParameters parameters;
		try {
			this.quota.acquire(this.targets.get(current.kmsTarget()), caller, id);
			parameters = this.kmsImports.download(current.kmsTarget(), current.kmsKeyArn(), current.wrappingAlgorithm(),
					current.wrappingKeySpec(), current.id(), ImportJobMetrics.DownloadCause.ON_REQUEST);
		}
		catch (RuntimeException ex) {
			// nothing was downloaded: the next refresh may try at once
			this.onDemand.release(id, leased);
			throw ex;
		}
		return this.tx.execute(status -> {
			ImportJob job = this.store.loadAtVersion(id, leased);
			job.refreshedOnRequest(parameters, actor, this.clock.instant());
			if (newExpiration != null) {
				job.changeExpiration(newExpiration, actor, this.clock.instant());
			}
			return this.store.save(job).toView();
		});
	}

	public ImportJobView cancel(ImportJobId id, Caller caller) {
		return this.tx.execute(status -> {
			ImportJob job = this.store.load(id, caller, true);
			job.cancelOnRequest(caller.actor(), this.clock.instant());
			return this.store.save(job).toView();
		});
	}

	/** Material ready for the import, and how it came to be. */
	private record Wrapped(EncryptedKeyMaterial encrypted, byte[] expectedPublicKey, String cause) {
	}

	/**
	 * What wrapping needs to know of the job, and the job itself (claimed in the
	 * transaction) to note where the custodian keeps the material.
	 */
	private record WrappingContext(String target, KeySpec keySpec, WrappingAlgorithm algorithm,
			WrappingPublicKey wrappingKey, ImportJob job) {

		/**
		 * The job's import under the provider's rules (the job was created under them, so
		 * they accept it).
		 */
		ImportSpec importSpec(KmsTargets targets) {
			return new ImportSpec(this.keySpec, this.algorithm, this.wrappingKey.spec(),
					targets.get(this.target).kms().importRules());
		}

	}

	/** How the claim of an upload ended. */
	private sealed interface UploadClaim {

		/** The job holds the wrapped material: import it. */
		/**
		 * @param endsRequest whether recording the import is the request's last change
		 * (no replicas follow)
		 */
		record Claimed(long version, String target, ImportRequest request, boolean endsRequest) implements UploadClaim {
		}

		/** An ON_DEMAND job needs new parameters before Keyport can wrap. */
		record NeedsParameters() implements UploadClaim {
		}

		/**
		 * The parameters lapsed (the job now says so): the material cannot be imported.
		 */
		record Expired(ImportJobView job, boolean onDemand) implements UploadClaim {
		}

	}

	/**
	 * One transaction reads the job, checks it takes material now, wraps or checks the
	 * material (no KMS call: local work) and claims the job (MATERIAL_WRAPPED, so a
	 * second upload is refused while this one runs), the client's activity in the same
	 * update; then ImportKeyMaterial runs with no transaction open. Material refused by
	 * the wrapper changes nothing.
	 * @param beforeOnDemandRefresh {@code null}, or an ON_DEMAND job whose parameters
	 * lapsed gets new ones first (Keyport wraps the material, so it can wrap under them)
	 * once this check of the job passed
	 */
	private ImportJobView claimAndImport(ImportJobId id, Caller caller, Consumer<ImportJob> beforeOnDemandRefresh,
			Function<WrappingContext, Wrapped> wrap) {
		String actor = caller.actor();
		UploadClaim claim = this.tx.execute(status -> {
			Instant now = this.clock.instant();
			ImportJob job = this.store.load(id, caller, true);
			if (beforeOnDemandRefresh != null && job.needsOnDemandRefresh(now)) {
				// material the target never takes costs no GetParametersForImport
				beforeOnDemandRefresh.accept(job);
				this.activity.record(job.toView(), now);
				return new UploadClaim.NeedsParameters();
			}
			boolean onDemandJob = job.refreshPolicy() == RefreshPolicy.ON_DEMAND;
			if (job.state() != ImportJobState.PARAMETERS_FETCHED
					&& !(onDemandJob && job.state() == ImportJobState.PARAMETERS_EXPIRED)) {
				throw new IllegalTransitionException(id, job.state(), ImportJobState.MATERIAL_WRAPPED,
						"upload material to");
			}
			if (job.state() != ImportJobState.PARAMETERS_FETCHED || job.parametersExpiredAt(now)) {
				if (job.state() == ImportJobState.PARAMETERS_FETCHED) {
					job.expireParameters(actor, now);
				}
				this.activity.record(job.toView(), now);
				return new UploadClaim.Expired(this.store.save(job).toView(), onDemandJob);
			}
			Wrapped wrapped = wrap.apply(new WrappingContext(job.kmsTarget(), job.keySpec(), job.wrappingAlgorithm(),
					WrappingPublicKey.fromDer(job.usableWrappingKey(now)), job));
			job.markWrapped(wrapped.encrypted(), wrapped.expectedPublicKey(), wrapped.cause(),
					new Lease(this.lifecycle.instanceId(), now.plus(this.lifecycle.leaseDuration())), actor, now);
			// in the claim's own update, not a statement of its own
			job.usedByClient(now);
			ImportJob saved = this.store.save(job);
			return new UploadClaim.Claimed(saved.version(), saved.kmsTarget(), saved.importRequest(),
					!saved.hasReplicas());
		});
		return switch (claim) {
			case UploadClaim.Claimed claimed -> this.kmsImports.execute(id, claimed.version(), claimed.target(),
					claimed.request(), actor, claimed.endsRequest());
			case UploadClaim.NeedsParameters needs -> {
				this.onDemand.ensureUsable(id, caller);
				yield claimAndImport(id, caller, null, wrap);
			}
			case UploadClaim.Expired expired -> throw parametersExpired(id, expired.job(), expired.onDemand());
		};
	}

	private static ImportJobException parametersExpired(ImportJobId id, ImportJobView expired, boolean onDemandJob) {
		String expiredAt = "The wrapping key and import token of job " + id + " expired at "
				+ Sentences.time(expired.parametersValidTo()) + ".";
		String detail = onDemandJob ? expiredAt + " Material wrapped under that wrapping key cannot be imported any "
				+ "more. Get the wrapping key again (GET /api/v1/import-jobs/" + id + "/wrapping-key downloads new "
				+ "parameters for this ON_DEMAND job), wrap the material with it and upload it again, or upload the "
				+ "plaintext for Keyport to wrap."
				: expiredAt + " Refresh the parameters and wrap the material again with the new wrapping key.";
		return new ImportJobException(ImportJobException.PARAMETERS_EXPIRED, Kind.CONFLICT, id, expired.state(),
				detail);
	}

	/** Refuses a key that cannot take imported material, with the reason. */
	private static void checkImportable(KmsTarget target, KmsKey key) {
		if (!key.isExternal()) {
			throw new ImportJobException(ImportJobException.KEY_NOT_EXTERNAL, Kind.INVALID, null, null,
					"Key " + key.arn() + " has origin " + key.origin()
							+ "; only keys with origin EXTERNAL accept imported key material.");
		}
		if (key.state() == null || !KmsImports.canImportInto(target.kms(), key)) {
			throw new ImportJobException(ImportJobException.KEY_STATE_FORBIDS_IMPORT, Kind.CONFLICT, null, null,
					"Key " + key.arn() + " is " + (key.state() != null ? key.state() : "in an unknown state") + "; "
							+ importableStates(target) + ".");
		}
		if (key.keySpec() == null) {
			throw new ImportJobException(ImportJobException.UNSUPPORTED_KEY_SPEC, Kind.INVALID, null, null,
					"Key " + key.arn() + " has a key spec Keyport does not know.");
		}
	}

	private void checkValidTo(ExpirationPolicy expiration, Instant now, ImportJobId jobId) {
		if (expiration.model() != ExpirationModel.KEY_MATERIAL_EXPIRES) {
			return;
		}
		Instant latest = now.plus(this.properties.maxValidity());
		if (!expiration.validTo().isAfter(now) || expiration.validTo().isAfter(latest)) {
			throw new ImportJobException(ImportJobException.INVALID_VALID_TO, Kind.INVALID, jobId, null,
					"Field 'expiration.validTo' must be in the future and at most "
							+ this.properties.maxValidity().toDays() + " days ahead (before " + Sentences.time(latest)
							+ ").");
		}
	}

	/**
	 * Refuses an expiration the target would not apply (Huawei keeps private keys for
	 * good): the job would promise a ValidTo the key never has.
	 */
	private static void checkTakesExpiration(KmsTarget target, KeySpec keySpec, ExpirationPolicy expiration,
			ImportJobId jobId) {
		if (expiration.model() == ExpirationModel.KEY_MATERIAL_EXPIRES && keySpec != null
				&& !target.kms().importRules().takesExpiration(keySpec)) {
			throw new ImportJobException(ImportJobException.INVALID_VALID_TO, Kind.INVALID, jobId, null,
					"Target '" + target.name() + "' keeps " + keySpec + " material without expiry: it takes no "
							+ "ValidTo for it. Use expiration model KEY_MATERIAL_DOES_NOT_EXPIRE.");
		}
	}

	private static String importableStates(KmsTarget target) {
		if (target.kms().acceptsImportIn(KeyState.ENABLED)) {
			return "material can be imported only into keys that are PENDING_IMPORT, ENABLED or DISABLED";
		}
		return "target '" + target.name() + "' imports only into keys PENDING_IMPORT; a key holding symmetric "
				+ "material is renewed by deleting it first (a job created with \"deleteCurrentMaterial\": true), "
				+ "asymmetric material cannot be deleted or replaced";
	}

}
