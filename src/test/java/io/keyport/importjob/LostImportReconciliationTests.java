package io.keyport.importjob;

import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.ExpirationModelType;
import software.amazon.awssdk.services.kms.model.ImportKeyMaterialRequest;
import software.amazon.awssdk.services.kms.model.ImportType;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import io.keyport.emulator.KmsEmulator;
import io.keyport.emulator.KmsFaults;
import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.IntegrationTest;
import io.keyport.testsupport.PlaintextRegistry;
import io.keyport.testsupport.TestInfrastructure;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Imports that reached KMS while their answer was lost are found again with proof, and
 * the job ends imported instead of waiting for material KMS already holds: a rotation
 * job's new material by the description Keyport gave it (KMS refuses the same material as
 * new twice, so sending it again cannot confirm it), and any proven import also when it
 * is found only after its token lapsed. Against the emulator over HTTP with the real AWS
 * SDK; a lost answer is a fault after execution, or an import the test makes itself with
 * the job's own token and wrapped material, as Keyport's lost call did.
 */
class LostImportReconciliationTests extends IntegrationTest {

	final KmsClient kms = TestInfrastructure.kmsClient();

	@LocalServerPort
	int port;

	@Autowired
	ImportJobLifecycle lifecycle;

	@Autowired
	JdbcTemplate jdbc;

	ApiClient api;

	@BeforeEach
	void client() {
		this.api = new ApiClient(this.port);
		this.clock.set(Instant.now().truncatedTo(ChronoUnit.SECONDS));
	}

	@Test
	void aRotationImportWhoseAnswerWasLostIsFoundByItsDescriptionNotRefusedAsAlreadyHeld() {
		String keyId = keyWithMaterial();
		byte[] second = random();
		String job = create(keyId, "NEW_KEY_MATERIAL", Map.of("when", "BY_API"), null);
		// KMS takes the new material, but every answer is lost: the SDK's own retry
		// then meets KMS's refusal of the same material as new
		this.emulator.faults().failAfterExecutionEvery("ImportKeyMaterial", 1, KmsFaults.Fault.INTERNAL);
		Response upload = upload(job, second);
		this.emulator.faults().clear();
		if (upload.status() != 200) {
			// whichever way the upload ended, the scheduler's retry finds the material
			this.clock.advance(Duration.ofMinutes(1));
			this.lifecycle.retryDueImports();
		}

		String m2 = KmsEmulator.keyMaterialIdOf(keyId, second);
		JsonNode imported = job(job);
		assertThat(imported.get("state").asString()).isEqualTo("IMPORTED_PENDING_ROTATION");
		assertThat(imported.get("keyMaterialId").asString()).isEqualTo(m2);
		assertThat(imported.has("lastError")).isFalse();
		assertThat(causes(job))
			.anySatisfy(cause -> assertThat(cause).contains("lists it as " + m2).contains("its answer was lost"));
		// and the material found is the one the key rotates to
		Response rotated = this.api.post("/api/v1/import-jobs/" + job + "/rotation");
		assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
		assertThat(this.kms.describeKey(r -> r.keyId(keyId)).keyMetadata().currentKeyMaterialId()).isEqualTo(m2);
	}

	@Test
	void aLostRotationImportFoundOnlyAfterItsTokenLapsedEndsImportedWithoutANewDownload() {
		String keyId = keyWithMaterial();
		byte[] second = random();
		String job = create(keyId, "NEW_KEY_MATERIAL", Map.of("when", "BY_API"), null);
		importedByALostCall(job, keyId, second, "Keyport import job " + job);
		this.clock.advance(Duration.ofHours(24).plusMinutes(1));
		this.lifecycle.refreshDueParameters();

		JsonNode imported = job(job);
		assertThat(imported.get("state").asString()).isEqualTo("IMPORTED_PENDING_ROTATION");
		assertThat(imported.get("keyMaterialId").asString()).isEqualTo(KmsEmulator.keyMaterialIdOf(keyId, second));
		assertThat(causes(job).getLast()).startsWith("reconciled: KMS lists material")
			.contains("with this job's description");
		assertThat(imported.get("parameters").get("downloads").asInt()).as("no parameters for material KMS holds")
			.isEqualTo(1);
	}

	@Test
	void anOnDemandJobsLostImportFoundWhenItsTokenLapsedEndsImportedInsteadOfExpired() {
		String keyId = keyWithMaterial();
		byte[] second = random();
		String job = create(keyId, "NEW_KEY_MATERIAL", Map.of("when", "BY_API"), "ON_DEMAND");
		importedByALostCall(job, keyId, second, "Keyport import job " + job);

		this.clock.advance(Duration.ofHours(24).plusMinutes(1));
		this.lifecycle.settleOnDemandJobs();

		assertThat(job(job).get("state").asString()).isEqualTo("IMPORTED_PENDING_ROTATION");
		assertThat(causes(job).getLast()).startsWith("reconciled: KMS lists material");
	}

	@Test
	void anAsymmetricImportFoundOnlyAfterItsTokenLapsedIsProvenByItsPublicKey() {
		KeyPair pair = LifecycleRenewalAndRecoveryTests.newP256KeyPair();
		String keyId = createKey("ECC_NIST_P256");
		String job = create(keyId, null, null, null);
		importedByALostCall(job, keyId, pair.getPrivate().getEncoded(), null);

		this.clock.advance(Duration.ofHours(24).plusMinutes(1));
		this.lifecycle.refreshDueParameters();

		assertThat(job(job).get("state").asString()).isEqualTo("IMPORTED");
		assertThat(causes(job).getLast()).contains("reconciled").contains("public key matches");
		assertThat(job(job).get("parameters").get("downloads").asInt()).isEqualTo(1);
	}

	@Test
	void aRotationJobWhoseMaterialKmsDoesNotHoldStillGetsNewParametersWhenItsTokenLapses() {
		String keyId = keyWithMaterial();
		String job = create(keyId, "NEW_KEY_MATERIAL", Map.of("when", "BY_API"), null);
		wrappedAfterAFailedImport(job, random());

		this.clock.advance(Duration.ofHours(24).plusMinutes(1));
		this.lifecycle.refreshDueParameters();

		assertThat(job(job).get("state").asString()).isEqualTo("PARAMETERS_FETCHED");
		assertThat(causes(job).getLast()).startsWith("import token expired before the import succeeded");
		assertThat(job(job).get("parameters").get("downloads").asInt()).isEqualTo(2);
	}

	@Test
	void theDownloadAfterAnUnprovenSearchForALostImportGetsALeaseOfItsOwn() throws Exception {
		String job = create(createKey("SYMMETRIC_DEFAULT"), null, null, null);
		wrappedAfterAFailedImport(job, random());
		this.clock.advance(Duration.ofHours(24).plusMinutes(1));
		// the search (DescribeKey) is slow; while it runs, more than a lease's time
		// passes
		this.emulator.faults().latency("DescribeKey", Duration.ofMillis(1500));
		// and the download slow enough for the poll below to see its lease
		this.emulator.faults().latency("GetParametersForImport", Duration.ofMillis(600));
		long described = this.emulator.callCount("DescribeKey");
		boolean extendedInTime;
		try {
			extendedInTime = io.keyport.testsupport.LeaseWatch.extendedAfterALapse(this.clock, this.jdbc, job,
					() -> this.emulator.callCount("DescribeKey") > described, this.lifecycle::refreshDueParameters);
		}
		finally {
			this.emulator.faults().clear();
		}
		assertThat(extendedInTime).as("the lease was extended between the search and the download").isTrue();
		assertThat(job(job).get("state").asString()).isEqualTo("PARAMETERS_FETCHED");
		assertThat(job(job).get("parameters").get("downloads").asInt()).isEqualTo(2);
	}

	/**
	 * The job holds wrapped material after an import KMS never executed; then the test
	 * sends that same import itself, as Keyport's call would have reached KMS with its
	 * answer lost.
	 */
	private void importedByALostCall(String job, String keyId, byte[] material, String description) {
		wrappedAfterAFailedImport(job, material);
		Map<String, Object> held = this.jdbc.queryForMap(
				"select import_token, encrypted_key_material, material_valid_to from import_job where id = ?::uuid",
				job);
		ImportKeyMaterialRequest.Builder request = ImportKeyMaterialRequest.builder()
			.keyId(keyId)
			.importToken(SdkBytes.fromByteArray((byte[]) held.get("import_token")))
			.encryptedKeyMaterial(SdkBytes.fromByteArray((byte[]) held.get("encrypted_key_material")))
			.expirationModel(ExpirationModelType.KEY_MATERIAL_EXPIRES)
			.validTo(((java.sql.Timestamp) held.get("material_valid_to")).toInstant());
		if (description != null) {
			request.importType(ImportType.NEW_KEY_MATERIAL).keyMaterialDescription(description);
		}
		this.kms.importKeyMaterial(request.build());
	}

	private void wrappedAfterAFailedImport(String job, byte[] material) {
		this.emulator.faults().failEvery("ImportKeyMaterial", 1, KmsFaults.Fault.INTERNAL);
		Response upload = upload(job, material);
		this.emulator.faults().clear();
		assertThat(upload.status()).as(upload.toString()).isEqualTo(503);
		assertThat(job(job).get("state").asString()).isEqualTo("MATERIAL_WRAPPED");
	}

	private String keyWithMaterial() {
		String keyId = createKey("SYMMETRIC_DEFAULT");
		String first = create(keyId, null, null, null);
		Response imported = upload(first, random());
		assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
		this.clock.advance(Duration.ofMinutes(1));
		return keyId;
	}

	private String create(String keyId, String importType, Map<String, String> rotation, String refreshPolicy) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("kmsKeyId", keyId);
		body.put("expiration", Map.of("model", "KEY_MATERIAL_EXPIRES", "validTo",
				this.clock.instant().plus(Duration.ofDays(5)).toString()));
		if (importType != null) {
			body.put("importType", importType);
			body.put("rotation", rotation);
		}
		if (refreshPolicy != null) {
			body.put("refreshPolicy", refreshPolicy);
		}
		Response created = this.api.postJson("/api/v1/import-jobs", ApiClient.json(body));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		return created.json().get("id").asString();
	}

	private Response upload(String jobId, byte[] material) {
		return this.api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(material))));
	}

	private JsonNode job(String jobId) {
		return this.api.get("/api/v1/import-jobs/" + jobId).json();
	}

	private List<String> causes(String jobId) {
		JsonNode events = this.api.get("/api/v1/import-jobs/" + jobId + "/events").json();
		JsonNode items = events.has("items") ? events.get("items") : events;
		return items.valueStream().map(event -> event.get("cause").asString()).toList();
	}

	private String createKey(String keySpec) {
		Response created = this.api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", keySpec)));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		return created.json().get("keyId").asString();
	}

	private static byte[] random() {
		byte[] bytes = new byte[32];
		new SecureRandom().nextBytes(bytes);
		PlaintextRegistry.register(bytes);
		return bytes;
	}

}
