package io.keyport.docs;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The token URL of the documentation's client-credentials flow: the issuer's metadata
 * decides (issuers put it in different places), an override wins, and an issuer whose
 * metadata cannot be read gets Spring Authorization Server's path.
 */
class TokenEndpointTests {

	@Test
	void tokenEndpointComesFromTheIssuersMetadata() throws Exception {
		HttpServer issuer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		String base = "http://127.0.0.1:" + issuer.getAddress().getPort() + "/realms/keyport";
		issuer.createContext("/realms/keyport/.well-known/openid-configuration", exchange -> {
			byte[] body = ("{\"issuer\":\"" + base + "\",\"token_endpoint\":\"" + base
					+ "/protocol/openid-connect/token\"}")
				.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		issuer.start();
		try {
			assertThat(TokenEndpoint.resolve(null, base)).hasToString(base + "/protocol/openid-connect/token");
			assertThat(TokenEndpoint.resolve(null, base + "/")).hasToString(base + "/protocol/openid-connect/token");
		}
		finally {
			issuer.stop(0);
		}
	}

	@Test
	void theDocumentAsksTheIssuerOnceHoweverOftenItIsBuilt() throws Exception {
		HttpServer issuer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		String base = "http://127.0.0.1:" + issuer.getAddress().getPort();
		java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
		issuer.createContext("/.well-known/openid-configuration", exchange -> {
			asked.incrementAndGet();
			byte[] body = ("{\"token_endpoint\":\"" + base + "/token\"}").getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		issuer.start();
		try {
			org.springdoc.core.customizers.OpenApiCustomizer customizer = new InteractiveDocsConfiguration()
				.oauth2ClientCredentials(new DocsProperties(null), new org.springframework.mock.env.MockEnvironment()
					.withProperty(InteractiveDocsConfiguration.ISSUER_PROPERTY, base));
			for (int build = 0; build < 3; build++) {
				io.swagger.v3.oas.models.OpenAPI document = new io.swagger.v3.oas.models.OpenAPI();
				customizer.customise(document);
				assertThat(document.getComponents()
					.getSecuritySchemes()
					.get(InteractiveDocsConfiguration.SCHEME)
					.getFlows()
					.getClientCredentials()
					.getTokenUrl()).isEqualTo(base + "/token");
			}
			assertThat(asked).hasValue(1);
		}
		finally {
			issuer.stop(0);
		}
	}

	@Test
	void configuredTokenUrlWinsOverTheMetadata() {
		URI configured = URI.create("https://login.example.com/oauth2/v2.0/token");
		assertThat(TokenEndpoint.resolve(configured, "http://127.0.0.1:1")).isEqualTo(configured);
	}

	@Test
	void unreadableMetadataFallsBackToTheIssuersOauth2TokenPath() throws Exception {
		HttpServer issuer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		// answers 404 to everything: no metadata
		issuer.start();
		String base = "http://127.0.0.1:" + issuer.getAddress().getPort();
		try {
			assertThat(TokenEndpoint.resolve(null, base)).hasToString(base + "/oauth2/token");
		}
		finally {
			issuer.stop(0);
		}
	}

}
