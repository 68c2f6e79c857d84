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

	// the codes import jobs answer with, each written once

	public static final String CUSTODY_REQUIRED = "custody-required";

	public static final String CUSTODY_REQUIRES_PLAINTEXT = "custody-requires-plaintext";

	public static final String CUSTODY_MATERIAL_IMPORTED = "custody-material-imported";

	public static final String IMPORT_ATTEMPTS_EXHAUSTED = "import-attempts-exhausted";

	public static final String IMPORT_OUTCOME_UNKNOWN = "import-outcome-unknown";

	public static final String INVALID_DUE_BY = "invalid-due-by";

	public static final String INVALID_ROTATION = "invalid-rotation";

	public static final String INVALID_VALID_TO = "invalid-valid-to";

	public static final String JOB_BUSY = "job-busy";

	public static final String KEY_IS_REPLICA = "kms-key-is-replica";

	public static final String KEY_NOT_EXTERNAL = "kms-key-not-external";

	public static final String KEY_NOT_MULTI_REGION = "kms-key-not-multi-region";

	public static final String KEY_STATE_FORBIDS_IMPORT = "kms-key-state-forbids-import";

	public static final String KMS_QUOTA_EXCEEDED = "kms-quota-exceeded";

	public static final String NO_IMPORT_PARAMETERS = "no-import-parameters";

	public static final String PARAMETERS_EXPIRED = "parameters-expired";

	public static final String REFRESH_TOO_SOON = "refresh-too-soon";

	public static final String REPLICA_IMPORT_FAILED = "replica-import-failed";

	public static final String REPLICA_NEEDS_UPLOAD = "replica-needs-upload";

	/** A replica that held the job's material lost it before its ValidTo. */
	public static final String REPLICA_MATERIAL_MISSING = "replica-material-missing";

	public static final String REPLICA_OTHER_ACCOUNT = "replica-other-account";

	public static final String REPLICA_OTHER_PROVIDER = "replica-other-provider";

	public static final String REPLICA_SAME_REGION = "replica-same-region";

	public static final String REPLICAS_REQUIRE_PLAINTEXT = "replicas-require-plaintext";

	public static final String MULTI_REGION_UNSUPPORTED = "multi-region-unsupported";

	public static final String ROTATION_ALREADY_DONE = "rotation-already-done";

	public static final String ROTATION_ALREADY_PENDING = "rotation-already-pending";

	public static final String ROTATION_KEY_WITHOUT_MATERIAL = "rotation-key-without-material";

	public static final String ROTATION_NOT_PENDING = "rotation-not-pending";

	public static final String ROTATION_UNSUPPORTED = "rotation-unsupported";

	public static final String UNSUPPORTED_KEY_SPEC = "unsupported-key-spec";

	public static final String VALID_TO_PASSED = "valid-to-passed";

	public static final String WRAPPING_KEY_SPEC_MISMATCH = "wrapping-key-spec-mismatch";

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
