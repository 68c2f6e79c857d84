package io.keyport.kms;

import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.web.server.LocalServerPort;

import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.IntegrationTest;
import io.keyport.testsupport.Tokens;
import io.keyportdev.localauth.LocalAuthorizationServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Targets as the API shows them with no targets configured: one implicit AWS target named
 * {@code default}, named by every key and job, listed with its health, and unknown target
 * names refused before anything happens.
 */
class KmsTargetsApiTests extends IntegrationTest {

	@LocalServerPort
	int port;

	@Test
	void withoutConfiguredTargetsTheImplicitAwsTargetIsListedAsDefaultWithItsHealthAndNoSecrets() {
		Response listed = new ApiClient(this.port).get("/api/v1/kms-targets");
		assertThat(listed.status()).as(listed.toString()).isEqualTo(200);
		JsonNode body = listed.json();
		assertThat(body.get("defaultTarget").asString()).isEqualTo("default");
		assertThat(body.get("items")).hasSize(1);
		JsonNode target = body.get("items").get(0);
		assertThat(target.get("name").asString()).isEqualTo("default");
		assertThat(target.get("provider").asString()).isEqualTo("aws");
		assertThat(target.get("region").asString()).isEqualTo(this.emulator.region());
		assertThat(target.get("isDefault").asBoolean()).isTrue();
		assertThat(target.get("importRules").asString()).isEqualTo("aws");
		assertThat(target.at("/health/status").asString()).isEqualTo("UP");
		// endpoints, credentials and roles are configuration, not API
		assertThat(listed.text()).doesNotContain(this.emulator.endpoint().toString()).doesNotContain("secret");
	}

	@Test
	void keysAndJobsShowTheirTargetAndKmsCallsAreAuditedAndMeasuredWithIt() {
		ApiClient api = new ApiClient(this.port);
		Response key = api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT")));
		assertThat(key.status()).as(key.toString()).isEqualTo(201);
		assertThat(key.json().get("target").asString()).isEqualTo("default");
		assertThat(key.json().get("providerKeySpec").asString()).isEqualTo("SYMMETRIC_DEFAULT");
		String keyId = key.json().get("keyId").asString();
		// the default target may be named explicitly
		Response described = api.get("/api/v1/kms-keys/" + keyId + "?target=default");
		assertThat(described.status()).as(described.toString()).isEqualTo(200);
		assertThat(described.json().get("target").asString()).isEqualTo("default");
		Response job = api.postJson("/api/v1/import-jobs",
				ApiClient.json(Map.of("kmsKeyId", keyId, "target", "default")));
		assertThat(job.status()).as(job.toString()).isEqualTo(201);
		assertThat(job.json().get("target").asString()).isEqualTo("default");
		String jobId = job.json().get("id").asString();
		assertThat(api.get("/api/v1/import-jobs/" + jobId).json().get("target").asString()).isEqualTo("default");

		ApiClient operator = api.as(Tokens.of(LocalAuthorizationServer.OPERATOR));
		JsonNode entries = operator.get("/api/v1/audit-events?kmsKeyId=" + keyId + "&size=50").json().get("items");
		assertThat(entries).isNotEmpty();
		assertThat(entries.valueStream()
			.filter(e -> e.get("operation").asString().equals("kms:GetParametersForImport"))
			.map(e -> e.get("kmsTarget").asString())).containsOnly("default").isNotEmpty();
		assertThat(operator.get("/actuator/prometheus", "text/plain").text())
			.containsPattern("keyport_kms_calls_seconds_count\\{[^}]*operation=\"CreateKey\"[^}]*target=\"default\"")
			.containsPattern("keyport_parameter_downloads_total\\{[^}]*target=\"default\"");
	}

	@Test
	void anUnknownTargetIsRefusedWithTheConfiguredNamesBeforeAnyKmsCall() {
		ApiClient api = new ApiClient(this.port);
		Map<String, Long> callsBefore = this.emulator.callCounts();
		for (Response refused : new Response[] {
				api.postJson("/api/v1/kms-keys",
						ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT", "target", "elsewhere"))),
				api.postJson("/api/v1/import-jobs",
						ApiClient
							.json(Map.of("kmsKeyId", "1234abcd-12ab-34cd-56ef-1234567890ab", "target", "elsewhere"))),
				api.get("/api/v1/kms-keys/1234abcd-12ab-34cd-56ef-1234567890ab?target=elsewhere"),
				api.get("/api/v1/wrapping-options?keySpec=SYMMETRIC_DEFAULT&target=elsewhere") }) {
			assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
			assertThat(refused.json().get("code").asString()).isEqualTo("unknown-kms-target");
			assertThat(refused.json().get("detail").asString()).contains("elsewhere").contains("default");
			assertThat(refused.json().get("targets").get(0).asString()).isEqualTo("default");
		}
		assertThat(this.emulator.callCounts()).isEqualTo(callsBefore);
	}

	@Test
	void aKeySpecNameThatNoProviderKnowsIsABadRequest() {
		Response refused = new ApiClient(this.port).postJson("/api/v1/kms-keys",
				ApiClient.json(Map.of("keySpec", "AES_512")));
		assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
		assertThat(refused.json().get("code").asString()).isEqualTo("invalid-key-spec");
		Response options = new ApiClient(this.port).get("/api/v1/wrapping-options?keySpec=AES_512");
		assertThat(options.status()).as(options.toString()).isEqualTo(400);
		assertThat(options.json().get("code").asString()).isEqualTo("invalid-key-spec");
	}

	@Test
	void theLifecycleLeavesJobsOfTargetsThisInstanceDoesNotHaveToInstancesThatHaveThem() {
		ApiClient api = new ApiClient(this.port);
		String keyId = api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT")))
			.json()
			.get("keyId")
			.asString();
		String jobId = api.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyId)))
			.json()
			.get("id")
			.asString();
		// as if created by a replica that has a target this one lacks (a rollout adding
		// one)
		this.jdbc.update("update import_job set kms_target = 'elsewhere' where id = ?::uuid", jobId);
		try {
			this.clock.advance(java.time.Duration.ofHours(24).plusMinutes(1));
			this.lifecycle.refreshDueParameters();
			Map<String, Object> row = this.jdbc.queryForMap(
					"select lease_owner, last_error_code, work_failures from import_job where id = ?::uuid", jobId);
			assertThat(row.get("lease_owner")).isNull();
			assertThat(row.get("last_error_code")).isNull();
			assertThat(row.get("work_failures")).isEqualTo(0);
			// untouched: still waiting with its first parameters
			assertThat(api.get("/api/v1/import-jobs/" + jobId).json().at("/parameters/downloads").asInt()).isEqualTo(1);
		}
		finally {
			// no other test's instance knows that target either: back to this one's, and
			// done with
			this.jdbc.update("update import_job set kms_target = 'default' where id = ?::uuid", jobId);
			assertThat(api.post("/api/v1/import-jobs/" + jobId + "/cancel").status()).isEqualTo(200);
		}
	}

	@org.springframework.beans.factory.annotation.Autowired
	org.springframework.jdbc.core.JdbcTemplate jdbc;

	@org.springframework.beans.factory.annotation.Autowired
	io.keyport.importjob.ImportJobLifecycle lifecycle;

}
