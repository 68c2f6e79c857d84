package io.keyport.importjob;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.micrometer.core.instrument.MeterRegistry;
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
import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.IntegrationTest;
import io.keyport.testsupport.TestInfrastructure;

import static io.keyport.importjob.ImportJobApiTests.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Quota spent where it matters (issue 14): ON_DEMAND jobs cost no GetParametersForImport
 * until a client needs new parameters, EAGER refreshes go by priority within the day's
 * budget, and the budget plan is visible in metrics and health. A context of its own with
 * one KMS target, {@value #TARGET}, whose jobs no other test context claims, and a budget
 * of {@value #BUDGET} scheduler refreshes a day (a pace of 10,000/s with a scheduler
 * share of 3.5 / 864,000,000, so requests are not paced).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(IntegrationTest.SharedClock.class)
class RefreshPolicyTests {

	static {
		// the AWS SDK's default credential chain reads these system properties
		System.setProperty("aws.accessKeyId", "AKIAKEYPORTTEST");
		System.setProperty("aws.secretAccessKey", "keyport-test-secret");
	}

	static final String TARGET = "policy";

	static final int BUDGET = 3;

	final MutableClock clock = TestInfrastructure.CLOCK;

	final KmsEmulator emulator = TestInfrastructure.emulator();

	@DynamicPropertySource
	static void infrastructure(DynamicPropertyRegistry registry) {
		KmsEmulator kms = TestInfrastructure.emulator();
		Map<String, String> properties = TestInfrastructure.instanceProperties("test-instance-refresh-policy", kms);
		TestInfrastructure.addAwsTarget(properties, TARGET, kms);
		properties.put("keyport.kms.rate-limits.scheduler-share", String.valueOf((BUDGET + 0.5) / (10_000 * 86_400.0)));
		properties.put("keyport.refresh-policy.on-demand-wait", "5s");
		IntegrationTest.register(registry, properties);
	}

	@LocalServerPort
	int port;

	@Autowired
	ImportJobLifecycle lifecycle;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	MeterRegistry meters;

	@Autowired
	ApplicationContext context;

	ApiClient api;

	@BeforeEach
	void reset() {
		this.emulator.faults().clear();
		this.emulator.setParametersValidity(Duration.ofHours(24));
		this.clock.set(Instant.ofEpochMilli(System.currentTimeMillis()));
		this.api = new ApiClient(this.port);
		// each test counts the target's jobs and downloads from zero
		this.jdbc.update("update import_job set state = 'CANCELLED', lease_owner = null, lease_until = null "
				+ "where kms_target = ? and state not in ('SUPERSEDED', 'FAILED', 'CANCELLED')", TARGET);
	}

	@Test
	void tenThousandIdleOnDemandJobsCostNoGetParametersForImportOverADayAndAbandonedOnesAreCancelledWithoutKms() {
		String template = createJob(createKey(), Map.of("refreshPolicy", "ON_DEMAND")).get("id").asString();
		// 9,999 more like it, and 100 of them near the end of their lifetime (30 days)
		this.jdbc.update("""
				insert into import_job (id, version, state, kms_key_id, kms_key_arn, key_spec, wrapping_algorithm,
				    wrapping_key_spec, expiration_model, wrapping_public_key, import_token, parameters_fetched_at,
				    parameters_valid_to, parameter_downloads, created_at, updated_at, created_by, tenant, waiting_since,
				    kms_target, refresh_policy)
				select gen_random_uuid(), 0, state, kms_key_id, kms_key_arn, key_spec, wrapping_algorithm,
				    wrapping_key_spec, expiration_model, wrapping_public_key, import_token, parameters_fetched_at,
				    parameters_valid_to, 1, created_at, updated_at, created_by, tenant,
				    case when n <= 100 then waiting_since - interval '29 days 12 hours' else waiting_since end,
				    kms_target, refresh_policy
				from import_job, generate_series(1, 9999) n where id = ?::uuid""", template);
		assertThat(waiting("ON_DEMAND")).isEqualTo(10_000);
		long downloads = this.emulator.callCount("GetParametersForImport");

		// a day and an hour of scheduler runs, every 10 minutes: every job's parameters
		// lapse meanwhile
		for (int run = 0; run < 6 * 25; run++) {
			this.clock.advance(Duration.ofMinutes(10));
			this.lifecycle.runOnce();
		}

		assertThat(this.emulator.callCount("GetParametersForImport") - downloads).isZero();
		assertThat(count("state = 'CANCELLED' and refresh_policy = 'ON_DEMAND' and waiting_since < ?",
				this.clock.instant().minus(Duration.ofDays(30))))
			.isEqualTo(100);
		assertThat(waiting("ON_DEMAND")).isEqualTo(9_900);
		assertThat(count("state = 'PARAMETERS_FETCHED' and parameters_valid_to < ?", this.clock.instant()))
			.isEqualTo(9_900);
	}

	@Test
	void onDemandJobWhoseValidToPassedIsToldSoWithoutADownloadWhenItsWrappingKeyOrAnUploadIsAskedFor() {
		Instant validTo = this.clock.instant()
			.plus(Duration.ofHours(2))
			.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
		String jobId = createJob(createKey(), Map.of("refreshPolicy", "ON_DEMAND", "expiration",
				Map.of("model", "KEY_MATERIAL_EXPIRES", "validTo", validTo.toString())))
			.get("id")
			.asString();
		// the parameters lapse, and the material's ValidTo has passed
		this.clock.advance(Duration.ofHours(25));
		this.lifecycle.runOnce();
		long downloads = this.emulator.callCount("GetParametersForImport");

		Response key = this.api.get("/api/v1/import-jobs/" + jobId + "/wrapping-key", "application/octet-stream");
		Response upload = this.api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", java.util.Base64.getEncoder().encodeToString(new byte[32]))));

		for (Response refused : List.of(key, upload)) {
			assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
			assertThat(refused.json().get("code").asString()).isEqualTo("valid-to-passed");
		}
		// new parameters would only be refused with the old ValidTo: none downloaded
		assertThat(this.emulator.callCount("GetParametersForImport") - downloads).isZero();
		assertThat(this.api.get("/api/v1/import-jobs/" + jobId).json().get("parameters").get("downloads").asInt())
			.isEqualTo(1);
	}

	@Test
	void plannedRefreshesAreTheJobsTheRefreshClaimTakesWithinTheDayNotJobsPutOffForANewValidTo() {
		// an EAGER job whose ValidTo passed with its parameters: put off until its
		// owner refreshes it with a new one, no download planned
		String passed = createJob(createKey(), Map.of("expiration", Map.of("model", "KEY_MATERIAL_EXPIRES", "validTo",
				this.clock.instant().plus(Duration.ofHours(2)).toString())))
			.get("id")
			.asString();
		this.clock.advance(Duration.ofHours(25));
		this.lifecycle.runOnce();
		assertThat(this.api.get("/api/v1/import-jobs/" + passed).json().get("lastError").get("code").asString())
			.isEqualTo("valid-to-passed");
		createJob(createKey(), Map.of());
		this.clock.advance(Duration.ofMinutes(1));
		assertThat(gauge("keyport.kms.budget.planned.refreshes")).isEqualTo(1);

		// a wrapped job whose import is retried: its token lapses within the day, and
		// the refresh claim takes it then
		String wrapped = createJob(createKey(), Map.of()).get("id").asString();
		try {
			this.emulator.faults().failEvery("ImportKeyMaterial", 1, io.keyport.emulator.KmsFaults.Fault.INTERNAL);
			this.api.postJson("/api/v1/import-jobs/" + wrapped + "/key-material",
					ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(new byte[32]))));
		}
		finally {
			this.emulator.faults().clear();
		}
		assertThat(this.api.get("/api/v1/import-jobs/" + wrapped).json().get("state").asString())
			.isEqualTo("MATERIAL_WRAPPED");
		this.clock.advance(Duration.ofMinutes(1));
		assertThat(gauge("keyport.kms.budget.planned.refreshes")).isEqualTo(2);
		assertThat(this.meters.get("keyport.kms.budget.waiting.jobs")
			.tag("target", TARGET)
			.tag("policy", "eager")
			.gauge()
			.value()).as("waiting for material: the wrapped job is not").isEqualTo(2);
	}

	@Test
	void anEagerJobPastItsLifetimeIsCancelledAsAbandonedThoughTheDaysBudgetIsUsedUp() {
		String jobId = createJob(createKey(), Map.of()).get("id").asString();
		this.jdbc.update("update import_job set waiting_since = ? where id = ?::uuid",
				java.sql.Timestamp.from(this.clock.instant().minus(Duration.ofDays(31))), jobId);
		RefreshBudget budget = this.context.getBean(RefreshBudget.class);
		while (budget.used(TARGET) < BUDGET) {
			budget.recordDownload(TARGET);
		}
		long downloads = this.emulator.callCount("GetParametersForImport");

		this.lifecycle.runOnce();

		var job = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(job.get("state").asString()).isEqualTo("CANCELLED");
		var events = this.api.get("/api/v1/import-jobs/" + jobId + "/events").json();
		assertThat(events.get(events.size() - 1).get("cause").asString()).contains("abandoned");
		assertThat(this.emulator.callCount("GetParametersForImport") - downloads).isZero();
	}

	@Test
	void onDemandJobWhoseParametersLapsedGetsNewOnesWhenTwoClientsAskAtOnceWithOneDownload() throws Exception {
		var job = createJob(createKey(), Map.of("refreshPolicy", "ON_DEMAND"));
		String jobId = job.get("id").asString();
		assertThat(job.get("refreshPolicy").asString()).isEqualTo("ON_DEMAND");
		byte[] firstKey = this.api.get("/api/v1/import-jobs/" + jobId + "/wrapping-key", "application/octet-stream")
			.body();
		this.clock.advance(Duration.ofHours(25));
		this.lifecycle.runOnce();
		long downloads = this.emulator.callCount("GetParametersForImport");
		assertThat(this.api.get("/api/v1/import-jobs/" + jobId).json().get("parameters").get("downloads").asInt())
			.isEqualTo(1);
		// a slow KMS, so both asks meet the download in flight
		this.emulator.faults().latency("GetParametersForImport", Duration.ofMillis(700));

		List<Response> answers = concurrently(2,
				() -> this.api.get("/api/v1/import-jobs/" + jobId + "/wrapping-key", "application/octet-stream"));

		assertThat(answers).allSatisfy(answer -> assertThat(answer.status()).as(answer.toString()).isEqualTo(200));
		assertThat(answers.get(0).body()).isEqualTo(answers.get(1).body()).isNotEqualTo(firstKey);
		assertThat(this.emulator.callCount("GetParametersForImport") - downloads).isEqualTo(1);
		var after = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(after.get("state").asString()).isEqualTo("PARAMETERS_FETCHED");
		assertThat(after.get("parameters").get("downloads").asInt()).isEqualTo(2);
		assertThat(Instant.parse(after.get("parameters").get("validTo").asString())).isAfter(this.clock.instant());
		assertThat(this.jdbc.queryForObject("select last_client_activity_at from import_job where id = ?::uuid",
				java.sql.Timestamp.class, jobId))
			.isNotNull();
		var events = this.api.get("/api/v1/import-jobs/" + jobId + "/events").json();
		assertThat(events.get(events.size() - 1).get("cause").asString()).contains("downloaded on demand");
	}

	@Test
	void plaintextUploadAfterTheParametersLapsedDownloadsNewOnesAndImports() {
		String jobId = createJob(createKey(), Map.of("refreshPolicy", "ON_DEMAND")).get("id").asString();
		this.clock.advance(Duration.ofHours(25));
		this.lifecycle.runOnce();
		long downloads = this.emulator.callCount("GetParametersForImport");

		Response imported = this.api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(new byte[32]))));

		assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
		assertThat(imported.json().get("state").asString()).isEqualTo("IMPORTED");
		assertThat(imported.json().get("parameters").get("downloads").asInt()).isEqualTo(2);
		assertThat(this.emulator.callCount("GetParametersForImport") - downloads).isEqualTo(1);
	}

	@Test
	void plaintextOfTheWrongLengthAfterTheParametersLapsedIsRefusedWithoutADownload() {
		String jobId = createJob(createKey(), Map.of("refreshPolicy", "ON_DEMAND")).get("id").asString();
		this.clock.advance(Duration.ofHours(25));
		this.lifecycle.runOnce();
		long downloads = this.emulator.callCount("GetParametersForImport");

		Response refused = this.api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(new byte[31]))));

		ImportJobApiTests.assertProblem(refused, 422, "invalid-key-material-length");
		assertThat(this.emulator.callCount("GetParametersForImport")).isEqualTo(downloads);
		tools.jackson.databind.JsonNode job = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(job.get("state").asString()).isEqualTo("PARAMETERS_FETCHED");
		assertThat(job.get("parameters").get("downloads").asInt()).isOne();
	}

	@Test
	void encryptedUploadAfterTheParametersLapsedIs409ParametersExpiredBecauseItWasWrappedUnderTheOldKey()
			throws Exception {
		String jobId = createJob(createKey(), Map.of("refreshPolicy", "ON_DEMAND")).get("id").asString();
		byte[] oldKey = this.api.get("/api/v1/import-jobs/" + jobId + "/wrapping-key", "application/octet-stream")
			.body();
		byte[] wrapped = ImportJobApiTests.oaep(oldKey, "SHA-256", new byte[32]);
		this.clock.advance(Duration.ofHours(25));
		long downloads = this.emulator.callCount("GetParametersForImport");

		Response refused = this.api.putBytes("/api/v1/import-jobs/" + jobId + "/encrypted-key-material", wrapped);

		assertProblem(refused, 409, "parameters-expired");
		assertThat(refused.json().get("detail").asString()).contains("wrapped under that wrapping key")
			.contains("/wrapping-key");
		assertThat(this.emulator.callCount("GetParametersForImport")).isEqualTo(downloads);
		// the client follows the detail: the new wrapping key is downloaded on its ask
		Response newKey = this.api.get("/api/v1/import-jobs/" + jobId + "/wrapping-key", "application/octet-stream");
		assertThat(newKey.status()).as(newKey.toString()).isEqualTo(200);
		assertThat(newKey.body()).isNotEqualTo(oldKey);
		Response imported = this.api.putBytes("/api/v1/import-jobs/" + jobId + "/encrypted-key-material",
				ImportJobApiTests.oaep(newKey.body(), "SHA-256", new byte[32]));
		assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
		assertThat(imported.json().get("state").asString()).isEqualTo("IMPORTED");
	}

	@Test
	void withTheBudgetForThreeRefreshesJobsWithADueDateOrRecentActivityAreRefreshedFirstAndHealthWarns() {
		String key = createKey();
		// idle jobs first: by lapse order alone they would be refreshed first
		List<String> idle = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			idle.add(createJob(key, Map.of("refreshPolicy", "EAGER")).get("id").asString());
			this.clock.advance(Duration.ofSeconds(1));
		}
		String dueDate = createJob(key,
				Map.of("refreshPolicy", "EAGER", "dueBy", this.clock.instant().plus(Duration.ofDays(3)).toString()))
			.get("id")
			.asString();
		this.clock.advance(Duration.ofSeconds(1));
		String active = createJob(key, Map.of()).get("id").asString();
		String onDemand = createJob(key, Map.of("refreshPolicy", "ON_DEMAND")).get("id").asString();
		this.clock.advance(Duration.ofHours(25));
		// the client looks at its job: recent activity
		assertThat(this.api.get("/api/v1/import-jobs/" + active).json().get("refreshPolicy").asString())
			.isEqualTo("EAGER");
		long downloads = this.emulator.callCount("GetParametersForImport");
		RefreshBudget budget = this.context.getBean(RefreshBudget.class);
		long usedBefore = budget.used(TARGET);
		assertThat(usedBefore).as("no scheduler refreshes earlier in this minute's day").isZero();

		this.lifecycle.refreshDueParameters();
		this.lifecycle.refreshDueParameters();

		assertThat(this.emulator.callCount("GetParametersForImport") - downloads).isEqualTo(BUDGET);
		assertThat(downloads(dueDate)).isEqualTo(2);
		assertThat(downloads(active)).isEqualTo(2);
		assertThat(idle.stream().filter(id -> downloads(id) == 2).toList()).containsExactly(idle.get(0));
		assertThat(downloads(onDemand)).isEqualTo(1);

		// the plan: 7 EAGER jobs all due within the day against a budget of 3, all used
		this.clock.advance(Duration.ofMinutes(1));
		assertThat(gauge("keyport.kms.budget.daily.limit")).isEqualTo(BUDGET);
		assertThat(gauge("keyport.kms.budget.used")).isEqualTo(BUDGET);
		assertThat(gauge("keyport.kms.budget.remaining")).isZero();
		assertThat(gauge("keyport.kms.budget.planned.refreshes")).isEqualTo(7);
		assertThat(this.meters.get("keyport.kms.budget.waiting.jobs")
			.tag("target", TARGET)
			.tag("policy", "eager")
			.gauge()
			.value()).isEqualTo(7);
		assertThat(this.meters.get("keyport.kms.budget.waiting.jobs")
			.tag("target", TARGET)
			.tag("policy", "on_demand")
			.gauge()
			.value()).isEqualTo(1);
		Health health = this.context.getBean("keyport", HealthIndicator.class).health();
		assertThat(health.getStatus().getCode()).isEqualTo("UP");
		@SuppressWarnings("unchecked")
		Map<String, Object> plan = (Map<String, Object>) ((Map<String, Object>) health.getDetails().get("kmsBudget"))
			.get(TARGET);
		assertThat(plan).containsEntry("dailyLimit", 3L)
			.containsEntry("used", 3L)
			.containsEntry("remaining", 0L)
			.containsEntry("plannedRefreshes", 7L);
		assertThat(plan.get("summary"))
			.isEqualTo("8 waiting jobs (7 EAGER, 1 ON_DEMAND), 7 refreshes planned in the next 24 h, 0 of 3 left");
		assertThat((String) plan.get("warning")).startsWith("7 refreshes planned in the next 24 h exceed the day's "
				+ "budget of 3 by 4: jobs with a due date and jobs with recent client activity are refreshed first");
	}

	@Test
	void eagerRefreshClaimWalksThePriorityIndexInItsOrderWithoutSortingTheBacklog() {
		String template = createJob(createKey(), Map.of("refreshPolicy", "EAGER")).get("id").asString();
		// a backlog: 5,000 EAGER jobs whose parameters all lapsed, a few with a due date
		this.jdbc.update("""
				insert into import_job (id, version, state, kms_key_id, kms_key_arn, key_spec, wrapping_algorithm,
				    wrapping_key_spec, expiration_model, wrapping_public_key, import_token, parameters_fetched_at,
				    parameters_valid_to, parameter_downloads, created_at, updated_at, created_by, tenant, waiting_since,
				    kms_target, refresh_policy, refresh_priority)
				select gen_random_uuid(), 0, state, kms_key_id, kms_key_arn, key_spec, wrapping_algorithm,
				    wrapping_key_spec, expiration_model, wrapping_public_key, import_token, parameters_fetched_at,
				    parameters_valid_to - interval '2 days' - n * interval '1 second', 1, created_at, updated_at,
				    created_by, tenant,
				    waiting_since, kms_target, refresh_policy, case when n % 1000 = 0 then 0 else 2 end
				from import_job, generate_series(1, 5000) n where id = ?::uuid""", template);
		this.jdbc.execute("analyze import_job");

		Instant now = this.clock.instant();
		LifecycleClaims.ClaimQuery claim = LifecycleClaims.claimQuery(
				ImportJobLifecycle.refreshDue(now, Duration.ofHours(1)), now, "plan-test",
				now.plus(Duration.ofMinutes(2)), List.of(TARGET), 50);
		List<String> plan = this.jdbc.queryForList("explain " + claim.sql(), String.class, claim.arguments());

		String text = String.join("\n", plan);
		// one arm per priority, each reading the index in its order up to the batch
		assertThat(
				plan.stream().filter(line -> line.contains("Index Scan using import_job_eager_refresh on import_job")))
			.as(text)
			.hasSize(3);
		assertThat(text).as(text).doesNotContain("Seq Scan on import_job");
		// only the arms' few rows are sorted (as the CTE due), and the claimed ones
		assertThat(plan.stream().filter(line -> line.contains("Sort Key:"))).as(text)
			.allSatisfy(line -> assertThat(line).containsPattern("Sort Key: (due|claimed)\\.claim_order"));
	}

	@Test
	void dueByInThePastIsRefusedAndTheTenantDefaultIsEager() {
		String key = createKey();
		assertProblem(
				this.api
					.postJson("/api/v1/import-jobs",
							ApiClient.json(Map.of("kmsKeyId", key, "dueBy",
									this.clock.instant().minus(Duration.ofHours(1)).toString()))),
				422, "invalid-due-by");
		var job = createJob(key, Map.of());
		assertThat(job.get("refreshPolicy").asString()).isEqualTo("EAGER");
		assertThat(job.has("dueBy")).isFalse();
	}

	// --- helpers

	private double gauge(String name) {
		return this.meters.get(name).tag("target", TARGET).gauge().value();
	}

	private String createKey() {
		Response key = this.api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT")));
		assertThat(key.status()).as(key.toString()).isEqualTo(201);
		return key.json().get("keyId").asString();
	}

	private tools.jackson.databind.JsonNode createJob(String keyId, Map<String, ?> fields) {
		Map<String, Object> body = new java.util.HashMap<>(fields);
		body.put("kmsKeyId", keyId);
		Response job = this.api.postJson("/api/v1/import-jobs", ApiClient.json(body));
		assertThat(job.status()).as(job.toString()).isEqualTo(201);
		return job.json();
	}

	private int downloads(String jobId) {
		return this.jdbc.queryForObject("select parameter_downloads from import_job where id = ?::uuid", Integer.class,
				jobId);
	}

	private long waiting(String policy) {
		return count("state in ('PARAMETERS_FETCHED', 'PARAMETERS_EXPIRED') and refresh_policy = ?", policy);
	}

	private long count(String condition, Object... arguments) {
		Object[] all = new Object[arguments.length + 1];
		all[0] = TARGET;
		for (int i = 0; i < arguments.length; i++) {
			all[i + 1] = arguments[i] instanceof Instant instant ? java.sql.Timestamp.from(instant) : arguments[i];
		}
		return this.jdbc.queryForObject("select count(*) from import_job where kms_target = ? and " + condition,
				Long.class, all);
	}

	private static List<Response> concurrently(int clients, java.util.function.Supplier<Response> call)
			throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(clients);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<Response>> futures = new ArrayList<>();
			for (int i = 0; i < clients; i++) {
				futures.add(pool.submit(() -> {
					start.await();
					return call.get();
				}));
			}
			start.countDown();
			List<Response> answers = new ArrayList<>();
			for (Future<Response> future : futures) {
				answers.add(future.get());
			}
			return answers;
		}
		finally {
			pool.shutdownNow();
		}
	}

}
