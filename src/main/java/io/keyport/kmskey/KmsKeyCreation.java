package io.keyport.kmskey;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.stereotype.Service;

import io.keyport.audit.AuditLog;
import io.keyport.kms.CreateKeyRequest;
import io.keyport.kms.KeyUsage;
import io.keyport.kms.KmsErrorCode;
import io.keyport.kms.KmsException;
import io.keyport.kms.KmsKey;
import io.keyport.kms.KmsProvider;
import io.keyport.kms.KmsTarget;
import io.keyport.kms.KmsTargets;
import io.keyport.security.Caller;

/**
 * Creates a key for a tenant: the key (CreateKey), then its alias (CreateAlias); should
 * the alias fail, the new key is scheduled for deletion (ScheduleKeyDeletion) so nothing
 * half-made stays. Each is one paced, audited KMS call. The key belongs to the caller's
 * tenant from the moment it exists.
 */
@Service
class KmsKeyCreation {

	private static final Logger log = LoggerFactory.getLogger(KmsKeyCreation.class);

	/**
	 * The shortest pending window AWS allows: a key whose alias failed is cleaned up as
	 * soon as possible.
	 */
	static final int CLEANUP_PENDING_DAYS = 7;

	private final KmsTargets targets;

	private final KeyOwnership ownership;

	KmsKeyCreation(KmsTargets targets, KeyOwnership ownership) {
		this.targets = targets;
		this.ownership = ownership;
	}

	KmsKey create(NewKey command, Caller caller) {
		KmsTarget target = this.targets.get(command.target());
		MDC.put(AuditLog.MDC_KMS_TARGET, target.name());
		KmsProvider kms = target.kms();
		// a key that could never receive material is not created at all
		kms.importRules().checkImportable(command.keySpec());
		// nor a key whose usage its key spec cannot have (KMS would refuse it only after
		// the alias lookup)
		List<KeyUsage> usages = kms.keyUsages(command.keySpec());
		if (!usages.contains(command.keyUsage())) {
			throw KmsKeyException.invalidKeyUsage(command.keyUsage(), kms.importRules().providerName(command.keySpec()),
					usages);
		}
		if (command.alias() != null) {
			if (!kms.acceptsAlias(command.alias())) {
				throw KmsKeyException.invalidAlias(target.provider());
			}
			requireUnusedAlias(kms, command.alias());
		}
		if (kms.aliasAtCreation()) {
			// the provider names the key as it creates it (Huawei: an alias is required;
			// the adapter generates one when the caller gives none)
			KmsKey key;
			try {
				key = kms.createExternalKey(new CreateKeyRequest(command.keySpec(), command.keyUsage(),
						command.description(), command.alias()));
			}
			catch (KmsException ex) {
				if (ex.errorCode() == KmsErrorCode.ALREADY_EXISTS && command.alias() != null) {
					throw KmsKeyException.aliasTaken(command.alias());
				}
				throw ex;
			}
			// the request's entry names the key its path cannot
			AuditLog.requestConcerns(null, key.arn());
			AuditLog.settleRequestWithNextChange();
			claimOwnership(kms, target, key, caller);
			return key;
		}
		KmsKey key = kms.createExternalKey(
				new CreateKeyRequest(command.keySpec(), command.keyUsage(), command.description(), null));
		AuditLog.requestConcerns(null, key.arn());
		if (command.alias() == null) {
			// the owner is the request's last change (an alias would follow it)
			AuditLog.settleRequestWithNextChange();
		}
		claimOwnership(kms, target, key, caller);
		if (command.alias() != null) {
			try {
				kms.createAlias(command.alias(), key.keyId());
			}
			catch (KmsException ex) {
				if (aliasNamesKeyAfterAll(kms, command.alias(), key, ex)) {
					return key;
				}
				if (scheduleDeletion(kms, key, ex, "got no alias")) {
					throw ex.withNote("The key " + key.arn() + " created for the alias was scheduled for deletion.");
				}
				throw ex.withNote("The key " + key.arn() + " was created for the alias, but scheduling its deletion "
						+ "failed too: it is your tenant's, without the alias, and can be used or deleted in KMS.");
			}
		}
		return key;
	}

	/**
	 * The alias must be free before a key is created for it; KMS itself refuses a taken
	 * alias only afterwards. The answer says only that it is taken: never which key has
	 * it, which may be another tenant's.
	 */
	private void requireUnusedAlias(KmsProvider kms, String alias) {
		try {
			kms.describeKey(alias);
		}
		catch (KmsException ex) {
			if (ex.errorCode() == KmsErrorCode.KEY_NOT_FOUND) {
				return;
			}
			throw ex;
		}
		throw KmsKeyException.aliasTaken(alias);
	}

	/**
	 * A CreateAlias whose answer was lost may have been carried out, and a repetition of
	 * it is refused as already existing: KMS then shows the alias on the new key.
	 */
	private static boolean aliasNamesKeyAfterAll(KmsProvider kms, String alias, KmsKey key, KmsException failure) {
		boolean mayHaveCreated = failure.errorCode() == KmsErrorCode.ALREADY_EXISTS
				|| (failure.isTransient() && failure.maybeSent());
		if (!mayHaveCreated) {
			return false;
		}
		try {
			boolean named = key.keyId().equals(kms.describeKey(alias).keyId());
			if (named) {
				log.info("Alias {} of key {} was created although its answer was lost ({})", alias, key.arn(),
						failure.errorCode().code());
			}
			return named;
		}
		catch (KmsException ex) {
			failure.addSuppressed(ex);
			return false;
		}
	}

	/**
	 * The new key recorded as the tenant's, or scheduled for deletion: a key nobody owns
	 * could never be seen or imported into by anyone, and would stay billed with nothing
	 * to find it by (the request fails, and its retry creates another).
	 */
	private void claimOwnership(KmsProvider kms, KmsTarget target, KmsKey key, Caller caller) {
		try {
			this.ownership.claimCreated(target.name(), key.arn(), caller);
		}
		catch (RuntimeException ex) {
			scheduleDeletion(kms, key, ex, "its owner could not be recorded");
			throw ex;
		}
	}

	/** Whether the deletion was scheduled; a failure is logged and added to the cause. */
	private boolean scheduleDeletion(KmsProvider kms, KmsKey key, RuntimeException cause, String why) {
		try {
			kms.scheduleKeyDeletion(key.keyId(), CLEANUP_PENDING_DAYS);
			log.warn("Key {} was created but {}: scheduled for deletion", key.arn(), why);
			return true;
		}
		catch (KmsException ex) {
			cause.addSuppressed(ex);
			log.error("Key {} was created but {}, and scheduling its deletion failed: {}", key.arn(), why,
					ex.getMessage());
			return false;
		}
	}

}
