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

/**
 * A real OAuth2 authorization server (Spring Authorization Server) for the local run and the tests: demo clients for
 * two tenants and an operator obtain tokens with the client-credentials grant, exactly as platforms do against a
 * production issuer. Test scope only; outside the io.keyport package so Keyport's component scan never picks it up.
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

	/** Starts the server on 127.0.0.1 and the given port (0 for any). */
	public static ConfigurableApplicationContext start(int port) {
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

	/** Tokens name the tenant and the client, as Keyport reads them. */
	@Bean
	OAuth2TokenCustomizer<JwtEncodingContext> tenantClaim() {
		return context -> {
			String clientId = context.getRegisteredClient().getClientId();
			CLIENTS.stream()
				.filter(c -> c.id().equals(clientId))
				.findFirst()
				.ifPresent(c -> context.getClaims().claim("tenant", c.tenant()).claim("client_id", clientId));
		};
	}

}
