package io.keyport.emulator;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;

import io.keyport.wrapping.TestVectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * The emulator's unwrapping against Wycheproof's RSA-OAEP decryption vectors, for the key
 * sizes the files give: valid ciphertexts decrypt to their message, invalid ones are
 * refused as InvalidCiphertextException, as KMS would. KMS uses an empty label and the
 * same hash for label and MGF1, so only those groups count, and a vector with a label
 * must be refused. Reported as skipped where the vectors are absent.
 */
class EmulatorUnwrapWycheproofTests {

	@TestFactory
	Stream<DynamicNode> rsa2048Sha1() {
		return vectors("rsa_oaep_2048_sha1_mgf1sha1_test.json");
	}

	@TestFactory
	Stream<DynamicNode> rsa2048Sha256() {
		return vectors("rsa_oaep_2048_sha256_mgf1sha256_test.json");
	}

	@TestFactory
	Stream<DynamicNode> rsa3072Sha256() {
		return vectors("rsa_oaep_3072_sha256_mgf1sha256_test.json");
	}

	@TestFactory
	Stream<DynamicNode> rsa4096Sha256() {
		return vectors("rsa_oaep_4096_sha256_mgf1sha256_test.json");
	}

	@TestFactory
	Stream<DynamicNode> miscellaneousWithKmsHashPairs() {
		return vectors("rsa_oaep_misc_test.json");
	}

	private static Stream<DynamicNode> vectors(String file) {
		return TestVectors.dynamicTests(file, (root) -> {
			List<DynamicNode> groups = new ArrayList<>();
			TestVectors.elements(root.get("testGroups")).forEach((group) -> {
				String algorithm = kmsAlgorithm(group);
				if (algorithm == null) {
					return;
				}
				RSAPrivateKey key = privateKey(group);
				List<DynamicNode> tests = TestVectors.elements(group.get("tests"))
					.map((test) -> (DynamicNode) dynamicTest("tcId " + test.get("tcId").asInt() + " "
							+ test.get("result").asString() + " " + test.get("comment").asString(),
							() -> check(algorithm, key, test)))
					.toList();
				groups.add(dynamicContainer(group.get("keySize").asInt() + "-bit " + algorithm, tests));
			});
			assertThat(groups).as("groups with KMS hash pairs in %s", file).isNotEmpty();
			return groups.stream();
		});
	}

	private static void check(String algorithm, RSAPrivateKey key, JsonNode test) {
		byte[] ct = TestVectors.hex(test, "ct");
		byte[] msg = TestVectors.hex(test, "msg");
		boolean labelled = TestVectors.hex(test, "label").length > 0;
		String result = test.get("result").asString();
		if ("valid".equals(result) && !labelled) {
			assertThat(ImportCrypto.unwrap(algorithm, key, ct)).isEqualTo(msg);
		}
		else if ("invalid".equals(result) || labelled) {
			// a label KMS does not use makes even a valid vector undecryptable for KMS
			assertThatExceptionOfType(KmsServiceError.class).isThrownBy(() -> ImportCrypto.unwrap(algorithm, key, ct))
				.satisfies((error) -> assertThat(error.type()).isEqualTo("InvalidCiphertextException"));
		}
		else {
			try {
				assertThat(ImportCrypto.unwrap(algorithm, key, ct)).isEqualTo(msg);
			}
			catch (KmsServiceError error) {
				assertThat(error.type()).isEqualTo("InvalidCiphertextException");
			}
		}
	}

	/**
	 * RSAES_OAEP_SHA_1 or _SHA_256 where label hash and MGF1 hash are that hash, else
	 * {@code null}.
	 */
	private static String kmsAlgorithm(JsonNode group) {
		String sha = group.get("sha").asString();
		if (!sha.equals(group.get("mgfSha").asString()) || !"MGF1".equals(group.get("mgf").asString())) {
			return null;
		}
		return switch (sha) {
			case "SHA-1" -> "RSAES_OAEP_SHA_1";
			case "SHA-256" -> "RSAES_OAEP_SHA_256";
			default -> null;
		};
	}

	private static RSAPrivateKey privateKey(JsonNode group) {
		try {
			return (RSAPrivateKey) KeyFactory.getInstance("RSA")
				.generatePrivate(new PKCS8EncodedKeySpec(TestVectors.hex(group, "privateKeyPkcs8")));
		}
		catch (GeneralSecurityException ex) {
			throw new AssertionError("cannot load a Wycheproof group key", ex);
		}
	}

}
