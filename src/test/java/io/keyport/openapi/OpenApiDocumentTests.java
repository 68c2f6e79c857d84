package io.keyport.openapi;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.boot.test.web.server.LocalServerPort;

import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.IntegrationTest;
import io.keyport.testsupport.TestInfrastructure;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The committed OpenAPI document is the contract: it must equal what the running service
 * describes (springdoc plus io.keyport.openapi.ContractCustomizer). To accept a
 * deliberate API change, run with {@code -Dopenapi.update=true} and commit the file. That
 * the service behaves as the document says is checked on every exchange of the
 * integration suite by {@link io.keyport.testsupport.OpenApiResponseValidator}.
 */
class OpenApiDocumentTests extends IntegrationTest {

	static final Path COMMITTED = Path.of("openapi", "keyport-v1.json");

	static final JsonMapper JSON = JsonMapper.builder()
		.enable(SerializationFeature.INDENT_OUTPUT)
		.enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
		.build();

	@LocalServerPort
	int port;

	@org.springframework.beans.factory.annotation.Autowired
	org.springdoc.core.service.OpenAPIService openApiService;

	@Test
	void oneDocumentServesEveryAcceptLanguageAndNoneIsBuiltPerLanguage() throws Exception {
		ApiClient api = new ApiClient(this.port);
		String english = new String(api.get("/v3/api-docs").body(), StandardCharsets.UTF_8);
		for (String language : List.of("fr-FR", "de", "ja-JP", "zz-ZZ", "en-GB")) {
			ApiClient.Response response = api.exchange("GET", "/v3/api-docs", Map.of("Accept-Language", language),
					null);
			assertThat(response.status()).as(language).isEqualTo(200);
			assertThat(new String(response.body(), StandardCharsets.UTF_8)).as(language).isEqualTo(english);
			assertThat(this.openApiService.getCachedOpenAPI(java.util.Locale.forLanguageTag(language))).as(language)
				.isNull();
		}
	}

	@Test
	void runningServiceDescribesExactlyTheCommittedDocument() throws Exception {
		ApiClient.Response response = new ApiClient(this.port).get("/v3/api-docs");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		ObjectNode live = (ObjectNode) JSON.readTree(response.body());
		// so does the test issuer's token endpoint; the committed document names a
		// placeholder issuer
		JsonNode flow = live.at("/components/securitySchemes/oauth2/flows/clientCredentials");
		if (flow instanceof ObjectNode clientCredentials && clientCredentials.has("tokenUrl")) {
			String tokenUrl = clientCredentials.get("tokenUrl").asString();
			clientCredentials.put("tokenUrl",
					tokenUrl.replace(TestInfrastructure.issuer(), "https://issuer.example.com"));
		}
		String rendered = JSON.writeValueAsString(JSON.treeToValue(live, Object.class)) + "\n";
		if (Boolean.getBoolean("openapi.update")) {
			Files.writeString(COMMITTED, rendered, StandardCharsets.UTF_8);
		}
		assertThat(COMMITTED).as("committed OpenAPI document").exists();
		JsonNode committed = JSON.readTree(Files.readString(COMMITTED, StandardCharsets.UTF_8));
		assertThat(live.equals(committed))
			.as("the running service's OpenAPI document differs from " + COMMITTED + " in "
					+ differences(live, committed)
					+ "; if the change is intended, run the tests with -Dopenapi.update=true and commit the file")
			.isTrue();
		assertThat(live.get("openapi").asString()).startsWith("3.1");
	}

	/** Paths and schemas that differ, to name them instead of printing both documents. */
	static java.util.List<String> differences(JsonNode live, JsonNode committed) {
		java.util.List<String> differences = new java.util.ArrayList<>();
		for (String section : java.util.List.of("/paths", "/components/schemas")) {
			java.util.Set<String> names = new java.util.TreeSet<>(live.at(section).propertyNames());
			names.addAll(committed.at(section).propertyNames());
			for (String name : names) {
				if (!live.at(section).path(name).equals(committed.at(section).path(name))) {
					differences.add(section + "/" + name);
				}
			}
		}
		if (differences.isEmpty()) {
			differences.add("info, servers or security");
		}
		return differences;
	}

}
