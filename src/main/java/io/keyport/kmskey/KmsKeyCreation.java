package io.keyport.kmskey;

import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

import io.keyport.kms.CreateKeyRequest;
import io.keyport.kms.KmsErrorCode;
import io.keyport.kms.KmsException;
import io.keyport.kms.KmsKey;
import io.keyport.kms.KmsProvider;
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

	/** AWS alias names; {@code alias/aws/} is reserved for AWS managed keys. */
	private static final Pattern ALIAS = Pattern.compile("alias/(?!aws/)[A-Za-z0-9/_-]{1,250}");

	private final KmsProvider kms;

	private final KeyOwnership ownership;

	KmsKeyCreation(KmsProvider kms, KeyOwnership ownership) {
		this.kms = kms;
		this.ownership = ownership;
	}

	KmsKey create(NewKey command, Caller caller) {
		// a key that could never receive material is not created at all
		this.kms.importRules().checkImportable(command.keySpec());
		if (command.alias() != null) {
			if (!ALIAS.matcher(command.alias()).matches()) {
				throw KmsKeyException.invalidAlias();
			}
			requireUnusedAlias(command.alias());
		}
		KmsKey key = this.kms.createExternalKey(
				new CreateKeyRequest(command.keySpec(), command.keyUsage(), command.description(), null));
		this.ownership.claimCreated(key.arn(), caller);
		if (command.alias() != null) {
			try {
				this.kms.createAlias(command.alias(), key.keyId());
			}
			catch (KmsException ex) {
				scheduleDeletion(key, ex);
				throw new KmsException(ex.errorCode(), ex.operation(), ex.getMessage() + " (the key " + key.arn()
						+ " created for the alias was scheduled for deletion)", ex);
			}
		}
		return key;
	}

	/**
	 * The alias must be free before a key is created for it; KMS itself refuses a taken
	 * alias only afterwards. The answer says only that it is taken: never which key has
	 * it, which may be another tenant's.
	 */
	private void requireUnusedAlias(String alias) {
		try {
			this.kms.describeKey(alias);
		}
		catch (KmsException ex) {
			if (ex.errorCode() == KmsErrorCode.KEY_NOT_FOUND) {
				return;
			}
			throw ex;
		}
		throw KmsKeyException.aliasTaken(alias);
	}

	private void scheduleDeletion(KmsKey key, KmsException cause) {
		try {
			this.kms.scheduleKeyDeletion(key.keyId(), CLEANUP_PENDING_DAYS);
		}
		catch (KmsException ex) {
			cause.addSuppressed(ex);
			log.error("Key {} was created but got no alias, and scheduling its deletion failed: {}", key.arn(),
					ex.getMessage());
		}
	}

}
