package io.keyport.importjob;

import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.persistence.criteria.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.keyport.kms.ExpirationModel;
import io.keyport.kms.ImportParameters;
import io.keyport.kms.ImportRequest;
import io.keyport.kms.ImportResult;
import io.keyport.kms.KmsException;
import io.keyport.kms.KmsKey;
import io.keyport.kms.KmsProvider;
import io.keyport.kms.KmsPublicKey;
import io.keyport.kmskey.KmsKeys;
import io.keyport.security.Caller;
import io.keyport.support.DescribedFailure.Kind;
import io.keyport.wrapping.EncryptedKeyMaterial;
import io.keyport.wrapping.KeyMaterial;
import io.keyport.wrapping.KeyMaterialWrapper;
import io.keyport.wrapping.PublicKeyFormats;
import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.wrapping.WrappingKeySpec;
import io.keyport.wrapping.WrappingPublicKey;

/**
 * Application service for import jobs. Every KMS call happens with no database transaction open: a job is read or
 * claimed in one short transaction, KMS is called, and the outcome is recorded in another that checks the job's
 * version, so a concurrent change is detected instead of overwritten.
 */
@Service
public class ImportJobService {

	private static final Logger log = LoggerFactory.getLogger(ImportJobService.class);

	private final ImportJobRepository jobs;

	private final KmsProvider kms;

	private final KeyMaterialWrapper wrapper;

	private final ImportJobProperties properties;

	private final LifecycleProperties lifecycle;

	private final Clock clock;

	private final TransactionTemplate tx;

	private final TransactionTemplate readTx;

	private final KmsKeys kmsKeys;

	private final ImportJobMetrics metrics;

	private final Supersession supersession;

	private final ParameterDownloadQuota quota;

	private final AcceptedImports acceptedImports;

	ImportJobService(ImportJobRepository jobs, KmsProvider kms, KeyMaterialWrapper wrapper,
			ImportJobProperties properties, LifecycleProperties lifecycle, Clock clock,
			PlatformTransactionManager transactionManager, KmsKeys kmsKeys, ImportJobMetrics metrics,
			Supersession supersession, ParameterDownloadQuota quota) {
		this.supersession = supersession;
		this.quota = quota;
		this.kmsKeys = kmsKeys;
		this.metrics = metrics;
		this.jobs = jobs;
		this.kms = kms;
		this.wrapper = wrapper;
		this.properties = properties;
		this.lifecycle = lifecycle;
		this.clock = clock;
		this.tx = new TransactionTemplate(transactionManager);
		this.readTx = new TransactionTemplate(transactionManager);
		this.readTx.setReadOnly(true);
		this.acceptedImports = new AcceptedImports(jobs, this.tx, clock, lifecycle.driftCheckInterval());
	}

	/**
	 * Checks the key (exists, owned by the caller's tenant, EXTERNAL, state allows import), refuses impossible algorithm combinations before
	 * calling GetParametersForImport, then stores the job waiting for material.
	 */
	public ImportJobView create(CreateImportJob command, Caller caller) {
		String actor = caller.actor();
		Instant now = this.clock.instant();
		checkValidTo(command.expiration(), now, null);
		// a missing, invalid, unowned or foreign key: one answer, so key ids cannot be probed through job creation
		KmsKey key = this.kmsKeys.ownedKey(command.kmsKeyId(), caller);
		if (!key.isExternal()) {
			throw new ImportJobException("kms-key-not-external", Kind.INVALID, null, null, "Key " + key.arn()
					+ " has origin " + key.origin() + "; only keys with origin EXTERNAL accept imported key material");
		}
		if (key.state() == null || !key.state().allowsImport()) {
			throw new ImportJobException("kms-key-state-forbids-import", Kind.CONFLICT, null, null, "Key "
					+ key.arn() + " is " + key.state() + "; material can be imported only into keys that are "
					+ "PENDING_IMPORT, ENABLED or DISABLED");
		}
		if (key.keySpec() == null) {
			throw new ImportJobException("unsupported-key-spec", Kind.INVALID, null, null,
					"Key " + key.arn() + " has a key spec Keyport does not know");
		}
		this.wrapper.checkCompatible(key.keySpec(), command.wrappingAlgorithm(), command.wrappingKeySpec(),
				this.kms.partition());
		// the tenant's share of the parameter quota, before anything changes
		this.quota.acquire(caller, null);
		ImportParameters parameters = downloadParameters(key.arn(), command.wrappingAlgorithm(),
				command.wrappingKeySpec(), null, ImportJobMetrics.DownloadCause.JOB_CREATED);
		ImportJob job = ImportJob.start(ImportJobId.random(), caller.tenant(), new TargetKey(key.keyId(), key.arn(), key.keySpec()),
				command.wrappingAlgorithm(), command.wrappingKeySpec(), command.expiration(), parameters, actor,
				this.clock.instant());
		ImportJobView view = this.tx.execute(status -> this.jobs.saveAndFlush(job).toView());
		log.info("Import job {} created for key {} ({}, {} with {})", view.id(), key.arn(), key.keySpec(),
				command.wrappingAlgorithm(), command.wrappingKeySpec());
		return view;
	}

	public ImportJobView get(ImportJobId id, Caller caller) {
		return this.readTx.execute(status -> load(id, caller, false).toView());
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
				predicates.add(cb.or(cb.equal(root.get("kmsKeyId"), kmsKeyId),
						cb.equal(root.get("kmsKeyArn"), kmsKeyId)));
			}
			return cb.and(predicates.toArray(Predicate[]::new));
		};
		PageRequest request = PageRequest.of(page, size,
				Sort.by(Sort.Order.desc("createdAt"), Sort.Order.desc("id")));
		return this.readTx.execute(status -> this.jobs.findAll(filter, request).map(ImportJob::toView));
	}

	public List<ImportJobEventView> events(ImportJobId id, Caller caller) {
		return this.readTx.execute(status -> {
			load(id, caller, false);
			return this.jobs.findEvents(id.value()).stream().map(ImportJobEvent::toView).toList();
		});
	}

	/** The current wrapping key and token; refused once they expired or were dropped. */
	public ImportParametersDownload importParameters(ImportJobId id, Caller caller) {
		Instant now = this.clock.instant();
		return this.readTx.execute(status -> {
			ImportJob job = load(id, caller, true);
			return new ImportParametersDownload(job.toView(), job.usableWrappingKey(now), job.usableImportToken(now));
		});
	}

	/** Material the client wrapped itself: the service never sees plaintext. */
	public ImportJobView importEncrypted(ImportJobId id, EncryptedKeyMaterial encrypted, Caller caller) {
		WrappingContext context = wrappingContext(id, caller);
		this.wrapper.checkEncrypted(encrypted, context.wrappingKey(), context.algorithm());
		ImportJobView imported = importWrapped(id, context.version(), encrypted, null,
				"encrypted key material uploaded by the client", caller.actor());
		return confirmPublicKey(imported, null, caller.actor());
	}

	/**
	 * Plaintext material: private keys are brought into DER PKCS#8 (from PEM, PKCS#1 or SEC1) and their public key
	 * derived, then the material is wrapped here with the job's wrapping key and algorithm. The caller's buffer and
	 * every converted copy are overwritten before this method returns, whatever happens.
	 */
	public ImportJobView importPlaintext(ImportJobId id, KeyMaterial material, Caller caller) {
		String actor = caller.actor();
		WrappingContext context;
		EncryptedKeyMaterial encrypted;
		byte[] derivedPublicKey;
		try (material) {
			context = wrappingContext(id, caller);
			try (KeyMaterial importable = this.wrapper.toImportFormat(material, context.keySpec())) {
				encrypted = this.wrapper.wrap(importable, context.keySpec(), context.wrappingKey(),
						context.algorithm(), this.kms.partition());
				// only the public half is kept, to confirm the import afterwards
				derivedPublicKey = this.wrapper.derivePublicKey(importable, context.keySpec());
			}
		}
		ImportJobView imported = importWrapped(id, context.version(), encrypted, derivedPublicKey,
				"key material wrapped by Keyport with " + context.algorithm(), actor);
		return confirmPublicKey(imported, derivedPublicKey, actor);
	}

	/** Downloads new parameters now, replacing the current ones. */
	public ImportJobView refreshParameters(ImportJobId id, Caller caller) {
		return refreshParameters(id, null, caller);
	}

	/**
	 * Downloads new parameters now, replacing the current ones, and sets a new expiration for the next import when
	 * one is given (a re-import after the material expired needs a ValidTo in the future).
	 */
	public ImportJobView refreshParameters(ImportJobId id, ExpirationPolicy newExpiration, Caller caller) {
		String actor = caller.actor();
		if (newExpiration != null) {
			checkValidTo(newExpiration, this.clock.instant(), id);
		}
		ImportJob current = this.readTx.execute(status -> load(id, caller, true));
		current.checkRefreshOnRequest(this.clock.instant(), this.properties.refreshCooldown());
		this.quota.acquire(caller, id);
		ImportParameters parameters = downloadParameters(current.kmsKeyArn(), current.wrappingAlgorithm(),
				current.wrappingKeySpec(), current.id(), ImportJobMetrics.DownloadCause.ON_REQUEST);
		return this.tx.execute(status -> {
			ImportJob job = loadAtVersion(id, current.version());
			job.refreshOnRequest(parameters, this.properties.refreshCooldown(), actor, this.clock.instant());
			if (newExpiration != null) {
				job.changeExpiration(newExpiration, actor, this.clock.instant());
			}
			return this.jobs.saveAndFlush(job).toView();
		});
	}

	public ImportJobView cancel(ImportJobId id, Caller caller) {
		return this.tx.execute(status -> {
			ImportJob job = load(id, caller, true);
			job.cancelOnRequest(caller.actor(), this.clock.instant());
			return this.jobs.saveAndFlush(job).toView();
		});
	}

	private ImportJobView importWrapped(ImportJobId id, long expectedVersion, EncryptedKeyMaterial encrypted,
			byte[] expectedPublicKey, String cause, String actor) {
		// 1. claim: the job moves to MATERIAL_WRAPPED, so a second upload is refused while this one runs
		record Claim(long version, ImportRequest request) {
		}
		Claim claim = this.tx.execute(status -> {
			ImportJob job = loadAtVersion(id, expectedVersion);
			Instant now = this.clock.instant();
			if (job.state() == ImportJobState.PARAMETERS_FETCHED && job.parametersExpiredAt(now)) {
				job.expireParameters(actor, now);
				this.jobs.saveAndFlush(job);
				return null;
			}
			job.markWrapped(encrypted, expectedPublicKey, cause,
					new Lease(this.lifecycle.instanceId(), now.plus(this.properties.leaseDuration())), actor, now);
			ImportJob saved = this.jobs.saveAndFlush(job);
			return new Claim(saved.version(), saved.importRequest());
		});
		if (claim == null) {
			throw new ImportJobException("parameters-expired", Kind.CONFLICT, id,
					ImportJobState.PARAMETERS_EXPIRED, "The wrapping key and import token of job " + id
							+ " expired before the material arrived; refresh the parameters and wrap again");
		}
		return executeImport(id, claim.version(), claim.request(), actor);
	}

	/**
	 * Sends a claimed job's material to KMS, outside any transaction, and records the outcome in a new one. A refused
	 * import is recorded only if the job is still at the version of the claim, then thrown as an
	 * {@link ImportJobException}; an accepted one is always recorded (see {@link AcceptedImports}).
	 */
	ImportJobView executeImport(ImportJobId id, long claimedVersion, ImportRequest request, String actor) {
		ImportResult result;
		try {
			result = this.kms.importKeyMaterial(request);
		}
		catch (KmsException ex) {
			ImportJobView failed = recordImportFailure(id, claimedVersion, ex, actor);
			this.metrics.importFailed(ex.errorCode(), failed.state());
			throw new ImportJobException(failed.state() == ImportJobState.FAILED && ex.isTransient()
					? "import-attempts-exhausted" : ex.errorCode().code(), ex.errorCode().importKind(), id,
					failed.state(), "KMS refused the import: " + ex.getMessage() + ". " + nextStep(failed.state()));
		}
		// KMS has the material: recorded from whatever the job became meanwhile, never lost to a version check
		ImportJobView imported = this.acceptedImports.record(id, result, actor);
		this.metrics.imported();
		log.info("Import job {} imported material into {}", id, imported.kmsKeyArn());
		// after the import is recorded, in transactions of their own: a conflict there cannot lose the import
		this.supersession.supersedeEarlier(id, actor);
		return imported;
	}

	/**
	 * After an asymmetric import: KMS's public key (GetPublicKey, no transaction open) compared with the one derived
	 * from the imported private key, or, for client-wrapped material, only its fingerprint. The outcome goes into the
	 * job's history; a failure here never undoes the import.
	 */
	private ImportJobView confirmPublicKey(ImportJobView imported, byte[] expectedPublicKey, String actor) {
		if (imported.state() != ImportJobState.IMPORTED || imported.keySpec() == null
				|| imported.keySpec().isSymmetricOrHmac()) {
			return imported;
		}
		String cause;
		String errorCode = null;
		try {
			KmsPublicKey published = this.kms.getPublicKey(imported.kmsKeyArn());
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
				ImportJob job = load(imported.id());
				job.recordNote(note, code, actor, this.clock.instant());
				return this.jobs.saveAndFlush(job).toView();
			});
		}
		catch (RuntimeException ex) {
			// the import stands; only its confirmation is missing from the history
			log.warn("Import job {}: could not record the public key confirmation ({})", imported.id(), note, ex);
			return imported;
		}
	}

	private ImportJobView recordImportFailure(ImportJobId id, long version, KmsException ex, String actor) {
		log.warn("Import job {}: ImportKeyMaterial failed with {}: {}", id, ex.errorCode().code(), ex.getMessage());
		return this.tx.execute(status -> {
			ImportJob job = loadAtVersion(id, version);
			int attempt = job.toView().importAttempts() + 1;
			job.importFailed(ex.errorCode(), ex.getMessage(),
					this.properties.retryDelay(attempt, ThreadLocalRandom.current()),
					this.properties.maxImportAttempts(), actor, this.clock.instant());
			return this.jobs.saveAndFlush(job).toView();
		});
	}

	ImportParameters downloadParameters(String keyArn, WrappingAlgorithm algorithm,
			WrappingKeySpec wrappingKeySpec, ImportJobId jobId, ImportJobMetrics.DownloadCause cause) {
		ImportParameters parameters = this.kms.getParametersForImport(keyArn, algorithm, wrappingKeySpec);
		this.metrics.parametersDownloaded(cause);
		WrappingPublicKey wrappingKey = WrappingPublicKey.fromDer(parameters.publicKeyDer());
		if (wrappingKey.spec() != wrappingKeySpec) {
			// KMS answered with another key than asked for: material wrapped under it would be refused
			throw new ImportJobException("wrapping-key-spec-mismatch", Kind.UPSTREAM_FAILED, jobId, null,
					"KMS returned a " + wrappingKey.spec() + " wrapping key where " + wrappingKeySpec
							+ " was requested");
		}
		return parameters;
	}

	private record WrappingContext(long version, io.keyport.wrapping.KeySpec keySpec, WrappingAlgorithm algorithm,
			WrappingPublicKey wrappingKey) {
	}

	/** What wrapping needs, read in a short transaction; refuses jobs that cannot take material now. */
	private WrappingContext wrappingContext(ImportJobId id, Caller caller) {
		Instant now = this.clock.instant();
		WrappingContext context = this.readTx.execute(status -> {
			ImportJob job = load(id, caller, true);
			if (job.state() != ImportJobState.PARAMETERS_FETCHED) {
				throw new IllegalTransitionException(id, job.state(), ImportJobState.MATERIAL_WRAPPED,
						"upload material to");
			}
			if (job.parametersExpiredAt(now)) {
				return null;
			}
			return new WrappingContext(job.version(), job.keySpec(), job.wrappingAlgorithm(),
					WrappingPublicKey.fromDer(job.usableWrappingKey(now)));
		});
		if (context == null) {
			ImportJobView expired = this.tx.execute(status -> {
				ImportJob job = load(id);
				if (job.state() == ImportJobState.PARAMETERS_FETCHED) {
					job.expireParameters("system", this.clock.instant());
				}
				return this.jobs.saveAndFlush(job).toView();
			});
			throw new ImportJobException("parameters-expired", Kind.CONFLICT, id, expired.state(),
					"The wrapping key and import token of job " + id + " expired at " + expired.parametersValidTo()
							+ "; refresh the parameters and wrap the material again with the new wrapping key");
		}
		return context;
	}

	private void checkValidTo(ExpirationPolicy expiration, Instant now, ImportJobId jobId) {
		if (expiration.model() != ExpirationModel.KEY_MATERIAL_EXPIRES) {
			return;
		}
		Instant latest = now.plus(this.properties.maxValidity());
		if (!expiration.validTo().isAfter(now) || expiration.validTo().isAfter(latest)) {
			throw new ImportJobException("invalid-valid-to", Kind.INVALID, jobId, null,
					"expiration.validTo must be in the future and at most " + this.properties.maxValidity().toDays()
							+ " days ahead (before " + latest + "); got " + expiration.validTo());
		}
	}

	/**
	 * A job the caller may see (read) or act on (write): its own tenant's, or any tenant's for an admin's reads.
	 * Another tenant's job is reported as not found, so existence does not leak.
	 */
	ImportJob load(ImportJobId id, Caller caller, boolean write) {
		ImportJob job = load(id);
		if (!caller.mayAccess(job.tenant(), !write)) {
			throw new ImportJobException("import-job-not-found", Kind.NOT_FOUND, id, null, "No import job " + id);
		}
		return job;
	}

	ImportJob load(ImportJobId id) {
		return this.jobs.findById(id)
			.orElseThrow(() -> new ImportJobException("import-job-not-found", Kind.NOT_FOUND, id, null,
					"No import job " + id));
	}

	ImportJob loadAtVersion(ImportJobId id, long version) {
		ImportJob job = load(id);
		if (job.version() != version) {
			throw new ImportJobException("concurrent-modification", Kind.CONFLICT, id, job.state(),
					"Job " + id + " was changed by another request (now " + job.state()
							+ "); read it again and retry if still needed");
		}
		return job;
	}


	private static String nextStep(ImportJobState state) {
		return switch (state) {
			case MATERIAL_WRAPPED -> "The job keeps the wrapped material and retries the import later.";
			case PARAMETERS_FETCHED -> "The job waits for material again: check the material and how it was wrapped.";
			case PARAMETERS_EXPIRED -> "Refresh the parameters and wrap the material again with the new wrapping key.";
			case FAILED -> "The job failed; fix the KMS key and start a new job.";
			default -> "The job is " + state.name().toLowerCase(Locale.ROOT) + ".";
		};
	}

}
