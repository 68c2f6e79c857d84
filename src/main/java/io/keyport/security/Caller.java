package io.keyport.security;

import java.util.Set;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Who is calling: the token's subject and client, the tenant it acts for, and its scopes. Service code filters every
 * query by {@link #tenant()}; only {@link Scopes#ADMIN} sees other tenants' data.
 * @param subject the token's {@code sub}: a user for portals, the client for machine clients
 * @param clientId the OAuth2 client that obtained the token
 * @param tenant the tenant the caller acts for
 */
public record Caller(String subject, String clientId, String tenant, Set<String> scopes) {

	/** The caller recorded for work the service does on its own. */
	public static Caller system(String name) {
		return new Caller("system:" + name, null, null, Set.of());
	}

	/** The authenticated caller of the current request. */
	public static Caller current() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication instanceof JwtAuthenticationToken jwt && jwt.getDetails() instanceof Caller caller) {
			return caller;
		}
		throw new IllegalStateException("no authenticated caller");
	}

	public boolean hasScope(String scope) {
		return this.scopes.contains(scope);
	}

	/** Sees every tenant's jobs and keys (read operations only). */
	public boolean isAdmin() {
		return hasScope(Scopes.ADMIN);
	}

	public boolean isSystem() {
		return this.subject.startsWith("system:");
	}

	/** How the caller appears in job histories: the subject, and the client when it differs. */
	public String actor() {
		if (this.clientId == null || this.clientId.equals(this.subject)) {
			return this.subject;
		}
		return this.subject + " via " + this.clientId;
	}

	static Set<String> scopesOf(java.util.Collection<? extends GrantedAuthority> authorities) {
		return authorities.stream()
			.map(GrantedAuthority::getAuthority)
			.filter(a -> a.startsWith("SCOPE_"))
			.map(a -> a.substring("SCOPE_".length()))
			.collect(java.util.stream.Collectors.toUnmodifiableSet());
	}

}
