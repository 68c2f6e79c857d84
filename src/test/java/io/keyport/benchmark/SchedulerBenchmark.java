package io.keyport.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.keyport.KeyportApplication;
import io.keyport.emulator.KmsEmulator;
import io.keyport.importjob.ExpiringKeys;
import io.keyport.importjob.ImportJobLifecycle;
import io.keyport.kms.CreateKeyRequest;
import io.keyport.kms.KeyUsage;
import io.keyport.kms.KmsTargets;
import io.keyport.testsupport.IntegrationTest;
import io.keyport.testsupport.JobSeeder;
import io.keyport.wrapping.KeySpec;

/**
 * The scheduler at 1,000, 10,000 and 100,000 jobs: seeds the jobs straight into a
 * PostgreSQL with pg_stat_statements (embedded binary), runs the real lifecycle beans of
 * a Keyport context against the KMS emulator over HTTP (two AWS targets, the second in
 * another account reached through STS), and measures per run the statements Keyport
 * executed, the rows they returned or changed, the buffers they touched, the tuples read,
 * database and wall time, and the GetParametersForImport rate the emulator saw against
 * the configured limit. Run by {@code scripts/benchmark-scheduler.sh}; the name does not
 * end in {@code Tests}, so {@code ./mvnw verify} leaves it alone. A test method rather
 * than a {@code main}, so {@code spring-boot:test-run} still finds
 * {@code TestKeyportApplication} as the only main class.
 */
class SchedulerBenchmark {

	private static final String ACCOUNT_B = "222233334444";

	private static final String ROLE_B = "arn:aws:iam::" + ACCOUNT_B + ":role/keyport-import";

	private static final String EXTERNAL_ID_B = "keyport-bench";

	private static final String GET_PARAMETERS = "GetParametersForImport";

	private static final int BATCH = 50;

	private static final int KEYS_PER_TARGET = 10;

	@Test
	void lifecycleRunsAtGrowingJobCounts() throws Exception {
		List<Integer> sizes = Arrays.stream(env("BENCH_SIZES", "1000,10000,100000").split(","))
			.map(String::strip)
			.map(Integer::valueOf)
			.toList();
		int runs = Integer.parseInt(env("BENCH_RUNS", "4"));
		double rate = Double.parseDouble(env("BENCH_GPFI_RATE", "5"));
		Path out = Path.of("target/benchmark");
		Files.createDirectories(out);
		System.setProperty("aws.accessKeyId", "AKIAKEYPORTBENCH");
		System.setProperty("aws.secretAccessKey", "keyport-bench-secret");
		try (EmbeddedPostgres postgres = EmbeddedPostgres.builder()
			.setPGStartupWait(Duration.ofSeconds(60))
			.setServerConfig("shared_preload_libraries", "pg_stat_statements")
			.setServerConfig("pg_stat_statements.track", "all")
			.start(); KmsEmulator emulator = KmsEmulator.builder().port(0).start()) {
			String adminUrl = postgres.getJdbcUrl("postgres", "postgres");
			try (Connection admin = DriverManager.getConnection(adminUrl, "postgres", "postgres");
					Statement statement = admin.createStatement()) {
				statement.execute("create role keyport login password 'keyport'");
				statement.execute("create database keyport owner keyport");
			}
			// no user in the URL: it would win over the data source's user name
			String url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/keyport";
			emulator.trustRole(ROLE_B, EXTERNAL_ID_B);
			try (ConfigurableApplicationContext app = new SpringApplicationBuilder(KeyportApplication.class)
				.run(properties(url, emulator, rate).entrySet()
					.stream()
					.map(property -> "--" + property.getKey() + "=" + property.getValue())
					.toArray(String[]::new));
					Connection db = DriverManager.getConnection(url, "postgres", "postgres")) {
				try (Statement statement = db.createStatement()) {
					statement.execute("create extension if not exists pg_stat_statements");
				}
				Map<String, List<String>> keys = createKeys(app.getBean(KmsTargets.class));
				ImportJobLifecycle lifecycle = app.getBean(ImportJobLifecycle.class);
				ExpiringKeys expiringKeys = app.getBean(ExpiringKeys.class);
				List<String> rows = new ArrayList<>();
				StringBuilder statements = new StringBuilder();
				for (int size : sizes) {
					Result result = measure(size, runs, rate, keys, db, lifecycle, expiringKeys, emulator);
					rows.add(result.row());
					statements.append("\n### ")
						.append(size)
						.append(" jobs: statements by database time\n\n")
						.append(result.topStatements());
				}
				String table = header(runs, rate) + String.join("\n", rows) + "\n";
				System.out.println("\n" + table + statements);
				Files.writeString(out.resolve("scheduler.md"), table + statements);
			}
		}
	}

	private static Map<String, String> properties(String url, KmsEmulator emulator, double rate) {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("spring.datasource.url", url);
		properties.put("spring.datasource.username", "keyport");
		properties.put("spring.datasource.password", "keyport");
		properties.put("server.port", "0");
		properties.put("keyport.kms.aws.region", emulator.region());
		properties.put("keyport.kms.aws.endpoint", emulator.endpoint().toString());
		properties.put("keyport.kms.aws.sts-endpoint", emulator.endpoint().toString());
		properties.put("keyport.kms.default-target", "aws-a");
		for (String target : List.of("aws-a", "aws-b")) {
			properties.put("keyport.kms.targets." + target + ".provider", "aws");
			properties.put("keyport.kms.targets." + target + ".region", emulator.region());
			properties.put("keyport.kms.targets." + target + ".endpoint", emulator.endpoint().toString());
		}
		properties.put("keyport.kms.targets.aws-b.role-arn", ROLE_B);
		properties.put("keyport.kms.targets.aws-b.external-id", EXTERNAL_ID_B);
		properties.put("keyport.kms.rate-limits.get-parameters-for-import", String.valueOf(rate));
		// creating the keys for due jobs
		properties.put("keyport.kms.rate-limits.other", "50");
		// the benchmark calls the lifecycle itself, run after run
		properties.put("keyport.lifecycle.enabled", "false");
		properties.put("keyport.lifecycle.batch-size", String.valueOf(BATCH));
		properties.put("keyport.lifecycle.instance-id", "bench");
		// never contacted: the benchmark makes no API requests
		properties.put("spring.security.oauth2.resourceserver.jwt.issuer-uri", "http://127.0.0.1:9/issuer");
		properties.put("spring.autoconfigure.exclude", IntegrationTest.AUTHORIZATION_SERVER_AUTO_CONFIGURATIONS);
		properties.put("logging.level.io.keyport", "WARN");
		return properties;
	}

	private static Map<String, List<String>> createKeys(KmsTargets targets) {
		Map<String, List<String>> keys = new LinkedHashMap<>();
		for (String target : List.of("aws-a", "aws-b")) {
			List<String> arns = new ArrayList<>();
			for (int i = 0; i < KEYS_PER_TARGET; i++) {
				arns.add(targets.get(target)
					.kms()
					.createExternalKey(new CreateKeyRequest(KeySpec.SYMMETRIC_DEFAULT, KeyUsage.ENCRYPT_DECRYPT,
							"scheduler benchmark", null))
					.arn());
			}
			keys.put(target, arns);
		}
		return keys;
	}

	private record Counters(long calls, long rows, double dbMillis, long buffers, long tuplesRead, long tuplesWritten) {

		Counters minus(Counters before) {
			return new Counters(this.calls - before.calls, this.rows - before.rows, this.dbMillis - before.dbMillis,
					this.buffers - before.buffers, this.tuplesRead - before.tuplesRead,
					this.tuplesWritten - before.tuplesWritten);
		}

	}

	private record Result(String row, String topStatements) {
	}

	private static Result measure(int size, int runs, double rate, Map<String, List<String>> keys, Connection db,
			ImportJobLifecycle lifecycle, ExpiringKeys expiringKeys, KmsEmulator emulator)
			throws SQLException, InterruptedException {
		try (Statement statement = db.createStatement()) {
			statement.execute("truncate import_job_event, import_job, audit_event restart identity cascade");
		}
		Instant now = Instant.now();
		// every run, and the warm-up run, finds a full batch of each kind of work due
		new JobSeeder(size, now, keys, (runs + 2) * BATCH).seed(db);
		try (Statement statement = db.createStatement()) {
			statement.execute("vacuum analyze import_job");
		}
		// one run unmeasured: connections, caches and the JIT warm up on the new table
		lifecycle.refreshDueParameters();
		lifecycle.retryDueImports();
		lifecycle.watchImportedJobs();
		expiringKeys.refreshGaugeIfStale();
		try (Statement statement = db.createStatement()) {
			statement.execute("select pg_stat_statements_reset()");
		}
		List<Counters> perRun = new ArrayList<>();
		List<Double> wallMillis = new ArrayList<>();
		long gpfiCalls = 0;
		double refreshSeconds = 0;
		int refreshed = 0;
		int checked = 0;
		for (int run = 0; run < runs; run++) {
			Counters before = counters(db);
			long gpfiBefore = emulator.callCount(GET_PARAMETERS);
			long start = System.nanoTime();
			// the steps of ImportJobLifecycle.runOnce(), timed apart for the KMS rate
			refreshed += lifecycle.refreshDueParameters();
			long refreshEnd = System.nanoTime();
			lifecycle.retryDueImports();
			checked += lifecycle.watchImportedJobs();
			expiringKeys.refreshGaugeIfStale();
			long end = System.nanoTime();
			gpfiCalls += emulator.callCount(GET_PARAMETERS) - gpfiBefore;
			refreshSeconds += (refreshEnd - start) / 1e9;
			wallMillis.add((end - start) / 1e6);
			perRun.add(counters(db).minus(before));
		}
		Counters median = median(perRun);
		double slowest = perRun.stream().mapToDouble(Counters::dbMillis).max().orElse(0);
		double wall = wallMillis.stream().sorted().toList().get(wallMillis.size() / 2);
		double attained = gpfiCalls / refreshSeconds;
		double limit = rate * keys.size();
		String row = String.format(Locale.ROOT,
				"| %,d | %d / %d | %,d | %,d | %,d | %,d | %,d | %.1f (%.1f) | %.0f | %.2f/s of %.2f/s (%.0f %%) |",
				size, refreshed / runs, checked / runs, median.calls(), median.rows(), median.buffers(),
				median.tuplesRead(), median.tuplesWritten(), median.dbMillis(), slowest, wall, attained, limit,
				100 * attained / limit);
		return new Result(row, topStatements(db));
	}

	private static String header(int runs, double rate) {
		return "Per lifecycle run, median of " + runs + " runs after one warm-up run; batch " + BATCH
				+ " per kind of work; " + "GetParametersForImport limited to " + rate + "/s per target, 2 targets.\n\n"
				+ "| jobs | refreshed / checked per run | statements | rows returned or changed | buffers touched "
				+ "| tuples read | tuples written | DB time, ms (slowest run) | wall time (ms) | GetParametersForImport rate |\n"
				+ "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n";
	}

	/** The median run by database time. */
	private static Counters median(List<Counters> runs) {
		List<Counters> sorted = new ArrayList<>(runs);
		sorted.sort((a, b) -> Double.compare(a.dbMillis(), b.dbMillis()));
		return sorted.get(sorted.size() / 2);
	}

	/**
	 * Keyport's statements so far (role keyport: the benchmark's own queries run as
	 * postgres); table statistics for the tuples, flushed by the backends within a second
	 * of going idle.
	 */
	private static Counters counters(Connection db) throws SQLException, InterruptedException {
		Thread.sleep(1200);
		try (Statement statement = db.createStatement(); ResultSet statements = statement.executeQuery("""
				select coalesce(sum(calls), 0), coalesce(sum(rows), 0), coalesce(sum(total_exec_time), 0),
				       coalesce(sum(shared_blks_hit + shared_blks_read), 0)
				from pg_stat_statements where userid = 'keyport'::regrole""")) {
			statements.next();
			long calls = statements.getLong(1);
			long rows = statements.getLong(2);
			double millis = statements.getDouble(3);
			long buffers = statements.getLong(4);
			try (Statement tables = db.createStatement(); ResultSet tuples = tables.executeQuery("""
					select coalesce(sum(coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0)), 0),
					       coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)
					from pg_stat_user_tables""")) {
				tuples.next();
				return new Counters(calls, rows, millis, buffers, tuples.getLong(1), tuples.getLong(2));
			}
		}
	}

	private static String topStatements(Connection db) throws SQLException {
		StringBuilder table = new StringBuilder(
				"| DB time (ms) | calls | rows | buffers | statement |\n|---:|---:|---:|---:|---|\n");
		try (Statement statement = db.createStatement(); ResultSet top = statement.executeQuery("""
				select total_exec_time, calls, rows, shared_blks_hit + shared_blks_read,
				       left(regexp_replace(query, '\\s+', ' ', 'g'), 140)
				from pg_stat_statements where userid = 'keyport'::regrole
				order by total_exec_time desc limit 8""")) {
			while (top.next()) {
				table.append(String.format(Locale.ROOT, "| %.1f | %d | %d | %d | `%s` |%n", top.getDouble(1),
						top.getLong(2), top.getLong(3), top.getLong(4), top.getString(5).replace("|", "\\|")));
			}
		}
		return table.toString();
	}

	private static String env(String name, String fallback) {
		String value = System.getenv(name);
		return value == null || value.isBlank() ? fallback : value;
	}

}
