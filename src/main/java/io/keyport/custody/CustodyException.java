package io.keyport.custody;

import java.util.Map;

import io.keyport.support.DescribedFailure;

/**
 * A custodian could not do what was asked. The message is for operators (it names the
 * custodian and the cause, never material); the {@link Reason} gives the stable code and
 * how the API answers it.
 */
public class CustodyException extends RuntimeException implements DescribedFailure {

	private final Reason reason;

	private final String custodian;

	public CustodyException(Reason reason, String custodian, String message) {
		this(reason, custodian, message, null);
	}

	public CustodyException(Reason reason, String custodian, String message, Throwable cause) {
		super(message, cause);
		this.reason = reason;
		this.custodian = custodian;
	}

	public Reason reason() {
		return this.reason;
	}

	/** The custodian's configured name. */
	public String custodian() {
		return this.custodian;
	}

	/** The same call may work later (token absent, KMS unavailable). */
	public boolean isTransient() {
		return this.reason == Reason.UNAVAILABLE;
	}

	@Override
	public Kind kind() {
		return this.reason.kind;
	}

	@Override
	public String code() {
		return this.reason.code;
	}

	@Override
	public String detail() {
		return this.reason.detail;
	}

	@Override
	public Map<String, Object> problemMembers() {
		return Map.of("custodian", this.custodian);
	}

	/** Stable reasons; each has a stable, API-visible code. */
	public enum Reason {

		/** No custodian of that name is configured. */
		UNKNOWN_CUSTODIAN("custody-unknown-custodian", Kind.INVALID, "No custodian of that name is configured."),
		/** The custodian does not know the reference (destroyed, lost, another token). */
		MATERIAL_NOT_FOUND("custody-material-not-found", Kind.CONFLICT,
				"The custodian no longer has this key material. It must be uploaded again."),
		/**
		 * The kept material cannot be opened: its custody key refused it (another key,
		 * changed ciphertext or context) or the row was changed.
		 */
		INTEGRITY("custody-integrity-failure", Kind.UPSTREAM_FAILED,
				"The custodian could not open the kept key material. An operator must check the custody key."),
		/**
		 * The custodian's KMS key or HSM refused the operation (access, state,
		 * mechanism).
		 */
		REFUSED("custody-refused", Kind.UPSTREAM_FAILED,
				"The custodian refused the operation. An operator must check the custody configuration."),
		/** The custodian cannot be reached now (KMS unavailable, token absent). */
		UNAVAILABLE("custody-unavailable", Kind.UPSTREAM_UNAVAILABLE,
				"The custodian cannot be reached right now. Retry later."),
		/** The custodian cannot keep or wrap this kind of material or algorithm. */
		UNSUPPORTED("custody-unsupported", Kind.INVALID,
				"The custodian cannot keep this key spec or wrap with this algorithm.");

		private final String code;

		private final Kind kind;

		private final String detail;

		Reason(String code, Kind kind, String detail) {
			this.code = code;
			this.kind = kind;
			this.detail = detail;
		}

		public String code() {
			return this.code;
		}

	}

}
