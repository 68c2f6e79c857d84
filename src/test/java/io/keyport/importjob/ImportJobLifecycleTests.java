package io.keyport.importjob;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.KmsClient;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import io.keyport.KeyportApplication;
import io.keyport.emulator.KmsFaults;
import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.IntegrationTest;
import io.keyport.testsupport.TestInfrastructure;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lifecycle work against the real database and the emulator, with time moved by hand:
 * parameter refreshes, abandoned jobs, import retries under throttling, reconciliation of
 * lost outcomes, expiry and drift, and two instances sharing one database.
 */
class ImportJobLifecycleTests extends IntegrationTest {

	final KmsClient kms = TestInfrastructure.kmsClient();

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

	@Test
	void waitingJobGetsNewParametersBeforeTheyLapseAndEachDownloadIsInItsHistory() {
		this.emulator.setParametersValidity(Duration.ofSeconds(10));
		String jobId = createJob(createKey("SYMMETRIC_DEFAULT"), null).get("id").asString();
		Instant firstValidTo = parametersValidTo(jobId);

		// 5 s before expiry: outside the 3 s margin, nothing to do for this job
		this.clock.advance(Duration.ofSeconds(5));
		this.lifecycle.refreshDueParameters();
		assertThat(downloads(jobId)).isEqualTo(1);

		// 2 s before expiry: within the margin, refreshed before the parameters lapse
		this.clock.advance(Duration.ofSeconds(3));
		this.lifecycle.refreshDueParameters();
		assertThat(downloads(jobId)).isEqualTo(2);
		Instant secondValidTo = parametersValidTo(jobId);
		assertThat(secondValidTo).isAfter(firstValidTo);
		assertThat(state(jobId)).isEqualTo("PARAMETERS_FETCHED");

		// and again for the next period
		this.clock.advance(Duration.ofSeconds(8));
		this.lifecycle.refreshDueParameters();
		assertThat(downloads(jobId)).isEqualTo(3);

		List<JsonNode> events = events(jobId);
		assertThat(events).extracting(e -> e.get("to").asString())
			.containsExactly("PARAMETERS_FETCHED", "PARAMETERS_FETCHED", "PARAMETERS_FETCHED");
		assertThat(events.get(1).get("cause").asString()).contains("refreshed before they lapse");
		assertThat(events.get(1).get("actor").asString()).startsWith("system");
	}

	@Test
	void expiredParametersAreDownloadedAgainAndWrappedMaterialUnderTheOldKeyIsDiscarded() throws Exception {
		String keyId = createKey("SYMMETRIC_DEFAULT");
		String expiredJob = createJob(keyId, null).get("id").asString();
		String wrappedJob = createJob(keyId, null).get("id").asString();
		// the second job's import fails transiently, so it holds wrapped material when
		// its token expires
		this.emulator.faults().failEvery("ImportKeyMaterial", 1, KmsFaults.Fault.INTERNAL);
		Response failed = this.api.postJson("/api/v1/import-jobs/" + wrappedJob + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(new byte[32]))));
		assertThat(failed.status()).isEqualTo(503);
		this.emulator.faults().clear();
		this.clock.advance(Duration.ofHours(25));
		this.api.putBytes("/api/v1/import-jobs/" + expiredJob + "/encrypted-key-material", new byte[256]);
		assertThat(state(expiredJob)).isEqualTo("PARAMETERS_EXPIRED");

		this.lifecycle.refreshDueParameters();

		assertThat(state(expiredJob)).isEqualTo("PARAMETERS_FETCHED");
		assertThat(events(expiredJob).getLast().get("cause").asString()).contains("after they expired");
		assertThat(state(wrappedJob)).isEqualTo("PARAMETERS_FETCHED");
		assertThat(events(wrappedJob).getLast().get("cause").asString())
			.contains("import token expired before the import succeeded")
			.contains("discarded");
	}

	@Test
	void jobWaitingPastItsLifetimeIsCancelledAsAbandoned() {
		String jobId = createJob(createKey("SYMMETRIC_DEFAULT"), null).get("id").asString();
		long downloads = this.emulator.callCount("GetParametersForImport");
		this.clock.advance(Duration.ofDays(31));

		this.lifecycle.refreshDueParameters();

		assertThat(state(jobId)).isEqualTo("CANCELLED");
		assertThat(events(jobId).getLast().get("cause").asString()).contains("abandoned");
		assertThat(this.jdbc.queryForObject("select import_token is null from import_job where id = ?::uuid",
				Boolean.class, jobId))
			.isTrue();
		// no parameters were downloaded for an abandoned job
		assertThat(this.emulator.callCount("GetParametersForImport")).isEqualTo(downloads);
	}

	@Test
	void aJobWhoseImportStayedUnconfirmedIsNotCancelledAsIfNoMaterialArrivedButFailsAsOutcomeUnknown() {
		String jobId = createJob(createKey("SYMMETRIC_DEFAULT"), null).get("id").asString();
		Response lost;
		try {
			// KMS carries the import out and its answer is lost
			this.emulator.faults().failAfterExecutionEvery("ImportKeyMaterial", 1, KmsFaults.Fault.INTERNAL);
			lost = this.api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
					ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(new byte[32]))));
		}
		finally {
			this.emulator.faults().clear();
		}
		assertThat(lost.status()).isEqualTo(503);
		// the token lapses, and symmetric material offers no proof: unconfirmed
		this.clock.advance(Duration.ofHours(25));
		this.lifecycle.refreshDueParameters();
		assertThat(state(jobId)).isEqualTo("PARAMETERS_FETCHED");

		this.clock.advance(Duration.ofDays(31));
		this.lifecycle.refreshDueParameters();

		assertThat(state(jobId)).isEqualTo("FAILED");
		JsonNode failed = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(failed.at("/lastError/code").asString()).isEqualTo("import-outcome-unknown");
		assertThat(failed.at("/lastError/message").asString()).contains("KMS never answered the import")
			.contains("the key may hold that material")
			.doesNotContain("no material arrived");
	}

	@Test
	void aJobWhoseParametersLastUntilItsLifetimeEndsGetsNoRefreshAndIsCancelledAsAbandonedOnceItEnded() {
		String jobId = createJob(createKey("SYMMETRIC_DEFAULT"), null).get("id").asString();
		Instant lapse = this.jdbc
			.queryForObject("select parameters_valid_to from import_job where id = ?::uuid", Timestamp.class, jobId)
			.toInstant();
		// its lifetime (30 days) ends a second before its parameters lapse
		this.jdbc.update("update import_job set waiting_since = ? where id = ?::uuid",
				Timestamp.from(lapse.minus(Duration.ofDays(30)).minusSeconds(1)), jobId);
		// within the refresh margin (3 s in the tests) of the lapse
		this.clock.set(lapse.minusSeconds(2));

		this.lifecycle.refreshDueParameters();

		assertThat(state(jobId)).isEqualTo("PARAMETERS_FETCHED");
		// (this job's own count: the run refreshes other tests' jobs that lapse by then)
		assertThat(downloads(jobId)).as("no refresh for a job about to be abandoned").isOne();
		// just after the lifetime ended, not a refresh margin later (its parameters
		// lapse meanwhile)
		this.clock.advance(Duration.ofSeconds(2));
		this.lifecycle.refreshDueParameters();
		assertThat(state(jobId)).isEqualTo("CANCELLED");
		assertThat(events(jobId).getLast().get("cause").asString()).contains("abandoned");
		assertThat(downloads(jobId)).isOne();
	}

	@Test
	void aJobWhoseMaterialArrivedLateInItsLifetimeIsNotCancelledAsAbandonedWhenItsTokenLapsesBeforeTheImport() {
		String jobId = createJob(createKey("SYMMETRIC_DEFAULT"), null).get("id").asString();
		this.clock.advance(Duration.ofDays(29).plusHours(12));
		this.lifecycle.refreshDueParameters();
		assertThat(state(jobId)).isEqualTo("PARAMETERS_FETCHED");
		Response throttled;
		try {
			this.emulator.faults().throttleEvery("ImportKeyMaterial", 1);
			throttled = this.api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
					ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(new byte[32]))));
			// the retries never get through before the token lapses, past the lifetime
			this.clock.advance(Duration.ofHours(25));
			this.lifecycle.refreshDueParameters();
		}
		finally {
			this.emulator.faults().clear();
		}

		assertThat(throttled.status()).isEqualTo(503);
		assertThat(state(jobId)).isEqualTo("PARAMETERS_FETCHED");
		assertThat(events(jobId)).noneSatisfy(e -> assertThat(e.get("cause").asString()).contains("abandoned"));
	}

	@Test
	void aJobWhoseValidToPassedGetsNoNewParametersUntilAClientGivesANewValidToThoughNotTooSoonAfterTheRefusal() {
		String jobId = createJob(createKey("SYMMETRIC_DEFAULT"), this.clock.instant().plus(Duration.ofHours(2)))
			.get("id")
			.asString();
		int downloads = downloads(jobId);
		for (int day = 0; day < 3; day++) {
			this.clock.advance(Duration.ofHours(25));
			this.lifecycle.refreshDueParameters();
		}
		// a client's refresh without a new ValidTo is refused before KMS too
		Response bare = this.api.post("/api/v1/import-jobs/" + jobId + "/refresh-parameters");

		assertThat(downloads(jobId)).isEqualTo(downloads);
		JsonNode job = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(job.get("lastError").get("code").asString()).isEqualTo("valid-to-passed");
		assertThat(bare.status()).as(bare.toString()).isEqualTo(409);
		assertThat(bare.json().get("code").asString()).isEqualTo("valid-to-passed");
		assertThat(downloads(jobId)).isEqualTo(downloads);
		// the refresh the refusal asks for goes through at once
		Response renewed = this.api.postJson("/api/v1/import-jobs/" + jobId + "/refresh-parameters",
				ApiClient.json(Map.of("expiration", Map.of("model", "KEY_MATERIAL_EXPIRES", "validTo",
						this.clock.instant().plus(Duration.ofDays(30)).toString()))));
		assertThat(renewed.status()).as(renewed.toString()).isEqualTo(200);
		assertThat(renewed.json().get("state").asString()).isEqualTo("PARAMETERS_FETCHED");
		assertThat(downloads(jobId)).isEqualTo(downloads + 1);
	}

	@Test
	void importsFinishDespiteThrottlingOfEveryThirdCallAndTheHistoryShowsTheRetries() {
		String keyId = createKey("SYMMETRIC_DEFAULT");
		List<String> jobIds = new ArrayList<>();
		for (int i = 0; i < 9; i++) {
			jobIds.add(createJob(createKey("SYMMETRIC_DEFAULT"), null).get("id").asString());
		}
		this.emulator.faults().throttleEvery(KmsFaults.ALL_OPERATIONS, 3);
		for (String jobId : jobIds) {
			Response response = this.api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
					ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(new byte[32]))));
			assertThat(response.status()).as(response.toString()).isIn(200, 503);
		}
		for (int round = 0; round < 10 && !jobIds.stream().allMatch(id -> state(id).equals("IMPORTED")); round++) {
			this.clock.advance(Duration.ofMinutes(16));
			this.lifecycle.retryDueImports();
		}
		this.emulator.faults().clear();

		assertThat(jobIds).allSatisfy(id -> assertThat(state(id)).isEqualTo("IMPORTED"));
		assertThat(jobIds).anySatisfy(id -> assertThat(events(id)).anySatisfy(
				e -> assertThat(e.get("cause").asString()).contains("import attempt 1 failed (kms-throttled)")));
		assertThat(keyId).isNotBlank();
	}

	@Test
	void symmetricImportWhoseOutcomeWasLostIsSentAgainAndConfirmedByKms() {
		String keyId = createKey("SYMMETRIC_DEFAULT");
		String jobId = createJob(keyId, null).get("id").asString();
		// KMS applies the import but the answer is lost (a 500 after execution)
		this.emulator.faults().failAfterExecutionEvery("ImportKeyMaterial", 1, KmsFaults.Fault.INTERNAL);
		Response response = this.api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(new byte[32]))));
		this.emulator.faults().clear();
		assertThat(response.status()).isEqualTo(503);
		assertThat(state(jobId)).isEqualTo("MATERIAL_WRAPPED");

		this.clock.advance(Duration.ofMinutes(1));
		this.lifecycle.retryDueImports();

		// a symmetric key offers no proof of whose material it holds: the same material
		// is sent again, which KMS
		// accepts (and would refuse if the key held other material)
		assertThat(state(jobId)).isEqualTo("IMPORTED");
		assertThat(events(jobId).getLast().get("cause").asString()).contains("key material imported");
	}

	@Test
	void wrappedJobLeftByAKilledInstanceIsTakenOverOnceItsLeaseLapses() {
		String keyId = createKey("SYMMETRIC_DEFAULT");
		String jobId = createJob(keyId, null).get("id").asString();
		this.emulator.faults().failEvery("ImportKeyMaterial", 1, KmsFaults.Fault.INTERNAL);
		this.api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(new byte[32]))));
		this.emulator.faults().clear();
		// as if another instance had claimed the job for its retry and then died
		this.jdbc.update(
				"update import_job set lease_owner = 'killed-instance', lease_until = ?, next_attempt_at = ? "
						+ "where id = ?::uuid",
				java.sql.Timestamp.from(this.clock.instant().plus(Duration.ofMinutes(2))),
				java.sql.Timestamp.from(this.clock.instant()), jobId);

		this.lifecycle.retryDueImports();
		assertThat(state(jobId)).as("lease still held").isEqualTo("MATERIAL_WRAPPED");

		this.clock.advance(Duration.ofMinutes(3));
		this.lifecycle.retryDueImports();
		assertThat(state(jobId)).isEqualTo("IMPORTED");
		assertThat(this.api.get("/api/v1/kms-keys/" + keyId).json().get("keyState").asString()).isEqualTo("ENABLED");
	}

	@Test
	void materialPastItsValidToMovesTheJobToMaterialExpiredAndIsListedBeforehand() {
		String keyId = createKey("SYMMETRIC_DEFAULT");
		Instant validTo = this.clock.instant().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS);
		String jobId = createJob(keyId, validTo).get("id").asString();
		assertThat(this.api
			.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
					ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(new byte[32]))))
			.json()
			.get("state")
			.asString()).isEqualTo("IMPORTED");

		JsonNode expiring = this.api.get("/api/v1/expiring-keys?within=P7D").json();
		assertThat(expiring.get("keys")).anySatisfy(k -> {
			assertThat(k.get("kmsKeyId").asString()).isEqualTo(keyId);
			assertThat(Instant.parse(k.get("validTo").asString())).isEqualTo(validTo);
		});
		assertThat(this.api.get("/api/v1/expiring-keys?within=P1D").json().get("keys"))
			.noneSatisfy(k -> assertThat(k.get("kmsKeyId").asString()).isEqualTo(keyId));
		assertThat(this.api.get("/api/v1/expiring-keys?within=banana").status()).isEqualTo(400);

		this.clock.advance(Duration.ofDays(3).plusSeconds(1));
		this.lifecycle.watchImportedJobs();

		assertThat(state(jobId)).isEqualTo("MATERIAL_EXPIRED");
		assertThat(events(jobId).getLast().get("cause").asString()).contains("material expired");
		assertThat(this.api.get("/api/v1/kms-keys/" + keyId).json().get("keyState").asString())
			.isEqualTo("PENDING_IMPORT");
	}

	@Test
	void expiringKeysFollowTheLatestImportAndStayWithinTheTenant() {
		String keyId = createKey("SYMMETRIC_DEFAULT");
		byte[] material = new byte[32];
		new java.security.SecureRandom().nextBytes(material);
		String body = ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(material)));
		Instant soon = this.clock.instant().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS);
		String first = createJob(keyId, soon).get("id").asString();
		assertThat(this.api.postJson("/api/v1/import-jobs/" + first + "/key-material", body).status()).isEqualTo(200);
		assertThat(expiringKeyIds(this.api)).contains(keyId);
		// another tenant does not learn of the key
		ApiClient tenantB = new ApiClient(this.port,
				io.keyport.testsupport.Tokens.of(io.keyportdev.localauth.LocalAuthorizationServer.PLATFORM_B));
		assertThat(expiringKeyIds(tenantB)).doesNotContain(keyId);

		// the same material imported again with a later ValidTo: the key no longer
		// expires soon
		this.clock.advance(Duration.ofSeconds(1));
		Instant later = this.clock.instant().plus(Duration.ofDays(60)).truncatedTo(ChronoUnit.SECONDS);
		String second = createJob(keyId, later).get("id").asString();
		assertThat(this.api.postJson("/api/v1/import-jobs/" + second + "/key-material", body).status()).isEqualTo(200);
		assertThat(expiringKeyIds(this.api)).doesNotContain(keyId);
	}

	static List<String> expiringKeyIds(ApiClient client) {
		List<String> ids = new ArrayList<>();
		client.get("/api/v1/expiring-keys?within=P7D")
			.json()
			.get("keys")
			.forEach(k -> ids.add(k.get("kmsKeyId").asString()));
		return ids;
	}

	@Test
	void materialDeletedOutsideKeyportOrAKeyDeletedAfterItsPendingWindowIsDetected() {
		String deletedKey = createKey("SYMMETRIC_DEFAULT");
		String deletedJob = importedJob(deletedKey);
		String doomedKey = createKey("SYMMETRIC_DEFAULT");
		String doomedJob = importedJob(doomedKey);
		kms.deleteImportedKeyMaterial(r -> r.keyId(deletedKey));
		kms.scheduleKeyDeletion(r -> r.keyId(doomedKey).pendingWindowInDays(7));

		this.lifecycle.watchImportedJobs();
		assertThat(state(deletedJob)).as("not due for a check yet").isEqualTo("IMPORTED");

		this.clock.advance(Duration.ofHours(1).plusSeconds(1));
		this.lifecycle.watchImportedJobs();

		assertThat(state(deletedJob)).isEqualTo("MATERIAL_EXPIRED");
		assertThat(events(deletedJob).getLast().get("cause").asString()).contains("deleted outside Keyport");
		// a deletion its owner can still cancel: noted, not the end of the job
		assertThat(state(doomedJob)).isEqualTo("IMPORTED");
		assertThat(this.api.get("/api/v1/import-jobs/" + doomedJob).json().get("lastError").get("code").asString())
			.isEqualTo("kms-key-pending-deletion");

		// the deletion date passed: KMS no longer knows the key, the job fails
		this.clock.advance(Duration.ofDays(7));
		this.lifecycle.watchImportedJobs();
		assertThat(state(doomedJob)).isEqualTo("FAILED");
		assertThat(this.api.get("/api/v1/import-jobs/" + doomedJob).json().get("lastError").get("code").asString())
			.isEqualTo("kms-key-not-found");
	}

	@Test
	void twoInstancesOnOneDatabaseRefreshEveryDueJobExactlyOnce() throws Exception {
		String keyId = createKey("SYMMETRIC_DEFAULT");
		List<String> jobIds = new ArrayList<>();
		for (int i = 0; i < 500; i++) {
			jobIds.add(createJob(keyId, null).get("id").asString());
		}
		// every job is now due (within the 3 s margin)
		this.clock.advance(Duration.ofHours(24).minusSeconds(2));
		long downloadsBefore = this.emulator.callCount("GetParametersForImport");

		try (ConfigurableApplicationContext second = secondInstance()) {
			ImportJobLifecycle other = second.getBean(ImportJobLifecycle.class);
			ExecutorService pool = Executors.newFixedThreadPool(2);
			try {
				// the second instance claims a first batch of 20 on its own, then both
				// race for the rest
				int firstBatch = other.refreshDueParameters();
				Callable<Integer> a = () -> drain(this.lifecycle);
				Callable<Integer> b = () -> firstBatch + drain(other);
				Future<Integer> fa = pool.submit(a);
				Future<Integer> fb = pool.submit(b);
				int claimedByA = fa.get();
				int claimedByB = fb.get();
				long downloads = this.emulator.callCount("GetParametersForImport") - downloadsBefore;
				// both instances did part of the work, and KMS saw exactly one download
				// per refreshed job
				assertThat(claimedByA).isPositive();
				assertThat(claimedByB).isPositive();
				assertThat(downloads).isEqualTo(claimedByA + claimedByB);
			}
			finally {
				pool.shutdownNow();
			}
		}
		List<Integer> perJob = this.jdbc.queryForList(
				"select parameter_downloads from import_job where kms_key_id = ? order by id", Integer.class, keyId);
		assertThat(perJob).hasSize(500).containsOnly(2);
	}

	/** Runs refreshes until nothing is due; how many jobs this instance worked on. */
	static int drain(ImportJobLifecycle lifecycle) {
		int total = 0;
		int claimed;
		do {
			claimed = lifecycle.refreshDueParameters();
			total += claimed;
		}
		while (claimed > 0);
		return total;
	}

	/**
	 * A second Keyport instance: its own application context, the same database, KMS and
	 * clock.
	 */
	ConfigurableApplicationContext secondInstance() {
		return new SpringApplicationBuilder(KeyportApplication.class)
			.initializers(context -> context.getBeanFactory().registerSingleton("clock", TestInfrastructure.CLOCK))
			.properties(Map.copyOf(secondInstanceProperties()))
			.run();
	}

	static Map<String, Object> secondInstanceProperties() {
		Map<String, Object> properties = new java.util.HashMap<>(
				TestInfrastructure.instanceProperties("test-instance-b", TestInfrastructure.emulator()));
		properties.put("server.port", "0");
		properties.put("keyport.lifecycle.batch-size", "20");
		return properties;
	}

	String importedJob(String keyId) {
		String jobId = createJob(keyId, null).get("id").asString();
		Response response = this.api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(new byte[32]))));
		assertThat(response.json().get("state").asString()).as(response.toString()).isEqualTo("IMPORTED");
		return jobId;
	}

	String createKey(String keySpec) {
		return this.api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", keySpec)))
			.json()
			.get("keyId")
			.asString();
	}

	JsonNode createJob(String keyId, Instant validTo) {
		Map<String, Object> body = validTo == null ? Map.of("kmsKeyId", keyId) : Map.of("kmsKeyId", keyId, "expiration",
				Map.of("model", "KEY_MATERIAL_EXPIRES", "validTo", validTo.toString()));
		Response response = this.api.postJson("/api/v1/import-jobs", ApiClient.json(body));
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		return response.json();
	}

	String state(String jobId) {
		return this.api.get("/api/v1/import-jobs/" + jobId).json().get("state").asString();
	}

	int downloads(String jobId) {
		return this.api.get("/api/v1/import-jobs/" + jobId).json().get("parameters").get("downloads").asInt();
	}

	Instant parametersValidTo(String jobId) {
		return Instant
			.parse(this.api.get("/api/v1/import-jobs/" + jobId).json().get("parameters").get("validTo").asString());
	}

	List<JsonNode> events(String jobId) {
		List<JsonNode> events = new ArrayList<>();
		this.api.get("/api/v1/import-jobs/" + jobId + "/events").json().forEach(events::add);
		return events;
	}

}
