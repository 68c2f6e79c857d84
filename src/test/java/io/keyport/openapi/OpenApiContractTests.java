package io.keyport.openapi;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The committed document states what a platform team needs per operation: resource tag,
 * summary, description, scopes, real success status with its headers, and problem+json
 * answers with their codes. Checked on the file, without the service.
 */
class OpenApiContractTests {

	static final Set<String> TAGS = Set.of("Import jobs", "KMS keys", "Wrapping", "Audit", "Operations");

	static final JsonNode DOCUMENT = read();

	@Test
	void everyOperationHasTagSummaryDescriptionScopesAndProblemAnswers() {
		List<String> missing = new ArrayList<>();
		for (Map.Entry<String, JsonNode> path : DOCUMENT.path("paths").properties()) {
			for (Map.Entry<String, JsonNode> method : path.getValue().properties()) {
				JsonNode operation = method.getValue();
				String at = method.getKey() + " " + path.getKey();
				if (operation.path("tags").size() != 1 || !TAGS.contains(operation.path("tags").get(0).asString())) {
					missing.add(at + ": resource tag");
				}
				if (operation.path("summary").asString("").isBlank()
						|| operation.path("description").asString("").isBlank()) {
					missing.add(at + ": summary and description");
				}
				if (!operation.path("security").isArray() || operation.path("security").isEmpty()
						|| operation.path("security")
							.get(0)
							.propertyNames()
							.stream()
							.findFirst()
							.map(scheme -> operation.path("security").get(0).path(scheme).isEmpty())
							.orElse(true)) {
					missing.add(at + ": required scope");
				}
				for (Map.Entry<String, JsonNode> response : operation.path("responses").properties()) {
					if (response.getKey().startsWith("4") || response.getKey().startsWith("5")) {
						JsonNode media = response.getValue().path("content");
						if (media.size() != 1 || !media.has("application/problem+json")
								|| media.path("application/problem+json")
									.path("schema")
									.path("properties")
									.path("code")
									.path("enum")
									.isEmpty()) {
							missing.add(at + ": " + response.getKey() + " as problem+json with its codes");
						}
					}
					else if (response.getValue().path("content").has("application/problem+json")) {
						missing.add(at + ": " + response.getKey() + " offers problem+json");
					}
				}
				for (String status : List.of("400", "401", "403", "500")) {
					if (!operation.path("responses").has(status)) {
						missing.add(at + ": " + status);
					}
				}
			}
		}
		assertThat(missing).isEmpty();
	}

	@Test
	void creationsAnswer201WithLocationAndIdempotencyHeaders() {
		for (String path : List.of("/api/v1/kms-keys", "/api/v1/import-jobs")) {
			JsonNode created = DOCUMENT.path("paths").path(path).path("post").path("responses").path("201");
			assertThat(created.path("headers").propertyNames()).as(path).contains("Location", "Idempotent-Replayed");
			assertThat(DOCUMENT.path("paths").path(path).path("post").path("responses").has("200")).as(path).isFalse();
		}
		assertThat(DOCUMENT.at("/components/headers/Location/required").asBoolean()).isTrue();
	}

	@Test
	void binaryBodiesAreBinaryAndFirstEventHasNullableFrom() {
		JsonNode wrappingKey = DOCUMENT
			.at("/paths/~1api~1v1~1import-jobs~1{id}~1wrapping-key/get/responses/200/content");
		assertThat(wrappingKey.at("/application~1octet-stream/schema/format").asString()).isEqualTo("binary");
		JsonNode zip = DOCUMENT
			.at("/paths/~1api~1v1~1import-jobs~1{id}~1import-parameters.zip/get/responses/200/content");
		assertThat(zip.at("/application~1zip/schema/format").asString()).isEqualTo("binary");
		assertThat(DOCUMENT.at("/components/schemas/ImportJobEvent/properties/from/type").toString()).contains("null");
		assertThat(DOCUMENT.at("/components/schemas/ImportJobEvent/properties/errorCode/type").toString())
			.contains("null");
	}

	@Test
	void everyProblemCodeIsListedOnceWithItsStatusAndEveryAnswerUsesListedCodes() {
		String table = DOCUMENT.at("/components/schemas/Problem/properties/code/description").asString();
		for (Map.Entry<String, JsonNode> path : DOCUMENT.path("paths").properties()) {
			for (Map.Entry<String, JsonNode> method : path.getValue().properties()) {
				for (Map.Entry<String, JsonNode> response : method.getValue().path("responses").properties()) {
					for (JsonNode code : response.getValue()
						.at("/content/application~1problem+json/schema/properties/code/enum")) {
						assertThat(table).as(code.asString()).contains("| `" + code.asString() + "` |");
						assertThat(table).contains("| `" + code.asString() + "` | ");
					}
				}
			}
		}
		assertThat(DOCUMENT.at("/info/license/url").asString()).startsWith("https://");
		assertThat(DOCUMENT.path("servers")).isNotEmpty();
	}

	private static JsonNode read() {
		try {
			return JsonMapper.builder()
				.build()
				.readTree(Files.readString(OpenApiDocumentTests.COMMITTED, StandardCharsets.UTF_8));
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

}
