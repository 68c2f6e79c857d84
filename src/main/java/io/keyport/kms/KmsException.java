package io.keyport.kms;

import java.util.Map;

import io.keyport.support.DescribedFailure;

/**
 * A KMS call failed. The message is the provider's (it never contains material or
 * tokens); {@link #operation()} names the call. Answered as {@link KmsErrorCode} says
 * when it reaches the API.
 */
public class KmsException extends RuntimeException implements DescribedFailure {

	private final KmsErrorCode errorCode;

	private final String operation;

	public KmsException(KmsErrorCode errorCode, String operation, String message, Throwable cause) {
		super(message, cause);
		this.errorCode = errorCode;
		this.operation = operation;
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
		return this.operation + ": " + getMessage();
	}

	@Override
	public Map<String, Object> problemMembers() {
		return Map.of("kmsOperation", this.operation);
	}

}
