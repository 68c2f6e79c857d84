package io.keyport.importjob;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.spec.MGF1ParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.keyport.custody.Custodians;
import io.keyport.custody.CustodyReference;
import io.keyport.custody.SoftHsmToken;
import io.keyport.emulator.KmsEmulator;
import io.keyport.emulator.KmsFaults;
import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.HeapDumps;
import io.keyport.testsupport.IntegrationTest;
import io.keyport.testsupport.PlaintextRegistry;
import io.keyport.testsupport.TestInfrastructure;
import io.keyport.wrapping.EncryptedKeyMaterial;
import io.keyport.wrapping.ImportRules;
import io.keyport.wrapping.ImportSpec;
import io.keyport.wrapping.KeySpec;
import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.wrapping.WrappingKeySpec;
import io.keyport.wrapping.WrappingPublicKey;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15's HSM acceptance, end to end: a job with a PKCS#11 custodian (SoftHSM2; the
 * class is skipped without it) has its material generated in the token, wrapped in the
 * token with the job's wrapping key, imported into the emulator over HTTP, and the
 * emulator holds exactly the token's value. The test reads that value back only through a
 * wrapped export under its own RSA key (the token object is sensitive and extractable
 * only wrapped), and only after it dumped the JVM's heap: the dump, taken once the
 * material was generated and wrapped, holds no copy of it.
 */
class HsmCustodyImportTests extends IntegrationTest {

	private static KeyPair testWrappingKeys;

	final KmsClient kms = TestInfrastructure.kmsClient();

	@LocalServerPort
	int port;

	@Autowired
	ImportJobLifecycle lifecycle;

	@Autowired
	Custodians custodians;

	@Autowired
	JdbcTemplate jdbc;

	ApiClient api;

	@BeforeAll
	static void softHsm() throws Exception {
		SoftHsmToken.assumeAvailable();
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		testWrappingKeys = generator.generateKeyPair();
	}

	@DynamicPropertySource
	static void custodian(DynamicPropertyRegistry registry) {
		registry.add("keyport.custody.hsm.type", () -> "pkcs11");
		registry.add("keyport.custody.hsm.library", SoftHsmToken.LIBRARY::toString);
		registry.add("keyport.custody.hsm.token-label", () -> SoftHsmToken.LABEL);
		registry.add("keyport.custody.hsm.pin-file", () -> {
			try {
				return SoftHsmToken.pinFile().toString();
			}
			catch (java.io.IOException ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	@BeforeEach
	void client() {
		this.api = new ApiClient(this.port);
		this.clock.set(Instant.now().truncatedTo(ChronoUnit.SECONDS));
	}

	@Test
	void materialGeneratedInTheTokenIsImportedAsTheTokensValueAndNeverInTheHeap(@TempDir Path dir) throws Exception {
		String keyId = createKey();
		String jobId = createJob(keyId, "hsm");
		// the first import fails before KMS unwraps anything, so the job holds the
		// token's wrap while the heap is dumped; the scheduler's retry imports it
		this.emulator.faults().failEvery("ImportKeyMaterial", 1, KmsFaults.Fault.INTERNAL);

		Response generated = this.api.postJson("/api/v1/import-jobs/" + jobId + "/generated-key-material", "");

		assertThat(generated.status()).as(generated.toString()).isEqualTo(503);
		byte[] wrapped = this.jdbc.queryForObject("select encrypted_key_material from import_job where id = ?::uuid",
				byte[].class, jobId);
		assertThat(wrapped).as("the token's wrap, kept for the retry").hasSize(256);
		Path dump = HeapDumps.dump(dir);

		this.emulator.faults().clear();
		this.clock.advance(Duration.ofMinutes(10));
		this.lifecycle.retryDueImports();

		JsonNode job = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(job.get("state").asString()).isEqualTo("IMPORTED");
		assertThat(job.get("custodyMaterialHeld").asBoolean()).isTrue();
		assertThat(events(jobId)).anyMatch(cause -> cause.contains("generated and wrapped by custodian hsm"));
		// the token's value, read back only now, through a wrapped export
		byte[] tokenValue = exportFromToken(jobId);
		PlaintextRegistry.register(tokenValue);
		KeyMetadata key = this.kms.describeKey(r -> r.keyId(keyId)).keyMetadata();
		assertThat(key.keyState()).isEqualTo(KeyState.ENABLED);
		assertThat(key.currentKeyMaterialId()).as("the emulator unwrapped exactly the token's value")
			.isEqualTo(KmsEmulator.keyMaterialIdOf(keyId, tokenValue))
			.isEqualTo(job.get("keyMaterialId").asString());
		assertThat(Files.size(dump)).isGreaterThan(1_000_000);
		assertThat(HeapDumps.contains(dump, tokenValue)).as("the token's value in the heap dump").isFalse();
		assertThat(HeapDumps.contains(dump, wrapped)).as("the scan finds what the heap held").isTrue();
	}

	@Test
	void rotationJobImportsMaterialGeneratedInTheTokenAndRotatesToIt() throws Exception {
		String keyId = createKey();
		String first = createJob(keyId, null);
		byte[] material = new byte[32];
		new java.security.SecureRandom().nextBytes(material);
		PlaintextRegistry.register(material);
		assertThat(
				this.api
					.postJson("/api/v1/import-jobs/" + first + "/key-material",
							ApiClient
								.json(Map.of("keyMaterial", java.util.Base64.getEncoder().encodeToString(material))))
					.status())
			.isEqualTo(200);
		Map<String, Object> body = new java.util.LinkedHashMap<>(Map.of("kmsKeyId", keyId, "wrappingAlgorithm",
				"RSAES_OAEP_SHA_1", "custody", "hsm", "importType", "NEW_KEY_MATERIAL", "rotation",
				Map.of("when", "BY_API"), "expiration", Map.of("model", "KEY_MATERIAL_EXPIRES", "validTo",
						this.clock.instant().plus(Duration.ofDays(30)).toString())));
		Response created = this.api.postJson("/api/v1/import-jobs", ApiClient.json(body));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		String rotationJob = created.json().get("id").asString();

		Response generated = this.api.postJson("/api/v1/import-jobs/" + rotationJob + "/generated-key-material", "");
		assertThat(generated.status()).as(generated.toString()).isEqualTo(200);
		assertThat(generated.json().get("state").asString()).isEqualTo("IMPORTED_PENDING_ROTATION");
		Response rotated = this.api.postJson("/api/v1/import-jobs/" + rotationJob + "/rotation", "");

		assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
		assertThat(rotated.json().get("state").asString()).isEqualTo("IMPORTED");
		byte[] tokenValue = exportFromToken(rotationJob);
		PlaintextRegistry.register(tokenValue);
		String current = this.kms.describeKey(r -> r.keyId(keyId)).keyMetadata().currentKeyMaterialId();
		assertThat(current).as("the key rotated to the token's material")
			.isEqualTo(KmsEmulator.keyMaterialIdOf(keyId, tokenValue))
			.isEqualTo(rotated.json().get("keyMaterialId").asString())
			.isNotEqualTo(KmsEmulator.keyMaterialIdOf(keyId, material));
		assertThat(this.api.get("/api/v1/import-jobs/" + first).json().get("state").asString())
			.as("the first material stays in the key, its job with it")
			.isEqualTo("IMPORTED");
	}

	@Test
	void generationForAJobWithoutCustodyIsRefusedWithoutAnyKmsOrTokenCall() {
		String jobId = createJob(createKey(), null);
		long imports = this.emulator.callCount("ImportKeyMaterial");

		Response refused = this.api.postJson("/api/v1/import-jobs/" + jobId + "/generated-key-material", "");

		assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
		assertThat(refused.json().get("code").asString()).isEqualTo("custody-required");
		assertThat(this.emulator.callCount("ImportKeyMaterial")).isEqualTo(imports);
		assertThat(this.api.get("/api/v1/import-jobs/" + jobId).json().get("state").asString())
			.isEqualTo("PARAMETERS_FETCHED");
	}

	@Test
	void materialTheTokenCannotWrapWithTheJobsAlgorithmIsACustodyErrorAndTheTokenForgetsIt() {
		// SoftHSM2 refuses OAEP with SHA-256; the job keeps waiting for material
		String jobId = createJob(createKey(), "hsm", "RSAES_OAEP_SHA_256");
		long objects = tokenObjects();

		Response refused = this.api.postJson("/api/v1/import-jobs/" + jobId + "/generated-key-material", "");

		assertThat(refused.status()).as(refused.toString()).isIn(422, 502);
		assertThat(refused.json().get("code").asString()).startsWith("custody-");
		JsonNode job = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(job.get("state").asString()).isEqualTo("PARAMETERS_FETCHED");
		assertThat(job.get("custodyMaterialHeld").asBoolean()).isFalse();
		assertThat(tokenObjects()).as("the generated object was destroyed").isEqualTo(objects);
	}

	@Test
	void aJobWhoseMaterialTheTokenCouldNeverKeepIsRefusedAtCreationBeforeAnyDownload() {
		// the token keeps secret keys only: an EC private key's job was created, and only
		// its upload was refused
		String ecKey = this.api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", "ECC_NIST_P256")))
			.json()
			.get("keyId")
			.asString();
		String body = ApiClient.json(Map.of("kmsKeyId", ecKey, "custody", "hsm", "wrappingAlgorithm",
				"RSA_AES_KEY_WRAP_SHA_256", "wrappingKeySpec", "RSA_2048"));
		long downloads = this.emulator.callCount("GetParametersForImport");

		Response refused = this.api.postJson("/api/v1/import-jobs", body);

		assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
		assertThat(refused.json().get("code").asString()).isEqualTo("custody-unsupported");
		Response planned = this.api.postJson("/api/v1/import-job-plans", body);
		assertThat(planned.json().get("code").asString()).as(planned.toString()).isEqualTo("custody-unsupported");
		assertThat(this.emulator.callCount("GetParametersForImport")).isEqualTo(downloads);
	}

	@Test
	void generationForAnImportedJobIsRefusedBeforeTheTokenGeneratesAnything() throws Exception {
		String jobId = createJob(createKey(), "hsm");
		assertThat(this.api.postJson("/api/v1/import-jobs/" + jobId + "/generated-key-material", "").status())
			.isEqualTo(200);
		long objects = tokenObjects();

		Response refused = this.api.postJson("/api/v1/import-jobs/" + jobId + "/generated-key-material", "");

		assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
		assertThat(refused.json().get("code").asString()).isEqualTo("illegal-state-transition");
		assertThat(tokenObjects()).isEqualTo(objects);
	}

	private static long tokenObjects() {
		return SoftHsmToken.secretKeyObjects();
	}

	private byte[] exportFromToken(String jobId) throws Exception {
		String custodyId = this.jdbc.queryForObject("select custody_id from import_job where id = ?::uuid",
				String.class, jobId);
		CustodyReference reference = new CustodyReference("hsm", custodyId);
		ImportSpec spec = new ImportSpec(KeySpec.SYMMETRIC_DEFAULT, WrappingAlgorithm.RSAES_OAEP_SHA_1,
				WrappingKeySpec.RSA_2048, ImportRules.awsRegion("eu-west-1"));
		EncryptedKeyMaterial export = this.custodians.get("hsm")
			.wrapForImport(reference, WrappingPublicKey.fromDer(testWrappingKeys.getPublic().getEncoded()), spec);
		Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
		cipher.init(Cipher.DECRYPT_MODE, testWrappingKeys.getPrivate(),
				new OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1, PSource.PSpecified.DEFAULT));
		return cipher.doFinal(export.bytes());
	}

	private String createKey() {
		return this.api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT")))
			.json()
			.get("keyId")
			.asString();
	}

	private String createJob(String keyId, String custody) {
		return createJob(keyId, custody, "RSAES_OAEP_SHA_1");
	}

	private String createJob(String keyId, String custody, String algorithm) {
		Map<String, Object> body = new java.util.LinkedHashMap<>(Map.of("kmsKeyId", keyId, "wrappingAlgorithm",
				algorithm, "wrappingKeySpec", "RSA_2048", "expiration", Map.of("model", "KEY_MATERIAL_EXPIRES",
						"validTo", this.clock.instant().plus(Duration.ofDays(30)).toString())));
		if (custody != null) {
			body.put("custody", custody);
		}
		Response created = this.api.postJson("/api/v1/import-jobs", ApiClient.json(body));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		return created.json().get("id").asString();
	}

	private List<String> events(String jobId) {
		JsonNode events = this.api.get("/api/v1/import-jobs/" + jobId + "/events").json();
		JsonNode items = events.has("items") ? events.get("items") : events;
		return items.valueStream().map(event -> event.get("cause").asString()).toList();
	}

}
