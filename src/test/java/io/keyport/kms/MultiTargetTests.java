package io.keyport.kms;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.web.server.LocalServerPort;

import io.keyport.emulator.huawei.HuaweiKmsEmulator;
import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.MultiTargetIntegrationTest;
import io.keyport.testsupport.Tokens;
import io.keyportdev.localauth.LocalAuthorizationServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One Keyport, three targets: an AWS account, a second AWS account through AssumeRole,
 * and Huawei Cloud KMS. Keys and jobs on all three in one test; every call reaches only
 * its target, and tenancy and the audit trail hold across them.
 */
class MultiTargetTests extends MultiTargetIntegrationTest {

	private static final SecureRandom RANDOM = new SecureRandom();

	@LocalServerPort
	int port;

	@Test
	void keysAndJobsOnTwoAwsAccountsAndHuaweiEachReachOnlyTheirTarget() {
		ApiClient platform = new ApiClient(this.port);
		String accountA = this.aws.accountId();
		long createsA = this.aws.callCount(accountA, "CreateKey");
		long createsB = this.aws.callCount(ACCOUNT_B, "CreateKey");
		long createsHuawei = this.huawei.callCount("create-key");

		// the default target when none is named
		JsonNode keyA = created(
				platform.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT"))));
		JsonNode keyB = created(platform.postJson("/api/v1/kms-keys",
				ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT", "target", AWS_B))));
		// Huawei's own key spec name
		JsonNode keyH = created(
				platform.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", "AES_256", "target", HUAWEI))));

		assertThat(keyA.get("target").asString()).isEqualTo(AWS_A);
		assertThat(keyA.get("arn").asString()).contains(":" + accountA + ":key/");
		assertThat(keyB.get("target").asString()).isEqualTo(AWS_B);
		assertThat(keyB.get("arn").asString()).contains(":" + ACCOUNT_B + ":key/");
		assertThat(keyH.get("target").asString()).isEqualTo(HUAWEI);
		assertThat(keyH.get("keySpec").asString()).isEqualTo("SYMMETRIC_DEFAULT");
		assertThat(keyH.get("providerKeySpec").asString()).isEqualTo("AES_256");
		assertThat(this.aws.callCount(accountA, "CreateKey")).isEqualTo(createsA + 1);
		assertThat(this.aws.callCount(ACCOUNT_B, "CreateKey")).isEqualTo(createsB + 1);
		assertThat(this.huawei.callCount("create-key")).isEqualTo(createsHuawei + 1);

		for (JsonNode key : List.of(keyA, keyB, keyH)) {
			String target = key.get("target").asString();
			Response job = platform.postJson("/api/v1/import-jobs",
					ApiClient.json(Map.of("kmsKeyId", key.get("keyId").asString(), "target", target)));
			assertThat(job.status()).as(job.toString()).isEqualTo(201);
			assertThat(job.json().get("target").asString()).isEqualTo(target);
			byte[] material = new byte[32];
			RANDOM.nextBytes(material);
			Response imported = platform.postJson(
					"/api/v1/import-jobs/" + job.json().get("id").asString() + "/key-material",
					ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(material))));
			assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
			assertThat(imported.json().get("state").asString()).isEqualTo("IMPORTED");
			assertThat(platform.get("/api/v1/kms-keys/" + key.get("keyId").asString() + "?target=" + target)
				.json()
				.get("keyState")
				.asString()).isEqualTo("ENABLED");
			if (target.equals(HUAWEI)) {
				// Huawei received exactly this material
				assertThat(this.huawei.materialDigest(key.get("keyId").asString()))
					.isEqualTo(HuaweiKmsEmulator.materialDigest(material));
			}
		}

		// a key exists only in its own target
		assertNotFound(platform.get("/api/v1/kms-keys/" + keyB.get("keyId").asString() + "?target=" + AWS_A));
		assertNotFound(platform.get("/api/v1/kms-keys/" + keyA.get("keyId").asString() + "?target=" + AWS_B));
		assertNotFound(platform.get("/api/v1/kms-keys/" + keyH.get("keyId").asString() + "?target=" + AWS_A));
		assertNotFound(platform.get("/api/v1/kms-keys/" + keyA.get("keyId").asString() + "?target=" + HUAWEI));

		// tenancy holds on every target
		ApiClient otherTenant = platform.as(Tokens.of(LocalAuthorizationServer.PLATFORM_B));
		assertNotFound(otherTenant.get("/api/v1/kms-keys/" + keyH.get("keyId").asString() + "?target=" + HUAWEI));
		assertNotFound(otherTenant.get("/api/v1/kms-keys/" + keyB.get("keyId").asString() + "?target=" + AWS_B));
		assertNotFound(otherTenant.postJson("/api/v1/import-jobs",
				ApiClient.json(Map.of("kmsKeyId", keyH.get("keyId").asString(), "target", HUAWEI))));

		// the audit trail names the target of every KMS call
		ApiClient operator = platform.as(Tokens.of(LocalAuthorizationServer.OPERATOR));
		for (JsonNode key : List.of(keyA, keyB, keyH)) {
			JsonNode entries = operator
				.get("/api/v1/audit-events?kmsKeyId=" + key.get("keyId").asString() + "&size=100")
				.json()
				.get("items");
			assertThat(entries.valueStream()
				.filter(e -> e.get("operation").asString().equals("kms:ImportKeyMaterial"))
				.map(e -> e.get("kmsTarget").asString())).containsExactly(key.get("target").asString());
		}
	}

	@Test
	void theTargetListingShowsAllThreeWithProviderRegionRulesAndHealthButNoSecrets() {
		Response listed = new ApiClient(this.port).get("/api/v1/kms-targets");
		assertThat(listed.status()).as(listed.toString()).isEqualTo(200);
		JsonNode body = listed.json();
		assertThat(body.get("defaultTarget").asString()).isEqualTo(AWS_A);
		assertThat(body.get("items")
			.valueStream()
			.map(t -> t.get("name").asString() + ":" + t.get("provider").asString() + ":"
					+ t.get("importRules").asString() + ":" + t.at("/health/status").asString()))
			.containsExactly(AWS_A + ":aws:aws:UP", AWS_B + ":aws:aws:UP", HUAWEI + ":huawei:huawei:UP");
		assertThat(body.get("items").get(2).get("region").asString()).isEqualTo(this.huawei.region());
		assertThat(listed.text()).doesNotContain(ROLE_B)
			.doesNotContain(EXTERNAL_ID_B)
			.doesNotContain(this.huawei.projectId())
			.doesNotContain(HuaweiKmsEmulator.DEFAULT_ACCESS_KEY)
			.doesNotContain("huawei-sk");
	}

	private static JsonNode created(Response response) {
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		return response.json();
	}

	private static void assertNotFound(Response response) {
		assertThat(response.status()).as(response.toString()).isEqualTo(404);
		assertThat(response.json().get("code").asString()).isEqualTo("kms-key-not-found");
	}

}
