package io.keyport.importjob;

import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.web.server.LocalServerPort;

import io.keyport.emulator.huawei.HuaweiKmsEmulator;
import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.MultiTargetIntegrationTest;
import io.keyport.wrapping.KeySpec;
import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.wrapping.WrappingKeySpec;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every cell of key spec × wrapping algorithm × wrapping key spec on a Huawei target,
 * through the API into the Huawei emulator: importable cells import end to end (private
 * keys publish their public key), refused cells give their documented code before any
 * get-parameters-for-import. The expectation is written here from seed 003 and Huawei's
 * API reference, independently of the rules: AES_256 and SM4 under RSAES_OAEP_SHA_256
 * with the RSA 2048 wrapping key, SM4 also under SM2_ENCRYPT; RSA and EC private keys in
 * the two-part envelope (Keyport's RSA_AES_KEY_WRAP_SHA_256); SM2 private keys in the SM2
 * envelope with an SM4 temporary key; no HMAC, P-521 or secp256k1; the legacy algorithms
 * off.
 */
class HuaweiApiImportMatrixTests extends MultiTargetIntegrationTest {

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final Map<KeySpec, String> WAITING_KEYS = new ConcurrentHashMap<>();

	@LocalServerPort
	int port;

	static boolean creatable(KeySpec keySpec) {
		return switch (keySpec) {
			case SYMMETRIC_DEFAULT, SM4, RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, ECC_NIST_P384, SM2 -> true;
			default -> false;
		};
	}

	/** The documented refusal of a cell, {@code null} when it imports. */
	static String expectedRefusal(KeySpec keySpec, WrappingAlgorithm algorithm, WrappingKeySpec wrappingKeySpec) {
		if (!creatable(keySpec)) {
			return "unsupported-key-spec";
		}
		if (algorithm == WrappingAlgorithm.RSAES_OAEP_SHA_1 || algorithm == WrappingAlgorithm.RSAES_PKCS1_V1_5
				|| algorithm == WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_1) {
			return "unsupported-wrapping-algorithm";
		}
		boolean imports = switch (keySpec) {
			case SYMMETRIC_DEFAULT ->
				algorithm == WrappingAlgorithm.RSAES_OAEP_SHA_256 && wrappingKeySpec == WrappingKeySpec.RSA_2048;
			case SM4 ->
				(algorithm == WrappingAlgorithm.RSAES_OAEP_SHA_256 && wrappingKeySpec == WrappingKeySpec.RSA_2048)
						|| (algorithm == WrappingAlgorithm.SM2PKE && wrappingKeySpec == WrappingKeySpec.SM2);
			case SM2 -> algorithm == WrappingAlgorithm.SM2_SM4_KEY_WRAP && wrappingKeySpec == WrappingKeySpec.SM2;
			default ->
				algorithm == WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256 && wrappingKeySpec == WrappingKeySpec.RSA_2048;
		};
		return imports ? null : "incompatible-wrapping-algorithm";
	}

	@ParameterizedTest(name = "{0} with {1} under {2}")
	@MethodSource("io.keyport.importjob.ImportMatrix#cells")
	void cellImportsEndToEndOrIsRefusedWithItsDocumentedCode(KeySpec keySpec, WrappingAlgorithm algorithm,
			WrappingKeySpec wrappingKeySpec) {
		ApiClient api = new ApiClient(this.port);
		String refusal = expectedRefusal(keySpec, algorithm, wrappingKeySpec);
		if (!creatable(keySpec)) {
			Response created = api.postJson("/api/v1/kms-keys",
					ApiClient.json(Map.of("keySpec", keySpec, "target", HUAWEI)));
			ImportJobApiTests.assertProblem(created, 422, refusal);
			return;
		}
		String keyId = (refusal != null) ? WAITING_KEYS.computeIfAbsent(keySpec, k -> createKey(api, k))
				: createKey(api, keySpec);
		long downloads = this.huawei.callCount("get-parameters-for-import");
		Response job = api.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyId, "target", HUAWEI,
				"wrappingAlgorithm", algorithm, "wrappingKeySpec", wrappingKeySpec)));
		if (refusal != null) {
			ImportJobApiTests.assertProblem(job, 422, refusal);
			assertThat(this.huawei.callCount("get-parameters-for-import")).isEqualTo(downloads);
			return;
		}
		assertThat(job.status()).as(job.toString()).isEqualTo(201);
		String jobId = job.json().get("id").asString();
		KeyPair pair = ImportMatrix.privateKey(keySpec);
		byte[] material = (pair != null) ? pair.getPrivate().getEncoded() : random(keySpec == KeySpec.SM4 ? 16 : 32);
		Response imported = api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(material))));
		assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
		assertThat(imported.json().get("state").asString()).isEqualTo("IMPORTED");
		assertThat(api.get("/api/v1/kms-keys/" + keyId + "?target=" + HUAWEI).json().get("keyState").asString())
			.isEqualTo("ENABLED");
		if (pair != null) {
			JsonNode events = api.get("/api/v1/import-jobs/" + jobId + "/events").json();
			assertThat(events.get(events.size() - 1).get("cause").asString())
				.startsWith("public key confirmed: KMS public key matches the imported private key");
			Response publicKey = api.get("/api/v1/kms-keys/" + keyId + "/public-key?target=" + HUAWEI,
					"application/octet-stream");
			assertThat(publicKey.body()).isEqualTo(pair.getPublic().getEncoded());
		}
		else {
			assertThat(this.huawei.materialDigest(keyId)).isEqualTo(HuaweiKmsEmulator.materialDigest(material));
		}
	}

	private static String createKey(ApiClient api, KeySpec keySpec) {
		Map<String, Object> body = keySpec.isPrivateKey()
				? Map.of("keySpec", keySpec, "target", HUAWEI, "keyUsage",
						keySpec == KeySpec.SM2 || keySpec.name().startsWith("RSA") ? "ENCRYPT_DECRYPT" : "SIGN_VERIFY")
				: Map.of("keySpec", keySpec, "target", HUAWEI);
		Response response = api.postJson("/api/v1/kms-keys", ApiClient.json(body));
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		return response.json().get("keyId").asString();
	}

	private static byte[] random(int length) {
		byte[] bytes = new byte[length];
		RANDOM.nextBytes(bytes);
		return bytes;
	}

}
