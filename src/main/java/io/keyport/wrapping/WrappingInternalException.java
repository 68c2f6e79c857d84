package io.keyport.wrapping;

/**
 * The JCA provider failed where it should not (missing algorithm, rejected a key this
 * package already validated): a bug or a broken runtime, not a client error. The message
 * never contains key material.
 */
public class WrappingInternalException extends IllegalStateException {

	public WrappingInternalException(String message, Throwable cause) {
		super(message, cause);
	}

}
