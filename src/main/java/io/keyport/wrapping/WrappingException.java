package io.keyport.wrapping;

import io.keyport.support.DescribedFailure;

/**
 * The material, the wrapping key or the algorithm cannot be used together. The message
 * says what was expected and what was found; it never contains key material. Answered 422
 * with the reason's code.
 */
public class WrappingException extends RuntimeException implements DescribedFailure {

	private final Reason reason;

	public WrappingException(Reason reason, String message) {
		super(message);
		this.reason = reason;
	}

	public Reason reason() {
		return this.reason;
	}

	@Override
	public Kind kind() {
		return Kind.INVALID;
	}

	@Override
	public String code() {
		return this.reason.code();
	}

	/** Stable reasons; each has a stable, API-visible code. */
	public enum Reason {

		UNSUPPORTED_WRAPPING_ALGORITHM("unsupported-wrapping-algorithm"),
		INCOMPATIBLE_WRAPPING_ALGORITHM("incompatible-wrapping-algorithm"),
		UNSUPPORTED_KEY_SPEC("unsupported-key-spec"), INVALID_KEY_MATERIAL_LENGTH("invalid-key-material-length"),
		INVALID_KEY_MATERIAL("invalid-key-material"), KEY_MATERIAL_TOO_LARGE("key-material-too-large"),
		INVALID_WRAPPING_KEY("invalid-wrapping-key"), WRAPPING_KEY_SPEC_MISMATCH("wrapping-key-spec-mismatch"),
		INVALID_ENCRYPTED_KEY_MATERIAL("invalid-encrypted-key-material");

		private final String code;

		Reason(String code) {
			this.code = code;
		}

		public String code() {
			return this.code;
		}

	}

}
