package io.keyport.security;

import java.util.Base64;
import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.keyport.KeyportApplication;
import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.TestInfrastructure;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random and mutated requests against the running service (real HTTP, database and emulator): whatever comes in, the
 * answer is a 2xx or a 4xx problem with a code, never a 5xx. jqwik has no Spring extension, so the service is started
 * here like any other instance.
 */
class ApiInputPropertyTests {

	static ConfigurableApplicationContext service;

	static ApiClient api;

	static String jobId;

	static String keyId;

	@BeforeContainer
	static void start() {
		System.setProperty("aws.accessKeyId", "AKIAKEYPORTTEST");
		System.setProperty("aws.secretAccessKey", "keyport-test-secret");
		Map<String, Object> properties = new java.util.HashMap<>(
				TestInfrastructure.instanceProperties("test-instance-fuzz", TestInfrastructure.emulator()));
		properties.put("server.port", "0");
		service = new SpringApplicationBuilder(KeyportApplication.class).properties(properties).run();
		api = new ApiClient(Integer.parseInt(service.getEnvironment().getProperty("local.server.port")));
		keyId = api.postJson("/api/v1/kms-keys", "{\"keySpec\":\"SYMMETRIC_DEFAULT\"}").json().get("keyId").asString();
		jobId = api.postJson("/api/v1/import-jobs", "{\"kmsKeyId\":\"" + keyId + "\"}").json().get("id").asString();
	}

	@AfterContainer
	static void stop() {
		service.close();
	}

	@Property(tries = 300)
	void jobCreationNeverAnswers5xx(@ForAll("createBodies") String body) {
		assertNo5xx(api.postJson("/api/v1/import-jobs", body));
	}

	@Property(tries = 200)
	void plaintextMaterialNeverAnswers5xx(@ForAll("materialBodies") String body) {
		assertNo5xx(api.postJson("/api/v1/import-jobs/" + jobId + "/key-material", body));
		refreshIfNeeded();
	}

	@Property(tries = 150)
	void encryptedMaterialNeverAnswers5xx(@ForAll @Size(max = 7000) byte[] body) {
		assertNo5xx(api.putBytes("/api/v1/import-jobs/" + jobId + "/encrypted-key-material", body));
		refreshIfNeeded();
	}

	@Property(tries = 300)
	void queriesNeverAnswer5xx(@ForAll("paths") String path) {
		assertNo5xx(api.get(path));
	}

	static void assertNo5xx(Response response) {
		assertThat(response.status()).as(response.toString()).isLessThan(500);
		if (response.status() >= 400) {
			assertThat(response.header("Content-Type")).startsWith("application/problem+json");
			assertThat(response.json().get("code").asString()).isNotBlank();
		}
	}

	/** A random upload may have been imported or refused; keep a job waiting for material for the next try. */
	static void refreshIfNeeded() {
		String state = api.get("/api/v1/import-jobs/" + jobId).json().get("state").asString();
		if (!state.equals("PARAMETERS_FETCHED")) {
			jobId = api.postJson("/api/v1/import-jobs", "{\"kmsKeyId\":\"" + keyId + "\"}").json().get("id").asString();
		}
	}

	@Provide
	Arbitrary<String> createBodies() {
		Arbitrary<String> values = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(40).map(ApiClient::json),
				Arbitraries.integers().map(String::valueOf), Arbitraries.of("null", "true", "[]", "{}", "1e999",
						"\"RSAES_OAEP_SHA_256\"", "\"RSA_2048\"", "\"KEY_MATERIAL_EXPIRES\"", "\"2020-01-01T00:00:00Z\""));
		Arbitrary<String> fields = Arbitraries.of("kmsKeyId", "wrappingAlgorithm", "wrappingKeySpec", "expiration",
				"model", "validTo", "x");
		Arbitrary<String> objects = Combinators.combine(fields.list().ofMaxSize(5), values.list().ofSize(5))
			.as((names, vals) -> {
				StringBuilder json = new StringBuilder("{");
				for (int i = 0; i < names.size(); i++) {
					json.append(i > 0 ? "," : "").append('"').append(names.get(i)).append("\":").append(vals.get(i));
				}
				return json.append('}').toString();
			});
		String valid = "{\"kmsKeyId\":\"" + keyId + "\",\"wrappingAlgorithm\":\"RSAES_OAEP_SHA_256\","
				+ "\"expiration\":{\"model\":\"KEY_MATERIAL_EXPIRES\",\"validTo\":\"2027-01-01T00:00:00Z\"}}";
		return Arbitraries.oneOf(objects, mutations(valid), Arbitraries.strings().ofMaxLength(200));
	}

	@Provide
	Arbitrary<String> materialBodies() {
		Arbitrary<String> base64 = Arbitraries.bytes().array(byte[].class).ofMaxSize(100)
			.map(b -> "{\"keyMaterial\":\"" + Base64.getEncoder().encodeToString(b) + "\"}");
		return Arbitraries.oneOf(base64, mutations("{\"keyMaterial\":\"" + Base64.getEncoder().encodeToString(new byte[32])
				+ "\"}"), Arbitraries.strings().ofMaxLength(100));
	}

	@Provide
	Arbitrary<String> paths() {
		Arbitrary<String> junk = Arbitraries.strings().withCharRange('!', '~').ofMaxLength(30)
			.map(s -> s.replaceAll("[#%?/\\\\\\[\\]{}|^`\"<> ]", "x"));
		return Arbitraries.oneOf(junk.map(s -> "/api/v1/import-jobs/" + s),
				junk.map(s -> "/api/v1/import-jobs?state=" + s), junk.map(s -> "/api/v1/import-jobs?size=" + s),
				junk.map(s -> "/api/v1/import-jobs?page=" + s), junk.map(s -> "/api/v1/kms-keys/" + s),
				junk.map(s -> "/api/v1/expiring-keys?within=" + s),
				Arbitraries.integers().map(i -> "/api/v1/import-jobs?size=" + i + "&page=" + i));
	}

	/** Single-character insertions, deletions and replacements of a valid body. */
	static Arbitrary<String> mutations(String valid) {
		return Combinators.combine(Arbitraries.integers().between(0, valid.length() - 1),
				Arbitraries.chars().ascii(), Arbitraries.of(List.of(0, 1, 2)))
			.as((at, c, kind) -> switch (kind) {
				case 0 -> valid.substring(0, at) + c + valid.substring(at);
				case 1 -> valid.substring(0, at) + valid.substring(at + 1);
				default -> valid.substring(0, at) + c + valid.substring(at + 1);
			});
	}

}
