package io.keyport.wrapping;

import java.security.SecureRandom;

/**
 * RSAES_PKCS1_V1_5: the material directly in one block ({@link Pkcs1V15}). AWS refuses it
 * (its {@link ImportRules} say so); providers such as Huawei Cloud and Open Telekom Cloud
 * still take it.
 */
final class Pkcs1V15Scheme implements WrappingScheme {

	@Override
	public WrappingAlgorithm algorithm() {
		return WrappingAlgorithm.RSAES_PKCS1_V1_5;
	}

	/** k − 11. */
	@Override
	public int capacity(WrappingKeySpec wrappingKeySpec) {
		return wrappingKeySpec.isRsa() ? Pkcs1V15.capacity(wrappingKeySpec) : 0;
	}

	@Override
	public EncryptedKeyMaterial wrap(byte[] plaintext, ImportSpec spec, WrappingPublicKey wrappingKey,
			SecureRandom random) {
		WrappingKeySpec keySpec = wrappingKey.spec();
		int capacity = capacity(keySpec);
		if (plaintext.length > capacity) {
			throw Refusals.tooLarge(spec.keySpec() + " key material of " + plaintext.length
					+ " bytes does not fit RSAES_PKCS1_V1_5 under an " + keySpec + " wrapping key (at most " + capacity
					+ " bytes)");
		}
		return EncryptedKeyMaterial.of(Pkcs1V15.encrypt(wrappingKey.publicKey(), plaintext, random));
	}

	/** Exactly one block of k bytes, below the modulus. */
	@Override
	public void checkCiphertext(EncryptedKeyMaterial encrypted, WrappingPublicKey wrappingKey) {
		int k = RsaBlocks.checkKeyAndLimit(encrypted, wrappingKey, algorithm());
		if (encrypted.length() != k) {
			throw Refusals.invalidEncrypted("expected exactly " + k + " bytes (one " + wrappingKey.spec()
					+ " RSA block) for RSAES_PKCS1_V1_5, got " + encrypted.length());
		}
		RsaBlocks.checkBelowModulus(encrypted, wrappingKey);
	}

}
