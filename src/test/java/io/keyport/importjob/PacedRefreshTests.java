package io.keyport.importjob;

import java.sql.Timestamp;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.keyport.emulator.KmsEmulator;
import io.keyport.emulator.MutableClock;
import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.IntegrationTest;
import io.keyport.testsupport.TestInfrastructure;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * EAGER refreshes on a target paced slower than a caller waits for a permit (production's
 * 0.025/s is one call per 40 s against a 10 s wait): a run claims only what the pace lets
 * it call, and the day's budget counts only calls that reached KMS. A context of its own
 * with the target {@value #TARGET} at one request per 20 s and a wait of 1 s, beside an
 * unpaced default target ("fast") for the API's calls.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(IntegrationTest.SharedClock.class)
class PacedRefreshTests {

	static {
		// the AWS SDK's default credential chain reads these system properties
		System.setProperty("aws.accessKeyId", "AKIAKEYPORTTEST");
		System.setProperty("aws.secretAccessKey", "keyport-test-secret");
	}

	static final String TARGET = "paced";

	final MutableClock clock = TestInfrastructure.CLOCK;

	@DynamicPropertySource
	static void infrastructure(DynamicPropertyRegistry registry) {
		KmsEmulator kms = TestInfrastructure.emulator();
		Map<String, String> properties = TestInfrastructure.instanceProperties("test-instance-paced", kms);
		TestInfrastructure.addAwsTarget(properties, "fast", kms);
		properties.put("keyport.kms.default-target", "fast");
		TestInfrastructure.addAwsTarget(properties, TARGET, kms);
		properties.put("keyport.kms.targets." + TARGET + ".requests-per-second", "0.05");
		properties.put("keyport.kms.rate-limits.max-wait", "1s");
		IntegrationTest.register(registry, properties);
	}

	@LocalServerPort
	int port;

	@Autowired
	ImportJobLifecycle lifecycle;

	@Autowired
	RefreshBudget budget;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void aRunClaimsOnlyTheRefreshesThePaceAllowsAndTheBudgetCountsOnlyCallsThatReachedKms() {
		ApiClient api = new ApiClient(this.port);
		// a job on the fast target, copied five times onto the paced one with
		// parameters about to lapse (the pace would refuse the API's own calls)
		Response key = api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT")));
		assertThat(key.status()).as(key.toString()).isEqualTo(201);
		Response template = api.postJson("/api/v1/import-jobs",
				ApiClient.json(Map.of("kmsKeyId", key.json().get("keyId").asString())));
		assertThat(template.status()).as(template.toString()).isEqualTo(201);
		this.jdbc.update("""
				insert into import_job (id, version, state, kms_key_id, kms_key_arn, key_spec, wrapping_algorithm,
				    wrapping_key_spec, expiration_model, wrapping_public_key, import_token, parameters_fetched_at,
				    parameters_valid_to, parameter_downloads, created_at, updated_at, created_by, tenant, waiting_since,
				    kms_target, refresh_policy)
				select gen_random_uuid(), 0, state, kms_key_id, kms_key_arn, key_spec, wrapping_algorithm,
				    wrapping_key_spec, expiration_model, wrapping_public_key, import_token, parameters_fetched_at, ?,
				    1, created_at, updated_at, created_by, tenant, waiting_since, ?, 'EAGER'
				from import_job, generate_series(1, 5) n where id = ?::uuid""",
				Timestamp.from(this.clock.instant().plusSeconds(1)), TARGET, template.json().get("id").asString());
		long used = this.budget.used(TARGET);

		this.lifecycle.refreshDueParameters();

		List<Map<String, Object>> jobs = this.jdbc
			.queryForList("select parameter_downloads, last_error_code from import_job where kms_target = ?", TARGET);
		long downloads = jobs.stream().mapToLong(j -> ((Number) j.get("parameter_downloads")).longValue() - 1).sum();
		// the pace holds one permit now and none within the wait after it
		assertThat(downloads).isOne();
		assertThat(this.budget.used(TARGET) - used).as("the budget counts what reached KMS").isEqualTo(downloads);
		assertThat(jobs).extracting(j -> j.get("last_error_code"))
			.as("no job was claimed only to be refused by the pace")
			.containsOnlyNulls();
	}

	@Test
	void callsInARowAreUnlimitedWhereEachPermitComesWithinTheWait() {
		// the default target's pace (10,000/s in the tests): each call waits its turn
		assertThat(this.budget.claimable("fast", 50)).isEqualTo(50);
		// the paced one: one permit at most, whatever the batch
		assertThat(this.budget.claimable(TARGET, 50)).isLessThanOrEqualTo(1);
	}

}
