package io.keyport.importjob;

import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job listing's page sizes come from {@code keyport.import-jobs.default-page-size}
 * and {@code max-page-size}.
 */
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "keyport.import-jobs.default-page-size=1", "keyport.import-jobs.max-page-size=2" })
class ImportJobPageSizeTests extends IntegrationTest {

	@LocalServerPort
	int port;

	@Test
	void listingUsesTheConfiguredDefaultAndLargestPageSize() {
		// the test's limits are below the documented ones
		ApiClient api = new ApiClient(this.port).underConfiguredLimits();
		Response key = api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT")));
		assertThat(key.status()).as(key.toString()).isEqualTo(201);
		String keyId = key.json().get("keyId").asString();
		for (int i = 0; i < 2; i++) {
			Response job = api.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyId)));
			assertThat(job.status()).as(job.toString()).isEqualTo(201);
		}

		JsonNode byDefault = api.get("/api/v1/import-jobs?kmsKeyId=" + keyId).json();
		assertThat(byDefault.get("items")).hasSize(1);
		assertThat(byDefault.get("size").asInt()).isEqualTo(1);
		assertThat(byDefault.get("totalPages").asInt()).isEqualTo(2);

		assertThat(api.get("/api/v1/import-jobs?kmsKeyId=" + keyId + "&size=2").json().get("items")).hasSize(2);
		Response tooLarge = api.get("/api/v1/import-jobs?kmsKeyId=" + keyId + "&size=3");
		assertThat(tooLarge.status()).as(tooLarge.toString()).isEqualTo(400);
		assertThat(tooLarge.json().get("code").asString()).isEqualTo("validation-failed");
		assertThat(tooLarge.json().get("errors").get(0).get("parameter").asString()).isEqualTo("size");
	}

}
