package io.keyportdev.localauth;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;

/**
 * A real OAuth2 authorization server (Spring Authorization Server) for the local run and
 * the tests: demo clients for two tenants and an operator obtain tokens with the
 * client-credentials grant, exactly as platforms do against a production issuer. Test
 * scope only; outside the io.keyport package so Keyport's component scan never picks it
 * up.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
		"org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration",
		"org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
		"org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerAutoConfiguration",
		"org.springframework.boot.security.oauth2.server.resource.autoconfigure.web.OAuth2ResourceServerWebSecurityAutoConfiguration" })
public class LocalAuthorizationServer {

	public static final int DEFAULT_PORT = 9000;

	/** A demo client: its secret, scopes and the tenant its tokens act for. */
	public record DemoClient(String id, String secret, String tenant, List<String> scopes) {
	}

	public static final DemoClient PLATFORM_A = new DemoClient("platform-a", "platform-a-secret", "tenant-a",
			List.of("keyport:read", "keyport:import", "keyport:keys"));

	public static final DemoClient PLATFORM_B = new DemoClient("platform-b", "platform-b-secret", "tenant-b",
			List.of("keyport:read", "keyport:import", "keyport:keys"));

	/** Reads only: for tests of refused scopes. */
	public static final DemoClient READER_A = new DemoClient("reader-a", "reader-a-secret", "tenant-a",
			List.of("keyport:read"));

	public static final DemoClient OPERATOR = new DemoClient("operator", "operator-secret", "operations",
			List.of("keyport:read", "keyport:admin", "keyport:ops"));

	public static final List<DemoClient> CLIENTS = List.of(PLATFORM_A, PLATFORM_B, READER_A, OPERATOR);

	private static final List<String> PLATFORM_SCOPES = List.of("keyport:read", "keyport:import", "keyport:keys");

	/**
	 * Clients of tenant B named like privileged callers: the names must give them
	 * nothing.
	 */
	public static final List<DemoClient> PRIVILEGED_NAMES = List.of(
			new DemoClient("system:x", "attacker-secret-1", "tenant-b", PLATFORM_SCOPES),
			new DemoClient("system", "attacker-secret-2", "tenant-b", PLATFORM_SCOPES),
			new DemoClient("admin", "attacker-secret-3", "tenant-b", PLATFORM_SCOPES),
			new DemoClient("keyport", "attacker-secret-4", "tenant-b", PLATFORM_SCOPES));

	/** Named like tenant A, but its tokens carry no tenant claim. */
	public static final DemoClient WITHOUT_TENANT = new DemoClient("tenant-a", "attacker-secret-5", null,
			PLATFORM_SCOPES);

	/**
	 * A metrics scraper as operators set one up: scope keyport:ops and nothing else, no
	 * tenant claim.
	 */
	public static final DemoClient SCRAPER = new DemoClient("prometheus", "scraper-secret", null,
			List.of("keyport:ops"));

	public static final DemoClient OVERLONG_TENANT = new DemoClient("overlong-tenant", "attacker-secret-6",
			"t".repeat(300), PLATFORM_SCOPES);

	public static final DemoClient ODD_TENANT = new DemoClient("odd-tenant", "attacker-secret-7", "tenant-a/../x",
			PLATFORM_SCOPES);

	/** A client id (and so a subject) longer than any column it could land in. */
	public static final DemoClient OVERLONG_CLIENT_ID = new DemoClient("c".repeat(300), "attacker-secret-8",
			"tenant-long", PLATFORM_SCOPES);

	/**
	 * A third tenant's platform, for tests that use up a tenant's share of something
	 * without touching tenants A and B.
	 */
	public static final DemoClient PLATFORM_C = new DemoClient("platform-c", "platform-c-secret", "tenant-c",
			PLATFORM_SCOPES);

	/**
	 * Clients for tests only (attackers and a third tenant), registered only when
	 * {@link #TEST_CLIENTS_PROPERTY} is set (the tests set it; the local run's demo
	 * clients stay as documented). They authenticate with client_secret_post, since a
	 * colon in a client id breaks HTTP Basic.
	 */
	public static final List<DemoClient> TEST_CLIENTS = java.util.stream.Stream
		.concat(PRIVILEGED_NAMES.stream(),
				java.util.stream.Stream.of(WITHOUT_TENANT, SCRAPER, OVERLONG_TENANT, ODD_TENANT, OVERLONG_CLIENT_ID,
						PLATFORM_C))
		.toList();

	public static final String TEST_CLIENTS_PROPERTY = "keyport-dev.local-auth.test-clients";

	/**
	 * Starts the server on 127.0.0.1 and the given port (0 for any), with the demo
	 * clients only.
	 */
	public static ConfigurableApplicationContext start(int port) {
		return start(port, false);
	}

	/** Starts the server, with the {@link #TEST_CLIENTS} too when asked. */
	public static ConfigurableApplicationContext start(int port, boolean testClients) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("server.port", port);
		properties.put("server.address", "127.0.0.1");
		properties.put("spring.application.name", "keyport-local-authorization-server");
		properties.put("management.endpoints.web.exposure.include", "");
		properties.put("springdoc.api-docs.enabled", "false");
		properties.put("keyport.lifecycle.enabled", "false");
		String prefix = "spring.security.oauth2.authorizationserver.client.";
		for (DemoClient client : CLIENTS) {
			String registration = prefix + client.id() + ".registration.";
			properties.put(registration + "client-id", client.id());
			properties.put(registration + "client-secret", "{noop}" + client.secret());
			properties.put(registration + "client-authentication-methods", "client_secret_basic,client_secret_post");
			properties.put(registration + "authorization-grant-types", "client_credentials");
			properties.put(registration + "scopes", String.join(",", client.scopes()));
		}
		if (testClients) {
			properties.put(TEST_CLIENTS_PROPERTY, "true");
			for (int i = 0; i < TEST_CLIENTS.size(); i++) {
				DemoClient client = TEST_CLIENTS.get(i);
				String registration = prefix + "test-client-" + i + ".registration.";
				properties.put(registration + "client-id", client.id());
				properties.put(registration + "client-secret", "{noop}" + client.secret());
				properties.put(registration + "client-authentication-methods", "client_secret_post");
				properties.put(registration + "authorization-grant-types", "client_credentials");
				properties.put(registration + "scopes", String.join(",", client.scopes()));
			}
		}
		ConfigurableApplicationContext context = new SpringApplicationBuilder(LocalAuthorizationServer.class)
			.properties(properties)
			.run();
		return context;
	}

	/** The issuer URL of a started server. */
	public static String issuer(ConfigurableApplicationContext context) {
		String port = context.getEnvironment().getProperty("local.server.port");
		return "http://127.0.0.1:" + port;
	}

	/**
	 * Swagger UI in the browser asks for tokens across origins (Keyport on 8080, this
	 * server on 9000): local pages may call the token and metadata endpoints. Spring
	 * Security applies CORS to the server's filter chains once this bean exists.
	 */
	@Bean
	UrlBasedCorsConfigurationSource corsConfigurationSource() {
		CorsConfiguration cors = new CorsConfiguration();
		cors.setAllowedOriginPatterns(List.of("http://localhost:[*]", "http://127.0.0.1:[*]"));
		cors.setAllowedMethods(List.of("GET", "POST"));
		cors.setAllowedHeaders(List.of("Authorization", "Content-Type", "Accept", "X-Requested-With"));
		UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
		source.registerCorsConfiguration("/oauth2/token", cors);
		source.registerCorsConfiguration("/.well-known/**", cors);
		return source;
	}

	/** Tokens name the tenant and the client, as Keyport reads them. */
	@Bean
	OAuth2TokenCustomizer<JwtEncodingContext> tenantClaim() {
		return context -> {
			String clientId = context.getRegisteredClient().getClientId();
			java.util.stream.Stream.concat(CLIENTS.stream(), TEST_CLIENTS.stream())
				.filter(c -> c.id().equals(clientId))
				.findFirst()
				.ifPresent(c -> {
					context.getClaims().claim("client_id", clientId);
					if (c.tenant() != null) {
						context.getClaims().claim("tenant", c.tenant());
					}
				});
		};
	}

}
