package io.keyport.importjob;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.ChinaRegionIntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Custody in an AWS China region, where SYMMETRIC_DEFAULT is a 16-byte SM4 key: the
 * custodian generates and keeps material of the length KMS imports there.
 */
class ChinaRegionCustodyTests extends ChinaRegionIntegrationTest {

	@LocalServerPort
	int port;

	@Test
	void materialTheCustodianGeneratesForAChinaKeyIsTheSixteenByteKeyKmsImportsThere() {
		ApiClient api = new ApiClient(this.port);
		Response key = api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT")));
		assertThat(key.status()).as(key.toString()).isEqualTo(201);
		String keyId = key.json().get("keyId").asString();
		Response created = api.postJson("/api/v1/import-jobs",
				ApiClient.json(Map.of("kmsKeyId", keyId, "custody", "vault")));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		String jobId = created.json().get("id").asString();

		Response generated = api.postJson("/api/v1/import-jobs/" + jobId + "/generated-key-material", "");

		assertThat(generated.status()).as(generated.toString()).isEqualTo(200);
		JsonNode job = generated.json();
		assertThat(job.get("state").asString()).isEqualTo("IMPORTED");
		assertThat(job.get("custodyMaterialHeld").asBoolean()).isTrue();
		assertThat(api.get("/api/v1/kms-keys/" + keyId).json().get("keyState").asString()).isEqualTo("ENABLED");
	}

}
