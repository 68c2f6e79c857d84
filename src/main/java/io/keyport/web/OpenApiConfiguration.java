package io.keyport.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Title and version of the served OpenAPI document (committed as
 * openapi/keyport-v1.json).
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

	@Bean
	OpenAPI keyportOpenApi() {
		return new OpenAPI()
			.components(new Components().addSecuritySchemes("bearer",
					new SecurityScheme().type(SecurityScheme.Type.HTTP)
						.scheme("bearer")
						.bearerFormat("JWT")
						.description("OAuth2 access token with keyport:* scopes; the tenant comes from its claim")))
			.addSecurityItem(new SecurityRequirement().addList("bearer"))
			// relative: the service that serves the document; a fixed server also keeps
			// springdoc from writing the requesting host into it
			.addServersItem(new Server().url("/").description("The service that serves this document"))
			.info(new Info().title("Keyport API")
				.version("v1")
				.description("BYOK key-material imports into cloud KMS. Errors are RFC 9457 problem+json with a stable "
						+ "'code' member.")
				.license(new License().name("Proprietary").url("https://keyport.io/license")));
	}

}
