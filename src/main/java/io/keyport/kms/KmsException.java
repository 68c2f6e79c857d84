package io.keyport.kms;

import java.util.Map;

import io.keyport.support.DescribedFailure;

/**
 * A KMS call failed. The message is the provider's (it never contains material or tokens)
 * and is for operators; {@link #operation()} names the call. Answered as
 * {@link KmsErrorCode} says when it reaches the API, with Keyport's own sentence as the
 * detail and, where Keyport adds one, a note of what it did about it.
 */
public class KmsException extends RuntimeException implements DescribedFailure {

	private final KmsErrorCode errorCode;

	private final String operation;

	private final String note;

	private final boolean notSent;

	public KmsException(KmsErrorCode errorCode, String operation, String message, Throwable cause) {
		this(errorCode, operation, message, cause, null, false);
	}

	private KmsException(KmsErrorCode errorCode, String operation, String message, Throwable cause, String note,
			boolean notSent) {
		super(message, cause);
		this.errorCode = errorCode;
		this.operation = operation;
		this.note = note;
		this.notSent = notSent;
	}

	/**
	 * A failure before the request left Keyport (no connection, the deadline passed
	 * first): KMS cannot have carried it out.
	 */
	public static KmsException notSent(KmsErrorCode errorCode, String operation, String message, Throwable cause) {
		return new KmsException(errorCode, operation, message, cause, null, true);
	}

	/**
	 * Whether the request may have reached KMS: false only when it never left Keyport.
	 */
	public boolean maybeSent() {
		return !this.notSent;
	}

	/**
	 * The same failure with a sentence of Keyport's own appended to the detail (for
	 * example what Keyport undid because of it).
	 */
	public KmsException withNote(String note) {
		return new KmsException(this.errorCode, this.operation, getMessage(), this, note, this.notSent);
	}

	public KmsErrorCode errorCode() {
		return this.errorCode;
	}

	public String operation() {
		return this.operation;
	}

	public boolean isTransient() {
		return this.errorCode.isTransient();
	}

	@Override
	public Kind kind() {
		return this.errorCode.kind();
	}

	@Override
	public String code() {
		return this.errorCode.code();
	}

	@Override
	public String detail() {
		return (this.note != null) ? this.errorCode.detail() + " " + this.note : this.errorCode.detail();
	}

	@Override
	public Map<String, Object> problemMembers() {
		return Map.of("kmsOperation", this.operation);
	}

}
