package io.keyport.importjob;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import io.keyport.emulator.KmsFaults;
import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.IntegrationTest;
import io.keyport.testsupport.Tokens;
import io.keyportdev.localauth.LocalAuthorizationServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A platform retrying job creation with the same Idempotency-Key gets the first answer,
 * never a second job.
 */
class IdempotencyKeyTests extends IntegrationTest {

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void sameKeyAndPayloadReplaysTheFirstAnswerWithoutASecondJobOrDownload() {
		ApiClient api = new ApiClient(this.port);
		String body = ApiClient.json(Map.of("kmsKeyId", createKey(api)));
		Map<String, String> key = Map.of("Idempotency-Key", UUID.randomUUID().toString());
		int jobs = jobCount();
		long downloads = this.emulator.callCount("GetParametersForImport");

		Response first = api.postJson("/api/v1/import-jobs", body, key);
		Response retry = api.postJson("/api/v1/import-jobs", body, key);

		assertThat(first.status()).as(first.toString()).isEqualTo(201);
		assertThat(retry.status()).isEqualTo(201);
		assertThat(retry.json().get("id").asString()).isEqualTo(first.json().get("id").asString());
		assertThat(retry.header("Location")).isEqualTo(first.header("Location"));
		assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
		assertThat(jobCount()).isEqualTo(jobs + 1);
		assertThat(this.emulator.callCount("GetParametersForImport")).isEqualTo(downloads + 1);
	}

	@Test
	void aRetryThatNamesTheDefaultsIsTheSameRequestAsOneThatLeftThemOut() {
		ApiClient api = new ApiClient(this.port);
		String keyId = createKey(api);
		Map<String, String> key = Map.of("Idempotency-Key", UUID.randomUUID().toString());
		Response first = api.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyId)), key);
		assertThat(first.status()).as(first.toString()).isEqualTo(201);

		Response retry = api.postJson("/api/v1/import-jobs",
				ApiClient.json(Map.of("kmsKeyId", keyId, "target", first.json().get("target").asString(),
						"refreshPolicy", first.json().get("refreshPolicy").asString(), "wrappingAlgorithm",
						"RSAES_OAEP_SHA_256", "wrappingKeySpec", "RSA_2048")),
				key);

		assertThat(retry.status()).as(retry.toString()).isEqualTo(201);
		assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
		assertThat(retry.json().get("id").asString()).isEqualTo(first.json().get("id").asString());
	}

	@Test
	void sameKeyWithAnotherPayloadIsRefused() {
		ApiClient api = new ApiClient(this.port);
		Map<String, String> key = Map.of("Idempotency-Key", UUID.randomUUID().toString());
		assertThat(
				api.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", createKey(api))), key).status())
			.isEqualTo(201);
		Response other = api.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", createKey(api))), key);
		assertThat(other.status()).isEqualTo(422);
		assertThat(other.json().get("code").asString()).isEqualTo("idempotency-key-reused");
	}

	@Test
	void keysBelongToTheTenantSoAnotherTenantNeverGetsTheReplay() {
		ApiClient tenantA = new ApiClient(this.port);
		String body = ApiClient.json(Map.of("kmsKeyId", createKey(tenantA)));
		Map<String, String> key = Map.of("Idempotency-Key", UUID.randomUUID().toString());
		assertThat(tenantA.postJson("/api/v1/import-jobs", body, key).status()).isEqualTo(201);

		ApiClient tenantB = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.PLATFORM_B));
		Response asB = tenantB.postJson("/api/v1/import-jobs", body, key);
		// not a replay of tenant A's job: B's own request, refused because the key is A's
		assertThat(asB.status()).isEqualTo(404);
		assertThat(asB.json().get("code").asString()).isEqualTo("kms-key-not-found");
	}

	@Test
	void failedRequestLeavesNoRecordSoTheSameKeyCanBeRetried() {
		ApiClient api = new ApiClient(this.port);
		String body = ApiClient.json(Map.of("kmsKeyId", createKey(api)));
		Map<String, String> key = Map.of("Idempotency-Key", UUID.randomUUID().toString());
		this.emulator.faults().throttleEvery("GetParametersForImport", 1);
		try {
			assertThat(api.postJson("/api/v1/import-jobs", body, key).status()).isEqualTo(503);
		}
		finally {
			this.emulator.faults().clear();
		}
		assertThat(api.postJson("/api/v1/import-jobs", body, key).status()).isEqualTo(201);
	}

	@Test
	void aRequestWhoseChangeWasMadeButWhoseRecordCouldNotBeCompletedGetsItsAnswerNotA503() {
		ApiClient api = new ApiClient(this.port);
		String keyId = createKey(api);
		String body = ApiClient.json(Map.of("kmsKeyId", keyId));
		String idempotencyKey = UUID.randomUUID().toString();
		Map<String, String> key = Map.of("Idempotency-Key", idempotencyKey);
		// the database refuses the record's completion (a failover at that moment), for
		// this key only
		this.jdbc.execute("create function refuse_completion() returns trigger language plpgsql as $$ begin "
				+ "if new.state = 'COMPLETED' and new.idempotency_key = '" + idempotencyKey + "' then "
				+ "raise exception 'connection lost'; end if; return new; end $$");
		this.jdbc.execute("create trigger refuse_completion before update on idempotency_key for each row "
				+ "execute function refuse_completion()");
		Response first;
		Response retry;
		try {
			first = api.postJson("/api/v1/import-jobs", body, key);
			retry = api.postJson("/api/v1/import-jobs", body, key);
		}
		finally {
			this.jdbc.execute("drop trigger refuse_completion on idempotency_key");
			this.jdbc.execute("drop function refuse_completion()");
		}

		// the job was made: a 503 saying nothing was would have the caller retry until
		// the record counts as abandoned, and make a second job
		assertThat(first.status()).as(first.toString()).isEqualTo(201);
		assertThat(retry.status()).isEqualTo(409);
		assertThat(retry.json().get("code").asString()).isEqualTo("idempotency-key-in-flight");
		assertThat(api.get("/api/v1/import-jobs?kmsKeyId=" + keyId).json().get("items").size()).isOne();
	}

	@Test
	void requestStillInFlightIsAConflict() throws Exception {
		ApiClient api = new ApiClient(this.port);
		String body = ApiClient.json(Map.of("kmsKeyId", createKey(api)));
		Map<String, String> key = Map.of("Idempotency-Key", UUID.randomUUID().toString());
		this.emulator.faults().latency("GetParametersForImport", Duration.ofSeconds(2));
		try {
			CompletableFuture<Response> first = CompletableFuture
				.supplyAsync(() -> api.postJson("/api/v1/import-jobs", body, key));
			Thread.sleep(700);
			Response second = api.postJson("/api/v1/import-jobs", body, key);
			assertThat(second.status()).isEqualTo(409);
			assertThat(second.json().get("code").asString()).isEqualTo("idempotency-key-in-flight");
			assertThat(first.get().status()).isEqualTo(201);
		}
		finally {
			this.emulator.faults().clear();
		}
	}

	@Test
	void malformedKeyIsRefused() {
		ApiClient api = new ApiClient(this.port);
		Response response = api.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", "k")),
				Map.of("Idempotency-Key", "x".repeat(300)));
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.json().get("code").asString()).isEqualTo("invalid-idempotency-key");
	}

	@Test
	void retriedKeyCreationWithTheSameKeyCreatesOneKmsKey() {
		ApiClient api = new ApiClient(this.port);
		String body = ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT", "description", "retried"));
		Map<String, String> key = Map.of("Idempotency-Key", UUID.randomUUID().toString());
		long keys = this.emulator.callCount("CreateKey");

		Response first = api.postJson("/api/v1/kms-keys", body, key);
		Response retry = api.postJson("/api/v1/kms-keys", body, key);

		assertThat(first.status()).as(first.toString()).isEqualTo(201);
		assertThat(retry.status()).as(retry.toString()).isEqualTo(201);
		assertThat(retry.json().get("keyId").asString()).isEqualTo(first.json().get("keyId").asString());
		assertThat(retry.header("Location")).isEqualTo(first.header("Location"));
		assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
		assertThat(this.emulator.callCount("CreateKey")).isEqualTo(keys + 1);

		// the same key with another key spec is another request
		Response other = api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", "HMAC_256")), key);
		assertThat(other.status()).isEqualTo(422);
		assertThat(other.json().get("code").asString()).isEqualTo("idempotency-key-reused");
		assertThat(this.emulator.callCount("CreateKey")).isEqualTo(keys + 1);
	}

	@Test
	void whitespaceAroundTheKeyIdAndSpelledOutDefaultsAreAReplayNotAReuse() {
		ApiClient api = new ApiClient(this.port);
		String keyId = createKey(api);
		Map<String, String> key = Map.of("Idempotency-Key", UUID.randomUUID().toString());
		Response first = api.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyId)), key);
		Response padded = api.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", " " + keyId + "\t")),
				key);
		Response explicit = api.postJson("/api/v1/import-jobs", ApiClient
			.json(Map.of("kmsKeyId", keyId, "wrappingAlgorithm", "RSAES_OAEP_SHA_256", "wrappingKeySpec", "RSA_2048")),
				key);

		assertThat(first.status()).as(first.toString()).isEqualTo(201);
		assertThat(padded.status()).as(padded.toString()).isEqualTo(201);
		assertThat(padded.json().get("id").asString()).isEqualTo(first.json().get("id").asString());
		assertThat(explicit.status()).as(explicit.toString()).isEqualTo(201);
		assertThat(explicit.json().get("id").asString()).isEqualTo(first.json().get("id").asString());
	}

	@Test
	void aBlankTargetIsTheDefaultTargetSoARetryWithoutOneIsAReplayNotAReuse() {
		ApiClient api = new ApiClient(this.port);
		String keyId = createKey(api);
		Map<String, String> key = Map.of("Idempotency-Key", UUID.randomUUID().toString());
		int jobs = jobCount();
		Response blank = api.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyId, "target", " ")),
				key);
		Response without = api.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyId)), key);
		Response named = api.postJson("/api/v1/import-jobs",
				ApiClient.json(Map.of("kmsKeyId", keyId, "target", blank.json().get("target").asString())), key);

		assertThat(blank.status()).as(blank.toString()).isEqualTo(201);
		assertThat(without.status()).as(without.toString()).isEqualTo(201);
		assertThat(without.header("Idempotent-Replayed")).isEqualTo("true");
		assertThat(without.json().get("id").asString()).isEqualTo(blank.json().get("id").asString());
		assertThat(named.status()).as(named.toString()).isEqualTo(201);
		assertThat(named.json().get("id").asString()).isEqualTo(blank.json().get("id").asString());
		assertThat(jobCount()).isEqualTo(jobs + 1);
	}

	@Test
	void lateFirstRequestDoesNotOverwriteTheRecordOfTheRequestThatTookItOver() throws Exception {
		ApiClient api = new ApiClient(this.port);
		String body = ApiClient.json(Map.of("kmsKeyId", createKey(api)));
		Map<String, String> key = Map.of("Idempotency-Key", UUID.randomUUID().toString());
		this.emulator.faults().latency("GetParametersForImport", Duration.ofSeconds(3));
		CompletableFuture<Response> late = CompletableFuture
			.supplyAsync(() -> api.postJson("/api/v1/import-jobs", body, key));
		Thread.sleep(1000);
		// the first request looks abandoned: another request takes its record over and
		// completes first
		this.emulator.faults().clear();
		this.clock.advance(Duration.ofMinutes(6));
		Response takeover = api.postJson("/api/v1/import-jobs", body, key);
		assertThat(takeover.status()).as(takeover.toString()).isEqualTo(201);
		assertThat(late.get().status()).isEqualTo(201);

		// the late request finished last, but the record still answers with the request
		// that owns it
		Response replay = api.postJson("/api/v1/import-jobs", body, key);
		assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
		assertThat(replay.json().get("id").asString()).isEqualTo(takeover.json().get("id").asString());
	}

	String createKey(ApiClient api) {
		return api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT")))
			.json()
			.get("keyId")
			.asString();
	}

	int jobCount() {
		return this.jdbc.queryForObject("select count(*) from import_job", Integer.class);
	}

}
