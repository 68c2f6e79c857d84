package io.keyport.kms;

/**
 * A KMS call failed. The message is the provider's (it never contains material or tokens); {@link #operation()} names
 * the call.
 */
public class KmsException extends RuntimeException {

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

}
