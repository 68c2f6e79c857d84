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

	KEY_NOT_FOUND("kms-key-not-found", false, Kind.INVALID, Kind.CONFLICT),
	INVALID_KEY_ID("kms-invalid-key-id", false, Kind.INVALID, Kind.CONFLICT),
	INVALID_KEY_STATE("kms-invalid-key-state", false, Kind.CONFLICT, Kind.CONFLICT),
	/** A name that must be unique (an alias) is taken. */
	ALREADY_EXISTS("kms-already-exists", false, Kind.CONFLICT, Kind.CONFLICT),
	UNSUPPORTED_OPERATION("kms-unsupported-operation", false, Kind.CONFLICT, Kind.CONFLICT),
	EXPIRED_IMPORT_TOKEN("kms-expired-import-token", false, Kind.CONFLICT, Kind.CONFLICT),
	INVALID_IMPORT_TOKEN("kms-invalid-import-token", false, Kind.CONFLICT, Kind.CONFLICT),
	INVALID_CIPHERTEXT("kms-invalid-ciphertext", false, Kind.INVALID, Kind.INVALID),
	INCORRECT_KEY_MATERIAL("kms-incorrect-key-material", false, Kind.INVALID, Kind.INVALID),
	VALIDATION("kms-validation-error", false, Kind.INVALID, Kind.INVALID),
	ACCESS_DENIED("kms-access-denied", false, Kind.UPSTREAM_FAILED, Kind.UPSTREAM_FAILED),
	LIMIT_EXCEEDED("kms-limit-exceeded", false, Kind.UPSTREAM_FAILED, Kind.UPSTREAM_FAILED),
	THROTTLED("kms-throttled", true, Kind.UPSTREAM_UNAVAILABLE, Kind.UPSTREAM_UNAVAILABLE),
	DEPENDENCY_TIMEOUT("kms-dependency-timeout", true, Kind.UPSTREAM_UNAVAILABLE, Kind.UPSTREAM_UNAVAILABLE),
	INTERNAL("kms-internal-error", true, Kind.UPSTREAM_UNAVAILABLE, Kind.UPSTREAM_UNAVAILABLE),
	UNAVAILABLE("kms-unavailable", true, Kind.UPSTREAM_UNAVAILABLE, Kind.UPSTREAM_UNAVAILABLE);

	private final String code;

	private final boolean transientFailure;

	private final Kind kind;

	private final Kind importKind;

	KmsErrorCode(String code, boolean transientFailure, Kind kind, Kind importKind) {
		this.code = code;
		this.transientFailure = transientFailure;
		this.kind = kind;
		this.importKind = importKind;
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
