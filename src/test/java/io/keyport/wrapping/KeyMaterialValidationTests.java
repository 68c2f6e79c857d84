package io.keyport.wrapping;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import io.keyport.wrapping.WrappingException.Reason;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code checkMaterial}: exact lengths for symmetric and HMAC keys, DER PKCS#8 of the
 * right key for the others.
 */
class KeyMaterialValidationTests {

	private final WrapCalls wrapper = new WrapCalls();

	@ParameterizedTest
	@EnumSource(value = KeySpec.class, names = { "SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512" })
	void symmetricAndHmacMaterialOfTheExactLengthPasses(KeySpec keySpec) {
		this.wrapper.checkMaterial(TestKeys.material(TestKeys.random(keySpec.materialBytes())), keySpec);
	}

	@ParameterizedTest
	@CsvSource({ "SYMMETRIC_DEFAULT, 31, expected 32 bytes for SYMMETRIC_DEFAULT, got 31",
			"SYMMETRIC_DEFAULT, 33, expected 32 bytes for SYMMETRIC_DEFAULT, got 33",
			"SYMMETRIC_DEFAULT, 0, expected 32 bytes for SYMMETRIC_DEFAULT, got 0",
			"SYMMETRIC_DEFAULT, 16, expected 32 bytes for SYMMETRIC_DEFAULT, got 16",
			"HMAC_224, 32, expected 28 bytes for HMAC_224, got 32",
			"HMAC_256, 28, expected 32 bytes for HMAC_256, got 28",
			"HMAC_384, 47, expected 48 bytes for HMAC_384, got 47",
			"HMAC_512, 65, expected 64 bytes for HMAC_512, got 65" })
	void symmetricAndHmacMaterialOfAnotherLengthIsRefusedWithBothLengths(KeySpec keySpec, int length, String message) {
		assertRefused(TestKeys.random(length), keySpec, Reason.INVALID_KEY_MATERIAL_LENGTH, message);
	}

	@Test
	void hexOrBase64TextInsteadOfBinaryGetsAHint() {
		byte[] key = TestKeys.random(32);
		byte[] hex = HexFormat.of().formatHex(key).getBytes(StandardCharsets.US_ASCII);
		byte[] base64 = Base64.getEncoder().encode(key);
		assertRefused(hex, KeySpec.SYMMETRIC_DEFAULT, Reason.INVALID_KEY_MATERIAL_LENGTH,
				"expected 32 bytes for SYMMETRIC_DEFAULT, got 64 (hex text? the material must be raw binary)");
		assertRefused(base64, KeySpec.SYMMETRIC_DEFAULT, Reason.INVALID_KEY_MATERIAL_LENGTH,
				"expected 32 bytes for SYMMETRIC_DEFAULT, got 44 (base64 text? the material must be raw binary)");
	}

	@Test
	void destroyedMaterialIsRefused() {
		KeyMaterial material = KeyMaterial.takeOwnership(TestKeys.random(32));
		material.destroy();
		assertThatThrownBy(() -> this.wrapper.checkMaterial(material, KeySpec.SYMMETRIC_DEFAULT))
			.isInstanceOfSatisfying(WrappingException.class,
					(ex) -> assertThat(ex.reason()).isEqualTo(Reason.INVALID_KEY_MATERIAL));
	}

	@ParameterizedTest
	@EnumSource(value = KeySpec.class, names = { "ECC_NIST_EDWARDS25519", "ML_DSA_44", "ML_DSA_65", "ML_DSA_87" })
	void notImportableKeySpecsAreUnsupported(KeySpec keySpec) {
		assertRefused(TestKeys.random(32), keySpec, Reason.UNSUPPORTED_KEY_SPEC, "does not document importing");
	}

	@ParameterizedTest
	@EnumSource(value = WrappingKeySpec.class, names = { "RSA_2048", "RSA_3072", "RSA_4096" })
	void jdkRsaPkcs8PassesForItsSizeOnly(WrappingKeySpec size) {
		byte[] pkcs8 = TestKeys.rsa(size).getPrivate().getEncoded();
		KeySpec keySpec = KeySpec.valueOf(size.name());
		this.wrapper.checkMaterial(TestKeys.material(pkcs8), keySpec);
		KeySpec other = (keySpec == KeySpec.RSA_2048) ? KeySpec.RSA_4096 : KeySpec.RSA_2048;
		assertRefused(pkcs8, other, Reason.INVALID_KEY_MATERIAL,
				"expected an unencrypted DER PKCS#8 rsaEncryption " + "private key with a " + other.keyBits()
						+ "-bit modulus for " + other + "; found " + pkcs8.length + " bytes: the RSA modulus has "
						+ size.bits() + " bits");
	}

	@ParameterizedTest
	@CsvSource({ "ECC_NIST_P256, secp256r1, false", "ECC_NIST_P384, secp384r1, false",
			"ECC_NIST_P521, secp521r1, false", "ECC_NIST_P256, secp256r1, true", "ECC_NIST_P384, secp384r1, true",
			"ECC_NIST_P521, secp521r1, true", "ECC_SECG_P256K1, secp256k1, true", "SM2, sm2p256v1, true" })
	void ecPkcs8FromTheJdkAndBouncyCastlePasses(KeySpec keySpec, String curve, boolean bouncyCastle) {
		byte[] pkcs8 = TestKeys.ec(curve, bouncyCastle).getPrivate().getEncoded();
		this.wrapper.checkMaterial(TestKeys.material(pkcs8), keySpec);
	}

	@Test
	void ecKeyOnAnotherCurveIsRefusedNamingBothCurves() {
		byte[] p256 = TestKeys.ec("secp256r1", false).getPrivate().getEncoded();
		assertRefused(p256, KeySpec.ECC_NIST_P384, Reason.INVALID_KEY_MATERIAL,
				"expected an unencrypted DER PKCS#8 id-ecPublicKey private key on P-384 (secp384r1), OID 1.3.132.0.34 "
						+ "for ECC_NIST_P384; found " + p256.length + " bytes: the key is on P-256 (secp256r1)");
		byte[] sm2 = TestKeys.ec("sm2p256v1", true).getPrivate().getEncoded();
		assertRefused(sm2, KeySpec.ECC_NIST_P256, Reason.INVALID_KEY_MATERIAL, "the key is on SM2 (sm2p256v1)");
		assertRefused(p256, KeySpec.SM2, Reason.INVALID_KEY_MATERIAL, "the key is on P-256");
	}

	@Test
	void keyOfAnotherAlgorithmIsRefusedNamingIt() throws Exception {
		byte[] rsa = TestKeys.rsa(WrappingKeySpec.RSA_2048).getPrivate().getEncoded();
		assertRefused(rsa, KeySpec.ECC_NIST_P256, Reason.INVALID_KEY_MATERIAL,
				"the PKCS#8 algorithm is rsaEncryption, OID 1.2.840.113549.1.1.1");
		byte[] ec = TestKeys.ec("secp256r1", false).getPrivate().getEncoded();
		assertRefused(ec, KeySpec.RSA_2048, Reason.INVALID_KEY_MATERIAL,
				"the PKCS#8 algorithm is id-ecPublicKey, OID 1.2.840.10045.2.1 on P-256 (secp256r1)");
		byte[] ed25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate().getEncoded();
		assertRefused(ed25519, KeySpec.ECC_NIST_P256, Reason.INVALID_KEY_MATERIAL, "the PKCS#8 algorithm is Ed25519");
	}

	@Test
	void pkcs1AndSec1AndPemAndEncryptedPkcs8GetConversionHints() throws Exception {
		byte[] rsaPkcs8 = TestKeys.rsa(WrappingKeySpec.RSA_2048).getPrivate().getEncoded();
		byte[] pkcs1 = PrivateKeyInfo.getInstance(rsaPkcs8).parsePrivateKey().toASN1Primitive().getEncoded();
		assertRefused(pkcs1, KeySpec.RSA_2048, Reason.INVALID_KEY_MATERIAL,
				"it looks like a PKCS#1 or SEC1 private key, not PKCS#8; "
						+ "convert with 'openssl pkcs8 -topk8 -outform der -nocrypt'");
		byte[] ecPkcs8 = TestKeys.ec("secp256r1", true).getPrivate().getEncoded();
		byte[] sec1 = PrivateKeyInfo.getInstance(ecPkcs8).parsePrivateKey().toASN1Primitive().getEncoded();
		assertRefused(sec1, KeySpec.ECC_NIST_P256, Reason.INVALID_KEY_MATERIAL, "PKCS#1 or SEC1");
		byte[] pem = ("-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(ecPkcs8)
				+ "\n-----END PRIVATE KEY-----\n")
			.getBytes(StandardCharsets.US_ASCII);
		assertRefused(pem, KeySpec.ECC_NIST_P256, Reason.INVALID_KEY_MATERIAL, "it looks like PEM text");
		// EncryptedPrivateKeyInfo ::= SEQUENCE { AlgorithmIdentifier, OCTET STRING }
		byte[] encrypted = HexFormat.of().parseHex("3019300d06092a864886f70d01050d050004080011223344556677");
		assertRefused(encrypted, KeySpec.ECC_NIST_P256, Reason.INVALID_KEY_MATERIAL, "encrypted PKCS#8");
	}

	@Test
	void structurallyBrokenPkcs8IsRefused() {
		byte[] pkcs8 = TestKeys.ec("secp256r1", false).getPrivate().getEncoded();
		assertRefused(new byte[0], KeySpec.ECC_NIST_P256, Reason.INVALID_KEY_MATERIAL, "found 0 bytes");
		assertRefused(Arrays.copyOf(pkcs8, pkcs8.length - 1), KeySpec.ECC_NIST_P256, Reason.INVALID_KEY_MATERIAL,
				"PrivateKeyInfo SEQUENCE at offset 0 is longer than the");
		assertRefused(Arrays.copyOf(pkcs8, pkcs8.length + 2), KeySpec.ECC_NIST_P256, Reason.INVALID_KEY_MATERIAL,
				"2 unexpected bytes after the PrivateKeyInfo");
		byte[] indefinite = pkcs8.clone();
		indefinite[1] = (byte) 0x80;
		assertRefused(indefinite, KeySpec.ECC_NIST_P256, Reason.INVALID_KEY_MATERIAL, "indefinite length");
	}

	@Test
	void randomCorruptionsAreRefusedWithInvalidKeyMaterialOnly() {
		// the in-place DER reader must never throw anything but WrappingException,
		// whatever the bytes
		Random random = new Random(5649);
		byte[][] samples = { TestKeys.ec("secp256r1", false).getPrivate().getEncoded(),
				TestKeys.ec("secp521r1", true).getPrivate().getEncoded(),
				TestKeys.rsa(WrappingKeySpec.RSA_2048).getPrivate().getEncoded() };
		KeySpec[] specs = { KeySpec.ECC_NIST_P256, KeySpec.ECC_NIST_P521, KeySpec.RSA_2048 };
		for (int round = 0; round < 3000; round++) {
			int which = round % samples.length;
			byte[] corrupt = samples[which].clone();
			switch (random.nextInt(3)) {
				case 0 -> corrupt[random.nextInt(corrupt.length)] = (byte) random.nextInt(256);
				case 1 -> corrupt = Arrays.copyOf(corrupt, random.nextInt(corrupt.length));
				default -> {
					int at = random.nextInt(Math.min(40, corrupt.length));
					corrupt[at] = (byte) (0x80 | random.nextInt(0x80));
				}
			}
			try {
				this.wrapper.checkMaterial(KeyMaterial.takeOwnership(corrupt), specs[which]);
			}
			catch (WrappingException ex) {
				assertThat(ex.reason()).isEqualTo(Reason.INVALID_KEY_MATERIAL);
			}
		}
	}

	private void assertRefused(byte[] bytes, KeySpec keySpec, Reason reason, String message) {
		assertThatThrownBy(() -> this.wrapper.checkMaterial(TestKeys.material(bytes), keySpec))
			.isInstanceOfSatisfying(WrappingException.class, (ex) -> {
				assertThat(ex.reason()).isEqualTo(reason);
				assertThat(ex.getMessage()).contains(message);
			});
	}

}
