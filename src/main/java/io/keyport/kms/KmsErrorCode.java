package io.keyport.kms;

import io.keyport.support.DescribedFailure.Kind;

/**
 * Provider-neutral KMS failures. Each keeps the provider's meaning, says whether retrying
 * the same call can help, and how the API answers it. This is the one table from KMS
 * failures to API answers: {@link #kind()} when a KMS call made for the request itself
 * fails, {@link #importKind()} when ImportKeyMaterial refuses a job's import (then the
 * key is part of the job, so a key that went missing is a conflict with the job rather
 * than bad input). A lookup of the key the caller named answers {@link #meansNoSuchKey()}
 * failures with 404 {@code key-not-found} instead, like a key of another tenant.
 */
public enum KmsErrorCode {

	KEY_NOT_FOUND("kms-key-not-found", false, Kind.INVALID, Kind.CONFLICT, "KMS does not know the key."),
	INVALID_KEY_ID("kms-invalid-key-id", false, Kind.INVALID, Kind.CONFLICT, "KMS refused the key ID as invalid."),
	INVALID_KEY_STATE("kms-invalid-key-state", false, Kind.CONFLICT, Kind.CONFLICT,
			"The key's state in KMS does not allow this operation. Check the key's state and try again."),
	/** A name that must be unique (an alias) is taken. */
	ALREADY_EXISTS("kms-already-exists", false, Kind.CONFLICT, Kind.CONFLICT,
			"KMS already has a resource with this name. Choose another name."),
	UNSUPPORTED_OPERATION("kms-unsupported-operation", false, Kind.CONFLICT, Kind.CONFLICT,
			"The target's KMS does not support this operation."),
	EXPIRED_IMPORT_TOKEN("kms-expired-import-token", false, Kind.CONFLICT, Kind.CONFLICT,
			"KMS refused the import token because it expired. Refresh the parameters and wrap the material again."),
	INVALID_IMPORT_TOKEN("kms-invalid-import-token", false, Kind.CONFLICT, Kind.CONFLICT,
			"KMS refused the import token. Refresh the parameters and wrap the material again."),
	INVALID_CIPHERTEXT("kms-invalid-ciphertext", false, Kind.INVALID, Kind.INVALID,
			"KMS could not unwrap the encrypted key material. Check that it was wrapped with this job's wrapping key and algorithm."),
	INCORRECT_KEY_MATERIAL("kms-incorrect-key-material", false, Kind.INVALID, Kind.INVALID,
			"KMS refused the key material because it differs from the material the key had before. A key takes back only its original material."),
	VALIDATION("kms-validation-error", false, Kind.INVALID, Kind.INVALID, "KMS refused the request as invalid."),
	ACCESS_DENIED("kms-access-denied", false, Kind.UPSTREAM_FAILED, Kind.UPSTREAM_FAILED,
			"KMS denied Keyport's credentials. An operator must fix Keyport's access to KMS."),
	LIMIT_EXCEEDED("kms-limit-exceeded", false, Kind.UPSTREAM_FAILED, Kind.UPSTREAM_FAILED,
			"A KMS account limit is reached. An operator must raise it."),
	THROTTLED("kms-throttled", true, Kind.UPSTREAM_UNAVAILABLE, Kind.UPSTREAM_UNAVAILABLE,
			"KMS is throttling requests. Retry after the number of seconds in Retry-After."),
	DEPENDENCY_TIMEOUT("kms-dependency-timeout", true, Kind.UPSTREAM_UNAVAILABLE, Kind.UPSTREAM_UNAVAILABLE,
			"KMS timed out. Retry after the number of seconds in Retry-After."),
	INTERNAL("kms-internal-error", true, Kind.UPSTREAM_UNAVAILABLE, Kind.UPSTREAM_UNAVAILABLE,
			"KMS failed internally. Retry after the number of seconds in Retry-After."),
	UNAVAILABLE("kms-unavailable", true, Kind.UPSTREAM_UNAVAILABLE, Kind.UPSTREAM_UNAVAILABLE,
			"KMS cannot be reached right now. Retry after the number of seconds in Retry-After.");

	private final String code;

	private final boolean transientFailure;

	private final Kind kind;

	private final Kind importKind;

	private final String detail;

	KmsErrorCode(String code, boolean transientFailure, Kind kind, Kind importKind, String detail) {
		this.code = code;
		this.transientFailure = transientFailure;
		this.kind = kind;
		this.importKind = importKind;
		this.detail = detail;
	}

	/**
	 * Keyport's own sentence for the problem {@code detail}: the provider's message is
	 * for operators (logs, job history), never for a portal's end user.
	 */
	public String detail() {
		return this.detail;
	}

	/** Stable, API-visible code. */
	public String code() {
		return this.code;
	}

	/** Throttling, 5xx and timeouts: the same call may succeed later. */
	public boolean isTransient() {
		return this.transientFailure;
	}

	/** How the API answers this failure of a KMS call made for the request itself. */
	public Kind kind() {
		return this.kind;
	}

	/**
	 * How the API answers ImportKeyMaterial refusing a job's import with this failure.
	 */
	public Kind importKind() {
		return this.importKind;
	}

	/**
	 * The key named does not exist or cannot be a key id: a lookup answers it like a key
	 * of another tenant.
	 */
	public boolean meansNoSuchKey() {
		return this == KEY_NOT_FOUND || this == INVALID_KEY_ID;
	}

}
