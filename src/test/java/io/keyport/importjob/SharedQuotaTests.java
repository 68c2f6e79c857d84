package io.keyport.importjob;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.keyport.emulator.KmsEmulator;
import io.keyport.emulator.MutableClock;
import io.keyport.kms.KmsTargets;
import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.IntegrationTest;
import io.keyport.testsupport.TestInfrastructure;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * AWS counts GetParametersForImport (0.25/s) per account and Region, not per Keyport
 * target: two targets in one account and Region ({@value #A} and {@value #B}, the default
 * credentials in the emulator's Region) share one pace and one day's budget of
 * {@value #BUDGET} scheduler refreshes, while {@value #OWN}, paced by a
 * {@code requests-per-second} of its own, keeps its own. A context of its own whose
 * targets no other test context names.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(IntegrationTest.SharedClock.class)
class SharedQuotaTests {

	static {
		// the AWS SDK's default credential chain reads these system properties
		System.setProperty("aws.accessKeyId", "AKIAKEYPORTTEST");
		System.setProperty("aws.secretAccessKey", "keyport-test-secret");
	}

	static final String A = "quota-a";

	static final String B = "quota-b";

	static final String OWN = "quota-own";

	static final int BUDGET = 3;

	final MutableClock clock = TestInfrastructure.CLOCK;

	final KmsEmulator emulator = TestInfrastructure.emulator();

	@DynamicPropertySource
	static void infrastructure(DynamicPropertyRegistry registry) {
		KmsEmulator kms = TestInfrastructure.emulator();
		Map<String, String> properties = TestInfrastructure.instanceProperties("test-instance-shared-quota", kms);
		for (String target : List.of(A, B, OWN)) {
			TestInfrastructure.addAwsTarget(properties, target, kms);
		}
		properties.put("keyport.kms.default-target", A);
		properties.put("keyport.kms.targets." + OWN + ".requests-per-second", "10000");
		// a pace of 10,000/s: 3 scheduler refreshes a day
		properties.put("keyport.kms.rate-limits.scheduler-share", String.valueOf((BUDGET + 0.5) / (10_000 * 86_400.0)));
		IntegrationTest.register(registry, properties);
	}

	@LocalServerPort
	int port;

	@Autowired
	ImportJobLifecycle lifecycle;

	@Autowired
	RefreshBudget budget;

	@Autowired
	KmsTargets targets;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	ApplicationContext context;

	ApiClient api;

	@BeforeEach
	void reset() {
		this.emulator.faults().clear();
		this.emulator.setParametersValidity(Duration.ofHours(24));
		this.clock.set(Instant.ofEpochMilli(System.currentTimeMillis()));
		this.api = new ApiClient(this.port);
	}

	@Test
	void targetsInOneAwsAccountAndRegionShareOnePaceAndOneDaysRefreshBudgetWhileATargetWithItsOwnPaceKeepsItsOwn() {
		assertThat(this.targets.get(A).limiter()).isSameAs(this.targets.get(B).limiter());
		assertThat(this.targets.get(OWN).limiter()).isNotSameAs(this.targets.get(A).limiter());
		assertThat(this.budget.used(A)).as("no scheduler refreshes earlier in this minute's day").isZero();
		for (String target : List.of(A, B, OWN)) {
			String key = createKey(target);
			for (int i = 0; i < BUDGET; i++) {
				createJob(target, key);
			}
		}
		// every job's parameters lapse
		this.clock.advance(Duration.ofHours(25));
		long downloads = this.emulator.callCount("GetParametersForImport");

		this.lifecycle.refreshDueParameters();
		this.lifecycle.refreshDueParameters();

		// the budget of A and B together, and OWN's own
		assertThat(this.emulator.callCount("GetParametersForImport") - downloads).isEqualTo(2 * BUDGET);
		assertThat(refreshed(A) + refreshed(B)).isEqualTo(BUDGET);
		assertThat(refreshed(OWN)).isEqualTo(BUDGET);
		assertThat(this.budget.used(A)).isEqualTo(BUDGET);
		assertThat(this.budget.used(B)).isEqualTo(BUDGET);

		Health health = this.context.getBean("keyport", HealthIndicator.class).health();
		@SuppressWarnings("unchecked")
		Map<String, Map<String, Object>> plan = (Map<String, Map<String, Object>>) health.getDetails().get("kmsBudget");
		// all six of A and B fall due within the day (the three refreshed again tomorrow)
		int planned = 2 * BUDGET;
		assertThat(plan.get(A)).containsEntry("sharesQuotaWith", List.of(B))
			.containsEntry("used", (long) BUDGET)
			.containsEntry("remaining", 0L);
		assertThat(plan.get(B)).containsEntry("sharesQuotaWith", List.of(A)).containsEntry("remaining", 0L);
		assertThat((String) plan.get(A).get("summary"))
			.endsWith("0 of 3 left, quota shared with quota-b (" + planned + " refreshes planned together)");
		assertThat((String) plan.get(A).get("warning")).startsWith(planned + " refreshes planned in the next "
				+ "24 h (with quota-b, which share its quota) exceed the day's budget of 3 by " + (planned - 3));
		assertThat(plan.get(OWN)).doesNotContainKey("sharesQuotaWith").containsEntry("remaining", 0L);
	}

	/** Jobs of the target whose parameters were downloaded a second time. */
	private long refreshed(String target) {
		return this.jdbc.queryForObject(
				"select count(*) from import_job where kms_target = ? and parameter_downloads = 2", Long.class, target);
	}

	private String createKey(String target) {
		Response key = this.api.postJson("/api/v1/kms-keys",
				ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT", "target", target)));
		assertThat(key.status()).as(key.toString()).isEqualTo(201);
		return key.json().get("keyId").asString();
	}

	private void createJob(String target, String keyId) {
		Map<String, Object> body = new HashMap<>();
		body.put("kmsKeyId", keyId);
		body.put("target", target);
		body.put("refreshPolicy", "EAGER");
		Response job = this.api.postJson("/api/v1/import-jobs", ApiClient.json(body));
		assertThat(job.status()).as(job.toString()).isEqualTo(201);
	}

}
