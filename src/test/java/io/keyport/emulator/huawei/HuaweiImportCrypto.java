package io.keyport.emulator.huawei;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.RFC5649WrapEngine;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.params.KeyParameter;

import io.keyport.emulator.ImportCrypto;
import io.keyport.emulator.KmsServiceError;

/**
 * Unwraps what import-key-material receives, as Huawei documents it, and checks the
 * plaintext against the key spec with Huawei's error codes. The RSA-OAEP and SM2
 * decryption and the private-key checks are the AWS emulator's ({@link ImportCrypto}),
 * which share no code with Keyport's wrapping.
 */
final class HuaweiImportCrypto {

	private HuaweiImportCrypto() {
	}

	/**
	 * Decrypts {@code encrypted_key_material}: the symmetric material, or the temporary
	 * key of a private-key import. Any failure is KMS.0311.
	 */
	static byte[] decrypt(String algorithm, PrivateKey wrappingKey, byte[] encrypted) {
		try {
			return switch (algorithm) {
				case "RSAES_OAEP_SHA_256", "RSAES_OAEP_SHA_1" -> ImportCrypto.unwrap(algorithm, wrappingKey, encrypted);
				case "SM2_ENCRYPT" -> ImportCrypto.unwrap("SM2PKE", wrappingKey, encrypted);
				case "RSAES_PKCS1_V1_5" -> pkcs1(wrappingKey, encrypted);
				default -> throw new IllegalStateException("Unexpected wrapping algorithm " + algorithm);
			};
		}
		catch (KmsServiceError ex) {
			throw decryptionFailed();
		}
	}

	private static byte[] pkcs1(PrivateKey wrappingKey, byte[] encrypted) {
		if (encrypted.length != 256) {
			throw decryptionFailed();
		}
		try {
			Cipher cipher = Cipher.getInstance("RSA/ECB/PKCS1Padding");
			cipher.init(Cipher.DECRYPT_MODE, wrappingKey);
			return cipher.doFinal(encrypted);
		}
		catch (GeneralSecurityException ex) {
			throw decryptionFailed();
		}
	}

	private static HuaweiKmsError decryptionFailed() {
		return HuaweiKmsError.of("KMS.0311",
				"Failed to decrypt the key material with the wrapping key of the import token.");
	}

	/**
	 * Unwraps {@code encrypted_privatekey}: RFC 5649 key wrap with padding under the
	 * temporary key, AES (16 or 32 bytes) for RSA wrapping algorithms, SM4 (16 bytes) for
	 * SM2_ENCRYPT.
	 */
	static byte[] unwrapPrivateKey(String algorithm, byte[] temporaryKey, byte[] wrapped) {
		boolean sm4 = algorithm.equals("SM2_ENCRYPT");
		if (sm4 ? temporaryKey.length != 16 : (temporaryKey.length != 16 && temporaryKey.length != 32)) {
			throw HuaweiKmsError.of("KMS.2610", "The temporary key must be "
					+ (sm4 ? "a 16-byte SM4 key" : "16 or 32 bytes") + ", not " + temporaryKey.length + " bytes.");
		}
		try {
			if (sm4) {
				RFC5649WrapEngine engine = new RFC5649WrapEngine(new SM4Engine());
				engine.init(false, new KeyParameter(temporaryKey));
				return engine.unwrap(wrapped, 0, wrapped.length);
			}
			Cipher kwp = Cipher.getInstance("AES/KWP/NoPadding");
			kwp.init(Cipher.DECRYPT_MODE, new SecretKeySpec(temporaryKey, "AES"));
			return kwp.doFinal(wrapped);
		}
		catch (GeneralSecurityException | InvalidCipherTextException | RuntimeException ex) {
			throw HuaweiKmsError.of("KMS.2609", "The private key could not be unwrapped with the temporary key ("
					+ (sm4 ? "SM4" : "AES") + " key wrap with padding, RFC 5649).");
		}
	}

	/** What is kept of valid material: an identity for reimports, and the public key. */
	record Validated(byte[] identity, byte[] publicKey) {
	}

	static Validated validate(HuaweiKeySpec spec, byte[] material) {
		if (spec.isSymmetric()) {
			if (material.length != spec.materialLength()) {
				throw HuaweiKmsError.of("KMS.2604", "The key material of a " + spec + " key must be "
						+ spec.materialLength() + " bytes, not " + material.length + ".");
			}
			return new Validated(ImportCrypto.sha256(material), null);
		}
		ImportCrypto.ValidatedMaterial validated;
		try {
			validated = ImportCrypto.validate(spec.privateKeyRules(), material, 0);
		}
		catch (KmsServiceError ex) {
			throw HuaweiKmsError.of("KMS.2609", "Invalid private key for a " + spec + " key: " + ex.getMessage());
		}
		if (spec.isEc() && !hasEmbeddedPublicKey(material)) {
			throw HuaweiKmsError.of("KMS.2609", "The " + spec
					+ " private key must carry its public key (the optional publicKey of the ECPrivateKey).");
		}
		return new Validated(validated.identity(), validated.publicKey());
	}

	private static boolean hasEmbeddedPublicKey(byte[] pkcs8) {
		try {
			PrivateKeyInfo info = PrivateKeyInfo.getInstance(ASN1Primitive.fromByteArray(pkcs8));
			return ECPrivateKey.getInstance(info.parsePrivateKey()).getPublicKey() != null;
		}
		catch (IOException | RuntimeException ex) {
			return false;
		}
	}

	static void erase(byte[] bytes) {
		if (bytes != null) {
			Arrays.fill(bytes, (byte) 0);
		}
	}

}
