package io.keyport.importjob;

import java.time.Duration;

/**
 * A request about an import job cannot be carried out. Carries a stable code, what kind of failure it is, and the
 * job's id and state for the problem response. Messages never contain key material or tokens.
 */
public class ImportJobException extends RuntimeException {

	private final String code;

	private final Category category;

	private final ImportJobId jobId;

	private final ImportJobState state;

	private final Duration retryAfter;

	public ImportJobException(String code, Category category, ImportJobId jobId, ImportJobState state,
			String message) {
		this(code, category, jobId, state, message, null);
	}

	/** A refusal that the same request may overcome after {@code retryAfter} (answered with {@code Retry-After}). */
	public ImportJobException(String code, Category category, ImportJobId jobId, ImportJobState state,
			String message, Duration retryAfter) {
		super(message);
		this.code = code;
		this.category = category;
		this.jobId = jobId;
		this.state = state;
		this.retryAfter = retryAfter;
	}

	ImportJobException(String code, ImportJobId jobId, ImportJobState state, String message) {
		this(code, Category.CONFLICT, jobId, state, message);
	}

	public String code() {
		return this.code;
	}

	public Category category() {
		return this.category;
	}

	/** The job concerned, or {@code null} before one exists. */
	public ImportJobId jobId() {
		return this.jobId;
	}

	/** The job's state after the failed request, or {@code null}. */
	public ImportJobState state() {
		return this.state;
	}

	/** How long the caller should wait before trying again, or {@code null} when waiting does not help. */
	public Duration retryAfter() {
		return this.retryAfter;
	}

	/** What kind of failure, so the web layer can choose a status without knowing every code. */
	public enum Category {

		/** No such job (for this caller). */
		NOT_FOUND,
		/** The request is well-formed but the job or key is in a state that does not allow it. */
		CONFLICT,
		/** The caller asks too often (its share of a quota, or a per-job cooldown); nothing was changed. */
		TOO_MANY_REQUESTS,
		/** The request's content cannot be used (bad material, impossible combination). */
		INVALID,
		/** The KMS could not be reached or is throttling; the same request may succeed later. */
		UPSTREAM_UNAVAILABLE,
		/** The KMS answered in a way Keyport cannot act on (for example access denied). */
		UPSTREAM_FAILED

	}

}
