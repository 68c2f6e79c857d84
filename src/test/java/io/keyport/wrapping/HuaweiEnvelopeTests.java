package io.keyport.wrapping;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.keyport.wrapping.WrappingAlgorithm.Hash;
import io.keyport.wrapping.WrappingException.Reason;

import static io.keyport.wrapping.WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256;
import static io.keyport.wrapping.WrappingAlgorithm.SM2_SM4_KEY_WRAP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link HuaweiEnvelope}: which algorithms travel in two parts, their wire names, and the
 * split of one blob into {@code encrypted_key_material} and {@code encrypted_privatekey};
 * also the SM2_SM4_KEY_WRAP scheme's own ciphertext check.
 */
class HuaweiEnvelopeTests {

	private static final KeyPair SM2_WRAPPING = TestKeys.generateEc("sm2p256v1");

	private static final WrappingPublicKey SM2_KEY = WrappingPublicKey.fromDer(SM2_WRAPPING.getPublic().getEncoded());

	private static final ImportRules HUAWEI = ImportRules.huawei(false);

	private final KeyMaterialWrapper wrapper = new KeyMaterialWrapper();

	@ParameterizedTest
	@EnumSource(WrappingAlgorithm.class)
	void onlyThePrivateKeyEnvelopesAreTwoPart(WrappingAlgorithm algorithm) {
		assertThat(HuaweiEnvelope.isTwoPart(algorithm))
			.isEqualTo(algorithm == RSA_AES_KEY_WRAP_SHA_256 || algorithm == SM2_SM4_KEY_WRAP);
	}

	@Test
	void wireAlgorithmsAreHuaweisNames() {
		assertThat(HuaweiEnvelope.wireAlgorithm(WrappingAlgorithm.RSAES_OAEP_SHA_256)).isEqualTo("RSAES_OAEP_SHA_256");
		assertThat(HuaweiEnvelope.wireAlgorithm(RSA_AES_KEY_WRAP_SHA_256)).isEqualTo("RSAES_OAEP_SHA_256");
		assertThat(HuaweiEnvelope.wireAlgorithm(WrappingAlgorithm.SM2PKE)).isEqualTo("SM2_ENCRYPT");
		assertThat(HuaweiEnvelope.wireAlgorithm(SM2_SM4_KEY_WRAP)).isEqualTo("SM2_ENCRYPT");
		assertThat(HuaweiEnvelope.wireAlgorithm(WrappingAlgorithm.RSAES_OAEP_SHA_1)).isEqualTo("RSAES_OAEP_SHA_1");
		assertThat(HuaweiEnvelope.wireAlgorithm(WrappingAlgorithm.RSAES_PKCS1_V1_5)).isEqualTo("RSAES_PKCS1_V1_5");
		assertThatThrownBy(() -> HuaweiEnvelope.wireAlgorithm(WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_1))
			.isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void rsaEnvelopeSplitsAtTheWrappingKeysModulusLength() throws Exception {
		byte[] pkcs8 = WrapRoundTripTests.privateKeyMaterial(KeySpec.RSA_3072);
		EncryptedKeyMaterial wrapped = this.wrapper.wrap(TestKeys.material(pkcs8),
				new ImportSpec(KeySpec.RSA_3072, RSA_AES_KEY_WRAP_SHA_256, WrappingKeySpec.RSA_2048, HUAWEI),
				TestKeys.wrappingKey(WrappingKeySpec.RSA_2048));

		HuaweiEnvelope.Parts parts = HuaweiEnvelope.split(wrapped, RSA_AES_KEY_WRAP_SHA_256, WrappingKeySpec.RSA_2048);

		assertThat(parts.encryptedKeyMaterial()).hasSize(256);
		assertThat(parts.encryptedPrivateKey()).hasSize(Kwp.wrappedLength(pkcs8.length));
		PrivateKey rsa = TestKeys.rsa(WrappingKeySpec.RSA_2048).getPrivate();
		byte[] aesKey = Unwrap.oaep(rsa, Hash.SHA_256, parts.encryptedKeyMaterial());
		assertThat(Unwrap.kwp(aesKey, parts.encryptedPrivateKey())).isEqualTo(pkcs8);
		assertThat(parts.toString()).isEqualTo("Parts[256 + " + parts.encryptedPrivateKey().length + " bytes]");
	}

	@Test
	void sm2EnvelopeSplitsWhereTheSm2CiphertextsDerHeaderSays() throws Exception {
		byte[] pkcs8 = WrapRoundTripTests.privateKeyMaterial(KeySpec.SM2);
		EncryptedKeyMaterial wrapped = this.wrapper.wrap(TestKeys.material(pkcs8),
				new ImportSpec(KeySpec.SM2, SM2_SM4_KEY_WRAP, WrappingKeySpec.SM2, HUAWEI), SM2_KEY);

		HuaweiEnvelope.Parts parts = HuaweiEnvelope.split(wrapped, SM2_SM4_KEY_WRAP, WrappingKeySpec.SM2);

		byte[] keyBlock = parts.encryptedKeyMaterial();
		assertThat(ASN1Primitive.fromByteArray(keyBlock).getEncoded(ASN1Encoding.DER)).isEqualTo(keyBlock);
		byte[] sm4Key = Sm2PkeTests.decrypt(SM2_WRAPPING.getPrivate(), keyBlock);
		assertThat(sm4Key).hasSize(16);
		assertThat(Unwrap.sm4Kwp(sm4Key, parts.encryptedPrivateKey())).isEqualTo(pkcs8);
	}

	/** 100 and 300 bytes under SM2: DER lengths in the one- and two-byte long forms. */
	@ParameterizedTest
	@ValueSource(ints = { 1, 100, 300 })
	void sm2CiphertextsOfEveryDerLengthFormSplitExactly(int messageLength) {
		byte[] sm2 = Sm2Pke.encrypt(SM2_KEY.publicKey(), TestKeys.random(messageLength), new SecureRandom());
		byte[] rest = TestKeys.random(24);
		byte[] envelope = concat(sm2, rest);

		HuaweiEnvelope.Parts parts = HuaweiEnvelope.split(EncryptedKeyMaterial.of(envelope), SM2_SM4_KEY_WRAP,
				WrappingKeySpec.SM2);

		assertThat(parts.encryptedKeyMaterial()).isEqualTo(sm2);
		assertThat(parts.encryptedPrivateKey()).isEqualTo(rest);
	}

	@Test
	void rsaEnvelopesThatCannotBeSplitAreRefusedWithTheReason() {
		assertNotSplit(TestKeys.random(256), RSA_AES_KEY_WRAP_SHA_256, WrappingKeySpec.RSA_2048,
				"expected an RSA_2048 RSA-OAEP block of 256 bytes followed by key-wrap output (a multiple of 8 "
						+ "bytes, at least 16) for RSA_AES_KEY_WRAP_SHA_256; got 256 bytes, leaving 0 (only the first "
						+ "part: one-part output, not RSA_AES_KEY_WRAP_SHA_256)");
		assertNotSplit(TestKeys.random(256 + 20), RSA_AES_KEY_WRAP_SHA_256, WrappingKeySpec.RSA_2048,
				"got 276 bytes, leaving 20");
		assertNotSplit(TestKeys.random(100), RSA_AES_KEY_WRAP_SHA_256, WrappingKeySpec.RSA_4096, "leaving -412");
		assertThatThrownBy(() -> HuaweiEnvelope.split(EncryptedKeyMaterial.of(TestKeys.random(300)),
				RSA_AES_KEY_WRAP_SHA_256, WrappingKeySpec.SM2))
			.isInstanceOfSatisfying(WrappingException.class,
					(ex) -> assertThat(ex.reason()).isEqualTo(Reason.INCOMPATIBLE_WRAPPING_ALGORITHM));
	}

	@Test
	void sm2EnvelopesThatCannotBeSplitAreRefusedWithTheReason() {
		String noSequence = "expected an SM2 ciphertext (a GM/T 0009 DER SEQUENCE) followed by SM4-KWP output for "
				+ "SM2_SM4_KEY_WRAP; the ";
		byte[] notDer = TestKeys.random(200);
		notDer[0] = 0x04;
		assertNotSplit(notDer, SM2_SM4_KEY_WRAP, WrappingKeySpec.SM2, noSequence + "200 bytes do not start");
		// a length beyond the end, a non-minimal length, an indefinite (BER) length
		assertNotSplit(bytes(0x30, 0x82, 0x01, 0x00, 0, 0), SM2_SM4_KEY_WRAP, WrappingKeySpec.SM2, noSequence);
		assertNotSplit(bytes(0x30, 0x81, 0x10, 0, 0, 0), SM2_SM4_KEY_WRAP, WrappingKeySpec.SM2, noSequence);
		assertNotSplit(bytes(0x30, 0x80, 0, 0), SM2_SM4_KEY_WRAP, WrappingKeySpec.SM2, noSequence);
		byte[] sm2 = Sm2Pke.encrypt(SM2_KEY.publicKey(), TestKeys.random(16), new SecureRandom());
		assertNotSplit(sm2, SM2_SM4_KEY_WRAP, WrappingKeySpec.SM2, "leaving 0 (only the first part");
		assertNotSplit(concat(sm2, TestKeys.random(20)), SM2_SM4_KEY_WRAP, WrappingKeySpec.SM2, "leaving 20");
		assertThatThrownBy(
				() -> HuaweiEnvelope.split(EncryptedKeyMaterial.of(sm2), SM2_SM4_KEY_WRAP, WrappingKeySpec.RSA_2048))
			.isInstanceOfSatisfying(WrappingException.class, (ex) -> {
				assertThat(ex.reason()).isEqualTo(Reason.INCOMPATIBLE_WRAPPING_ALGORITHM);
				assertThat(ex.getMessage()).isEqualTo("SM2_SM4_KEY_WRAP needs the SM2 wrapping key spec, got RSA_2048");
			});
		assertThatThrownBy(
				() -> HuaweiEnvelope.split(EncryptedKeyMaterial.of(sm2), WrappingAlgorithm.SM2PKE, WrappingKeySpec.SM2))
			.isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void sm2Sm4KeyWrapCheckAcceptsItsOutputAndRefusesImplausibleCiphertext() {
		WrappingScheme scheme = WrappingSchemes.forAlgorithm(SM2_SM4_KEY_WRAP);
		ImportSpec spec = new ImportSpec(KeySpec.SM2, SM2_SM4_KEY_WRAP, WrappingKeySpec.SM2, HUAWEI);
		scheme.checkCiphertext(scheme.wrap(TestKeys.random(138), spec, SM2_KEY, new SecureRandom()), SM2_KEY);
		// a 32-byte temporary key is AES-sized, not SM4
		byte[] aesSized = concat(Sm2Pke.encrypt(SM2_KEY.publicKey(), TestKeys.random(32), new SecureRandom()),
				TestKeys.random(152));
		assertThatThrownBy(() -> scheme.checkCiphertext(EncryptedKeyMaterial.of(aesSized), SM2_KEY))
			.isInstanceOfSatisfying(WrappingException.class, (ex) -> {
				assertThat(ex.reason()).isEqualTo(Reason.INVALID_ENCRYPTED_KEY_MATERIAL);
				assertThat(ex.getMessage()).isEqualTo(
						"the SM2 ciphertext of SM2_SM4_KEY_WRAP carries 32 bytes; the " + "temporary SM4 key is 16");
			});
		byte[] sm2 = Sm2Pke.encrypt(SM2_KEY.publicKey(), TestKeys.random(16), new SecureRandom());
		byte[] offCurve = concat(sm2, TestKeys.random(152));
		offCurve[10] ^= 1;
		assertThatThrownBy(() -> scheme.checkCiphertext(EncryptedKeyMaterial.of(offCurve), SM2_KEY))
			.isInstanceOfSatisfying(WrappingException.class, (ex) -> {
				assertThat(ex.reason()).isEqualTo(Reason.INVALID_ENCRYPTED_KEY_MATERIAL);
				assertThat(ex.getMessage()).contains("not a point on the SM2 curve");
			});
		assertThatThrownBy(() -> scheme.checkCiphertext(EncryptedKeyMaterial.of(offCurve),
				TestKeys.wrappingKey(WrappingKeySpec.RSA_2048)))
			.isInstanceOfSatisfying(WrappingException.class,
					(ex) -> assertThat(ex.reason()).isEqualTo(Reason.INCOMPATIBLE_WRAPPING_ALGORITHM));
	}

	@Test
	void sm2Sm4KeyWrapCapacityKeepsTheUploadWithin6144Bytes() {
		WrappingScheme scheme = WrappingSchemes.forAlgorithm(SM2_SM4_KEY_WRAP);
		assertThat(Sm2Pke.maxLength(16)).isEqualTo(124);
		assertThat(scheme.capacity(WrappingKeySpec.SM2)).isEqualTo(6008);
		assertThat(124 + Kwp.wrappedLength(6008)).isLessThanOrEqualTo(6144);
		assertThat(124 + Kwp.wrappedLength(6009)).isGreaterThan(6144);
		assertThat(scheme.capacity(WrappingKeySpec.RSA_2048)).isZero();
		ImportSpec spec = new ImportSpec(KeySpec.SM2, SM2_SM4_KEY_WRAP, WrappingKeySpec.SM2, HUAWEI);
		assertThatThrownBy(() -> scheme.wrap(new byte[6009], spec, SM2_KEY, new SecureRandom())).isInstanceOfSatisfying(
				WrappingException.class, (ex) -> assertThat(ex.reason()).isEqualTo(Reason.KEY_MATERIAL_TOO_LARGE));
	}

	/**
	 * The client-side recipe for Huawei (seed 003's commands, as the README shows them):
	 * an OpenSSL EC_P256 key, a random AES-256 key under OAEP SHA-256, the PKCS#8 under
	 * AES-KWP, the two files concatenated; Keyport accepts the upload, splits it back
	 * into exactly the two files, and OpenSSL's PKCS#8 already carries the public key.
	 */
	@Test
	void openSslTwoFilesConcatenatedPassTheCheckAndSplitBackIntoThoseFiles(@TempDir Path work) throws Exception {
		assumeTrue(OpenSsl.available(), "openssl is not on the PATH");
		WrappingPublicKey wrappingKey = TestKeys.wrappingKey(WrappingKeySpec.RSA_2048);
		Files.write(work.resolve("PublicKey.bin"), wrappingKey.der());
		OpenSsl.run(work, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ec.pem");
		OpenSsl.run(work, "pkcs8", "-topk8", "-nocrypt", "-outform", "DER", "-in", "ec.pem", "-out", "PrivateKey.der");
		OpenSsl.run(work, "rand", "-out", "aes.bin", "32");
		OpenSsl.run(work, "pkeyutl", "-encrypt", "-in", "aes.bin", "-inkey", "PublicKey.bin", "-keyform", "der",
				"-pubin", "-out", "key.enc", "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256");
		OpenSsl.run(work, "enc", "-id-aes256-wrap-pad", "-K",
				HexFormat.of().formatHex(Files.readAllBytes(work.resolve("aes.bin"))), "-iv", "A65959A6", "-in",
				"PrivateKey.der", "-out", "priv.enc");
		byte[] keyEnc = Files.readAllBytes(work.resolve("key.enc"));
		byte[] privEnc = Files.readAllBytes(work.resolve("priv.enc"));
		EncryptedKeyMaterial upload = EncryptedKeyMaterial.of(concat(keyEnc, privEnc));
		ImportSpec spec = new ImportSpec(KeySpec.ECC_NIST_P256, RSA_AES_KEY_WRAP_SHA_256, WrappingKeySpec.RSA_2048,
				HUAWEI);

		this.wrapper.checkEncrypted(upload, spec, wrappingKey);
		HuaweiEnvelope.Parts parts = HuaweiEnvelope.split(upload, RSA_AES_KEY_WRAP_SHA_256, WrappingKeySpec.RSA_2048);

		assertThat(parts.encryptedKeyMaterial()).isEqualTo(keyEnc);
		assertThat(parts.encryptedPrivateKey()).isEqualTo(privEnc);
		byte[] pkcs8 = Files.readAllBytes(work.resolve("PrivateKey.der"));
		assertThat(Unwrap.rsaAesKeyWrap(TestKeys.rsa(WrappingKeySpec.RSA_2048).getPrivate(), Hash.SHA_256, 256,
				upload.bytes()))
			.isEqualTo(pkcs8);
		try (KeyMaterial material = TestKeys.material(pkcs8)) {
			assertThat(HUAWEI.prepare(material, KeySpec.ECC_NIST_P256)).isSameAs(material);
		}
	}

	private static void assertNotSplit(byte[] bytes, WrappingAlgorithm algorithm, WrappingKeySpec wrappingKeySpec,
			String message) {
		assertThatThrownBy(() -> HuaweiEnvelope.split(EncryptedKeyMaterial.of(bytes), algorithm, wrappingKeySpec))
			.isInstanceOfSatisfying(WrappingException.class, (ex) -> {
				assertThat(ex.reason()).isEqualTo(Reason.INVALID_ENCRYPTED_KEY_MATERIAL);
				assertThat(ex.getMessage()).contains(message);
				// never the bytes themselves
				assertThat(ex.getMessage()).doesNotContainIgnoringCase(HexFormat.of().formatHex(bytes, 0, 4));
			});
	}

	private static byte[] bytes(int... values) {
		byte[] out = new byte[values.length];
		for (int i = 0; i < values.length; i++) {
			out[i] = (byte) values[i];
		}
		return out;
	}

	private static byte[] concat(byte[] a, byte[] b) {
		byte[] out = Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, out, a.length, b.length);
		return out;
	}

}
