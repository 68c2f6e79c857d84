package io.keyport.deploy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;

import io.keyportdev.localauth.LocalAuthorizationServer;
import io.keyportdev.localauth.LocalAuthorizationServer.DemoClient;

import static io.keyport.deploy.HelmChartTests.list;
import static io.keyport.deploy.HelmChartTests.loadYaml;
import static io.keyport.deploy.HelmChartTests.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The Compose stack's OAuth2 issuer, read as files (no Docker engine needed): the demo
 * issuer gives the local run's demo clients their scopes and tenants, and Keyport's
 * environment in the Compose file, bound by Spring Boot's own resource-server
 * auto-configuration, accepts exactly the tokens such an issuer signs for the host: right
 * issuer, right audience, signing keys fetched from another address than the issuer's
 * name.
 */
@TestInstance(Lifecycle.PER_CLASS)
class ComposeIssuerTests {

	static final String ISSUER_SERVICE = "issuer";

	Map<String, Object> issuer;

	Map<String, Object> keyportEnvironment;

	JsonNode issuerConfig;

	RSAKey signingKey;

	HttpServer jwks;

	@BeforeAll
	void readComposeAndServeSigningKeys() throws Exception {
		Map<String, Object> services = map(loadYaml(ContainerArtifactsTests.COMPOSE).get("services"));
		this.issuer = map(services.get(ISSUER_SERVICE));
		this.keyportEnvironment = map(map(services.get("keyport")).get("environment"));
		this.issuerConfig = JsonMapper.builder().build().readTree(Files.readString(configFile()));

		// stands in for the issuer's JWKS endpoint at whatever address the Compose
		// network gives it
		this.signingKey = new RSAKeyGenerator(2048).keyID("keyport-demo").generate();
		byte[] keys = new JWKSet(this.signingKey.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
		this.jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.jwks.createContext("/", exchange -> {
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, keys.length);
			exchange.getResponseBody().write(keys);
			exchange.close();
		});
		this.jwks.start();
	}

	@AfterAll
	void stopJwks() {
		if (this.jwks != null) {
			this.jwks.stop(0);
		}
	}

	@Test
	void issuerImageIsPinnedAndReadsTheMountedConfiguration() {
		String image = (String) this.issuer.get("image");
		// ${MOCK_OAUTH2_IMAGE:-ghcr.io/navikt/mock-oauth2-server:<version>}: overridable,
		// with a pinned default
		String defaultImage = image.replaceAll("^\\$\\{[A-Z0-9_]+:-(.+)}$", "$1");
		assertThat(defaultImage).matches("ghcr\\.io/navikt/mock-oauth2-server:\\d+\\.\\d+\\.\\d+");
		assertThat(Files.isRegularFile(configFile())).isTrue();
		assertThat(this.issuerConfig.get("interactiveLogin").asBoolean()).isFalse();
	}

	@Test
	void keyportChecksTheIssuerTheHostSeesAndFetchesKeysOverTheComposeNetwork() {
		String issuerId = issuerId();
		String hostPort = publishedHostPort();
		String containerPort = (String) map(this.issuer.get("environment")).get("SERVER_PORT");
		assertThat(this.keyportEnvironment)
			.containsEntry("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI",
					"http://localhost:" + hostPort + "/" + issuerId)
			.containsEntry("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_JWK_SET_URI",
					"http://" + ISSUER_SERVICE + ":" + containerPort + "/" + issuerId + "/jwks");
		Map<String, Object> dependsOn = map(
				map(map(loadYaml(ContainerArtifactsTests.COMPOSE).get("services")).get("keyport")).get("depends_on"));
		assertThat(map(dependsOn.get(ISSUER_SERVICE))).containsEntry("condition", "service_started");
	}

	@Test
	void issuerGivesTheLocalRunsDemoClientsTheirScopesTenantAndKeyportsAudience() {
		String audience = (String) this.keyportEnvironment.get("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_AUDIENCES");
		Map<String, JsonNode> claimsByClient = new LinkedHashMap<>();
		for (JsonNode mapping : this.issuerConfig.get("tokenCallbacks").get(0).get("requestMappings")) {
			// the mock server matches client_id in the form and in HTTP basic
			// authentication alike
			assertThat(mapping.get("requestParam").asString()).isEqualTo("client_id");
			claimsByClient.put(mapping.get("match").asString(), mapping.get("claims"));
		}
		assertThat(claimsByClient.keySet()).containsExactlyInAnyOrderElementsOf(
				LocalAuthorizationServer.CLIENTS.stream().map(DemoClient::id).toList());
		for (DemoClient client : LocalAuthorizationServer.CLIENTS) {
			JsonNode claims = claimsByClient.get(client.id());
			assertThat(claims.get("scope").asString()).as(client.id()).isEqualTo(String.join(" ", client.scopes()));
			assertThat(claims.get("tenant").asString()).as(client.id()).isEqualTo(client.tenant());
			assertThat(claims.get("client_id").asString()).as(client.id()).isEqualTo(client.id());
			assertThat(claims.get("sub").asString()).as(client.id()).isEqualTo(client.id());
			List<String> audiences = new ArrayList<>();
			claims.get("aud").forEach(a -> audiences.add(a.asString()));
			assertThat(audiences).as(client.id()).contains(audience);
		}
	}

	@Test
	void composeSettingsAcceptTheIssuersTokensForTheHostOnly() throws Exception {
		String issuerAsTheHostSeesIt = (String) this.keyportEnvironment
			.get("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI");
		JsonNode claims = this.issuerConfig.get("tokenCallbacks").get(0).get("requestMappings").get(0).get("claims");

		withComposeDecoder(decoder -> {
			Jwt jwt = decoder.decode(token(issuerAsTheHostSeesIt, claims));
			assertThat(jwt.getClaimAsString("tenant")).isEqualTo(claims.get("tenant").asString());
			assertThat(new JwtGrantedAuthoritiesConverter().convert(jwt)).extracting(Object::toString)
				.containsExactlyInAnyOrder(claims.get("scope").asString().replaceAll("(\\S+)", "SCOPE_$1").split(" "));

			// the same issuer reached as 127.0.0.1 names itself differently: Keyport
			// answers 401
			String otherName = issuerAsTheHostSeesIt.replace("//localhost:", "//127.0.0.1:");
			assertThatExceptionOfType(JwtValidationException.class)
				.isThrownBy(() -> decoder.decode(token(otherName, claims)))
				.withMessageContaining("iss");
			// a client the issuer has no mapping for gets a token without Keyport's
			// audience
			Map<String, Object> unknownClient = new LinkedHashMap<>(Map.of("sub", "stranger"));
			assertThatExceptionOfType(JwtValidationException.class)
				.isThrownBy(() -> decoder.decode(token(issuerAsTheHostSeesIt, unknownClient)))
				.withMessageContaining("aud");
		});
	}

	/**
	 * Keyport's resource-server settings from the Compose file, the JWK set URI moved to
	 * the stand-in server.
	 */
	void withComposeDecoder(ThrowingConsumer<JwtDecoder> check) {
		Map<String, Object> environment = new LinkedHashMap<>();
		this.keyportEnvironment.forEach((name, value) -> {
			if (name.startsWith("SPRING_SECURITY_")) {
				environment.put(name, value);
			}
		});
		String composeJwkSetUri = (String) environment.get("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_JWK_SET_URI");
		environment.put("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_JWK_SET_URI",
				"http://127.0.0.1:" + this.jwks.getAddress().getPort() + URI.create(composeJwkSetUri).getPath());
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(OAuth2ResourceServerAutoConfiguration.class))
			// bound as the container's environment is: relaxed binding of SPRING_...
			// variable names
			.withInitializer(context -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource("compose-systemEnvironment", environment)))
			.run(context -> {
				assertThat(context).hasSingleBean(JwtDecoder.class);
				check.accept(context.getBean(JwtDecoder.class));
			});
	}

	String token(String issuer, JsonNode claims) throws Exception {
		Map<String, Object> values = new LinkedHashMap<>();
		claims.properties()
			.forEach(e -> values.put(e.getKey(),
					e.getValue().isArray() ? stringList(e.getValue()) : e.getValue().asString()));
		return token(issuer, values);
	}

	String token(String issuer, Map<String, Object> claims) throws Exception {
		JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder().issuer(issuer)
			.issueTime(new Date())
			.expirationTime(Date.from(Instant.now().plusSeconds(300)));
		claims.forEach(builder::claim);
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(this.signingKey.getKeyID())
			.type(JOSEObjectType.JWT)
			.build(), builder.build());
		jwt.sign(new RSASSASigner(this.signingKey));
		return jwt.serialize();
	}

	static List<String> stringList(JsonNode array) {
		List<String> values = new ArrayList<>();
		array.forEach(v -> values.add(v.asString()));
		return values;
	}

	String issuerId() {
		return this.issuerConfig.get("tokenCallbacks").get(0).get("issuerId").asString();
	}

	/** 9000 of "127.0.0.1:9000:8080". */
	String publishedHostPort() {
		String mapping = (String) list(this.issuer.get("ports")).get(0);
		String[] parts = mapping.split(":");
		assertThat(parts).hasSize(3);
		assertThat(parts[0]).isEqualTo("127.0.0.1");
		assertThat(parts[2]).isEqualTo(map(this.issuer.get("environment")).get("SERVER_PORT"));
		return parts[1];
	}

	Path configFile() {
		String configPath = (String) map(this.issuer.get("environment")).get("JSON_CONFIG_PATH");
		String mount = list(this.issuer.get("volumes")).stream()
			.map(String.class::cast)
			.filter(v -> v.endsWith(":" + configPath + ":ro"))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no read-only mount of " + configPath));
		return Path.of(mount.substring(0, mount.indexOf(':')));
	}

	@FunctionalInterface
	interface ThrowingConsumer<T> {

		void accept(T value) throws Exception;

	}

}
