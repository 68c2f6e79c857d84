package io.keyport.importjob;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.keyport.emulator.KmsEmulator;
import io.keyport.emulator.KmsFaults;
import io.keyport.wrapping.KeySpec;
import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.IntegrationTest;
import io.keyport.testsupport.LazyKmsKey;
import io.keyport.testsupport.PlaintextRegistry;
import io.keyport.testsupport.TestInfrastructure;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Custody per job and the re-import before ValidTo (issue 15, points 1 and 2): a
 * KMS-envelope custodian against the emulator keeps the plaintext uploaded for a job, and
 * the lifecycle re-imports the same material under a new ValidTo before the old one
 * passes, over a simulated month, with the key Enabled throughout.
 */
class CustodyRenewalTests extends IntegrationTest {

	static final Duration BEFORE = Duration.ofHours(2);

	static final Duration EXTEND_BY = Duration.ofDays(1);

	static final Duration STEP = Duration.ofHours(1);

	private static final LazyKmsKey CUSTODY_KEY = new LazyKmsKey("keyport custody key");

	final KmsClient kms = TestInfrastructure.kmsClient();

	@LocalServerPort
	int port;

	@Autowired
	ImportJobLifecycle lifecycle;

	@Autowired
	CustodyRenewals renewals;

	@Autowired
	MeterRegistry meters;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	@Qualifier("keyport")
	HealthIndicator keyportHealth;

	ApiClient api;

	@DynamicPropertySource
	static void custodian(DynamicPropertyRegistry registry) {
		registry.add("keyport.custody.vault.type", () -> "kms-envelope");
		registry.add("keyport.custody.vault.key-id", CUSTODY_KEY::arn);
		registry.add("keyport.custody.renewal.before", BEFORE::toString);
		registry.add("keyport.custody.renewal.extend-by", EXTEND_BY::toString);
	}

	@BeforeEach
	void client() {
		this.api = new ApiClient(this.port);
		this.clock.set(Instant.now().truncatedTo(ChronoUnit.SECONDS));
	}

	@Test
	void materialInCustodyIsReimportedBeforeEachValidToForAMonthWithTheKeyEnabledAndTheSameMaterial() throws Exception {
		Instant start = this.clock.instant();
		byte[] material = random();
		String keyId = createKey();
		JsonNode job = importInCustody(keyId, start.plus(Duration.ofMinutes(10)), material);
		assertThat(job.get("custody").asString()).isEqualTo("vault");
		assertThat(job.get("custodyMaterialHeld").asBoolean()).isTrue();
		assertThat(job.get("custodyRenewals").asInt()).isZero();
		String jobId = job.get("id").asString();
		String materialId = KmsEmulator.keyMaterialIdOf(keyId, material);
		assertThat(job.get("keyMaterialId").asString()).isEqualTo(materialId);

		// the test's model of the policy: renewed at the first run with ValidTo within
		// BEFORE, to now + EXTEND_BY
		Instant expectedValidTo = start.plus(Duration.ofMinutes(10));
		int expectedRenewals = 0;
		int step = 0;
		for (Instant now = start; now.isBefore(start.plus(Duration.ofDays(30))); now = advance(STEP), step++) {
			if (!expectedValidTo.isAfter(now.plus(BEFORE))) {
				expectedValidTo = now.plus(EXTEND_BY);
				expectedRenewals++;
			}
			// the arms that work on imported jobs: renewals every step, the watch (which
			// also checks other classes' imported jobs in the shared database) once a
			// simulated day
			this.renewals.renewDueMaterial();
			if (step % 24 == 0) {
				this.lifecycle.watchImportedJobs();
			}
			KeyMetadata key = this.kms.describeKey(r -> r.keyId(keyId)).keyMetadata();
			assertThat(key.keyState()).as("key state at %s", now).isEqualTo(KeyState.ENABLED);
			assertThat(key.currentKeyMaterialId()).as("material at %s", now).isEqualTo(materialId);
			assertThat(key.validTo()).as("ValidTo at %s", now)
				.isEqualTo(expectedValidTo.truncatedTo(ChronoUnit.SECONDS));
		}

		JsonNode renewed = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(renewed.get("state").asString()).isEqualTo("IMPORTED");
		// a month over (extend-by less the margin, rounded to the steps): 30 d / 22 h
		assertThat(expectedRenewals).isEqualTo(33);
		assertThat(renewed.get("custodyRenewals").asInt()).isEqualTo(expectedRenewals);
		assertThat(renewed.get("keyMaterialId").asString()).isEqualTo(materialId);
		assertThat(Instant.parse(renewed.get("expiration").get("validTo").asString())).isEqualTo(expectedValidTo);
		List<String> renewalEntries = events(jobId).stream()
			.filter(cause -> cause.startsWith("material re-imported from custody (vault), valid until "))
			.toList();
		assertThat(renewalEntries).hasSize(expectedRenewals);
		assertThat(renewalEntries.getLast()).endsWith(expectedValidTo.toString());
	}

	@Test
	void aRenewalKmsAcceptedAfterAnotherInstanceTookTheJobOverIsRecordedAndNotMadeAgain() throws Exception {
		String keyId = createKey();
		String jobId = importInCustody(keyId, this.clock.instant().plus(Duration.ofMinutes(10)), random()).get("id")
			.asString();
		String account = this.emulator.accountId();
		// only this job's renewal is due (earlier tests' custody jobs are put aside), so
		// the slow import the loop below sees is its own
		this.jdbc.update(
				"update import_job set renewal_due_at = null where id <> ?::uuid and renewal_due_at is not null",
				jobId);
		long imports = this.emulator.callCount(account, "ImportKeyMaterial");
		this.emulator.faults().latency("ImportKeyMaterial", Duration.ofMillis(1500));
		try {
			CompletableFuture<Integer> renewal = CompletableFuture.supplyAsync(this.renewals::renewDueMaterial);
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
			while (this.emulator.callCount(account, "ImportKeyMaterial") == imports && System.nanoTime() < deadline) {
				Thread.sleep(10);
			}
			// while KMS imports, the lease lapses and another instance claims the job
			this.clock.advance(Duration.ofMinutes(3));
			this.jdbc.update(
					"update import_job set lease_owner = 'another-instance', lease_until = ?, version = version + 1 "
							+ "where id = ?::uuid",
					Timestamp.from(this.clock.instant().plus(Duration.ofMinutes(2))), jobId);
			assertThat(renewal.get(30, TimeUnit.SECONDS)).isPositive();
		}
		finally {
			this.emulator.faults().clear();
		}

		JsonNode renewed = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(renewed.get("custodyRenewals").asInt()).isOne();
		Instant validTo = Instant.parse(renewed.get("expiration").get("validTo").asString());
		assertThat(validTo).isAfter(this.clock.instant().plus(EXTEND_BY).minus(Duration.ofMinutes(5)));
		assertThat(this.kms.describeKey(r -> r.keyId(keyId)).keyMetadata().validTo())
			.isEqualTo(validTo.truncatedTo(ChronoUnit.SECONDS));
		// not due again: the other instance's turn has nothing left to renew
		assertThat(this.jdbc
			.queryForObject("select renewal_due_at from import_job where id = ?::uuid", Timestamp.class, jobId)
			.toInstant()).isEqualTo(validTo);
	}

	@Test
	void materialInCustodyThatARotationMadeNonCurrentIsRenewedAsItselfByItsOwnId() throws Exception {
		Instant start = this.clock.instant();
		byte[] first = random();
		byte[] second = random();
		String keyId = createKey();
		Instant firstValidTo = start.plus(Duration.ofDays(5));
		String custodyJob = importInCustody(keyId, firstValidTo, first).get("id").asString();
		advance(Duration.ofMinutes(1));
		// a rotation job (ON_IMPORT) makes new material current; the custody job's stays
		// for decryption
		Response rotation = this.api.postJson("/api/v1/import-jobs", ApiClient
			.json(Map.of("kmsKeyId", keyId, "importType", "NEW_KEY_MATERIAL", "expiration",
					Map.of("model", "KEY_MATERIAL_EXPIRES", "validTo", start.plus(Duration.ofDays(30)).toString()))));
		assertThat(rotation.status()).as(rotation.toString()).isEqualTo(201);
		Response rotated = this.api.postJson(
				"/api/v1/import-jobs/" + rotation.json().get("id").asString() + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(second))));
		assertThat(rotated.json().get("state").asString()).as(rotated.toString()).isEqualTo("IMPORTED");
		String secondId = KmsEmulator.keyMaterialIdOf(keyId, second);
		assertThat(this.kms.describeKey(r -> r.keyId(keyId)).keyMetadata().currentKeyMaterialId()).isEqualTo(secondId);

		// within the renewal margin of the custody job's own ValidTo
		Instant due = advance(Duration.between(this.clock.instant(), firstValidTo.minus(Duration.ofHours(1))));
		this.renewals.renewDueMaterial();

		JsonNode renewed = this.api.get("/api/v1/import-jobs/" + custodyJob).json();
		assertThat(renewed.has("lastError")).as(renewed.toString()).isFalse();
		assertThat(renewed.get("state").asString()).isEqualTo("IMPORTED");
		assertThat(renewed.get("custodyRenewals").asInt()).isEqualTo(1);
		assertThat(renewed.get("keyMaterialId").asString()).isEqualTo(KmsEmulator.keyMaterialIdOf(keyId, first));
		assertThat(Instant.parse(renewed.get("expiration").get("validTo").asString())).isEqualTo(due.plus(EXTEND_BY));
		KeyMetadata key = this.kms.describeKey(r -> r.keyId(keyId)).keyMetadata();
		assertThat(key.keyState()).isEqualTo(KeyState.ENABLED);
		assertThat(key.currentKeyMaterialId()).as("the rotation stands").isEqualTo(secondId);
	}

	@Test
	void unknownCustodianIsRefusedWith422BeforeAnyKmsCall() {
		String keyId = createKey();
		long downloads = this.emulator.callCount(this.emulator.accountId(), "GetParametersForImport");
		long describes = this.emulator.callCount(this.emulator.accountId(), "DescribeKey");

		Response refused = this.api.postJson("/api/v1/import-jobs",
				ApiClient.json(Map.of("kmsKeyId", keyId, "custody", "no-such-vault")));

		assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
		assertThat(refused.json().get("code").asString()).isEqualTo("custody-unknown-custodian");
		assertThat(this.emulator.callCount(this.emulator.accountId(), "GetParametersForImport")).isEqualTo(downloads);
		assertThat(this.emulator.callCount(this.emulator.accountId(), "DescribeKey")).isEqualTo(describes);
	}

	@Test
	void clientWrappedUploadToAJobInCustodyIsRefusedAndChangesNothing() {
		String keyId = createKey();
		Response created = this.api.postJson("/api/v1/import-jobs",
				ApiClient.json(Map.of("kmsKeyId", keyId, "custody", "vault")));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		String jobId = created.json().get("id").asString();

		Response refused = this.api.putJson("/api/v1/import-jobs/" + jobId + "/encrypted-key-material",
				ApiClient.json(Map.of("encryptedKeyMaterial", Base64.getEncoder().encodeToString(new byte[256]))));

		assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
		assertThat(refused.json().get("code").asString()).isEqualTo("custody-requires-plaintext");
		JsonNode unchanged = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(unchanged.get("state").asString()).isEqualTo("PARAMETERS_FETCHED");
		assertThat(unchanged.get("custodyMaterialHeld").asBoolean()).isFalse();
	}

	@Test
	void custodianRefusingTheUploadIsTheUploadsErrorAndTheJobStillWaits() {
		String keyId = createKey();
		Response created = this.api.postJson("/api/v1/import-jobs",
				ApiClient.json(Map.of("kmsKeyId", keyId, "custody", "vault")));
		String jobId = created.json().get("id").asString();
		long imports = this.emulator.callCount(this.emulator.accountId(), "ImportKeyMaterial");
		this.kms.disableKey(r -> r.keyId(CUSTODY_KEY.arn()));
		Response refused;
		try {
			refused = this.api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
					ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(random()))));
		}
		finally {
			this.kms.enableKey(r -> r.keyId(CUSTODY_KEY.arn()));
		}

		assertThat(refused.status()).as(refused.toString()).isEqualTo(502);
		assertThat(refused.json().get("code").asString()).isEqualTo("custody-refused");
		assertThat(refused.json().get("custodian").asString()).isEqualTo("vault");
		assertThat(this.emulator.callCount(this.emulator.accountId(), "ImportKeyMaterial")).isEqualTo(imports);
		JsonNode unchanged = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(unchanged.get("state").asString()).isEqualTo("PARAMETERS_FETCHED");
		assertThat(unchanged.get("custodyMaterialHeld").asBoolean()).isFalse();
	}

	@Test
	void otherMaterialUploadedAfterTheKeysMaterialWasDeletedIsRefusedAndTheMaterialInCustodyIsKept() {
		byte[] material = random();
		String keyId = createKey();
		String jobId = importInCustody(keyId, this.clock.instant().plus(Duration.ofDays(20)), material).get("id")
			.asString();
		String kept = custodyId(jobId);
		this.kms.deleteImportedKeyMaterial(r -> r.keyId(keyId));
		advance(Duration.ofHours(1).plusSeconds(1));
		this.lifecycle.watchImportedJobs();
		assertThat(this.api.get("/api/v1/import-jobs/" + jobId).json().get("state").asString())
			.isEqualTo("MATERIAL_EXPIRED");
		Response refreshed = this.api.post("/api/v1/import-jobs/" + jobId + "/refresh-parameters");
		assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
		long sealed = this.jdbc.queryForObject("select count(*) from custody_material", Long.class);

		// new material can never be the key's: none is generated
		Response generated = this.api.post("/api/v1/import-jobs/" + jobId + "/generated-key-material");
		assertThat(generated.status()).as(generated.toString()).isEqualTo(409);
		assertThat(generated.json().get("code").asString()).isEqualTo("custody-material-imported");
		// other material: KMS refuses it, and the custodian still keeps the key's
		Response other = this.api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(random()))));
		assertThat(other.status()).as(other.toString()).isEqualTo(422);
		assertThat(other.json().get("code").asString()).isEqualTo("kms-incorrect-key-material");
		assertThat(custodyId(jobId)).isEqualTo(kept);
		assertThat(this.jdbc.queryForObject("select count(*) from custody_material", Long.class)).isEqualTo(sealed);
		assertThat(
				this.jdbc.queryForObject("select count(*) from custody_material where id = ?::uuid", Long.class, kept))
			.isOne();

		// the same material again: imported, and custody unchanged
		Response same = this.api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(material))));
		assertThat(same.status()).as(same.toString()).isEqualTo(200);
		assertThat(same.json().get("state").asString()).isEqualTo("IMPORTED");
		assertThat(custodyId(jobId)).isEqualTo(kept);
		assertThat(this.jdbc.queryForObject("select count(*) from custody_material", Long.class)).isEqualTo(sealed);
	}

	@Test
	void generatedMaterialDeletedFromTheKeyIsImportedAgainFromCustodyWhichKeepsItAsItIs() {
		String keyId = createKey();
		String jobId = custodyJob(keyId, Duration.ofDays(20));
		Response generated = this.api.post("/api/v1/import-jobs/" + jobId + "/generated-key-material");
		assertThat(generated.status()).as(generated.toString()).isEqualTo(200);
		String materialId = this.kms.describeKey(r -> r.keyId(keyId)).keyMetadata().currentKeyMaterialId();
		String kept = custodyId(jobId);
		// the client never had this material: the custodian holds the only copy
		this.kms.deleteImportedKeyMaterial(r -> r.keyId(keyId));
		advance(Duration.ofHours(1).plusSeconds(1));
		this.lifecycle.watchImportedJobs();
		assertThat(this.api.post("/api/v1/import-jobs/" + jobId + "/refresh-parameters").status()).isEqualTo(200);
		long sealed = this.jdbc.queryForObject("select count(*) from custody_material", Long.class);

		Response reimported = this.api.post("/api/v1/import-jobs/" + jobId + "/custody-reimport");

		assertThat(reimported.status()).as(reimported.toString()).isEqualTo(200);
		assertThat(reimported.json().get("state").asString()).isEqualTo("IMPORTED");
		assertThat(reimported.json().get("custodyMaterialHeld").asBoolean()).isTrue();
		var key = this.kms.describeKey(r -> r.keyId(keyId)).keyMetadata();
		assertThat(key.keyStateAsString()).isEqualTo("Enabled");
		assertThat(key.currentKeyMaterialId()).isEqualTo(materialId);
		assertThat(this.jdbc.queryForList(
				"select outcome from audit_event where operation = 'api:reimportFromCustody' and job_id = ?::uuid",
				String.class, jobId))
			.containsExactly("200");
		assertThat(custodyId(jobId)).isEqualTo(kept);
		assertThat(this.jdbc.queryForObject("select count(*) from custody_material", Long.class)).isEqualTo(sealed);
		assertThat(
				this.jdbc.queryForObject("select count(*) from custody_material where id = ?::uuid", Long.class, kept))
			.isOne();
	}

	@Test
	void generatedMaterialWhoseImportAnswersWereLostPastTheLastAttemptIsKeptAndImportedOnceKmsAnswers() {
		String keyId = createKey();
		String jobId = custodyJob(keyId, Duration.ofDays(20));
		// KMS carries out every import and its answer is lost: the key holds the
		// material, and only the custodian holds another copy
		this.emulator.faults().failAfterExecutionEvery("ImportKeyMaterial", 1, KmsFaults.Fault.INTERNAL);
		String materialId;
		String kept;
		JsonNode afterAttempts;
		try {
			Response generated = this.api.post("/api/v1/import-jobs/" + jobId + "/generated-key-material");
			ImportJobApiTests.assertProblem(generated, 503, "kms-internal-error");
			kept = custodyId(jobId);
			assertThat(kept).isNotNull();
			materialId = this.kms.describeKey(r -> r.keyId(keyId)).keyMetadata().currentKeyMaterialId();
			assertThat(materialId).isNotNull();
			afterAttempts = retriedPastTheLastAttemptThenReleased(jobId);
		}
		finally {
			this.emulator.faults().clear();
		}

		assertThat(afterAttempts.get("state").asString()).isEqualTo("MATERIAL_WRAPPED");
		assertThat(afterAttempts.get("importAttempts").asInt()).isEqualTo(10);
		assertThat(afterAttempts.get("lastError").get("code").asString()).isEqualTo("import-outcome-unknown");
		assertThat(afterAttempts.get("custodyMaterialHeld").asBoolean()).isTrue();
		assertThat(custodyId(jobId)).isEqualTo(kept);
		ImportJobApiTests.assertProblem(this.api.post("/api/v1/import-jobs/" + jobId + "/cancel"), 409,
				"import-outcome-unknown");

		// KMS answers again: the same material with the same token is KMS's word
		advance(Duration.ofMinutes(16));
		this.lifecycle.retryDueImports();

		JsonNode imported = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(imported.get("state").asString()).isEqualTo("IMPORTED");
		assertThat(imported.get("keyMaterialId").asString()).isEqualTo(materialId);
		assertThat(imported.get("custodyMaterialHeld").asBoolean()).isTrue();
		assertThat(custodyId(jobId)).isEqualTo(kept);
		assertThat(this.kms.describeKey(r -> r.keyId(keyId)).keyMetadata().currentKeyMaterialId())
			.isEqualTo(materialId);
	}

	@Test
	void generatedMaterialWhoseImportStayedUnconfirmedWhenItsTokenLapsedIsNeverReplacedOrDestroyedAndImportsFromCustody() {
		String keyId = createKey();
		String jobId = custodyJob(keyId, Duration.ofDays(90));
		// KMS takes the material and its answer is lost, until the token lapses
		this.emulator.faults().failAfterExecutionEvery("ImportKeyMaterial", 1, KmsFaults.Fault.INTERNAL);
		try {
			ImportJobApiTests.assertProblem(this.api.post("/api/v1/import-jobs/" + jobId + "/generated-key-material"),
					503, "kms-internal-error");
		}
		finally {
			this.emulator.faults().clear();
		}
		String materialId = this.kms.describeKey(r -> r.keyId(keyId)).keyMetadata().currentKeyMaterialId();
		String kept = custodyId(jobId);
		advance(Duration.ofHours(25));
		this.lifecycle.refreshDueParameters();
		JsonNode lapsed = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(lapsed.get("state").asString()).isEqualTo("PARAMETERS_FETCHED");
		assertThat(lapsed.get("lastError").get("code").asString()).isEqualTo("import-outcome-unknown");
		assertThat(lapsed.get("lastError").get("message").asString()).contains("custody-reimport");

		// nothing may replace or destroy the kept material KMS may hold
		ImportJobApiTests.assertProblem(this.api.post("/api/v1/import-jobs/" + jobId + "/cancel"), 409,
				"import-outcome-unknown");
		ImportJobApiTests.assertProblem(this.api.post("/api/v1/import-jobs/" + jobId + "/generated-key-material"), 409,
				"import-outcome-unknown");
		ImportJobApiTests.assertProblem(
				this.api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
						ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(random())))),
				409, "import-outcome-unknown");
		// nor its abandonment: the job rests with its material, and says what to do
		advance(Duration.ofDays(31));
		this.lifecycle.refreshDueParameters();
		this.lifecycle.runOnce();
		JsonNode rested = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(rested.get("state").asString()).isEqualTo("MATERIAL_EXPIRED");
		assertThat(rested.get("lastError").get("code").asString()).isEqualTo("import-outcome-unknown");
		assertThat(rested.get("custodyMaterialHeld").asBoolean()).isTrue();
		assertThat(custodyId(jobId)).isEqualTo(kept);
		assertThat(this.api.post("/api/v1/import-jobs/" + jobId + "/refresh-parameters").status()).isEqualTo(200);

		Response reimported = this.api.post("/api/v1/import-jobs/" + jobId + "/custody-reimport");

		assertThat(reimported.status()).as(reimported.toString()).isEqualTo(200);
		assertThat(reimported.json().get("state").asString()).isEqualTo("IMPORTED");
		assertThat(reimported.json().get("keyMaterialId").asString()).isEqualTo(materialId);
		assertThat(reimported.json().has("lastError")).isFalse();
		assertThat(custodyId(jobId)).isEqualTo(kept);
	}

	@Test
	void anAbandonedReimportOfMaterialKmsTookRestsExpiredWithItsCustodyCopyInsteadOfDestroyingIt() {
		String keyId = createKey();
		JsonNode job = importInCustody(keyId, this.clock.instant().plus(Duration.ofDays(90)), random());
		String jobId = job.get("id").asString();
		String kept = custodyId(jobId);
		// deleted outside Keyport; the owner starts the re-import and never finishes it
		deletedOutsideKeyportAndRefreshed(keyId, jobId);

		advance(Duration.ofDays(31));
		this.lifecycle.refreshDueParameters();
		// the release arm, which destroys the custody copy of ended jobs
		this.lifecycle.runOnce();

		JsonNode rested = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(rested.get("state").asString()).isEqualTo("MATERIAL_EXPIRED");
		assertThat(rested.get("custodyMaterialHeld").asBoolean()).isTrue();
		assertThat(custodyId(jobId)).isEqualTo(kept);
		assertThat(events(jobId).getLast()).contains("the material kept in custody stays");
		// and it can still be imported again
		assertThat(this.api.post("/api/v1/import-jobs/" + jobId + "/refresh-parameters").status()).isEqualTo(200);
		Response reimported = this.api.post("/api/v1/import-jobs/" + jobId + "/custody-reimport");
		assertThat(reimported.json().get("state").asString()).as(reimported.toString()).isEqualTo("IMPORTED");
	}

	@Test
	void aReimportOfMaterialKmsTookRefusedForTheKeysStateWaitsWithItsCustodyCopyInsteadOfFailing() {
		String keyId = createKey();
		JsonNode job = importInCustody(keyId, this.clock.instant().plus(Duration.ofDays(90)), random());
		String jobId = job.get("id").asString();
		String materialId = job.get("keyMaterialId").asString();
		String kept = custodyId(jobId);
		deletedOutsideKeyportAndRefreshed(keyId, jobId);
		// scheduled for deletion by mistake, which can be undone
		this.kms.scheduleKeyDeletion(r -> r.keyId(keyId).pendingWindowInDays(7));

		Response refused = this.api.post("/api/v1/import-jobs/" + jobId + "/custody-reimport");

		ImportJobApiTests.assertProblem(refused, 409, "kms-invalid-key-state");
		JsonNode waiting = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(waiting.get("state").asString()).isEqualTo("PARAMETERS_FETCHED");
		assertThat(waiting.get("custodyMaterialHeld").asBoolean()).isTrue();
		advance(Duration.ofMinutes(1));
		this.lifecycle.runOnce();
		assertThat(custodyId(jobId)).isEqualTo(kept);
		// the deletion undone, the kept material goes back into the key
		this.kms.cancelKeyDeletion(r -> r.keyId(keyId));
		Response reimported = this.api.post("/api/v1/import-jobs/" + jobId + "/custody-reimport");
		assertThat(reimported.status()).as(reimported.toString()).isEqualTo(200);
		assertThat(reimported.json().get("keyMaterialId").asString()).isEqualTo(materialId);
	}

	@Test
	void aReimportOfMaterialKmsTookThrottledPastTheLastAttemptWaitsWithItsCustodyCopyInsteadOfFailing() {
		String keyId = createKey();
		JsonNode job = importInCustody(keyId, this.clock.instant().plus(Duration.ofDays(90)), random());
		String jobId = job.get("id").asString();
		String materialId = job.get("keyMaterialId").asString();
		String kept = custodyId(jobId);
		deletedOutsideKeyportAndRefreshed(keyId, jobId);
		JsonNode afterAttempts;
		this.emulator.faults().throttleEvery("ImportKeyMaterial", 1);
		try {
			ImportJobApiTests.assertProblem(this.api.post("/api/v1/import-jobs/" + jobId + "/custody-reimport"), 503,
					"kms-throttled");
			afterAttempts = retriedPastTheLastAttemptThenReleased(jobId);
		}
		finally {
			this.emulator.faults().clear();
		}

		assertThat(afterAttempts.get("state").asString()).isEqualTo("PARAMETERS_FETCHED");
		assertThat(afterAttempts.get("lastError").get("code").asString()).isEqualTo("kms-throttled");
		assertThat(afterAttempts.get("custodyMaterialHeld").asBoolean()).isTrue();
		assertThat(custodyId(jobId)).isEqualTo(kept);
		assertThat(events(jobId).getLast()).contains("no attempts left").contains("custody-reimport");
		// KMS takes calls again: the kept material goes back into the key
		Response reimported = this.api.post("/api/v1/import-jobs/" + jobId + "/custody-reimport");
		assertThat(reimported.status()).as(reimported.toString()).isEqualTo(200);
		assertThat(reimported.json().get("keyMaterialId").asString()).isEqualTo(materialId);
	}

	@Test
	void aFirstImportWhoseAnswerWasLostThenRefusedOnItsRetryKeepsItsCustodyCopyInsteadOfFailing() {
		String keyId = createKey();
		String jobId = custodyJob(keyId, Duration.ofDays(20));
		// KMS carries out the import and its answer is lost; the retry is refused for a
		// cause an operator can fix (the role lost kms:ImportKeyMaterial meanwhile)
		this.emulator.faults().failAfterExecutionEvery("ImportKeyMaterial", 1, KmsFaults.Fault.INTERNAL);
		String kept;
		try {
			ImportJobApiTests.assertProblem(this.api.post("/api/v1/import-jobs/" + jobId + "/generated-key-material"),
					503, "kms-internal-error");
			kept = custodyId(jobId);
			assertThat(kept).isNotNull();
			assertThat(this.kms.describeKey(r -> r.keyId(keyId)).keyMetadata().currentKeyMaterialId()).isNotNull();
			this.emulator.faults().clear();
			this.emulator.faults().failEvery("ImportKeyMaterial", 1, "AccessDeniedException", 400, "not allowed");
			advance(Duration.ofMinutes(16));
			this.lifecycle.retryDueImports();
		}
		finally {
			this.emulator.faults().clear();
		}
		advance(Duration.ofMinutes(1));
		this.lifecycle.runOnce();

		// failing would have had the release sweep destroy the only other copy of what
		// the key holds
		JsonNode waiting = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(waiting.get("state").asString()).isEqualTo("PARAMETERS_FETCHED");
		assertThat(waiting.at("/lastError/code").asString()).isEqualTo("kms-access-denied");
		assertThat(waiting.get("custodyMaterialHeld").asBoolean()).isTrue();
		assertThat(custodyId(jobId)).isEqualTo(kept);
		// the kept material goes back into the key: KMS takes it back
		Response reimported = this.api.post("/api/v1/import-jobs/" + jobId + "/custody-reimport");
		assertThat(reimported.status()).as(reimported.toString()).isEqualTo(200);
		assertThat(reimported.json().get("state").asString()).isEqualTo("IMPORTED");
	}

	@Test
	void aReimportStillWrappedWhenItsJobIsAbandonedRestsWithItsCustodyCopyInsteadOfFailingEveryRun() {
		String keyId = createKey();
		JsonNode job = importInCustody(keyId, this.clock.instant().plus(Duration.ofDays(90)), random());
		String jobId = job.get("id").asString();
		String kept = custodyId(jobId);
		deletedOutsideKeyportAndRefreshed(keyId, jobId);
		this.emulator.faults().throttleEvery("ImportKeyMaterial", 1);
		try {
			ImportJobApiTests.assertProblem(this.api.post("/api/v1/import-jobs/" + jobId + "/custody-reimport"), 503,
					"kms-throttled");
		}
		finally {
			this.emulator.faults().clear();
		}
		assertThat(this.api.get("/api/v1/import-jobs/" + jobId).json().get("state").asString())
			.isEqualTo("MATERIAL_WRAPPED");

		// nobody sends it again within the job's lifetime; its token lapsed long ago
		advance(Duration.ofDays(31));
		this.lifecycle.refreshDueParameters();

		JsonNode rested = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(rested.get("state").asString()).isEqualTo("MATERIAL_EXPIRED");
		assertThat(rested.get("custodyMaterialHeld").asBoolean()).isTrue();
		assertThat(custodyId(jobId)).isEqualTo(kept);
		assertThat(events(jobId).getLast()).contains("abandoned").contains("custody-reimport");
	}

	@Test
	void aRenewalThatFailsUnexpectedlyTellsTheTenantSoWithoutKeyportsInternalError() {
		String keyId = createKey();
		String jobId = importInCustody(keyId, this.clock.instant().plus(Duration.ofHours(1)), random()).get("id")
			.asString();
		// the custodian's table out of reach: an SQL error, not one of Keyport's
		this.jdbc.execute("alter table custody_material rename to custody_material_away");
		try {
			this.renewals.renewDueMaterial();
		}
		finally {
			this.jdbc.execute("alter table custody_material_away rename to custody_material");
		}

		JsonNode failed = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(failed.at("/lastError/code").asString()).isEqualTo("custody-renewal-failed");
		assertThat(failed.at("/lastError/message").asString()).contains("an internal error in Keyport")
			.doesNotContainIgnoringCase("custody_material")
			.doesNotContainIgnoringCase("sql");
		assertThat(events(jobId)).noneMatch(cause -> cause.toLowerCase(java.util.Locale.ROOT).contains("sql"));
		// the next run renews it
		advance(Duration.ofMinutes(16));
		this.renewals.renewDueMaterial();
		assertThat(this.api.get("/api/v1/import-jobs/" + jobId).json().get("custodyRenewals").asInt()).isEqualTo(1);
	}

	@Test
	void aJobWhoseCustodianWasRemovedFromTheConfigurationIsTheOperatorsProblemNotTheCallers() {
		String jobId = custodyJob(createKey(), Duration.ofDays(20));
		// the operators removed custodian "retired", which this job was created with
		this.jdbc.update("update import_job set custodian = 'retired' where id = ?::uuid", jobId);
		long imports = this.emulator.callCount(this.emulator.accountId(), "ImportKeyMaterial");

		Response upload = this.api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(random()))));

		ImportJobApiTests.assertProblem(upload, 502, "custody-refused");
		assertThat(upload.json().get("custodian").asString()).isEqualTo("retired");
		assertThat(this.api.get("/api/v1/import-jobs/" + jobId).json().get("state").asString())
			.isEqualTo("PARAMETERS_FETCHED");
		ImportJobApiTests.assertProblem(this.api.post("/api/v1/import-jobs/" + jobId + "/generated-key-material"), 502,
				"custody-refused");
		assertThat(this.emulator.callCount(this.emulator.accountId(), "ImportKeyMaterial")).isEqualTo(imports);
	}

	@Test
	void aReimportFromCustodyOfAJobThatKeepsNoMaterialIsRefusedBeforeKms() {
		String jobId = this.api.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", createKey())))
			.json()
			.get("id")
			.asString();
		long imports = this.emulator.callCount(this.emulator.accountId(), "ImportKeyMaterial");

		Response refused = this.api.post("/api/v1/import-jobs/" + jobId + "/custody-reimport");

		ImportJobApiTests.assertProblem(refused, 409, "custody-required");
		assertThat(this.emulator.callCount(this.emulator.accountId(), "ImportKeyMaterial")).isEqualTo(imports);
	}

	/**
	 * The key's material deleted outside Keyport, the job's check finding it, and the
	 * owner refreshing the parameters for a re-import from custody.
	 */
	private void deletedOutsideKeyportAndRefreshed(String keyId, String jobId) {
		this.kms.deleteImportedKeyMaterial(r -> r.keyId(keyId));
		advance(Duration.ofDays(1).plusSeconds(1));
		this.lifecycle.watchImportedJobs();
		assertThat(this.api.post("/api/v1/import-jobs/" + jobId + "/refresh-parameters").status()).isEqualTo(200);
	}

	/**
	 * The scheduler's retries past the 8 import attempts (the request's and seven), then
	 * its release arm, which destroys the custody copy of failed jobs: the job as then.
	 */
	private JsonNode retriedPastTheLastAttemptThenReleased(String jobId) {
		for (int retry = 0; retry < 9; retry++) {
			advance(Duration.ofMinutes(16));
			this.lifecycle.retryDueImports();
		}
		advance(Duration.ofMinutes(1));
		this.lifecycle.runOnce();
		return this.api.get("/api/v1/import-jobs/" + jobId).json();
	}

	/** A job with the vault custodian whose material will be valid for the given time. */
	private String custodyJob(String keyId, Duration validFor) {
		Response created = this.api.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyId, "custody",
				"vault", "expiration",
				Map.of("model", "KEY_MATERIAL_EXPIRES", "validTo", this.clock.instant().plus(validFor).toString()))));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		return created.json().get("id").asString();
	}

	private String custodyId(String jobId) {
		return this.jdbc.queryForObject("select custody_id from import_job where id = ?::uuid", String.class, jobId);
	}

	@Test
	void uploadsACustodyJobCannotTakeAreRefusedBeforeTheCustodianSpendsADataKeyOrStoresARow() {
		String keyId = createKey();
		String jobId = this.api
			.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyId, "custody", "vault")))
			.json()
			.get("id")
			.asString();
		long dataKeys = this.emulator.callCount(this.emulator.accountId(), "GenerateDataKey");
		long sealed = this.jdbc.queryForObject("select count(*) from custody_material", Long.class);

		// material of the wrong length
		Response shortMaterial = this.api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(new byte[31]))));
		ImportJobApiTests.assertProblem(shortMaterial, 422, "invalid-key-material-length");
		// a job that takes no material any more
		this.api.post("/api/v1/import-jobs/" + jobId + "/cancel");
		Response cancelled = this.api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(random()))));
		ImportJobApiTests.assertProblem(cancelled, 409, "illegal-state-transition");

		assertThat(this.emulator.callCount(this.emulator.accountId(), "GenerateDataKey")).isEqualTo(dataKeys);
		assertThat(this.jdbc.queryForObject("select count(*) from custody_material", Long.class)).isEqualTo(sealed);
	}

	@Test
	void aPrivateKeyWhoseScalarIsZeroIsRefusedBeforeTheCustodianSpendsADataKeyOrStoresARow() throws Exception {
		String keyId = this.api
			.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", "ECC_NIST_P256", "keyUsage", "SIGN_VERIFY")))
			.json()
			.get("keyId")
			.asString();
		String jobId = this.api
			.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyId, "custody", "vault")))
			.json()
			.get("id")
			.asString();
		byte[] pkcs8 = ImportMatrix.privateKey(KeySpec.ECC_NIST_P256).getPrivate().getEncoded();
		// ECPrivateKey { INTEGER 1, OCTET STRING (32) scalar, ... }: the scalar zeroed
		int scalar = indexOf(pkcs8, new byte[] { 0x02, 0x01, 0x01, 0x04, 0x20 }) + 5;
		java.util.Arrays.fill(pkcs8, scalar, scalar + 32, (byte) 0);
		long dataKeys = this.emulator.callCount(this.emulator.accountId(), "GenerateDataKey");
		long sealed = this.jdbc.queryForObject("select count(*) from custody_material", Long.class);

		Response refused = this.api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(pkcs8))));

		ImportJobApiTests.assertProblem(refused, 422, "invalid-key-material");
		assertThat(this.emulator.callCount(this.emulator.accountId(), "GenerateDataKey")).isEqualTo(dataKeys);
		assertThat(this.jdbc.queryForObject("select count(*) from custody_material", Long.class)).isEqualTo(sealed);
	}

	private static int indexOf(byte[] bytes, byte[] pattern) {
		for (int i = 0; i + pattern.length <= bytes.length; i++) {
			if (java.util.Arrays.equals(bytes, i, i + pattern.length, pattern, 0, pattern.length)) {
				return i;
			}
		}
		throw new AssertionError("pattern not found");
	}

	@Test
	void refusedDecryptFailsTheRenewalVisiblyAndItIsRetriedAfterTheBackoffOnceTheKeyIsEnabled() throws Exception {
		Instant start = this.clock.instant();
		byte[] material = random();
		String keyId = createKey();
		// within the renewal margin at once
		String jobId = importInCustody(keyId, start.plus(Duration.ofHours(1)), material).get("id").asString();
		double failedBefore = renewalCount("failed");
		this.kms.disableKey(r -> r.keyId(CUSTODY_KEY.arn()));
		try {
			this.renewals.renewDueMaterial();
		}
		finally {
			this.kms.enableKey(r -> r.keyId(CUSTODY_KEY.arn()));
		}

		JsonNode failed = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(failed.get("state").asString()).isEqualTo("IMPORTED");
		assertThat(failed.get("lastError").get("code").asString()).isEqualTo("custody-refused");
		assertThat(failed.get("custodyRenewals").asInt()).isZero();
		assertThat(renewalCount("failed")).isEqualTo(failedBefore + 1);
		// backed off: not tried again at once
		this.renewals.renewDueMaterial();
		assertThat(renewalCount("failed")).isEqualTo(failedBefore + 1);
		// operators see it in the health details (past the health cache's lifetime)
		advance(Duration.ofMinutes(1));
		assertThat(this.keyportHealth.health().getDetails().get("custodyRenewalsFailing")).isEqualTo(1L);

		// after the backoff (at most keyport.import-jobs.retry-max-delay, 15 min)
		Instant retried = advance(Duration.ofMinutes(16));
		this.renewals.renewDueMaterial();

		JsonNode renewed = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(renewed.get("state").asString()).isEqualTo("IMPORTED");
		assertThat(renewed.has("lastError")).isFalse();
		assertThat(renewed.get("custodyRenewals").asInt()).isEqualTo(1);
		assertThat(Instant.parse(renewed.get("expiration").get("validTo").asString()))
			.isEqualTo(retried.plus(EXTEND_BY));
		KeyMetadata key = this.kms.describeKey(r -> r.keyId(keyId)).keyMetadata();
		assertThat(key.keyState()).isEqualTo(KeyState.ENABLED);
		assertThat(key.currentKeyMaterialId()).isEqualTo(KmsEmulator.keyMaterialIdOf(keyId, material));
	}

	private Instant advance(Duration step) {
		this.clock.advance(step);
		return this.clock.instant();
	}

	private double renewalCount(String outcome) {
		Counter counter = this.meters.find("keyport.custody.renewals").tag("outcome", outcome).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private JsonNode importInCustody(String keyId, Instant validTo, byte[] material) {
		Response created = this.api.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyId, "custody",
				"vault", "expiration", Map.of("model", "KEY_MATERIAL_EXPIRES", "validTo", validTo.toString()))));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		String jobId = created.json().get("id").asString();
		Response imported = this.api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(material))));
		assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
		assertThat(imported.json().get("state").asString()).isEqualTo("IMPORTED");
		return imported.json();
	}

	private List<String> events(String jobId) {
		JsonNode events = this.api.get("/api/v1/import-jobs/" + jobId + "/events").json();
		JsonNode items = events.has("items") ? events.get("items") : events;
		return items.valueStream().map(event -> event.get("cause").asString()).toList();
	}

	private String createKey() {
		return this.api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT")))
			.json()
			.get("keyId")
			.asString();
	}

	private static byte[] random() {
		byte[] bytes = new byte[32];
		new SecureRandom().nextBytes(bytes);
		PlaintextRegistry.register(bytes);
		return bytes;
	}

}
