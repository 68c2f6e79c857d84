package io.keyport.security;

import java.util.Collection;
import java.util.List;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;

/**
 * Turns a validated JWT into an authentication carrying the {@link Caller}: scopes as
 * {@code SCOPE_} authorities, tenant from the configured claim. The claim is required for
 * everything but operations ({@code keyport:ops}, the actuator): without it, a client
 * whose id equals another tenant's name would act as that tenant. Tokens never produce an
 * internal caller.
 */
final class CallerResolver implements Converter<Jwt, AbstractAuthenticationToken> {

	/** The tenant columns' length. */
	static final int MAX_TENANT = 128;

	private final JwtGrantedAuthoritiesConverter scopes = new JwtGrantedAuthoritiesConverter();

	private final String tenantClaim;

	CallerResolver(String tenantClaim) {
		this.tenantClaim = tenantClaim;
	}

	@Override
	public AbstractAuthenticationToken convert(Jwt jwt) {
		Collection<GrantedAuthority> authorities = this.scopes.convert(jwt);
		String clientId = firstNonBlank(jwt.getClaimAsString("client_id"), jwt.getClaimAsString("azp"),
				jwt.getClaimAsString("cid"));
		String subject = firstNonBlank(jwt.getSubject(), clientId, "unknown");
		String tenant = jwt.getClaimAsString(this.tenantClaim);
		if (!Caller.isTenantName(tenant)) {
			// an operations client (a metrics scraper) needs no tenant: its token keeps
			// keyport:ops alone, for the actuator, and every /api call is refused as
			// naming no tenant (SecurityConfiguration)
			List<GrantedAuthority> ops = authorities.stream()
				.filter(authority -> Scopes.authority(Scopes.OPS).equals(authority.getAuthority()))
				.toList();
			Caller tenantless = new Caller(subject, clientId != null ? clientId : subject, null, Caller.scopesOf(ops));
			if (ops.isEmpty()) {
				throw new InvalidTenantClaimException(this.tenantClaim, tenantless);
			}
			JwtAuthenticationToken token = new JwtAuthenticationToken(jwt, ops, subject);
			token.setDetails(tenantless);
			return token;
		}
		Caller caller = new Caller(subject, clientId != null ? clientId : subject, tenant,
				Caller.scopesOf(authorities));
		JwtAuthenticationToken token = new JwtAuthenticationToken(jwt, authorities, subject);
		token.setDetails(caller);
		return token;
	}

	private static String firstNonBlank(String... values) {
		for (String value : values) {
			if (value != null && !value.isBlank()) {
				return value;
			}
		}
		return null;
	}

}
