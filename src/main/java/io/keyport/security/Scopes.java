package io.keyport.security;

/** OAuth2 scopes Keyport understands. */
public final class Scopes {

	/** See jobs and keys. */
	public static final String READ = "keyport:read";

	/** Create jobs, download parameters, upload material, refresh, cancel. */
	public static final String IMPORT = "keyport:import";

	/** Create KMS keys. */
	public static final String KEYS = "keyport:keys";

	/** See all tenants, and the audit trail. */
	public static final String ADMIN = "keyport:admin";

	/** Actuator endpoints beyond health. */
	public static final String OPS = "keyport:ops";

	private Scopes() {
	}

	public static String authority(String scope) {
		return "SCOPE_" + scope;
	}

}
