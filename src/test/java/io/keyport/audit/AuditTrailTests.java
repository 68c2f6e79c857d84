package io.keyport.audit;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import io.keyport.emulator.KmsFaults;
import io.keyport.importjob.ImportJobLifecycle;
import io.keyport.security.Caller;
import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.IntegrationTest;
import io.keyport.testsupport.TestInfrastructure;
import io.keyport.testsupport.Tokens;
import io.keyportdev.localauth.LocalAuthorizationServer;

import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit trail records what matters: alias and deletion calls at KMS like every other
 * KMS call, API calls under fixed operation names, and every row even when the caller's
 * identifiers are longer than the columns.
 */
class AuditTrailTests extends IntegrationTest {

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	AuditLog audit;

	@Autowired
	ImportJobLifecycle lifecycle;

	@Test
	void aliasAndCleanupCallsArePacedAndAuditedLikeEveryKmsCall() {
		ApiClient api = new ApiClient(this.port);
		String alias = "alias/audit-" + UUID.randomUUID();
		Response created = api.postJson("/api/v1/kms-keys",
				ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT", "alias", alias)));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		String keyId = created.json().get("keyId").asString();
		assertThat(kmsTrail(keyId)).contains("kms:CreateKey ok", "kms:CreateAlias ok");

		// the alias fails at KMS: the new key is scheduled for deletion, and both calls
		// are on the record
		long deletions = this.emulator.callCount("ScheduleKeyDeletion");
		this.emulator.faults().failEvery("CreateAlias", 1, "LimitExceededException", 400);
		Response failed = api.postJson("/api/v1/kms-keys",
				ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT", "alias", "alias/audit-" + UUID.randomUUID())));
		this.emulator.faults().clear();
		assertThat(failed.status()).as(failed.toString()).isGreaterThanOrEqualTo(400);
		assertThat(this.emulator.callCount("ScheduleKeyDeletion")).isEqualTo(deletions + 1);
		String orphan = this.jdbc.queryForObject(
				"select kms_key_arn from audit_event where operation = 'kms:ScheduleKeyDeletion' order by id desc "
						+ "limit 1",
				String.class);
		assertThat(kmsTrail(orphan)).contains("kms:CreateAlias kms-limit-exceeded", "kms:ScheduleKeyDeletion ok");
		assertThat(TestInfrastructure.kmsClient().describeKey(r -> r.keyId(orphan)).keyMetadata().keyStateAsString())
			.isEqualTo("PendingDeletion");
	}

	@Test
	void aJobsCreationIsRecordedWithTheJobAndTheKeyAndSoIsItsParameterDownload() {
		ApiClient api = new ApiClient(this.port);
		Response key = api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT")));
		assertThat(key.status()).as(key.toString()).isEqualTo(201);
		String arn = key.json().get("arn").asString();
		Response job = api.postJson("/api/v1/import-jobs",
				ApiClient.json(Map.of("kmsKeyId", key.json().get("keyId").asString())));
		assertThat(job.status()).as(job.toString()).isEqualTo(201);
		String jobId = job.json().get("id").asString();

		// found by review: the path names neither, so both were left out, and the entry
		// was lost to a search by job or key (the job's own rows are deleted by
		// retention)
		assertThat(this.jdbc.queryForList(
				"select operation || ' ' || coalesce(kms_key_arn, '-') from audit_event where job_id = ?::uuid order by id",
				String.class, jobId))
			.containsExactly("kms:GetParametersForImport " + arn, "api:createImportJob " + arn);
		// refused: the request's entry still names the key
		this.emulator.faults().failEvery("GetParametersForImport", 1, "AccessDeniedException", 400);
		try {
			Response refused = api.postJson("/api/v1/import-jobs",
					ApiClient.json(Map.of("kmsKeyId", key.json().get("keyId").asString())));
			assertThat(refused.status()).isEqualTo(502);
		}
		finally {
			this.emulator.faults().clear();
		}
		assertThat(this.jdbc.queryForObject(
				"select kms_key_arn from audit_event where operation = 'api:createImportJob' order by id desc limit 1",
				String.class))
			.isEqualTo(arn);
	}

	@Test
	void aKeysCreationIsRecordedWithTheKeyAndAReplayWithTheSameIdempotencyKeyIsMarkedAsOne() {
		ApiClient api = new ApiClient(this.port);
		Map<String, String> idempotencyKey = Map.of("Idempotency-Key", UUID.randomUUID().toString());
		String body = ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT"));
		Response created = api.postJson("/api/v1/kms-keys", body, idempotencyKey);
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		String arn = created.json().get("arn").asString();

		Response replayed = api.postJson("/api/v1/kms-keys", body, idempotencyKey);

		assertThat(replayed.header("Idempotent-Replayed")).isEqualTo("true");
		// found by review: the path names no key, so a search by the key missed the
		// request that created it, and a replay read as a second creation. A replay's
		// entry is written as the request ends, which may be after its answer arrived
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.jdbc.queryForList(
					"select operation || ' ' || outcome || ' ' || detail from audit_event where kms_key_arn = ? "
							+ "and operation like 'api:%' order by id",
					String.class, arn))
				.containsExactly("api:createKmsKey 201 POST /api/v1/kms-keys",
						"api:createKmsKey 201 POST /api/v1/kms-keys (replayed the answer to an earlier request with "
								+ "the same Idempotency-Key; nothing changed)"));
	}

	@Test
	void anOwnerAssignmentIsRecordedWithTheKeyAndTheTenantThatGetsIt() {
		String keyId = TestInfrastructure.kmsClient()
			.createKey(r -> r.origin(software.amazon.awssdk.services.kms.model.OriginType.EXTERNAL))
			.keyMetadata()
			.keyId();
		String alias = "alias/owner-" + UUID.randomUUID();
		TestInfrastructure.kmsClient().createAlias(r -> r.aliasName(alias).targetKeyId(keyId));
		ApiClient operator = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.OPERATOR));

		// by alias: the path names no key id, and the tenant is in the body only
		Response assigned = operator.putJson("/api/v1/kms-keys/" + alias + "/owner",
				ApiClient.json(Map.of("tenant", "tenant-b")));

		assertThat(assigned.status()).as(assigned.toString()).isEqualTo(200);
		Map<String, Object> row = this.jdbc.queryForMap("select kms_key_arn, detail from audit_event "
				+ "where operation = 'api:assignKmsKeyOwner' order by id desc limit 1");
		assertThat(row.get("kms_key_arn")).isEqualTo(assigned.json().get("arn").asString());
		assertThat((String) row.get("detail")).contains(alias).contains("for tenant tenant-b");
	}

	@Test
	void anOwnerAssignmentWhoseAuditEntryCannotBeWrittenIsNotMade() {
		String keyId = TestInfrastructure.kmsClient()
			.createKey(r -> r.origin(software.amazon.awssdk.services.kms.model.OriginType.EXTERNAL))
			.keyMetadata()
			.keyId();
		ApiClient operator = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.OPERATOR));
		// the database refuses the request's entry (a failover at that moment)
		this.jdbc.execute("create function refuse_assignment_entry() returns trigger language plpgsql as $$ begin "
				+ "if new.operation = 'api:assignKmsKeyOwner' then raise exception 'connection lost'; end if; "
				+ "return new; end $$");
		this.jdbc.execute("create trigger refuse_assignment_entry before insert on audit_event for each row "
				+ "execute function refuse_assignment_entry()");
		Response assigned;
		try {
			assigned = operator.putJson("/api/v1/kms-keys/" + keyId + "/owner",
					ApiClient.json(Map.of("tenant", "tenant-b")));
		}
		finally {
			this.jdbc.execute("drop trigger refuse_assignment_entry on audit_event");
			this.jdbc.execute("drop function refuse_assignment_entry()");
		}

		// found by review: the owner was committed on its own, and the entry written
		// only as the request ended, where its failure was logged and the 200 given
		assertThat(assigned.status()).as(assigned.toString()).isGreaterThanOrEqualTo(500);
		assertThat(this.jdbc.queryForObject("select count(*) from kms_key_owner where kms_key_arn like ?", Long.class,
				"%" + keyId))
			.isZero();
	}

	@Test
	void theSchedulersKmsCallsForAJobNameTheJobsTenantSoASearchByTenantFindsThem() {
		ApiClient api = new ApiClient(this.port);
		Response key = api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT")));
		Response job = api.postJson("/api/v1/import-jobs",
				ApiClient.json(Map.of("kmsKeyId", key.json().get("keyId").asString())));
		assertThat(job.status()).as(job.toString()).isEqualTo(201);
		String jobId = job.json().get("id").asString();
		// the upload's import fails in a way KMS may have carried out: the scheduler
		// retries it (only the few jobs due for a retry, not every job of the context)
		try {
			this.emulator.faults().failEvery("ImportKeyMaterial", 1, KmsFaults.Fault.INTERNAL);
			api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
					ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(new byte[32]))));
		}
		finally {
			this.emulator.faults().clear();
		}
		this.clock.advance(Duration.ofMinutes(20));

		this.lifecycle.retryDueImports();

		// found by review: the scheduler's calls had no tenant, so a search of the trail
		// by tenant missed every refresh, retry and deletion on the tenant's keys
		Map<String, Object> refresh = this.jdbc.queryForMap(
				"select subject, tenant from audit_event "
						+ "where job_id = ?::uuid and operation = 'kms:ImportKeyMaterial' order by id desc limit 1",
				jobId);
		assertThat(refresh).containsEntry("subject", "system:lifecycle").containsEntry("tenant", "tenant-a");
	}

	@Test
	void oneRouteIsOneOperationNameWhicheverJavaMethodServesIt() {
		ApiClient api = new ApiClient(this.port);
		String keyId = createKey(api);
		String first = createJob(api, keyId);
		String second = createJob(api, keyId);
		byte[] material = new byte[32];
		// JSON and a raw file are served by two Java methods; the trail names one
		// operation
		assertThat(api
			.postJson("/api/v1/import-jobs/" + first + "/key-material",
					ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(material))))
			.status()).isEqualTo(200);
		assertThat(api.post("/api/v1/import-jobs/" + second + "/key-material", material, "application/octet-stream")
			.status()).isEqualTo(200);
		assertThat(jobTrail(first)).contains("api:uploadKeyMaterial 200");
		assertThat(jobTrail(second)).contains("api:uploadKeyMaterial 200");
	}

	@Test
	void aTargetQueryParameterOnARouteThatTakesNoneIsNotRecordedAndCannotBreakTheTrail() {
		// found by review: every request's ?target= went into its audit entries, so a NUL
		// character failed their insert after ImportKeyMaterial had run (500, the import
		// and its KMS call unrecorded), and any name was recorded as the request's target
		ApiClient api = new ApiClient(this.port);
		String keyId = createKey(api);
		String nul = createJob(api, keyId);
		Response imported = api.postJson("/api/v1/import-jobs/" + nul + "/key-material?target=%00",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(new byte[32]))));
		assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
		assertThat(imported.json().get("state").asString()).isEqualTo("IMPORTED");
		assertThat(jobTrail(nul)).contains("api:uploadKeyMaterial 200", "kms:ImportKeyMaterial ok");

		String cancelled = createJob(api, createKey(api));
		assertThat(api.post("/api/v1/import-jobs/" + cancelled + "/cancel?target=prod").status()).isEqualTo(200);
		assertThat(this.jdbc.queryForList(
				"select coalesce(kms_target, '-') from audit_event where job_id = ?::uuid and operation like 'api:%'",
				String.class, cancelled))
			.isNotEmpty()
			.doesNotContain("prod");
	}

	@Test
	void timeAndTextFiltersTheDatabaseCannotTakeAreRefusedWith400() {
		// found by review: Spring's ISO reader takes signed years PostgreSQL cannot
		// compare with, and PostgreSQL stores no NUL in text; both were 500s
		ApiClient api = new ApiClient(this.port);
		String keyId = createKey(api);
		ApiClient operator = api.as(Tokens.of(LocalAuthorizationServer.OPERATOR));
		String trail = "/api/v1/audit-events?kmsKeyId=" + keyId;
		for (String query : new String[] { "&from=-5000-01-01T00:00:00Z", "&to=%2B300000-01-01T00:00:00Z",
				"&from=2026-01-01T00:00Z", "&from=2026-01-01", "&to=1700000000" }) {
			Response refused = operator.get(trail + query);
			assertThat(refused.status()).as(query + ": " + refused).isEqualTo(400);
			assertThat(refused.json().get("code").asString()).isEqualTo("invalid-parameter");
		}
		for (String path : new String[] { "/api/v1/audit-events?kmsKeyId=%00", "/api/v1/audit-events?tenant=a%00",
				"/api/v1/import-jobs?kmsKeyId=a%00b" }) {
			Response refused = operator.get(path);
			assertThat(refused.status()).as(path + ": " + refused).isEqualTo(400);
			assertThat(refused.json().get("code").asString()).isEqualTo("validation-failed");
		}
		// the filters still work, with RFC 3339 times and an empty one as none
		assertThat(
				operator.get(trail + "&from=2000-01-01T00:00:00Z&to=2999-01-01T00:00:00.5%2B01:00").json().get("items"))
			.isNotEmpty();
		assertThat(operator.get(trail + "&from=2999-01-01T00:00:00Z").json().get("items")).isEmpty();
		assertThat(operator.get(trail + "&from=").json().get("items")).isNotEmpty();
	}

	@Test
	void identifiersLongerThanTheirColumnsAreCutAndTheWholeFlowIsRecorded() {
		ApiClient api = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.OVERLONG_CLIENT_ID));
		Map<String, String> requestId = Map.of("X-Request-Id", "r".repeat(300));
		Response key = api.postJson("/api/v1/kms-keys", "{\"keySpec\":\"SYMMETRIC_DEFAULT\"}", requestId);
		assertThat(key.status()).as(key.toString()).isEqualTo(201);
		String keyId = key.json().get("keyId").asString();
		Response job = api.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyId)), requestId);
		assertThat(job.status()).as(job.toString()).isEqualTo(201);
		String jobId = job.json().get("id").asString();
		Response imported = api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(new byte[32]))), requestId);
		assertThat(imported.status()).as(imported.toString()).isEqualTo(200);

		assertThat(jobTrail(jobId)).contains("api:uploadKeyMaterial 200", "kms:ImportKeyMaterial ok");
		assertThat(kmsTrail(keyId)).contains("kms:CreateKey ok", "kms:GetParametersForImport ok");
		assertThat(this.jdbc.queryForList(
				"select operation || ' ' || outcome from audit_event where tenant = " + "'tenant-long'", String.class))
			.contains("api:createKmsKey 201", "api:createImportJob 201");
		List<Map<String, Object>> rows = this.jdbc
			.queryForList("select subject, client_id, request_id from audit_event where tenant = 'tenant-long'");
		assertThat(rows).isNotEmpty().allSatisfy(row -> {
			assertThat((String) row.get("subject")).hasSize(256);
			assertThat((String) row.get("client_id")).hasSize(256);
			assertThat((String) row.get("request_id")).hasSizeLessThanOrEqualTo(128);
		});
		assertThat(
				this.jdbc.queryForObject("select created_by from import_job where id = ?::uuid", String.class, jobId))
			.hasSize(256);
		assertThat(this.jdbc.queryForList("select actor from import_job_event where job_id = ?::uuid", String.class,
				jobId))
			.allSatisfy(actor -> assertThat(actor).hasSizeLessThanOrEqualTo(256));
		assertThat(this.jdbc.queryForObject("select claimed_by from kms_key_owner where kms_key_arn like ?",
				String.class, "%" + keyId))
			.hasSize(256);
	}

	@Test
	void aKeyFilterMatchesTheKeyAsWrittenNotAsAPattern() {
		ApiClient api = new ApiClient(this.port);
		String keyId = createKey(api);
		ApiClient operator = api.as(Tokens.of(LocalAuthorizationServer.OPERATOR));
		assertThat(operator.get("/api/v1/audit-events?kmsKeyId=" + keyId).json().get("items")).isNotEmpty();
		for (String pattern : new String[] { "%25", "_", keyId.substring(0, keyId.length() - 1) + "_",
				"%25" + keyId.substring(4) }) {
			Response answer = operator.get("/api/v1/audit-events?kmsKeyId=" + pattern);
			assertThat(answer.status()).as(pattern + ": " + answer).isEqualTo(200);
			assertThat(answer.json().get("items")).as(pattern).isEmpty();
		}
	}

	@Test
	void aNulInAnyValueIsReplacedSoTheEntryAndItsBatchAreStillWritten() {
		String marker = "audit-nul-" + java.util.UUID.randomUUID();
		this.audit.inScope(() -> {
			this.audit.record(Caller.internal("nul\u0000test"), "test:nul", null, marker + "\u0000arn", "ok",
					"a detail with a NUL \u0000 in it");
			this.audit.record(Caller.internal("nul-test"), "test:after-nul", null, marker, "ok", "the same batch");
		});

		assertThat(this.jdbc.queryForList("select operation || ' ' || detail from audit_event where kms_key_arn like ?",
				String.class, marker + "%"))
			.containsExactlyInAnyOrder("test:nul a detail with a NUL \uFFFD in it", "test:after-nul the same batch");
	}

	String createKey(ApiClient api) {
		Response key = api.postJson("/api/v1/kms-keys", "{\"keySpec\":\"SYMMETRIC_DEFAULT\"}");
		assertThat(key.status()).as(key.toString()).isEqualTo(201);
		return key.json().get("keyId").asString();
	}

	String createJob(ApiClient api, String keyId) {
		Response job = api.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyId)));
		assertThat(job.status()).as(job.toString()).isEqualTo(201);
		return job.json().get("id").asString();
	}

	List<String> kmsTrail(String key) {
		return this.jdbc.queryForList("select operation || ' ' || outcome from audit_event where kms_key_arn = ? "
				+ "or kms_key_arn like ? order by id", String.class, key, "%/" + key);
	}

	List<String> jobTrail(String jobId) {
		return this.jdbc.queryForList(
				"select operation || ' ' || outcome from audit_event where job_id = ?::uuid order by id", String.class,
				jobId);
	}

}
