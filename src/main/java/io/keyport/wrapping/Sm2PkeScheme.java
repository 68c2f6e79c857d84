package io.keyport.wrapping;

import java.security.SecureRandom;

/**
 * SM2PKE (AWS China regions): the material directly under the SM2 wrapping key
 * ({@link Sm2Pke}), in the GM/T 0009 DER form. Any length fits SM2 itself; only the
 * upload limit counts.
 */
final class Sm2PkeScheme implements WrappingScheme {

	/** The most material whose ciphertext stays within the upload limit. */
	private static final int CAPACITY = largestFitting();

	@Override
	public WrappingAlgorithm algorithm() {
		return WrappingAlgorithm.SM2PKE;
	}

	@Override
	public int capacity(WrappingKeySpec wrappingKeySpec) {
		return (wrappingKeySpec == WrappingKeySpec.SM2) ? CAPACITY : 0;
	}

	@Override
	public EncryptedKeyMaterial wrap(byte[] plaintext, ImportSpec spec, WrappingPublicKey wrappingKey,
			SecureRandom random) {
		if (plaintext.length > CAPACITY) {
			throw Refusals
				.tooLarge(spec.keySpec() + " key material of " + plaintext.length + " bytes would wrap to more than "
						+ EncryptedKeyMaterial.MAX_LENGTH + " bytes with SM2PKE, the " + "ImportKeyMaterial limit");
		}
		return EncryptedKeyMaterial.of(Sm2Pke.encrypt(wrappingKey.publicKey(), plaintext, random));
	}

	/**
	 * The GM/T 0009 SEQUENCE, at least as long as the SM3 hash and one byte of
	 * ciphertext, C1 on the curve.
	 */
	@Override
	public void checkCiphertext(EncryptedKeyMaterial encrypted, WrappingPublicKey wrappingKey) {
		if (wrappingKey.spec() != WrappingKeySpec.SM2) {
			throw Refusals.needsSm2WrappingKey(wrappingKey.spec());
		}
		int found = encrypted.length();
		if (found > EncryptedKeyMaterial.MAX_LENGTH) {
			throw Refusals.invalidEncrypted("expected at most " + EncryptedKeyMaterial.MAX_LENGTH
					+ " bytes (the ImportKeyMaterial limit) for SM2PKE, got " + found);
		}
		String problem = Sm2Pke.problem(encrypted.bytes());
		if (problem != null) {
			throw Refusals
				.invalidEncrypted("expected an SM2 ciphertext for SM2PKE as the GM/T 0009 DER SEQUENCE (x, y, "
						+ "SM3 hash, ciphertext) that OpenSSL writes; the " + found + " bytes are " + problem);
		}
	}

	/**
	 * {@link Sm2Pke#maxLength} grows with the length, so the largest fitting length is
	 * found by walking down.
	 */
	private static int largestFitting() {
		int n = EncryptedKeyMaterial.MAX_LENGTH;
		while (Sm2Pke.maxLength(n) > EncryptedKeyMaterial.MAX_LENGTH) {
			n--;
		}
		return n;
	}

}
