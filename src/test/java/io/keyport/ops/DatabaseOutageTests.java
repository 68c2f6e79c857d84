package io.keyport.ops;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.keyport.emulator.MutableClock;
import io.keyport.importjob.ImportJobLifecycle;
import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.IntegrationTest;
import io.keyport.testsupport.RestartablePostgres;
import io.keyport.testsupport.TestInfrastructure;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL stopped for a few seconds under load, then started again: callers get 503
 * database-unavailable with Retry-After (or 2xx and 409), never a 500; readiness goes
 * DOWN and comes back without restarting Keyport; every job that was created is still
 * there and settles. The database is this context's own, so no other test is disturbed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(IntegrationTest.SharedClock.class)
class DatabaseOutageTests {

	static {
		System.setProperty("aws.accessKeyId", "AKIAKEYPORTTEST");
		System.setProperty("aws.secretAccessKey", "keyport-test-secret");
	}

	static final RestartablePostgres POSTGRES = RestartablePostgres.start();

	static final Duration OUTAGE = Duration.ofSeconds(5);

	@DynamicPropertySource
	static void infrastructure(DynamicPropertyRegistry registry) {
		Map<String, String> properties = TestInfrastructure.instanceProperties("test-instance-outage",
				TestInfrastructure.emulator());
		properties.put("spring.datasource.url", POSTGRES.jdbcUrl());
		IntegrationTest.register(registry, properties);
	}

	@AfterAll
	static void stopPostgres() {
		POSTGRES.close();
	}

	final MutableClock clock = TestInfrastructure.CLOCK;

	final SecureRandom random = new SecureRandom();

	@LocalServerPort
	int port;

	@Autowired
	ImportJobLifecycle lifecycle;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void stoppedDatabaseUnderLoadAnswers503WithRetryAfterNeverA500AndEveryJobSettles() throws Exception {
		this.clock.set(java.time.Instant.ofEpochMilli(System.currentTimeMillis()));
		TestInfrastructure.emulator().faults().clear();
		ApiClient api = new ApiClient(this.port);
		ApiClient anonymous = new ApiClient(this.port, null);
		assertThat(anonymous.get("/actuator/health/readiness").status()).isEqualTo(200);

		AtomicBoolean running = new AtomicBoolean(true);
		ConcurrentLinkedQueue<Response> answers = new ConcurrentLinkedQueue<>();
		Set<String> createdJobs = ConcurrentHashMap.newKeySet();
		ExecutorService clients = Executors.newFixedThreadPool(4);
		List<Future<?>> load = new ArrayList<>();
		for (int c = 0; c < 4; c++) {
			load.add(clients.submit(() -> {
				while (running.get()) {
					oneJob(api, answers, createdJobs);
				}
				return null;
			}));
		}
		Thread.sleep(2000);

		POSTGRES.stop();
		long stoppedAt = System.nanoTime();
		boolean sawDown = false;
		while (System.nanoTime() - stoppedAt < OUTAGE.toNanos()) {
			sawDown |= anonymous.get("/actuator/health/readiness").status() == 503;
			Thread.sleep(250);
		}
		POSTGRES.restart();
		boolean backUp = false;
		long restartedAt = System.nanoTime();
		while (!backUp && System.nanoTime() - restartedAt < TimeUnit.SECONDS.toNanos(20)) {
			backUp = anonymous.get("/actuator/health/readiness").status() == 200;
			Thread.sleep(250);
		}
		Thread.sleep(2000);
		running.set(false);
		for (Future<?> f : load) {
			f.get(60, TimeUnit.SECONDS);
		}
		clients.shutdown();

		assertThat(sawDown).as("readiness DOWN while PostgreSQL was stopped").isTrue();
		assertThat(backUp).as("readiness UP again after PostgreSQL restarted, Keyport not restarted").isTrue();
		assertThat(answers).as("answers").isNotEmpty().allSatisfy(response -> {
			assertThat(response.status()).as(response.toString()).isIn(200, 201, 409, 503);
			if (response.status() >= 400) {
				assertThat(response.header("Content-Type")).as(response.toString())
					.startsWith("application/problem+json");
			}
			if (response.status() == 503) {
				assertThat(response.header("Retry-After")).as(response.toString()).isNotBlank();
				assertThat(response.json().get("code").asString()).isEqualTo("database-unavailable");
			}
		});
		assertThat(answers).as("some requests met the outage").anyMatch(r -> r.status() == 503);
		assertThat(answers).as("and some were served").anyMatch(r -> r.status() == 201);

		// leases of uploads cut off by the outage lapse; the lifecycle then finishes
		// their imports
		this.clock.advance(Duration.ofMinutes(3));
		this.lifecycle.runOnce();
		assertThat(createdJobs).isNotEmpty().allSatisfy(id -> {
			List<String> state = this.jdbc.queryForList("select state from import_job where id = ?::uuid", String.class,
					id);
			assertThat(state).as("job %s", id).singleElement().isIn("PARAMETERS_FETCHED", "IMPORTED");
		});
		assertThat(this.jdbc.queryForObject("select count(*) from import_job where state = 'MATERIAL_WRAPPED'",
				Integer.class))
			.isZero();
	}

	/**
	 * One client's cycle: a key, a job on it, plaintext material, a read; answers
	 * collected, nothing retried.
	 */
	void oneJob(ApiClient api, ConcurrentLinkedQueue<Response> answers, Set<String> createdJobs) {
		Response key = api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT")));
		answers.add(key);
		if (key.status() != 201) {
			return;
		}
		Response job = api.postJson("/api/v1/import-jobs",
				ApiClient.json(Map.of("kmsKeyId", key.json().get("keyId").asString())));
		answers.add(job);
		if (job.status() != 201) {
			return;
		}
		String jobId = job.json().get("id").asString();
		createdJobs.add(jobId);
		byte[] material = new byte[32];
		this.random.nextBytes(material);
		answers.add(api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(material)))));
		answers.add(api.get("/api/v1/import-jobs/" + jobId));
	}

}
