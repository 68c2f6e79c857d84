package io.keyport.wrapping;

import java.security.interfaces.RSAPublicKey;

/**
 * What the RSA schemes' ciphertext checks share: an RSA wrapping key, the upload limit, a
 * block below the modulus.
 */
final class RsaBlocks {

	private RsaBlocks() {
	}

	/**
	 * The RSA wrapping key's modulus length k, after refusing an SM2 key and an upload
	 * above the limit.
	 */
	static int checkKeyAndLimit(EncryptedKeyMaterial encrypted, WrappingPublicKey wrappingKey,
			WrappingAlgorithm algorithm) {
		WrappingKeySpec spec = wrappingKey.spec();
		if (!spec.isRsa()) {
			throw Refusals.needsRsaWrappingKey(algorithm, spec);
		}
		int found = encrypted.length();
		if (found > EncryptedKeyMaterial.MAX_LENGTH) {
			throw Refusals.invalidEncrypted("expected at most " + EncryptedKeyMaterial.MAX_LENGTH
					+ " bytes (the ImportKeyMaterial limit) for " + algorithm + ", got " + found);
		}
		return spec.modulusBytes();
	}

	/**
	 * Refuses ciphertext whose first k bytes are no RSA ciphertext under the key (not
	 * below its modulus).
	 */
	static void checkBelowModulus(EncryptedKeyMaterial encrypted, WrappingPublicKey wrappingKey) {
		int k = wrappingKey.spec().modulusBytes();
		if (!belowModulus(encrypted.bytes(), k, (RSAPublicKey) wrappingKey.publicKey())) {
			throw Refusals.invalidEncrypted("the first " + k + " bytes are not an RSA ciphertext under this "
					+ wrappingKey.spec() + " wrapping key (not less than its modulus): wrap the material under this "
					+ "job's wrapping key");
		}
	}

	/**
	 * Whether the first {@code k} bytes, as an unsigned big-endian number, are below the
	 * modulus.
	 */
	private static boolean belowModulus(byte[] bytes, int k, RSAPublicKey key) {
		byte[] modulus = key.getModulus().toByteArray();
		// toByteArray may add a leading sign byte; compare the k low-order bytes
		int shift = modulus.length - k;
		for (int i = 0; i < k; i++) {
			int a = bytes[i] & 0xff;
			int n = modulus[i + shift] & 0xff;
			if (a != n) {
				return a < n;
			}
		}
		return false;
	}

}
