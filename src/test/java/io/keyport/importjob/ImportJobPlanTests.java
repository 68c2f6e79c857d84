package io.keyport.importjob;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.KmsClient;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.IntegrationTest;
import io.keyport.testsupport.TestInfrastructure;
import io.keyport.testsupport.Tokens;
import io.keyportdev.localauth.LocalAuthorizationServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dry run of job creation (issue 15, point 5): every refusal the real request gives,
 * and the plan for a request that would succeed, without a single GetParametersForImport
 * (counted at the emulator) and without storing a job.
 */
class ImportJobPlanTests extends IntegrationTest {

	final KmsClient kms = TestInfrastructure.kmsClient();

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	ApiClient api;

	@BeforeEach
	void client() {
		this.api = new ApiClient(this.port);
	}

	String createKey(String keySpec) {
		Response key = this.api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", keySpec)));
		assertThat(key.status()).as(key.toString()).isEqualTo(201);
		return key.json().get("keyId").asString();
	}

	/**
	 * Plans the request, then makes it for real: both answer alike, and the plan
	 * downloaded nothing and stored nothing.
	 */
	void planAnswersLikeTheRealRequest(ApiClient client, Map<String, Object> body, int status, String code) {
		long downloads = this.emulator.callCount("GetParametersForImport");
		long jobs = jobCount();
		Response plan = client.postJson("/api/v1/import-job-plans", ApiClient.json(body));
		assertThat(this.emulator.callCount("GetParametersForImport")).as("downloads by the plan").isEqualTo(downloads);
		assertThat(jobCount()).as("jobs stored by the plan").isEqualTo(jobs);
		Response real = client.postJson("/api/v1/import-jobs", ApiClient.json(body));
		assertThat(plan.status()).as(plan.toString()).isEqualTo(status);
		assertThat(real.status()).as(real.toString()).isEqualTo(status);
		assertThat(plan.json().get("code").asString()).isEqualTo(code);
		assertThat(real.json().get("code").asString()).isEqualTo(code);
	}

	long jobCount() {
		return this.jdbc.queryForObject("select count(*) from import_job", Long.class);
	}

	@Test
	void planOfAnImportableKeyAnswersTheJobAndItsKmsCallsWithoutDownloadingParameters() {
		String keyId = createKey("SYMMETRIC_DEFAULT");
		long downloads = this.emulator.callCount("GetParametersForImport");
		long jobs = jobCount();

		Response plan = this.api.postJson("/api/v1/import-job-plans", ApiClient.json(Map.of("kmsKeyId", keyId,
				"wrappingAlgorithm", "RSAES_OAEP_SHA_1", "wrappingKeySpec", "RSA_3072", "refreshPolicy", "ON_DEMAND")));

		assertThat(plan.status()).as(plan.toString()).isEqualTo(200);
		JsonNode body = plan.json();
		assertThat(body.get("kmsKeyId").asString()).isEqualTo(keyId);
		assertThat(body.get("kmsKeyArn").asString()).endsWith(keyId);
		assertThat(body.get("keyState").asString()).isEqualTo("PENDING_IMPORT");
		assertThat(body.get("keySpec").asString()).isEqualTo("SYMMETRIC_DEFAULT");
		assertThat(body.get("wrappingAlgorithm").asString()).isEqualTo("RSAES_OAEP_SHA_1");
		assertThat(body.get("wrappingKeySpec").asString()).isEqualTo("RSA_3072");
		assertThat(body.get("refreshPolicy").asString()).isEqualTo("ON_DEMAND");
		assertThat(body.get("expiration").get("model").asString()).isEqualTo("KEY_MATERIAL_DOES_NOT_EXPIRE");
		assertThat(body.get("deletesCurrentMaterialFirst").asBoolean()).isFalse();
		assertThat(body.get("kmsCalls").valueStream().map(JsonNode::asString)).containsExactly("GetParametersForImport",
				"ImportKeyMaterial");
		assertThat(plan.header("Cache-Control")).contains("no-store");
		assertThat(this.emulator.callCount("GetParametersForImport")).isEqualTo(downloads);
		assertThat(jobCount()).isEqualTo(jobs);
		// and the real request still goes through
		Response job = this.api.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyId)));
		assertThat(job.status()).as(job.toString()).isEqualTo(201);
		// audited like the other calls that read keys at KMS
		assertThat(this.jdbc.queryForObject(
				"select count(*) from audit_event where operation = 'api:planImportJob' and outcome = '200'",
				Long.class))
			.isPositive();
	}

	@Test
	void planRefusesWhatTheRealRequestRefusesWithTheSameProblem() {
		String symmetric = createKey("SYMMETRIC_DEFAULT");
		planAnswersLikeTheRealRequest(this.api, Map.of("kmsKeyId", "no-such-key"), 404, "kms-key-not-found");
		planAnswersLikeTheRealRequest(this.api,
				Map.of("kmsKeyId", symmetric, "wrappingAlgorithm", "RSA_AES_KEY_WRAP_SHA_256"), 422,
				"incompatible-wrapping-algorithm");
		planAnswersLikeTheRealRequest(this.api, Map.of("kmsKeyId", symmetric, "expiration",
				Map.of("model", "KEY_MATERIAL_EXPIRES", "validTo", this.clock.instant().minusSeconds(60).toString())),
				422, "invalid-valid-to");
		planAnswersLikeTheRealRequest(this.api,
				Map.of("kmsKeyId", symmetric, "dueBy", this.clock.instant().minusSeconds(60).toString()), 422,
				"invalid-due-by");
		planAnswersLikeTheRealRequest(this.api, Map.of("kmsKeyId", symmetric, "target", "nowhere"), 400,
				"unknown-kms-target");
		planAnswersLikeTheRealRequest(this.api, Map.of("kmsKeyId", symmetric, "wrappingAlgorithm", "ROT13"), 400,
				"invalid-enum-value");
		// another tenant's key is answered like a missing one
		ApiClient tenantB = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.PLATFORM_B));
		planAnswersLikeTheRealRequest(tenantB, Map.of("kmsKeyId", symmetric), 404, "kms-key-not-found");
	}

	@Test
	void planOfAKeyNotAcceptingMaterialIsRefusedWithItsState() {
		String keyId = createKey("SYMMETRIC_DEFAULT");
		this.kms.scheduleKeyDeletion(r -> r.keyId(keyId).pendingWindowInDays(7));
		// as the real request: not a key remembered from its creation any more
		planAnswersLikeTheRealRequest(this.api, Map.of("kmsKeyId", keyId), 409, "kms-key-state-forbids-import");
		String awsKey = this.kms.createKey(r -> r.description("AWS_KMS origin")).keyMetadata().keyId();
		this.jdbc.update(
				"insert into kms_key_owner (kms_key_arn, tenant, claimed_by, claimed_at, kms_target) "
						+ "select arn, 'tenant-a', 'test', now(), 'default' from (select ? as arn) a",
				this.kms.describeKey(r -> r.keyId(awsKey)).keyMetadata().arn());
		planAnswersLikeTheRealRequest(this.api, Map.of("kmsKeyId", awsKey), 422, "kms-key-not-external");
	}

}
