package io.keyport.wrapping;

/**
 * Huawei's two-part envelope for private keys (seed 003): a fresh temporary key under the
 * wrapping key ({@code encrypted_key_material}) and the PKCS#8 under the temporary key
 * ({@code encrypted_privatekey}). Keyport holds it as one {@link EncryptedKeyMaterial},
 * the two parts concatenated as AWS's RSA_AES_KEY_WRAP does; the Huawei adapter splits it
 * for the wire. PLACEHOLDER fixing the contract between the helpers of issue 12; the
 * wrapping helper implements it.
 */
public final class HuaweiEnvelope {

	private HuaweiEnvelope() {
	}

	/**
	 * Whether material wrapped with the algorithm travels as two parts on Huawei.
	 */
	public static boolean isTwoPart(WrappingAlgorithm algorithm) {
		throw new UnsupportedOperationException("issue 12: HuaweiEnvelope");
	}

	/**
	 * The two parts of a two-part envelope.
	 * @throws WrappingException with {@code INVALID_CIPHERTEXT}-like reason when the
	 * material cannot be split
	 */
	public static Parts split(EncryptedKeyMaterial material, WrappingAlgorithm algorithm,
			WrappingKeySpec wrappingKeySpec) {
		throw new UnsupportedOperationException("issue 12: HuaweiEnvelope");
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
