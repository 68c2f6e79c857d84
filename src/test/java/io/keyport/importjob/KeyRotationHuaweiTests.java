package io.keyport.importjob;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;

import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.MultiTargetIntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A target whose provider keeps one material per key (Huawei) refuses rotation jobs, in
 * the dry run and for real, before any parameter download.
 */
class KeyRotationHuaweiTests extends MultiTargetIntegrationTest {

	@LocalServerPort
	int port;

	@Test
	void aRotationJobOnATargetThatCannotRotateIsRefusedAlikeByTheDryRunWithoutADownload() {
		ApiClient api = new ApiClient(this.port);
		String keyId = api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", "AES_256", "target", HUAWEI)))
			.json()
			.get("keyId")
			.asString();
		Instant validTo = Instant.now().truncatedTo(ChronoUnit.SECONDS).plus(Duration.ofDays(2));
		this.clock.set(Instant.now());
		String body = ApiClient.json(Map.of("kmsKeyId", keyId, "target", HUAWEI, "importType", "NEW_KEY_MATERIAL",
				"expiration", Map.of("model", "KEY_MATERIAL_EXPIRES", "validTo", validTo.toString())));
		long downloads = this.huawei.callCount("get-parameters-for-import");

		for (String path : new String[] { "/api/v1/import-job-plans", "/api/v1/import-jobs" }) {
			Response refused = api.postJson(path, body);
			assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
			assertThat(refused.json().get("code").asString()).isEqualTo("rotation-unsupported");
		}
		assertThat(this.huawei.callCount("get-parameters-for-import")).isEqualTo(downloads);
	}

}
