package io.keyport.web;

import java.util.Map;

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

}
