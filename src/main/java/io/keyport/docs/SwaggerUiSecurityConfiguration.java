package io.keyport.docs;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Swagger UI's page and assets are open where it is switched on (the local run). Where it
 * is off (the packaged application's default) this chain does not exist, and the paths
 * fall to the API chain's denyAll like any unknown path. The documents it loads
 * ({@code /v3/api-docs}, {@code /v3/api-docs/swagger-config}) are open as before.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("springdoc.swagger-ui.enabled")
class SwaggerUiSecurityConfiguration {

	@Bean
	@Order(1)
	SecurityFilterChain swaggerUiSecurity(HttpSecurity http) {
		return http.securityMatcher("/swagger-ui.html", "/swagger-ui/**")
			.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
			.csrf(csrf -> csrf.disable())
			.sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache(cache -> cache.disable())
			.build();
	}

}
