package io.keyport.security;

import java.util.Collection;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Who is calling: the token's subject and client, the tenant it acts for, and its scopes.
 * Service code filters every query by {@link #tenant()}; only {@link Scopes#ADMIN} sees
 * other tenants' data. Privilege never comes from a name: the only caller that passes
 * tenant checks without being of the tenant is an {@link #internal() internal} one, which
 * {@link CallerResolver} never creates from a token.
 *
 * @param subject the token's {@code sub}: a user for portals, the client for machine
 * clients
 * @param clientId the OAuth2 client that obtained the token
 * @param tenant the tenant the caller acts for
 * @param internal work the service does on its own (the scheduler), never an API caller
 */
public record Caller(String subject, String clientId, String tenant, Set<String> scopes, boolean internal) {

	/**
	 * Request attribute holding the caller of a request refused before it reached a
	 * controller (or the token's subject and client when its tenant claim was refused),
	 * for the audit trail.
	 */
	public static final String REQUEST_ATTRIBUTE = Caller.class.getName();

	/**
	 * What a tenant name may be: it fits the tenant columns and is safe in logs and
	 * queries.
	 */
	private static final Pattern TENANT_NAME = Pattern.compile("[A-Za-z0-9._:@-]{1," + CallerResolver.MAX_TENANT + "}");

	/** Longest actor recorded in job histories and key ownership (their columns). */
	static final int MAX_ACTOR = 256;

	/** A caller authenticated by a token. */
	public Caller(String subject, String clientId, String tenant, Set<String> scopes) {
		this(subject, clientId, tenant, scopes, false);
	}

	/**
	 * The caller recorded for work the service does on its own: no token can produce it.
	 */
	public static Caller internal(String name) {
		return new Caller("system:" + name, null, null, Set.of(), true);
	}

	/**
	 * Recorded for requests refused before anyone was authenticated; it passes no check.
	 */
	public static Caller anonymous() {
		return new Caller("anonymous", null, null, Set.of(), false);
	}

	/** The authenticated caller of the current request. */
	public static Caller current() {
		Caller caller = of(SecurityContextHolder.getContext().getAuthentication());
		if (caller == null) {
			throw new IllegalStateException("no authenticated caller");
		}
		return caller;
	}

	/** The caller an authentication carries, or {@code null}. */
	public static Caller of(Authentication authentication) {
		return authentication instanceof JwtAuthenticationToken jwt && jwt.getDetails() instanceof Caller caller
				? caller : null;
	}

	/**
	 * Whether the value is usable as a tenant name: 1 to 128 letters, digits or
	 * {@code . _ : @ -}.
	 */
	public static boolean isTenantName(String value) {
		return value != null && TENANT_NAME.matcher(value).matches();
	}

	public boolean hasScope(String scope) {
		return this.scopes.contains(scope);
	}

	/** Sees every tenant's jobs and keys (read operations only). */
	public boolean isAdmin() {
		return hasScope(Scopes.ADMIN);
	}

	/**
	 * Whether the caller may act on (or, with {@code read}, see) something of the tenant.
	 */
	public boolean mayAccess(String resourceTenant, boolean read) {
		return this.internal || (this.tenant != null && this.tenant.equals(resourceTenant)) || (read && isAdmin());
	}

	/**
	 * How the caller appears in job histories: the subject, and the client when it
	 * differs; cut to the columns' length, since subject and client id come from the
	 * token issuer.
	 */
	public String actor() {
		String actor = this.clientId == null || this.clientId.equals(this.subject) ? this.subject
				: this.subject + " via " + this.clientId;
		return actor.length() <= MAX_ACTOR ? actor : actor.substring(0, MAX_ACTOR);
	}

	static Set<String> scopesOf(Collection<? extends GrantedAuthority> authorities) {
		return authorities.stream()
			.map(GrantedAuthority::getAuthority)
			.filter(a -> a.startsWith("SCOPE_"))
			.map(a -> a.substring("SCOPE_".length()))
			.collect(Collectors.toUnmodifiableSet());
	}

}
