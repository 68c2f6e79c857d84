package io.keyport.security;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;

import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.IntegrationTest;
import io.keyport.testsupport.RandomInputs;
import io.keyport.testsupport.SeededTries;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random and mutated requests against the running service (real HTTP, database and
 * emulator): whatever comes in, the answer is a 2xx or a 4xx problem with a code, never a
 * 5xx. Seeded tries ({@link SeededTries}): a failure names the seed that replays it.
 */
class ApiInputPropertyTests extends IntegrationTest {

	static final List<String> CREATE_FIELDS = List.of("kmsKeyId", "wrappingAlgorithm", "wrappingKeySpec", "expiration",
			"model", "validTo", "x");

	static final List<String> CREATE_LITERALS = List.of("null", "true", "[]", "{}", "1e999", "\"RSAES_OAEP_SHA_256\"",
			"\"RSA_2048\"", "\"KEY_MATERIAL_EXPIRES\"", "\"2020-01-01T00:00:00Z\"");

	static final List<String> QUERY_PREFIXES = List.of("/api/v1/import-jobs/", "/api/v1/import-jobs?state=",
			"/api/v1/import-jobs?size=", "/api/v1/import-jobs?page=", "/api/v1/kms-keys/",
			"/api/v1/expiring-keys?within=");

	@LocalServerPort
	int port;

	ApiClient api;

	String keyId;

	String jobId;

	@BeforeEach
	void keyAndJobWaitingForMaterial() {
		this.api = new ApiClient(this.port);
		this.keyId = this.api.postJson("/api/v1/kms-keys", "{\"keySpec\":\"SYMMETRIC_DEFAULT\"}")
			.json()
			.get("keyId")
			.asString();
		this.jobId = newJob();
	}

	@Test
	void jobCreationAnswersRandomBodiesWith2xxOrCodedProblemNever5xx() {
		SeededTries.run(300, random -> {
			String body = createBody(random);
			assertNo5xx(body, this.api.postJson("/api/v1/import-jobs", body));
		});
	}

	@Test
	void plaintextMaterialUploadAnswersRandomBodiesWith2xxOrCodedProblemNever5xx() {
		SeededTries.run(200, random -> {
			String body = materialBody(random);
			assertNo5xx(body, this.api.postJson("/api/v1/import-jobs/" + this.jobId + "/key-material", body));
			refreshJobIfUsed();
		});
	}

	@Test
	void encryptedMaterialUploadAnswersRandomBytesWith2xxOrCodedProblemNever5xx() {
		SeededTries.run(150, random -> {
			byte[] body = RandomInputs.bytes(random, 7000);
			assertNo5xx(body.length + " random bytes",
					this.api.putBytes("/api/v1/import-jobs/" + this.jobId + "/encrypted-key-material", body));
			refreshJobIfUsed();
		});
	}

	@Test
	void queriesAnswerRandomPathsAndParametersWith2xxOrCodedProblemNever5xx() {
		SeededTries.run(300, random -> {
			String path = queryPath(random);
			assertNo5xx(path, this.api.get(path));
		});
	}

	static void assertNo5xx(String request, Response response) {
		assertThat(response.status()).as("%s -> %s", request, response).isLessThan(500);
		if (response.status() >= 400) {
			assertThat(response.header("Content-Type")).as("%s -> %s", request, response)
				.startsWith("application/problem+json");
			assertThat(response.json().get("code").asString()).as("%s -> %s", request, response).isNotBlank();
		}
	}

	String newJob() {
		return this.api.postJson("/api/v1/import-jobs", "{\"kmsKeyId\":\"" + this.keyId + "\"}")
			.json()
			.get("id")
			.asString();
	}

	/**
	 * A random upload may have been imported or refused; keep a job waiting for material
	 * for the next try.
	 */
	void refreshJobIfUsed() {
		String state = this.api.get("/api/v1/import-jobs/" + this.jobId).json().get("state").asString();
		if (!state.equals("PARAMETERS_FETCHED")) {
			this.jobId = newJob();
		}
	}

	/**
	 * An object of known and unknown fields with random values, a one-character mutation
	 * of a valid body, or junk.
	 */
	String createBody(SplittableRandom random) {
		return switch (random.nextInt(3)) {
			case 0 -> {
				List<String> fields = new ArrayList<>();
				for (int i = RandomInputs.size(random, 5); i > 0; i--) {
					String value = switch (random.nextInt(3)) {
						case 0 -> ApiClient.json(RandomInputs.string(random, 40));
						case 1 -> String.valueOf(RandomInputs.integer(random));
						default -> RandomInputs.oneOf(random, CREATE_LITERALS);
					};
					fields.add("\"" + RandomInputs.oneOf(random, CREATE_FIELDS) + "\":" + value);
				}
				yield "{" + String.join(",", fields) + "}";
			}
			case 1 -> RandomInputs
				.mutation(random, "{\"kmsKeyId\":\"" + this.keyId + "\",\"wrappingAlgorithm\":\"RSAES_OAEP_SHA_256\","
						+ "\"expiration\":{\"model\":\"KEY_MATERIAL_EXPIRES\",\"validTo\":\"2027-01-01T00:00:00Z\"}}");
			default -> RandomInputs.string(random, 200);
		};
	}

	/** Base64 of random bytes, a one-character mutation of a valid body, or junk. */
	static String materialBody(SplittableRandom random) {
		return switch (random.nextInt(3)) {
			case 0 ->
				"{\"keyMaterial\":\"" + Base64.getEncoder().encodeToString(RandomInputs.bytes(random, 100)) + "\"}";
			case 1 -> RandomInputs.mutation(random,
					"{\"keyMaterial\":\"" + Base64.getEncoder().encodeToString(new byte[32]) + "\"}");
			default -> RandomInputs.string(random, 100);
		};
	}

	/**
	 * A job or key id, or a list filter, made of printable junk (kept a valid URI), or
	 * odd paging numbers.
	 */
	static String queryPath(SplittableRandom random) {
		int kind = random.nextInt(QUERY_PREFIXES.size() + 1);
		if (kind == QUERY_PREFIXES.size()) {
			int number = RandomInputs.integer(random);
			return "/api/v1/import-jobs?size=" + number + "&page=" + number;
		}
		String junk = RandomInputs.string(random, 30, '!', '~').replaceAll("[#%?/\\\\\\[\\]{}|^`\"<> ]", "x");
		return QUERY_PREFIXES.get(kind) + junk;
	}

}
