package io.keyport.web;

import org.springframework.http.HttpStatusCode;

/** A request-level failure with its status and stable code, answered as problem+json. */
public class ApiException extends RuntimeException {

	private final HttpStatusCode status;

	private final String code;

	public ApiException(HttpStatusCode status, String code, String message) {
		super(message);
		this.status = status;
		this.code = code;
	}

	public HttpStatusCode status() {
		return this.status;
	}

	public String code() {
		return this.code;
	}

}
