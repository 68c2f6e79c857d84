package io.keyport.importjob;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.OriginType;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.keyport.emulator.KmsEmulator;
import io.keyport.emulator.KmsFaults;
import io.keyport.emulator.MutableClock;
import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.IntegrationTest;
import io.keyport.testsupport.LeaseWatch;
import io.keyport.testsupport.LazyKmsKey;
import io.keyport.testsupport.TestInfrastructure;
import io.keyport.testsupport.Tokens;
import io.keyportdev.localauth.LocalAuthorizationServer;

import static io.keyport.importjob.ImportJobApiTests.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Multi-Region keys as one job (issue 15, point 4): a primary and its replicas get the
 * same material in one job, each replica with its own parameters and import; a replica
 * that fails is retried on its own by the lifecycle, never re-importing the others; a
 * replica whose token lapsed asks for a new upload for itself; and the refusals, planned
 * and real alike. A context of its own with four AWS targets on the shared emulator, one
 * per region ({@value #EAST} the emulator's own, {@value #WEST}, {@value #EUROPE}, and
 * {@value #OTHER} in another account through AssumeRole) and a Huawei target.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(IntegrationTest.SharedClock.class)
class MultiRegionImportJobTests {

	static {
		// the AWS SDK's default credential chain reads these system properties
		System.setProperty("aws.accessKeyId", "AKIAKEYPORTTEST");
		System.setProperty("aws.secretAccessKey", "keyport-test-secret");
	}

	static final String EAST = "mr-east";

	static final String WEST = "mr-west";

	static final String EUROPE = "mr-europe";

	static final String OTHER = "mr-other";

	static final String HUAWEI = "mr-huawei";

	static final String WEST_REGION = "us-west-2";

	static final String EUROPE_REGION = "eu-west-1";

	static final String OTHER_REGION = "eu-central-1";

	static final String OTHER_ROLE = "arn:aws:iam::333344445555:role/keyport-multi-region";

	private static final LazyKmsKey CUSTODY_KEY = new LazyKmsKey("keyport multi-Region custody key");

	final MutableClock clock = TestInfrastructure.CLOCK;

	final KmsEmulator emulator = TestInfrastructure.emulator();

	@DynamicPropertySource
	static void infrastructure(DynamicPropertyRegistry registry) {
		KmsEmulator kms = TestInfrastructure.emulator();
		kms.trustRole(OTHER_ROLE, null);
		Map<String, String> properties = TestInfrastructure.instanceProperties("test-instance-multi-region", kms);
		properties.put("keyport.kms.aws.sts-endpoint", kms.endpoint().toString());
		properties.put("keyport.kms.default-target", EAST);
		Map<String, String> regions = Map.of(EAST, kms.region(), WEST, WEST_REGION, EUROPE, EUROPE_REGION, OTHER,
				OTHER_REGION);
		regions.forEach((target, region) -> {
			properties.put("keyport.kms.targets." + target + ".provider", "aws");
			properties.put("keyport.kms.targets." + target + ".region", region);
			properties.put("keyport.kms.targets." + target + ".endpoint", kms.endpoint().toString());
		});
		properties.put("keyport.kms.targets." + OTHER + ".role-arn", OTHER_ROLE);
		try {
			properties.putAll(TestInfrastructure.huaweiEmulator()
				.targetProperties(HUAWEI, Files.createTempDirectory("keyport-mr-huawei-credentials")));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		properties.put("keyport.kms.targets." + HUAWEI + ".requests-per-second", "10000");
		IntegrationTest.register(registry, properties);
		registry.add("keyport.custody.vault.type", () -> "kms-envelope");
		registry.add("keyport.custody.vault.key-id", CUSTODY_KEY::arn);
	}

	@LocalServerPort
	int port;

	@Autowired
	ImportJobLifecycle lifecycle;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	ReplicaImports replicaImports;

	@Autowired
	CustodyRenewals custodyRenewals;

	@Autowired
	MeterRegistry meters;

	ApiClient api;

	ApiClient admin;

	@BeforeEach
	void reset() {
		this.emulator.faults().clear();
		// the shared emulator: an earlier class may have shortened the parameters'
		// validity (every region's)
		this.emulator.setParametersValidity(Duration.ofHours(24));
		this.emulator.setReplicaCreationTime(Duration.ZERO);
		for (String region : List.of(this.emulator.region(), WEST_REGION, EUROPE_REGION, OTHER_REGION)) {
			this.emulator.faultsIn(region).clear();
		}
		this.clock.set(Instant.ofEpochMilli(System.currentTimeMillis()));
		this.api = new ApiClient(this.port);
		this.admin = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.OPERATOR));
	}

	@Test
	void primaryAndTwoReplicasAreImportedAsOneJobWithTheSameMaterialInEveryRegion() {
		KeyMetadata key = multiRegionKey(WEST_REGION);
		Map<String, Long> downloads = counts("GetParametersForImport");
		long replications = this.emulator.callCount("ReplicateKey");
		// as AWS's, the replica Keyport creates is Creating for a while before it takes
		// GetParametersForImport (found by review: the request answered 409 after
		// creating it)
		this.emulator.setReplicaCreationTime(Duration.ofMillis(1500));

		Response created = createJob(key.keyId(), WEST, EUROPE);

		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		JsonNode job = created.json();
		assertThat(job.get("state").asString()).isEqualTo("PARAMETERS_FETCHED");
		assertThat(job.get("replicas").valueStream().map(r -> r.get("target").asString())).containsExactly(WEST,
				EUROPE);
		assertThat(job.get("replicas").valueStream().map(r -> r.get("state").asString()))
			.containsOnly("WAITING_FOR_MATERIAL");
		// the region without a replica got one, created by Keyport
		assertThat(this.emulator.callCount("ReplicateKey") - replications).isOne();
		assertThat(job.get("replicas").get(1).get("kmsKeyArn").asString())
			.isEqualTo(key.arn().replace(this.emulator.region(), EUROPE_REGION));
		// each member's own parameters, from its own region
		assertThat(increase(downloads, counts("GetParametersForImport"))).containsExactly(1L, 1L, 1L);
		// audited like every KMS call
		assertThat(this.jdbc.queryForList(
				"select operation from audit_event where kms_key_arn in (?, ?) and operation = 'kms:ReplicateKey'",
				String.class, key.arn(), key.keyId()))
			.hasSize(1);

		Map<String, Long> imports = counts("ImportKeyMaterial");
		Response imported = uploadPlaintext(job.get("id").asString(), randomMaterial());

		assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
		assertThat(imported.json().get("state").asString()).isEqualTo("IMPORTED");
		assertThat(imported.json().get("replicas").valueStream().map(r -> r.get("state").asString()))
			.containsExactly("IMPORTED", "IMPORTED");
		assertThat(increase(imports, counts("ImportKeyMaterial"))).containsExactly(1L, 1L, 1L);
		// the emulator takes only the primary's material into a replica: every member
		// enabled means every member holds the same material
		for (String region : List.of(this.emulator.region(), WEST_REGION, EUROPE_REGION)) {
			assertThat(client(region).describeKey(r -> r.keyId(key.keyId())).keyMetadata().keyStateAsString())
				.as(region)
				.isEqualTo("Enabled");
		}
		// a page of jobs shows the replicas too
		JsonNode listed = this.api.get("/api/v1/import-jobs?kmsKeyId=" + key.arn()).json().get("items").get(0);
		assertThat(listed.get("replicas").valueStream().map(r -> r.get("state").asString())).containsExactly("IMPORTED",
				"IMPORTED");
		assertThat(history(job.get("id").asString())).anyMatch(c -> c.startsWith("material wrapped for replica"))
			.anyMatch(c -> c.startsWith("key material imported into the primary key"))
			.anyMatch(c -> c.startsWith("key material imported into replica") && c.contains(WEST_REGION))
			.anyMatch(c -> c.startsWith("key material imported into replica") && c.contains(EUROPE_REGION))
			.anyMatch(c -> c.startsWith("every replica holds the material"));
		// only wrapped copies were held, and none is left
		assertThat(this.jdbc.queryForObject(
				"select count(*) from import_job_replica where job_id = ?::uuid "
						+ "and (encrypted_key_material is not null or import_token is not null)",
				Long.class, job.get("id").asString()))
			.isZero();
	}

	@Test
	void replicaFailureIsRetriedOnItsOwnByTheLifecycleWithoutReimportingTheOthers() {
		KeyMetadata key = multiRegionKey(WEST_REGION, EUROPE_REGION);
		String jobId = createJob(key.keyId(), WEST, EUROPE).json().get("id").asString();
		this.emulator.faultsIn(EUROPE_REGION).failEvery("ImportKeyMaterial", 1, KmsFaults.Fault.INTERNAL);
		double failedBefore = counter(EUROPE, "failed");
		Map<String, Long> imports = counts("ImportKeyMaterial");

		Response uploaded = uploadPlaintext(jobId, randomMaterial());

		assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(200);
		JsonNode job = uploaded.json();
		assertThat(job.get("state").asString()).isEqualTo("REPLICATING");
		assertThat(job.get("replicas").get(0).get("state").asString()).isEqualTo("IMPORTED");
		JsonNode europe = job.get("replicas").get(1);
		assertThat(europe.get("state").asString()).isEqualTo("MATERIAL_WRAPPED");
		assertThat(europe.get("lastError").get("code").asString()).isEqualTo("kms-internal-error");
		assertThat(europe.get("nextAttemptAt")).isNotNull();
		assertThat(job.get("lastError").get("code").asString()).isEqualTo("kms-internal-error");
		assertThat(counter(EUROPE, "failed") - failedBefore).isOne();
		assertThat(increase(imports, counts("ImportKeyMaterial"))).containsExactly(1L, 1L, 1L);
		// the primary holds the material: the job is no longer cancellable
		Response cancel = this.api.post("/api/v1/import-jobs/" + jobId + "/cancel");
		assertThat(cancel.status()).as(cancel.toString()).isEqualTo(409);
		assertThat(cancel.json().get("code").asString()).isEqualTo("illegal-state-transition");

		// not before its backoff
		this.emulator.faultsIn(EUROPE_REGION).clear();
		this.lifecycle.runOnce();
		assertThat(increase(imports, counts("ImportKeyMaterial"))).containsExactly(1L, 1L, 1L);
		this.clock.advance(Duration.ofHours(1));
		this.lifecycle.runOnce();

		JsonNode retried = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(retried.get("state").asString()).isEqualTo("IMPORTED");
		assertThat(retried.get("replicas").get(1).get("state").asString()).isEqualTo("IMPORTED");
		assertThat(retried.get("replicas").get(1).get("importAttempts").asInt()).isEqualTo(2);
		assertThat(retried.get("replicas").get(0).get("importAttempts").asInt()).isEqualTo(1);
		// only the failed replica was imported again
		assertThat(increase(imports, counts("ImportKeyMaterial"))).containsExactly(1L, 1L, 2L);
		assertThat(client(EUROPE_REGION).describeKey(r -> r.keyId(key.keyId())).keyMetadata().keyStateAsString())
			.isEqualTo("Enabled");
		assertThat(history(jobId))
			.anyMatch(c -> c.startsWith("import into replica") && c.contains("retried on its own"))
			.anyMatch(c -> c.startsWith("every replica holds the material"));
	}

	@Test
	void primaryRefusingTheImportFailsTheJobAndDropsEveryReplicasWrappedCopy() {
		KeyMetadata key = multiRegionKey(WEST_REGION, EUROPE_REGION);
		String jobId = createJob(key.keyId(), WEST, EUROPE).json().get("id").asString();
		this.emulator.faults().failEvery("ImportKeyMaterial", 1, "AccessDeniedException", 400);

		Response uploaded = uploadPlaintext(jobId, randomMaterial());

		assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(502);
		JsonNode job = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(job.get("state").asString()).isEqualTo("FAILED");
		assertThat(job.get("lastError").get("code").asString()).isEqualTo("kms-access-denied");
		// the replicas were wrapped for with the upload, never imported into
		assertThat(job.get("replicas").valueStream().map(r -> r.get("state").asString()))
			.containsOnly("WAITING_FOR_MATERIAL");
		assertNoSecretsLeft(jobId);
		// and the lifecycle has nothing left to do for it
		Map<String, Long> imports = counts("ImportKeyMaterial");
		this.emulator.faults().clear();
		this.clock.advance(Duration.ofHours(1));
		this.lifecycle.runOnce();
		assertThat(increase(imports, counts("ImportKeyMaterial"))).containsExactly(0L, 0L, 0L);
	}

	@Test
	void cancellingAJobWhosePrimaryImportIsBeingRetriedDropsEveryReplicasWrappedCopy() {
		KeyMetadata key = multiRegionKey(WEST_REGION, EUROPE_REGION);
		String jobId = createJob(key.keyId(), WEST, EUROPE).json().get("id").asString();
		// throttled: KMS did not carry the import out, so the job can be cancelled
		this.emulator.faults().throttleEvery("ImportKeyMaterial", 1);
		Response uploaded = uploadPlaintext(jobId, randomMaterial());
		assertThat(uploaded.json().get("state").asString()).as(uploaded.toString()).isEqualTo("MATERIAL_WRAPPED");
		this.emulator.faults().clear();

		Response cancelled = this.api.post("/api/v1/import-jobs/" + jobId + "/cancel");

		assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
		assertThat(cancelled.json().get("state").asString()).isEqualTo("CANCELLED");
		assertThat(cancelled.json().get("replicas").valueStream().map(r -> r.get("state").asString()))
			.containsOnly("WAITING_FOR_MATERIAL");
		assertNoSecretsLeft(jobId);
	}

	@Test
	void anUploadToACancelledJobWhoseReplicaParametersLapsedIsRefusedBeforeAnyDownload() {
		KeyMetadata key = multiRegionKey(WEST_REGION, EUROPE_REGION);
		String jobId = createJob(key.keyId(), WEST, EUROPE).json().get("id").asString();
		assertThat(this.api.post("/api/v1/import-jobs/" + jobId + "/cancel").status()).isEqualTo(200);
		this.clock.advance(Duration.ofHours(25));
		long west = this.emulator.callCountIn(WEST_REGION, "GetParametersForImport");
		long europe = this.emulator.callCountIn(EUROPE_REGION, "GetParametersForImport");

		Response uploaded = uploadPlaintext(jobId, randomMaterial());

		assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(409);
		assertThat(uploaded.json().get("code").asString()).isEqualTo("illegal-state-transition");
		assertThat(this.emulator.callCountIn(WEST_REGION, "GetParametersForImport")).isEqualTo(west);
		assertThat(this.emulator.callCountIn(EUROPE_REGION, "GetParametersForImport")).isEqualTo(europe);
		assertNoSecretsLeft(jobId);
	}

	private void assertNoSecretsLeft(String jobId) {
		assertThat(this.jdbc.queryForObject("select count(*) from import_job_replica where job_id = ?::uuid "
				+ "and (encrypted_key_material is not null or import_token is not null)", Long.class, jobId))
			.isZero();
		assertThat(this.jdbc.queryForObject("select count(*) from import_job where id = ?::uuid "
				+ "and (encrypted_key_material is not null or import_token is not null)", Long.class, jobId))
			.isZero();
	}

	@Test
	void replicaWhoseTokenLapsedGetsNewParametersAndAsksForANewUploadForItselfOnly() {
		KeyMetadata key = multiRegionKey(WEST_REGION, EUROPE_REGION);
		String jobId = createJob(key.keyId(), WEST, EUROPE).json().get("id").asString();
		this.emulator.faultsIn(WEST_REGION).failEvery("ImportKeyMaterial", 1, "ExpiredImportTokenException", 400);
		byte[] material = randomMaterial();
		Map<String, Long> imports = counts("ImportKeyMaterial");

		JsonNode job = uploadPlaintext(jobId, material.clone()).json();
		assertThat(job.get("state").asString()).isEqualTo("REPLICATING");
		assertThat(job.get("replicas").get(0).get("state").asString()).isEqualTo("NEEDS_PARAMETERS");
		assertThat(job.get("replicas").get(1).get("state").asString()).isEqualTo("IMPORTED");

		this.emulator.faultsIn(WEST_REGION).clear();
		Map<String, Long> downloads = counts("GetParametersForImport");
		this.lifecycle.runOnce();
		job = this.api.get("/api/v1/import-jobs/" + jobId).json();
		// new parameters for the west replica only; no custody, so a new upload is needed
		assertThat(increase(downloads, counts("GetParametersForImport"))).containsExactly(0L, 1L, 0L);
		assertThat(job.get("state").asString()).isEqualTo("REPLICATING");
		assertThat(job.get("replicas").get(0).get("state").asString()).isEqualTo("NEEDS_UPLOAD");
		assertThat(job.get("lastError").get("code").asString()).isEqualTo("replica-needs-upload");
		assertThat(job.get("lastError").get("message").asString()).contains("/key-material");

		Response uploaded = uploadPlaintext(jobId, material);

		assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(200);
		assertThat(uploaded.json().get("state").asString()).isEqualTo("IMPORTED");
		// the primary and the europe replica were not imported again
		assertThat(increase(imports, counts("ImportKeyMaterial"))).containsExactly(1L, 2L, 1L);
		assertThat(client(WEST_REGION).describeKey(r -> r.keyId(key.keyId())).keyMetadata().keyStateAsString())
			.isEqualTo("Enabled");
	}

	@Test
	void aJobOnlyWaitingForAReplicasUploadIsNotClaimedEveryRunAfterATurnThatFailedOnce() {
		KeyMetadata key = multiRegionKey(WEST_REGION, EUROPE_REGION);
		String jobId = jobWaitingForTheWestReplicasUpload(key, randomMaterial());
		// a turn that failed (an instance without the replica's target, say) backed the
		// job off; the backoff is over
		this.jdbc.update("update import_job set work_failures = 1, work_not_before = ? where id = ?::uuid",
				java.sql.Timestamp.from(this.clock.instant().minusSeconds(60)), jobId);
		this.lifecycle.runOnce();
		long version = this.jdbc.queryForObject("select version from import_job where id = ?::uuid", Long.class, jobId);

		this.clock.advance(Duration.ofMinutes(1));
		this.lifecycle.runOnce();
		this.lifecycle.runOnce();

		// found by review: the turn after the backoff left work_not_before set, so the
		// job was due, claimed and saved again every run while it waited for the upload
		assertThat(this.jdbc.queryForObject("select version from import_job where id = ?::uuid", Long.class, jobId))
			.isEqualTo(version);
		JsonNode job = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(job.get("state").asString()).isEqualTo("REPLICATING");
		assertThat(job.get("lastError").get("code").asString()).isEqualTo("replica-needs-upload");
	}

	@Test
	void aJobWaitingForAReplicasUploadIsSupersededByALaterJobThatImportedTheSameMaterialIntoTheKey() {
		KeyMetadata key = multiRegionKey(WEST_REGION, EUROPE_REGION);
		byte[] material = randomMaterial();
		String older = jobWaitingForTheWestReplicasUpload(key, material);

		// the owner imports the same material again with a new job, later
		this.clock.advance(Duration.ofMinutes(1));
		String newer = createJob(key.keyId(), WEST, EUROPE).json().get("id").asString();
		Response imported = uploadPlaintext(newer, material);
		assertThat(imported.json().get("state").asString()).as(imported.toString()).isEqualTo("IMPORTED");
		this.lifecycle.runOnce();

		// found by review: a REPLICATING job was never superseded, and without an
		// expiry it waited for an upload for good, its custody (if any) never released
		JsonNode job = this.api.get("/api/v1/import-jobs/" + older).json();
		assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("SUPERSEDED");
		assertThat(this.jdbc.queryForObject("select count(*) from import_job_replica where job_id = ?::uuid "
				+ "and (encrypted_key_material is not null or import_token is not null)", Long.class, older))
			.isZero();
	}

	@Test
	void aJobWaitingForAReplicasUploadIsNotSupersededByALaterJobThatLeavesThatReplicaOut() {
		KeyMetadata key = multiRegionKey(WEST_REGION, EUROPE_REGION);
		byte[] material = randomMaterial();
		String older = jobWaitingForTheWestReplicasUpload(key, material);

		// a later job for the primary and the europe replica only
		this.clock.advance(Duration.ofMinutes(1));
		String newer = createJob(key.keyId(), EUROPE).json().get("id").asString();
		assertThat(uploadPlaintext(newer, material).json().get("state").asString()).isEqualTo("IMPORTED");
		this.lifecycle.runOnce();

		// found by review of the change that supersedes replicating jobs: the west
		// replica would have been left with no job to import it
		JsonNode job = this.api.get("/api/v1/import-jobs/" + older).json();
		assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("REPLICATING");
		assertThat(job.get("replicas").get(0).get("state").asString()).isEqualTo("NEEDS_UPLOAD");
	}

	@Test
	void aReplicatingJobLeasedWhenALaterJobImportedTheSameMaterialIsSupersededByItsNextReplicationTurn() {
		KeyMetadata key = multiRegionKey(WEST_REGION, EUROPE_REGION);
		byte[] material = randomMaterial();
		String older = createJob(key.keyId(), WEST, EUROPE).json().get("id").asString();
		try {
			// the west replica's import is refused for a lapsed token: the older job
			// retries it
			this.emulator.faultsIn(WEST_REGION).failEvery("ImportKeyMaterial", 1, "ExpiredImportTokenException", 400);
			uploadPlaintext(older, material.clone());
			this.emulator.faultsIn(WEST_REGION).clear();
			// another instance holds the older job while a later job, for the same
			// replicas, imports
			this.jdbc.update(
					"update import_job set lease_owner = 'another-instance', lease_until = ? where id = ?::uuid",
					java.sql.Timestamp.from(this.clock.instant().plusSeconds(600)), older);
			this.clock.advance(Duration.ofMinutes(1));
			String newer = createJob(key.keyId(), WEST, EUROPE).json().get("id").asString();
			assertThat(uploadPlaintext(newer, material).json().get("state").asString()).isEqualTo("IMPORTED");
			assertThat(this.api.get("/api/v1/import-jobs/" + older).json().get("state").asString())
				.isEqualTo("REPLICATING");
			// the older job's turn spends nothing on the replica before it is superseded
			this.emulator.faultsIn(WEST_REGION).failEvery("GetParametersForImport", 1, KmsFaults.Fault.INTERNAL);
			this.jdbc.update("update import_job set lease_owner = null, lease_until = null where id = ?::uuid", older);
			this.clock.advance(Duration.ofHours(1));
			this.lifecycle.runOnce();
		}
		finally {
			this.emulator.faultsIn(WEST_REGION).clear();
		}

		JsonNode job = this.api.get("/api/v1/import-jobs/" + older).json();
		assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("SUPERSEDED");
	}

	@Test
	void aReplicaImportWhoseInstanceDiedBeforeItsAnswerIsNotFailedWhenItsResendsAreThrottledOutOfAttempts() {
		KeyMetadata key = multiRegionKey(WEST_REGION, EUROPE_REGION);
		JsonNode job;
		try {
			String jobId = jobWhoseWestImportWasSentByAnInstanceThatDied(key);
			for (int run = 0; run < 10; run++) {
				this.clock.advance(Duration.ofMinutes(20));
				this.lifecycle.runOnce();
			}
			job = this.api.get("/api/v1/import-jobs/" + jobId).json();
		}
		finally {
			this.emulator.faultsIn(WEST_REGION).clear();
		}

		// found by review: throttled resends used up the attempts and failed the
		// replica for good, though KMS may have taken the material from the lost attempt
		JsonNode west = job.get("replicas").get(0);
		assertThat(west.get("state").asString()).as(job.toString()).isNotEqualTo("FAILED");
		assertThat(west.get("lastError").get("code").asString()).isEqualTo("import-outcome-unknown");
		assertThat(job.get("state").asString()).isEqualTo("REPLICATING");
	}

	@Test
	void aReplicaGivenUpAfterItsTokenLapsedWithAnUnansweredImportSaysTheKeyMayHoldTheMaterial() {
		KeyMetadata key = multiRegionKey(WEST_REGION, EUROPE_REGION);
		String jobId;
		JsonNode job;
		try {
			jobId = jobWhoseWestImportWasSentByAnInstanceThatDied(key);
			// the token lapses, and the replica's region then refuses new parameters
			this.clock.advance(Duration.ofHours(25));
			this.emulator.faultsIn(WEST_REGION).failEvery("GetParametersForImport", 1, "AccessDeniedException", 400);
			this.lifecycle.runOnce();
			job = this.api.get("/api/v1/import-jobs/" + jobId).json();
		}
		finally {
			this.emulator.faultsIn(WEST_REGION).clear();
		}

		// found by review: the history said the token "lapsed before its import", and the
		// replica was given up without a word of the material KMS may hold
		JsonNode west = job.get("replicas").get(0);
		assertThat(west.get("state").asString()).as(job.toString()).isEqualTo("FAILED");
		assertThat(west.get("lastError").get("message").asString()).contains("may hold the material");
		assertThat(history(jobId)).anyMatch(c -> c.contains("lapsed while an import's answer was lost"));
	}

	@Test
	void replicaParameterDownloadsThatFailBackOffLongerEachTimeAndOneKmsRefusesFailsThatReplicaWhileTheJobStaysImported() {
		KeyMetadata key = multiRegionKey(WEST_REGION, EUROPE_REGION);
		String jobId = createJob(key.keyId(), WEST, EUROPE).json().get("id").asString();
		this.emulator.faultsIn(WEST_REGION).failEvery("ImportKeyMaterial", 1, "ExpiredImportTokenException", 400);
		JsonNode job = uploadPlaintext(jobId, randomMaterial()).json();
		assertThat(job.get("replicas").get(0).get("state").asString()).isEqualTo("NEEDS_PARAMETERS");
		this.emulator.faultsIn(WEST_REGION).clear();

		// the west region fails every download: each failure waits longer than the one
		// before (the delay once stayed the same, forever)
		this.emulator.faultsIn(WEST_REGION).failEvery("GetParametersForImport", 1, KmsFaults.Fault.INTERNAL);
		List<Duration> delays = new ArrayList<>();
		for (int failure = 1; failure <= 3; failure++) {
			Instant now = this.clock.instant();
			this.lifecycle.runOnce();
			JsonNode west = this.api.get("/api/v1/import-jobs/" + jobId).json().get("replicas").get(0);
			assertThat(west.get("state").asString()).isEqualTo("NEEDS_PARAMETERS");
			assertThat(west.get("lastError").get("code").asString()).isEqualTo("kms-internal-error");
			Instant next = Instant.parse(west.get("nextAttemptAt").asString());
			delays.add(Duration.between(now, next));
			this.clock.set(next.plusSeconds(1));
		}
		// jittered in [d/2, d] for a delay d that doubles: the third is at least twice
		// the first
		assertThat(delays.get(2)).as("delays %s", delays).isGreaterThanOrEqualTo(delays.get(0).multipliedBy(2));

		// a refusal that will not pass (the replica key is gone) fails the
		// replica instead of being retried without end; the primary and
		// europe hold the material, so the job stays imported and watched,
		// naming the failed replica
		this.emulator.faultsIn(WEST_REGION).clear();
		this.emulator.faultsIn(WEST_REGION).failEvery("GetParametersForImport", 1, "NotFoundException", 400);
		this.lifecycle.runOnce();
		this.emulator.faultsIn(WEST_REGION).clear();
		JsonNode failed = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(failed.get("state").asString()).isEqualTo("IMPORTED");
		assertThat(failed.get("lastError").get("code").asString()).isEqualTo("replica-import-failed");
		assertThat(failed.get("replicas").get(0).get("state").asString()).isEqualTo("FAILED");
		assertThat(failed.get("replicas").get(0).get("lastError").get("code").asString())
			.isEqualTo("kms-key-not-found");
		assertThat(failed.get("replicas").get(1).get("state").asString()).isEqualTo("IMPORTED");
		assertThat(history(jobId)).anyMatch(
				c -> c.startsWith("new parameters for replica ") && c.contains("refused by KMS (kms-key-not-found)"));
	}

	@Test
	void materialExpiringBeforeEveryReplicaTookItExpiresTheJobAndTheNextUploadImportsItEverywhereAgain() {
		KeyMetadata key = multiRegionKey(WEST_REGION, EUROPE_REGION);
		Instant validTo = this.clock.instant().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS);
		String jobId = expiringJob(key, validTo);
		// the west replica's token is refused; without custody it then waits for an
		// upload that does not come
		this.emulator.faultsIn(WEST_REGION).failEvery("ImportKeyMaterial", 1, "ExpiredImportTokenException", 400);
		byte[] material = randomMaterial();
		assertThat(uploadPlaintext(jobId, material.clone()).json().get("state").asString()).isEqualTo("REPLICATING");
		this.emulator.faultsIn(WEST_REGION).clear();
		this.lifecycle.runOnce();
		assertThat(this.api.get("/api/v1/import-jobs/" + jobId).json().get("replicas").get(0).get("state").asString())
			.isEqualTo("NEEDS_UPLOAD");
		// listed as expiring while it replicates: the primary's material expires all
		// the same
		assertThat(this.api.get("/api/v1/expiring-keys?within=P7D").json().get("keys").valueStream())
			.anySatisfy(k -> assertThat(k.get("jobId").asString()).isEqualTo(jobId));

		this.clock.set(validTo.plusSeconds(1));
		this.lifecycle.runOnce();

		JsonNode expired = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(expired.get("state").asString()).isEqualTo("MATERIAL_EXPIRED");
		assertThat(history(jobId).getLast()).contains("before every replica took it")
			.contains("the replicas take the material again with the next upload");
		assertThat(expired.get("replicas").valueStream().map(r -> r.get("state").asString()))
			.containsOnly("WAITING_FOR_MATERIAL");

		// a new ValidTo and the same material: the primary and both replicas take it
		// again
		importedEverywhereAgain(key, jobId, material, validTo.plus(Duration.ofDays(30)));
	}

	@Test
	void anImportedMultiRegionJobWhoseMaterialExpiredImportsItIntoEveryReplicaAgainNotOnlyThePrimary() {
		KeyMetadata key = multiRegionKey(WEST_REGION, EUROPE_REGION);
		Instant validTo = this.clock.instant().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS);
		String jobId = expiringJob(key, validTo);
		byte[] material = randomMaterial();
		assertThat(uploadPlaintext(jobId, material.clone()).json().get("state").asString()).isEqualTo("IMPORTED");

		this.clock.set(validTo.plusSeconds(1));
		this.lifecycle.runOnce();
		assertThat(this.api.get("/api/v1/import-jobs/" + jobId).json().get("state").asString())
			.isEqualTo("MATERIAL_EXPIRED");

		// the replicas lost the material at the same ValidTo: they are imported again
		importedEverywhereAgain(key, jobId, material, validTo.plus(Duration.ofDays(30)));
	}

	/** A job for the key's primary and both replicas, with material that expires. */
	private String expiringJob(KeyMetadata key, Instant validTo) {
		Map<String, Object> body = new java.util.HashMap<>(body(key.keyId(), EAST, WEST, EUROPE));
		body.put("expiration", Map.of("model", "KEY_MATERIAL_EXPIRES", "validTo", validTo.toString()));
		Response created = this.api.postJson("/api/v1/import-jobs", ApiClient.json(body));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		return created.json().get("id").asString();
	}

	/**
	 * An expired job refreshed with a new ValidTo, then the same material uploaded: one
	 * import into the primary and each replica, every one Enabled with the new ValidTo.
	 */
	private void importedEverywhereAgain(KeyMetadata key, String jobId, byte[] material, Instant newValidTo) {
		Response refreshed = this.api.postJson("/api/v1/import-jobs/" + jobId + "/refresh-parameters", ApiClient
			.json(Map.of("expiration", Map.of("model", "KEY_MATERIAL_EXPIRES", "validTo", newValidTo.toString()))));
		assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
		Map<String, Long> imports = counts("ImportKeyMaterial");
		Response uploaded = uploadPlaintext(jobId, material);
		assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(200);
		assertThat(uploaded.json().get("state").asString()).isEqualTo("IMPORTED");
		assertThat(increase(imports, counts("ImportKeyMaterial"))).containsExactly(1L, 1L, 1L);
		// attempts count per import, as the primary's: the earlier import's do not bring
		// a
		// later failure closer to the limit
		assertThat(uploaded.json().get("importAttempts").asInt()).isOne();
		assertThat(uploaded.json().get("replicas").valueStream().map(r -> r.get("importAttempts").asInt()))
			.containsOnly(1);
		for (String region : List.of(this.emulator.region(), WEST_REGION, EUROPE_REGION)) {
			KeyMetadata metadata = client(region).describeKey(r -> r.keyId(key.keyId())).keyMetadata();
			assertThat(metadata.keyStateAsString()).as(region).isEqualTo("Enabled");
			assertThat(metadata.validTo()).as(region).isEqualTo(newValidTo);
		}
	}

	@Test
	void aReplicaTurnExtendsTheJobsLeaseBeforeEachReplicaSoASlowRegionCannotLetItLapse() throws Exception {
		KeyMetadata key = multiRegionKey(WEST_REGION, EUROPE_REGION);
		String jobId = createJob(key.keyId(), WEST, EUROPE).json().get("id").asString();
		// both replicas keep their wrapped copies for a retry
		this.emulator.faultsIn(WEST_REGION).failEvery("ImportKeyMaterial", 1, KmsFaults.Fault.INTERNAL);
		this.emulator.faultsIn(EUROPE_REGION).failEvery("ImportKeyMaterial", 1, KmsFaults.Fault.INTERNAL);
		JsonNode job = uploadPlaintext(jobId, randomMaterial()).json();
		assertThat(job.get("replicas").valueStream().map(r -> r.get("state").asString()))
			.containsOnly("MATERIAL_WRAPPED");
		this.emulator.faultsIn(WEST_REGION).clear();
		this.emulator.faultsIn(EUROPE_REGION).clear();
		this.clock.advance(Duration.ofHours(1));
		// the west import is slow; while it runs, more than a lease's time passes
		this.emulator.faultsIn(WEST_REGION).latency("ImportKeyMaterial", Duration.ofMillis(1500));
		// and the europe import slow enough for the poll below to see its step's lease
		this.emulator.faultsIn(EUROPE_REGION).latency("ImportKeyMaterial", Duration.ofMillis(600));
		long westCalls = this.emulator.callCountIn(WEST_REGION, "ImportKeyMaterial");
		boolean extendedInTime;
		try {
			extendedInTime = LeaseWatch.extendedAfterALapse(this.clock, this.jdbc, jobId,
					() -> this.emulator.callCountIn(WEST_REGION, "ImportKeyMaterial") > westCalls,
					this.replicaImports::retryDueReplicas);
		}
		finally {
			this.emulator.faultsIn(WEST_REGION).clear();
			this.emulator.faultsIn(EUROPE_REGION).clear();
		}
		assertThat(extendedInTime).as("the lease was extended before the europe replica's step").isTrue();
		JsonNode imported = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(imported.get("state").asString()).isEqualTo("IMPORTED");
		assertThat(imported.get("replicas").valueStream().map(r -> r.get("state").asString())).containsOnly("IMPORTED");
	}

	@Test
	void aReplicaTargetOfAnotherAccountIsRefusedBeforeAReplicaIsCreatedWhereTheKeyHasNone() {
		// no replica in the other target's region yet: ReplicateKey would create one in
		// the key's account, which that target could never import into
		KeyMetadata key = multiRegionKey(WEST_REGION);
		long replications = this.emulator.callCount("ReplicateKey");

		refusedAlike(body(key.keyId(), EAST, OTHER), 422, "replica-other-account");

		assertThat(this.emulator.callCount("ReplicateKey")).as("nothing created").isEqualTo(replications);
		assertThat(TestInfrastructure.kmsClient()
			.describeKey(r -> r.keyId(key.keyId()))
			.keyMetadata()
			.multiRegionConfiguration()
			.replicaKeys()).extracting(k -> k.region()).containsExactly(WEST_REGION);
		// a target of the key's own account still gets its replica created
		Response created = createJob(key.keyId(), WEST, EUROPE);
		assertThat(created.json().get("replicas").valueStream().map(r -> r.get("region").asString()))
			.containsExactly(WEST_REGION, EUROPE_REGION);
		assertThat(this.emulator.callCount("ReplicateKey")).isEqualTo(replications + 1);
	}

	@Test
	void replicaWhoseTokenLapsedInACustodyJobIsWrappedAgainByTheCustodianWithoutANewUpload() {
		KeyMetadata key = multiRegionKey(WEST_REGION, EUROPE_REGION);
		String jobId = createCustodyJob(key, Map.of());
		this.emulator.faultsIn(WEST_REGION).failEvery("ImportKeyMaterial", 1, "ExpiredImportTokenException", 400);
		Map<String, Long> imports = counts("ImportKeyMaterial");

		JsonNode job = uploadPlaintext(jobId, randomMaterial()).json();
		assertThat(job.get("state").asString()).isEqualTo("REPLICATING");
		assertThat(job.get("replicas").get(0).get("state").asString()).isEqualTo("NEEDS_PARAMETERS");

		this.emulator.faultsIn(WEST_REGION).clear();
		Map<String, Long> downloads = counts("GetParametersForImport");
		this.lifecycle.runOnce();

		job = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(job.get("state").asString()).isEqualTo("IMPORTED");
		assertThat(increase(downloads, counts("GetParametersForImport"))).containsExactly(0L, 1L, 0L);
		assertThat(increase(imports, counts("ImportKeyMaterial"))).containsExactly(1L, 2L, 1L);
		assertThat(history(jobId)).anyMatch(c -> c.contains("the custodian wrapped the material again"));
		assertThat(client(WEST_REGION).describeKey(r -> r.keyId(key.keyId())).keyMetadata().keyStateAsString())
			.isEqualTo("Enabled");
	}

	@Test
	void aReplicaWhoseMaterialWasDeletedOutsideKeyportIsSeenByTheCheckAndImportedAgainFromCustody() {
		KeyMetadata key = multiRegionKey(WEST_REGION, EUROPE_REGION);
		String jobId = createCustodyJob(key, Map.of());
		JsonNode imported = uploadPlaintext(jobId, randomMaterial()).json();
		assertThat(imported.get("state").asString()).as(imported.toString()).isEqualTo("IMPORTED");
		String materialId = client(WEST_REGION).describeKey(r -> r.keyId(key.keyId()))
			.keyMetadata()
			.currentKeyMaterialId();
		client(WEST_REGION).deleteImportedKeyMaterial(r -> r.keyId(key.keyId()));
		this.clock.advance(Duration.ofDays(1).plusMinutes(1));

		this.lifecycle.watchImportedJobs();

		JsonNode seen = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(seen.get("state").asString()).isEqualTo("REPLICATING");
		assertThat(seen.get("lastError").get("code").asString()).isEqualTo("replica-material-missing");
		assertThat(seen.get("replicas").get(0).get("state").asString()).isEqualTo("NEEDS_PARAMETERS");
		assertThat(seen.get("replicas").get(1).get("state").asString()).isEqualTo("IMPORTED");

		this.lifecycle.runOnce();

		JsonNode again = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(again.get("state").asString()).as(again.toString()).isEqualTo("IMPORTED");
		KeyMetadata west = client(WEST_REGION).describeKey(r -> r.keyId(key.keyId())).keyMetadata();
		assertThat(west.keyStateAsString()).isEqualTo("Enabled");
		assertThat(west.currentKeyMaterialId()).isEqualTo(materialId);
	}

	@Test
	void aCustodyJobReplicatingForAStalledReplicaStillRenewsThePrimaryAndTheOtherReplicasBeforeTheirMaterialExpires() {
		KeyMetadata key = multiRegionKey(WEST_REGION, EUROPE_REGION);
		Instant firstValidTo = this.clock.instant().plus(Duration.ofDays(12));
		String jobId = createCustodyJob(key,
				Map.of("expiration", Map.of("model", "KEY_MATERIAL_EXPIRES", "validTo", firstValidTo.toString())));
		assertThat(uploadPlaintext(jobId, randomMaterial()).json().get("state").asString()).isEqualTo("IMPORTED");
		// the west replica loses its material, and its region then refuses every
		// download for days
		client(WEST_REGION).deleteImportedKeyMaterial(r -> r.keyId(key.keyId()));
		this.clock.advance(Duration.ofDays(1).plusMinutes(1));
		JsonNode job;
		try {
			this.emulator.faultsIn(WEST_REGION).failEvery("GetParametersForImport", 1, KmsFaults.Fault.INTERNAL);
			this.lifecycle.watchImportedJobs();
			assertThat(this.api.get("/api/v1/import-jobs/" + jobId).json().get("state").asString())
				.isEqualTo("REPLICATING");
			// into the renewal margin (7 days before the ValidTo)
			this.clock.advance(Duration.ofDays(5));
			this.lifecycle.runOnce();
			job = this.api.get("/api/v1/import-jobs/" + jobId).json();
		}
		finally {
			this.emulator.faultsIn(WEST_REGION).clear();
		}

		// found by review: only IMPORTED jobs were renewed, so the stalled replica kept
		// the primary and the europe replica from renewal until all three expired
		assertThat(job.get("state").asString()).isEqualTo("REPLICATING");
		assertThat(job.get("replicas").get(0).get("state").asString()).isEqualTo("NEEDS_PARAMETERS");
		assertThat(job.get("custodyRenewals").asInt()).isOne();
		assertThat(Instant.parse(job.get("expiration").get("validTo").asString()))
			.isAfter(firstValidTo.plus(Duration.ofDays(10)));
		assertThat(Instant.parse(job.get("replicas").get(1).get("materialValidTo").asString()))
			.isAfter(firstValidTo.plus(Duration.ofDays(10)));
		for (String region : List.of(this.emulator.region(), EUROPE_REGION)) {
			assertThat(client(region).describeKey(r -> r.keyId(key.keyId())).keyMetadata().validTo()).as(region)
				.isAfter(firstValidTo.plus(Duration.ofDays(10)));
		}
		// the replica's own error is still what the job shows
		assertThat(job.get("lastError").get("code").asString()).isNotEqualTo("custody-renewal-failed");

		// once its region is back, the replica takes the renewed material and ValidTo
		this.clock.advance(Duration.ofHours(1));
		this.lifecycle.runOnce();
		job = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("IMPORTED");
		assertThat(client(WEST_REGION).describeKey(r -> r.keyId(key.keyId())).keyMetadata().validTo())
			.isAfter(firstValidTo.plus(Duration.ofDays(10)));
	}

	@Test
	void aReplicasNewParametersAndItsImportEachGetALeaseOfTheirOwn() throws Exception {
		KeyMetadata key = multiRegionKey(WEST_REGION, EUROPE_REGION);
		String jobId = createCustodyJob(key, Map.of());
		// the last replica's token lapses: its step downloads new parameters, has the
		// custodian wrap again (a KMS Decrypt) and imports
		this.emulator.faultsIn(EUROPE_REGION).failEvery("ImportKeyMaterial", 1, "ExpiredImportTokenException", 400);
		JsonNode job = uploadPlaintext(jobId, randomMaterial()).json();
		assertThat(job.get("replicas").get(1).get("state").asString()).isEqualTo("NEEDS_PARAMETERS");
		this.emulator.faultsIn(EUROPE_REGION).clear();
		this.clock.advance(Duration.ofHours(1));
		// the download is slow; while it runs, more than a lease's time passes
		this.emulator.faultsIn(EUROPE_REGION).latency("GetParametersForImport", Duration.ofMillis(1500));
		// and the import slow enough for the poll below to see its lease
		this.emulator.faultsIn(EUROPE_REGION).latency("ImportKeyMaterial", Duration.ofMillis(600));
		long downloads = this.emulator.callCountIn(EUROPE_REGION, "GetParametersForImport");
		boolean extendedInTime;
		try {
			extendedInTime = LeaseWatch.extendedAfterALapse(this.clock, this.jdbc, jobId,
					() -> this.emulator.callCountIn(EUROPE_REGION, "GetParametersForImport") > downloads,
					this.replicaImports::retryDueReplicas);
		}
		finally {
			this.emulator.faultsIn(EUROPE_REGION).clear();
		}
		assertThat(extendedInTime).as("the lease was extended between the replica's download and its import").isTrue();
		JsonNode imported = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(imported.get("state").asString()).isEqualTo("IMPORTED");
	}

	@Test
	void materialGeneratedByTheCustodianIsWrappedByItForThePrimaryAndEveryReplicaAndImportedIntoAll() {
		KeyMetadata key = multiRegionKey(WEST_REGION, EUROPE_REGION);
		String jobId = createCustodyJob(key, Map.of());
		Map<String, Long> imports = counts("ImportKeyMaterial");
		Map<String, Long> downloads = jobCalls(jobId, "GetParametersForImport");

		Response generated = this.api.postJson("/api/v1/import-jobs/" + jobId + "/generated-key-material", "");

		assertThat(generated.status()).as(generated.toString()).isEqualTo(200);
		assertThat(generated.json().get("state").asString()).isEqualTo("IMPORTED");
		assertThat(generated.json().get("replicas").valueStream().map(r -> r.get("state").asString()))
			.containsExactly("IMPORTED", "IMPORTED");
		assertThat(increase(imports, counts("ImportKeyMaterial"))).containsExactly(1L, 1L, 1L);
		// the replicas' parameters from the job's creation are still valid: the custodian
		// wraps under them, nothing is downloaded again
		assertThat(increase(downloads, jobCalls(jobId, "GetParametersForImport"))).containsExactly(0L, 0L, 0L);
		String materialId = client(this.emulator.region()).describeKey(r -> r.keyId(key.keyId()))
			.keyMetadata()
			.currentKeyMaterialId();
		for (String region : List.of(WEST_REGION, EUROPE_REGION)) {
			KeyMetadata replica = client(region).describeKey(r -> r.keyId(key.keyId())).keyMetadata();
			assertThat(replica.keyStateAsString()).as(region).isEqualTo("Enabled");
			assertThat(replica.currentKeyMaterialId()).as("the same material in %s", region).isEqualTo(materialId);
		}
	}

	@Test
	void custodyReimportAfterARefusedImportWrapsForTheReplicasUnderTheirStillValidParametersWithoutDownloadingAgain() {
		KeyMetadata key = multiRegionKey(WEST_REGION, EUROPE_REGION);
		String jobId = createCustodyJob(key, Map.of());
		Response refused;
		try {
			this.emulator.faultsIn(this.emulator.region())
				.failEvery("ImportKeyMaterial", 1, "InvalidCiphertextException", 400);
			refused = uploadPlaintext(jobId, randomMaterial());
		}
		finally {
			this.emulator.faultsIn(this.emulator.region()).clear();
		}
		assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
		assertThat(refused.json().get("state").asString()).isEqualTo("PARAMETERS_FETCHED");
		Map<String, Long> downloads = jobCalls(jobId, "GetParametersForImport");
		Map<String, Long> imports = jobCalls(jobId, "ImportKeyMaterial");

		Response reimported = this.api.postJson("/api/v1/import-jobs/" + jobId + "/custody-reimport", "");

		assertThat(reimported.status()).as(reimported.toString()).isEqualTo(200);
		assertThat(reimported.json().get("state").asString()).isEqualTo("IMPORTED");
		assertThat(increase(imports, jobCalls(jobId, "ImportKeyMaterial"))).containsExactly(1L, 1L, 1L);
		assertThat(increase(downloads, jobCalls(jobId, "GetParametersForImport"))).containsExactly(0L, 0L, 0L);
	}

	@Test
	void custodyRenewalReimportsThePrimaryAndEveryReplicaAndRetriesOnlyTheReplicaThatFailedKeepingThePrimarysNewValidTo() {
		KeyMetadata key = multiRegionKey(WEST_REGION, EUROPE_REGION);
		// within the renewal margin (7 days) from the start
		String jobId = createCustodyJob(key, Map.of("expiration", Map.of("model", "KEY_MATERIAL_EXPIRES", "validTo",
				this.clock.instant().plus(Duration.ofDays(2)).toString())));
		assertThat(uploadPlaintext(jobId, randomMaterial()).json().get("state").asString()).isEqualTo("IMPORTED");
		this.emulator.faultsIn(EUROPE_REGION).failEvery("ImportKeyMaterial", 1, KmsFaults.Fault.INTERNAL);
		Map<String, Long> imports = counts("ImportKeyMaterial");

		this.lifecycle.runOnce();

		JsonNode job = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(job.get("lastError").get("code").asString()).isEqualTo("kms-internal-error");
		assertThat(increase(imports, counts("ImportKeyMaterial"))).containsExactly(1L, 1L, 1L);
		// the primary's renewal is recorded although a replica failed after it
		assertThat(Instant.parse(job.get("expiration").get("validTo").asString()))
			.isAfter(this.clock.instant().plus(Duration.ofDays(20)));
		assertThat(job.get("custodyRenewals").asInt()).isOne();
		assertThat(Instant.parse(job.get("replicas").get(0).get("materialValidTo").asString()))
			.isAfter(this.clock.instant().plus(Duration.ofDays(20)));
		assertThat(Instant.parse(job.get("replicas").get(1).get("materialValidTo").asString()))
			.isBefore(this.clock.instant().plus(Duration.ofDays(3)));

		this.emulator.faultsIn(EUROPE_REGION).clear();
		this.clock.advance(Duration.ofHours(1));
		this.lifecycle.runOnce();

		job = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(job.get("state").asString()).isEqualTo("IMPORTED");
		assertThat(job.get("lastError")).isNull();
		assertThat(job.get("custodyRenewals").asInt()).isOne();
		// the primary and the west replica, renewed in the first turn,
		// were not imported again
		assertThat(increase(imports, counts("ImportKeyMaterial"))).containsExactly(1L, 1L, 2L);
		Instant renewedTo = Instant.parse(job.get("expiration").get("validTo").asString());
		assertThat(renewedTo).isAfter(this.clock.instant().plus(Duration.ofDays(20)));
		for (String region : List.of(this.emulator.region(), WEST_REGION, EUROPE_REGION)) {
			assertThat(client(region).describeKey(r -> r.keyId(key.keyId())).keyMetadata().validTo()).as(region)
				.isAfter(this.clock.instant().plus(Duration.ofDays(20)));
		}
		assertThat(history(jobId)).filteredOn(c -> c.startsWith("material re-imported from custody into replica"))
			.hasSize(2);
	}

	@Test
	void aCustodyRenewalWhosePrimaryAndFirstReplicaFailStillRenewsTheReplicaAfterThem() {
		KeyMetadata key = multiRegionKey(WEST_REGION, EUROPE_REGION);
		String jobId = createCustodyJob(key, Map.of("expiration", Map.of("model", "KEY_MATERIAL_EXPIRES", "validTo",
				this.clock.instant().plus(Duration.ofDays(2)).toString())));
		assertThat(uploadPlaintext(jobId, randomMaterial()).json().get("state").asString()).isEqualTo("IMPORTED");
		JsonNode job;
		try {
			// the primary's region and the first replica's refuse every import
			this.emulator.faultsIn(this.emulator.region()).failEvery("ImportKeyMaterial", 1, KmsFaults.Fault.INTERNAL);
			this.emulator.faultsIn(WEST_REGION).failEvery("ImportKeyMaterial", 1, KmsFaults.Fault.INTERNAL);
			this.lifecycle.runOnce();
			job = this.api.get("/api/v1/import-jobs/" + jobId).json();
		}
		finally {
			this.emulator.faultsIn(this.emulator.region()).clear();
			this.emulator.faultsIn(WEST_REGION).clear();
		}

		assertThat(job.get("lastError").get("code").asString()).isEqualTo("kms-internal-error");
		assertThat(Instant.parse(job.get("expiration").get("validTo").asString()))
			.isBefore(this.clock.instant().plus(Duration.ofDays(3)));
		assertThat(Instant.parse(job.get("replicas").get(0).get("materialValidTo").asString()))
			.isBefore(this.clock.instant().plus(Duration.ofDays(3)));
		// the europe replica did not wait for the others: renewed in the same turn
		assertThat(Instant.parse(job.get("replicas").get(1).get("materialValidTo").asString()))
			.isAfter(this.clock.instant().plus(Duration.ofDays(20)));
		assertThat(client(EUROPE_REGION).describeKey(r -> r.keyId(key.keyId())).keyMetadata().validTo())
			.isAfter(this.clock.instant().plus(Duration.ofDays(20)));
	}

	@Test
	void aReplicaWhoseRenewalFailedIsListedAsExpiringWithItsOwnArnAndValidToWhileThePrimaryIsRenewed() {
		KeyMetadata key = multiRegionKey(WEST_REGION, EUROPE_REGION);
		Instant firstValidTo = this.clock.instant().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.SECONDS);
		String jobId = createCustodyJob(key,
				Map.of("expiration", Map.of("model", "KEY_MATERIAL_EXPIRES", "validTo", firstValidTo.toString())));
		assertThat(uploadPlaintext(jobId, randomMaterial()).json().get("state").asString()).isEqualTo("IMPORTED");
		// before the renewal, every member of the job is listed: three keys, one ValidTo
		assertThat(expiringKeysOf(jobId)).extracting(k -> k.get("validTo").asString())
			.containsOnly(firstValidTo.toString())
			.hasSize(3);
		JsonNode job;
		try {
			this.emulator.faultsIn(EUROPE_REGION).failEvery("ImportKeyMaterial", 1, KmsFaults.Fault.INTERNAL);
			this.lifecycle.runOnce();
			job = this.api.get("/api/v1/import-jobs/" + jobId).json();
		}
		finally {
			this.emulator.faultsIn(EUROPE_REGION).clear();
		}
		// the primary and the west replica were renewed past the window; the europe
		// replica still expires at the first ValidTo, and is what the list shows
		assertThat(Instant.parse(job.get("expiration").get("validTo").asString()))
			.isAfter(this.clock.instant().plus(Duration.ofDays(20)));
		String europeArn = job.get("replicas").get(1).get("kmsKeyArn").asString();
		assertThat(europeArn).contains(EUROPE_REGION);
		List<JsonNode> expiring = expiringKeysOf(jobId);
		assertThat(expiring).singleElement().satisfies(k -> {
			assertThat(k.get("kmsKeyArn").asString()).isEqualTo(europeArn);
			assertThat(k.get("validTo").asString()).isEqualTo(firstValidTo.toString());
		});
	}

	/**
	 * This job's entries in the expiring-keys list (other tests' jobs share the
	 * database).
	 */
	private List<JsonNode> expiringKeysOf(String jobId) {
		return this.api.get("/api/v1/expiring-keys?within=P7D")
			.json()
			.get("keys")
			.valueStream()
			.filter(k -> k.get("jobId").asString().equals(jobId))
			.toList();
	}

	@Test
	void aReplicaWhoseRenewalKeptFailingPastItsValidToIsRenewedWhenKmsTakesItAgainAndThePrimaryIsLeftAlone() {
		KeyMetadata key = multiRegionKey(WEST_REGION, EUROPE_REGION);
		Instant firstValidTo = this.clock.instant().plus(Duration.ofDays(2));
		String jobId = createCustodyJob(key,
				Map.of("expiration", Map.of("model", "KEY_MATERIAL_EXPIRES", "validTo", firstValidTo.toString())));
		assertThat(uploadPlaintext(jobId, randomMaterial()).json().get("state").asString()).isEqualTo("IMPORTED");
		// this job's calls by its audit entries: other tests' jobs come due as the clock
		// moves on days
		Map<String, Long> imports = jobCalls(jobId, "ImportKeyMaterial");
		Map<String, Long> downloads = jobCalls(jobId, "GetParametersForImport");
		JsonNode job;
		try {
			this.emulator.faultsIn(EUROPE_REGION).failEvery("ImportKeyMaterial", 1, KmsFaults.Fault.INTERNAL);
			this.lifecycle.runOnce();
			// the europe replica's material expires while its renewal still fails
			this.clock.advance(Duration.ofDays(3));
			assertThat(client(EUROPE_REGION).describeKey(r -> r.keyId(key.keyId())).keyMetadata().keyStateAsString())
				.isEqualTo("PendingImport");
			this.lifecycle.runOnce();
			job = this.api.get("/api/v1/import-jobs/" + jobId).json();
			assertThat(job.get("state").asString()).isEqualTo("IMPORTED");
			assertThat(job.get("lastError").get("code").asString()).isEqualTo("kms-internal-error");
			assertThat(job.get("lastError").get("message").asString()).contains(firstValidTo.toString());
		}
		finally {
			this.emulator.faultsIn(EUROPE_REGION).clear();
		}
		this.clock.advance(Duration.ofDays(1));
		this.lifecycle.runOnce();

		job = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(job.get("state").asString()).isEqualTo("IMPORTED");
		assertThat(job.get("lastError")).isNull();
		assertThat(job.get("custodyRenewals").asInt()).isOne();
		// the primary and the west replica once, the europe replica in
		// each of the three turns
		assertThat(increase(imports, jobCalls(jobId, "ImportKeyMaterial"))).containsExactly(1L, 1L, 3L);
		assertThat(increase(downloads, jobCalls(jobId, "GetParametersForImport"))).containsExactly(1L, 1L, 3L);
		KeyMetadata europe = client(EUROPE_REGION).describeKey(r -> r.keyId(key.keyId())).keyMetadata();
		assertThat(europe.keyStateAsString()).isEqualTo("Enabled");
		assertThat(europe.validTo()).isAfter(this.clock.instant().plus(Duration.ofDays(20)));
		assertThat(Instant.parse(job.get("replicas").get(1).get("materialValidTo").asString()))
			.isAfter(this.clock.instant().plus(Duration.ofDays(20)));
		// nothing is due until the members' ValidTo comes within the margin again
		Map<String, Long> settled = jobCalls(jobId, "ImportKeyMaterial");
		this.clock.advance(Duration.ofDays(1));
		this.lifecycle.runOnce();
		assertThat(increase(settled, jobCalls(jobId, "ImportKeyMaterial"))).containsExactly(0L, 0L, 0L);
	}

	@Test
	void aReplicasCustodyRenewalImportGetsALeaseOfItsOwnAfterTheDownloadAndTheCustodiansDecrypt() throws Exception {
		KeyMetadata key = multiRegionKey(WEST_REGION, EUROPE_REGION);
		String jobId = createCustodyJob(key, Map.of("expiration", Map.of("model", "KEY_MATERIAL_EXPIRES", "validTo",
				this.clock.instant().plus(Duration.ofDays(2)).toString())));
		assertThat(uploadPlaintext(jobId, randomMaterial()).json().get("state").asString()).isEqualTo("IMPORTED");
		// the primary and the west replica are renewed, europe fails: only europe is left
		this.emulator.faultsIn(EUROPE_REGION).failEvery("ImportKeyMaterial", 1, KmsFaults.Fault.INTERNAL);
		try {
			this.custodyRenewals.renewDueMaterial();
		}
		finally {
			this.emulator.faultsIn(EUROPE_REGION).clear();
		}
		this.clock.advance(Duration.ofHours(1));
		// the custodian's Decrypt (the second call, after europe's download) is slow; the
		// import after it slow enough for the poll to see its lease
		long decrypts = this.emulator.callCountIn(this.emulator.region(), "Decrypt");
		this.emulator.faultsIn(this.emulator.region()).latency("Decrypt", Duration.ofMillis(1500));
		this.emulator.faultsIn(EUROPE_REGION).latency("ImportKeyMaterial", Duration.ofMillis(600));
		boolean extendedInTime;
		try {
			extendedInTime = LeaseWatch.extendedAfterALapse(this.clock, this.jdbc, jobId,
					() -> this.emulator.callCountIn(this.emulator.region(), "Decrypt") > decrypts,
					this.custodyRenewals::renewDueMaterial);
		}
		finally {
			this.emulator.faultsIn(this.emulator.region()).clear();
			this.emulator.faultsIn(EUROPE_REGION).clear();
		}
		assertThat(extendedInTime).as("the lease was extended between the custodian's wrap and the replica's import")
			.isTrue();
		JsonNode renewed = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(renewed.get("lastError")).isNull();
		assertThat(Instant.parse(renewed.get("replicas").get(1).get("materialValidTo").asString()))
			.isAfter(this.clock.instant().plus(Duration.ofDays(20)));
	}

	@Test
	void twoUploadsAtOnceToAJobWhoseReplicaParametersLapsedSpendOneDownloadAndTheSecondIsToldTheJobIsBusy()
			throws Exception {
		KeyMetadata key = multiRegionKey(WEST_REGION, EUROPE_REGION);
		String jobId = createJob(key.keyId(), WEST, EUROPE).json().get("id").asString();
		this.emulator.faultsIn(WEST_REGION).failEvery("ImportKeyMaterial", 1, "ExpiredImportTokenException", 400);
		byte[] material = randomMaterial();
		try {
			uploadPlaintext(jobId, material.clone());
		}
		finally {
			this.emulator.faultsIn(WEST_REGION).clear();
		}
		this.lifecycle.runOnce();
		assertThat(this.api.get("/api/v1/import-jobs/" + jobId).json().get("replicas").get(0).get("state").asString())
			.isEqualTo("NEEDS_UPLOAD");
		// the west replica's new parameters lapse while it waits for the upload
		this.clock.advance(Duration.ofHours(25));
		long downloads = this.emulator.callCountIn(WEST_REGION, "GetParametersForImport");
		// the first upload's download is slow enough for the second to arrive meanwhile
		this.emulator.faultsIn(WEST_REGION).latency("GetParametersForImport", Duration.ofMillis(1500));
		List<Response> answers;
		java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
		try {
			java.util.concurrent.Future<Response> first = pool.submit(() -> uploadPlaintext(jobId, material.clone()));
			Thread.sleep(500);
			java.util.concurrent.Future<Response> second = pool.submit(() -> uploadPlaintext(jobId, material.clone()));
			answers = List.of(first.get(), second.get());
		}
		finally {
			pool.shutdownNow();
			this.emulator.faultsIn(WEST_REGION).clear();
		}

		assertThat(answers.get(0).status()).as(answers.get(0).toString()).isEqualTo(200);
		assertThat(answers.get(0).json().get("state").asString()).isEqualTo("IMPORTED");
		assertThat(answers.get(1).status()).as(answers.get(1).toString()).isEqualTo(409);
		assertThat(answers.get(1).json().get("code").asString()).isEqualTo("job-busy");
		assertThat(answers.get(1).header("Retry-After")).isNotBlank();
		assertThat(this.emulator.callCountIn(WEST_REGION, "GetParametersForImport") - downloads).isOne();
	}

	@Test
	void encryptedUploadToAJobWithReplicasIsRefused() {
		KeyMetadata key = multiRegionKey(WEST_REGION);
		String jobId = createJob(key.keyId(), WEST).json().get("id").asString();

		Response refused = this.api.putJson("/api/v1/import-jobs/" + jobId + "/encrypted-key-material",
				ApiClient.json(Map.of("encryptedKeyMaterial", Base64.getEncoder().encodeToString(new byte[256]))));

		assertProblem(refused, 409, "replicas-require-plaintext");
		assertThat(this.api.get("/api/v1/import-jobs/" + jobId).json().get("state").asString())
			.isEqualTo("PARAMETERS_FETCHED");
	}

	@Test
	void planAndRealRequestRefuseBadReplicasAlikeWithoutDownloadingOrCreatingAnything() {
		KeyMetadata key = multiRegionKey(WEST_REGION, OTHER_REGION);
		String single = TestInfrastructure.kmsClient()
			.createKey(r -> r.origin(OriginType.EXTERNAL))
			.keyMetadata()
			.keyId();
		own(single, EAST);
		// the west replica, owned too, to start a job on it
		own(key.keyId(), WEST);
		Response huaweiKey = this.api.postJson("/api/v1/kms-keys",
				ApiClient.json(Map.of("keySpec", "AES_256", "target", HUAWEI)));
		assertThat(huaweiKey.status()).as(huaweiKey.toString()).isEqualTo(201);
		long replications = this.emulator.callCount("ReplicateKey");

		refusedAlike(body(key.keyId(), EAST, "nowhere"), 400, "unknown-kms-target");
		refusedAlike(body(single, EAST, WEST), 422, "kms-key-not-multi-region");
		refusedAlike(body(key.keyId(), WEST, EUROPE), 422, "kms-key-is-replica");
		refusedAlike(body(key.keyId(), EAST, EAST), 422, "replica-same-region");
		refusedAlike(body(key.keyId(), EAST, WEST, WEST), 422, "replica-same-region");
		refusedAlike(body(key.keyId(), EAST, HUAWEI), 422, "replica-other-provider");
		refusedAlike(body(key.keyId(), EAST, OTHER), 422, "replica-other-account");
		refusedAlike(body(huaweiKey.json().get("keyId").asString(), HUAWEI, WEST), 422, "multi-region-unsupported");
		assertThat(this.emulator.callCount("ReplicateKey")).isEqualTo(replications);

		// a plan that would succeed: the calls it would make, none made
		Map<String, Long> downloads = counts("GetParametersForImport");
		Response plan = this.api.postJson("/api/v1/import-job-plans",
				ApiClient.json(body(key.keyId(), EAST, WEST, EUROPE)));
		assertThat(plan.status()).as(plan.toString()).isEqualTo(200);
		assertThat(plan.json().get("kmsCalls").valueStream().map(JsonNode::asString)).containsExactly("ReplicateKey",
				"GetParametersForImport", "GetParametersForImport", "GetParametersForImport", "ImportKeyMaterial",
				"ImportKeyMaterial", "ImportKeyMaterial");
		assertThat(plan.json().get("replicas").get(0).get("created").asBoolean()).isFalse();
		assertThat(plan.json().get("replicas").get(0).get("keyState").asString()).isEqualTo("PENDING_IMPORT");
		assertThat(plan.json().get("replicas").get(1).get("created").asBoolean()).isTrue();
		assertThat(increase(downloads, counts("GetParametersForImport"))).containsExactly(0L, 0L, 0L);
		assertThat(this.emulator.callCount("ReplicateKey")).isEqualTo(replications);
	}

	// --- helpers

	void refusedAlike(Map<String, Object> body, int status, String code) {
		long downloads = this.emulator.callCount("GetParametersForImport");
		long jobs = this.jdbc.queryForObject("select count(*) from import_job", Long.class);
		Response plan = this.api.postJson("/api/v1/import-job-plans", ApiClient.json(body));
		Response real = this.api.postJson("/api/v1/import-jobs", ApiClient.json(body));
		assertProblem(plan, status, code);
		assertProblem(real, status, code);
		assertThat(this.emulator.callCount("GetParametersForImport")).as("downloads").isEqualTo(downloads);
		assertThat(this.jdbc.queryForObject("select count(*) from import_job", Long.class)).isEqualTo(jobs);
	}

	/**
	 * A job for the key's primary and both replicas whose material the vault custodian
	 * keeps.
	 */
	private String createCustodyJob(KeyMetadata key, Map<String, Object> extra) {
		Map<String, Object> body = new java.util.HashMap<>(body(key.keyId(), EAST, WEST, EUROPE));
		body.put("custody", "vault");
		body.putAll(extra);
		Response created = this.api.postJson("/api/v1/import-jobs", ApiClient.json(body));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		return created.json().get("id").asString();
	}

	static Map<String, Object> body(String keyId, String target, String... replicas) {
		return Map.of("kmsKeyId", keyId, "target", target, "replicas", List.of(replicas));
	}

	/**
	 * A multi-Region primary in the emulator's region, replicated where asked, owned by
	 * tenant-a.
	 */
	KeyMetadata multiRegionKey(String... replicaRegions) {
		KmsClient kms = TestInfrastructure.kmsClient();
		KeyMetadata key = kms.createKey(r -> r.origin(OriginType.EXTERNAL).multiRegion(true)).keyMetadata();
		for (String region : replicaRegions) {
			kms.replicateKey(r -> r.keyId(key.keyId()).replicaRegion(region));
		}
		own(key.keyId(), EAST);
		return key;
	}

	void own(String keyId, String target) {
		Response assigned = this.admin.putJson("/api/v1/kms-keys/" + keyId + "/owner?target=" + target,
				ApiClient.json(Map.of("tenant", "tenant-a")));
		assertThat(assigned.status()).as(assigned.toString()).isEqualTo(200);
	}

	/**
	 * A job on the key with the west and europe replicas, whose upload the west replica
	 * refused for a lapsed token: it got new parameters and waits for an upload.
	 */
	String jobWaitingForTheWestReplicasUpload(KeyMetadata key, byte[] material) {
		String jobId = createJob(key.keyId(), WEST, EUROPE).json().get("id").asString();
		this.emulator.faultsIn(WEST_REGION).failEvery("ImportKeyMaterial", 1, "ExpiredImportTokenException", 400);
		try {
			uploadPlaintext(jobId, material.clone());
		}
		finally {
			this.emulator.faultsIn(WEST_REGION).clear();
		}
		this.lifecycle.runOnce();
		assertThat(this.api.get("/api/v1/import-jobs/" + jobId).json().get("lastError").get("code").asString())
			.isEqualTo("replica-needs-upload");
		return jobId;
	}

	/**
	 * A job whose west replica's import was throttled at the upload, and whose next
	 * attempt was sent by an instance that died before recording the answer: its mark is
	 * left (KMS may hold the material). The west region keeps throttling the import until
	 * the caller clears its faults.
	 */
	String jobWhoseWestImportWasSentByAnInstanceThatDied(KeyMetadata key) {
		String jobId = createJob(key.keyId(), WEST, EUROPE).json().get("id").asString();
		this.emulator.faultsIn(WEST_REGION).throttleEvery("ImportKeyMaterial", 1);
		assertThat(uploadPlaintext(jobId, randomMaterial()).json().get("state").asString()).isEqualTo("REPLICATING");
		this.jdbc.update(
				"update import_job_replica set import_in_flight = true where job_id = ?::uuid " + "and kms_target = ?",
				jobId, WEST);
		return jobId;
	}

	Response createJob(String keyId, String... replicas) {
		Response created = this.api.postJson("/api/v1/import-jobs", ApiClient.json(body(keyId, EAST, replicas)));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		return created;
	}

	Response uploadPlaintext(String jobId, byte[] material) {
		return this.api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(material))));
	}

	static byte[] randomMaterial() {
		byte[] material = new byte[32];
		new Random().nextBytes(material);
		return material;
	}

	/** Calls of an operation per region: the primary's, west, europe. */
	Map<String, Long> counts(String operation) {
		return Map.of("east", this.emulator.callCountIn(this.emulator.region(), operation), "west",
				this.emulator.callCountIn(WEST_REGION, operation), "europe",
				this.emulator.callCountIn(EUROPE_REGION, operation));
	}

	/**
	 * One job's audited calls of an operation per region: the primary's, west, europe.
	 */
	Map<String, Long> jobCalls(String jobId, String operation) {
		Map<String, Long> calls = new java.util.HashMap<>();
		Map.of("east", this.emulator.region(), "west", WEST_REGION, "europe", EUROPE_REGION)
			.forEach((name, region) -> calls.put(name, this.jdbc.queryForObject(
					"select count(*) from audit_event where job_id = ? and operation = ? and kms_key_arn like ?",
					Long.class, UUID.fromString(jobId), "kms:" + operation, "arn:aws:kms:" + region + ":%")));
		return calls;
	}

	static List<Long> increase(Map<String, Long> before, Map<String, Long> after) {
		return List.of(after.get("east") - before.get("east"), after.get("west") - before.get("west"),
				after.get("europe") - before.get("europe"));
	}

	List<String> history(String jobId) {
		return this.api.get("/api/v1/import-jobs/" + jobId + "/events")
			.json()
			.valueStream()
			.map(e -> e.get("cause").asString())
			.toList();
	}

	double counter(String target, String outcome) {
		var counter = this.meters.find("keyport.replica.imports")
			.tag("target", target)
			.tag("outcome", outcome)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	KmsClient client(String region) {
		return KmsClient.builder()
			.endpointOverride(this.emulator.endpoint())
			.region(Region.of(region))
			.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
			.build();
	}

}
