package io.keyport.wrapping;

import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;

/** RSAES_OAEP_SHA_1/256: the material directly in one RSA-OAEP block ({@link Oaep}). */
record RsaOaepScheme(WrappingAlgorithm algorithm) implements WrappingScheme {

	/** k − 2·hLen − 2. */
	@Override
	public int capacity(WrappingKeySpec wrappingKeySpec) {
		return wrappingKeySpec.isRsa() ? Oaep.capacity(wrappingKeySpec, this.algorithm.oaepHash()) : 0;
	}

	@Override
	public EncryptedKeyMaterial wrap(byte[] plaintext, ImportSpec spec, WrappingPublicKey wrappingKey,
			SecureRandom random) {
		WrappingKeySpec keySpec = wrappingKey.spec();
		int capacity = capacity(keySpec);
		if (plaintext.length > capacity) {
			throw Refusals.tooLarge(spec.keySpec() + " key material of " + plaintext.length + " bytes does not fit "
					+ this.algorithm + " under an " + keySpec + " wrapping key (at most " + capacity + " bytes); use "
					+ spec.rules().alternatives(spec.keySpec(), keySpec, plaintext.length));
		}
		return EncryptedKeyMaterial
			.of(Oaep.encrypt((RSAPublicKey) wrappingKey.publicKey(), this.algorithm.oaepHash(), plaintext));
	}

	/** Exactly one block of k bytes, below the modulus. */
	@Override
	public void checkCiphertext(EncryptedKeyMaterial encrypted, WrappingPublicKey wrappingKey) {
		int k = RsaBlocks.checkKeyAndLimit(encrypted, wrappingKey, this.algorithm);
		int found = encrypted.length();
		if (found != k) {
			String hint = "";
			if (found == Refusals.base64Length(k)) {
				hint = " (base64 text? upload the binary ciphertext)";
			}
			else if (found > k && (found - k) >= 16 && (found - k) % 8 == 0) {
				hint = " (that looks like RSA_AES_KEY_WRAP_* output)";
			}
			throw Refusals.invalidEncrypted("expected exactly " + k + " bytes (one " + wrappingKey.spec()
					+ " RSA-OAEP block) for " + this.algorithm + ", got " + found + hint);
		}
		RsaBlocks.checkBelowModulus(encrypted, wrappingKey);
	}

}
