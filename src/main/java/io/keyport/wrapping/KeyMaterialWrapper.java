package io.keyport.wrapping;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks and wraps key material for import. Implementations are plain Java and thread-safe. They never keep, copy
 * into a {@code String} or log the plaintext; destroying the {@link KeyMaterial} stays the caller's job.
 * <p>
 * Rules that differ in AWS's China regions take a {@link Partition}; the overloads without one apply the standard
 * rules.
 */
public interface KeyMaterialWrapper {

	/**
	 * The AWS KMS wrapper: RSAES_OAEP_SHA_1/256, RSA_AES_KEY_WRAP_SHA_1/256, SM2PKE (China regions), and
	 * RSAES_PKCS1_V1_5 for other providers.
	 */
	static KeyMaterialWrapper standard() {
		return new StandardKeyMaterialWrapper();
	}

	/**
	 * Refuses key specs that can never receive imported material in the partition: those AWS does not document as
	 * importable (Ed25519, ML-DSA) anywhere, SM2 outside the China regions.
	 * @throws WrappingException with {@code UNSUPPORTED_KEY_SPEC}
	 */
	void checkImportable(KeySpec keySpec, Partition partition);

	/**
	 * Refuses, before any KMS call, a combination of KMS key spec, wrapping algorithm and wrapping key spec that can
	 * never succeed in the partition. The message names the allowed alternatives.
	 * @throws WrappingException with {@code UNSUPPORTED_*} or {@code INCOMPATIBLE_WRAPPING_ALGORITHM}
	 */
	void checkCompatible(KeySpec keySpec, WrappingAlgorithm algorithm, WrappingKeySpec wrappingKeySpec,
			Partition partition);

	/** {@link #checkCompatible(KeySpec, WrappingAlgorithm, WrappingKeySpec, Partition)} with the standard rules. */
	default void checkCompatible(KeySpec keySpec, WrappingAlgorithm algorithm, WrappingKeySpec wrappingKeySpec) {
		checkCompatible(keySpec, algorithm, wrappingKeySpec, Partition.STANDARD);
	}

	/**
	 * The wrapping algorithms that {@link #checkCompatible} accepts for the key spec and wrapping key spec in the
	 * partition, preferred first; empty when none does.
	 */
	default List<WrappingAlgorithm> compatibleAlgorithms(KeySpec keySpec, WrappingKeySpec wrappingKeySpec,
			Partition partition) {
		List<WrappingAlgorithm> compatible = new ArrayList<>();
		for (WrappingAlgorithm algorithm : WrappingAlgorithm.values()) {
			try {
				checkCompatible(keySpec, algorithm, wrappingKeySpec, partition);
				compatible.add(algorithm);
			}
			catch (WrappingException ex) {
				// not compatible
			}
		}
		return List.copyOf(compatible);
	}

	default List<WrappingAlgorithm> compatibleAlgorithms(KeySpec keySpec, WrappingKeySpec wrappingKeySpec) {
		return compatibleAlgorithms(keySpec, wrappingKeySpec, Partition.STANDARD);
	}

	/**
	 * Every (algorithm, wrapping key spec) pair {@link #checkCompatible} accepts for the key spec in the partition,
	 * recommended first: the longest wrapping key, then SHA-256 before SHA-1, as AWS recommends.
	 * @throws WrappingException with {@code UNSUPPORTED_KEY_SPEC} when the partition cannot import the key spec at
	 * all, or with the reason no algorithm is available (the message says why)
	 */
	List<WrappingOption> wrappingOptions(KeySpec keySpec, Partition partition);

	/**
	 * Checks that plaintext material fits the KMS key spec in the partition (for example exactly 32 bytes for
	 * SYMMETRIC_DEFAULT, 16 in China).
	 * @throws WrappingException with {@code INVALID_KEY_MATERIAL_LENGTH} or {@code INVALID_KEY_MATERIAL}
	 */
	void checkMaterial(KeyMaterial material, KeySpec keySpec, Partition partition);

	default void checkMaterial(KeyMaterial material, KeySpec keySpec) {
		checkMaterial(material, keySpec, Partition.STANDARD);
	}

	/**
	 * Brings plaintext material into the form KMS imports: private keys given as PEM ({@code PRIVATE KEY},
	 * {@code RSA PRIVATE KEY}, {@code EC PRIVATE KEY}) or as DER PKCS#1 or SEC1 become unencrypted DER PKCS#8. Symmetric
	 * and HMAC material, and material already in DER PKCS#8, come back as the same instance; otherwise the result is
	 * a new {@link KeyMaterial} that the caller must destroy as well. Whether the result fits the key spec is left to
	 * {@link #checkMaterial}.
	 * @throws WrappingException with {@code INVALID_KEY_MATERIAL} for PEM that holds no usable private key
	 * (encrypted, a public key, several keys)
	 */
	default KeyMaterial toImportFormat(KeyMaterial material, KeySpec keySpec) {
		if (keySpec.kind() != KeySpec.Kind.RSA && keySpec.kind() != KeySpec.Kind.EC
				&& keySpec.kind() != KeySpec.Kind.SM2) {
			return material;
		}
		byte[] bytes = material.bytes();
		byte[] converted = PrivateKeys.toPkcs8(bytes, keySpec);
		return (converted == bytes) ? material : KeyMaterial.takeOwnership(converted);
	}

	/**
	 * The DER SubjectPublicKeyInfo of the private key in {@code pkcs8} (material that passed {@link #checkMaterial}),
	 * as KMS's GetPublicKey returns it after the import; {@code null} for symmetric and HMAC key specs. Only public
	 * values are kept.
	 * @throws WrappingException with {@code INVALID_KEY_MATERIAL} when the key is inconsistent (an EC key whose
	 * embedded public key is not its own)
	 */
	default byte[] derivePublicKey(KeyMaterial pkcs8, KeySpec keySpec) {
		if (keySpec.kind() != KeySpec.Kind.RSA && keySpec.kind() != KeySpec.Kind.EC
				&& keySpec.kind() != KeySpec.Kind.SM2) {
			return null;
		}
		return PrivateKeys.publicKey(pkcs8.bytes(), keySpec);
	}

	/**
	 * Checks material wrapped by the client itself, as far as its size allows (an RSA-OAEP block is exactly the
	 * modulus length).
	 * @throws WrappingException with {@code INVALID_ENCRYPTED_KEY_MATERIAL}
	 */
	void checkEncrypted(EncryptedKeyMaterial encrypted, WrappingPublicKey wrappingKey, WrappingAlgorithm algorithm);

	/**
	 * Checks the material against the key spec and the combination against the partition's rules, then wraps it
	 * under the wrapping key with the algorithm. Temporary buffers (such as an ephemeral AES key) are overwritten
	 * before returning. RSAES_PKCS1_V1_5 is the exception: AWS refuses it, other providers (Huawei Cloud, Open
	 * Telekom Cloud) do not, so for it only the material, the wrapping key type and the size are checked.
	 */
	EncryptedKeyMaterial wrap(KeyMaterial material, KeySpec keySpec, WrappingPublicKey wrappingKey,
			WrappingAlgorithm algorithm, Partition partition);

	default EncryptedKeyMaterial wrap(KeyMaterial material, KeySpec keySpec, WrappingPublicKey wrappingKey,
			WrappingAlgorithm algorithm) {
		return wrap(material, keySpec, wrappingKey, algorithm, Partition.STANDARD);
	}

}
