package io.keyport.importjob;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.keyport.emulator.huawei.HuaweiKmsEmulator;
import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.MultiTargetIntegrationTest;
import io.keyport.wrapping.OpenSsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Seed 003's flow through Keyport against the Huawei Cloud KMS emulator: client-side
 * wrapping with the seed's OpenSSL commands, server-side wrapping, private keys as
 * OpenSSL writes them, expiring material, refusals before any KMS call, throttling, a
 * wrong secret key, the lifecycle and renewal by delete-then-import.
 */
class HuaweiImportTests extends MultiTargetIntegrationTest {

	private static final SecureRandom RANDOM = new SecureRandom();

	@LocalServerPort
	int port;

	@Autowired
	ImportJobLifecycle lifecycle;

	@Autowired
	org.springframework.jdbc.core.JdbcTemplate jdbc;

	@TempDir
	Path dir;

	private ApiClient api() {
		return new ApiClient(this.port);
	}

	private String createKey(String keySpec, String... usage) {
		Map<String, Object> body = usage.length > 0 ? Map.of("keySpec", keySpec, "keyUsage", usage[0], "target", HUAWEI)
				: Map.of("keySpec", keySpec, "target", HUAWEI);
		Response created = api().postJson("/api/v1/kms-keys", ApiClient.json(body));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		return created.json().get("keyId").asString();
	}

	private JsonNode createJob(String keyId, String algorithm, String wrappingKeySpec, Map<String, Object> extra) {
		Map<String, Object> body = new java.util.LinkedHashMap<>(Map.of("kmsKeyId", keyId, "target", HUAWEI,
				"wrappingAlgorithm", algorithm, "wrappingKeySpec", wrappingKeySpec));
		body.putAll(extra);
		Response job = api().postJson("/api/v1/import-jobs", ApiClient.json(body));
		assertThat(job.status()).as(job.toString()).isEqualTo(201);
		return job.json();
	}

	/** A job on the key without options, with the material uploaded and imported. */
	private String importedJob(String keyId, byte[] material) {
		String jobId = createJob(keyId, "RSAES_OAEP_SHA_256", "RSA_2048", Map.of()).get("id").asString();
		Response imported = upload(jobId, material);
		assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
		return jobId;
	}

	private Response upload(String jobId, byte[] material) {
		return api().postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(material))));
	}

	/**
	 * Runs with a secret key of its own in the Huawei target's credential file (the
	 * hold-off after a refused signature is the whole process's), then the right one.
	 */
	private void withAWrongSecretKey(ThrowingRunnable run) throws Exception {
		Path secretKeyFile = huaweiCredentials.resolve(HUAWEI + "-huawei-sk");
		byte[] rightSecret = Files.readAllBytes(secretKeyFile);
		Files.writeString(secretKeyFile, "wrong-" + UUID.randomUUID());
		try {
			run.run();
		}
		finally {
			Files.write(secretKeyFile, rightSecret);
		}
	}

	private interface ThrowingRunnable {

		void run() throws Exception;

	}

	private static byte[] material() {
		byte[] material = new byte[32];
		RANDOM.nextBytes(material);
		return material;
	}

	private String keyState(String keyId) {
		return api().get("/api/v1/kms-keys/" + keyId + "?target=" + HUAWEI).json().get("keyState").asString();
	}

	@Test
	void materialWrappedWithTheSeedsOpenSslOaepCommandImportsAndEnablesTheKey() throws Exception {
		assumeTrue(OpenSsl.available(), "openssl is not on the PATH");
		String keyId = createKey("AES_256");
		String jobId = createJob(keyId, "RSAES_OAEP_SHA_256", "RSA_2048", Map.of()).get("id").asString();
		Files.write(this.dir.resolve("PublicKey.bin"),
				api().get("/api/v1/import-jobs/" + jobId + "/wrapping-key", "application/octet-stream").body());
		OpenSsl.run(this.dir, "rand", "-out", "PlainKeyMaterial.bin", "32");
		// seed 003: openssl pkeyutl -encrypt ... -pkeyopt rsa_padding_mode:oaep
		// -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256
		OpenSsl.run(this.dir, "pkeyutl", "-encrypt", "-in", "PlainKeyMaterial.bin", "-inkey", "PublicKey.bin",
				"-keyform", "DER", "-pubin", "-out", "EncryptedKeyMaterial.bin", "-pkeyopt", "rsa_padding_mode:oaep",
				"-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha256");

		Response imported = api().putBytes("/api/v1/import-jobs/" + jobId + "/encrypted-key-material",
				Files.readAllBytes(this.dir.resolve("EncryptedKeyMaterial.bin")));

		assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
		assertThat(imported.json().get("state").asString()).isEqualTo("IMPORTED");
		assertThat(keyState(keyId)).isEqualTo("ENABLED");
		assertThat(this.huawei.materialDigest(keyId))
			.isEqualTo(HuaweiKmsEmulator.materialDigest(Files.readAllBytes(this.dir.resolve("PlainKeyMaterial.bin"))));
		assertThat(this.huawei.requests("get-parameters-for-import").getLast().wrappingAlgorithm())
			.isEqualTo("RSAES_OAEP_SHA_256");
	}

	@Test
	void plaintextIsWrappedByKeyportAndExpiringMaterialReachesHuaweiAsSecondsForSm4AndAes() {
		for (String keySpec : List.of("AES_256", "SM4")) {
			String keyId = createKey(keySpec);
			Instant validTo = this.clock.instant().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS);
			String jobId = createJob(keyId, "RSAES_OAEP_SHA_256", "RSA_2048",
					Map.of("expiration", Map.of("model", "KEY_MATERIAL_EXPIRES", "validTo", validTo.toString())))
				.get("id")
				.asString();
			byte[] material = new byte[keySpec.equals("SM4") ? 16 : 32];
			RANDOM.nextBytes(material);
			Response imported = api().postJson("/api/v1/import-jobs/" + jobId + "/key-material",
					ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(material))));
			assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
			assertThat(imported.json().get("state").asString()).isEqualTo("IMPORTED");
			assertThat(this.huawei.materialDigest(keyId)).isEqualTo(HuaweiKmsEmulator.materialDigest(material));
			HuaweiKmsEmulator.RecordedRequest sent = this.huawei.requests("import-key-material").getLast();
			assertThat(sent.keyId()).isEqualTo(keyId);
			assertThat(sent.expirationTime()).isEqualTo(validTo.getEpochSecond());
			assertThat(this.huawei.materialExpiry(keyId)).isEqualTo(validTo);
		}
	}

	@Test
	void openSslPrivateKeysImportAsPemAndHuaweiPublishesTheirPublicKey() throws Exception {
		assumeTrue(OpenSsl.available(), "openssl is not on the PATH");
		Map<String, List<String>> keys = Map.of("RSA_3072",
				List.of("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072", "-out", "RSA_3072.pem"),
				"EC_P256",
				List.of("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "EC_P256.pem"));
		for (Map.Entry<String, List<String>> key : keys.entrySet()) {
			OpenSsl.run(this.dir, key.getValue().toArray(String[]::new));
			String keyId = createKey(key.getKey(), "SIGN_VERIFY");
			String jobId = createJob(keyId, "RSA_AES_KEY_WRAP_SHA_256", "RSA_2048", Map.of()).get("id").asString();
			Response imported = api().post("/api/v1/import-jobs/" + jobId + "/key-material",
					Files.readAllBytes(this.dir.resolve(key.getKey() + ".pem")), "application/x-pem-file");
			assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
			assertThat(imported.json().get("state").asString()).isEqualTo("IMPORTED");
			// the private key travelled as Huawei's two parts
			assertThat(this.huawei.requests("import-key-material").getLast().hasPrivateKey()).isTrue();
			OpenSsl.run(this.dir, "pkey", "-in", key.getKey() + ".pem", "-pubout", "-outform", "DER", "-out",
					key.getKey() + ".pub.der");
			Response published = api().get("/api/v1/kms-keys/" + keyId + "/public-key?target=" + HUAWEI,
					"application/octet-stream");
			assertThat(published.status()).as(published.toString()).isEqualTo(200);
			assertThat(published.body()).isEqualTo(Files.readAllBytes(this.dir.resolve(key.getKey() + ".pub.der")));
		}
	}

	@Test
	void badInputOnAHuaweiTargetIsRefusedBeforeAnyKmsCallNamingTheAlternatives() {
		String keyId = createKey("AES_256");
		long downloads = this.huawei.callCount("get-parameters-for-import");
		// an algorithm Huawei does not offer here (legacy is off for the target)
		Response legacy = api().postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyId, "target",
				HUAWEI, "wrappingAlgorithm", "RSAES_OAEP_SHA_1", "wrappingKeySpec", "RSA_2048")));
		ImportJobApiTests.assertProblem(legacy, 422, "unsupported-wrapping-algorithm");
		assertThat(legacy.json().get("detail").asString()).contains("RSAES_OAEP_SHA_256").contains("legacy-algorithms");
		// Huawei's wrapping key is RSA 2048
		Response wrappingKey = api().postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyId, "target",
				HUAWEI, "wrappingAlgorithm", "RSAES_OAEP_SHA_256", "wrappingKeySpec", "RSA_4096")));
		ImportJobApiTests.assertProblem(wrappingKey, 422, "incompatible-wrapping-algorithm");
		assertThat(wrappingKey.json().get("detail").asString()).contains("RSA_2048");
		// HMAC keys cannot be imported into Huawei Cloud KMS
		Response hmac = api().postJson("/api/v1/kms-keys",
				ApiClient.json(Map.of("keySpec", "HMAC_256", "target", HUAWEI)));
		ImportJobApiTests.assertProblem(hmac, 422, "unsupported-key-spec");
		// a private key is kept for good: an expiration would be a promise Huawei never
		// keeps (it was dropped on the way)
		String rsaKey = createKey("RSA_2048", "SIGN_VERIFY");
		Map<String, Object> expiring = Map.of("kmsKeyId", rsaKey, "target", HUAWEI, "wrappingAlgorithm",
				"RSA_AES_KEY_WRAP_SHA_256", "wrappingKeySpec", "RSA_2048", "expiration",
				Map.of("model", "KEY_MATERIAL_EXPIRES", "validTo", Instant.now().plus(Duration.ofDays(30)).toString()));
		for (String path : List.of("/api/v1/import-jobs", "/api/v1/import-job-plans")) {
			Response refused = api().postJson(path, ApiClient.json(expiring));
			ImportJobApiTests.assertProblem(refused, 422, "invalid-valid-to");
			assertThat(refused.json().get("detail").asString()).contains("KEY_MATERIAL_DOES_NOT_EXPIRE");
		}
		assertThat(this.huawei.callCount("get-parameters-for-import")).isEqualTo(downloads);
		// and a job of it cannot be given one later either
		String rsaJob = createJob(rsaKey, "RSA_AES_KEY_WRAP_SHA_256", "RSA_2048", Map.of()).get("id").asString();
		Response refresh = api().postJson("/api/v1/import-jobs/" + rsaJob + "/refresh-parameters",
				ApiClient.json(Map.of("expiration", expiring.get("expiration"))));
		ImportJobApiTests.assertProblem(refresh, 422, "invalid-valid-to");
		assertThat(this.huawei.callCount("get-parameters-for-import")).isEqualTo(downloads + 1);

		// 31 bytes of AES material: refused before ImportKeyMaterial, the job still waits
		String jobId = createJob(keyId, "RSAES_OAEP_SHA_256", "RSA_2048", Map.of()).get("id").asString();
		long imports = this.huawei.callCount("import-key-material");
		Response shortMaterial = api().postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(new byte[31]))));
		ImportJobApiTests.assertProblem(shortMaterial, 422, "invalid-key-material-length");
		assertThat(shortMaterial.json().get("detail").asString()).contains("32").contains("SM4");
		assertThat(this.huawei.callCount("import-key-material")).isEqualTo(imports);
		assertThat(api().get("/api/v1/import-jobs/" + jobId).json().get("state").asString())
			.isEqualTo("PARAMETERS_FETCHED");
	}

	@Test
	void keyUsageHuaweiDoesNotGiveTheKeySpecIsRefusedBeforeAnyHuaweiCall() {
		long creations = this.huawei.callCount("create-key");
		for (String[] pair : List.of(new String[] { "EC_P256", "KEY_AGREEMENT" },
				new String[] { "EC_P384", "ENCRYPT_DECRYPT" }, new String[] { "AES_256", "SIGN_VERIFY" },
				new String[] { "SM2", "KEY_AGREEMENT" })) {
			Response response = api().postJson("/api/v1/kms-keys",
					ApiClient.json(Map.of("keySpec", pair[0], "keyUsage", pair[1], "target", HUAWEI)));
			ImportJobApiTests.assertProblem(response, 400, "invalid-key-spec");
			assertThat(response.json().get("detail").asString()).as(String.join(" ", pair))
				.contains("keyUsage")
				.contains(pair[0]);
		}
		assertThat(this.huawei.callCount("create-key")).isEqualTo(creations);
		createKey("SM2", "SIGN_VERIFY");
	}

	@Test
	void withEveryThirdHuaweiCallThrottledEveryJobStillImports() {
		this.huawei.faults().throttleEvery(3);
		try {
			for (int i = 0; i < 4; i++) {
				String keyId = createKey("AES_256");
				String jobId = createJob(keyId, "RSAES_OAEP_SHA_256", "RSA_2048", Map.of()).get("id").asString();
				byte[] material = new byte[32];
				RANDOM.nextBytes(material);
				Response imported = api().postJson("/api/v1/import-jobs/" + jobId + "/key-material",
						ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(material))));
				assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
				assertThat(imported.json().get("state").asString()).isEqualTo("IMPORTED");
			}
		}
		finally {
			this.huawei.faults().clear();
		}
	}

	@Test
	void aWrongSecretKeyIsAClearProblemWithoutARetryStormAndARotatedSecretFileFixesIt() throws Exception {
		String keyId = createKey("AES_256");
		Path secretKeyFile = huaweiCredentials.resolve(HUAWEI + "-huawei-sk");
		byte[] rightSecret = Files.readAllBytes(secretKeyFile);
		long failures = this.huawei.signatureFailures();
		Files.writeString(secretKeyFile, "a-wrong-secret");
		try {
			for (int i = 0; i < 3; i++) {
				Response refused = api().postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyId,
						"target", HUAWEI, "wrappingAlgorithm", "RSAES_OAEP_SHA_256", "wrappingKeySpec", "RSA_2048")));
				assertThat(refused.status()).as(refused.toString()).isEqualTo(502);
				assertThat(refused.json().get("code").asString()).isEqualTo("kms-access-denied");
				// Keyport's sentence for the portal; the operators' log has Huawei's
				// refusal of the signature and the target
				assertThat(refused.json().get("detail").asString())
					.isEqualTo("KMS denied Keyport's credentials. An operator must fix Keyport's access to KMS.")
					.doesNotContain("a-wrong-secret");
			}
			// one signed request reached Huawei and was refused; no retry and no later
			// request followed it, so Huawei never locks the access key
			assertThat(this.huawei.signatureFailures()).isEqualTo(failures + 1);
		}
		finally {
			Files.write(secretKeyFile, rightSecret);
		}
		// the rotated file is read again at once
		assertThat(createJob(keyId, "RSAES_OAEP_SHA_256", "RSA_2048", Map.of()).get("state").asString())
			.isEqualTo("PARAMETERS_FETCHED");
	}

	@Test
	void anImportHeldBackAfterARefusedSignatureLeavesTheJobWaitingToTryAgainInsteadOfFailingIt() throws Exception {
		String refusedJob = createJob(createKey("AES_256"), "RSAES_OAEP_SHA_256", "RSA_2048", Map.of()).get("id")
			.asString();
		String heldBackJob = createJob(createKey("AES_256"), "RSAES_OAEP_SHA_256", "RSA_2048", Map.of()).get("id")
			.asString();
		withAWrongSecretKey(() -> {
			Response refused = upload(refusedJob, material());
			assertThat(refused.status()).as(refused.toString()).isEqualTo(502);
			long failures = this.huawei.signatureFailures();

			Response heldBack = upload(heldBackJob, material());

			assertThat(heldBack.status()).as(heldBack.toString()).isEqualTo(502);
			assertThat(heldBack.json().get("code").asString()).isEqualTo("kms-access-denied");
			assertThat(this.huawei.signatureFailures()).as("requests Huawei refused").isEqualTo(failures);
			JsonNode waiting = api().get("/api/v1/import-jobs/" + heldBackJob).json();
			assertThat(waiting.get("state").asString()).isEqualTo("MATERIAL_WRAPPED");
			assertThat(waiting.at("/lastError/code").asString()).isEqualTo("kms-access-denied");
			assertThat(waiting.at("/lastError/message").asString()).startsWith("not sent: ");
		});
		this.clock.advance(Duration.ofMinutes(10));
		this.lifecycle.retryDueImports();
		assertThat(api().get("/api/v1/import-jobs/" + heldBackJob).json().get("state").asString())
			.isEqualTo("IMPORTED");
	}

	@Test
	void aRefreshHeldBackAfterARefusedSignatureIsPutOffInsteadOfFailingTheJob() throws Exception {
		String otherKey = createKey("AES_256");
		JsonNode job = createJob(createKey("AES_256"), "RSAES_OAEP_SHA_256", "RSA_2048", Map.of());
		String jobId = job.get("id").asString();
		Instant firstValidTo = Instant.parse(job.at("/parameters/validTo").asString());
		withAWrongSecretKey(() -> {
			Response refused = api().postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", otherKey,
					"target", HUAWEI, "wrappingAlgorithm", "RSAES_OAEP_SHA_256", "wrappingKeySpec", "RSA_2048")));
			assertThat(refused.status()).as(refused.toString()).isEqualTo(502);
			this.clock.set(firstValidTo.minusSeconds(1));

			this.lifecycle.refreshDueParameters();

			JsonNode putOff = api().get("/api/v1/import-jobs/" + jobId).json();
			assertThat(putOff.get("state").asString()).isNotEqualTo("FAILED");
			assertThat(putOff.at("/lastError/code").asString()).isEqualTo("kms-access-denied");
			assertThat(putOff.at("/lastError/message").asString()).contains("not sent: ");
		});
		this.clock.advance(Duration.ofMinutes(10));
		this.lifecycle.refreshDueParameters();
		JsonNode refreshed = api().get("/api/v1/import-jobs/" + jobId).json();
		assertThat(refreshed.get("state").asString()).isEqualTo("PARAMETERS_FETCHED");
		assertThat(Instant.parse(refreshed.at("/parameters/validTo").asString())).isAfter(firstValidTo);
	}

	@Test
	void waitingHuaweiJobsGetNewParametersBeforeTheirsLapse() {
		String keyId = createKey("AES_256");
		JsonNode job = createJob(keyId, "RSAES_OAEP_SHA_256", "RSA_2048", Map.of());
		String jobId = job.get("id").asString();
		Instant firstValidTo = Instant.parse(job.at("/parameters/validTo").asString());
		this.clock.set(firstValidTo.minusSeconds(1));
		this.lifecycle.refreshDueParameters();
		JsonNode refreshed = api().get("/api/v1/import-jobs/" + jobId).json();
		assertThat(refreshed.get("state").asString()).isEqualTo("PARAMETERS_FETCHED");
		assertThat(Instant.parse(refreshed.at("/parameters/validTo").asString())).isAfter(firstValidTo);
		byte[] material = new byte[32];
		RANDOM.nextBytes(material);
		Response imported = api().postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(material))));
		assertThat(imported.json().get("state").asString()).as(imported.toString()).isEqualTo("IMPORTED");
	}

	@Test
	void renewingAHuaweiKeyDeletesItsMaterialThenImportsTheSameAgainBothInTheHistory() {
		String keyId = createKey("AES_256");
		byte[] material = new byte[32];
		RANDOM.nextBytes(material);
		String encoded = Base64.getEncoder().encodeToString(material);
		for (int round = 0; round < 2; round++) {
			Instant validTo = this.clock.instant().plus(Duration.ofDays(10 + round)).truncatedTo(ChronoUnit.SECONDS);
			String jobId = createJob(keyId, "RSAES_OAEP_SHA_256", "RSA_2048",
					Map.of("expiration", Map.of("model", "KEY_MATERIAL_EXPIRES", "validTo", validTo.toString()),
							"deleteCurrentMaterial", true))
				.get("id")
				.asString();
			long deletes = this.huawei.callCount("delete-imported-key-material");
			Response imported = api().postJson("/api/v1/import-jobs/" + jobId + "/key-material",
					ApiClient.json(Map.of("keyMaterial", encoded)));
			assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
			assertThat(imported.json().get("state").asString()).isEqualTo("IMPORTED");
			assertThat(this.huawei.materialExpiry(keyId)).isEqualTo(validTo);
			assertThat(keyState(keyId)).isEqualTo("ENABLED");
			JsonNode events = api().get("/api/v1/import-jobs/" + jobId + "/events").json();
			boolean deletedFirst = events.valueStream()
				.anyMatch(e -> e.get("cause").asString().startsWith("key material deleted before the re-import"));
			// the first import goes into a key without material; the renewal deletes
			// first
			assertThat(deletedFirst).isEqualTo(round == 1);
			assertThat(this.huawei.callCount("delete-imported-key-material")).isEqualTo(deletes + round);
		}
		assertThat(this.huawei.materialDigest(keyId)).isEqualTo(HuaweiKmsEmulator.materialDigest(material));
	}

	@Test
	void aJobOnAHuaweiKeyThatHoldsMaterialIsRefusedUnlessItsCreatorAcceptsThatTheImportDeletesItFirst() {
		String keyId = createKey("AES_256");
		byte[] material = new byte[32];
		RANDOM.nextBytes(material);
		String first = importedJob(keyId, material);
		long downloads = this.huawei.callCount("get-parameters-for-import");
		long jobs = this.jdbc.queryForObject("select count(*) from import_job", Long.class);
		Map<String, Object> body = Map.of("kmsKeyId", keyId, "target", HUAWEI);

		Response refused = api().postJson("/api/v1/import-jobs", ApiClient.json(body));
		Response plan = api().postJson("/api/v1/import-job-plans", ApiClient.json(body));
		Map<String, Object> consenting = new java.util.HashMap<>(body);
		consenting.put("deleteCurrentMaterial", true);
		Response consentingPlan = api().postJson("/api/v1/import-job-plans", ApiClient.json(consenting));

		assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
		assertThat(refused.json().get("code").asString()).isEqualTo("kms-key-state-forbids-import");
		assertThat(refused.json().get("detail").asString()).contains("deleteCurrentMaterial");
		assertThat(plan.status()).as(plan.toString()).isEqualTo(409);
		assertThat(plan.json().get("code").asString()).isEqualTo("kms-key-state-forbids-import");
		assertThat(this.huawei.callCount("get-parameters-for-import")).isEqualTo(downloads);
		assertThat(this.jdbc.queryForObject("select count(*) from import_job", Long.class)).isEqualTo(jobs);
		assertThat(consentingPlan.status()).as(consentingPlan.toString()).isEqualTo(200);
		assertThat(consentingPlan.json().get("deletesCurrentMaterialFirst").asBoolean()).isTrue();
		assertThat(keyState(keyId)).isEqualTo("ENABLED");
		assertThat(this.huawei.materialDigest(keyId)).isEqualTo(HuaweiKmsEmulator.materialDigest(material));
	}

	@Test
	void aConsentedReplacementKmsRefusesSaysTheKeyIsLeftEmptyAndTheEarlierJobNamesThatJobNotOutsideKeyport() {
		String keyId = createKey("AES_256");
		byte[] material = new byte[32];
		RANDOM.nextBytes(material);
		byte[] other = new byte[32];
		RANDOM.nextBytes(other);
		String first = importedJob(keyId, material);
		String second = createJob(keyId, "RSAES_OAEP_SHA_256", "RSA_2048", Map.of("deleteCurrentMaterial", true))
			.get("id")
			.asString();

		// Huawei takes back only the key's original material (KMS.2606), and only after
		// the deletion can it say so
		Response refused = upload(second, other);

		assertThat(refused.status()).as(refused.toString()).isBetween(400, 499);
		assertThat(refused.json().get("code").asString()).isEqualTo("kms-incorrect-key-material");
		assertThat(refused.json().get("detail").asString())
			.contains("deleted the key's current material before this import")
			.contains("holds no material now");
		assertThat(keyState(keyId)).isEqualTo("PENDING_IMPORT");
		JsonNode secondJob = api().get("/api/v1/import-jobs/" + second).json();
		assertThat(secondJob.get("lastError").get("message").asString())
			.contains("the key holds no material until an import succeeds");

		// the first job's next check finds the key empty and names the job
		// that emptied it
		this.clock.advance(Duration.ofHours(1).plusSeconds(1));
		this.lifecycle.watchImportedJobs();
		JsonNode firstJob = api().get("/api/v1/import-jobs/" + first).json();
		assertThat(firstJob.get("state").asString()).isEqualTo("MATERIAL_EXPIRED");
		String cause = api().get("/api/v1/import-jobs/" + first + "/events")
			.json()
			.valueStream()
			.map(e -> e.get("cause").asString())
			.toList()
			.getLast();
		assertThat(cause).contains("deleted by Keyport before the import of job " + second)
			.doesNotContain("outside Keyport");

		// the key's original material, uploaded to the second job, restores the key
		Response restored = upload(second, material);
		assertThat(restored.status()).as(restored.toString()).isEqualTo(200);
		assertThat(keyState(keyId)).isEqualTo("ENABLED");
		assertThat(this.huawei.materialDigest(keyId)).isEqualTo(HuaweiKmsEmulator.materialDigest(material));
		assertThat(this.jdbc.queryForObject("select emptied_key_at from import_job where id = ?::uuid",
				java.sql.Timestamp.class, second))
			.isNull();
	}

	@Test
	void aDeletionWhoseAnswerWasLostIsSeenCarriedOutAndTheImportGoesOnIntoTheKeyItEmptied() {
		String keyId = createKey("AES_256");
		byte[] material = new byte[32];
		RANDOM.nextBytes(material);
		importedJob(keyId, material);
		String renewal = createJob(keyId, "RSAES_OAEP_SHA_256", "RSA_2048", Map.of("deleteCurrentMaterial", true))
			.get("id")
			.asString();
		Response imported;
		try {
			// Huawei deletes the material, and its answer is an internal error
			this.huawei.faults().failNextAfterExecution("delete-imported-key-material", 1, "KMS.0101", 500);
			imported = upload(renewal, material);
		}
		finally {
			this.huawei.faults().clear();
		}

		assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
		assertThat(imported.json().get("state").asString()).isEqualTo("IMPORTED");
		assertThat(keyState(keyId)).isEqualTo("ENABLED");
		assertThat(api().get("/api/v1/import-jobs/" + renewal + "/events").json().valueStream()).anySatisfy(
				e -> assertThat(e.get("cause").asString()).startsWith("key material deleted before the re-import"));
	}

	@Test
	void anUploadWithoutConsentToAKeyThatGotMaterialMeanwhileIsRefusedAndTheKeysMaterialIsNeverDeleted() {
		String keyId = createKey("AES_256");
		// both jobs are created while the key is pending import: neither needs consent
		String late = createJob(keyId, "RSAES_OAEP_SHA_256", "RSA_2048", Map.of()).get("id").asString();
		String early = createJob(keyId, "RSAES_OAEP_SHA_256", "RSA_2048", Map.of()).get("id").asString();
		byte[] material = new byte[32];
		RANDOM.nextBytes(material);
		assertThat(api()
			.postJson("/api/v1/import-jobs/" + early + "/key-material",
					ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(material))))
			.status()).isEqualTo(200);
		long deletes = this.huawei.callCount("delete-imported-key-material");
		long imports = this.huawei.callCount("import-key-material");
		byte[] other = new byte[32];
		RANDOM.nextBytes(other);

		Response refused = api().postJson("/api/v1/import-jobs/" + late + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(other))));

		assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
		assertThat(refused.json().get("code").asString()).isEqualTo("kms-invalid-key-state");
		assertThat(this.huawei.callCount("delete-imported-key-material")).isEqualTo(deletes);
		assertThat(this.huawei.callCount("import-key-material")).isEqualTo(imports);
		assertThat(keyState(keyId)).isEqualTo("ENABLED");
		assertThat(this.huawei.materialDigest(keyId)).isEqualTo(HuaweiKmsEmulator.materialDigest(material));
		assertThat(api().get("/api/v1/import-jobs/" + late).json().get("state").asString()).isNotEqualTo("IMPORTED");
	}

	@Test
	void aLostImportAnswerOnAHuaweiKeyThatWasPendingImportEndsImportedWithTheSameMaterialNotFailed() {
		String keyId = createKey("AES_256");
		String jobId = createJob(keyId, "RSAES_OAEP_SHA_256", "RSA_2048", Map.of()).get("id").asString();
		byte[] material = new byte[32];
		RANDOM.nextBytes(material);
		long deletes = this.huawei.callCount("delete-imported-key-material");
		// Huawei imports the material, and its answer is lost
		this.huawei.faults().failNextAfterExecution("import-key-material", 1, "KMS.0101", 500);

		Response uploaded = api().postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(material))));

		// not repeated at once: the repetition would meet the key's new state and hide
		// that the import may have succeeded
		ImportJobApiTests.assertProblem(uploaded, 503, "kms-internal-error");
		assertThat(api().get("/api/v1/import-jobs/" + jobId).json().get("state").asString())
			.isEqualTo("MATERIAL_WRAPPED");
		assertThat(keyState(keyId)).isEqualTo("ENABLED");

		this.clock.advance(java.time.Duration.ofMinutes(20));
		this.lifecycle.retryDueImports();

		JsonNode job = api().get("/api/v1/import-jobs/" + jobId).json();
		assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("IMPORTED");
		assertThat(keyState(keyId)).isEqualTo("ENABLED");
		assertThat(this.huawei.materialDigest(keyId)).isEqualTo(HuaweiKmsEmulator.materialDigest(material));
		assertThat(this.huawei.callCount("delete-imported-key-material")).isEqualTo(deletes + 1);
		assertThat(api().get("/api/v1/import-jobs/" + jobId + "/events").json().toString())
			.contains("no other job imported into the key since, so it is imported again with the same token");
	}

	@Test
	void aHuaweiImportWhoseInstanceDiedBeforeRecordingItsAnswerEndsImportedOnTheRetryNotFailed() {
		String keyId = createKey("AES_256");
		String jobId = createJob(keyId, "RSAES_OAEP_SHA_256", "RSA_2048", Map.of()).get("id").asString();
		byte[] material = uploadWhoseAnswerIsLost(jobId);
		// the job as an instance leaves it that dies right after sending the import: no
		// answer recorded
		this.jdbc.update("update import_job set import_outcome_unknown = false, import_in_flight = true, "
				+ "import_attempts = 0, last_error_code = null where id = ?::uuid", jobId);

		this.clock.advance(java.time.Duration.ofMinutes(20));
		this.lifecycle.retryDueImports();

		JsonNode job = api().get("/api/v1/import-jobs/" + jobId).json();
		assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("IMPORTED");
		assertThat(this.huawei.materialDigest(keyId)).isEqualTo(HuaweiKmsEmulator.materialDigest(material));
	}

	@Test
	void aDescribeKeyThatFailsAheadOfTheImportLeavesTheImportKnownUnsentSoTheJobCanBeCancelled() {
		String keyId = createKey("AES_256");
		String jobId = createJob(keyId, "RSAES_OAEP_SHA_256", "RSA_2048", Map.of()).get("id").asString();
		long imports = this.huawei.callCount("import-key-material");
		byte[] material = new byte[32];
		RANDOM.nextBytes(material);
		// every try of the DescribeKey ahead of the import fails
		this.huawei.faults().failNext("describe-key", 10, "KMS.0101", 500);
		Response uploaded;
		try {
			uploaded = api().postJson("/api/v1/import-jobs/" + jobId + "/key-material",
					ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(material))));
		}
		finally {
			this.huawei.faults().clear();
		}
		ImportJobApiTests.assertProblem(uploaded, 503, "kms-internal-error");
		assertThat(this.huawei.callCount("import-key-material")).isEqualTo(imports);

		Response cancelled = api().post("/api/v1/import-jobs/" + jobId + "/cancel");

		assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
	}

	@Test
	void aLostImportAnswerIsNotTakenForTheKeysMaterialOnceAnotherJobImportedIntoTheKey() {
		String keyId = createKey("AES_256");
		String lost = createJob(keyId, "RSAES_OAEP_SHA_256", "RSA_2048", Map.of()).get("id").asString();
		byte[] material = uploadWhoseAnswerIsLost(lost);
		// another job, whose creator agreed to replace the key's material, imports it
		// (Huawei takes only the key's first material back): that job watches the key now
		this.clock.advance(java.time.Duration.ofSeconds(1));
		String other = createJob(keyId, "RSAES_OAEP_SHA_256", "RSA_2048", Map.of("deleteCurrentMaterial", true))
			.get("id")
			.asString();
		assertThat(api()
			.postJson("/api/v1/import-jobs/" + other + "/key-material",
					ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(material))))
			.json()
			.get("state")
			.asString()).isEqualTo("IMPORTED");
		long deletes = this.huawei.callCount("delete-imported-key-material");

		this.clock.advance(java.time.Duration.ofMinutes(20));
		this.lifecycle.retryDueImports();

		assertThat(api().get("/api/v1/import-jobs/" + lost).json().get("lastError").get("code").asString())
			.isEqualTo("kms-invalid-key-state");
		assertThat(this.huawei.callCount("delete-imported-key-material")).isEqualTo(deletes);
		assertThat(keyState(keyId)).isEqualTo("ENABLED");
		assertThat(api().get("/api/v1/import-jobs/" + other).json().get("state").asString()).isEqualTo("IMPORTED");
	}

	@Test
	void asymmetricMaterialOnHuaweiCannotBeReplacedAndSaysSo() {
		String keyId = createKey("EC_P256", "SIGN_VERIFY");
		java.security.KeyPair pair = ImportMatrix.privateKey(io.keyport.wrapping.KeySpec.ECC_NIST_P256);
		String jobId = createJob(keyId, "RSA_AES_KEY_WRAP_SHA_256", "RSA_2048", Map.of()).get("id").asString();
		Response imported = api().postJson("/api/v1/import-jobs/" + jobId + "/key-material", ApiClient
			.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()))));
		assertThat(imported.json().get("state").asString()).as(imported.toString()).isEqualTo("IMPORTED");
		Response again = api().postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyId, "target",
				HUAWEI, "wrappingAlgorithm", "RSA_AES_KEY_WRAP_SHA_256", "wrappingKeySpec", "RSA_2048")));
		ImportJobApiTests.assertProblem(again, 409, "kms-key-state-forbids-import");
		assertThat(again.json().get("detail").asString()).contains("asymmetric material cannot be deleted");
	}

	/**
	 * Uploads new material to the job; Huawei imports it and the answer is lost (503).
	 * @return the material
	 */
	private byte[] uploadWhoseAnswerIsLost(String jobId) {
		byte[] material = new byte[32];
		RANDOM.nextBytes(material);
		this.huawei.faults().failNextAfterExecution("import-key-material", 1, "KMS.0101", 500);
		ImportJobApiTests.assertProblem(
				api().postJson("/api/v1/import-jobs/" + jobId + "/key-material",
						ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(material)))),
				503, "kms-internal-error");
		return material;
	}

	static String hex(byte[] bytes) {
		return HexFormat.of().formatHex(bytes);
	}

}
