package io.keyport.retention;

import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Retention against the real database, rows aged with the shared clock: what is older
 * than its retention goes, in batches, and what still tells something current stays (the
 * latest import into a key, live jobs, the latest entry of each job's history, recent
 * audit entries). Runs on two instances at once delete each row once.
 */
class RetentionTests extends IntegrationTest {

	private static final SecureRandom RANDOM = new SecureRandom();

	@LocalServerPort
	int port;

	@Autowired
	RetentionRun retention;

	@Autowired
	List<ExpiredRows> kinds;

	@Autowired
	RetentionProperties properties;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	PlatformTransactionManager transactionManager;

	@Autowired
	MeterRegistry registry;

	ApiClient api;

	Instant now;

	@BeforeEach
	void client() {
		this.api = new ApiClient(this.port);
		this.now = this.clock.instant();
	}

	@Test
	void auditEntriesOlderThanTheRetentionAreDeletedInBatchesAndRecentOnesKept() {
		String marker = "retention-" + UUID.randomUUID();
		double counted = deletedCounter("audit_event");
		// 2.5 batches of expired entries, and entries just inside the 400 days
		seedAudit(marker, 2_500, this.now.minus(Duration.ofDays(401)));
		seedAudit(marker, 3, this.now.minus(Duration.ofDays(400)).plus(Duration.ofMinutes(1)));
		seedAudit(marker, 2, this.now.minus(Duration.ofDays(1)));

		RetentionRun.Summary summary = this.retention.runOnce();

		assertThat(auditRows(marker, this.now.minus(Duration.ofDays(400)))).isZero();
		assertThat(this.jdbc.queryForObject("select count(*) from audit_event where subject = ?", Long.class, marker))
			.isEqualTo(5);
		assertThat(summary.failures()).isZero();
		assertThat(summary.deleted("audit_event")).isGreaterThanOrEqualTo(2_500);
		assertThat(summary.batches()).as("more rows than one batch take several: %s", summary)
			.isGreaterThanOrEqualTo(3);
		assertThat(deletedCounter("audit_event") - counted).isGreaterThanOrEqualTo(2_500);
		// nothing left to do: the next run deletes none of them
		assertThat(this.retention.runOnce().deleted("audit_event")).isZero();
	}

	@Test
	void aBatchDeletesAtMostItsLimitWhateverPlanTheDatabaseChooses() {
		String marker = "retention-" + UUID.randomUUID();
		Instant old = this.now.minus(Duration.ofDays(401));
		seedAudit(marker, 3_000, old);
		seedCancelledJobs(marker, 50, old);
		// history of a live job: many old entries and a recent one
		this.jdbc.update(
				"""
						insert into import_job_event (job_id, job_sequence, from_state, to_state, cause, actor, occurred_at)
						select id, n, 'CANCELLED', 'CANCELLED', 'seeded', created_by, ? from import_job, generate_series(1, 60) n
						where created_by = ?""",
				Timestamp.from(old), marker);
		this.jdbc.execute("analyze audit_event");
		this.jdbc.execute("analyze import_job_event");
		TransactionTemplate tx = new TransactionTemplate(this.transactionManager);
		for (ExpiredRows kind : this.kinds) {
			for (int limit : List.of(1, 7, 100, 1000)) {
				Instant cutoff = kind.cutoff(this.now);
				ExpiredRows.Deleted deleted = tx.execute(status -> {
					declareCutoff(cutoff);
					return kind.deleteBatch(cutoff, limit);
				});
				assertThat(deleted.selected()).as("%s, limit %d: %s", kind.name(), limit, deleted)
					.isLessThanOrEqualTo(limit);
				if (!kind.name().equals("finished jobs")) {
					assertThat(deleted.rows().values()).as("%s, limit %d", kind.name(), limit)
						.allMatch(rows -> rows <= limit);
				}
			}
		}
	}

	@Test
	void finishedJobsPastTheRetentionGoWithTheirHistoryButTheLatestImportOfAKeyAndLiveJobsStay() {
		this.clock.set(this.now.minus(Duration.ofDays(500)));
		// a key imported twice: the first job is superseded, the second is the key's
		// current import
		String renewedKey = createKey();
		byte[] material = new byte[32];
		RANDOM.nextBytes(material);
		String superseded = createJob(renewedKey);
		importMaterial(superseded, material);
		// imported later than the first (supersession orders by import time)
		this.clock.advance(Duration.ofMinutes(1));
		String current = createJob(renewedKey);
		// a renewal re-imports the same material
		importMaterial(current, material);
		assertThat(state(superseded)).isEqualTo("SUPERSEDED");
		String cancelled = createJob(createKey());
		assertThat(this.api.post("/api/v1/import-jobs/" + cancelled + "/cancel").status()).isEqualTo(200);
		String waiting = createJob(createKey());
		// the latest import into its key, failed since (drift found the key unusable)
		String failedImport = createJob(createKey());
		importMaterial(failedImport, material);
		this.jdbc.update("update import_job set state = 'FAILED' where id = ?::uuid", failedImport);
		// finished 10 days ago: within the 90 days
		this.clock.set(this.now.minus(Duration.ofDays(10)));
		String recentlyCancelled = createJob(createKey());
		assertThat(this.api.post("/api/v1/import-jobs/" + recentlyCancelled + "/cancel").status()).isEqualTo(200);
		this.clock.set(this.now);

		RetentionRun.Summary summary = this.retention.runOnce();

		assertThat(summary.failures()).isZero();
		assertThat(exists(superseded)).isFalse();
		assertThat(exists(cancelled)).isFalse();
		assertThat(events(superseded) + events(cancelled)).isZero();
		assertThat(summary.deleted("import_job")).isGreaterThanOrEqualTo(2);
		assertThat(List.of(current, waiting, failedImport, recentlyCancelled)).allMatch(this::exists);
		// live and kept jobs keep at least their latest entry; the recent one all of it
		assertThat(this.api.get("/api/v1/import-jobs/" + current).status()).isEqualTo(200);
		assertThat(lastEvent(current)).isEqualTo("IMPORTED");
		assertThat(events(waiting)).isEqualTo(1);
		assertThat(events(recentlyCancelled)).isEqualTo(2);
		// the key's current import is still the one the expiring-keys view and
		// supersession judge it by
		assertThat(this.jdbc.queryForObject(
				"""
						select id::text from import_job where kms_key_arn = (select kms_key_arn from import_job where id = ?::uuid)
						order by imported_at desc limit 1""",
				String.class, current))
			.isEqualTo(current);
	}

	@Test
	void historyOfALiveJobIsCutToTheRetentionKeepingItsLatestEntry() {
		this.clock.set(this.now.minus(Duration.ofDays(500)));
		String refreshed = createJob(createKey());
		for (int i = 0; i < 3; i++) {
			this.clock.advance(Duration.ofMinutes(6));
			assertThat(this.api.post("/api/v1/import-jobs/" + refreshed + "/refresh-parameters").status())
				.isEqualTo(200);
		}
		// a job idle since then keeps its one entry, however old
		String idle = createJob(createKey());
		this.clock.set(this.now.minus(Duration.ofDays(100)));
		assertThat(this.api.post("/api/v1/import-jobs/" + refreshed + "/refresh-parameters").status()).isEqualTo(200);
		this.clock.set(this.now);
		assertThat(events(refreshed)).isEqualTo(5);

		RetentionRun.Summary summary = this.retention.runOnce();

		assertThat(summary.failures()).isZero();
		assertThat(events(refreshed)).as("only the entry within 400 days").isEqualTo(1);
		assertThat(this.jdbc
			.queryForObject("select occurred_at from import_job_event where job_id = ?::uuid", Timestamp.class,
					refreshed)
			.toInstant()).isEqualTo(this.now.minus(Duration.ofDays(100)));
		assertThat(events(idle)).isEqualTo(1);
		assertThat(state(refreshed)).isEqualTo("PARAMETERS_FETCHED");
	}

	@Test
	void twoInstancesPruningAtOnceDeleteEveryExpiredJobOnceAndNothingElse() throws Exception {
		String marker = "retention-" + UUID.randomUUID();
		seedCancelledJobs(marker, 2_500, this.now.minus(Duration.ofDays(91)));
		seedCancelledJobs(marker, 10, this.now.minus(Duration.ofDays(89)));
		// small batches, so the two runs overlap for many batches
		RetentionProperties small = new RetentionProperties(true, Duration.ofHours(1), 100, 1_000,
				this.properties.auditEvents(), this.properties.finishedJobs(), this.properties.jobEvents());
		List<RetentionRun> instances = List.of(instance(small), instance(small));
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(2);
		try {
			List<Future<RetentionRun.Summary>> runs = new ArrayList<>();
			for (RetentionRun instance : instances) {
				runs.add(pool.submit(() -> {
					start.await();
					return instance.runOnce();
				}));
			}
			start.countDown();
			long jobs = 0;
			long events = 0;
			for (Future<RetentionRun.Summary> run : runs) {
				RetentionRun.Summary summary = run.get(2, TimeUnit.MINUTES);
				assertThat(summary.failures()).isZero();
				assertThat(summary.skipped()).isFalse();
				jobs += summary.deleted("import_job");
				events += summary.deleted("import_job_event");
			}
			assertThat(jobs).isGreaterThanOrEqualTo(2_500);
			assertThat(events).isGreaterThanOrEqualTo(2_500);
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(this.jdbc.queryForObject("select count(*) from import_job where created_by = ?", Long.class, marker))
			.isEqualTo(10);
		assertThat(this.jdbc.queryForObject(
				"select count(*) from import_job_event e join import_job j on j.id = e.job_id where j.created_by = ?",
				Long.class, marker))
			.isEqualTo(10);
	}

	@Test
	void aRunStartedWhileTheInstancesPreviousRunGoesOnIsSkipped() throws Exception {
		CountDownLatch inside = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		ExpiredRows slow = new ExpiredRows() {

			@Override
			public String name() {
				return "slow";
			}

			@Override
			public Instant cutoff(Instant now) {
				return now.minus(Duration.ofDays(1000));
			}

			@Override
			public Deleted deleteBatch(Instant cutoff, int limit) {
				inside.countDown();
				try {
					release.await(1, TimeUnit.MINUTES);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				return new Deleted(0, Map.of());
			}

		};
		RetentionRun run = new RetentionRun(List.of(slow), this.properties, this.jdbc, this.clock,
				this.transactionManager, this.registry);
		ExecutorService pool = Executors.newSingleThreadExecutor();
		try {
			Future<RetentionRun.Summary> first = pool.submit(run::runOnce);
			assertThat(inside.await(1, TimeUnit.MINUTES)).isTrue();
			assertThat(run.runOnce().skipped()).isTrue();
			release.countDown();
			assertThat(first.get(1, TimeUnit.MINUTES).skipped()).isFalse();
		}
		finally {
			release.countDown();
			pool.shutdownNow();
		}
	}

	@Test
	void historyAndAuditStayAppendOnlyForEverythingButExpiredRows() {
		String marker = "retention-" + UUID.randomUUID();
		seedAudit(marker, 1, this.now.minus(Duration.ofDays(1)));
		seedCancelledJobs(marker, 1, this.now.minus(Duration.ofDays(1)));
		// no cutoff declared: refused as before
		assertThatThrownBy(() -> this.jdbc.update("delete from audit_event where subject = ?", marker))
			.hasMessageContaining("append-only");
		TransactionTemplate tx = new TransactionTemplate(this.transactionManager);
		// a cutoff declared: rows at or after it are still refused, and updates always
		assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
			declareCutoff(this.now.minus(Duration.ofDays(400)));
			this.jdbc.update("delete from audit_event where subject = ?", marker);
		})).hasMessageContaining("append-only");
		assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
			declareCutoff(this.now.plus(Duration.ofDays(1)));
			this.jdbc.update("update audit_event set outcome = 'changed' where subject = ?", marker);
		})).hasMessageContaining("append-only");
		assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
			declareCutoff(this.now.plus(Duration.ofDays(1)));
			this.jdbc.update("update import_job_event set cause = 'changed' where job_id in (select id from import_job "
					+ "where created_by = ?)", marker);
		})).hasMessageContaining("append-only");
		assertThat(this.jdbc.queryForObject("select count(*) from audit_event where subject = ?", Long.class, marker))
			.isEqualTo(1);
		assertThat(this.jdbc.queryForObject(
				"select count(*) from import_job_event e join import_job j on j.id = e.job_id where j.created_by = ?",
				Long.class, marker))
			.isEqualTo(1);
	}

	@Test
	void retentionsShorterThanADayAreRefused() {
		assertThatThrownBy(() -> new RetentionProperties(true, Duration.ofHours(1), 1000, 100, Duration.ofMillis(400),
				Duration.ofDays(90), Duration.ofDays(400)))
			.hasMessageContaining("keyport.retention.audit-events")
			.hasMessageContaining("400d");
	}

	private RetentionRun instance(RetentionProperties settings) {
		return new RetentionRun(this.kinds, settings, this.jdbc, this.clock, this.transactionManager, this.registry);
	}

	private void declareCutoff(Instant cutoff) {
		this.jdbc.queryForObject("select set_config('keyport.retention_cutoff', ?, true)", String.class,
				cutoff.toString());
	}

	private void seedAudit(String marker, int rows, Instant at) {
		this.jdbc.update("""
				insert into audit_event (occurred_at, tenant, subject, operation, outcome)
				select ?, 'retention', ?, 'test:retention', 'ok' from generate_series(1, ?)""", Timestamp.from(at),
				marker, rows);
	}

	private long auditRows(String marker, Instant before) {
		return this.jdbc.queryForObject("select count(*) from audit_event where subject = ? and occurred_at < ?",
				Long.class, marker, Timestamp.from(before));
	}

	/** Cancelled jobs with one history entry each, written straight to the tables. */
	private void seedCancelledJobs(String marker, int jobs, Instant finishedAt) {
		Timestamp at = Timestamp.from(finishedAt);
		this.jdbc.update("""
				insert into import_job (id, version, state, kms_key_id, kms_key_arn, key_spec, wrapping_algorithm,
				    wrapping_key_spec, expiration_model, created_at, updated_at, created_by, tenant, waiting_since,
				    kms_target)
				select gen_random_uuid(), 1, 'CANCELLED', 'seeded', 'arn:aws:kms:eu-west-1:111122223333:key/' || ? || i,
				    'SYMMETRIC_DEFAULT', 'RSAES_OAEP_SHA_256', 'RSA_2048', 'KEY_MATERIAL_DOES_NOT_EXPIRE', ?, ?, ?,
				    'retention', ?, 'default'
				from generate_series(1, ?) i""", marker, at, at, marker, at, jobs);
		this.jdbc.update("""
				insert into import_job_event (job_id, job_sequence, from_state, to_state, cause, actor, occurred_at)
				select id, 1, 'PARAMETERS_FETCHED', 'CANCELLED', 'seeded', created_by, updated_at from import_job
				where created_by = ? and updated_at = ?""", marker, at);
	}

	private double deletedCounter(String table) {
		var counter = this.registry.find("keyport.retention.deleted").tag("table", table).counter();
		return counter != null ? counter.count() : 0;
	}

	private String createKey() {
		Response created = this.api.postJson("/api/v1/kms-keys",
				ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT")));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		return created.json().get("keyId").asString();
	}

	private String createJob(String keyId) {
		Response response = this.api.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyId)));
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		return response.json().get("id").asString();
	}

	private void importMaterial(String jobId, byte[] material) {
		Response imported = this.api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(material))));
		assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
	}

	private String state(String jobId) {
		return this.jdbc.queryForObject("select state from import_job where id = ?::uuid", String.class, jobId);
	}

	private boolean exists(String jobId) {
		return this.jdbc.queryForObject("select count(*) from import_job where id = ?::uuid", Long.class, jobId) == 1;
	}

	private long events(String jobId) {
		return this.jdbc.queryForObject("select count(*) from import_job_event where job_id = ?::uuid", Long.class,
				jobId);
	}

	private String lastEvent(String jobId) {
		return this.jdbc.queryForObject(
				"select to_state from import_job_event where job_id = ?::uuid order by id desc limit 1", String.class,
				jobId);
	}

}
