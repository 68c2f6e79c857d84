package io.keyport.wrapping;

import java.security.SecureRandom;

/**
 * One way of wrapping key material under a KMS wrapping public key: the encryption, the
 * check of ciphertext a client produced itself, and how much material fits. Whether a
 * provider accepts the scheme for a key spec is not its question but the
 * {@link ImportRules}'; a scheme trusts the {@link ImportSpec} it is given. Chosen by
 * {@link WrappingSchemes#forAlgorithm}; stateless and thread-safe.
 */
sealed interface WrappingScheme
		permits RsaOaepScheme, RsaAesKeyWrapScheme, Sm2PkeScheme, Pkcs1V15Scheme, Sm2Sm4KeyWrapScheme {

	WrappingAlgorithm algorithm();

	/**
	 * The most material, in bytes, the scheme carries under a wrapping key of the spec
	 * within {@link EncryptedKeyMaterial#MAX_LENGTH}; 0 for a wrapping key spec the
	 * scheme cannot use.
	 */
	int capacity(WrappingKeySpec wrappingKeySpec);

	/**
	 * Wraps {@code plaintext} (the live buffer: never copied into anything that outlives
	 * the call except the ciphertext) under the wrapping key, which is of the spec's
	 * wrapping key spec.
	 * @throws WrappingException with {@code KEY_MATERIAL_TOO_LARGE} when it exceeds
	 * {@link #capacity}
	 */
	EncryptedKeyMaterial wrap(byte[] plaintext, ImportSpec spec, WrappingPublicKey wrappingKey, SecureRandom random);

	/**
	 * Checks ciphertext a client produced with this scheme, as far as its size and the
	 * wrapping key allow.
	 * @throws WrappingException with {@code INVALID_ENCRYPTED_KEY_MATERIAL}, or
	 * {@code INCOMPATIBLE_WRAPPING_ALGORITHM} for a wrapping key of the wrong type
	 */
	void checkCiphertext(EncryptedKeyMaterial encrypted, WrappingPublicKey wrappingKey);

}
