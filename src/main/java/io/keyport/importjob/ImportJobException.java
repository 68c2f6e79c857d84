package io.keyport.importjob;

/**
 * A request about an import job cannot be carried out. Carries a stable code, what kind of failure it is, and the
 * job's id and state for the problem response. Messages never contain key material or tokens.
 */
public class ImportJobException extends RuntimeException {

	private final String code;

	private final Category category;

	private final ImportJobId jobId;

	private final ImportJobState state;

	public ImportJobException(String code, Category category, ImportJobId jobId, ImportJobState state,
			String message) {
		super(message);
		this.code = code;
		this.category = category;
		this.jobId = jobId;
		this.state = state;
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

	/** What kind of failure, so the web layer can choose a status without knowing every code. */
	public enum Category {

		/** No such job (for this caller). */
		NOT_FOUND,
		/** The request is well-formed but the job or key is in a state that does not allow it. */
		CONFLICT,
		/** The request's content cannot be used (bad material, impossible combination). */
		INVALID,
		/** The KMS could not be reached or is throttling; the same request may succeed later. */
		UPSTREAM_UNAVAILABLE,
		/** The KMS answered in a way Keyport cannot act on (for example access denied). */
		UPSTREAM_FAILED

	}

}
