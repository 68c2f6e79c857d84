package io.keyport.security;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * V6 gives every key already used by a job the tenant of its earliest job, so keys that
 * worked before Keyport stopped claiming keys at job creation still belong to their
 * tenant; an existing owner is never replaced.
 */
class KeyOwnershipMigrationTests extends IntegrationTest {

	static final String MIGRATION = "db/migration/V6__key_owners_audit_idempotency.sql";

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void keysUsedByJobsKeepTheTenantOfTheirEarliestJob() throws IOException {
		ApiClient tenantA = new ApiClient(this.port);
		String keyId = tenantA.postJson("/api/v1/kms-keys", "{\"keySpec\":\"SYMMETRIC_DEFAULT\"}")
			.json()
			.get("keyId")
			.asString();
		Response job = tenantA.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyId)));
		assertThat(job.status()).as(job.toString()).isEqualTo(201);
		String arn = job.json().get("kmsKeyArn").asString();
		String kept = tenantA.postJson("/api/v1/kms-keys", "{\"keySpec\":\"SYMMETRIC_DEFAULT\"}")
			.json()
			.get("arn")
			.asString();
		assertThat(tenantA.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", kept))).status())
			.isEqualTo(201);
		// as before V6: a key used by a job without an owner row (claimed lazily then),
		// and one already owned
		this.jdbc.update("delete from kms_key_owner where kms_key_arn = ?", arn);
		this.jdbc.update("update kms_key_owner set tenant = 'tenant-z' where kms_key_arn = ?", kept);
		assertThat(tenantA.get("/api/v1/kms-keys/" + keyId).status()).isEqualTo(404);

		this.jdbc.execute(ownerBackfill());

		assertThat(
				this.jdbc.queryForObject("select tenant from kms_key_owner where kms_key_arn = ?", String.class, arn))
			.isEqualTo("tenant-a");
		assertThat(
				this.jdbc.queryForObject("select tenant from kms_key_owner where kms_key_arn = ?", String.class, kept))
			.isEqualTo("tenant-z");
		assertThat(tenantA.get("/api/v1/kms-keys/" + keyId).status()).isEqualTo(200);
	}

	static String ownerBackfill() throws IOException {
		try (InputStream in = KeyOwnershipMigrationTests.class.getClassLoader().getResourceAsStream(MIGRATION)) {
			String script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			return Arrays.stream(script.split(";"))
				.filter(statement -> statement.contains("insert into kms_key_owner"))
				.findFirst()
				.orElseThrow();
		}
	}

}
