package io.keyport.importjob;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.KmsClient;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.keyport.custody.Custodians;
import io.keyport.custody.CustodyReference;
import io.keyport.retention.RetentionRun;
import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.IntegrationTest;
import io.keyport.testsupport.LazyKmsKey;
import io.keyport.testsupport.PlaintextRegistry;
import io.keyport.testsupport.TestInfrastructure;
import io.keyport.wrapping.KeyMaterial;
import io.keyport.wrapping.KeySpec;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Custody ends with its job (issue 15, point 1): material a custodian keeps for a job
 * that was cancelled, failed or superseded is destroyed by the lifecycle, recorded in the
 * job's history, and retention never deletes a job whose material is still kept.
 */
class CustodyReleaseTests extends IntegrationTest {

	private static final LazyKmsKey CUSTODY_KEY = new LazyKmsKey("keyport release custody key");

	@LocalServerPort
	int port;

	@Autowired
	ImportJobLifecycle lifecycle;

	@Autowired
	CustodyReleases releases;

	@Autowired
	RetentionRun retention;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	MeterRegistry meters;

	@Autowired
	CustodyOrphans orphans;

	@Autowired
	Custodians custodians;

	ApiClient api;

	@DynamicPropertySource
	static void custodian(DynamicPropertyRegistry registry) {
		registry.add("keyport.custody.vault.type", () -> "kms-envelope");
		registry.add("keyport.custody.vault.key-id", CUSTODY_KEY::arn);
	}

	@BeforeEach
	void client() {
		this.api = new ApiClient(this.port);
		this.clock.set(Instant.now().truncatedTo(ChronoUnit.SECONDS));
	}

	@Test
	void materialOfAJobSupersededByALaterImportIsDestroyedAndTheJobSaysSo() {
		byte[] material = random();
		String keyId = createKey();
		String first = createJob(keyId, "vault");
		assertThat(upload(first, material).status()).isEqualTo(200);
		String custodyId = custodyId(first);
		assertThat(sealedRows(custodyId)).isOne();
		// the same material imported again by a job without custody: the first is
		// superseded, and its custody has no purpose left
		this.clock.advance(Duration.ofMinutes(1));
		String second = createJob(keyId, null);
		assertThat(upload(second, material).status()).isEqualTo(200);
		assertThat(state(first)).isEqualTo("SUPERSEDED");
		double destroyed = releases("destroyed");

		this.releases.releaseEndedJobs();

		assertThat(sealedRows(custodyId)).as("the sealed material's row").isZero();
		JsonNode job = this.api.get("/api/v1/import-jobs/" + first).json();
		assertThat(job.get("state").asString()).isEqualTo("SUPERSEDED");
		assertThat(job.get("custodyMaterialHeld").asBoolean()).isFalse();
		assertThat(events(first).getLast())
			.isEqualTo("custody material destroyed by custodian vault: the job ended " + "SUPERSEDED");
		assertThat(releases("destroyed")).isEqualTo(destroyed + 1);
		// a second run finds nothing more to do for it
		this.releases.releaseEndedJobs();
		assertThat(events(first)).filteredOn(cause -> cause.startsWith("custody material destroyed")).hasSize(1);
	}

	@Test
	void aJobAnInstanceHoldsForWorkIsNotSupersededUnderItAndIsSupersededByTheWatcherOnceReleased() {
		byte[] material = random();
		String keyId = createKey();
		String first = createJob(keyId, "vault");
		assertThat(upload(first, material).status()).isEqualTo(200);
		// another instance holds the first job (a custody renewal's import in flight,
		// whose outcome is recorded when it returns)
		this.jdbc.update("update import_job set lease_owner = 'another-instance', lease_until = ? where id = ?::uuid",
				java.sql.Timestamp.from(this.clock.instant().plus(Duration.ofMinutes(2))), first);
		this.clock.advance(Duration.ofMinutes(1));
		String second = createJob(keyId, null);
		assertThat(upload(second, material).status()).isEqualTo(200);

		assertThat(state(first)).as("left to the watcher while held").isEqualTo("IMPORTED");
		this.releases.releaseEndedJobs();
		assertThat(sealedRows(custodyId(first))).as("its custody kept").isOne();

		this.jdbc.update("update import_job set lease_owner = null, lease_until = null where id = ?::uuid", first);
		this.clock.advance(Duration.ofHours(1).plusSeconds(1));
		this.lifecycle.watchImportedJobs();
		assertThat(state(first)).isEqualTo("SUPERSEDED");
		assertThat(events(first).getLast()).contains("superseded by job " + second);
	}

	@Test
	void materialOfACancelledJobIsDestroyedAndOnlyThenMayRetentionDeleteTheJob() {
		String jobId = createJob(createKey(), "vault");
		// the import is throttled (KMS carried nothing out, so the job may be cancelled):
		// the custodian keeps the material, the job waits for the retry
		this.emulator.faults().throttleEvery("ImportKeyMaterial", 1);
		assertThat(upload(jobId, random()).status()).isEqualTo(503);
		this.emulator.faults().clear();
		String custodyId = custodyId(jobId);
		assertThat(custodyId).isNotNull();
		this.clock.advance(Duration.ofMinutes(10));
		Response cancelled = this.api.postJson("/api/v1/import-jobs/" + jobId + "/cancel", "");
		assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
		// far past the finished jobs' retention
		this.clock.advance(Duration.ofDays(3650));

		this.retention.runOnce();

		assertThat(exists(jobId)).as("retention passes over a job whose material is still kept").isTrue();

		this.releases.releaseEndedJobs();
		// the release is the job's last change: retention counts from it
		this.clock.advance(Duration.ofDays(3650));
		this.retention.runOnce();

		assertThat(sealedRows(custodyId)).isZero();
		assertThat(exists(jobId)).as("deleted by retention once its material was destroyed").isFalse();
	}

	@Test
	void importedJobsKeepTheirCustodyMaterial() {
		String jobId = createJob(createKey(), "vault");
		assertThat(upload(jobId, random()).status()).isEqualTo(200);

		this.releases.releaseEndedJobs();

		assertThat(sealedRows(custodyId(jobId))).isOne();
		assertThat(this.api.get("/api/v1/import-jobs/" + jobId).json().get("custodyMaterialHeld").asBoolean()).isTrue();
	}

	@Test
	void aKeyScheduledForDeletionKeepsItsJobAndCustodyMaterialUntilItIsGoneAndACancelledDeletionClearsTheNote() {
		KmsClient kms = TestInfrastructure.kmsClient();
		String doomedKey = createKey();
		String doomed = createJob(doomedKey, "vault");
		assertThat(upload(doomed, random()).status()).isEqualTo(200);
		String reprievedKey = createKey();
		String reprieved = createJob(reprievedKey, "vault");
		assertThat(upload(reprieved, random()).status()).isEqualTo(200);
		String doomedCustody = custodyId(doomed);
		kms.scheduleKeyDeletion(r -> r.keyId(doomedKey).pendingWindowInDays(7));
		kms.scheduleKeyDeletion(r -> r.keyId(reprievedKey).pendingWindowInDays(7));

		for (int check = 0; check < 2; check++) {
			this.clock.advance(Duration.ofHours(1).plusSeconds(1));
			this.lifecycle.watchImportedJobs();
			this.releases.releaseEndedJobs();
		}

		for (String job : List.of(doomed, reprieved)) {
			JsonNode noted = this.api.get("/api/v1/import-jobs/" + job).json();
			assertThat(noted.get("state").asString()).isEqualTo("IMPORTED");
			assertThat(noted.get("lastError").get("code").asString()).isEqualTo("kms-key-pending-deletion");
			assertThat(noted.get("custodyMaterialHeld").asBoolean()).as("custody kept while reversible").isTrue();
			// said once, not at every check
			assertThat(events(job)).filteredOn(cause -> cause.contains("scheduled for deletion")).hasSize(1);
		}
		assertThat(sealedRows(doomedCustody)).isOne();
		assertThat(expiringKeyIds()).as("the owner means to let them go").doesNotContain(doomedKey, reprievedKey);

		kms.cancelKeyDeletion(r -> r.keyId(reprievedKey));
		kms.enableKey(r -> r.keyId(reprievedKey));
		this.clock.advance(Duration.ofHours(1).plusSeconds(1));
		this.lifecycle.watchImportedJobs();
		JsonNode back = this.api.get("/api/v1/import-jobs/" + reprieved).json();
		assertThat(back.get("state").asString()).isEqualTo("IMPORTED");
		assertThat(back.has("lastError")).isFalse();
		assertThat(events(reprieved).getLast()).startsWith("the KMS key's deletion was cancelled");
		assertThat(expiringKeyIds()).contains(reprievedKey).doesNotContain(doomedKey);

		// past the deletion date KMS no longer knows the doomed key: its job ends, and
		// only then its material is destroyed
		this.clock.advance(Duration.ofDays(7));
		this.lifecycle.watchImportedJobs();
		this.releases.releaseEndedJobs();
		JsonNode gone = this.api.get("/api/v1/import-jobs/" + doomed).json();
		assertThat(gone.get("state").asString()).isEqualTo("FAILED");
		assertThat(gone.get("lastError").get("code").asString()).isEqualTo("kms-key-not-found");
		assertThat(sealedRows(doomedCustody)).isZero();
		assertThat(state(reprieved)).isEqualTo("IMPORTED");
		assertThat(sealedRows(custodyId(reprieved))).isOne();
	}

	private List<String> expiringKeyIds() {
		return this.api.get("/api/v1/expiring-keys?within=P60D")
			.json()
			.get("keys")
			.valueStream()
			.map(k -> k.get("kmsKeyId").asString())
			.toList();
	}

	@Test
	void materialStoredByAnUploadThatNeverRecordedItIsDestroyedAfterTheGraceAndReferencedMaterialIsKept() {
		// a job whose material is in custody, and material stored the way an upload
		// stores it, never recorded on a job (the instance died before its claim)
		String jobId = createJob(createKey(), "vault");
		assertThat(upload(jobId, random()).status()).isEqualTo(200);
		String kept = custodyId(jobId);
		CustodyReference orphan = this.custodians.get("vault")
			.store(KeyMaterial.takeOwnership(random()), KeySpec.SYMMETRIC_DEFAULT);
		double destroyedBefore = orphans("destroyed");

		// within the grace an upload may still be about to record its material
		this.orphans.sweep(this.clock.instant());
		assertThat(sealedRows(orphan.id())).isOne();

		this.clock.advance(CustodyOrphans.GRACE.plusSeconds(1));
		assertThat(this.orphans.sweep(this.clock.instant())).isPositive();

		assertThat(sealedRows(orphan.id())).isZero();
		assertThat(sealedRows(kept)).as("material a job refers to").isOne();
		assertThat(this.api.get("/api/v1/import-jobs/" + jobId).json().get("custodyMaterialHeld").asBoolean()).isTrue();
		assertThat(orphans("destroyed")).isGreaterThanOrEqualTo(destroyedBefore + 1);
	}

	@Test
	void theOrphanSweepRunsAtMostOncePerItsIntervalOnAnInstance() {
		// long after any earlier sweep of this instance: this one runs
		this.clock.advance(CustodyOrphans.EVERY.multipliedBy(2));
		this.orphans.sweepIfDue();
		CustodyReference orphan = this.custodians.get("vault")
			.store(KeyMaterial.takeOwnership(random()), KeySpec.SYMMETRIC_DEFAULT);
		// past the grace at once
		this.jdbc.update("update custody_material set created_at = created_at - interval '2 hours' where id = ?::uuid",
				orphan.id());

		this.orphans.sweepIfDue();
		assertThat(sealedRows(orphan.id())).as("swept a moment ago: not again yet").isOne();

		this.clock.advance(CustodyOrphans.EVERY.plusSeconds(1));
		this.orphans.sweepIfDue();
		assertThat(sealedRows(orphan.id())).isZero();
	}

	private double orphans(String outcome) {
		Counter counter = this.meters.find("keyport.custody.orphans").tag("outcome", outcome).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private double releases(String outcome) {
		Counter counter = this.meters.find("keyport.custody.releases").tag("outcome", outcome).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private String custodyId(String jobId) {
		return this.jdbc.queryForObject("select custody_id from import_job where id = ?::uuid", String.class, jobId);
	}

	/** Rows of sealed material for a custody id ({@code <KEY_SPEC>.<uuid>} or a uuid). */
	private int sealedRows(String custodyId) {
		String uuid = custodyId.substring(custodyId.indexOf('.') + 1);
		Integer rows = this.jdbc.queryForObject("select count(*) from custody_material where id = ?::uuid",
				Integer.class, uuid);
		return (rows != null) ? rows : 0;
	}

	private boolean exists(String jobId) {
		return Boolean.TRUE.equals(this.jdbc
			.queryForObject("select exists (select 1 from import_job where id = ?::uuid)", Boolean.class, jobId));
	}

	private String state(String jobId) {
		return this.api.get("/api/v1/import-jobs/" + jobId).json().get("state").asString();
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

	private String createJob(String keyId, String custody) {
		Map<String, Object> body = new java.util.LinkedHashMap<>(Map.of("kmsKeyId", keyId, "expiration", Map.of("model",
				"KEY_MATERIAL_EXPIRES", "validTo", this.clock.instant().plus(Duration.ofDays(30)).toString())));
		if (custody != null) {
			body.put("custody", custody);
		}
		Response created = this.api.postJson("/api/v1/import-jobs", ApiClient.json(body));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		return created.json().get("id").asString();
	}

	private Response upload(String jobId, byte[] material) {
		return this.api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(material))));
	}

	private static byte[] random() {
		byte[] bytes = new byte[32];
		new SecureRandom().nextBytes(bytes);
		PlaintextRegistry.register(bytes);
		return bytes;
	}

}
