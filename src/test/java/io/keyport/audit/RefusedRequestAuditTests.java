package io.keyport.audit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.util.unit.DataSize;

import io.keyport.security.SecurityProperties;

import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.IntegrationTest;
import io.keyport.testsupport.Tokens;
import io.keyportdev.localauth.LocalAuthorizationServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests refused before they reach an operation (401, 403, 413, 429) are on the audit
 * trail with their status and the problem's code, never with their body. Per-client rate
 * limits are on in this context.
 */
@Import(RefusedRequestAuditTests.RateLimited.class)
class RefusedRequestAuditTests extends IntegrationTest {

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	/**
	 * Per-client limits on (the shared test settings switch them off): a burst of 3, then
	 * one every 5 seconds.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	static class RateLimited {

		@Bean
		@Primary
		SecurityProperties rateLimitedSecurity() {
			return new SecurityProperties("tenant", DataSize.ofKilobytes(64), 0.2, 3, java.time.Duration.ofSeconds(60),
					10_000);
		}

	}

	@Test
	void missingTokenIsAuditedAs401() {
		String id = send("POST", "/api/v1/import-jobs", null, "{\"kmsKeyId\":\"secret-looking-body\"}", 401);
		Map<String, Object> row = refusal(id);
		assertThat(row.get("outcome")).isEqualTo("401");
		assertThat(row.get("subject")).isEqualTo("anonymous");
		assertThat((String) row.get("detail")).startsWith("unauthorized: POST /api/v1/import-jobs")
			.doesNotContain("secret-looking-body");
	}

	@Test
	void missingScopeIsAuditedAs403WithTheCaller() {
		String id = send("POST", "/api/v1/kms-keys", Tokens.of(LocalAuthorizationServer.READER_A),
				"{\"keySpec\":\"SYMMETRIC_DEFAULT\"}", 403);
		Map<String, Object> row = refusal(id);
		assertThat(row.get("outcome")).isEqualTo("403");
		assertThat(row.get("subject")).isEqualTo("reader-a");
		assertThat(row.get("tenant")).isEqualTo("tenant-a");
		assertThat((String) row.get("detail")).startsWith("insufficient-scope: POST /api/v1/kms-keys");
	}

	@Test
	void unusableTenantClaimIsAuditedAs403WithTheTokensSubject() {
		String id = send("GET", "/api/v1/import-jobs", Tokens.of(LocalAuthorizationServer.WITHOUT_TENANT), null, 403);
		Map<String, Object> row = refusal(id);
		assertThat(row.get("subject")).isEqualTo("tenant-a");
		assertThat(row.get("tenant")).isNull();
		assertThat((String) row.get("detail")).startsWith("invalid-tenant-claim: GET /api/v1/import-jobs");
	}

	@Test
	void oversizedBodyIsAuditedAs413WithoutTheBody() {
		String body = "{\"kmsKeyId\":\"" + "x".repeat(70 * 1024) + "\"}";
		String id = send("POST", "/api/v1/import-jobs", Tokens.of(LocalAuthorizationServer.OPERATOR), body, 413);
		Map<String, Object> row = refusal(id);
		assertThat(row.get("outcome")).isEqualTo("413");
		assertThat((String) row.get("detail")).startsWith("request-too-large: POST /api/v1/import-jobs")
			.doesNotContain("xxxx");
	}

	@Test
	void clientOverItsRateIsAuditedAs429() {
		String token = Tokens.of(LocalAuthorizationServer.PLATFORM_B);
		String refused = null;
		for (int i = 0; i < 10 && refused == null; i++) {
			String id = UUID.randomUUID().toString();
			if (request("GET", "/api/v1/import-jobs", token, null, id).status() == 429) {
				refused = id;
			}
		}
		assertThat(refused).as("a 429 within 10 requests").isNotNull();
		Map<String, Object> row = refusal(refused);
		assertThat(row.get("outcome")).isEqualTo("429");
		assertThat(row.get("subject")).isEqualTo("platform-b");
		assertThat(row.get("tenant")).isEqualTo("tenant-b");
		assertThat((String) row.get("detail")).startsWith("too-many-requests: GET /api/v1/import-jobs");
	}

	String send(String method, String path, String token, String body, int expected) {
		String id = UUID.randomUUID().toString();
		ApiClient.Response response = request(method, path, token, body, id);
		assertThat(response.status()).as(response.text()).isEqualTo(expected);
		return id;
	}

	ApiClient.Response request(String method, String path, String token, String body, String requestId) {
		return new ApiClient(this.port, token).exchange(method, path,
				Map.of("X-Request-Id", requestId, "Content-Type", "application/json"),
				(body != null) ? body.getBytes(StandardCharsets.UTF_8) : null);
	}

	/**
	 * The refusal's row; written once the response is complete, so it may land just after
	 * the client has it.
	 */
	Map<String, Object> refusal(String requestId) {
		return Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.until(() -> this.jdbc.queryForList("select * from audit_event where request_id = ? and operation = ?",
					requestId, "api:refused"), rows -> rows.size() == 1)
			.getFirst();
	}

}
