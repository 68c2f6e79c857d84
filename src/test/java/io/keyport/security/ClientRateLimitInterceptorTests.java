package io.keyport.security;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

class ClientRateLimitInterceptorTests {

	final ClientRateLimitInterceptor interceptor = new ClientRateLimitInterceptor(
			new SecurityProperties("tenant", DataSize.ofKilobytes(64), 1, 3, java.time.Duration.ofSeconds(60), 10_000));

	@AfterEach
	void clear() {
		SecurityContextHolder.clearContext();
	}

	@Test
	void clientOverItsBurstGets429WithRetryAfterWhileOthersGoOn() throws Exception {
		actAs("platform-a");
		for (int i = 0; i < 3; i++) {
			assertThat(this.interceptor.preHandle(new MockHttpServletRequest(), new MockHttpServletResponse(), null))
				.isTrue();
		}
		MockHttpServletResponse refused = new MockHttpServletResponse();
		assertThat(this.interceptor.preHandle(new MockHttpServletRequest(), refused, null)).isFalse();
		assertThat(refused.getStatus()).isEqualTo(429);
		assertThat(Integer.parseInt(refused.getHeader("Retry-After"))).isPositive();
		assertThat(refused.getContentType()).isEqualTo("application/problem+json");
		assertThat(refused.getContentAsString()).contains("\"code\":\"too-many-requests\"");

		actAs("platform-b");
		assertThat(this.interceptor.preHandle(new MockHttpServletRequest(), new MockHttpServletResponse(), null))
			.isTrue();
	}

	static void actAs(String clientId) {
		Jwt jwt = Jwt.withTokenValue("t").header("alg", "RS256").subject(clientId).claim("client_id", clientId).build();
		JwtAuthenticationToken token = new JwtAuthenticationToken(jwt, List.of(new SimpleGrantedAuthority("SCOPE_x")),
				clientId);
		token.setDetails(new Caller(clientId, clientId, "tenant", Set.of("x")));
		SecurityContextHolder.getContext().setAuthentication(token);
	}

}
