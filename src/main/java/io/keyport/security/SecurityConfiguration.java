package io.keyport.security;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import io.keyport.web.ProblemResponses;
import io.keyport.web.RequestSizeLimitFilter;

import static io.keyport.security.Scopes.ADMIN;
import static io.keyport.security.Scopes.IMPORT;
import static io.keyport.security.Scopes.KEYS;
import static io.keyport.security.Scopes.OPS;
import static io.keyport.security.Scopes.READ;
import static io.keyport.security.Scopes.authority;

/**
 * Every {@code /api/**} call needs a bearer JWT from the configured issuer, with the
 * scope its endpoint requires. Health (with the liveness and readiness probes) is open
 * and shows status only; every other actuator endpoint needs {@code keyport:ops}.
 * Failures are problem+json like every other error. Stateless: no sessions, no CSRF
 * cookies.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	@Bean
	SecurityFilterChain apiSecurity(HttpSecurity http, SecurityProperties properties,
			@Qualifier("requestMappingHandlerMapping") ObjectProvider<RequestMappingHandlerMapping> routes) {
		AuthenticationEntryPoint unauthorized = (request, response, ex) -> {
			if (ex instanceof InvalidTenantClaimException invalid) {
				// a genuine token that names no usable tenant: authenticated, but
				// allowed nothing
				request.setAttribute(Caller.REQUEST_ATTRIBUTE, invalid.caller());
				problem(request, response, HttpStatus.FORBIDDEN, "invalid-tenant-claim", invalid.getMessage());
				return;
			}
			problem(request, response, HttpStatus.UNAUTHORIZED, "unauthorized", "A valid bearer token is required.");
		};
		AccessDeniedHandler forbidden = (request, response, ex) -> {
			Caller caller = Caller.of(SecurityContextHolder.getContext().getAuthentication());
			request.setAttribute(Caller.REQUEST_ATTRIBUTE, caller);
			if (caller != null && caller.tenant() == null && !caller.internal()) {
				// an operations token without a tenant: nothing outside the actuator
				problem(request, response, HttpStatus.FORBIDDEN, "invalid-tenant-claim",
						new InvalidTenantClaimException(properties.tenantClaim(), caller).getMessage());
				return;
			}
			if (!unknownRoute(request, response, routes.getIfAvailable())) {
				problem(request, response, HttpStatus.FORBIDDEN, "insufficient-scope",
						"The token lacks the scope this operation requires.");
			}
		};
		return http
			.authorizeHttpRequests(requests -> requests.requestMatchers(EndpointRequest.to(HealthEndpoint.class))
				.permitAll()
				.requestMatchers(EndpointRequest.toAnyEndpoint())
				.hasAuthority(authority(OPS))
				.requestMatchers("/v3/api-docs", "/v3/api-docs/**", "/error")
				.permitAll()
				.requestMatchers(HttpMethod.GET, "/api/v1/audit-events")
				.hasAuthority(authority(ADMIN))
				.requestMatchers(HttpMethod.GET, "/api/v1/import-jobs/*/wrapping-key",
						"/api/v1/import-jobs/*/import-parameters.zip")
				.hasAuthority(authority(IMPORT))
				.requestMatchers(HttpMethod.GET, "/api/**")
				.hasAnyAuthority(authority(READ), authority(ADMIN))
				.requestMatchers(HttpMethod.POST, "/api/v1/kms-keys")
				.hasAuthority(authority(KEYS))
				.requestMatchers(HttpMethod.POST, "/api/v1/import-jobs", "/api/v1/import-jobs/**",
						"/api/v1/import-job-plans")
				.hasAuthority(authority(IMPORT))
				.requestMatchers(HttpMethod.PUT, "/api/v1/import-jobs/**")
				.hasAuthority(authority(IMPORT))
				.requestMatchers(HttpMethod.PUT, "/api/v1/kms-keys/**")
				.hasAuthority(authority(ADMIN))
				.anyRequest()
				.denyAll())
			.oauth2ResourceServer(oauth2 -> oauth2
				.jwt(jwt -> jwt.jwtAuthenticationConverter(new CallerResolver(properties.tenantClaim())))
				.authenticationEntryPoint(unauthorized)
				.accessDeniedHandler(forbidden))
			.exceptionHandling(
					exceptions -> exceptions.authenticationEntryPoint(unauthorized).accessDeniedHandler(forbidden))
			.csrf(csrf -> csrf.disable())
			.sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.httpBasic(basic -> basic.disable())
			.formLogin(form -> form.disable())
			// stateless: nothing to log out of, no saved request to replay. The servlet
			// API filter stays: the actuator's show-details uses request.isUserInRole
			.logout(logout -> logout.disable())
			.requestCache(cache -> cache.disable())
			.build();
	}

	/**
	 * Wraps the issuer's decoder (Spring Boot's, from {@code issuer-uri} or
	 * {@code jwk-set-uri}) so that a token verified once is accepted again for a short
	 * while ({@code keyport.security.verified-token-ttl}) without verifying it anew.
	 */
	@Bean
	static BeanPostProcessor verifiedTokenCache(ObjectProvider<SecurityProperties> properties) {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				if (!(bean instanceof JwtDecoder decoder) || bean instanceof VerifiedTokens) {
					return bean;
				}
				SecurityProperties settings = properties.getObject();
				Duration ttl = settings.verifiedTokenTtl();
				if (ttl == null || ttl.isZero() || ttl.isNegative()) {
					return bean;
				}
				// the system clock, as the decoder's own time checks use
				return new VerifiedTokens(decoder, Clock.systemUTC(), ttl, settings.verifiedTokenCacheSize());
			}

		};
	}

	/**
	 * With Spring Security's observations switched off
	 * ({@code management.observations.enable.spring.security=false}, application.yml),
	 * its filter chain is not wrapped in an observing decorator either: the predicate
	 * alone leaves every filter of every request wrapped in an observation that does
	 * nothing.
	 */
	@Bean
	@ConditionalOnBooleanProperty(name = "management.observations.enable.spring.security", havingValue = false)
	static SecurityObservationSettings noSecurityObservations() {
		return SecurityObservationSettings.noObservations();
	}

	/** Caps request bodies at {@code keyport.security.max-request-body}. */
	@Bean
	RequestSizeLimitFilter requestSizeLimitFilter(SecurityProperties properties) {
		return new RequestSizeLimitFilter(properties.maxRequestBody());
	}

	/**
	 * Answers a request that no route serves (an unsupported method: 405 with
	 * {@code Allow}; no such path: 404) as the API does, and says whether it did. The
	 * rules above still deny it (anything unlisted is denied, so a new route is closed
	 * until its scope is named); only the answer changes, from a misleading 403
	 * {@code insufficient-scope} to what the caller can act on.
	 */
	private static boolean unknownRoute(HttpServletRequest request, HttpServletResponse response,
			RequestMappingHandlerMapping routes) throws IOException {
		if (routes == null || !request.getRequestURI().startsWith(request.getContextPath() + "/api/")) {
			return false;
		}
		try {
			if (HttpMethod.HEAD.matches(request.getMethod())) {
				// Spring MVC would serve HEAD with a GET route, but the API offers no
				// HEAD operation (its document names none): not a scope the
				// caller lacks
				List<String> allowed = allowedMethods(request, routes);
				if (!allowed.isEmpty()) {
					response.setHeader("Allow", String.join(", ", allowed));
					problem(request, response, HttpStatus.METHOD_NOT_ALLOWED, "method-not-allowed",
							"Method HEAD is not supported on this path.");
					return true;
				}
			}
			if (routes.getHandler(request) != null) {
				return false;
			}
			problem(request, response, HttpStatus.NOT_FOUND, "not-found", "There is no such resource.");
			return true;
		}
		catch (HttpRequestMethodNotSupportedException ex) {
			if (ex.getSupportedHttpMethods() != null) {
				response.setHeader("Allow", String.join(", ",
						ex.getSupportedHttpMethods().stream().map(HttpMethod::name).sorted().toList()));
			}
			problem(request, response, HttpStatus.METHOD_NOT_ALLOWED, "method-not-allowed",
					"Method " + request.getMethod() + " is not supported on this path.");
			return true;
		}
		catch (Exception ex) {
			// a route exists but does not take this request (media type, parameters):
			// the scope decides first, as before
			return false;
		}
	}

	/** The methods the API serves on the request's path, by asking its routes. */
	private static List<String> allowedMethods(HttpServletRequest request, RequestMappingHandlerMapping routes) {
		List<String> allowed = new ArrayList<>();
		for (HttpMethod method : List.of(HttpMethod.DELETE, HttpMethod.GET, HttpMethod.PATCH, HttpMethod.POST,
				HttpMethod.PUT)) {
			HttpServletRequest asked = new HttpServletRequestWrapper(request) {
				@Override
				public String getMethod() {
					return method.name();
				}
			};
			try {
				if (routes.getHandler(asked) != null) {
					allowed.add(method.name());
				}
			}
			catch (HttpRequestMethodNotSupportedException ex) {
				// not this method
			}
			catch (Exception ex) {
				// a route of this method that wants another body or parameters
				allowed.add(method.name());
			}
		}
		return allowed;
	}

	private static void problem(HttpServletRequest request, HttpServletResponse response, HttpStatus status,
			String code, String detail) throws IOException {
		if (status == HttpStatus.UNAUTHORIZED) {
			response.setHeader("WWW-Authenticate", "Bearer");
		}
		ProblemResponses.write(request, response, status, code, detail);
	}

}
