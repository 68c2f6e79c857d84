package io.keyport.wrapping;

import java.util.List;

/**
 * What a provider (and region) accepts for an import: which key specs can take imported
 * material, which (key spec, wrapping algorithm, wrapping key spec) combinations work,
 * what material each key spec needs, and, for what it refuses, a
 * {@link WrappingException} whose message names the alternatives. The KMS port supplies
 * the rule set of its provider and region; job validation ({@link ImportSpec}) and the
 * wrapping options a portal offers both read it.
 * <p>
 * AWS's rules are {@link #aws(Partition)}: the standard partition and the China regions.
 * Another provider brings its own implementation (Huawei Cloud: its own key-spec names,
 * two wrapping algorithms, a two-part envelope for private keys);
 * {@link #withPkcs1V15(ImportRules)} adds RSAES_PKCS1_V1_5, which AWS refuses and others
 * still take. Implementations are immutable and thread-safe.
 */
public interface ImportRules {

	/**
	 * AWS KMS's rules in the partition: the standard regions, or the China regions
	 * (aws-cn).
	 */
	static ImportRules aws(Partition partition) {
		return AwsImportRules.of(partition);
	}

	/** AWS KMS's rules in the region's partition ({@code cn-*} regions are China's). */
	static ImportRules awsRegion(String region) {
		return aws(Partition.ofRegion(region));
	}

	/**
	 * Huawei Cloud KMS's rules (seed 003).
	 * @param legacyAlgorithms whether the target enables RSAES_PKCS1_V1_5 and
	 * RSAES_OAEP_SHA_1, which seed 003 still lists
	 */
	static ImportRules huawei(boolean legacyAlgorithms) {
		return HuaweiImportRules.of(legacyAlgorithms);
	}

	/**
	 * These rules, and RSAES_PKCS1_V1_5 with an RSA wrapping key for every key spec they
	 * can import.
	 */
	static ImportRules withPkcs1V15(ImportRules rules) {
		return new WithPkcs1V15(rules);
	}

	/**
	 * The rule set's name, as the wrapping options report it: {@code aws} or
	 * {@code aws-cn} for AWS, {@code huawei} for Huawei Cloud.
	 */
	String id();

	/**
	 * The key spec a request names, in this provider's own names or Keyport's (Huawei:
	 * {@code AES_256} or {@code SYMMETRIC_DEFAULT}, {@code EC_P256} or
	 * {@code ECC_NIST_P256}).
	 * @throws WrappingException with {@code UNSUPPORTED_KEY_SPEC} when it names no key
	 * spec here
	 */
	default KeySpec keySpecNamed(String name) {
		try {
			return KeySpec.valueOf(name);
		}
		catch (IllegalArgumentException ex) {
			throw new WrappingException(WrappingException.Reason.UNSUPPORTED_KEY_SPEC, "Key spec '" + name
					+ "' does not exist; key specs are " + io.keyport.support.Sentences.list(KeySpec.values()) + ".");
		}
	}

	/** The provider's own name of the key spec ({@code AES_256} on Huawei). */
	default String providerName(KeySpec keySpec) {
		return keySpec.name();
	}

	/**
	 * Refuses key specs that can never receive imported material here (for AWS: those it
	 * does not document as importable, such as Ed25519 and ML-DSA, anywhere; SM2 outside
	 * the China regions).
	 * @throws WrappingException with {@code UNSUPPORTED_KEY_SPEC}
	 */
	void checkImportable(KeySpec keySpec);

	/**
	 * Whether imported material of this key spec can carry an expiration here (AWS: every
	 * key spec; Huawei: symmetric material only, a private key never expires).
	 */
	default boolean takesExpiration(KeySpec keySpec) {
		return true;
	}

	/**
	 * Length in bytes of the symmetric or HMAC material this provider imports for the key
	 * spec (AWS China: SYMMETRIC_DEFAULT is a 16-byte SM4 key).
	 * @throws IllegalStateException for key specs whose material has no fixed length
	 */
	default int materialBytes(KeySpec keySpec) {
		return keySpec.materialBytes();
	}

	/**
	 * Refuses, before any KMS call, a combination of KMS key spec, wrapping algorithm and
	 * wrapping key spec that can never succeed here. The message names the allowed
	 * alternatives.
	 * @throws WrappingException with {@code UNSUPPORTED_*} or
	 * {@code INCOMPATIBLE_WRAPPING_ALGORITHM}
	 */
	void checkCompatible(KeySpec keySpec, WrappingAlgorithm algorithm, WrappingKeySpec wrappingKeySpec);

	/**
	 * The wrapping algorithms that {@link #checkCompatible} accepts for the key spec and
	 * wrapping key spec, preferred first; empty when none does.
	 */
	List<WrappingAlgorithm> compatibleAlgorithms(KeySpec keySpec, WrappingKeySpec wrappingKeySpec);

	/**
	 * Every (algorithm, wrapping key spec) pair {@link #checkCompatible} accepts for the
	 * key spec, recommended first.
	 * @throws WrappingException with {@code UNSUPPORTED_KEY_SPEC} when the key spec
	 * cannot be imported here at all, or with the reason no algorithm is available (the
	 * message says why)
	 */
	List<WrappingOption> wrappingOptions(KeySpec keySpec);

	/**
	 * Checks that plaintext material fits the key spec here (for example exactly 32 bytes
	 * for AWS's SYMMETRIC_DEFAULT, 16 in China; private keys as DER PKCS#8 of the right
	 * algorithm and size).
	 * @throws WrappingException with {@code INVALID_KEY_MATERIAL_LENGTH} or
	 * {@code INVALID_KEY_MATERIAL}
	 */
	void checkMaterial(KeyMaterial material, KeySpec keySpec);

	/**
	 * The material as this provider needs it, after {@link #checkMaterial} accepted it:
	 * {@link KeyMaterialWrapper} wraps what this returns. The same instance when nothing
	 * changes (AWS: always); otherwise a new {@link KeyMaterial} holding the same key,
	 * which the caller destroys as well (Huawei: an EC or SM2 PKCS#8 without its public
	 * key gets it embedded, as Huawei's import requires). Material a client wraps itself
	 * never passes here, so such uploads are the client's responsibility.
	 */
	default KeyMaterial prepare(KeyMaterial material, KeySpec keySpec) {
		return material;
	}

	/**
	 * What to use instead when {@code length} bytes of the key spec's material are too
	 * large for a single block under the wrapping key: the algorithms that carry it and
	 * any larger wrapping keys, for a refusal's message.
	 */
	String alternatives(KeySpec keySpec, WrappingKeySpec wrappingKeySpec, int length);

}
