package io.keyport.importjob;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.kms.KmsClient;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import io.keyport.emulator.KmsFaults;
import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.IntegrationTest;
import io.keyport.testsupport.TestInfrastructure;
import io.keyport.testsupport.Tokens;
import io.keyportdev.localauth.LocalAuthorizationServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The import-job API end to end: real HTTP into the service, the real AWS SDK into the
 * KMS emulator, the real PostgreSQL underneath. Every error path checks the problem code
 * and that the job was left consistent.
 */
class ImportJobApiTests extends IntegrationTest {

	final KmsClient kms = TestInfrastructure.kmsClient();

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	ImportJobLifecycle lifecycle;

	ApiClient api;

	final SecureRandom random = new SecureRandom();

	@BeforeEach
	void client() {
		this.api = new ApiClient(this.port);
	}

	// --- happy paths
	// -------------------------------------------------------------------------------------------

	@Test
	void importsMaterialWrappedByTheClientAndEnablesTheKey() throws Exception {
		String keyId = createExternalKey("SYMMETRIC_DEFAULT");
		JsonNode job = createJob(keyId, "RSAES_OAEP_SHA_256", "RSA_2048");
		String jobId = job.get("id").asString();
		assertThat(job.get("state").asString()).isEqualTo("PARAMETERS_FETCHED");
		assertThat(job.get("parameters").get("validTo").asString()).isNotBlank();

		byte[] wrappingKey = wrappingKeyDer(jobId);
		byte[] material = randomBytes(32);
		byte[] wrapped = oaep(wrappingKey, "SHA-256", material);

		Response imported = this.api.putBytes("/api/v1/import-jobs/" + jobId + "/encrypted-key-material", wrapped);

		assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
		assertThat(imported.json().get("state").asString()).isEqualTo("IMPORTED");
		assertThat(imported.header("Cache-Control")).contains("no-store");
		JsonNode key = this.api.get("/api/v1/kms-keys/" + keyId).json();
		assertThat(key.get("keyState").asString()).isEqualTo("ENABLED");
		assertThat(key.get("expirationModel").asString()).isEqualTo("KEY_MATERIAL_DOES_NOT_EXPIRE");
		assertThat(events(jobId)).containsExactly("PARAMETERS_FETCHED", "MATERIAL_WRAPPED", "IMPORTED");
		// token and wrapped material are not kept once imported
		assertThat(
				this.jdbc.queryForObject("select count(*) from import_job where id = ?::uuid and import_token is null "
						+ "and encrypted_key_material is null", Integer.class, jobId))
			.isEqualTo(1);
	}

	@Test
	void importsJsonEncodedClientMaterialWithSha1OaepAndExpiry() throws Exception {
		String keyId = createExternalKey("HMAC_384");
		Instant validTo = this.clock.instant()
			.plus(Duration.ofDays(30))
			.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
		JsonNode job = json(this.api.postJson("/api/v1/import-jobs",
				ApiClient.json(Map.of("kmsKeyId", keyId, "wrappingAlgorithm", "RSAES_OAEP_SHA_1", "wrappingKeySpec",
						"RSA_3072", "expiration",
						Map.of("model", "KEY_MATERIAL_EXPIRES", "validTo", validTo.toString())))),
				201);
		String jobId = job.get("id").asString();
		byte[] wrappingKey = wrappingKeyDer(jobId);
		byte[] wrapped = oaep(wrappingKey, "SHA-1", randomBytes(48));

		Response imported = this.api.putJson("/api/v1/import-jobs/" + jobId + "/encrypted-key-material",
				ApiClient.json(Map.of("encryptedKeyMaterial", Base64.getEncoder().encodeToString(wrapped))));

		assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
		assertThat(imported.json().get("state").asString()).isEqualTo("IMPORTED");
		JsonNode key = this.api.get("/api/v1/kms-keys/" + keyId).json();
		assertThat(Instant.parse(key.get("validTo").asString())).isEqualTo(validTo);
	}

	@Test
	void importsPlaintextMaterialWrappedByTheService() {
		String keyId = createExternalKey("SYMMETRIC_DEFAULT");
		String jobId = createJob(keyId, "RSAES_OAEP_SHA_256", "RSA_4096").get("id").asString();

		Response imported = this.api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(randomBytes(32)))));

		assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
		assertThat(imported.json().get("state").asString()).isEqualTo("IMPORTED");
		assertThat(this.api.get("/api/v1/kms-keys/" + keyId).json().get("keyState").asString()).isEqualTo("ENABLED");
	}

	@Test
	void aJobsHistoryIsNumberedFromOneWhateverOtherJobsDidInBetween() {
		String first = createJob(createExternalKey("SYMMETRIC_DEFAULT"), "RSAES_OAEP_SHA_256", "RSA_2048").get("id")
			.asString();
		// another job's entries between the first job's
		String other = createJob(createExternalKey("SYMMETRIC_DEFAULT"), "RSAES_OAEP_SHA_256", "RSA_2048").get("id")
			.asString();
		assertThat(this.api.post("/api/v1/import-jobs/" + other + "/refresh-parameters").status()).isEqualTo(200);
		Response imported = this.api.postJson("/api/v1/import-jobs/" + first + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(randomBytes(32)))));
		assertThat(imported.status()).as(imported.toString()).isEqualTo(200);

		assertThat(sequences(first)).containsExactly(1L, 2L, 3L);
		assertThat(sequences(other)).containsExactly(1L, 2L);
	}

	private List<Long> sequences(String jobId) {
		List<Long> sequences = new ArrayList<>();
		this.api.get("/api/v1/import-jobs/" + jobId + "/events")
			.json()
			.forEach(event -> sequences.add(event.get("sequence").asLong()));
		return sequences;
	}

	@Test
	void wrappingKeyIsOfferedAsPemAndTheParametersAsTheConsoleZip() throws Exception {
		String keyId = createExternalKey("SYMMETRIC_DEFAULT");
		JsonNode job = createJob(keyId, "RSAES_OAEP_SHA_256", "RSA_2048");
		String jobId = job.get("id").asString();

		Response pem = this.api.get("/api/v1/import-jobs/" + jobId + "/wrapping-key", "application/x-pem-file");
		assertThat(pem.status()).isEqualTo(200);
		assertThat(pem.header("Content-Type")).startsWith("application/x-pem-file");
		assertThat(pem.text()).startsWith("-----BEGIN PUBLIC KEY-----");
		byte[] der = this.api.get("/api/v1/import-jobs/" + jobId + "/wrapping-key", "application/octet-stream").body();
		String pemBody = pem.text().replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
		assertThat(Base64.getDecoder().decode(pemBody)).isEqualTo(der);
		// the caller's preference by quality, the first listed among equals
		for (Map.Entry<String, String> accept : Map
			.of("application/x-pem-file;q=0.5, application/octet-stream;q=0.9", "application/octet-stream",
					"application/octet-stream;q=0.2, application/x-pem-file", "application/x-pem-file",
					"application/x-pem-file, application/octet-stream", "application/x-pem-file", "*/*",
					"application/octet-stream", "application/*, application/x-pem-file;q=0.8",
					"application/octet-stream")
			.entrySet()) {
			Response answer = this.api.get("/api/v1/import-jobs/" + jobId + "/wrapping-key", accept.getKey());
			assertThat(answer.status()).as(accept.getKey()).isEqualTo(200);
			assertThat(answer.header("Content-Type")).as(accept.getKey()).startsWith(accept.getValue());
		}

		Response zip = this.api.get("/api/v1/import-jobs/" + jobId + "/import-parameters.zip", "application/zip");
		assertThat(zip.status()).isEqualTo(200);
		assertThat(zip.header("Cache-Control")).contains("no-store");
		Map<String, byte[]> entries = unzip(zip.body());
		assertThat(entries.keySet()).allSatisfy(name -> assertThat(name).contains("_" + keyId + "_"));
		assertThat(entries.keySet()).anyMatch(n -> n.startsWith("wrappingKey_"))
			.anyMatch(n -> n.startsWith("importToken_"))
			.anyMatch(n -> n.startsWith("README_") && n.endsWith(".txt"));
		byte[] zipKey = entries.entrySet()
			.stream()
			.filter(e -> e.getKey().startsWith("wrappingKey_"))
			.findFirst()
			.orElseThrow()
			.getValue();
		assertThat(zipKey).isEqualTo(der);
		String readme = new String(entries.entrySet()
			.stream()
			.filter(e -> e.getKey().startsWith("README_"))
			.findFirst()
			.orElseThrow()
			.getValue(), StandardCharsets.UTF_8);
		assertThat(readme).contains("RSAES_OAEP_SHA_256").contains(job.get("parameters").get("validTo").asString());
	}

	@Test
	void listsJobsNewestFirstFilteredByStateAndKey() {
		String keyId = createExternalKey("SYMMETRIC_DEFAULT");
		String first = createJob(keyId, "RSAES_OAEP_SHA_256", "RSA_2048").get("id").asString();
		this.clock.advance(Duration.ofSeconds(1));
		String second = createJob(keyId, "RSAES_OAEP_SHA_256", "RSA_2048").get("id").asString();
		this.api.post("/api/v1/import-jobs/" + first + "/cancel");

		JsonNode all = this.api.get("/api/v1/import-jobs?kmsKeyId=" + keyId + "&size=10").json();
		assertThat(all.get("totalItems").asInt()).isEqualTo(2);
		assertThat(all.get("items").get(0).get("id").asString()).isEqualTo(second);
		assertThat(all.get("items").get(1).get("id").asString()).isEqualTo(first);

		JsonNode cancelled = this.api.get("/api/v1/import-jobs?kmsKeyId=" + keyId + "&state=CANCELLED").json();
		assertThat(cancelled.get("items")).hasSize(1);
		assertThat(cancelled.get("items").get(0).get("id").asString()).isEqualTo(first);

		JsonNode paged = this.api.get("/api/v1/import-jobs?kmsKeyId=" + keyId + "&size=1&page=1").json();
		assertThat(paged.get("items").get(0).get("id").asString()).isEqualTo(first);
		assertThat(paged.get("totalPages").asInt()).isEqualTo(2);
	}

	@Test
	void refreshDownloadsNewParametersAndRecordsIt() {
		String keyId = createExternalKey("SYMMETRIC_DEFAULT");
		JsonNode job = createJob(keyId, "RSAES_OAEP_SHA_256", "RSA_2048");
		String jobId = job.get("id").asString();
		this.clock.advance(Duration.ofHours(1));

		Response refreshed = this.api.post("/api/v1/import-jobs/" + jobId + "/refresh-parameters");

		assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
		assertThat(refreshed.json().get("parameters").get("downloads").asInt()).isEqualTo(2);
		assertThat(Instant.parse(refreshed.json().get("parameters").get("validTo").asString()))
			.isAfter(Instant.parse(job.get("parameters").get("validTo").asString()));
		assertThat(events(jobId)).containsExactly("PARAMETERS_FETCHED", "PARAMETERS_FETCHED");
	}

	@Test
	void twoRefreshesAtOnceSpendOneGetParametersForImportAndTheSecondIsToldTheJobIsBusy() throws Exception {
		String jobId = createJob(createExternalKey("SYMMETRIC_DEFAULT"), "RSAES_OAEP_SHA_256", "RSA_2048").get("id")
			.asString();
		this.clock.advance(Duration.ofHours(1));
		long downloads = this.emulator.callCount("GetParametersForImport");
		// the first download is slow enough for the second request to arrive meanwhile
		this.emulator.faults().latency("GetParametersForImport", Duration.ofMillis(1500));
		java.util.List<Response> answers;
		java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
		try {
			java.util.concurrent.Future<Response> first = pool
				.submit(() -> this.api.post("/api/v1/import-jobs/" + jobId + "/refresh-parameters"));
			Thread.sleep(500);
			java.util.concurrent.Future<Response> second = pool
				.submit(() -> this.api.post("/api/v1/import-jobs/" + jobId + "/refresh-parameters"));
			answers = java.util.List.of(first.get(), second.get());
		}
		finally {
			pool.shutdownNow();
			this.emulator.faults().clear();
		}

		assertThat(answers.get(0).status()).as(answers.get(0).toString()).isEqualTo(200);
		assertProblem(answers.get(1), 409, "job-busy");
		assertThat(answers.get(1).header("Retry-After")).isNotBlank();
		assertThat(this.emulator.callCount("GetParametersForImport") - downloads).isOne();
		JsonNode job = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(job.get("parameters").get("downloads").asInt()).isEqualTo(2);
		assertThat(job.has("leaseUntil")).isFalse();
	}

	// --- error paths
	// -------------------------------------------------------------------------------------------

	@Test
	void unknownKeyIsRefusedAndNoJobIsWritten() {
		int before = jobCount();
		Response response = this.api.postJson("/api/v1/import-jobs",
				ApiClient.json(Map.of("kmsKeyId", "11111111-2222-3333-4444-555555555555")));
		assertProblem(response, 404, "kms-key-not-found");
		assertThat(jobCount()).isEqualTo(before);
	}

	@Test
	void keyThatIsNotExternalIsRefused() {
		String keyId = kms.createKey(r -> r.description("AWS_KMS origin")).keyMetadata().keyId();
		int before = jobCount();
		// made outside Keyport: nobody owns it, so it does not exist for the tenant, and
		// job creation claims nothing
		assertProblem(this.api.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyId))), 404,
				"kms-key-not-found");
		assertThat(this.jdbc.queryForObject("select count(*) from kms_key_owner where kms_key_arn like ?",
				Integer.class, "%" + keyId))
			.isZero();
		Response assigned = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.OPERATOR))
			.putJson("/api/v1/kms-keys/" + keyId + "/owner", ApiClient.json(Map.of("tenant", "tenant-a")));
		assertThat(assigned.status()).as(assigned.toString()).isEqualTo(200);

		Response response = this.api.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyId)));
		assertProblem(response, 422, "kms-key-not-external");
		assertThat(response.json().get("detail").asString()).contains("EXTERNAL");
		assertThat(jobCount()).isEqualTo(before);
	}

	@Test
	void keyPendingDeletionIsRefused() {
		String keyId = createExternalKey("SYMMETRIC_DEFAULT");
		kms.scheduleKeyDeletion(r -> r.keyId(keyId).pendingWindowInDays(7));
		Response response = this.api.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyId)));
		assertProblem(response, 409, "kms-key-state-forbids-import");
		assertThat(response.json().get("detail").asString()).contains("PENDING_DELETION");
	}

	@Test
	void incompatibleAlgorithmIsRefusedBeforeAnyParameterDownload() {
		String keyId = createExternalKey("SYMMETRIC_DEFAULT");
		long downloads = this.emulator.callCount("GetParametersForImport");
		Response response = this.api.postJson("/api/v1/import-jobs",
				ApiClient.json(Map.of("kmsKeyId", keyId, "wrappingAlgorithm", "RSA_AES_KEY_WRAP_SHA_256")));
		assertProblem(response, 422, "incompatible-wrapping-algorithm");
		assertThat(response.json().get("detail").asString()).contains("RSAES_OAEP_SHA_256");
		assertThat(this.emulator.callCount("GetParametersForImport")).isEqualTo(downloads);
	}

	@Test
	void enumFieldsGivenAsNumbersAreRefusedAndChangeNothing() {
		// found by review: Jackson reads a number as the enum constant at that index, so
		// "importType": 0 started a rotation job and "wrappingAlgorithm": 0 chose SHA-1
		String keyId = createExternalKey("SYMMETRIC_DEFAULT");
		long downloads = this.emulator.callCount("GetParametersForImport");
		for (String field : new String[] { "\"wrappingAlgorithm\":0", "\"importType\":0", "\"importType\":\"0\"",
				"\"wrappingKeySpec\":1" }) {
			Response response = this.api.postJson("/api/v1/import-jobs",
					"{\"kmsKeyId\":\"" + keyId + "\"," + field + "}");
			assertProblem(response, 400, "invalid-enum-value");
		}
		assertThat(this.emulator.callCount("GetParametersForImport")).isEqualTo(downloads);
		assertThat(this.api.get("/api/v1/import-jobs?kmsKeyId=" + keyId).json().get("items").size()).isZero();
	}

	@Test
	void booleanFieldsGivenAsNumbersOrStringsAreRefusedAndChangeNothing() {
		// found by review: Jackson reads 1 or 2 as true, and deleteCurrentMaterial is
		// consent to delete a key's current material
		String keyId = createExternalKey("SYMMETRIC_DEFAULT");
		long downloads = this.emulator.callCount("GetParametersForImport");
		for (String field : new String[] { "\"deleteCurrentMaterial\":1", "\"deleteCurrentMaterial\":2",
				"\"deleteCurrentMaterial\":\"true\"", "\"deleteCurrentMaterial\":1.0" }) {
			Response response = this.api.postJson("/api/v1/import-jobs",
					"{\"kmsKeyId\":\"" + keyId + "\"," + field + "}");
			assertProblem(response, 400, "malformed-request-body");
			assertThat(response.json().get("detail").asString()).contains("deleteCurrentMaterial");
		}
		assertThat(this.emulator.callCount("GetParametersForImport")).isEqualTo(downloads);
		assertThat(this.api.get("/api/v1/import-jobs?kmsKeyId=" + keyId).json().get("items").size()).isZero();
		// JSON's own booleans are read as before
		Response plain = this.api.postJson("/api/v1/import-jobs",
				"{\"kmsKeyId\":\"" + keyId + "\",\"deleteCurrentMaterial\":false}");
		assertThat(plain.status()).as(plain.toString()).isEqualTo(201);
	}

	@Test
	void pkcs1IsRefusedForAws() {
		String keyId = createExternalKey("SYMMETRIC_DEFAULT");
		Response response = this.api.postJson("/api/v1/import-jobs",
				ApiClient.json(Map.of("kmsKeyId", keyId, "wrappingAlgorithm", "RSAES_PKCS1_V1_5")));
		assertProblem(response, 422, "unsupported-wrapping-algorithm");
	}

	@Test
	void validToOutsideTheAcceptedWindowIsRefused() {
		String keyId = createExternalKey("SYMMETRIC_DEFAULT");
		Response past = this.api.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyId, "expiration",
				Map.of("model", "KEY_MATERIAL_EXPIRES", "validTo", this.clock.instant().minusSeconds(60).toString()))));
		assertProblem(past, 422, "invalid-valid-to");
		Response tooFar = this.api.postJson("/api/v1/import-jobs",
				ApiClient.json(Map.of("kmsKeyId", keyId, "expiration", Map.of("model", "KEY_MATERIAL_EXPIRES",
						"validTo", this.clock.instant().plus(Duration.ofDays(400)).toString()))));
		assertProblem(tooFar, 422, "invalid-valid-to");
		Response missing = this.api.postJson("/api/v1/import-jobs",
				ApiClient.json(Map.of("kmsKeyId", keyId, "expiration", Map.of("model", "KEY_MATERIAL_EXPIRES"))));
		assertProblem(missing, 400, "invalid-valid-to");
	}

	@Test
	void malformedRequestsAreRefusedWithTheirOwnCodes() {
		assertProblem(this.api.postJson("/api/v1/import-jobs", "{\"kmsKeyId\": "), 400, "malformed-request-body");
		assertProblem(this.api.postJson("/api/v1/import-jobs", "{\"kmsKeyId\":\"k\",\"wrappingAlgorithm\":\"ROT13\"}"),
				400, "invalid-enum-value");
		assertProblem(this.api.postJson("/api/v1/import-jobs", "{\"kmsKeyId\":\"k\",\"colour\":\"blue\"}"), 400,
				"unknown-field");
		assertProblem(this.api.postJson("/api/v1/import-jobs", "{}"), 400, "validation-failed");
		// found by the property tests: a time with a trailing space was read as that time
		assertProblem(
				this.api.postJson("/api/v1/import-jobs",
						"{\"kmsKeyId\":\"k\",\"expiration\":"
								+ "{\"model\":\"KEY_MATERIAL_EXPIRES\",\"validTo\":\"2027-01-01T00:00:00Z \"}}"),
				400, "malformed-request-body");
		assertProblem(this.api.get("/api/v1/import-jobs/not-a-uuid"), 400, "invalid-parameter");
		assertProblem(this.api.get("/api/v1/import-jobs?size=-1"), 400, "validation-failed");
		assertProblem(this.api.get("/api/v1/import-jobs?state=DONE"), 400, "invalid-parameter");
		// found by the property tests: a "+" (a space in a query string) or hex
		// was read as a number
		for (String page : List.of("+1", "%201", "1%20", "0x1", "%231")) {
			assertProblem(this.api.get("/api/v1/import-jobs?page=" + page), 400, "invalid-parameter");
		}
		// found by the property tests: the container's own query parser refuses this
		assertProblem(this.api.get("/api/v1/import-jobs?state=&="), 400, "invalid-parameter");
		assertProblem(this.api.get("/api/v1/import-jobs/" + java.util.UUID.randomUUID()), 404, "import-job-not-found");
	}

	@Test
	void keyReferenceWithANulOrOtherCharactersKmsNeverTakesIsRefusedBeforeKmsAndAuditsNothingHalfWay() {
		String keyId = createExternalKey("SYMMETRIC_DEFAULT");
		long describes = this.emulator.callCount("DescribeKey");
		long downloads = this.emulator.callCount("GetParametersForImport");
		int jobs = jobCount();
		for (String reference : List.of(keyId + "\u0000", "alias/a\u0000b", "alias/with space", keyId + "\n" + keyId)) {
			for (String path : List.of("/api/v1/import-jobs", "/api/v1/import-job-plans")) {
				Response refused = this.api.postJson(path, ApiClient.json(Map.of("kmsKeyId", reference)));
				assertProblem(refused, 400, "validation-failed");
				assertThat(refused.body()).as("the refusal does not echo the NUL").doesNotContain((byte) 0);
			}
		}
		assertThat(this.emulator.callCount("DescribeKey")).isEqualTo(describes);
		assertThat(this.emulator.callCount("GetParametersForImport")).isEqualTo(downloads);
		assertThat(jobCount()).isEqualTo(jobs);
		// blanks around a reference are still trimmed
		Response padded = this.api.postJson("/api/v1/import-jobs",
				ApiClient.json(Map.of("kmsKeyId", " " + keyId + " ")));
		assertThat(padded.status()).as(padded.toString()).isEqualTo(201);
		assertThat(padded.json().get("kmsKeyId").asString()).isEqualTo(keyId);
	}

	@Test
	void malformedBase64ChangesNothing() {
		String jobId = createJob(createExternalKey("SYMMETRIC_DEFAULT"), "RSAES_OAEP_SHA_256", "RSA_2048").get("id")
			.asString();
		long version = version(jobId);
		Response response = this.api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				"{\"keyMaterial\":\"not*base64!\"}");
		assertProblem(response, 400, "invalid-base64");
		assertUnchanged(jobId, version, "PARAMETERS_FETCHED");
	}

	@Test
	void wrongMaterialLengthIsRefusedBeforeKmsAndChangesNothing() {
		String jobId = createJob(createExternalKey("SYMMETRIC_DEFAULT"), "RSAES_OAEP_SHA_256", "RSA_2048").get("id")
			.asString();
		long version = version(jobId);
		long imports = this.emulator.callCount("ImportKeyMaterial");
		Response response = this.api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(randomBytes(31)))));
		assertProblem(response, 422, "invalid-key-material-length");
		assertThat(response.json().get("detail").asString()).contains("32").contains("31");
		assertUnchanged(jobId, version, "PARAMETERS_FETCHED");
		assertThat(this.emulator.callCount("ImportKeyMaterial")).isEqualTo(imports);
	}

	@Test
	void encryptedMaterialOfTheWrongSizeIsRefusedBeforeKms() {
		String jobId = createJob(createExternalKey("SYMMETRIC_DEFAULT"), "RSAES_OAEP_SHA_256", "RSA_2048").get("id")
			.asString();
		long version = version(jobId);
		Response response = this.api.putBytes("/api/v1/import-jobs/" + jobId + "/encrypted-key-material",
				randomBytes(100));
		assertProblem(response, 422, "invalid-encrypted-key-material");
		assertUnchanged(jobId, version, "PARAMETERS_FETCHED");
		// none at all: the same code as an empty JSON value
		assertProblem(this.api.putBytes("/api/v1/import-jobs/" + jobId + "/encrypted-key-material", new byte[0]), 400,
				"empty-encrypted-key-material");
		assertProblem(this.api.putJson("/api/v1/import-jobs/" + jobId + "/encrypted-key-material",
				"{\"encryptedKeyMaterial\":\"\"}"), 400, "empty-encrypted-key-material");
		assertUnchanged(jobId, version, "PARAMETERS_FETCHED");
	}

	@Test
	void tamperedCiphertextIsRefusedByKmsAndTheJobWaitsForMaterialAgain() throws Exception {
		String jobId = createJob(createExternalKey("SYMMETRIC_DEFAULT"), "RSAES_OAEP_SHA_256", "RSA_2048").get("id")
			.asString();
		byte[] wrappingKey = wrappingKeyDer(jobId);
		byte[] wrapped = oaep(wrappingKey, "SHA-256", randomBytes(32));
		wrapped[17] ^= 0x40;

		Response response = this.api.putBytes("/api/v1/import-jobs/" + jobId + "/encrypted-key-material", wrapped);

		assertProblem(response, 422, "kms-invalid-ciphertext");
		assertThat(response.json().get("state").asString()).isEqualTo("PARAMETERS_FETCHED");
		JsonNode job = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(job.get("state").asString()).isEqualTo("PARAMETERS_FETCHED");
		assertThat(job.get("lastError").get("code").asString()).isEqualTo("kms-invalid-ciphertext");
		assertThat(events(jobId)).containsExactly("PARAMETERS_FETCHED", "MATERIAL_WRAPPED", "PARAMETERS_FETCHED");
		assertThat(this.jdbc.queryForObject("select encrypted_key_material is null from import_job where id = ?::uuid",
				Boolean.class, jobId))
			.isTrue();
	}

	@Test
	void materialArrivingAfterTheParametersExpiredIsRefused() throws Exception {
		String jobId = createJob(createExternalKey("SYMMETRIC_DEFAULT"), "RSAES_OAEP_SHA_256", "RSA_2048").get("id")
			.asString();
		byte[] wrappingKey = wrappingKeyDer(jobId);
		this.clock.advance(Duration.ofHours(25));

		Response response = this.api.putBytes("/api/v1/import-jobs/" + jobId + "/encrypted-key-material",
				oaep(wrappingKey, "SHA-256", randomBytes(32)));

		assertProblem(response, 409, "parameters-expired");
		assertThat(response.json().get("state").asString()).isEqualTo("PARAMETERS_EXPIRED");
		assertThat(this.api.get("/api/v1/import-jobs/" + jobId).json().get("state").asString())
			.isEqualTo("PARAMETERS_EXPIRED");
		assertProblem(this.api.get("/api/v1/import-jobs/" + jobId + "/wrapping-key", "application/octet-stream"), 409,
				"parameters-expired");

		// a refresh makes the job usable again
		Response refreshed = this.api.post("/api/v1/import-jobs/" + jobId + "/refresh-parameters");
		assertThat(refreshed.json().get("state").asString()).isEqualTo("PARAMETERS_FETCHED");
	}

	@Test
	void tokenThatExpiredAtKmsMovesTheJobToParametersExpired() throws Exception {
		// KMS's own validity is shorter than what the job recorded: KMS has the last word
		this.emulator.setParametersValidity(Duration.ofSeconds(5));
		String jobId = createJob(createExternalKey("SYMMETRIC_DEFAULT"), "RSAES_OAEP_SHA_256", "RSA_2048").get("id")
			.asString();
		byte[] wrappingKey = wrappingKeyDer(jobId);
		this.clock.advance(Duration.ofSeconds(4));
		byte[] wrapped = oaep(wrappingKey, "SHA-256", randomBytes(32));
		this.clock.advance(Duration.ofSeconds(2));

		Response response = this.api.putBytes("/api/v1/import-jobs/" + jobId + "/encrypted-key-material", wrapped);

		assertThat(response.status()).as(response.toString()).isIn(409);
		assertThat(this.api.get("/api/v1/import-jobs/" + jobId).json().get("state").asString())
			.isEqualTo("PARAMETERS_EXPIRED");
	}

	@Test
	void throttledImportKeepsTheWrappedMaterialForARetry() throws Exception {
		String jobId = createJob(createExternalKey("SYMMETRIC_DEFAULT"), "RSAES_OAEP_SHA_256", "RSA_2048").get("id")
			.asString();
		byte[] wrappingKey = wrappingKeyDer(jobId);
		this.emulator.faults().throttleEvery("ImportKeyMaterial", 1);

		Response response = this.api.putBytes("/api/v1/import-jobs/" + jobId + "/encrypted-key-material",
				oaep(wrappingKey, "SHA-256", randomBytes(32)));

		assertProblem(response, 503, "kms-throttled");
		assertThat(response.header("Retry-After")).isNotBlank();
		JsonNode job = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(job.get("state").asString()).isEqualTo("MATERIAL_WRAPPED");
		assertThat(job.get("nextAttemptAt")).isNotNull();
		assertThat(job.get("lastError").get("code").asString()).isEqualTo("kms-throttled");
	}

	@ParameterizedTest
	@ValueSource(strings = { "UnrecognizedClientException", "InvalidSignatureException", "IncompleteSignature",
			"ExpiredTokenException" })
	void kmsRejectingKeyportsCredentialsIsKeyportsFaultNotTheCallers(String error) {
		String keyId = createExternalKey("SYMMETRIC_DEFAULT");
		int jobs = jobCount();
		this.emulator.faults().failEvery("GetParametersForImport", 1, error, 400);
		Response refused;
		try {
			refused = this.api.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyId)));
		}
		finally {
			this.emulator.faults().clear();
		}
		assertProblem(refused, 502, "kms-access-denied");
		assertThat(jobCount()).isEqualTo(jobs);

		// an upload: the job keeps what it says happened, and the caller is not blamed
		String jobId = createJob(keyId, "RSAES_OAEP_SHA_256", "RSA_2048").get("id").asString();
		this.emulator.faults().failEvery("ImportKeyMaterial", 1, error, 400);
		Response upload;
		try {
			upload = this.api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
					ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(randomBytes(32)))));
		}
		finally {
			this.emulator.faults().clear();
		}
		assertProblem(upload, 502, "kms-access-denied");
		JsonNode job = this.api.get("/api/v1/import-jobs/" + jobId).json();
		assertThat(job.get("lastError").get("code").asString()).isEqualTo("kms-access-denied");
	}

	@Test
	void aJobWhoseLastImportAttemptKmsMayHaveCarriedOutCannotBeCancelledOrRefreshedUntilTheRetryTellsWhatHappened()
			throws Exception {
		String keyId = createExternalKey("SYMMETRIC_DEFAULT");
		String jobId = createJob(keyId, "RSAES_OAEP_SHA_256", "RSA_2048").get("id").asString();
		byte[] wrappingKey = wrappingKeyDer(jobId);
		// KMS imported the material, and its answer was lost
		this.emulator.faults().failAfterExecutionEvery("ImportKeyMaterial", 1, KmsFaults.Fault.INTERNAL);
		Response uploaded;
		try {
			uploaded = this.api.putBytes("/api/v1/import-jobs/" + jobId + "/encrypted-key-material",
					oaep(wrappingKey, "SHA-256", randomBytes(32)));
		}
		finally {
			this.emulator.faults().clear();
		}
		assertProblem(uploaded, 503, "kms-internal-error");
		long version = version(jobId);

		long downloads = this.emulator.callCount("GetParametersForImport");

		Response cancel = this.api.post("/api/v1/import-jobs/" + jobId + "/cancel");
		// new parameters would drop the token, and a cancel could then follow
		Response refresh = this.api.post("/api/v1/import-jobs/" + jobId + "/refresh-parameters");

		assertProblem(cancel, 409, "import-outcome-unknown");
		assertThat(cancel.header("Retry-After")).isNotBlank();
		assertProblem(refresh, 409, "import-outcome-unknown");
		assertThat(refresh.header("Retry-After")).isNotBlank();
		assertThat(this.emulator.callCount("GetParametersForImport")).isEqualTo(downloads);
		assertUnchanged(jobId, version, "MATERIAL_WRAPPED");
		// the retry with the same token tells: the key holds the material
		this.clock.advance(java.time.Duration.ofHours(1));
		this.lifecycle.runOnce();
		assertThat(this.api.get("/api/v1/import-jobs/" + jobId).json().get("state").asString()).isEqualTo("IMPORTED");
		assertThat(this.kms.describeKey(r -> r.keyId(keyId)).keyMetadata().keyStateAsString()).isEqualTo("Enabled");
	}

	@Test
	void encryptedMaterialThatIsNoCiphertextUnderTheWrappingKeyGetsAProblemAPortalCanShow() {
		String jobId = createJob(createExternalKey("SYMMETRIC_DEFAULT"), "RSAES_OAEP_SHA_256", "RSA_2048").get("id")
			.asString();
		byte[] aboveModulus = new byte[256];
		java.util.Arrays.fill(aboveModulus, (byte) 0xff);

		// the client checks the problem's wording (a sentence that ends with a period)
		Response refused = this.api.putBytes("/api/v1/import-jobs/" + jobId + "/encrypted-key-material", aboveModulus);

		assertProblem(refused, 422, "invalid-encrypted-key-material");
		assertThat(refused.json().get("detail").asString()).contains("not less than its modulus").endsWith(".");
	}

	@Test
	void aJobWhoseImportWasThrottledCanBeCancelledAndKeepsNothing() throws Exception {
		String jobId = createJob(createExternalKey("SYMMETRIC_DEFAULT"), "RSAES_OAEP_SHA_256", "RSA_2048").get("id")
			.asString();
		byte[] wrappingKey = wrappingKeyDer(jobId);
		this.emulator.faults().throttleEvery("ImportKeyMaterial", 1);
		try {
			assertProblem(this.api.putBytes("/api/v1/import-jobs/" + jobId + "/encrypted-key-material",
					oaep(wrappingKey, "SHA-256", randomBytes(32))), 503, "kms-throttled");
		}
		finally {
			this.emulator.faults().clear();
		}

		Response cancel = this.api.post("/api/v1/import-jobs/" + jobId + "/cancel");

		assertThat(cancel.status()).as(cancel.toString()).isEqualTo(200);
		assertThat(cancel.json().get("state").asString()).isEqualTo("CANCELLED");
		assertThat(this.jdbc.queryForObject(
				"select count(*) from import_job where id = ?::uuid and encrypted_key_material is not null", Long.class,
				jobId))
			.isZero();
	}

	@Test
	void cancellingTwiceIsAnIllegalTransition() {
		String jobId = createJob(createExternalKey("SYMMETRIC_DEFAULT"), "RSAES_OAEP_SHA_256", "RSA_2048").get("id")
			.asString();
		assertThat(this.api.post("/api/v1/import-jobs/" + jobId + "/cancel").json().get("state").asString())
			.isEqualTo("CANCELLED");
		Response again = this.api.post("/api/v1/import-jobs/" + jobId + "/cancel");
		assertProblem(again, 409, "illegal-state-transition");
		assertThat(again.json().get("state").asString()).isEqualTo("CANCELLED");
		assertProblem(this.api.post("/api/v1/import-jobs/" + jobId + "/refresh-parameters"), 409,
				"illegal-state-transition");
		assertProblem(this.api.putBytes("/api/v1/import-jobs/" + jobId + "/encrypted-key-material", randomBytes(256)),
				409, "illegal-state-transition");
	}

	@Test
	void materialForAnImportedJobIsRefused() throws Exception {
		String keyId = createExternalKey("SYMMETRIC_DEFAULT");
		String jobId = createJob(keyId, "RSAES_OAEP_SHA_256", "RSA_2048").get("id").asString();
		this.api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(randomBytes(32)))));
		Response again = this.api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(randomBytes(32)))));
		assertProblem(again, 409, "illegal-state-transition");
		assertProblem(this.api.get("/api/v1/import-jobs/" + jobId + "/wrapping-key", "application/octet-stream"), 409,
				"no-import-parameters");
	}

	// --- helpers
	// -----------------------------------------------------------------------------------------------

	String createExternalKey(String keySpec) {
		Response response = this.api.postJson("/api/v1/kms-keys",
				ApiClient.json(Map.of("keySpec", keySpec, "description", "test key")));
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		assertThat(response.json().get("keyState").asString()).isEqualTo("PENDING_IMPORT");
		assertThat(response.json().get("origin").asString()).isEqualTo("EXTERNAL");
		return response.json().get("keyId").asString();
	}

	JsonNode createJob(String keyId, String algorithm, String wrappingKeySpec) {
		Response response = this.api.postJson("/api/v1/import-jobs", ApiClient
			.json(Map.of("kmsKeyId", keyId, "wrappingAlgorithm", algorithm, "wrappingKeySpec", wrappingKeySpec)));
		JsonNode job = json(response, 201);
		assertThat(response.header("Location")).endsWith("/api/v1/import-jobs/" + job.get("id").asString());
		return job;
	}

	/** The job's wrapping public key, as DER. */
	byte[] wrappingKeyDer(String jobId) {
		return this.api.get("/api/v1/import-jobs/" + jobId + "/wrapping-key", "application/octet-stream").body();
	}

	static JsonNode json(Response response, int status) {
		assertThat(response.status()).as(response.toString()).isEqualTo(status);
		return response.json();
	}

	java.util.List<String> events(String jobId) {
		JsonNode events = this.api.get("/api/v1/import-jobs/" + jobId + "/events").json();
		java.util.List<String> states = new java.util.ArrayList<>();
		events.forEach(e -> states.add(e.get("to").asString()));
		return states;
	}

	int jobCount() {
		return this.jdbc.queryForObject("select count(*) from import_job", Integer.class);
	}

	long version(String jobId) {
		return this.jdbc.queryForObject("select version from import_job where id = ?::uuid", Long.class, jobId);
	}

	void assertUnchanged(String jobId, long version, String state) {
		assertThat(version(jobId)).isEqualTo(version);
		assertThat(this.api.get("/api/v1/import-jobs/" + jobId).json().get("state").asString()).isEqualTo(state);
	}

	static void assertProblem(Response response, int status, String code) {
		assertThat(response.status()).as(response.toString()).isEqualTo(status);
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
		assertThat(response.json().get("code").asString()).as(response.toString()).isEqualTo(code);
		assertThat(response.json().get("detail").asString()).isNotBlank();
	}

	byte[] randomBytes(int length) {
		byte[] bytes = new byte[length];
		this.random.nextBytes(bytes);
		return bytes;
	}

	/**
	 * RSA-OAEP as AWS expects it: label hash and MGF1 hash the same. Independent of
	 * Keyport's wrapping code.
	 */
	static byte[] oaep(byte[] spki, String hash, byte[] material) throws Exception {
		PublicKey publicKey = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(spki));
		Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
		cipher.init(Cipher.ENCRYPT_MODE, publicKey,
				new OAEPParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash), PSource.PSpecified.DEFAULT));
		return cipher.doFinal(material);
	}

	static Map<String, byte[]> unzip(byte[] zip) throws Exception {
		Map<String, byte[]> entries = new HashMap<>();
		try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
			ZipEntry entry;
			while ((entry = in.getNextEntry()) != null) {
				entries.put(entry.getName(), in.readAllBytes());
			}
		}
		return entries;
	}

}
