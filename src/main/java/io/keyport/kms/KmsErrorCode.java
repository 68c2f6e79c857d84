package io.keyport.kms;

/**
 * Provider-neutral KMS failures. Each keeps the provider's meaning and says whether retrying the same call can help.
 */
public enum KmsErrorCode {

	KEY_NOT_FOUND("kms-key-not-found", false),
	INVALID_KEY_ID("kms-invalid-key-id", false),
	INVALID_KEY_STATE("kms-invalid-key-state", false),
	UNSUPPORTED_OPERATION("kms-unsupported-operation", false),
	EXPIRED_IMPORT_TOKEN("kms-expired-import-token", false),
	INVALID_IMPORT_TOKEN("kms-invalid-import-token", false),
	INVALID_CIPHERTEXT("kms-invalid-ciphertext", false),
	INCORRECT_KEY_MATERIAL("kms-incorrect-key-material", false),
	VALIDATION("kms-validation-error", false),
	ACCESS_DENIED("kms-access-denied", false),
	LIMIT_EXCEEDED("kms-limit-exceeded", false),
	THROTTLED("kms-throttled", true),
	DEPENDENCY_TIMEOUT("kms-dependency-timeout", true),
	INTERNAL("kms-internal-error", true),
	UNAVAILABLE("kms-unavailable", true);

	private final String code;

	private final boolean transientFailure;

	KmsErrorCode(String code, boolean transientFailure) {
		this.code = code;
		this.transientFailure = transientFailure;
	}

	/** Stable, API-visible code. */
	public String code() {
		return this.code;
	}

	/** Throttling, 5xx and timeouts: the same call may succeed later. */
	public boolean isTransient() {
		return this.transientFailure;
	}

}
