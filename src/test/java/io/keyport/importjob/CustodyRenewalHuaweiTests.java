package io.keyport.importjob;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.keyport.emulator.huawei.HuaweiKmsEmulator;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.MultiTargetIntegrationTest;
import io.keyport.testsupport.PlaintextRegistry;
import io.keyport.testsupport.LazyKmsKey;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The re-import from custody on Huawei, which imports only into keys without material:
 * the key's material is deleted, then the same material imported with the new ValidTo,
 * and the job's history says so.
 */
class CustodyRenewalHuaweiTests extends MultiTargetIntegrationTest {

	private static final LazyKmsKey CUSTODY_KEY = new LazyKmsKey("keyport custody key");

	@LocalServerPort
	int port;

	@Autowired
	CustodyRenewals renewals;

	@Autowired
	ImportJobLifecycle lifecycle;

	@DynamicPropertySource
	static void custodian(DynamicPropertyRegistry registry) {
		registry.add("keyport.custody.vault.type", () -> "kms-envelope");
		registry.add("keyport.custody.vault.kms-target", () -> AWS_A);
		registry.add("keyport.custody.vault.key-id", CUSTODY_KEY::arn);
		registry.add("keyport.custody.renewal.before", () -> "2h");
		registry.add("keyport.custody.renewal.extend-by", () -> "1d");
	}

	@Test
	void renewalFromCustodyDeletesTheHuaweiKeysMaterialThenImportsTheSameWithTheNewValidTo() {
		ApiClient api = new ApiClient(this.port);
		CustodyJob imported = importedInCustody(api);
		String keyId = imported.keyId();
		String jobId = imported.jobId();
		long deletes = this.huawei.callCount("delete-imported-key-material");

		this.clock.advance(Duration.ofMinutes(30));
		this.renewals.renewDueMaterial();

		Instant renewedTo = this.clock.instant().plus(Duration.ofDays(1));
		JsonNode job = api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(job.get("state").asString()).isEqualTo("IMPORTED");
		assertThat(job.get("custodyRenewals").asInt()).isEqualTo(1);
		assertThat(this.huawei.callCount("delete-imported-key-material")).isEqualTo(deletes + 1);
		assertThat(this.huawei.materialExpiry(keyId)).isEqualTo(renewedTo);
		assertThat(api.get("/api/v1/kms-keys/" + keyId + "?target=" + HUAWEI).json().get("keyState").asString())
			.isEqualTo("ENABLED");
		JsonNode events = api.get("/api/v1/import-jobs/" + jobId + "/events").json();
		assertThat(events.valueStream().map(e -> e.get("cause").asString()))
			.contains("material re-imported from custody (vault), valid until " + renewedTo
					+ "; the key's material was deleted first");
	}

	@Test
	void aRenewalWhoseImportFailedAfterItEmptiedTheHuaweiKeyIsRetriedAndTheCheckDoesNotTakeTheKeyForDeletedOutsideKeyport() {
		ApiClient api = new ApiClient(this.port);
		CustodyJob imported = importedInCustody(api);
		String keyId = imported.keyId();
		String jobId = imported.jobId();
		byte[] material = imported.material();
		this.clock.advance(Duration.ofMinutes(30));
		try {
			this.huawei.faults().failNext("import-key-material", 10, "KMS.0101", 500);
			this.renewals.renewDueMaterial();
		}
		finally {
			this.huawei.faults().clear();
		}
		assertThat(api.get("/api/v1/kms-keys/" + keyId + "?target=" + HUAWEI).json().get("keyState").asString())
			.isEqualTo("PENDING_IMPORT");

		// the check comes before the renewal's retry and finds the key empty
		this.clock.advance(Duration.ofMinutes(15));
		this.lifecycle.watchImportedJobs();

		JsonNode job = api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(job.get("state").asString()).isEqualTo("IMPORTED");
		assertThat(job.get("lastError").get("code").asString()).isEqualTo("kms-internal-error");
		this.renewals.renewDueMaterial();
		job = api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(job.get("state").asString()).isEqualTo("IMPORTED");
		assertThat(job.get("lastError")).isNull();
		assertThat(job.get("custodyRenewals").asInt()).isEqualTo(1);
		assertThat(api.get("/api/v1/kms-keys/" + keyId + "?target=" + HUAWEI).json().get("keyState").asString())
			.isEqualTo("ENABLED");
		assertThat(this.huawei.materialDigest(keyId)).isEqualTo(HuaweiKmsEmulator.materialDigest(material));
		assertThat(this.huawei.materialExpiry(keyId)).isEqualTo(this.clock.instant().plus(Duration.ofDays(1)));
		// renewed: nothing is due until the new ValidTo comes near
		assertThat(this.renewals.renewDueMaterial()).isZero();
	}

	@Test
	void aHuaweiCustodyImportUnansweredUntilItsTokenLapsedIsImportedAgainFromCustodyIntoTheKeyItMayHaveFilled() {
		ApiClient api = new ApiClient(this.port);
		this.clock.set(Instant.now().truncatedTo(ChronoUnit.SECONDS));
		String keyId = api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", "AES_256", "target", HUAWEI)))
			.json()
			.get("keyId")
			.asString();
		String jobId = api
			.postJson("/api/v1/import-jobs",
					ApiClient.json(Map.of("kmsKeyId", keyId, "target", HUAWEI, "custody", "vault", "expiration",
							Map.of("model", "KEY_MATERIAL_EXPIRES", "validTo",
									this.clock.instant().plus(Duration.ofDays(30)).toString()))))
			.json()
			.get("id")
			.asString();
		byte[] material = new byte[32];
		new SecureRandom().nextBytes(material);
		PlaintextRegistry.register(material);
		// Huawei imports the material and its answer is lost, every time, until the
		// token lapses
		this.huawei.faults().failNextAfterExecution("import-key-material", 100, "KMS.0101", 500);
		try {
			api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
					ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(material))));
			this.clock.advance(Duration.ofHours(25));
			this.lifecycle.refreshDueParameters();
		}
		finally {
			this.huawei.faults().clear();
		}
		JsonNode lapsed = api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(lapsed.get("state").asString()).as(lapsed.toString()).isEqualTo("PARAMETERS_FETCHED");
		assertThat(lapsed.get("lastError").get("code").asString()).isEqualTo("import-outcome-unknown");

		Response reimported = api.post("/api/v1/import-jobs/" + jobId + "/custody-reimport");

		assertThat(reimported.status()).as(reimported.toString()).isEqualTo(200);
		assertThat(reimported.json().get("state").asString()).isEqualTo("IMPORTED");
		assertThat(this.huawei.materialDigest(keyId)).isEqualTo(HuaweiKmsEmulator.materialDigest(material));
	}

	/**
	 * A new AES_256 key on the Huawei target whose material, valid for an hour (within
	 * the renewal margin), is imported by a job with the vault custodian: its key id and
	 * job id, with the material.
	 */
	private CustodyJob importedInCustody(ApiClient api) {
		byte[] material = new byte[32];
		new SecureRandom().nextBytes(material);
		this.clock.set(Instant.now().truncatedTo(ChronoUnit.SECONDS));
		String keyId = api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", "AES_256", "target", HUAWEI)))
			.json()
			.get("keyId")
			.asString();
		Response created = api.postJson("/api/v1/import-jobs",
				ApiClient.json(Map.of("kmsKeyId", keyId, "target", HUAWEI, "custody", "vault", "expiration",
						Map.of("model", "KEY_MATERIAL_EXPIRES", "validTo",
								this.clock.instant().plus(Duration.ofHours(1)).toString()))));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		String jobId = created.json().get("id").asString();
		PlaintextRegistry.register(material);
		Response imported = api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(material))));
		assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
		return new CustodyJob(keyId, jobId, material);
	}

	/** A key, the custody job that imported its material, and that material. */
	private record CustodyJob(String keyId, String jobId, byte[] material) {
	}

}
