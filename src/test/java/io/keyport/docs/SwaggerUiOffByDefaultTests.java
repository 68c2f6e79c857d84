package io.keyport.docs;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;

import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged application's configuration (application.yml, as every integration test
 * context but the Swagger UI one uses it): no interactive docs, the document as before.
 */
class SwaggerUiOffByDefaultTests extends IntegrationTest {

	@LocalServerPort
	int port;

	@Test
	void packagedConfigurationServesNoSwaggerUiButStillTheDocument() {
		ApiClient anonymous = new ApiClient(this.port);
		for (String path : new String[] { "/swagger-ui/index.html", "/swagger-ui.html",
				"/swagger-ui/swagger-initializer.js", "/webjars/swagger-ui/index.html" }) {
			ApiClient.Response response = anonymous.get(path, "text/html");
			// refused like any path outside the API, or not found
			assertThat(response.status()).as(path + ": " + response).isIn(401, 403, 404);
			assertThat(response.text()).doesNotContainIgnoringCase("swagger");
		}
		ApiClient.Response config = anonymous.get("/v3/api-docs/swagger-config");
		assertThat(config.status()).as(config.toString()).isIn(401, 403, 404);
		ApiClient.Response document = anonymous.get("/v3/api-docs");
		assertThat(document.status()).as(document.toString()).isEqualTo(200);
	}

}
