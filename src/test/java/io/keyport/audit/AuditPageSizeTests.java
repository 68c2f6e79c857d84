package io.keyport.audit;

import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.IntegrationTest;
import io.keyport.testsupport.Tokens;
import io.keyportdev.localauth.LocalAuthorizationServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit trail's page sizes come from {@code keyport.audit.default-page-size} and
 * {@code max-page-size}.
 */
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "keyport.audit.default-page-size=1", "keyport.audit.max-page-size=2" })
class AuditPageSizeTests extends IntegrationTest {

	@LocalServerPort
	int port;

	@Test
	void auditTrailUsesTheConfiguredDefaultAndLargestPageSize() {
		// the test's limits are below the documented ones
		ApiClient api = new ApiClient(this.port).underConfiguredLimits();
		Response key = api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT")));
		assertThat(key.status()).as(key.toString()).isEqualTo(201);
		String keyId = key.json().get("keyId").asString();
		for (int i = 0; i < 2; i++) {
			Response job = api.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyId)));
			assertThat(job.status()).as(job.toString()).isEqualTo(201);
		}
		ApiClient admin = api.as(Tokens.of(LocalAuthorizationServer.OPERATOR));

		Response byDefault = admin.get("/api/v1/audit-events?kmsKeyId=" + keyId);
		assertThat(byDefault.status()).as(byDefault.toString()).isEqualTo(200);
		JsonNode page = byDefault.json();
		assertThat(page.get("items")).hasSize(1);
		assertThat(page.get("size").asInt()).isEqualTo(1);

		assertThat(admin.get("/api/v1/audit-events?kmsKeyId=" + keyId + "&size=2").json().get("items")).hasSize(2);
		Response tooLarge = admin.get("/api/v1/audit-events?kmsKeyId=" + keyId + "&size=3");
		assertThat(tooLarge.status()).as(tooLarge.toString()).isEqualTo(400);
		assertThat(tooLarge.json().get("code").asString()).isEqualTo("validation-failed");
		assertThat(tooLarge.json().get("errors").get(0).get("parameter").asString()).isEqualTo("size");
	}

}
