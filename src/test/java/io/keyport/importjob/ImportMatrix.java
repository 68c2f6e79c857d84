package io.keyport.importjob;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.params.provider.Arguments;
import tools.jackson.databind.JsonNode;

import io.keyport.emulator.KmsEmulator;
import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.wrapping.KeySpec;
import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.wrapping.WrappingKeySpec;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One cell of the import matrix (KMS key spec × wrapping algorithm × wrapping key spec)
 * through the API: importable cells import end to end into the emulator and, for private
 * keys, publish the right public key; refused cells give their documented problem code
 * before any GetParametersForImport. The expectation is written down here from the AWS
 * documentation, independently of the wrapper's rules.
 */
final class ImportMatrix {

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final BouncyCastleProvider BC = new BouncyCastleProvider();

	/** Private keys are generated once per JVM: RSA-4096 takes seconds. */
	private static final Map<KeySpec, KeyPair> KEYS = new ConcurrentHashMap<>();

	/**
	 * Keys that only see refused jobs stay PENDING_IMPORT, so one per key spec and region
	 * serves every such cell.
	 */
	private static final Map<String, String> WAITING_KEYS = new ConcurrentHashMap<>();

	private final ApiClient api;

	private final KmsEmulator emulator;

	private final boolean china;

	ImportMatrix(ApiClient api, KmsEmulator emulator, boolean china) {
		this.api = api;
		this.emulator = emulator;
		this.china = china;
	}

	static Stream<Arguments> cells() {
		List<Arguments> cells = new ArrayList<>();
		for (KeySpec keySpec : KeySpec.values()) {
			for (WrappingAlgorithm algorithm : WrappingAlgorithm.values()) {
				for (WrappingKeySpec wrappingKeySpec : WrappingKeySpec.values()) {
					cells.add(Arguments.of(keySpec, algorithm, wrappingKeySpec));
				}
			}
		}
		return cells.stream();
	}

	/**
	 * The documented refusal of a cell, {@code null} when it imports. From the
	 * GetParametersForImport reference and the developer guide: RSA_AES_KEY_WRAP for RSA
	 * and ECC private keys only and not in China; RSAES_OAEP for all but RSA private
	 * keys, not ECC_NIST_P521 under RSA_2048; RSAES_PKCS1_V1_5 gone since 2023-10-10; SM2
	 * keys, SM2 wrapping keys and SM2PKE only in China, SM2PKE for RSA, ECC and SM2
	 * private keys; Ed25519 and ML-DSA keys not importable.
	 */
	static String expectedRefusal(KeySpec keySpec, WrappingAlgorithm algorithm, WrappingKeySpec wrappingKeySpec,
			boolean china) {
		if (!creatable(keySpec, china)) {
			return "unsupported-key-spec";
		}
		boolean rsaKey = keySpec.name().startsWith("RSA_");
		boolean privateKey = rsaKey || keySpec.name().startsWith("ECC_") || keySpec == KeySpec.SM2;
		// SM2_SM4_KEY_WRAP is Huawei Cloud's SM2_ENCRYPT envelope, not an AWS algorithm
		if (algorithm == WrappingAlgorithm.RSAES_PKCS1_V1_5 || algorithm == WrappingAlgorithm.SM2_SM4_KEY_WRAP
				|| (algorithm == WrappingAlgorithm.SM2PKE && !china)) {
			return "unsupported-wrapping-algorithm";
		}
		if (algorithm == WrappingAlgorithm.SM2PKE) {
			// AWS's table: SM2PKE with the SM2 wrapping key for RSA, ECC and SM2 private
			// keys
			return (privateKey && wrappingKeySpec == WrappingKeySpec.SM2) ? null : "incompatible-wrapping-algorithm";
		}
		boolean rsaAes = algorithm.name().startsWith("RSA_AES_KEY_WRAP");
		boolean incompatible = wrappingKeySpec == WrappingKeySpec.SM2 || (rsaAes && (china || !privateKey))
				|| (!rsaAes && rsaKey)
				|| (!rsaAes && keySpec == KeySpec.ECC_NIST_P521 && wrappingKeySpec == WrappingKeySpec.RSA_2048);
		return incompatible ? "incompatible-wrapping-algorithm" : null;
	}

	private static boolean creatable(KeySpec keySpec, boolean china) {
		return switch (keySpec) {
			// SM4 is Huawei Cloud's key spec (AWS China calls its SM4 keys
			// SYMMETRIC_DEFAULT)
			case ECC_NIST_EDWARDS25519, ML_DSA_44, ML_DSA_65, ML_DSA_87, SM4 -> false;
			case SM2 -> china;
			default -> true;
		};
	}

	void check(KeySpec keySpec, WrappingAlgorithm algorithm, WrappingKeySpec wrappingKeySpec) {
		String refusal = expectedRefusal(keySpec, algorithm, wrappingKeySpec, this.china);
		if (!creatable(keySpec, this.china)) {
			Response created = this.api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", keySpec)));
			ImportJobApiTests.assertProblem(created, 422, refusal);
			return;
		}
		String keyId = (refusal != null)
				? WAITING_KEYS.computeIfAbsent(keySpec + "/" + this.emulator.region(), (k) -> createKey(keySpec))
				: createKey(keySpec);
		long downloads = this.emulator.callCount("GetParametersForImport");
		Response job = this.api.postJson("/api/v1/import-jobs", ApiClient
			.json(Map.of("kmsKeyId", keyId, "wrappingAlgorithm", algorithm, "wrappingKeySpec", wrappingKeySpec)));
		if (refusal != null) {
			ImportJobApiTests.assertProblem(job, 422, refusal);
			if (refusal.equals("incompatible-wrapping-algorithm")) {
				// the message names what would work instead
				assertThat(job.json().get("detail").asString()).containsAnyOf("RSAES_OAEP_SHA_256",
						"RSA_AES_KEY_WRAP_SHA_256", "larger wrapping key", "SM2PKE");
			}
			assertThat(this.emulator.callCount("GetParametersForImport")).isEqualTo(downloads);
			return;
		}
		assertThat(job.status()).as(job.toString()).isEqualTo(201);
		String jobId = job.json().get("id").asString();
		KeyPair pair = privateKey(keySpec);
		byte[] material = (pair != null) ? pair.getPrivate().getEncoded() : random(symmetricLength(keySpec));

		Response imported = this.api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(material))));

		assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
		assertThat(imported.json().get("state").asString()).isEqualTo("IMPORTED");
		assertThat(this.api.get("/api/v1/kms-keys/" + keyId).json().get("keyState").asString()).isEqualTo("ENABLED");
		if (pair != null) {
			JsonNode events = this.api.get("/api/v1/import-jobs/" + jobId + "/events").json();
			assertThat(events.get(events.size() - 1).get("cause").asString())
				.startsWith("public key confirmed: KMS public key matches the imported private key");
			Response publicKey = this.api.get("/api/v1/kms-keys/" + keyId + "/public-key", "application/octet-stream");
			assertThat(publicKey.body()).isEqualTo(pair.getPublic().getEncoded());
		}
	}

	private String createKey(KeySpec keySpec) {
		Response response = this.api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", keySpec)));
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		return response.json().get("keyId").asString();
	}

	private int symmetricLength(KeySpec keySpec) {
		return switch (keySpec) {
			case SYMMETRIC_DEFAULT -> this.china ? 16 : 32;
			case HMAC_224 -> 28;
			case HMAC_256 -> 32;
			case HMAC_384 -> 48;
			default -> 64;
		};
	}

	/** A key pair for private-key specs, {@code null} for symmetric and HMAC ones. */
	static KeyPair privateKey(KeySpec keySpec) {
		return switch (keySpec) {
			case RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, ECC_NIST_P384, ECC_NIST_P521, ECC_SECG_P256K1, SM2 ->
				KEYS.computeIfAbsent(keySpec, ImportMatrix::generate);
			default -> null;
		};
	}

	private static KeyPair generate(KeySpec keySpec) {
		try {
			KeyPairGenerator generator;
			switch (keySpec) {
				case RSA_2048, RSA_3072, RSA_4096 -> {
					generator = KeyPairGenerator.getInstance("RSA");
					generator.initialize(new RSAKeyGenParameterSpec(Integer.parseInt(keySpec.name().substring(4)),
							RSAKeyGenParameterSpec.F4));
				}
				default -> {
					// Bouncy Castle knows every curve, secp256k1 and SM2 included
					generator = KeyPairGenerator.getInstance("EC", BC);
					generator.initialize(new ECGenParameterSpec(switch (keySpec) {
						case ECC_NIST_P256 -> "secp256r1";
						case ECC_NIST_P384 -> "secp384r1";
						case ECC_NIST_P521 -> "secp521r1";
						case ECC_SECG_P256K1 -> "secp256k1";
						default -> "sm2p256v1";
					}));
				}
			}
			return generator.generateKeyPair();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static byte[] random(int length) {
		byte[] bytes = new byte[length];
		RANDOM.nextBytes(bytes);
		return bytes;
	}

}
