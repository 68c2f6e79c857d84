package io.keyport.docs;

import java.net.URI;
import java.util.ArrayList;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.security.OAuthFlow;
import io.swagger.v3.oas.models.security.OAuthFlows;
import io.swagger.v3.oas.models.security.Scopes;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.function.SingletonSupplier;

import static io.keyport.security.Scopes.ADMIN;
import static io.keyport.security.Scopes.IMPORT;
import static io.keyport.security.Scopes.KEYS;
import static io.keyport.security.Scopes.OPS;
import static io.keyport.security.Scopes.READ;

/**
 * Describes how to get a token: an {@code oauth2} security scheme with the
 * client-credentials flow of the configured issuer and Keyport's scopes, so Swagger UI's
 * Authorize dialog obtains one and "try it out" sends it. The API accepts it as any
 * bearer token.
 */
@Configuration(proxyBeanMethods = false)
class InteractiveDocsConfiguration {

	static final String SCHEME = "oauth2";

	static final String ISSUER_PROPERTY = "spring.security.oauth2.resourceserver.jwt.issuer-uri";

	@Bean
	OpenApiCustomizer oauth2ClientCredentials(DocsProperties properties, Environment environment) {
		String issuer = environment.getProperty(ISSUER_PROPERTY);
		// asked of the issuer once, when the document is first built (never at startup):
		// not again for each build
		SingletonSupplier<URI> tokenEndpoint = SingletonSupplier
			.of(() -> TokenEndpoint.resolve(properties.tokenUrl(), issuer));
		return openApi -> {
			if (properties.tokenUrl() == null && (issuer == null || issuer.isBlank())) {
				// a jwk-set-uri alone names no token endpoint: bearer only
				return;
			}
			URI tokenUrl = tokenEndpoint.obtain();
			Scopes scopes = new Scopes().addString(READ, "See jobs and keys")
				.addString(IMPORT, "Create import jobs, download parameters, upload material, refresh, cancel")
				.addString(KEYS, "Create KMS keys")
				.addString(ADMIN, "See all tenants, the audit trail; change key owners")
				.addString(OPS, "Actuator endpoints beyond health");
			if (openApi.getComponents() == null) {
				openApi.setComponents(new Components());
			}
			openApi.getComponents()
				.addSecuritySchemes(SCHEME,
						new SecurityScheme().type(SecurityScheme.Type.OAUTH2)
							.description("Client-credentials grant at the configured issuer, for the scopes "
									+ "the operations require")
							.flows(new OAuthFlows()
								.clientCredentials(new OAuthFlow().tokenUrl(tokenUrl.toString()).scopes(scopes))));
			if (openApi.getSecurity() == null) {
				openApi.setSecurity(new ArrayList<>());
			}
			// an alternative to the plain bearer scheme: either carries the same token
			openApi.addSecurityItem(new SecurityRequirement().addList(SCHEME));
			// operations that already name their bearer scopes get the same through
			// oauth2, first, so Swagger UI's Authorize applies to every call (whichever
			// customizer runs first)
			if (openApi.getPaths() != null) {
				openApi.getPaths()
					.values()
					.forEach(path -> path.readOperations().forEach(InteractiveDocsConfiguration::offerOauth2));
			}
		};
	}

	private static void offerOauth2(io.swagger.v3.oas.models.Operation operation) {
		if (operation.getSecurity() == null
				|| operation.getSecurity().stream().anyMatch(requirement -> requirement.containsKey(SCHEME))) {
			return;
		}
		operation.getSecurity()
			.stream()
			.filter(requirement -> requirement.containsKey("bearer"))
			.findFirst()
			.ifPresent(bearer -> operation.getSecurity()
				.addFirst(new SecurityRequirement().addList(SCHEME, bearer.get("bearer"))));
	}

}
