package io.keyport.wrapping;

import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;

/**
 * RSA_AES_KEY_WRAP_SHA_1/256: an ephemeral AES-256 key under RSA-OAEP ({@link Oaep}), the
 * material under that key with AES-KWP ({@link Kwp}); the output is the RSA block
 * followed by the KWP output, with no separator.
 */
record RsaAesKeyWrapScheme(WrappingAlgorithm algorithm) implements WrappingScheme {

	/** The ephemeral key: AES-256, as AWS documents. */
	static final int EPHEMERAL_KEY_LENGTH = 32;

	/**
	 * What keeps k plus the KWP output within the upload limit: k is a multiple of 8, so
	 * k + 8 + n ≤ the limit.
	 */
	@Override
	public int capacity(WrappingKeySpec wrappingKeySpec) {
		return wrappingKeySpec.isRsa() ? EncryptedKeyMaterial.MAX_LENGTH - wrappingKeySpec.modulusBytes() - 8 : 0;
	}

	@Override
	public EncryptedKeyMaterial wrap(byte[] plaintext, ImportSpec spec, WrappingPublicKey wrappingKey,
			SecureRandom random) {
		WrappingKeySpec keySpec = wrappingKey.spec();
		if (plaintext.length > capacity(keySpec)) {
			int total = keySpec.modulusBytes() + Kwp.wrappedLength(plaintext.length);
			throw Refusals.tooLarge(spec.keySpec() + " key material of " + plaintext.length + " bytes would wrap to "
					+ total + " bytes with " + this.algorithm + " under an " + keySpec
					+ " wrapping key; ImportKeyMaterial accepts at most " + EncryptedKeyMaterial.MAX_LENGTH);
		}
		byte[] aesKey = new byte[EPHEMERAL_KEY_LENGTH];
		try {
			random.nextBytes(aesKey);
			byte[] rsaBlock = Oaep.encrypt((RSAPublicKey) wrappingKey.publicKey(), this.algorithm.oaepHash(), aesKey);
			byte[] kwp = Kwp.wrap(aesKey, plaintext);
			// RSA block ‖ KWP output, no separator or length prefix
			byte[] out = Arrays.copyOf(rsaBlock, rsaBlock.length + kwp.length);
			System.arraycopy(kwp, 0, out, rsaBlock.length, kwp.length);
			return EncryptedKeyMaterial.of(out);
		}
		finally {
			Arrays.fill(aesKey, (byte) 0);
		}
	}

	/**
	 * One block of k bytes below the modulus, then AES-KWP output: a multiple of 8 bytes,
	 * at least 16.
	 */
	@Override
	public void checkCiphertext(EncryptedKeyMaterial encrypted, WrappingPublicKey wrappingKey) {
		int k = RsaBlocks.checkKeyAndLimit(encrypted, wrappingKey, this.algorithm);
		int found = encrypted.length();
		int rest = found - k;
		if (rest < 16 || rest % 8 != 0) {
			String hint = (found == k)
					? " (a single RSA block: that is RSAES_OAEP_* output, not " + this.algorithm + ")" : "";
			throw Refusals.invalidEncrypted("expected an " + wrappingKey.spec() + " RSA-OAEP block of " + k
					+ " bytes followed by AES-KWP output (a multiple of 8 bytes, at least 16) for " + this.algorithm
					+ ", i.e. " + (k + 16) + ", " + (k + 24) + ", ... bytes; got " + found + hint);
		}
		RsaBlocks.checkBelowModulus(encrypted, wrappingKey);
	}

}
