package io.keyport.kms;

/** Lifecycle state of a KMS key (AWS {@code KeyState}). */
public enum KeyState {

	CREATING, ENABLED, DISABLED, PENDING_DELETION, PENDING_IMPORT, PENDING_REPLICA_DELETION, UNAVAILABLE, UPDATING;

	/**
	 * Whether key material may be imported into a key in this state (AWS refuses only
	 * pending deletion).
	 */
	public boolean allowsImport() {
		return this == PENDING_IMPORT || this == ENABLED || this == DISABLED;
	}

}
