package io.keyport.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The validator the test client runs on every exchange: what the committed document does
 * not state fails, what it states passes.
 */
class OpenApiResponseValidatorTests {

	static final OpenApiResponseValidator VALIDATOR = new OpenApiResponseValidator(OpenApiResponseValidator.COMMITTED);

	static final String JOB = "/api/v1/import-jobs/0b9b1f5e-3f0e-4a55-9d2e-6a8f3c1d2e4f";

	static final Map<String, List<String>> PROBLEM = Map.of("Content-Type", List.of("application/problem+json"));

	static final Map<String, List<String>> JSON = Map.of("Content-Type", List.of("application/json"));

	static final String NOT_FOUND = """
			{"type": "https://keyport.io/problems/import-job-not-found", "title": "Import job not found",
			 "status": 404, "detail": "No import job 0b9b1f5e-3f0e-4a55-9d2e-6a8f3c1d2e4f",
			 "code": "import-job-not-found", "jobId": "0b9b1f5e-3f0e-4a55-9d2e-6a8f3c1d2e4f"}""";

	@Test
	void controllerAnsweringAnUndocumentedStatusFailsValidation() {
		List<String> violations = VALIDATOR.violations("GET", JOB, 418, PROBLEM,
				bytes(NOT_FOUND.replace("404", "418")));
		assertThat(violations).singleElement().asString().contains("status 418 is not documented for getImportJob");
	}

	@Test
	void documentedProblemPasses() {
		assertThat(VALIDATOR.violations("GET", "http://127.0.0.1:1" + JOB + "?x=1", 404, PROBLEM, bytes(NOT_FOUND)))
			.isEmpty();
	}

	@Test
	void problemWithACodeTheOperationDoesNotListFails() {
		List<String> violations = VALIDATOR.violations("GET", JOB, 404, PROBLEM,
				bytes(NOT_FOUND.replace("import-job-not-found\",", "kms-key-not-found\",")));
		assertThat(violations).anySatisfy(v -> assertThat(v).contains("/code"));
	}

	@Test
	void undocumentedFieldFails() {
		List<String> violations = VALIDATOR.violations("GET", JOB, 404, PROBLEM,
				bytes(NOT_FOUND.replace("}", ", \"secret\": \"x\"}")));
		assertThat(violations).anySatisfy(v -> assertThat(v).contains("secret"));
	}

	@Test
	void undocumentedMediaTypeFails() {
		List<String> violations = VALIDATOR.violations("GET", JOB, 404, JSON, bytes(NOT_FOUND));
		assertThat(violations).singleElement().asString().contains("media type application/json is not documented");
	}

	@Test
	void undocumentedApiHeaderFails() {
		Map<String, List<String>> headers = Map.of("Content-Type", List.of("application/problem+json"), "Location",
				List.of("/elsewhere"));
		assertThat(VALIDATOR.violations("GET", JOB, 404, headers, bytes(NOT_FOUND)))
			.anySatisfy(v -> assertThat(v).contains("header location is not documented"));
	}

	@Test
	void pathsOutsideTheDocumentAreNotChecked() {
		assertThat(VALIDATOR.violations("GET", "/actuator/health", 200, JSON, bytes("{}"))).isEmpty();
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
