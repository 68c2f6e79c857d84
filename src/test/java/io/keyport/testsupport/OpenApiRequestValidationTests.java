package io.keyport.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request side of the contract check every exchange of the test client goes through:
 * a request the document forbids must be refused with a 4xx, a request it accepts must
 * not be refused for its form.
 */
class OpenApiRequestValidationTests {

	static final OpenApiRequestValidator VALIDATOR = new OpenApiRequestValidator(
			new OpenApiResponseValidator(OpenApiResponseValidator.COMMITTED));

	static final String JOB = "/api/v1/import-jobs/0b9b1f5e-3f0e-4a55-9d2e-6a8f3c1d2e4f";

	/** An unsigned JWT with the import scope: only its claims are read. */
	static final String TOKEN = "Bearer " + jwt("{\"sub\":\"platform-a\",\"scope\":[\"keyport:import\"]}");

	static final Map<String, List<String>> JSON_REQUEST = Map.of("Content-Type", List.of("application/json"),
			"Authorization", List.of(TOKEN));

	static final Map<String, List<String>> READER = Map.of("Authorization",
			List.of("Bearer " + jwt("{\"scope\":\"keyport:read\"}")));

	static final Map<String, List<String>> JSON = Map.of("Content-Type", List.of("application/json"));

	static final Map<String, List<String>> PROBLEM = Map.of("Content-Type", List.of("application/problem+json"));

	static final String CREATE_JOB = "{\"kmsKeyId\": \"1234abcd-12ab-34cd-56ef-1234567890ab\"}";

	@Test
	void bodyWithAnUndocumentedFieldAnswered2xxFails() {
		List<String> broken = VALIDATOR.exchange("POST", "/api/v1/import-jobs", JSON_REQUEST,
				bytes(CREATE_JOB.replace("}", ", \"priority\": 1}")), 201, JSON, bytes("{}"));
		assertThat(broken).singleElement()
			.asString()
			.contains("the request breaks openapi/keyport-v1.json but was answered 201")
			.contains("priority");
	}

	@Test
	void documentedInvalidRequestAnswered400Passes() {
		assertThat(VALIDATOR.exchange("POST", "/api/v1/import-jobs", JSON_REQUEST,
				bytes(CREATE_JOB.replace("}", ", \"priority\": 1}")), 400, PROBLEM,
				bytes("{\"code\": \"unknown-field\"}")))
			.isEmpty();
	}

	@Test
	void validRequestRefusedForItsFormFails() {
		List<String> broken = VALIDATOR.exchange("POST", "/api/v1/import-jobs", JSON_REQUEST, bytes(CREATE_JOB), 400,
				PROBLEM, bytes("{\"code\": \"unknown-field\"}"));
		assertThat(broken).singleElement()
			.asString()
			.contains("valid by openapi/keyport-v1.json but was refused for its form with unknown-field");
	}

	@Test
	void validRequestRefusedForItsMeaningPasses() {
		assertThat(VALIDATOR.exchange("POST", "/api/v1/import-jobs", JSON_REQUEST, bytes(CREATE_JOB), 422, PROBLEM,
				bytes("{\"code\": \"kms-key-not-external\"}")))
			.isEmpty();
	}

	@Test
	void pathParameterOutsideItsFormatIsInvalid() {
		assertThat(VALIDATOR.violations("POST", "/api/v1/import-jobs/not-a-uuid/cancel", JSON_REQUEST, null))
			.singleElement()
			.asString()
			.contains("path parameter id");
	}

	@Test
	void queryParameterOutOfRangeIsInvalid() {
		assertThat(VALIDATOR.violations("GET", "/api/v1/import-jobs?size=0&page=x",
				Map.of("Authorization", List.of("Bearer " + jwt("{\"scope\":\"keyport:read\"}"))), null))
			.hasSize(2)
			.anySatisfy(v -> assertThat(v).contains("query parameter size"))
			.anySatisfy(v -> assertThat(v).contains("query parameter page"));
	}

	@Test
	void malformedIdempotencyKeyIsInvalid() {
		Map<String, List<String>> headers = Map.of("Content-Type", List.of("application/json"), "Authorization",
				List.of(TOKEN), "Idempotency-Key", List.of("has spaces"));
		assertThat(VALIDATOR.violations("POST", "/api/v1/import-jobs", headers, bytes(CREATE_JOB))).singleElement()
			.asString()
			.contains("header parameter Idempotency-Key");
	}

	@Test
	void contentTypeTheOperationDoesNotTakeIsInvalid() {
		Map<String, List<String>> headers = Map.of("Content-Type", List.of("text/plain"), "Authorization",
				List.of(TOKEN));
		assertThat(VALIDATOR.violations("PUT", JOB + "/encrypted-key-material", headers, bytes("abc"))).singleElement()
			.asString()
			.contains("content type text/plain is not one the operation takes");
	}

	@Test
	void base64FieldThatIsNotBase64IsInvalid() {
		assertThat(VALIDATOR.violations("PUT", JOB + "/encrypted-key-material", JSON_REQUEST,
				bytes("{\"encryptedKeyMaterial\": \"not*base64\"}")))
			.singleElement()
			.asString()
			.contains("/encryptedKeyMaterial: not base64");
	}

	@Test
	void missingTokenOrScopeIsInvalid() {
		assertThat(VALIDATOR.violations("POST", "/api/v1/import-jobs", JSON, bytes(CREATE_JOB))).singleElement()
			.asString()
			.contains("no bearer token");
		Map<String, List<String>> reader = Map.of("Content-Type", List.of("application/json"), "Authorization",
				List.of("Bearer " + jwt("{\"scope\":\"keyport:read\"}")));
		assertThat(VALIDATOR.violations("POST", "/api/v1/import-jobs", reader, bytes(CREATE_JOB))).singleElement()
			.asString()
			.contains("hold none of the alternatives");
	}

	@Test
	void unknownOperationAnswered2xxFailsAnd405Passes() {
		assertThat(VALIDATOR.exchange("DELETE", JOB, JSON_REQUEST, null, 204, Map.of(), null)).singleElement()
			.asString()
			.contains("DELETE " + JOB + " is not an operation of the document");
		assertThat(VALIDATOR.exchange("DELETE", JOB, JSON_REQUEST, null, 405, PROBLEM,
				bytes("{\"code\": \"method-not-allowed\"}")))
			.isEmpty();
	}

	@Test
	void keyReferenceWithACharacterTheServerRefusesIsInvalid() {
		// the pattern was unanchored: one valid character anywhere passed
		assertThat(VALIDATOR.violations("GET", "/api/v1/kms-keys/alias%2Fkey%40x", READER, null)).singleElement()
			.asString()
			.contains("path parameter keyId");
		assertThat(VALIDATOR.violations("GET", "/api/v1/kms-keys/alias/payments_key-1", READER, null)).isEmpty();
	}

	@Test
	void windowThatIsNoIsoDurationIsInvalid() {
		assertThat(VALIDATOR.violations("GET", "/api/v1/expiring-keys?within=banana", READER, null)).singleElement()
			.asString()
			.contains("query parameter within");
		assertThat(VALIDATOR.violations("GET", "/api/v1/expiring-keys?within=", READER, null)).hasSize(1);
		assertThat(VALIDATOR.violations("GET", "/api/v1/expiring-keys?within=P1DT12H", READER, null)).isEmpty();
		assertThat(VALIDATOR.violations("GET", "/api/v1/expiring-keys?within=PT0.5S", READER, null)).isEmpty();
	}

	@Test
	void emptyFilterAndPagingValuesStandForAbsentOnes() {
		// Spring reads ?state= or ?page= as absent and answers 200
		assertThat(VALIDATOR.exchange("GET", "/api/v1/import-jobs?state=+&page=&size=", READER, null, 200, JSON,
				bytes("{}")))
			.isEmpty();
		assertThat(VALIDATOR.violations("GET", "/api/v1/import-jobs?state=DONE", READER, null)).singleElement()
			.asString()
			.contains("query parameter state");
	}

	@Test
	void pathsOutsideTheApiAreNotChecked() {
		assertThat(VALIDATOR.violations("POST", "/actuator/refresh", Map.of(), bytes("x"))).isEmpty();
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static String jwt(String claims) {
		Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
		return encoder.encodeToString(bytes("{\"alg\":\"none\"}")) + "." + encoder.encodeToString(bytes(claims))
				+ ".c2ln";
	}

}
