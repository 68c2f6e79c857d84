package io.keyport.importjob;

import java.security.KeyPair;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import io.keyport.emulator.KmsFaults;
import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lifecycle defects that grow with time (issue 10, points 7 to 10): renewed keys leave
 * the watch, re-imports after expiry take a new ValidTo, reconciliation proves before it
 * believes, and one bad job cannot stop a run.
 */
class LifecycleRenewalAndRecoveryTests extends IntegrationTest {

	@LocalServerPort
	int port;

	@Autowired
	ImportJobLifecycle lifecycle;

	@Autowired
	JdbcTemplate jdbc;

	ApiClient api;

	@BeforeEach
	void client() {
		this.api = new ApiClient(this.port);
	}

	// --- point 7: renewal without a busy loop
	// -------------------------------------------------------------------

	@Test
	void renewingAKeySupersedesTheEarlierJobWhichLeavesTheWatchAfterItsValidTo() {
		Renewed renewed = importedThenRenewed();
		String keyId = renewed.keyId();
		String first = renewed.first();
		String renewal = renewed.renewal();

		assertThat(state(first)).isEqualTo("SUPERSEDED");
		assertThat(events(first).getLast().get("cause").asString()).contains("superseded by job " + renewal);
		assertThat(this.api.get("/api/v1/import-jobs?state=SUPERSEDED&kmsKeyId=" + keyId).json().get("items"))
			.singleElement()
			.satisfies(j -> assertThat(j.get("id").asString()).isEqualTo(first));

		// past the first job's ValidTo: only the renewal is watched, the first job is
		// never claimed again
		this.clock.advance(Duration.ofDays(3).plusSeconds(1));
		for (int run = 0; run < 3; run++) {
			this.lifecycle.watchImportedJobs();
			this.clock.advance(Duration.ofMinutes(1));
		}
		assertThat(state(first)).isEqualTo("SUPERSEDED");
		assertThat(state(renewal)).isEqualTo("IMPORTED");
		assertThat(nextCheckAt(first)).isNull();
		assertThat(nextCheckAt(renewal)).isAfter(this.clock.instant());
	}

	@Test
	void watcherSupersedesAnImportedJobWhoseKeyHasANewerImportWithoutCallingKms() {
		Renewed renewed = importedThenRenewed();
		String first = renewed.first();
		String renewal = renewed.renewal();
		// as if the supersession after the renewal's import had not happened (conflict,
		// crash)
		this.jdbc.update("update import_job set state = 'IMPORTED', next_check_at = ? where id = ?::uuid",
				Timestamp.from(inDays(3)), first);

		this.clock.advance(Duration.ofDays(3).plusSeconds(1));
		this.lifecycle.watchImportedJobs();

		assertThat(state(first)).isEqualTo("SUPERSEDED");
		assertThat(events(first).getLast().get("actor").asString()).startsWith("system");
		assertThat(state(renewal)).isEqualTo("IMPORTED");
	}

	@Test
	void importedJobIsDueAtItsValidToEvenWhenTheDriftCheckComesLater() {
		String keyId = createKey("SYMMETRIC_DEFAULT");
		Instant validTo = this.clock.instant().plus(Duration.ofMinutes(30)).truncatedTo(ChronoUnit.SECONDS);
		String job = createJob(keyId, validTo);
		assertThat(upload(job, materialBody(randomBytes(32))).status()).isEqualTo(200);
		assertThat(nextCheckAt(job)).isEqualTo(validTo);
	}

	// --- point 8: re-import after expiry
	// ------------------------------------------------------------------------

	@Test
	void expiredMaterialIsImportedAgainUnderANewValidToGivenOnRefresh() {
		String keyId = createKey("SYMMETRIC_DEFAULT");
		String body = materialBody(randomBytes(32));
		String job = createJob(keyId, inDays(3));
		assertThat(upload(job, body).status()).isEqualTo(200);
		this.clock.advance(Duration.ofDays(3).plusSeconds(1));
		this.lifecycle.watchImportedJobs();
		assertThat(state(job)).isEqualTo("MATERIAL_EXPIRED");

		// new parameters under the old, past ValidTo could never be used: refused before
		// any download, and the refusal says what to send instead
		int downloads = this.api.get("/api/v1/import-jobs/" + job).json().get("parameters").get("downloads").asInt();
		Response refused = this.api.post("/api/v1/import-jobs/" + job + "/refresh-parameters");
		assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
		assertThat(refused.json().get("code").asString()).isEqualTo("valid-to-passed");
		assertThat(refused.json().get("detail").asString()).contains("refresh-parameters").contains("validTo");
		assertThat(state(job)).isEqualTo("MATERIAL_EXPIRED");
		assertThat(this.api.get("/api/v1/import-jobs/" + job).json().get("parameters").get("downloads").asInt())
			.isEqualTo(downloads);

		// a ValidTo in the past or too far ahead is refused like at creation, and changes
		// nothing
		Response past = refresh(job, this.clock.instant().minus(Duration.ofDays(1)));
		assertThat(past.status()).as(past.toString()).isEqualTo(422);
		assertThat(past.json().get("code").asString()).isEqualTo("invalid-valid-to");
		assertThat(refresh(job, this.clock.instant().plus(Duration.ofDays(400))).status()).isEqualTo(422);

		Instant newValidTo = inDays(30);
		Response refreshed = refresh(job, newValidTo);
		assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
		assertThat(Instant.parse(refreshed.json().get("expiration").get("validTo").asString())).isEqualTo(newValidTo);
		assertThat(events(job).getLast().get("cause").asString()).contains("expiration for the next import changed")
			.contains(newValidTo.toString());

		Response reimported = upload(job, body);
		assertThat(reimported.status()).as(reimported.toString()).isEqualTo(200);
		assertThat(reimported.json().get("state").asString()).isEqualTo("IMPORTED");
		assertThat(this.api.get("/api/v1/kms-keys/" + keyId).json().get("keyState").asString()).isEqualTo("ENABLED");
	}

	@Test
	void scheduledRetryOfAnImportWhoseValidToPassedIsRefusedWithoutCallingKms() {
		String keyId = createKey("SYMMETRIC_DEFAULT");
		Instant validTo = this.clock.instant().plus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);
		String job = createJob(keyId, validTo);
		this.emulator.faults().failEvery("ImportKeyMaterial", 1, KmsFaults.Fault.INTERNAL);
		assertThat(upload(job, materialBody(randomBytes(32))).status()).isEqualTo(503);
		this.emulator.faults().clear();
		assertThat(state(job)).isEqualTo("MATERIAL_WRAPPED");

		this.clock.advance(Duration.ofHours(2).plusSeconds(1));
		this.lifecycle.retryDueImports();

		JsonNode refused = this.api.get("/api/v1/import-jobs/" + job).json();
		assertThat(refused.get("state").asString()).isEqualTo("PARAMETERS_FETCHED");
		assertThat(refused.get("lastError").get("code").asString()).isEqualTo("valid-to-passed");
		// only the first, failed attempt ever reached KMS
		assertThat(refused.get("importAttempts").asInt()).isEqualTo(1);
		assertThat(events(job)).filteredOn(e -> e.get("errorCode").asString("").startsWith("kms-"))
			.singleElement()
			.satisfies(e -> assertThat(e.get("errorCode").asString()).isEqualTo("kms-internal-error"));
	}

	@Test
	void reimportAfterExpiryIsNotCancelledAsAbandonedOnItsFirstRefresh() {
		String keyId = createKey("SYMMETRIC_DEFAULT");
		String body = materialBody(randomBytes(32));
		String job = createJob(keyId, inDays(35));
		assertThat(upload(job, body).status()).isEqualTo(200);
		this.clock.advance(Duration.ofDays(35).plusSeconds(1));
		this.lifecycle.watchImportedJobs();
		assertThat(state(job)).isEqualTo("MATERIAL_EXPIRED");
		assertThat(refresh(job, inDays(30)).status()).isEqualTo(200);

		// the new parameters are due for their refresh; the job is 36 days old but has
		// waited for one day only
		this.clock.advance(Duration.ofHours(24).minusSeconds(2));
		this.lifecycle.refreshDueParameters();

		assertThat(state(job)).isEqualTo("PARAMETERS_FETCHED");
		assertThat(events(job).getLast().get("cause").asString()).contains("refreshed before they lapse");
	}

	// --- point 9: reconciliation proves before it believes
	// ------------------------------------------------------

	@Test
	void asymmetricImportWhoseOutcomeWasLostIsReconciledByItsPublicKeyAtSecondsPrecision() {
		KeyPair pair = newP256KeyPair();
		String keyId = createKey("ECC_NIST_P256");
		// milliseconds in ValidTo: KMS keeps whole seconds
		String job = createJob(keyId,
				this.clock.instant().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS).plusMillis(123));
		this.emulator.faults().failAfterExecutionEvery("ImportKeyMaterial", 1, KmsFaults.Fault.INTERNAL);
		assertThat(upload(job, materialBody(pair.getPrivate().getEncoded())).status()).isEqualTo(503);
		this.emulator.faults().clear();
		assertThat(state(job)).isEqualTo("MATERIAL_WRAPPED");

		this.clock.advance(Duration.ofMinutes(1));
		this.lifecycle.retryDueImports();

		assertThat(state(job)).isEqualTo("IMPORTED");
		assertThat(events(job).getLast().get("cause").asString()).contains("reconciled").contains("public key matches");
		assertThat(this.api.get("/api/v1/import-jobs/" + job).json().get("importAttempts").asInt()).isEqualTo(1);
	}

	@Test
	void keyHoldingDifferentMaterialWithTheSameValidToIsNotTakenForThisJobsImport() {
		String keyId = createKey("ECC_NIST_P256");
		Instant validTo = inDays(3);
		String other = createJob(keyId, validTo);
		KeyPair otherPair = newP256KeyPair();
		assertThat(upload(other, materialBody(otherPair.getPrivate().getEncoded())).status()).isEqualTo(200);
		// a second job on the key with the same ValidTo but another private key; its
		// import fails before KMS
		String job = createJob(keyId, validTo);
		this.emulator.faults().failEvery("ImportKeyMaterial", 1, KmsFaults.Fault.INTERNAL);
		KeyPair pair = newP256KeyPair();
		assertThat(upload(job, materialBody(pair.getPrivate().getEncoded())).status()).isEqualTo(503);
		this.emulator.faults().clear();

		this.clock.advance(Duration.ofMinutes(1));
		this.lifecycle.retryDueImports();

		JsonNode result = this.api.get("/api/v1/import-jobs/" + job).json();
		assertThat(result.get("state").asString()).isNotEqualTo("IMPORTED").isEqualTo("PARAMETERS_FETCHED");
		assertThat(result.get("lastError").get("code").asString()).isEqualTo("kms-incorrect-key-material");
		assertThat(state(other)).isEqualTo("IMPORTED");
	}

	@Test
	void symmetricImportWhoseOutcomeWasLostIsConfirmedBySendingTheSameMaterialAgain() {
		String keyId = createKey("SYMMETRIC_DEFAULT");
		String job = createJob(keyId, inDays(3));
		this.emulator.faults().failAfterExecutionEvery("ImportKeyMaterial", 1, KmsFaults.Fault.INTERNAL);
		assertThat(upload(job, materialBody(randomBytes(32))).status()).isEqualTo(503);
		this.emulator.faults().clear();

		this.clock.advance(Duration.ofMinutes(1));
		this.lifecycle.retryDueImports();

		JsonNode imported = this.api.get("/api/v1/import-jobs/" + job).json();
		assertThat(imported.get("state").asString()).isEqualTo("IMPORTED");
		assertThat(imported.get("importAttempts").asInt()).isEqualTo(2);
		assertThat(events(job).getLast().get("cause").asString()).contains("key material imported");
	}

	// --- point 10: one bad job cannot stop the scheduler
	// --------------------------------------------------------

	@Test
	void jobFailingInsideRefreshDoesNotStopTheRunAndIsBackedOff() {
		this.emulator.setParametersValidity(Duration.ofSeconds(10));
		String badKey = createKey("SYMMETRIC_DEFAULT");
		String bad = createJob(badKey, null);
		List<String> good = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			good.add(createJob(createKey("SYMMETRIC_DEFAULT"), null));
		}
		this.emulator.answerGetParametersForImportWithCorruptWrappingKey(badKey, true);
		try {
			this.clock.advance(Duration.ofSeconds(8));
			this.lifecycle.refreshDueParameters();

			assertThat(good).allSatisfy(id -> assertThat(downloads(id)).isEqualTo(2));
			JsonNode failed = this.api.get("/api/v1/import-jobs/" + bad).json();
			assertThat(failed.get("state").asString()).isEqualTo("PARAMETERS_FETCHED");
			assertThat(failed.get("lastError").get("code").asString()).isEqualTo("invalid-wrapping-key");
			assertThat(workFailures(bad)).isEqualTo(1);
			assertThat(leaseOwner(bad)).isNull();

			// backed off: not at the head of the next runs
			long calls = this.emulator.callCount("GetParametersForImport");
			this.clock.advance(Duration.ofSeconds(1));
			this.lifecycle.refreshDueParameters();
			assertThat(workFailures(bad)).isEqualTo(1);

			// tried again once the backoff passed; still failing, backed off longer
			this.clock.advance(Duration.ofSeconds(31));
			this.lifecycle.refreshDueParameters();
			assertThat(workFailures(bad)).isEqualTo(2);
			assertThat(workNotBefore(bad)).isAfter(this.clock.instant());
			assertThat(this.emulator.callCount("GetParametersForImport")).isGreaterThan(calls);
		}
		finally {
			this.emulator.answerGetParametersForImportWithCorruptWrappingKey(badKey, false);
		}
		// recovered: the failures no longer count
		this.clock.advance(Duration.ofMinutes(2));
		this.lifecycle.refreshDueParameters();
		assertThat(state(bad)).isEqualTo("PARAMETERS_FETCHED");
		assertThat(workFailures(bad)).isZero();
	}

	@Test
	void leaseIsRenewedRightBeforeEachJobsKmsWork() throws Exception {
		this.emulator.setParametersValidity(Duration.ofSeconds(10));
		String first = createJob(createKey("SYMMETRIC_DEFAULT"), null);
		// worked on in the order of their parameters' expiry: first, then second
		this.clock.advance(Duration.ofSeconds(1));
		String second = createJob(createKey("SYMMETRIC_DEFAULT"), null);
		this.clock.advance(Duration.ofSeconds(8));
		long calls = this.emulator.callCount("GetParametersForImport");
		this.emulator.faults().latency("GetParametersForImport", Duration.ofMillis(1500));
		boolean renewedInTime = false;
		try {
			CompletableFuture<Integer> run = CompletableFuture.supplyAsync(this.lifecycle::refreshDueParameters);
			// while an earlier job's call is slow, more than a lease's time passes: the
			// claim's lease has lapsed
			awaitCalls(calls + 1);
			this.clock.advance(Duration.ofMinutes(3));
			Instant now = this.clock.instant();
			while (!run.isDone()) {
				Instant until = leaseUntil(second);
				renewedInTime |= until != null && until.isAfter(now);
				Thread.sleep(20);
			}
			assertThat(run.get(30, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(2);
		}
		finally {
			this.emulator.faults().clear();
		}
		assertThat(renewedInTime).as("the second job's lease was renewed before its KMS call").isTrue();
		assertThat(downloads(first)).isEqualTo(2);
		assertThat(downloads(second)).isEqualTo(2);
	}

	void awaitCalls(long count) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (this.emulator.callCount("GetParametersForImport") < count && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(this.emulator.callCount("GetParametersForImport")).isGreaterThanOrEqualTo(count);
	}

	/** A key imported with a 3-day ValidTo, then renewed by a second job with 60 days. */
	record Renewed(String keyId, String first, String renewal) {
	}

	Renewed importedThenRenewed() {
		String keyId = createKey("SYMMETRIC_DEFAULT");
		String body = materialBody(randomBytes(32));
		String first = createJob(keyId, inDays(3));
		assertThat(upload(first, body).status()).isEqualTo(200);
		this.clock.advance(Duration.ofSeconds(1));
		String renewal = createJob(keyId, inDays(60));
		assertThat(upload(renewal, body).status()).isEqualTo(200);
		return new Renewed(keyId, first, renewal);
	}

	// --- helpers
	// ------------------------------------------------------------------------------------------------

	Instant inDays(int days) {
		return this.clock.instant().plus(Duration.ofDays(days)).truncatedTo(ChronoUnit.SECONDS);
	}

	/** A fresh P-256 key pair (the import matrix caches one per spec). */
	static KeyPair newP256KeyPair() {
		try {
			java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
			generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
			return generator.generateKeyPair();
		}
		catch (java.security.GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static byte[] randomBytes(int length) {
		byte[] bytes = new byte[length];
		new SecureRandom().nextBytes(bytes);
		return bytes;
	}

	static String materialBody(byte[] material) {
		return ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(material)));
	}

	Response upload(String jobId, String body) {
		return this.api.postJson("/api/v1/import-jobs/" + jobId + "/key-material", body);
	}

	Response refresh(String jobId, Instant validTo) {
		return this.api.postJson("/api/v1/import-jobs/" + jobId + "/refresh-parameters", ApiClient
			.json(Map.of("expiration", Map.of("model", "KEY_MATERIAL_EXPIRES", "validTo", validTo.toString()))));
	}

	String createKey(String keySpec) {
		Response response = this.api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", keySpec)));
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		return response.json().get("keyId").asString();
	}

	String createJob(String keyId, Instant validTo) {
		Map<String, Object> body = validTo == null ? Map.of("kmsKeyId", keyId) : Map.of("kmsKeyId", keyId, "expiration",
				Map.of("model", "KEY_MATERIAL_EXPIRES", "validTo", validTo.toString()));
		Response response = this.api.postJson("/api/v1/import-jobs", ApiClient.json(body));
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		return response.json().get("id").asString();
	}

	String state(String jobId) {
		return this.api.get("/api/v1/import-jobs/" + jobId).json().get("state").asString();
	}

	int downloads(String jobId) {
		return this.api.get("/api/v1/import-jobs/" + jobId).json().get("parameters").get("downloads").asInt();
	}

	List<JsonNode> events(String jobId) {
		List<JsonNode> events = new ArrayList<>();
		this.api.get("/api/v1/import-jobs/" + jobId + "/events").json().forEach(events::add);
		return events;
	}

	Instant nextCheckAt(String jobId) {
		return instant("next_check_at", jobId);
	}

	Instant workNotBefore(String jobId) {
		return instant("work_not_before", jobId);
	}

	Instant leaseUntil(String jobId) {
		return instant("lease_until", jobId);
	}

	Instant instant(String column, String jobId) {
		Timestamp value = this.jdbc.queryForObject("select " + column + " from import_job where id = ?::uuid",
				Timestamp.class, jobId);
		return value != null ? value.toInstant() : null;
	}

	int workFailures(String jobId) {
		return this.jdbc.queryForObject("select work_failures from import_job where id = ?::uuid", Integer.class,
				jobId);
	}

	String leaseOwner(String jobId) {
		return this.jdbc.queryForObject("select lease_owner from import_job where id = ?::uuid", String.class, jobId);
	}

}
