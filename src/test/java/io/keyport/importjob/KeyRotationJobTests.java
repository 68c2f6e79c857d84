package io.keyport.importjob;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AlgorithmSpec;
import software.amazon.awssdk.services.kms.model.ExpirationModelType;
import software.amazon.awssdk.services.kms.model.GetParametersForImportResponse;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.OriginType;
import software.amazon.awssdk.services.kms.model.WrappingKeySpec;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import io.keyport.emulator.KmsEmulator;
import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.IntegrationTest;
import io.keyport.testsupport.PlaintextRegistry;
import io.keyport.testsupport.TestInfrastructure;
import io.keyport.testsupport.Tokens;
import io.keyportdev.localauth.LocalAuthorizationServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rotation of imported symmetric keys as jobs (issue 15, point 3): a rotation job imports
 * new material (ImportType NEW_KEY_MATERIAL) into a key that has some and rotates to it
 * on import, at a set time or on request; every material of the key is tracked with its
 * own ValidTo by the job that imported it. Against the emulator over HTTP with the real
 * AWS SDK.
 */
class KeyRotationJobTests extends IntegrationTest {

	final KmsClient kms = TestInfrastructure.kmsClient();

	@LocalServerPort
	int port;

	@Autowired
	ImportJobLifecycle lifecycle;

	@Autowired
	KeyRotations rotations;

	@Autowired
	MeterRegistry meters;

	@Autowired
	JdbcTemplate jdbc;

	ApiClient api;

	@BeforeEach
	void client() {
		this.api = new ApiClient(this.port);
		this.clock.set(Instant.now().truncatedTo(ChronoUnit.SECONDS));
	}

	@Test
	void twoMaterialsInOneKeyRotatedOnRequestAreEachTrackedWithTheirOwnValidTo() throws Exception {
		Instant start = this.clock.instant();
		String keyId = createKey("SYMMETRIC_DEFAULT");
		byte[] first = random();
		byte[] second = random();
		Instant firstValidTo = start.plus(Duration.ofDays(2));
		Instant secondValidTo = start.plus(Duration.ofDays(5));
		JsonNode jobA = importMaterial(create(keyId, firstValidTo, null, null), first);
		String a = jobA.get("id").asString();
		String m1 = KmsEmulator.keyMaterialIdOf(keyId, first);
		assertThat(jobA.get("keyMaterialId").asString()).isEqualTo(m1);
		// imported later than the first, as rotations are
		this.clock.advance(Duration.ofMinutes(1));

		JsonNode jobB = importMaterial(create(keyId, secondValidTo, "NEW_KEY_MATERIAL", Map.of("when", "BY_API")),
				second);
		String b = jobB.get("id").asString();
		String m2 = KmsEmulator.keyMaterialIdOf(keyId, second);
		assertThat(jobB.get("state").asString()).isEqualTo("IMPORTED_PENDING_ROTATION");
		assertThat(jobB.get("importType").asString()).isEqualTo("NEW_KEY_MATERIAL");
		assertThat(jobB.get("rotation").get("when").asString()).isEqualTo("BY_API");
		assertThat(jobB.get("keyMaterialId").asString()).isEqualTo(m2);
		// the new material waits; the key still encrypts with the first, whose job stays
		assertThat(describe(keyId).currentKeyMaterialId()).isEqualTo(m1);
		assertThat(job(a).get("state").asString()).isEqualTo("IMPORTED");

		Response rotated = this.api.post("/api/v1/import-jobs/" + b + "/rotation");
		assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
		assertThat(rotated.json().get("state").asString()).isEqualTo("IMPORTED");
		assertThat(rotated.json().get("rotation").get("rotatedAt").asString()).isNotNull();
		assertThat(describe(keyId).currentKeyMaterialId()).isEqualTo(m2);
		assertThat(events(b)).anySatisfy(cause -> assertThat(cause).startsWith("rotated: material " + m2));
		Response again = this.api.post("/api/v1/import-jobs/" + b + "/rotation");
		assertThat(again.status()).isEqualTo(409);
		assertThat(again.json().get("code").asString()).isEqualTo("rotation-already-done");
		Response notARotation = this.api.post("/api/v1/import-jobs/" + a + "/rotation");
		assertThat(notARotation.status()).isEqualTo(409);
		assertThat(notARotation.json().get("code").asString()).isEqualTo("rotation-not-pending");

		// both materials in the key, each with its own ValidTo and job
		JsonNode materials = this.api.get("/api/v1/kms-keys/" + keyId + "/key-materials").json();
		assertThat(materials.get("currentKeyMaterialId").asString()).isEqualTo(m2);
		Map<String, JsonNode> byId = new LinkedHashMap<>();
		materials.get("materials").valueStream().forEach(m -> byId.put(m.get("keyMaterialId").asString(), m));
		assertThat(byId).containsOnlyKeys(m1, m2);
		assertThat(byId.get(m1).get("state").asString()).isEqualTo("NON_CURRENT");
		assertThat(Instant.parse(byId.get(m1).get("validTo").asString())).isEqualTo(firstValidTo);
		assertThat(byId.get(m1).get("importJobId").asString()).isEqualTo(a);
		assertThat(byId.get(m2).get("state").asString()).isEqualTo("CURRENT");
		assertThat(Instant.parse(byId.get(m2).get("validTo").asString())).isEqualTo(secondValidTo);
		assertThat(byId.get(m2).get("importJobId").asString()).isEqualTo(b);
		// and both expiring, each by its own job
		JsonNode expiring = this.api.get("/api/v1/expiring-keys?within=P30D").json();
		List<JsonNode> ofKey = expiring.get("keys")
			.valueStream()
			.filter(k -> k.get("kmsKeyId").asString().equals(keyId))
			.toList();
		assertThat(ofKey).extracting(k -> k.get("jobId").asString()).containsExactly(a, b);
		assertThat(ofKey).extracting(k -> Instant.parse(k.get("validTo").asString()))
			.containsExactly(firstValidTo, secondValidTo);

		// the first job is not superseded by the rotation: it is watched, and its own
		// material's expiry is seen although the key stays Enabled with the second
		this.lifecycle.watchImportedJobs();
		assertThat(job(a).get("state").asString()).isEqualTo("IMPORTED");
		this.clock.set(firstValidTo.plusSeconds(1));
		this.lifecycle.watchImportedJobs();
		assertThat(job(a).get("state").asString()).isEqualTo("MATERIAL_EXPIRED");
		assertThat(events(a).getLast()).startsWith("material " + m1 + " (not the key's current material) expired at");
		assertThat(job(b).get("state").asString()).isEqualTo("IMPORTED");
		assertThat(describe(keyId).keyState()).isEqualTo(KeyState.ENABLED);

		// the first material imported again: by its own id, while the key's current
		// material is the second
		Instant renewedValidTo = this.clock.instant().plus(Duration.ofDays(3));
		Response refreshed = this.api.postJson("/api/v1/import-jobs/" + a + "/refresh-parameters", ApiClient
			.json(Map.of("expiration", Map.of("model", "KEY_MATERIAL_EXPIRES", "validTo", renewedValidTo.toString()))));
		assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
		JsonNode reimported = importMaterial(a, first);
		assertThat(reimported.get("state").asString()).isEqualTo("IMPORTED");
		assertThat(reimported.get("keyMaterialId").asString()).isEqualTo(m1);
		assertThat(job(b).get("state").asString()).as("the rotation job is not superseded by the re-import")
			.isEqualTo("IMPORTED");
		assertThat(describe(keyId).currentKeyMaterialId()).isEqualTo(m2);
	}

	@Test
	void aRotationJobWaitingToRotateIsWatchedAndEndsMaterialExpiredWhenItsOwnMaterialExpires() throws Exception {
		Instant start = this.clock.instant();
		String keyId = createKey("SYMMETRIC_DEFAULT");
		Instant pendingValidTo = start.plus(Duration.ofDays(2));
		String pending = pendingOnRequest(keyId, start, pendingValidTo);
		assertThat(job(pending).get("state").asString()).isEqualTo("IMPORTED_PENDING_ROTATION");

		this.lifecycle.watchImportedJobs();
		assertThat(job(pending).get("state").asString()).isEqualTo("IMPORTED_PENDING_ROTATION");
		this.clock.set(pendingValidTo.plusSeconds(1));
		this.lifecycle.watchImportedJobs();

		// its material expired without ever rotating: a rotation now could only fail
		assertThat(job(pending).get("state").asString()).isEqualTo("MATERIAL_EXPIRED");
		assertThat(events(pending).getLast()).contains("(not the key's current material) expired at");
		assertThat(describe(keyId).keyState()).isEqualTo(KeyState.ENABLED);
	}

	@Test
	void aRotationJobWaitingToRotateOnRequestFailsOnceItsKeyIsDeletedInsteadOfRetryingForGood() throws Exception {
		Instant start = this.clock.instant();
		String keyId = createKey("SYMMETRIC_DEFAULT");
		String pending = pendingOnRequest(keyId, start, start.plus(Duration.ofDays(20)));
		this.kms.scheduleKeyDeletion(r -> r.keyId(keyId).pendingWindowInDays(7));
		// past the deletion date KMS no longer knows the key
		this.clock.advance(Duration.ofDays(8));

		this.lifecycle.watchImportedJobs();

		JsonNode gone = job(pending);
		assertThat(gone.get("state").asString()).isEqualTo("FAILED");
		assertThat(gone.get("lastError").get("code").asString()).isEqualTo("kms-key-not-found");
		assertThat(events(pending).getLast()).contains("the KMS key no longer exists");
	}

	@Test
	void aRotationJobWhoseMaterialBecameCurrentOutsideItsRequestIsRecordedRotatedByTheCheck() throws Exception {
		Instant start = this.clock.instant();
		String keyId = createKey("SYMMETRIC_DEFAULT");
		String pending = pendingOnRequest(keyId, start, start.plus(Duration.ofDays(20)));
		String materialId = job(pending).get("keyMaterialId").asString();
		// RotateKeyOnDemand's answer lost, or a rotation in the console
		this.kms.rotateKeyOnDemand(r -> r.keyId(keyId));
		assertThat(describe(keyId).currentKeyMaterialId()).isEqualTo(materialId);
		this.clock.advance(Duration.ofDays(1).plusMinutes(1));

		this.lifecycle.watchImportedJobs();

		JsonNode rotated = job(pending);
		assertThat(rotated.get("state").asString()).isEqualTo("IMPORTED");
		assertThat(events(pending).getLast()).contains("KMS lists material " + materialId + " as the key's current");
		// a rotation on request now says it was done, rather than rotating again
		Response again = this.api.post("/api/v1/import-jobs/" + pending + "/rotation");
		assertThat(again.status()).as(again.toString()).isEqualTo(409);
		assertThat(again.json().get("code").asString()).isEqualTo("rotation-already-done");
	}

	@Test
	void aRotationJobWhoseMaterialWasRotatedToAndReplacedOutsideKeyportIsRecordedRotatedByTheCheck() throws Exception {
		String pending = pendingThenRotatedToAndReplacedOutsideKeyport();
		String materialId = job(pending).get("keyMaterialId").asString();
		this.clock.advance(Duration.ofDays(1).plusMinutes(1));

		this.lifecycle.watchImportedJobs();

		assertThat(job(pending).get("state").asString()).isEqualTo("IMPORTED");
		assertThat(events(pending).getLast()).contains("material " + materialId + " was the key's current material")
			.contains("later material replaced it");
	}

	@Test
	void aRotationOnRequestOfMaterialRotatedToAndReplacedOutsideKeyportIsRecordedRotated() throws Exception {
		String pending = pendingThenRotatedToAndReplacedOutsideKeyport();

		Response rotated = this.api.post("/api/v1/import-jobs/" + pending + "/rotation");

		assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
		assertThat(rotated.json().get("state").asString()).isEqualTo("IMPORTED");
		assertThat(events(pending).getLast()).contains("later material replaced it");
	}

	/**
	 * A rotation job's material pending rotation on request; then, with the SDK,
	 * RotateKeyOnDemand to it, and new material imported and rotated to: the job's
	 * material stays in the key, no longer current. The job's id.
	 */
	private String pendingThenRotatedToAndReplacedOutsideKeyport() throws Exception {
		Instant start = this.clock.instant();
		String keyId = createKey("SYMMETRIC_DEFAULT");
		String pending = pendingOnRequest(keyId, start, start.plus(Duration.ofDays(20)));
		String materialId = job(pending).get("keyMaterialId").asString();
		this.kms.rotateKeyOnDemand(r -> r.keyId(keyId));
		GetParametersForImportResponse parameters = this.kms.getParametersForImport(r -> r.keyId(keyId)
			.wrappingAlgorithm(AlgorithmSpec.RSAES_OAEP_SHA_256)
			.wrappingKeySpec(WrappingKeySpec.RSA_2048));
		Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
		oaep.init(Cipher.ENCRYPT_MODE,
				KeyFactory.getInstance("RSA")
					.generatePublic(new X509EncodedKeySpec(parameters.publicKey().asByteArray())),
				new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
		SdkBytes wrapped = SdkBytes.fromByteArray(oaep.doFinal(random()));
		this.kms.importKeyMaterial(r -> r.keyId(keyId)
			.importToken(parameters.importToken())
			.encryptedKeyMaterial(wrapped)
			.importType(software.amazon.awssdk.services.kms.model.ImportType.NEW_KEY_MATERIAL)
			.expirationModel(ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE));
		this.kms.rotateKeyOnDemand(r -> r.keyId(keyId));
		assertThat(describe(keyId).currentKeyMaterialId()).isNotEqualTo(materialId);
		return pending;
	}

	@Test
	void keyMaterialsOfSomethingThatIsNotAKeyIdAreRefusedWith400BeforeKms() {
		String keyId = createKey("SYMMETRIC_DEFAULT");
		long listed = this.emulator.callCount("ListKeyRotations");
		long described = this.emulator.callCount("DescribeKey");
		for (String reference : List.of("arn:aws:kms:us-east-1:111122223333:key", keyId + ".json", "a%20b",
				"x".repeat(2049))) {
			Response refused = this.api.get("/api/v1/kms-keys/" + reference + "/key-materials");
			assertThat(refused.status()).as(reference + ": " + refused).isEqualTo(400);
			assertThat(refused.json().get("code").asString()).as(reference).isEqualTo("invalid-parameter");
		}
		assertThat(this.emulator.callCount("ListKeyRotations")).isEqualTo(listed);
		assertThat(this.emulator.callCount("DescribeKey")).isEqualTo(described);
	}

	@Test
	void keyMaterialsOfAKeyArnOrAliasNameAreRefusedWith400WithoutDescribingThem() {
		String alias = "alias/keyport-test/materials-" + System.nanoTime();
		Response created = this.api.postJson("/api/v1/kms-keys",
				ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT", "alias", alias)));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		String arn = created.json().get("arn").asString();
		long listed = this.emulator.callCount("ListKeyRotations");
		long described = this.emulator.callCount("DescribeKey");
		for (String reference : List.of(arn, "arn:aws:kms:eu-central-1:111122223333:key/" + UUID.randomUUID(), alias,
				"alias/app", arn.replace(":key/", ":alias/") + "-arn")) {
			Response refused = this.api.get("/api/v1/kms-keys/" + reference + "/key-materials");
			assertThat(refused.status()).as(reference + ": " + refused).isEqualTo(400);
			assertThat(refused.json().get("code").asString()).as(reference).isEqualTo("invalid-parameter");
			assertThat(refused.json().get("detail").asString()).contains("key id");
		}
		assertThat(this.emulator.callCount("ListKeyRotations")).isEqualTo(listed);
		assertThat(this.emulator.callCount("DescribeKey")).isEqualTo(described);
		// the key is still described by its ARN and alias
		assertThat(this.api.get("/api/v1/kms-keys/" + alias).json().get("arn").asString()).isEqualTo(arn);
		assertThat(this.api.get("/api/v1/kms-keys/" + arn).json().get("arn").asString()).isEqualTo(arn);
	}

	@Test
	void anAliasNamedKeyMaterialsIsNotMistakenForTheKeyMaterialsOfAnotherKey() {
		String alias = "alias/key-materials";
		Response created = this.api.postJson("/api/v1/kms-keys",
				ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT", "alias", alias)));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		String arn = created.json().get("arn").asString();
		// one segment before /key-materials: the key-materials path of the key id
		// "alias", which names no key; never a DescribeKey answer for the alias
		Response materials = this.api.get("/api/v1/kms-keys/" + alias);
		assertThat(materials.status()).as(materials.toString()).isEqualTo(404);
		assertThat(materials.json().get("code").asString()).isEqualTo("kms-key-not-found");
		// the alias still names the key where a sub-resource follows it
		Response publicKey = this.api.get("/api/v1/kms-keys/" + alias + "/public-key");
		assertThat(publicKey.status()).as(publicKey.toString()).isEqualTo(422);
		assertThat(publicKey.json().get("detail").asString()).contains(arn);
	}

	@Test
	void aRefreshCannotGiveAScheduledRotationJobMaterialThatExpiresBeforeItsRotation() {
		String keyId = createKey("SYMMETRIC_DEFAULT");
		importMaterial(create(keyId, this.clock.instant().plus(Duration.ofDays(2)), null, null), random());
		Instant at = this.clock.instant().plus(Duration.ofDays(1));
		Instant validTo = this.clock.instant().plus(Duration.ofDays(4));
		String id = create(keyId, validTo, "NEW_KEY_MATERIAL", Map.of("when", "AT", "at", at.toString()));
		long downloads = this.emulator.callCount("GetParametersForImport");

		// found by review: the creation refuses this, a refresh took it
		Response refused = this.api.postJson("/api/v1/import-jobs/" + id + "/refresh-parameters", ApiClient.json(Map
			.of("expiration", Map.of("model", "KEY_MATERIAL_EXPIRES", "validTo", at.minusSeconds(60).toString()))));

		ImportJobApiTests.assertProblem(refused, 422, "invalid-rotation");
		assertThat(this.emulator.callCount("GetParametersForImport")).isEqualTo(downloads);
		assertThat(Instant.parse(job(id).get("expiration").get("validTo").asString())).isEqualTo(validTo);
		Response later = this.api.postJson("/api/v1/import-jobs/" + id + "/refresh-parameters", ApiClient.json(Map
			.of("expiration", Map.of("model", "KEY_MATERIAL_EXPIRES", "validTo", at.plusSeconds(3600).toString()))));
		assertThat(later.status()).as(later.toString()).isEqualTo(200);
	}

	@Test
	void aScheduledRotationIsMadeByTheSchedulerAtItsTime() throws Exception {
		String keyId = createKey("SYMMETRIC_DEFAULT");
		importMaterial(create(keyId, this.clock.instant().plus(Duration.ofDays(2)), null, null), random());
		byte[] second = random();
		Instant at = this.clock.instant().plus(Duration.ofHours(1));
		JsonNode job = importMaterial(create(keyId, this.clock.instant().plus(Duration.ofDays(4)), "NEW_KEY_MATERIAL",
				Map.of("when", "AT", "at", at.toString())), second);
		String id = job.get("id").asString();
		assertThat(Instant.parse(job.get("rotation").get("at").asString())).isEqualTo(at);

		this.lifecycle.runOnce();
		assertThat(job(id).get("state").asString()).as("before its time").isEqualTo("IMPORTED_PENDING_ROTATION");
		this.clock.set(at.plusSeconds(1));
		ImportJobLifecycle.RunSummary run = this.lifecycle.runOnce();
		assertThat(run.rotations()).isPositive();
		JsonNode rotated = job(id);
		assertThat(rotated.get("state").asString()).isEqualTo("IMPORTED");
		assertThat(Instant.parse(rotated.get("rotation").get("rotatedAt").asString())).isEqualTo(at.plusSeconds(1));
		assertThat(rotated.get("rotation").has("at")).isFalse();
		assertThat(describe(keyId).currentKeyMaterialId()).isEqualTo(KmsEmulator.keyMaterialIdOf(keyId, second));
	}

	@Test
	void aRotationJobWithoutAPlanRotatesRightAfterItsImport() throws Exception {
		String keyId = createKey("SYMMETRIC_DEFAULT");
		String first = importMaterial(create(keyId, this.clock.instant().plus(Duration.ofDays(2)), null, null),
				random())
			.get("id")
			.asString();
		byte[] second = random();
		JsonNode job = importMaterial(
				create(keyId, this.clock.instant().plus(Duration.ofDays(3)), "NEW_KEY_MATERIAL", null), second);
		assertThat(job.get("state").asString()).isEqualTo("IMPORTED");
		assertThat(job.get("rotation").get("when").asString()).isEqualTo("ON_IMPORT");
		assertThat(job.get("rotation").get("rotatedAt").asString()).isNotNull();
		assertThat(describe(keyId).currentKeyMaterialId()).isEqualTo(KmsEmulator.keyMaterialIdOf(keyId, second));
		assertThat(job(first).get("state").asString()).isEqualTo("IMPORTED");
	}

	@Test
	void refusedRotationJobsAreRefusedTheSameByTheDryRunWithoutAParameterDownload() {
		Instant validTo = this.clock.instant().plus(Duration.ofDays(2));
		String withoutMaterial = createKey("SYMMETRIC_DEFAULT");
		assertRefusedAlike(body(withoutMaterial, validTo, "NEW_KEY_MATERIAL", null), 409,
				"rotation-key-without-material");
		assertRefusedAlike(body(createKey("HMAC_256"), validTo, "NEW_KEY_MATERIAL", null), 422, "rotation-unsupported");
		assertRefusedAlike(body(createKey("ECC_NIST_P256"), validTo, "NEW_KEY_MATERIAL", null), 422,
				"rotation-unsupported");

		// a multi-Region key made outside Keyport and given to the tenant
		String multiRegion = this.kms.createKey(r -> r.origin(OriginType.EXTERNAL).multiRegion(true))
			.keyMetadata()
			.keyId();
		Response assigned = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.OPERATOR))
			.putJson("/api/v1/kms-keys/" + multiRegion + "/owner", ApiClient.json(Map.of("tenant", "tenant-a")));
		assertThat(assigned.status()).as(assigned.toString()).isEqualTo(200);
		assertRefusedAlike(body(multiRegion, validTo, "NEW_KEY_MATERIAL", null), 422, "rotation-unsupported");

		String keyId = createKey("SYMMETRIC_DEFAULT");
		importMaterial(create(keyId, validTo, null, null), random());
		assertRefusedAlike(body(keyId, validTo, null, Map.of("when", "BY_API")), 400, "invalid-rotation");
		assertRefusedAlike(body(keyId, validTo, "NEW_KEY_MATERIAL", Map.of("when", "AT")), 400, "invalid-rotation");
		assertRefusedAlike(
				body(keyId, validTo, "NEW_KEY_MATERIAL",
						Map.of("when", "AT", "at", this.clock.instant().minusSeconds(60).toString())),
				422, "invalid-rotation");
		// rotated to only after the material expired: the rotation could only fail
		assertRefusedAlike(body(keyId, validTo, "NEW_KEY_MATERIAL",
				Map.of("when", "AT", "at", validTo.plusSeconds(60).toString())), 422, "invalid-rotation");
		// one rotation job waiting for its material: a second is refused
		String waiting = create(keyId, validTo, "NEW_KEY_MATERIAL", Map.of("when", "BY_API"));
		assertRefusedAlike(body(keyId, validTo, "NEW_KEY_MATERIAL", null), 409, "rotation-already-pending");
		// once KMS holds its material pending rotation, it can only be rotated to
		importMaterial(waiting, random());
		Response refused = this.api.postJson("/api/v1/import-jobs", body(keyId, validTo, "NEW_KEY_MATERIAL", null));
		assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
		assertThat(refused.json().get("detail").asString())
			.contains("rotate to it first (POST /api/v1/import-jobs/" + waiting + "/rotation)")
			.doesNotContain("cancel");
	}

	@Test
	void twoRotationJobsRequestedAtTheSameMomentForOneKeyAreNotBothStored() throws Exception {
		Instant validTo = this.clock.instant().plus(Duration.ofDays(2));
		String keyId = createKey("SYMMETRIC_DEFAULT");
		importMaterial(create(keyId, validTo, null, null), random());
		// both requests pass the check before either download ends and its job is stored
		this.emulator.faults().latency("GetParametersForImport", Duration.ofMillis(1500));
		String body = body(keyId, validTo, "NEW_KEY_MATERIAL", Map.of("when", "BY_API"));
		List<Response> answers;
		try (ExecutorService both = Executors.newFixedThreadPool(2)) {
			List<Future<Response>> requests = List.of(both.submit(() -> this.api.postJson("/api/v1/import-jobs", body)),
					both.submit(() -> this.api.postJson("/api/v1/import-jobs", body)));
			answers = new ArrayList<>();
			for (Future<Response> request : requests) {
				answers.add(request.get(30, TimeUnit.SECONDS));
			}
		}
		finally {
			this.emulator.faults().clear();
		}
		assertThat(answers).extracting(Response::status).as(answers.toString()).containsExactlyInAnyOrder(201, 409);
		Response refused = answers.stream().filter(r -> r.status() == 409).findFirst().orElseThrow();
		assertThat(refused.json().get("code").asString()).isEqualTo("rotation-already-pending");
		Response stored = answers.stream().filter(r -> r.status() == 201).findFirst().orElseThrow();
		assertThat(refused.json().get("detail").asString()).contains(stored.json().get("id").asString());
		assertThat(this.jdbc.queryForObject(
				"select count(*) from import_job where kms_key_id = ? and import_type = 'NEW_KEY_MATERIAL'", Long.class,
				keyId))
			.isOne();
	}

	@Test
	void aRotationKmsRefusesLeavesTheMaterialPendingWithItsErrorAndIsRetriedAfterTheBackoff() throws Exception {
		String keyId = createKey("SYMMETRIC_DEFAULT");
		importMaterial(create(keyId, this.clock.instant().plus(Duration.ofDays(2)), null, null), random());
		byte[] second = random();
		Instant at = this.clock.instant().plus(Duration.ofMinutes(5));
		String id = importMaterial(create(keyId, this.clock.instant().plus(Duration.ofDays(3)), "NEW_KEY_MATERIAL",
				Map.of("when", "AT", "at", at.toString())), second)
			.get("id")
			.asString();
		this.kms.disableKey(r -> r.keyId(keyId));
		double failedBefore = rotationCount("failed");

		this.clock.set(at.plusSeconds(1));
		this.rotations.rotateDue();
		JsonNode refused = job(id);
		assertThat(refused.get("state").asString()).isEqualTo("IMPORTED_PENDING_ROTATION");
		assertThat(refused.get("lastError").get("code").asString()).isEqualTo("kms-invalid-key-state");
		assertThat(events(id).getLast()).startsWith("rotation refused by KMS (kms-invalid-key-state)");
		assertThat(rotationCount("failed")).isEqualTo(failedBefore + 1);
		// backed off: not tried again at once
		this.rotations.rotateDue();
		assertThat(rotationCount("failed")).isEqualTo(failedBefore + 1);

		this.kms.enableKey(r -> r.keyId(keyId));
		this.clock.advance(Duration.ofSeconds(31));
		this.rotations.rotateDue();
		JsonNode rotated = job(id);
		assertThat(rotated.get("state").asString()).isEqualTo("IMPORTED");
		assertThat(rotated.has("lastError")).isFalse();
		assertThat(describe(keyId).currentKeyMaterialId()).isEqualTo(KmsEmulator.keyMaterialIdOf(keyId, second));
	}

	private void assertRefusedAlike(String body, int status, String code) {
		long downloads = this.emulator.callCount("GetParametersForImport");
		Response plan = this.api.postJson("/api/v1/import-job-plans", body);
		assertThat(plan.status()).as("plan %s", plan).isEqualTo(status);
		assertThat(plan.json().get("code").asString()).isEqualTo(code);
		Response real = this.api.postJson("/api/v1/import-jobs", body);
		assertThat(real.status()).as("create %s", real).isEqualTo(status);
		assertThat(real.json().get("code").asString()).isEqualTo(code);
		assertThat(this.emulator.callCount("GetParametersForImport")).as("downloads for %s", code).isEqualTo(downloads);
	}

	private double rotationCount(String outcome) {
		Counter counter = this.meters.find("keyport.key.rotations").tag("outcome", outcome).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private static String body(String keyId, Instant validTo, String importType, Map<String, String> rotation) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("kmsKeyId", keyId);
		body.put("expiration", Map.of("model", "KEY_MATERIAL_EXPIRES", "validTo", validTo.toString()));
		if (importType != null) {
			body.put("importType", importType);
		}
		if (rotation != null) {
			body.put("rotation", rotation);
		}
		return ApiClient.json(body);
	}

	/**
	 * A key with current material valid for 30 days from {@code start}, and a rotation
	 * job's material imported into it a minute later, pending rotation on request.
	 */
	private String pendingOnRequest(String keyId, Instant start, Instant pendingValidTo) {
		importMaterial(create(keyId, start.plus(Duration.ofDays(30)), null, null), random());
		this.clock.advance(Duration.ofMinutes(1));
		return importMaterial(create(keyId, pendingValidTo, "NEW_KEY_MATERIAL", Map.of("when", "BY_API")), random())
			.get("id")
			.asString();
	}

	private String create(String keyId, Instant validTo, String importType, Map<String, String> rotation) {
		Response created = this.api.postJson("/api/v1/import-jobs", body(keyId, validTo, importType, rotation));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		return created.json().get("id").asString();
	}

	private JsonNode importMaterial(String jobId, byte[] material) {
		Response imported = this.api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(material))));
		assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
		return imported.json();
	}

	private JsonNode job(String jobId) {
		return this.api.get("/api/v1/import-jobs/" + jobId).json();
	}

	private List<String> events(String jobId) {
		JsonNode events = this.api.get("/api/v1/import-jobs/" + jobId + "/events").json();
		JsonNode items = events.has("items") ? events.get("items") : events;
		return items.valueStream().map(event -> event.get("cause").asString()).toList();
	}

	private KeyMetadata describe(String keyId) {
		return this.kms.describeKey(r -> r.keyId(keyId)).keyMetadata();
	}

	private String createKey(String keySpec) {
		Response created = this.api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", keySpec)));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		return created.json().get("keyId").asString();
	}

	private static byte[] random() {
		byte[] bytes = new byte[32];
		new SecureRandom().nextBytes(bytes);
		PlaintextRegistry.register(bytes);
		return bytes;
	}

}
