package io.keyport.security;

import org.springframework.security.core.AuthenticationException;

/**
 * A valid token whose tenant claim is missing, blank, too long or not a plain name:
 * refused with 403, never mapped to a tenant by guessing (from the client id or subject).
 */
final class InvalidTenantClaimException extends AuthenticationException {

	/** The token's subject and client, for the audit trail; no tenant, no scopes. */
	private final transient Caller caller;

	InvalidTenantClaimException(String claim, Caller caller) {
		super("The token's '" + claim + "' claim must name the tenant: 1 to " + CallerResolver.MAX_TENANT
				+ " letters, digits or '.', '_', ':', '@', '-'.");
		this.caller = caller;
	}

	Caller caller() {
		return this.caller;
	}

}
