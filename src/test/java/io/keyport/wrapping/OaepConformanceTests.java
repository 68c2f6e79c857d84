package io.keyport.wrapping;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;

import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;

import io.keyport.wrapping.WrappingAlgorithm.Hash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * Wycheproof RSA-OAEP decryption vectors, decrypted with the very {@link Oaep#parameters}
 * the wrapper encrypts with: valid ciphertexts give {@code msg}, invalid ones are
 * rejected. Groups whose hash pair is not one KMS uses (label hash = MGF1 hash, SHA-1 or
 * SHA-256) are skipped; labels are honoured.
 */
class OaepConformanceTests {

	private static final String SHA1_2048 = "rsa_oaep_2048_sha1_mgf1sha1_test.json";

	private static final String SHA256_2048 = "rsa_oaep_2048_sha256_mgf1sha256_test.json";

	@TestFactory
	Stream<DynamicNode> rsa2048Sha1Mgf1Sha1() {
		return vectors(SHA1_2048);
	}

	@TestFactory
	Stream<DynamicNode> rsa2048Sha256Mgf1Sha256() {
		return vectors(SHA256_2048);
	}

	@TestFactory
	Stream<DynamicNode> rsa3072Sha256Mgf1Sha256() {
		return vectors("rsa_oaep_3072_sha256_mgf1sha256_test.json");
	}

	@TestFactory
	Stream<DynamicNode> rsa4096Sha256Mgf1Sha256() {
		return vectors("rsa_oaep_4096_sha256_mgf1sha256_test.json");
	}

	@TestFactory
	Stream<DynamicNode> rsaMiscellaneousWithKmsHashPairs() {
		return vectors("rsa_oaep_misc_test.json");
	}

	/**
	 * The wrapper's own output under each vector file's key decrypts, with an independent
	 * OAEP (Bouncy Castle).
	 */
	@TestFactory
	Stream<DynamicNode> wrapperOutputUnderVectorKeysDecryptsWithBouncyCastle() {
		return Stream
			.of(SHA1_2048, SHA256_2048, "rsa_oaep_3072_sha256_mgf1sha256_test.json",
					"rsa_oaep_4096_sha256_mgf1sha256_test.json")
			.flatMap((file) -> TestVectors.dynamicTests(file, (root) -> {
				JsonNode group = TestVectors.elements(root.get("testGroups")).findFirst().orElseThrow();
				return Stream.of(dynamicTest(file, () -> {
					Hash hash = kmsHash(group).orElseThrow();
					PrivateKey privateKey = privateKey(group);
					WrappingPublicKey wrappingKey = WrappingPublicKey.fromDer(publicKey(privateKey).getEncoded());
					WrappingAlgorithm algorithm = (hash == Hash.SHA_1) ? WrappingAlgorithm.RSAES_OAEP_SHA_1
							: WrappingAlgorithm.RSAES_OAEP_SHA_256;
					byte[] plaintext = TestKeys.random(32);
					EncryptedKeyMaterial wrapped = new WrapCalls().wrap(TestKeys.material(plaintext),
							KeySpec.SYMMETRIC_DEFAULT, wrappingKey, algorithm);

					String bcName = (hash == Hash.SHA_1) ? "RSA/NONE/OAEPWithSHA1AndMGF1Padding"
							: "RSA/NONE/OAEPWithSHA256AndMGF1Padding";
					Cipher bc = Cipher.getInstance(bcName, TestKeys.BC);
					bc.init(Cipher.DECRYPT_MODE, privateKey);
					assertThat(bc.doFinal(wrapped.bytes())).isEqualTo(plaintext);
				}));
			}));
	}

	@Test
	void oaepParametersUseTheSameHashForLabelAndMgf1() {
		for (Hash hash : Hash.values()) {
			OAEPParameterSpec spec = Oaep.parameters(hash);
			assertThat(spec.getDigestAlgorithm()).isEqualTo(hash.jcaName());
			assertThat(spec.getMGFAlgorithm()).isEqualTo("MGF1");
			assertThat(((MGF1ParameterSpec) spec.getMGFParameters()).getDigestAlgorithm()).isEqualTo(hash.jcaName());
			assertThat(spec.getPSource()).isEqualTo(javax.crypto.spec.PSource.PSpecified.DEFAULT);
		}
	}

	@Test
	void oaepCapacityMatchesTheDocumentedLimits() {
		assertThat(Oaep.capacity(WrappingKeySpec.RSA_2048, Hash.SHA_1)).isEqualTo(214);
		assertThat(Oaep.capacity(WrappingKeySpec.RSA_2048, Hash.SHA_256)).isEqualTo(190);
		assertThat(Oaep.capacity(WrappingKeySpec.RSA_3072, Hash.SHA_1)).isEqualTo(342);
		assertThat(Oaep.capacity(WrappingKeySpec.RSA_3072, Hash.SHA_256)).isEqualTo(318);
		assertThat(Oaep.capacity(WrappingKeySpec.RSA_4096, Hash.SHA_1)).isEqualTo(470);
		assertThat(Oaep.capacity(WrappingKeySpec.RSA_4096, Hash.SHA_256)).isEqualTo(446);
	}

	/**
	 * The classic bug: SunJCE's transformation string alone means SHA-256 for the label
	 * but SHA-1 for MGF1.
	 */
	@Test
	void jdkTransformationStringAloneMeansMgf1WithSha1() throws GeneralSecurityException {
		Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding");
		cipher.init(Cipher.ENCRYPT_MODE, TestKeys.rsa(WrappingKeySpec.RSA_2048).getPublic());
		OAEPParameterSpec spec = cipher.getParameters().getParameterSpec(OAEPParameterSpec.class);
		assertThat(spec.getDigestAlgorithm()).isEqualTo("SHA-256");
		assertThat(((MGF1ParameterSpec) spec.getMGFParameters()).getDigestAlgorithm()).isEqualTo("SHA-1");
	}

	@Test
	void jdkTransformationStringAloneCannotDecryptKmsStyleSha256Vectors() throws Exception {
		JsonNode group = TestVectors.elements(TestVectors.wycheproof(SHA256_2048).get("testGroups"))
			.findFirst()
			.orElseThrow();
		PrivateKey key = privateKey(group);
		List<JsonNode> valid = TestVectors.elements(group.get("tests"))
			.filter((test) -> "valid".equals(test.get("result").asString()))
			.filter((test) -> TestVectors.hex(test, "label").length == 0)
			.toList();
		assertThat(valid).isNotEmpty();
		for (JsonNode test : valid) {
			byte[] ct = TestVectors.hex(test, "ct");
			Cipher naive = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding");
			naive.init(Cipher.DECRYPT_MODE, key);
			assertThat(catchThrowable(() -> naive.doFinal(ct))).as("tcId %s", test.get("tcId"))
				.isInstanceOf(BadPaddingException.class);
			assertThat(Unwrap.oaep(key, Hash.SHA_256, ct)).isEqualTo(TestVectors.hex(test, "msg"));
		}
	}

	@Test
	void jdkTransformationStringAloneMatchesTheSha256WithMgf1Sha1Vectors() throws Exception {
		JsonNode group = TestVectors.elements(TestVectors.wycheproof("rsa_oaep_misc_test.json").get("testGroups"))
			.filter((g) -> g.get("keySize").asInt() == 2048 && "SHA-256".equals(g.get("sha").asString())
					&& "SHA-1".equals(g.get("mgfSha").asString()))
			.findFirst()
			.orElseThrow();
		PrivateKey key = privateKey(group);
		for (JsonNode test : (Iterable<JsonNode>) TestVectors.elements(group.get("tests"))::iterator) {
			Cipher naive = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding");
			naive.init(Cipher.DECRYPT_MODE, key);
			assertThat(naive.doFinal(TestVectors.hex(test, "ct"))).isEqualTo(TestVectors.hex(test, "msg"));
			// and the KMS parameters reject what the naive form produces
			assertThatThrownBy(() -> Unwrap.oaep(key, Hash.SHA_256, TestVectors.hex(test, "ct")))
				.isInstanceOf(BadPaddingException.class);
		}
	}

	private static Stream<DynamicNode> vectors(String file) {
		return TestVectors.dynamicTests(file, (root) -> groups(file, root));
	}

	private static Stream<DynamicNode> groups(String file, JsonNode root) {
		List<DynamicNode> groups = new ArrayList<>();
		for (JsonNode group : (Iterable<JsonNode>) TestVectors.elements(root.get("testGroups"))::iterator) {
			Optional<Hash> hash = kmsHash(group);
			if (hash.isEmpty()) {
				continue;
			}
			PrivateKey key;
			try {
				key = privateKey(group);
			}
			catch (GeneralSecurityException ex) {
				throw new AssertionError("cannot load the key of a " + file + " group", ex);
			}
			List<DynamicNode> tests = TestVectors.elements(group.get("tests"))
				.map((test) -> (DynamicNode) dynamicTest(name(test), () -> check(key, hash.get(), test)))
				.toList();
			groups.add(dynamicContainer(group.get("keySize").asInt() + "-bit " + group.get("sha").asString() + "/MGF1-"
					+ group.get("mgfSha").asString(), tests));
		}
		// guards against a filter that silently skips a whole file
		assertThat(groups).as("groups with KMS hash pairs in %s", file).isNotEmpty();
		return groups.stream();
	}

	private static void check(PrivateKey key, Hash hash, JsonNode test) throws GeneralSecurityException {
		byte[] ct = TestVectors.hex(test, "ct");
		byte[] label = TestVectors.hex(test, "label");
		byte[] msg = TestVectors.hex(test, "msg");
		switch (test.get("result").asString()) {
			case "valid" -> assertThat(Unwrap.oaep(key, hash, label, ct)).isEqualTo(msg);
			case "invalid" -> assertThatThrownBy(() -> Unwrap.oaep(key, hash, label, ct))
				.isInstanceOf(GeneralSecurityException.class);
			default -> {
				// "acceptable": either outcome, but a decryption must be the message
				try {
					assertThat(Unwrap.oaep(key, hash, label, ct)).isEqualTo(msg);
				}
				catch (GeneralSecurityException ex) {
					// rejected: allowed
				}
			}
		}
	}

	/**
	 * The KMS hash of a group (label and MGF1 the same, SHA-1 or SHA-256), empty when KMS
	 * never uses its pair.
	 */
	private static Optional<Hash> kmsHash(JsonNode group) {
		String sha = group.get("sha").asString();
		if (!sha.equals(group.get("mgfSha").asString()) || !"MGF1".equals(group.get("mgf").asString())) {
			return Optional.empty();
		}
		return Stream.of(Hash.values()).filter((hash) -> hash.jcaName().equals(sha)).findFirst();
	}

	private static PrivateKey privateKey(JsonNode group) throws GeneralSecurityException {
		return KeyFactory.getInstance("RSA")
			.generatePrivate(new PKCS8EncodedKeySpec(TestVectors.hex(group, "privateKeyPkcs8")));
	}

	private static PublicKey publicKey(PrivateKey key) throws GeneralSecurityException {
		RSAPrivateCrtKey crt = (RSAPrivateCrtKey) key;
		BigInteger modulus = crt.getModulus();
		return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(modulus, crt.getPublicExponent()));
	}

	private static String name(JsonNode test) {
		return "tcId " + test.get("tcId").asInt() + " " + test.get("result").asString() + " " + test.get("flags") + " "
				+ test.get("comment").asString();
	}

}
