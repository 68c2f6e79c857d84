package io.keyport.importjob;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import io.keyport.KeyportApplication;
import io.keyport.emulator.KmsEmulator;
import io.keyport.emulator.MutableClock;
import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.TestInfrastructure;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Eight weeks of operation in well under a minute (issue 10, acceptance): a few hundred
 * jobs on their own database, a batch size of 10, the clock moved in steps of six hours
 * and the lifecycle run until it has no due work left (as the real scheduler, every few
 * seconds, would within six hours; at most {@link #MAX_RUNS_PER_STEP} runs). More renewed
 * keys than the batch size, expiries spread over the weeks, re-imports after expiry under
 * a new ValidTo, and material deleted outside Keyport: every expiry is detected at the
 * first step after its ValidTo, every drift within the drift-check interval, the lag
 * metric stays at zero, and KMS is asked only about jobs that are due.
 */
class ImportJobLongRunTests {

	static {
		// the AWS SDK's default credential chain reads these system properties
		System.setProperty("aws.accessKeyId", "AKIAKEYPORTTEST");
		System.setProperty("aws.secretAccessKey", "keyport-test-secret");
	}

	private static final Logger log = LoggerFactory.getLogger(ImportJobLongRunTests.class);

	static final String DATABASE = "keyport_long_run";

	static final int BATCH_SIZE = 10;

	static final Duration STEP = Duration.ofHours(6);

	static final Duration DRIFT_CHECK_INTERVAL = Duration.ofDays(7);

	static final Duration SIMULATED = Duration.ofDays(56);

	static final int MAX_RUNS_PER_STEP = 30;

	static ConfigurableApplicationContext context;

	final MutableClock clock = TestInfrastructure.CLOCK;

	final KmsEmulator emulator = TestInfrastructure.emulator();

	@BeforeAll
	static void start() throws Exception {
		String url = TestInfrastructure.jdbcUrl();
		try (Connection connection = DriverManager.getConnection(url, "postgres", "postgres");
				Statement statement = connection.createStatement()) {
			statement.execute("drop database if exists " + DATABASE);
			statement.execute("create database " + DATABASE);
		}
		Map<String, Object> properties = new HashMap<>(
				TestInfrastructure.instanceProperties("long-run-instance", TestInfrastructure.emulator()));
		properties.put("spring.datasource.url", TestInfrastructure.postgres().getJdbcUrl("postgres", DATABASE));
		properties.put("server.port", "0");
		properties.put("keyport.lifecycle.batch-size", String.valueOf(BATCH_SIZE));
		properties.put("keyport.lifecycle.drift-check-interval", DRIFT_CHECK_INTERVAL.toString());
		context = new SpringApplicationBuilder(KeyportApplication.class)
			.initializers(c -> c.getBeanFactory().registerSingleton("clock", TestInfrastructure.CLOCK))
			.properties(properties)
			.run();
	}

	@AfterAll
	static void stop() throws Exception {
		if (context != null) {
			context.close();
		}
		try (Connection connection = DriverManager.getConnection(TestInfrastructure.jdbcUrl(), "postgres", "postgres");
				Statement statement = connection.createStatement()) {
			statement.execute("drop database if exists " + DATABASE);
		}
	}

	/** One key under test: its current job, material and what the test expects of it. */
	static final class Key {

		final String keyId;

		final byte[] material;

		String jobId;

		Instant validTo;

		Instant renewAt;

		Instant deleteAt;

		Instant deletedAt;

		/** Imported again (under a new ValidTo) each time it expires, this many times. */
		int reimportsLeft;

		Key(String keyId, byte[] material) {
			this.keyId = keyId;
			this.material = material;
		}

	}

	@Test
	void weeksOfRenewalsExpiriesReimportsAndDriftAreHandledOnTimeWithAFlatLag() {
		this.emulator.faults().clear();
		this.emulator.setParametersValidity(Duration.ofHours(24));
		this.clock.set(Instant.now().truncatedTo(ChronoUnit.SECONDS));
		Instant start = this.clock.instant();
		int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		ApiClient api = new ApiClient(port);
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		ImportJobLifecycle lifecycle = context.getBean(ImportJobLifecycle.class);
		ImportJobStatistics statistics = context.getBean(ImportJobStatistics.class);
		SecureRandom random = new SecureRandom();

		long setupStarted = System.nanoTime();
		List<Key> keys = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			byte[] material = new byte[32];
			random.nextBytes(material);
			Key key = new Key(createKey(api), material);
			if (i < 40) {
				// renewed after a day with a second job, long before the first job's
				// ValidTo (3 days)
				key.validTo = start.plus(Duration.ofDays(3));
				key.renewAt = start.plus(Duration.ofDays(1));
			}
			else if (i < 80) {
				// expiries spread over the weeks
				key.validTo = start.plus(Duration.ofDays(2 + (i - 40))).plus(Duration.ofHours(i % 4));
			}
			else if (i < 100) {
				// expire after five days, then imported again under a new ValidTo, twice
				key.validTo = start.plus(Duration.ofDays(5)).plus(Duration.ofHours(i % 7));
				key.reimportsLeft = 2;
			}
			else if (i < 120) {
				// material deleted outside Keyport
				key.deleteAt = start.plus(Duration.ofDays(10 + (i - 100))).plus(Duration.ofHours(i % 5));
			}
			// the others do not expire within the weeks simulated
			key.jobId = importedJob(api, key.keyId, key.validTo, key.material);
			keys.add(key);
		}
		log.info("Long run: {} keys imported in {} ms", keys.size(), (System.nanoTime() - setupStarted) / 1_000_000);

		long runStarted = System.nanoTime();
		int steps = 0;
		long describeKeyCalls = 0;
		Duration maxLag = Duration.ZERO;
		int detectedExpiries = 0;
		int detectedDrifts = 0;
		int renewals = 0;
		while (this.clock.instant().isBefore(start.plus(SIMULATED))) {
			this.clock.advance(STEP);
			steps++;
			Instant now = this.clock.instant();
			// what operators and other tools do meanwhile
			for (Key key : keys) {
				if (key.renewAt != null && !key.renewAt.isAfter(now)) {
					key.renewAt = null;
					key.validTo = now.plus(Duration.ofDays(60)).truncatedTo(ChronoUnit.SECONDS);
					key.jobId = importedJob(api, key.keyId, key.validTo, key.material);
					renewals++;
				}
				if (key.deleteAt != null && !key.deleteAt.isAfter(now)) {
					key.deleteAt = null;
					key.deletedAt = now;
					TestInfrastructure.kmsClient().deleteImportedKeyMaterial(r -> r.keyId(key.keyId));
				}
			}

			// due: the current import of a key whose periodic check or ValidTo has come
			int due = jdbc.queryForObject("""
					select count(*) from import_job j
					where j.state = 'IMPORTED' and (j.next_check_at <= ? or j.material_valid_to <= ?)
					  and not exists (select 1 from import_job n
					                  where n.kms_key_arn = j.kms_key_arn and n.imported_at > j.imported_at)""",
					Integer.class, Timestamp.from(now), Timestamp.from(now));
			long callsBefore = this.emulator.callCount("DescribeKey");
			int runs = 0;
			ImportJobLifecycle.RunSummary summary;
			do {
				summary = lifecycle.runOnce();
				runs++;
			}
			while (runs < MAX_RUNS_PER_STEP && (summary.importedChecks() == BATCH_SIZE
					|| summary.parameterRefreshes() == BATCH_SIZE || summary.importAttempts() == BATCH_SIZE));
			long calls = this.emulator.callCount("DescribeKey") - callsBefore;
			describeKeyCalls += calls;
			assertThat(calls)
				.as("DescribeKey calls at step %d (%s, %d runs): only jobs due are checked", steps, now, runs)
				.isLessThanOrEqualTo(due);

			Duration lag = statistics.snapshot().lag();
			maxLag = lag.compareTo(maxLag) > 0 ? lag : maxLag;
			assertThat(lag).as("lifecycle lag at step %d (%s)", steps, now).isEqualTo(Duration.ZERO);

			Map<String, String> states = new LinkedHashMap<>();
			jdbc.query("select id, state from import_job", rs -> {
				states.put(rs.getString("id"), rs.getString("state"));
			});
			for (Key key : keys) {
				String state = states.get(key.jobId);
				if (key.validTo != null && !key.validTo.isAfter(now)) {
					assertThat(state)
						.as("key %s: material valid to %s, step %d (%s)", key.keyId, key.validTo, steps, now)
						.isEqualTo("MATERIAL_EXPIRED");
					detectedExpiries++;
					if (key.reimportsLeft > 0) {
						key.validTo = now.plus(Duration.ofDays(7)).truncatedTo(ChronoUnit.SECONDS);
						reimport(api, key);
					}
					else {
						key.validTo = null;
					}
				}
				else if (key.deletedAt != null) {
					if (state.equals("MATERIAL_EXPIRED")) {
						detectedDrifts++;
						key.deletedAt = null;
					}
					else {
						assertThat(now)
							.as("drift of key %s (material deleted at %s) detected", key.keyId, key.deletedAt)
							.isBefore(key.deletedAt.plus(DRIFT_CHECK_INTERVAL).plus(STEP));
					}
				}
				else if (key.validTo != null) {
					assertThat(state).as("key %s before its ValidTo %s, step %d", key.keyId, key.validTo, steps)
						.isEqualTo("IMPORTED");
				}
			}
		}
		log.info("Long run: {} steps, {} DescribeKey calls, {} expiries, {} drifts, {} renewals, max lag {}, in {} ms",
				steps, describeKeyCalls, detectedExpiries, detectedDrifts, renewals, maxLag,
				(System.nanoTime() - runStarted) / 1_000_000);

		assertThat(renewals).isEqualTo(40);
		assertThat(detectedExpiries).isEqualTo(40 + 20 * 3);
		assertThat(detectedDrifts).isEqualTo(20);
		Map<String, Integer> perState = new HashMap<>();
		jdbc.query("select state, count(*) from import_job group by state", rs -> {
			perState.put(rs.getString(1), rs.getInt(2));
		});
		assertThat(perState).containsEntry("SUPERSEDED", 40).doesNotContainKey("FAILED");
		// about one comparison per job and drift interval, plus the expiries: no job
		// asked about again and again
		assertThat(describeKeyCalls).isLessThan(240L * (SIMULATED.toDays() / DRIFT_CHECK_INTERVAL.toDays() + 2));
	}

	static String createKey(ApiClient api) {
		Response response = api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT")));
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		return response.json().get("keyId").asString();
	}

	static String importedJob(ApiClient api, String keyId, Instant validTo, byte[] material) {
		Map<String, Object> body = validTo == null ? Map.of("kmsKeyId", keyId) : Map.of("kmsKeyId", keyId, "expiration",
				Map.of("model", "KEY_MATERIAL_EXPIRES", "validTo", validTo.toString()));
		Response created = api.postJson("/api/v1/import-jobs", ApiClient.json(body));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		String jobId = created.json().get("id").asString();
		Response imported = api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(material))));
		assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
		return jobId;
	}

	/**
	 * The same material into the same job again, under a new ValidTo given with the
	 * refresh.
	 */
	static void reimport(ApiClient api, Key key) {
		Response refreshed = api.postJson("/api/v1/import-jobs/" + key.jobId + "/refresh-parameters", ApiClient
			.json(Map.of("expiration", Map.of("model", "KEY_MATERIAL_EXPIRES", "validTo", key.validTo.toString()))));
		assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
		Response imported = api.postJson("/api/v1/import-jobs/" + key.jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(key.material))));
		assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
		key.reimportsLeft--;
	}

}
