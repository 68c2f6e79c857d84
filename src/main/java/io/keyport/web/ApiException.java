package io.keyport.web;

import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;

/** A request-level failure with its status and stable code, answered as problem+json. */
public class ApiException extends RuntimeException {

	private final HttpStatusCode status;

	private final String code;

	private final Map<String, Object> members;

	public ApiException(HttpStatusCode status, String code, String message) {
		this(status, code, message, Map.of());
	}

	/**
	 * With extra problem members (for example the {@code errors} of a validation
	 * failure).
	 */
	public ApiException(HttpStatusCode status, String code, String message, Map<String, Object> members) {
		super(message);
		this.status = status;
		this.code = code;
		this.members = Map.copyOf(members);
	}

	public HttpStatusCode status() {
		return this.status;
	}

	public String code() {
		return this.code;
	}

	public Map<String, Object> members() {
		return this.members;
	}

	/**
	 * A numeric parameter above its configured maximum, answered like the constraint
	 * checks Spring runs on parameters: 400 {@code validation-failed} with
	 * {@code errors}.
	 */
	public static ApiException parameterAbove(String parameter, int maximum) {
		return new ApiException(HttpStatus.BAD_REQUEST, ProblemCodes.VALIDATION_FAILED,
				"Parameter '" + parameter + "' must be less than or equal to " + maximum + ".", Map.of("errors", List
					.of(Map.of("parameter", parameter, "message", "[must be less than or equal to " + maximum + "]"))));
	}

}
