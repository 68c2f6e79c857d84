package io.keyport.ops;

import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.keyport.emulator.KmsFaults;
import io.keyport.importjob.ImportJobLifecycle;
import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.IntegrationTest;
import io.keyport.testsupport.Tokens;
import io.keyportdev.localauth.LocalAuthorizationServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What operations teams see: Prometheus metrics, health details for the ops scope, KMS
 * reachability, request ids.
 */
class OperationsTests extends IntegrationTest {

	@LocalServerPort
	int port;

	@Autowired
	ImportJobLifecycle lifecycle;

	@Test
	void prometheusShowsEveryKeyportMetricAfterAnImportAndOnlyToOperators() {
		ApiClient platform = new ApiClient(this.port);
		String keyId = platform.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT")))
			.json()
			.get("keyId")
			.asString();
		String jobId = platform.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyId)))
			.json()
			.get("id")
			.asString();
		platform.post("/api/v1/import-jobs/" + jobId + "/refresh-parameters");
		byte[] material = new byte[32];
		new java.security.SecureRandom().nextBytes(material);
		assertThat(platform
			.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
					ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(material))))
			.json()
			.get("state")
			.asString()).isEqualTo("IMPORTED");
		this.lifecycle.runOnce();
		this.clock.advance(Duration.ofSeconds(16)); // past the statistics' cache

		ApiClient operator = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.OPERATOR));
		Response scrape = operator.get("/actuator/prometheus", "text/plain");
		assertThat(scrape.status()).isEqualTo(200);
		assertThat(scrape.text()).contains("keyport_jobs{", "state=\"IMPORTED\"")
			.contains("keyport_imports_total{", "outcome=\"imported\"")
			.contains("keyport_parameter_downloads_total{", "cause=\"job_created\"", "cause=\"on_request\"")
			.contains("keyport_kms_calls_seconds_count{", "operation=\"ImportKeyMaterial\"", "outcome=\"ok\"")
			.contains("keyport_keys_expiring_keys")
			.contains("keyport_lifecycle_lag_seconds")
			.contains("keyport_lifecycle_run_seconds_count");
		// no key or job ids in metric tags
		assertThat(scrape.text()).doesNotContain(keyId).doesNotContain(jobId);

		assertThat(new ApiClient(this.port, null).get("/actuator/prometheus", "text/plain").status()).isEqualTo(401);
		assertThat(platform.get("/actuator/prometheus", "text/plain").status()).isEqualTo(403);
	}

	@Test
	void aScraperWithTheOpsScopeAndNoTenantReadsMetricsButNothingOfTheApi() {
		ApiClient scraper = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.SCRAPER));

		Response scrape = scraper.get("/actuator/prometheus", "text/plain");
		assertThat(scrape.status()).as(scrape.toString()).isEqualTo(200);
		assertThat(scrape.text()).contains("keyport_lifecycle_lag_seconds");
		assertThat(scraper.get("/actuator/health").json().has("components")).isTrue();
		// a tenant-less token is no tenant's: every API call is refused for it
		Response jobs = scraper.get("/api/v1/import-jobs");
		assertThat(jobs.status()).as(jobs.toString()).isEqualTo(403);
		assertThat(jobs.json().get("code").asString()).isEqualTo("invalid-tenant-claim");
		Response created = scraper.postJson("/api/v1/kms-keys", "{\"keySpec\":\"SYMMETRIC_DEFAULT\"}");
		assertThat(created.json().get("code").asString()).as(created.toString()).isEqualTo("invalid-tenant-claim");
	}

	@Test
	void healthDetailsAreForOperatorsOnlyAndKmsFailuresShowThere() {
		JsonNode anonymous = new ApiClient(this.port, null).get("/actuator/health").json();
		assertThat(anonymous.get("status").asString()).isEqualTo("UP");
		assertThat(anonymous.has("components")).isFalse();

		ApiClient operator = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.OPERATOR));
		this.clock.advance(Duration.ofMinutes(1)); // past the KMS check's cache
		JsonNode health = operator.get("/actuator/health").json();
		assertThat(health.at("/components/kms/status").asString()).isEqualTo("UP");
		assertThat(health.at("/components/keyport/status").asString()).isEqualTo("UP");
		assertThat(health.at("/components/keyport/details/jobsByState").isObject()).isTrue();
		assertThat(health.at("/components/keyport/details/expiryLeadTime").asString()).isEqualTo("PT168H");
		// readiness follows the database, not KMS (unless configured)
		JsonNode readiness = operator.get("/actuator/health/readiness").json();
		assertThat(readiness.at("/components/db/status").asString()).isEqualTo("UP");
		assertThat(readiness.has("components") && readiness.get("components").has("kms")).isFalse();

		this.emulator.faults().failEvery("ListKeys", 1, KmsFaults.Fault.INTERNAL);
		try {
			this.clock.advance(Duration.ofMinutes(1));
			JsonNode down = operator.get("/actuator/health").json();
			assertThat(down.at("/components/kms/status").asString()).isEqualTo("DOWN");
			assertThat(down.at("/components/kms/details/error").asString()).isEqualTo("kms-internal-error");
			// KMS is not part of readiness unless configured: the instance still takes
			// traffic
			assertThat(new ApiClient(this.port, null).get("/actuator/health/readiness").json().get("status").asString())
				.isEqualTo("UP");
			// and the answer is cached: a second probe does not call KMS again
			long calls = this.emulator.callCount("ListKeys");
			operator.get("/actuator/health");
			assertThat(this.emulator.callCount("ListKeys")).isEqualTo(calls);
		}
		finally {
			this.emulator.faults().clear();
		}
	}

	@Test
	void everyResponseCarriesARequestIdAndASaneOneIsKept() {
		ApiClient platform = new ApiClient(this.port);
		assertThat(platform.get("/api/v1/import-jobs").header("X-Request-Id")).isNotBlank();
	}

}
