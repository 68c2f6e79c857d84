package io.keyport.importjob;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
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
import io.keyport.testsupport.Tokens;
import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.wrapping.WrappingKeySpec;
import io.keyportdev.localauth.LocalAuthorizationServer;

import static io.keyport.importjob.ImportJobApiTests.assertProblem;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fair use of GetParametersForImport, with a realistic (small) rate instead of the test
 * suite's unlimited one: a tenant over its share is told to come back (429) before
 * anything happens, while other tenants and the scheduler still get permits; a job's
 * parameters cannot be refreshed on request in a loop.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(IntegrationTest.SharedClock.class)
class FairKmsUseTests {

	static {
		// the AWS SDK's default credential chain reads these system properties
		System.setProperty("aws.accessKeyId", "AKIAKEYPORTTEST");
		System.setProperty("aws.secretAccessKey", "keyport-test-secret");
	}

	final MutableClock clock = TestInfrastructure.CLOCK;

	final KmsEmulator emulator = TestInfrastructure.emulator();

	/**
	 * Not extending IntegrationTest: its dynamic properties (no pacing, no cooldown)
	 * would win over these.
	 */
	@DynamicPropertySource
	static void infrastructure(DynamicPropertyRegistry registry) {
		Map<String, String> properties = TestInfrastructure.instanceProperties("test-instance-fair-use",
				TestInfrastructure.emulator());
		// 2/s in all: 1/s for the scheduler, 1/s for requests, 0.5/s for one tenant
		properties.put("keyport.kms.rate-limits.get-parameters-for-import", "2");
		properties.put("keyport.kms.rate-limits.scheduler-share", "0.5");
		properties.put("keyport.kms.rate-limits.tenant-share", "0.5");
		// one request at a time per tenant, so the greedy loop meets its share at once
		properties.put("keyport.kms.rate-limits.tenant-burst", "1");
		properties.put("keyport.import-jobs.refresh-cooldown", "5m");
		// an ON_DEMAND job's ask is refused at once when the tenant's share is used up
		properties.put("keyport.refresh-policy.on-demand-wait", "0s");
		IntegrationTest.register(registry, properties);
	}

	@BeforeEach
	void reset() {
		this.emulator.faults().clear();
		this.clock.set(java.time.Instant.ofEpochMilli(System.currentTimeMillis()));
	}

	@LocalServerPort
	int port;

	@Autowired
	KmsImports kmsImports;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void greedyTenantGets429WithRetryAfterWhileOtherTenantsAndTheSchedulerStillGetPermits() {
		ApiClient tenantA = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.PLATFORM_A));
		ApiClient tenantB = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.PLATFORM_B));
		String keyA = createKey(tenantA);
		String keyB = createKey(tenantB);
		long downloadsBefore = this.emulator.callCount("GetParametersForImport");

		List<Response> greedy = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			greedy.add(tenantA.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyA))));
		}

		List<Response> refused = greedy.stream().filter(r -> r.status() == 429).toList();
		assertThat(refused).as("tenant A's answers: %s", greedy).isNotEmpty();
		assertThat(greedy).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isIn(201, 429));
		refused.forEach(r -> {
			assertProblem(r, 429, "kms-quota-exceeded");
			assertThat(Long.parseLong(r.header("Retry-After"))).isBetween(1L, 5L);
		});
		// a refused creation asked KMS for nothing and wrote no job
		long created = greedy.size() - refused.size();
		assertThat(this.emulator.callCount("GetParametersForImport") - downloadsBefore).isEqualTo(created);
		assertThat(tenantA.get("/api/v1/import-jobs?kmsKeyId=" + keyA).json().get("totalItems").asLong())
			.isEqualTo(created);

		// another tenant is not starved, and is served without waiting for A's backlog
		long start = System.nanoTime();
		Response other = tenantB.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyB)));
		assertThat(other.status()).as(other.toString()).isEqualTo(201);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
		// and neither is the scheduler, which paces on the whole budget, not on the
		// requests' share
		String arnA = greedy.stream()
			.filter(r -> r.status() == 201)
			.findFirst()
			.orElseThrow()
			.json()
			.get("kmsKeyArn")
			.asString();
		for (int i = 0; i < 2; i++) {
			assertThat(this.kmsImports.download("default", arnA, WrappingAlgorithm.RSAES_OAEP_SHA_256,
					WrappingKeySpec.RSA_2048, null, ImportJobMetrics.DownloadCause.REFRESH_BEFORE_EXPIRY))
				.isNotNull();
		}
		// tenant A is still over its share right after
		assertProblem(tenantA.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyA))), 429,
				"kms-quota-exceeded");
	}

	@Test
	void planOverTheTenantsQuotaShareIsRefusedLikeTheRealRequestAndSpendsNoPermit() {
		ApiClient tenantA = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.PLATFORM_A));
		String keyA = createKey(tenantA);
		String body = ApiClient.json(Map.of("kmsKeyId", keyA));
		// plans spend no permit: however many, the real request after them still gets one
		for (int i = 0; i < 5; i++) {
			Response plan = tenantA.postJson("/api/v1/import-job-plans", body);
			if (plan.status() == 429) {
				// a permit of an earlier test not yet back: wait for it
				sleepSeconds(Long.parseLong(plan.header("Retry-After")));
				continue;
			}
			assertThat(plan.status()).as(plan.toString()).isEqualTo(200);
		}
		Response created = tenantA.postJson("/api/v1/import-jobs", body);
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		long downloads = this.emulator.callCount("GetParametersForImport");

		// the share is used up now: the plan answers as the real request does
		Response plan = tenantA.postJson("/api/v1/import-job-plans", body);
		Response real = tenantA.postJson("/api/v1/import-jobs", body);
		assertProblem(plan, 429, "kms-quota-exceeded");
		assertProblem(real, 429, "kms-quota-exceeded");
		assertThat(Long.parseLong(plan.header("Retry-After"))).isBetween(1L, 5L);
		assertThat(this.emulator.callCount("GetParametersForImport")).isEqualTo(downloads);
	}

	private static void sleepSeconds(long seconds) {
		try {
			Thread.sleep(Duration.ofSeconds(seconds));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void refreshWithinTheCooldownIs429RefreshTooSoonAndChangesNothing() throws Exception {
		ApiClient tenantB = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.PLATFORM_B));
		String jobId = withinQuota(
				() -> tenantB.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", createKey(tenantB)))))
			.json()
			.get("id")
			.asString();
		String before = tenantB.get("/api/v1/import-jobs/" + jobId).text();
		long downloads = this.emulator.callCount("GetParametersForImport");
		this.clock.advance(Duration.ofMinutes(1));

		Response tooSoon = tenantB.post("/api/v1/import-jobs/" + jobId + "/refresh-parameters");

		assertProblem(tooSoon, 429, "refresh-too-soon");
		assertThat(Long.parseLong(tooSoon.header("Retry-After"))).isEqualTo(240);
		assertThat(tenantB.get("/api/v1/import-jobs/" + jobId).text()).isEqualTo(before);
		assertThat(this.emulator.callCount("GetParametersForImport")).isEqualTo(downloads);

		this.clock.advance(Duration.ofMinutes(4));
		Response refreshed = withinQuota(() -> tenantB.post("/api/v1/import-jobs/" + jobId + "/refresh-parameters"));
		assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
		assertThat(refreshed.json().get("parameters").get("downloads").asInt()).isEqualTo(2);
	}

	@Test
	void expiredParametersAreRefreshedWithoutCooldown() throws Exception {
		ApiClient tenantB = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.PLATFORM_B));
		String jobId = withinQuota(
				() -> tenantB.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", createKey(tenantB)))))
			.json()
			.get("id")
			.asString();
		this.clock.advance(Duration.ofHours(25));

		Response refreshed = withinQuota(() -> tenantB.post("/api/v1/import-jobs/" + jobId + "/refresh-parameters"));

		assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
		assertThat(refreshed.json().get("state").asString()).isEqualTo("PARAMETERS_FETCHED");
	}

	@Test
	void aWrappingKeyAskRefusedForTheTenantsQuotaShareIsAuditedWithTheCallerAndTheJobNotAsAnonymous() throws Exception {
		ApiClient tenantC = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.PLATFORM_C));
		String key = createKey(tenantC);
		String jobId = withinQuota(() -> tenantC.postJson("/api/v1/import-jobs",
				ApiClient.json(Map.of("kmsKeyId", key, "refreshPolicy", "ON_DEMAND"))))
			.json()
			.get("id")
			.asString();
		// its parameters lapse; the creation just spent the tenant's one permit
		this.clock.advance(Duration.ofHours(25));
		long downloads = this.emulator.callCount("GetParametersForImport");

		Response refused = tenantC.get("/api/v1/import-jobs/" + jobId + "/wrapping-key", "application/octet-stream");

		assertProblem(refused, 429, "kms-quota-exceeded");
		assertThat(this.emulator.callCount("GetParametersForImport")).isEqualTo(downloads);
		// the refusal's entry is written as the request ends, which may be after its
		// answer arrived
		Map<String, Object> entry = await().atMost(Duration.ofSeconds(5))
			.until(() -> this.jdbc.queryForList(
					"select tenant, client_id, job_id::text as job_id, outcome, detail from audit_event "
							+ "where operation = 'api:refused' and detail like ? order by id desc limit 1",
					"%" + jobId + "/wrapping-key"), rows -> !rows.isEmpty())
			.getFirst();
		assertThat(entry).containsEntry("tenant", "tenant-c")
			.containsEntry("client_id", "platform-c")
			.containsEntry("job_id", jobId)
			.containsEntry("outcome", "429");
		assertThat((String) entry.get("detail")).startsWith("kms-quota-exceeded: GET ");
	}

	// --- helpers
	// -----------------------------------------------------------------------------------------------

	static String createKey(ApiClient client) {
		Response key = client.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT")));
		assertThat(key.status()).as(key.toString()).isEqualTo(201);
		return key.json().get("keyId").asString();
	}

	/**
	 * A call repeated as a polite client does: after the Retry-After of a quota refusal.
	 */
	static Response withinQuota(java.util.function.Supplier<Response> call) throws InterruptedException {
		for (int attempt = 0;; attempt++) {
			Response response = call.get();
			if (response.status() != 429 || !response.json().get("code").asString().equals("kms-quota-exceeded")
					|| attempt == 5) {
				return response;
			}
			Thread.sleep(Duration.ofSeconds(Long.parseLong(response.header("Retry-After"))));
		}
	}

}
