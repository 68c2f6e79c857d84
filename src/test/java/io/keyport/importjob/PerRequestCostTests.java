package io.keyport.importjob;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.persistence.EntityManagerFactory;
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

/**
 * What a request does not need to do any more (issue 14): describe a key this instance
 * created a moment ago, read a job's whole history to append one event, rewrite columns a
 * change did not touch, or write an audit entry in a commit of its own.
 */
class PerRequestCostTests extends IntegrationTest {

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	DataSource dataSource;

	@Autowired
	ImportJobStore store;

	@Autowired
	ImportJobRepository jobs;

	@Autowired
	EntityManagerFactory entityManagerFactory;

	@Autowired
	PlatformTransactionManager transactionManager;

	@Autowired
	MeterRegistry meters;

	private ApiClient api() {
		return new ApiClient(this.port);
	}

	private String createKey(ApiClient api) {
		Response key = api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT")));
		assertThat(key.status()).as(key.toString()).isEqualTo(201);
		return key.json().get("keyId").asString();
	}

	private Response createJob(ApiClient api, String keyId) {
		Response job = api.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyId)));
		assertThat(job.status()).as(job.toString()).isEqualTo(201);
		return job;
	}

	/** KMS calls audited for the key, by its ARN or its key id (as the call named it). */
	private List<String> kmsTrail(String keyArn, String keyId) {
		return this.jdbc.queryForList("select operation from audit_event where kms_key_arn in (?, ?) "
				+ "and operation like 'kms:%' order by id", String.class, keyArn, keyId);
	}

	@Test
	void importJobCreatedRightAfterItsKeyDoesNotDescribeTheKeyAgain() {
		ApiClient api = api();
		String keyId = createKey(api);
		Response job = createJob(api, keyId);
		String arn = job.json().get("kmsKeyArn").asString();

		assertThat(kmsTrail(arn, keyId)).containsExactly("kms:CreateKey", "kms:GetParametersForImport");

		// the remembered key is used once: a second job describes it, as a key created
		// elsewhere
		Response cancelled = api.post("/api/v1/import-jobs/" + job.json().get("id").asString() + "/cancel");
		assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
		createJob(api, keyId);
		assertThat(kmsTrail(arn, keyId)).containsExactly("kms:CreateKey", "kms:GetParametersForImport",
				"kms:DescribeKey", "kms:GetParametersForImport");
	}

	@Test
	void keyCreatedForOneTenantIsStillNotFoundForAnother() {
		String keyId = createKey(api());
		ApiClient other = new ApiClient(this.port,
				io.keyport.testsupport.Tokens.of(io.keyportdev.localauth.LocalAuthorizationServer.PLATFORM_B));
		Response job = other.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyId)));
		assertThat(job.status()).as(job.toString()).isEqualTo(404);
	}

	@Test
	void appendingToAJobsHistoryDoesNotLoadTheEarlierEvents() {
		ApiClient api = api();
		ImportJobId id = new ImportJobId(UUID.fromString(createJob(api, createKey(api)).json().get("id").asString()));
		TransactionTemplate tx = new TransactionTemplate(this.transactionManager);

		Boolean historyLoaded = tx.execute(status -> {
			ImportJob job = this.store.load(id);
			job.recordNote("a note", null, "test", Instant.now());
			this.store.save(job);
			return this.entityManagerFactory.getPersistenceUnitUtil().isLoaded(job, "events");
		});

		assertThat(historyLoaded).as("history loaded to append one event").isFalse();
		assertThat(this.jobs.findEvents(id.value())).extracting(e -> e.toView().cause())
			.containsExactly(this.jobs.findEvents(id.value()).getFirst().toView().cause(), "a note");
	}

	@Test
	void updateOfAJobWritesOnlyTheColumnsItsVerbChanged() throws Exception {
		ApiClient api = api();
		ImportJobId id = new ImportJobId(UUID.fromString(createJob(api, createKey(api)).json().get("id").asString()));
		TransactionTemplate tx = new TransactionTemplate(this.transactionManager);

		tx.executeWithoutResult(status -> {
			ImportJob job = this.store.load(id);
			// a column the note does not change, changed meanwhile on another connection
			// (only to see which columns the note's update writes)
			try (Connection other = this.dataSource.getConnection();
					PreparedStatement update = other
						.prepareStatement("update import_job set work_failures = 7 where id = ?")) {
				other.setAutoCommit(true);
				update.setObject(1, id.value());
				assertThat(update.executeUpdate()).isOne();
			}
			catch (java.sql.SQLException ex) {
				throw new IllegalStateException(ex);
			}
			job.recordNote("a note", null, "test", Instant.now());
			this.store.save(job);
		});

		assertThat(this.jdbc.queryForObject("select work_failures from import_job where id = ?", Integer.class,
				id.value()))
			.as("a column the update had no reason to write")
			.isEqualTo(7);
	}

	@Test
	void uploadRecordsTheClientsActivityWithTheClaimAsTheClaimsTime() {
		ApiClient api = api();
		String jobId = createJob(api, createKey(api)).json().get("id").asString();
		assertThat(this.jdbc.queryForObject("select last_client_activity_at from import_job where id = ?",
				Timestamp.class, UUID.fromString(jobId)))
			.isNull();
		byte[] material = new byte[32];
		new SecureRandom().nextBytes(material);

		Response imported = api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(material))));

		assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
		Map<String, Object> job = this.jdbc.queryForMap("""
				select j.last_client_activity_at, j.refresh_priority, e.occurred_at as claimed_at
				from import_job j join import_job_event e on e.job_id = j.id and e.to_state = 'MATERIAL_WRAPPED'
				where j.id = ?""", UUID.fromString(jobId));
		assertThat(job.get("refresh_priority")).isEqualTo(ImportJob.PRIORITY_ACTIVE);
		assertThat(job.get("last_client_activity_at")).isNotNull().isEqualTo(job.get("claimed_at"));
	}

	@Test
	void eachRequestsOwnAuditEntryIsWrittenOnceInTheTransactionOfTheChangeItMade() {
		ApiClient api = api();
		String run = UUID.randomUUID().toString();
		Response key = api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT")),
				Map.of("X-Request-Id", run + "-key"));
		assertThat(key.status()).as(key.toString()).isEqualTo(201);
		String keyArn = key.json().get("arn").asString();
		Response job = api.postJson("/api/v1/import-jobs",
				ApiClient.json(Map.of("kmsKeyId", key.json().get("keyId").asString())),
				Map.of("X-Request-Id", run + "-job"));
		assertThat(job.status()).as(job.toString()).isEqualTo(201);
		String jobId = job.json().get("id").asString();
		byte[] material = new byte[32];
		new SecureRandom().nextBytes(material);
		Response imported = api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(material))),
				Map.of("X-Request-Id", run + "-upload"));
		assertThat(imported.status()).as(imported.toString()).isEqualTo(200);

		assertThat(requestEntry(run + "-key")).containsEntry("operation", "api:createKmsKey")
			.containsEntry("outcome", "201")
			.containsEntry("xid", this.jdbc.queryForObject(
					"select xmin::text::bigint from kms_key_owner where kms_key_arn = ?", Long.class, keyArn));
		assertThat(requestEntry(run + "-job")).containsEntry("operation", "api:createImportJob")
			.containsEntry("outcome", "201")
			.containsEntry("xid", eventTransaction(jobId, "from_state is null"));
		assertThat(requestEntry(run + "-upload")).containsEntry("operation", "api:uploadKeyMaterial")
			.containsEntry("outcome", "200")
			.containsEntry("xid", eventTransaction(jobId, "to_state = 'IMPORTED'"));
	}

	/** The one entry of the request itself (not of its KMS calls). */
	private Map<String, Object> requestEntry(String requestId) {
		return this.jdbc.queryForMap("""
				select operation, outcome, xmin::text::bigint as xid from audit_event
				where request_id = ? and operation like 'api:%'""", requestId);
	}

	private Long eventTransaction(String jobId, String condition) {
		return this.jdbc.queryForObject(
				"select xmin::text::bigint from import_job_event where job_id = ? and " + condition, Long.class,
				UUID.fromString(jobId));
	}

	@Test
	void auditEntryOfAnImportIsWrittenInTheTransactionThatRecordsTheImport() {
		ApiClient api = api();
		Response job = createJob(api, createKey(api));
		String jobId = job.json().get("id").asString();
		byte[] material = new byte[32];
		new SecureRandom().nextBytes(material);

		Response imported = api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(material))));
		assertThat(imported.status()).as(imported.toString()).isEqualTo(200);

		long auditTransaction = this.jdbc.queryForObject(
				"select xmin::text::bigint from audit_event where job_id = ? and operation = 'kms:ImportKeyMaterial'",
				Long.class, UUID.fromString(jobId));
		long historyTransaction = this.jdbc.queryForObject(
				"select xmin::text::bigint from import_job_event where job_id = ? and to_state = 'IMPORTED'",
				Long.class, UUID.fromString(jobId));
		assertThat(auditTransaction).isEqualTo(historyTransaction);
		// and the job's creation: its GetParametersForImport entry with the new job
		long downloadTransaction = this.jdbc.queryForObject(
				"select xmin::text::bigint from audit_event where kms_key_arn = ? and operation = 'kms:GetParametersForImport'",
				Long.class, job.json().get("kmsKeyArn").asString());
		long createdTransaction = this.jdbc.queryForObject(
				"select xmin::text::bigint from import_job_event where " + "job_id = ? and from_state is null",
				Long.class, UUID.fromString(jobId));
		assertThat(downloadTransaction).isEqualTo(createdTransaction);
	}

	@Test
	void importLoadsItsJobWithoutTheRepositoryProxy() {
		ApiClient api = api();
		String keyId = createKey(api);
		double before = repositoryCalls();

		String jobId = createJob(api, keyId).json().get("id").asString();
		byte[] material = new byte[32];
		new SecureRandom().nextBytes(material);
		Response imported = api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(material))));
		assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
		Response read = api.get("/api/v1/import-jobs/" + jobId);
		assertThat(read.status()).as(read.toString()).isEqualTo(200);

		assertThat(repositoryCalls()).as("repository calls while creating, importing and reading a job")
			.isEqualTo(before);
		// the metric counts what does use the repository: listing jobs
		Response page = api.get("/api/v1/import-jobs?size=1");
		assertThat(page.status()).as(page.toString()).isEqualTo(200);
		assertThat(repositoryCalls()).isGreaterThan(before);
	}

	/** Spring Data's own count of calls through the job repository's proxy. */
	private double repositoryCalls() {
		return this.meters.find("spring.data.repository.invocations")
			.tag("repository", ImportJobRepository.class.getSimpleName())
			.timers()
			.stream()
			.mapToDouble(io.micrometer.core.instrument.Timer::count)
			.sum();
	}

}
