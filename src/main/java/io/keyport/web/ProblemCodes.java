package io.keyport.web;

/**
 * Problem codes that more than one feature answers with, written once. Codes that belong
 * to one feature are constants of that feature's exception.
 */
public final class ProblemCodes {

	/** A request body or parameter breaks a constraint; {@code errors} says which. */
	public static final String VALIDATION_FAILED = "validation-failed";

	/** A path or query parameter cannot be read. */
	public static final String INVALID_PARAMETER = "invalid-parameter";

	/** Another request changed the same resource in between. */
	public static final String CONCURRENT_MODIFICATION = "concurrent-modification";

	private ProblemCodes() {
	}

}
