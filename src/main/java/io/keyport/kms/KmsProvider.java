package io.keyport.kms;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.keyport.wrapping.ImportRules;
import io.keyport.wrapping.KeySpec;
import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.wrapping.WrappingKeySpec;

/**
 * The KMS port: what Keyport needs from a cloud KMS to import key material. It speaks
 * Keyport's own types; each adapter (AWS KMS now, Huawei Cloud KMS later) maps to and
 * from its provider's API and turns the provider's errors into {@link KmsException}s with
 * a {@link KmsErrorCode}. Calls are blocking network calls: never call them with a
 * database transaction open.
 */
public interface KmsProvider {

	/**
	 * The region this provider works in, as the provider names it (for AWS, configured or
	 * resolved by the SDK).
	 */
	String region();

	/**
	 * The import rules of this provider in {@link #region()}: which key specs, wrapping
	 * algorithms and wrapping key specs it accepts (AWS's China regions differ from the
	 * others). Job validation and the wrapping options read them.
	 */
	ImportRules importRules();

	/**
	 * The import rules of this provider in another of its regions, for a portal that asks
	 * before it has a key there.
	 * @param region a region name as the provider spells it
	 */
	ImportRules importRules(String region);

	/**
	 * The usages a key of the spec can be created with here, allowed first; a
	 * {@link CreateKeyRequest} with another is refused by the provider. AWS's rules by
	 * default ({@link KeyUsage#awsUsages}).
	 */
	default List<KeyUsage> keyUsages(KeySpec keySpec) {
		return KeyUsage.awsUsages(keySpec);
	}

	/**
	 * The target's pace, for an adapter that sends more than one request for some calls
	 * ({@link KmsRateLimiter#acquireRequest} before each); the default sends one.
	 */
	default void pacedBy(KmsRateLimiter limiter) {
	}

	/**
	 * Whether material can be imported into a key in this state. AWS takes imports in
	 * PendingImport, Enabled and Disabled; Huawei only in pending import, so renewing
	 * there means deleting the material first.
	 */
	default boolean acceptsImportIn(KeyState state) {
		return state != null && state.allowsImport();
	}

	/**
	 * Whether keys get their alias at creation ({@link CreateKeyRequest#alias()}, Huawei:
	 * required, generated when the caller names none) rather than by {@link #createAlias}
	 * afterwards (AWS).
	 */
	default boolean aliasAtCreation() {
		return false;
	}

	/** Whether the alias name is well-formed for this provider (syntax only). */
	boolean acceptsAlias(String alias);

	/**
	 * Creates a key whose material comes from outside (AWS Origin EXTERNAL); it waits for
	 * an import.
	 */
	KmsKey createExternalKey(CreateKeyRequest request);

	/**
	 * Gives the key an alias name ({@code alias/...}); fails when the alias already
	 * exists.
	 */
	void createAlias(String alias, String keyId);

	void deleteAlias(String alias);

	/**
	 * Schedules the key for deletion after the pending window.
	 * @return when the key will be deleted
	 */
	Instant scheduleKeyDeletion(String keyId, int pendingWindowDays);

	/**
	 * @param keyId key id, key ARN, alias name ({@code alias/...}) or alias ARN
	 */
	KmsKey describeKey(String keyId);

	ImportParameters getParametersForImport(String keyId, WrappingAlgorithm algorithm, WrappingKeySpec wrappingKeySpec);

	ImportResult importKeyMaterial(ImportRequest request);

	void deleteImportedKeyMaterial(String keyId);

	/**
	 * @param keyId key id, key ARN, alias name ({@code alias/...}) or alias ARN
	 */
	KmsPublicKey getPublicKey(String keyId);

	/**
	 * GenerateDataKey with KeySpec AES_256 under a symmetric ENCRYPT_DECRYPT key (for
	 * material custody): the plaintext data key and its ciphertext blob. The caller
	 * destroys the returned key as soon as it has used it.
	 * @param encryptionContext bound to the ciphertext; Decrypt needs the same
	 * @throws KmsException as usual; {@code UNSUPPORTED_OPERATION} for providers without
	 * data keys
	 */
	DataKey generateDataKey(String keyId, Map<String, String> encryptionContext);

	/**
	 * Whether {@link #generateDataKey} and {@link #decrypt} work here (AWS); a custodian
	 * that seals material with data keys is refused at startup on a provider without.
	 */
	default boolean supportsDataKeys() {
		return false;
	}

	/**
	 * Decrypt of a data key's ciphertext blob from {@link #generateDataKey} under the
	 * same key and encryption context. The caller destroys the returned key.
	 * @throws KmsException with {@code INVALID_CIPHERTEXT} when the blob, key or context
	 * does not match
	 */
	DataKey decrypt(String keyId, byte[] ciphertextBlob, Map<String, String> encryptionContext);

	/**
	 * The longest one call can take before it ends one way or another: the client's own
	 * timeout including its retries and, for a paced provider, the wait for a permit.
	 * Work held under a lease must outlast it.
	 */
	Duration longestCall();

	/**
	 * The cheapest authenticated call the provider has (AWS: ListKeys with limit 1), for
	 * health checks: it proves the endpoint is reachable and the credentials are
	 * accepted.
	 * @throws KmsException when it is not
	 */
	void checkReachable();

	// Rotation of imported symmetric keys and multi-Region keys (issue 15)

	/**
	 * Whether keys of this provider can hold several imported materials and rotate
	 * between them ({@link ImportType#NEW_KEY_MATERIAL}, {@link #rotateOnDemand},
	 * {@link #listKeyMaterials}); AWS: single-Region symmetric keys with imported
	 * material. A service refuses a rotation early when this is {@code false}.
	 */
	default boolean supportsRotation() {
		return false;
	}

	/**
	 * The account the target's credentials act in, asked of the provider once (AWS: STS
	 * GetCallerIdentity, which needs no permission); empty when unknown. A replica target
	 * of another account is refused with it before anything is created in KMS.
	 */
	default Optional<String> accountId() {
		return Optional.empty();
	}

	/**
	 * Whether this provider has multi-Region keys
	 * ({@link CreateKeyRequest#multiRegion()}, {@link #replicateKey}).
	 */
	default boolean supportsMultiRegion() {
		return false;
	}

	/**
	 * Makes the key's material pending rotation (imported with
	 * {@link ImportType#NEW_KEY_MATERIAL}) its current material; the previous one stays
	 * for decryption.
	 * @param keyId key id or key ARN
	 * @throws KmsException {@link KmsErrorCode#INVALID_KEY_STATE} when no imported
	 * material is pending rotation or the key is not enabled,
	 * {@link KmsErrorCode#UNSUPPORTED_OPERATION} for a key or provider that cannot rotate
	 */
	void rotateOnDemand(String keyId);

	/**
	 * Every material of the key, current, pending rotation and earlier ones, each with
	 * its own expiry (AWS ListKeyRotations with all key material, every page).
	 * @param keyId key id or key ARN
	 */
	List<KeyMaterialVersion> listKeyMaterials(String keyId);

	/**
	 * Creates a replica of a multi-Region primary key in another region of the same
	 * provider. A replica of an external key starts pending import and needs its own
	 * parameters and import of the primary's material, through a provider of that region.
	 * @param keyId the primary key's id or ARN
	 * @param replicaRegion the region to replicate into, as the provider spells it
	 * @return the replica as the replica's region describes it
	 */
	KmsKey replicateKey(String keyId, String replicaRegion);

}
