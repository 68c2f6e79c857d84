package io.keyport.importjob;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.keyport.support.DescribedFailure;

/**
 * A request about an import job cannot be carried out. Carries a stable code, what kind
 * of failure it is, and the job's id and state for the problem response. Messages never
 * contain key material or tokens.
 */
public class ImportJobException extends RuntimeException implements DescribedFailure {

	private final String code;

	private final Kind kind;

	private final ImportJobId jobId;

	private final ImportJobState state;

	private final Duration retryAfter;

	public ImportJobException(String code, Kind kind, ImportJobId jobId, ImportJobState state, String message) {
		this(code, kind, jobId, state, message, null);
	}

	/**
	 * A refusal that the same request may overcome after {@code retryAfter} (answered
	 * with {@code Retry-After}).
	 */
	public ImportJobException(String code, Kind kind, ImportJobId jobId, ImportJobState state, String message,
			Duration retryAfter) {
		super(message);
		this.code = code;
		this.kind = kind;
		this.jobId = jobId;
		this.state = state;
		this.retryAfter = retryAfter;
	}

	ImportJobException(String code, ImportJobId jobId, ImportJobState state, String message) {
		this(code, Kind.CONFLICT, jobId, state, message);
	}

	@Override
	public String code() {
		return this.code;
	}

	@Override
	public Kind kind() {
		return this.kind;
	}

	/** The job concerned, or {@code null} before one exists. */
	public ImportJobId jobId() {
		return this.jobId;
	}

	/** The job's state after the failed request, or {@code null}. */
	public ImportJobState state() {
		return this.state;
	}

	@Override
	public Duration retryAfter() {
		return this.retryAfter;
	}

	/** The job's id and state, when known. */
	@Override
	public Map<String, Object> problemMembers() {
		Map<String, Object> members = new LinkedHashMap<>();
		if (this.jobId != null) {
			members.put("jobId", this.jobId.toString());
		}
		if (this.state != null) {
			members.put("state", this.state);
		}
		return members;
	}

}
