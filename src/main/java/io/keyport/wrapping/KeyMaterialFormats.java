package io.keyport.wrapping;

/**
 * Key material formats, apart from the rules and the wrapping: private keys brought into
 * the DER PKCS#8 that KMS imports ({@link PemPrivateKeys}, {@link Pkcs8Conversion}),
 * checked ({@link Pkcs8}), and their public key derived ({@link PublicKeyDerivation});
 * DER is read by {@link Der} and written by {@link DerWriter}. Symmetric and HMAC
 * material has no format beyond its length, which a provider's {@link ImportRules} check.
 */
public final class KeyMaterialFormats {

	private KeyMaterialFormats() {
	}

	/**
	 * Brings plaintext material into the form KMS imports: private keys given as PEM
	 * ({@code PRIVATE KEY}, {@code RSA PRIVATE KEY}, {@code EC PRIVATE KEY}) or as DER
	 * PKCS#1 or SEC1 become unencrypted DER PKCS#8. Symmetric and HMAC material, and
	 * material already in DER PKCS#8, come back as the same instance; otherwise the
	 * result is a new {@link KeyMaterial} that the caller must destroy as well. Whether
	 * the result fits the key spec is left to {@link ImportRules#checkMaterial}.
	 * @throws WrappingException with {@code INVALID_KEY_MATERIAL} for PEM that holds no
	 * usable private key (encrypted, a public key, several keys)
	 */
	public static KeyMaterial toImportFormat(KeyMaterial material, KeySpec keySpec) {
		if (!keySpec.isPrivateKey()) {
			return material;
		}
		byte[] bytes = material.bytes();
		byte[] converted = Pkcs8Conversion.toPkcs8(bytes, keySpec);
		return (converted == bytes) ? material : KeyMaterial.takeOwnership(converted);
	}

	/**
	 * The DER SubjectPublicKeyInfo of the private key in {@code pkcs8} (material that
	 * passed the material check), as KMS's GetPublicKey returns it after the import;
	 * {@code null} for symmetric and HMAC key specs. Only public values are kept.
	 * @throws WrappingException with {@code INVALID_KEY_MATERIAL} when the key is
	 * inconsistent (an EC key whose embedded public key is not its own)
	 */
	public static byte[] derivePublicKey(KeyMaterial pkcs8, KeySpec keySpec) {
		if (!keySpec.isPrivateKey()) {
			return null;
		}
		return PublicKeyDerivation.publicKey(pkcs8.bytes(), keySpec);
	}

	/**
	 * Checks private key material structurally: an unencrypted DER PKCS#8 of the key
	 * spec's algorithm and size.
	 * @throws WrappingException with {@code INVALID_KEY_MATERIAL}
	 */
	static void checkPrivateKey(KeyMaterial material, KeySpec keySpec) {
		Pkcs8.check(material.bytes(), keySpec);
	}

}
