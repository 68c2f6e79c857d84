package io.keyport.importjob;

import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.IntegrationTest;
import io.keyport.testsupport.ProblemWording;
import io.keyport.wrapping.WrappingAlgorithm;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a portal shows its end user, word for word, for a sample of the problems Keyport
 * answers: a KMS refusal, a validation failure with a list of choices, an unsupported
 * media type, a busy job. (Every other problem the suite receives is held to the same
 * rule by {@link ProblemWording} in the test client.)
 */
class ProblemWordingApiTests extends IntegrationTest {

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	ApiClient api;

	final SecureRandom random = new SecureRandom();

	@BeforeEach
	void client() {
		this.api = new ApiClient(this.port);
	}

	@Test
	void kmsRefusingTheCiphertextIsAnsweredInKeyportsWordsNotKmss() throws Exception {
		String jobId = createJob();
		byte[] wrappingKey = this.api.get("/api/v1/import-jobs/" + jobId + "/wrapping-key", "application/octet-stream")
			.body();
		byte[] wrapped = ImportJobApiTests.oaep(wrappingKey, "SHA-256", randomBytes(32));
		wrapped[17] ^= 0x40;

		Response refused = this.api.putBytes("/api/v1/import-jobs/" + jobId + "/encrypted-key-material", wrapped);

		assertProblem(refused, 422, "kms-invalid-ciphertext", "KMS could not unwrap the material",
				"KMS could not unwrap the encrypted key material. Check that it was wrapped with this job's wrapping "
						+ "key and algorithm. The job waits for newly wrapped material.");
		// KMS's own words stay in the job's history for operators
		assertThat(this.api.get("/api/v1/import-jobs/" + jobId).json().get("lastError").get("code").asString())
			.isEqualTo("kms-invalid-ciphertext");
	}

	@Test
	void kmsDenyingKeyportShowsTheTenantNeitherKeyportsRoleNorItsAccountInTheJobsLastErrorOrHistory() {
		String jobId = createJob();
		String principal = "arn:aws:sts::444455556666:assumed-role/keyport-import/keyport-session-7";
		Response denied;
		try {
			this.emulator.faults()
				.failEvery("ImportKeyMaterial", 1, "AccessDeniedException", 400, "User: " + principal
						+ " is not authorized to perform: kms:ImportKeyMaterial on resource: the key because no "
						+ "identity-based policy allows the kms:ImportKeyMaterial action (see https://vpce-0a1b.kms"
						+ ".eu-west-1.vpce.amazonaws.com)");
			denied = this.api.postJson("/api/v1/import-jobs/" + jobId + "/key-material", ApiClient
				.json(Map.of("keyMaterial", java.util.Base64.getEncoder().encodeToString(randomBytes(32)))));
		}
		finally {
			this.emulator.faults().clear();
		}

		assertThat(denied.json().get("code").asString()).as(denied.toString()).isEqualTo("kms-access-denied");
		JsonNode job = this.api.get("/api/v1/import-jobs/" + jobId).json();
		String history = this.api.get("/api/v1/import-jobs/" + jobId + "/events").json().toString();
		assertThat(job.get("lastError").get("code").asString()).isEqualTo("kms-access-denied");
		for (String text : List.of(job.get("lastError").get("message").asString(), history, denied.toString())) {
			assertThat(text).doesNotContain("444455556666", "assumed-role", "keyport-session", "vpce-0a1b");
		}
		// what KMS said is still there, in Keyport's words for the principal
		assertThat(job.get("lastError").get("message").asString()).contains("[Keyport's AWS principal]")
			.contains("is not authorized to perform: kms:ImportKeyMaterial");
	}

	@Test
	void aValueOutsideAnEnumerationListsTheChoicesAsPlainWords() {
		String choices = Arrays.stream(WrappingAlgorithm.values()).map(Enum::name).collect(Collectors.joining(", "));

		assertProblem(this.api.postJson("/api/v1/import-jobs", "{\"kmsKeyId\":\"k\",\"wrappingAlgorithm\":\"ROT13\"}"),
				400, "invalid-enum-value", "Invalid enum value",
				"Field 'wrappingAlgorithm' must be one of " + choices + ".");
		assertProblem(this.api.get("/api/v1/import-jobs?state=DONE"), 400, "invalid-parameter", "Invalid parameter",
				"Parameter 'state' must be one of "
						+ Arrays.stream(ImportJobState.values()).map(Enum::name).collect(Collectors.joining(", "))
						+ ".");
		assertProblem(this.api.get("/api/v1/import-jobs/not-a-uuid"), 400, "invalid-parameter", "Invalid parameter",
				"Parameter 'id' must be a UUID.");
	}

	@Test
	void anUnsupportedMediaTypeNamesTheAcceptedOnesPlainly() {
		assertProblem(this.api.post("/api/v1/import-jobs", "kmsKeyId=k".getBytes(), "text/plain"), 415,
				"unsupported-media-type", "Unsupported media type",
				"Content type text/plain is not accepted here. Send one of application/json.");
	}

	@Test
	void aBusyJobSaysToRetryAfterRetryAfterWithoutARawTimestamp() {
		String jobId = createJob();
		// as if another instance were refreshing the job's parameters right now
		this.jdbc.update("update import_job set lease_owner = 'other-instance', lease_until = ? where id = ?::uuid",
				Timestamp.from(this.clock.instant().plus(Duration.ofSeconds(90)).plusNanos(123_456_789)), jobId);

		Response busy = this.api.post("/api/v1/import-jobs/" + jobId + "/refresh-parameters");

		assertProblem(busy, 409, "job-busy", "Job busy",
				"Cannot refresh the parameters of job " + jobId
						+ " now because background work on it is in progress. Retry after the number of seconds in "
						+ "Retry-After.");
		assertThat(Integer.parseInt(busy.header("Retry-After"))).isBetween(1, 91);
	}

	@Test
	void lookupsAndTargetsHaveHumanTitlesWithAcronyms() {
		assertProblem(this.api.get("/api/v1/kms-keys/" + UUID.randomUUID()), 404, "kms-key-not-found",
				"KMS key not found", null);
		assertProblem(this.api.get("/api/v1/wrapping-options?keySpec=SYMMETRIC_DEFAULT&target=elsewhere"), 400,
				"unknown-kms-target", "Unknown KMS target",
				"KMS target 'elsewhere' is not configured; the configured targets are default.");
		assertProblem(this.api.get("/api/v1/import-jobs/" + UUID.randomUUID()), 404, "import-job-not-found",
				"Import job not found", null);
	}

	@Test
	void kmsThrottlingIsAnsweredWithKeyportsSentenceAndRetryAfter() {
		this.emulator.faults().throttleEvery("CreateKey", 1);
		try {
			Response throttled = this.api.postJson("/api/v1/kms-keys",
					ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT", "description", "throttled")));
			assertProblem(throttled, 503, "kms-throttled", "KMS throttled",
					"KMS is throttling requests. Retry after the number of seconds in Retry-After.");
			assertThat(throttled.header("Retry-After")).isNotBlank();
		}
		finally {
			this.emulator.faults().clear();
		}
	}

	private static void assertProblem(Response response, int status, String code, String title, String detail) {
		assertThat(response.status()).as(response.toString()).isEqualTo(status);
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
		assertThat(response.json().get("code").asString()).as(response.toString()).isEqualTo(code);
		assertThat(response.json().get("title").asString()).isEqualTo(title);
		if (detail != null) {
			assertThat(response.json().get("detail").asString()).isEqualTo(detail);
		}
		assertThat(ProblemWording.violations(response.json())).as(response.toString()).isEmpty();
	}

	private String createJob() {
		Response key = this.api.postJson("/api/v1/kms-keys",
				ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT", "description", "wording")));
		assertThat(key.status()).as(key.toString()).isEqualTo(201);
		Response job = this.api.postJson("/api/v1/import-jobs",
				ApiClient.json(Map.of("kmsKeyId", key.json().get("keyId").asString(), "wrappingAlgorithm",
						"RSAES_OAEP_SHA_256", "wrappingKeySpec", "RSA_2048")));
		assertThat(job.status()).as(job.toString()).isEqualTo(201);
		return job.json().get("id").asString();
	}

	private byte[] randomBytes(int length) {
		byte[] bytes = new byte[length];
		this.random.nextBytes(bytes);
		return bytes;
	}

}
