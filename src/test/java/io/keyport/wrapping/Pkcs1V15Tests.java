package io.keyport.wrapping;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;
import java.util.stream.Stream;

import javax.crypto.Cipher;

import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

import io.keyport.wrapping.WrappingException.Reason;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * RSAES_PKCS1_V1_5 for providers other than AWS: {@code wrap} produces it, the AWS rules
 * keep refusing it.
 */
class Pkcs1V15Tests {

	private final WrapCalls wrapper = new WrapCalls();

	@ParameterizedTest
	@EnumSource(value = WrappingKeySpec.class, names = { "RSA_2048", "RSA_3072", "RSA_4096" })
	void wrapsSymmetricMaterialThatTheJdkDecrypts(WrappingKeySpec spec) throws Exception {
		byte[] plaintext = TestKeys.random(32);
		EncryptedKeyMaterial wrapped = this.wrapper.wrap(TestKeys.material(plaintext), KeySpec.SYMMETRIC_DEFAULT,
				TestKeys.wrappingKey(spec), WrappingAlgorithm.RSAES_PKCS1_V1_5);
		assertThat(wrapped.length()).isEqualTo(spec.modulusBytes());
		assertThat(decrypt(TestKeys.rsa(spec).getPrivate(), wrapped.bytes())).isEqualTo(plaintext);
	}

	@Test
	void materialUpToKMinus11BytesFitsAndLongerIsTooLarge() throws Exception {
		WrappingPublicKey key = TestKeys.wrappingKey(WrappingKeySpec.RSA_2048);
		KeyPair ec = TestKeys.ec("secp384r1", true);
		byte[] p384 = ec.getPrivate().getEncoded();
		assertThat(p384.length).isLessThanOrEqualTo(245);
		EncryptedKeyMaterial wrapped = this.wrapper.wrap(TestKeys.material(p384), KeySpec.ECC_NIST_P384, key,
				WrappingAlgorithm.RSAES_PKCS1_V1_5);
		assertThat(decrypt(TestKeys.rsa(WrappingKeySpec.RSA_2048).getPrivate(), wrapped.bytes())).isEqualTo(p384);

		byte[] p521 = TestKeys.ec("secp521r1", true).getPrivate().getEncoded();
		assertThat(p521.length).isGreaterThan(245);
		assertThatThrownBy(() -> this.wrapper.wrap(TestKeys.material(p521), KeySpec.ECC_NIST_P521, key,
				WrappingAlgorithm.RSAES_PKCS1_V1_5))
			.isInstanceOfSatisfying(WrappingException.class, (ex) -> {
				assertThat(ex.reason()).isEqualTo(Reason.KEY_MATERIAL_TOO_LARGE);
				assertThat(ex.getMessage()).isEqualTo("ECC_NIST_P521 key material of " + p521.length
						+ " bytes does not fit RSAES_PKCS1_V1_5 under an RSA_2048 wrapping key (at most 245 bytes)");
			});
	}

	@Test
	void materialIsStillCheckedAndAnSm2WrappingKeyIsRefused() {
		WrappingPublicKey rsa = TestKeys.wrappingKey(WrappingKeySpec.RSA_2048);
		assertThatThrownBy(() -> this.wrapper.wrap(TestKeys.material(TestKeys.random(31)), KeySpec.SYMMETRIC_DEFAULT,
				rsa, WrappingAlgorithm.RSAES_PKCS1_V1_5))
			.isInstanceOfSatisfying(WrappingException.class,
					(ex) -> assertThat(ex.reason()).isEqualTo(Reason.INVALID_KEY_MATERIAL_LENGTH));
		WrappingPublicKey sm2 = WrappingPublicKey.fromDer(TestKeys.ec("sm2p256v1", true).getPublic().getEncoded());
		assertThatThrownBy(() -> this.wrapper.wrap(TestKeys.material(TestKeys.random(16)), KeySpec.SYMMETRIC_DEFAULT,
				sm2, WrappingAlgorithm.RSAES_PKCS1_V1_5, Partition.CHINA))
			.isInstanceOfSatisfying(WrappingException.class, (ex) -> {
				assertThat(ex.reason()).isEqualTo(Reason.INCOMPATIBLE_WRAPPING_ALGORITHM);
				assertThat(ex.getMessage()).contains("needs an RSA wrapping key");
			});
	}

	@ParameterizedTest
	@EnumSource(Partition.class)
	void awsRulesStillRefuseIt(Partition partition) {
		for (WrappingKeySpec spec : List.of(WrappingKeySpec.RSA_2048, WrappingKeySpec.RSA_4096)) {
			assertThat(this.wrapper.compatibleAlgorithms(KeySpec.SYMMETRIC_DEFAULT, spec, partition))
				.doesNotContain(WrappingAlgorithm.RSAES_PKCS1_V1_5);
			assertThatThrownBy(() -> this.wrapper.checkCompatible(KeySpec.SYMMETRIC_DEFAULT,
					WrappingAlgorithm.RSAES_PKCS1_V1_5, spec, partition))
				.isInstanceOfSatisfying(WrappingException.class, (ex) -> {
					assertThat(ex.reason()).isEqualTo(Reason.UNSUPPORTED_WRAPPING_ALGORITHM);
					assertThat(ex.getMessage())
						.startsWith("AWS KMS no longer accepts RSAES_PKCS1_V1_5 (since 2023-10-10)");
				});
		}
		assertThat(this.wrapper.wrappingOptions(KeySpec.SYMMETRIC_DEFAULT, partition))
			.noneMatch((option) -> option.algorithm() == WrappingAlgorithm.RSAES_PKCS1_V1_5);
	}

	@Test
	void openSslDecryptsKeyportOutput(@TempDir Path dir) throws Exception {
		assumeTrue(OpenSsl.available(), "openssl is not on the PATH");
		OpenSsl.run(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "key.pem");
		OpenSsl.run(dir, "pkey", "-in", "key.pem", "-pubout", "-outform", "DER", "-out", "pub.der");
		byte[] plaintext = TestKeys.random(32);
		WrappingPublicKey key = WrappingPublicKey.fromDer(Files.readAllBytes(dir.resolve("pub.der")));
		EncryptedKeyMaterial wrapped = this.wrapper.wrap(TestKeys.material(plaintext), KeySpec.SYMMETRIC_DEFAULT, key,
				WrappingAlgorithm.RSAES_PKCS1_V1_5);
		Files.write(dir.resolve("c.bin"), wrapped.bytes());
		OpenSsl.run(dir, "pkeyutl", "-decrypt", "-inkey", "key.pem", "-pkeyopt", "rsa_padding_mode:pkcs1", "-in",
				"c.bin", "-out", "m.bin");
		assertThat(Files.readAllBytes(dir.resolve("m.bin"))).isEqualTo(plaintext);
	}

	/**
	 * The decrypting side of the same cipher construction against Wycheproof's PKCS#1
	 * v1.5 vectors.
	 */
	@TestFactory
	Stream<DynamicNode> wycheproofRsaPkcs1_2048() {
		return TestVectors.dynamicTests("rsa_pkcs1_2048_test.json",
				(root) -> TestVectors.elements(root.get("testGroups")).flatMap((group) -> {
					PrivateKey key = privateKey(group);
					return TestVectors.elements(group.get("tests"))
						.map((test) -> dynamicTest("tcId " + test.get("tcId").asInt(), () -> check(key, test)));
				}));
	}

	private static void check(PrivateKey key, JsonNode test) throws GeneralSecurityException {
		byte[] ct = TestVectors.hex(test, "ct");
		byte[] msg = TestVectors.hex(test, "msg");
		if (test.get("result").asString().equals("valid")) {
			assertThat(decrypt(key, ct)).isEqualTo(msg);
		}
		else {
			// an invalid ciphertext must never decrypt to its message (the JDK throws or,
			// for implicit rejection, differs)
			byte[] out;
			try {
				out = decrypt(key, ct);
			}
			catch (GeneralSecurityException ex) {
				return;
			}
			assertThat(out).isNotEqualTo(msg);
		}
	}

	private static PrivateKey privateKey(JsonNode group) {
		try {
			return KeyFactory.getInstance("RSA")
				.generatePrivate(new PKCS8EncodedKeySpec(TestVectors.hex(group, "privateKeyPkcs8")));
		}
		catch (GeneralSecurityException ex) {
			throw new AssertionError(ex);
		}
	}

	private static byte[] decrypt(PrivateKey key, byte[] ct) throws GeneralSecurityException {
		Cipher cipher = Cipher.getInstance(Pkcs1V15.TRANSFORMATION);
		cipher.init(Cipher.DECRYPT_MODE, key);
		return cipher.doFinal(ct);
	}

}
