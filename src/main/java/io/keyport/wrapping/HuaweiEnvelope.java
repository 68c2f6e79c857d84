package io.keyport.wrapping;

import java.util.Arrays;
import java.util.Objects;

/**
 * Huawei's two-part envelope for private keys (seed 003): a fresh temporary key under the
 * wrapping key ({@code encrypted_key_material}) and the PKCS#8 under the temporary key
 * ({@code encrypted_privatekey}). Keyport holds it as one {@link EncryptedKeyMaterial},
 * the two parts concatenated as AWS's RSA_AES_KEY_WRAP does (clients wrapping with
 * OpenSSL concatenate the two files); the Huawei adapter splits it for the wire.
 * <ul>
 * <li>RSA_AES_KEY_WRAP_SHA_256: RSA-OAEP-SHA-256 of an AES-256 key (exactly the RSA
 * wrapping key's modulus length), then AES-KWP; wire {@code RSAES_OAEP_SHA_256}.</li>
 * <li>SM2_SM4_KEY_WRAP: the GM/T 0009 DER SM2 ciphertext of an SM4 key (its length read
 * from its DER header), then SM4-KWP; wire {@code SM2_ENCRYPT}.</li>
 * </ul>
 */
public final class HuaweiEnvelope {

	private HuaweiEnvelope() {
	}

	/**
	 * Whether material wrapped with the algorithm travels as two parts on Huawei:
	 * RSA_AES_KEY_WRAP_SHA_256 and SM2_SM4_KEY_WRAP.
	 */
	public static boolean isTwoPart(WrappingAlgorithm algorithm) {
		return algorithm == WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256
				|| algorithm == WrappingAlgorithm.SM2_SM4_KEY_WRAP;
	}

	/**
	 * Huawei's {@code wrapping_algorithm} for a Keyport algorithm, for
	 * get-parameters-for-import and import-key-material: RSAES_OAEP_SHA_256 and
	 * RSA_AES_KEY_WRAP_SHA_256 are {@code RSAES_OAEP_SHA_256}; SM2PKE and
	 * SM2_SM4_KEY_WRAP are {@code SM2_ENCRYPT}; the legacy RSAES_OAEP_SHA_1 and
	 * RSAES_PKCS1_V1_5 keep their names.
	 * @throws IllegalArgumentException for RSA_AES_KEY_WRAP_SHA_1, which Huawei's rules
	 * refuse
	 */
	public static String wireAlgorithm(WrappingAlgorithm algorithm) {
		return switch (Objects.requireNonNull(algorithm, "algorithm")) {
			case RSAES_OAEP_SHA_256, RSA_AES_KEY_WRAP_SHA_256 -> "RSAES_OAEP_SHA_256";
			case SM2PKE, SM2_SM4_KEY_WRAP -> "SM2_ENCRYPT";
			case RSAES_OAEP_SHA_1 -> "RSAES_OAEP_SHA_1";
			case RSAES_PKCS1_V1_5 -> "RSAES_PKCS1_V1_5";
			case RSA_AES_KEY_WRAP_SHA_1 ->
				throw new IllegalArgumentException("Huawei Cloud KMS has no RSA_AES_KEY_WRAP_SHA_1");
		};
	}

	/**
	 * The two parts of a two-part envelope. The first part's length comes from the
	 * wrapping key (RSA: its modulus length) or from the SM2 ciphertext's DER header; the
	 * second must be key-wrap output (a multiple of 8 bytes, at least 16).
	 * @throws WrappingException with {@code INVALID_ENCRYPTED_KEY_MATERIAL} when the
	 * material cannot be split (the message says why, never the bytes), or with
	 * {@code INCOMPATIBLE_WRAPPING_ALGORITHM} for a wrapping key spec of the wrong type
	 * @throws IllegalArgumentException for an algorithm that is not two-part
	 */
	public static Parts split(EncryptedKeyMaterial material, WrappingAlgorithm algorithm,
			WrappingKeySpec wrappingKeySpec) {
		Objects.requireNonNull(material, "material");
		Objects.requireNonNull(wrappingKeySpec, "wrappingKeySpec");
		if (!isTwoPart(algorithm)) {
			throw new IllegalArgumentException(algorithm + " is not a two-part envelope on Huawei");
		}
		byte[] bytes = material.bytes();
		int found = bytes.length;
		int first;
		String firstPart;
		if (algorithm == WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256) {
			if (!wrappingKeySpec.isRsa()) {
				throw Refusals.needsRsaWrappingKey(algorithm, wrappingKeySpec);
			}
			first = wrappingKeySpec.modulusBytes();
			firstPart = "an " + wrappingKeySpec + " RSA-OAEP block of " + first + " bytes";
		}
		else {
			if (wrappingKeySpec != WrappingKeySpec.SM2) {
				throw Refusals.incompatible("SM2_SM4_KEY_WRAP needs the SM2 wrapping key spec, got " + wrappingKeySpec);
			}
			first = Sm2Pke.leadingSequenceLength(bytes);
			if (first < 0) {
				throw Refusals.invalidEncrypted("expected an SM2 ciphertext (a GM/T 0009 DER SEQUENCE) followed by "
						+ "SM4-KWP output for SM2_SM4_KEY_WRAP; the " + found + " bytes do not start with a complete "
						+ "DER SEQUENCE");
			}
			firstPart = "an SM2 ciphertext of " + first + " bytes (from its DER header)";
		}
		int rest = found - first;
		if (rest < 16 || rest % 8 != 0) {
			String hint = (rest == 0) ? " (only the first part: one-part output, not " + algorithm + ")" : "";
			throw Refusals.invalidEncrypted("expected " + firstPart + " followed by key-wrap output (a multiple of 8 "
					+ "bytes, at least 16) for " + algorithm + "; got " + found + " bytes, leaving " + rest + hint);
		}
		return new Parts(Arrays.copyOfRange(bytes, 0, first), Arrays.copyOfRange(bytes, first, found));
	}

	/**
	 * The two wire parts. Not secret on their own, but never logged.
	 *
	 * @param encryptedKeyMaterial the temporary key under the wrapping key
	 * @param encryptedPrivateKey the PKCS#8 under the temporary key (AES-KWP or SM4-KWP)
	 */
	public record Parts(byte[] encryptedKeyMaterial, byte[] encryptedPrivateKey) {

		@Override
		public String toString() {
			return "Parts[" + this.encryptedKeyMaterial.length + " + " + this.encryptedPrivateKey.length + " bytes]";
		}

	}

}
