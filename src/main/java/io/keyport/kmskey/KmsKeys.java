package io.keyport.kmskey;

import org.springframework.stereotype.Service;

import io.keyport.audit.AuditLog;
import io.keyport.kms.KeyState;
import io.keyport.kms.KmsException;
import io.keyport.kms.KmsKey;
import io.keyport.kms.KmsProvider;
import io.keyport.kms.KmsPublicKey;
import io.keyport.kms.KmsTargets;
import io.keyport.wrapping.KeySpec;
import io.keyport.wrapping.WrappingException;
import io.keyport.kmskey.KeyOwnership.Assignment;
import io.keyport.security.Caller;

/**
 * The KMS keys a tenant may see and use: creation (with its alias), lookups that answer a
 * missing, invalid, unowned or foreign key alike, public keys, and an administrator's
 * assignment of a key to a tenant.
 */
@Service
public class KmsKeys {

	private final KmsTargets targets;

	private final KeyOwnership ownership;

	private final KmsKeyCreation creation;

	private final RecentlyCreatedKeys recentlyCreated;

	KmsKeys(KmsTargets targets, KeyOwnership ownership, KmsKeyCreation creation, RecentlyCreatedKeys recentlyCreated) {
		this.targets = targets;
		this.ownership = ownership;
		this.creation = creation;
		this.recentlyCreated = recentlyCreated;
	}

	/** Creates the key (and its alias) for the caller's tenant. */
	public KmsKey create(NewKey command, Caller caller) {
		KmsKey key = this.creation.create(command, caller);
		if (key.isExternal() && key.state() == KeyState.PENDING_IMPORT && key.keySpec() != null) {
			this.recentlyCreated.created(targetName(command.target()), key, caller.tenant());
		}
		return key;
	}

	/**
	 * The name of the target a request names, or the default target's.
	 * @throws io.keyport.kms.UnknownKmsTargetException when it is not configured
	 */
	public String targetName(String requested) {
		return this.targets.get(requested).name();
	}

	/**
	 * A key spec as the request names it: in the target provider's own names or in
	 * Keyport's.
	 */
	public KeySpec keySpecNamed(String target, String name) {
		try {
			return this.targets.get(target).kms().importRules().keySpecNamed(name);
		}
		catch (WrappingException ex) {
			throw KmsKeyException.invalidKeySpec(ex.getMessage());
		}
	}

	/** The target provider's own name of a key spec ({@code AES_256} on Huawei). */
	public String providerKeySpec(String target, KeySpec keySpec) {
		return keySpec == null ? null : this.targets.get(target).kms().importRules().providerName(keySpec);
	}

	/**
	 * The key, if the caller may see it (its tenant owns it, or the caller is an admin).
	 */
	public KmsKey visibleKey(String target, String reference, Caller caller) {
		KmsKey key = describe(target, reference);
		if (!this.ownership.visible(key.arn(), caller)) {
			throw KmsKeyException.keyNotFound(reference);
		}
		return key;
	}

	/**
	 * The key, if the caller's tenant owns it: required to import into it. A key this
	 * instance created for the tenant a moment ago is not described again.
	 */
	public KmsKey ownedKey(String target, String reference, Caller caller) {
		RecentlyCreatedKeys.Entry created = this.recentlyCreated.take(targetName(target), reference);
		if (created != null && caller.mayAccess(created.tenant(), false)) {
			return created.key();
		}
		return ownedKeyAsItIsNow(target, reference, caller);
	}

	/**
	 * The key as KMS describes it now, if the caller's tenant owns it (a dry run answers
	 * from the key's current state, not from its creation).
	 */
	public KmsKey ownedKeyAsItIsNow(String target, String reference, Caller caller) {
		KmsKey key = describe(target, reference);
		if (!this.ownership.owns(key.arn(), caller)) {
			throw KmsKeyException.keyNotFound(reference);
		}
		return key;
	}

	/**
	 * The public key of an asymmetric key with material, if the caller may see the key.
	 */
	public PublicKey publicKey(String target, String reference, Caller caller) {
		KmsKey key = visibleKey(target, reference, caller);
		if (key.keySpec() != null && key.keySpec().isSymmetricOrHmac()) {
			throw KmsKeyException.notAsymmetric(key.arn(), key.keySpec());
		}
		if (key.state() == KeyState.PENDING_IMPORT) {
			throw KmsKeyException.pendingImport(key.arn());
		}
		return new PublicKey(key, this.targets.get(target).kms().getPublicKey(key.arn()));
	}

	/** Gives a key nobody owns to a tenant; a key owned by another tenant is refused. */
	public Assigned assignOwner(String target, String reference, String tenant, Caller admin) {
		if (!Caller.isTenantName(tenant)) {
			throw KmsKeyException.invalidTenant();
		}
		// the entry names the key (the path may name it by alias) and the tenant that
		// gets it, checked above to be a tenant name
		AuditLog.noteOnRequest("for tenant " + tenant);
		KmsKey key = describe(target, reference);
		AuditLog.requestConcerns(null, key.arn());
		Assignment assignment = this.ownership.assign(targetName(target), key.arn(), tenant, admin);
		if (assignment == Assignment.OWNED_BY_ANOTHER) {
			throw KmsKeyException.ownedByAnother(key.arn());
		}
		return new Assigned(key, assignment == Assignment.ASSIGNED);
	}

	private KmsKey describe(String target, String reference) {
		KmsProvider kms = this.targets.get(target).kms();
		try {
			return kms.describeKey(reference);
		}
		catch (KmsException ex) {
			if (ex.errorCode().meansNoSuchKey()) {
				throw KmsKeyException.keyNotFound(reference);
			}
			throw ex;
		}
	}

	/** A key and its public key as KMS published it. */
	public record PublicKey(KmsKey key, KmsPublicKey published) {
	}

	/**
	 * @param assigned whether this request assigned the key (false: it already belonged
	 * to the tenant)
	 */
	public record Assigned(KmsKey key, boolean assigned) {
	}

}
