package io.keyport.wrapping;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks and wraps key material for import. Implementations are plain Java and thread-safe. They never keep, copy
 * into a {@code String} or log the plaintext; destroying the {@link KeyMaterial} stays the caller's job.
 */
public interface KeyMaterialWrapper {

	/** The AWS KMS wrapper: RSAES_OAEP_SHA_1/256 and RSA_AES_KEY_WRAP_SHA_1/256. */
	static KeyMaterialWrapper standard() {
		return new StandardKeyMaterialWrapper();
	}

	/**
	 * Refuses, before any KMS call, a combination of KMS key spec, wrapping algorithm and wrapping key spec that can
	 * never succeed. The message names the allowed alternatives.
	 * @throws WrappingException with {@code UNSUPPORTED_*} or {@code INCOMPATIBLE_WRAPPING_ALGORITHM}
	 */
	void checkCompatible(KeySpec keySpec, WrappingAlgorithm algorithm, WrappingKeySpec wrappingKeySpec);

	/**
	 * The wrapping algorithms that {@link #checkCompatible} accepts for the key spec and wrapping key spec, preferred
	 * first; empty when none does.
	 */
	default List<WrappingAlgorithm> compatibleAlgorithms(KeySpec keySpec, WrappingKeySpec wrappingKeySpec) {
		List<WrappingAlgorithm> compatible = new ArrayList<>();
		for (WrappingAlgorithm algorithm : WrappingAlgorithm.values()) {
			try {
				checkCompatible(keySpec, algorithm, wrappingKeySpec);
				compatible.add(algorithm);
			}
			catch (WrappingException ex) {
				// not compatible
			}
		}
		return List.copyOf(compatible);
	}

	/**
	 * Checks that plaintext material fits the KMS key spec (for example exactly 32 bytes for SYMMETRIC_DEFAULT).
	 * @throws WrappingException with {@code INVALID_KEY_MATERIAL_LENGTH} or {@code INVALID_KEY_MATERIAL}
	 */
	void checkMaterial(KeyMaterial material, KeySpec keySpec);

	/**
	 * Checks material wrapped by the client itself, as far as its size allows (an RSA-OAEP block is exactly the
	 * modulus length).
	 * @throws WrappingException with {@code INVALID_ENCRYPTED_KEY_MATERIAL}
	 */
	void checkEncrypted(EncryptedKeyMaterial encrypted, WrappingPublicKey wrappingKey, WrappingAlgorithm algorithm);

	/**
	 * Checks the material against the key spec, then wraps it under the wrapping key with the algorithm. Temporary
	 * buffers (such as an ephemeral AES key) are overwritten before returning.
	 */
	EncryptedKeyMaterial wrap(KeyMaterial material, KeySpec keySpec, WrappingPublicKey wrappingKey,
			WrappingAlgorithm algorithm);

}
