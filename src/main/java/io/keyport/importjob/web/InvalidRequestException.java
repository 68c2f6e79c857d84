package io.keyport.importjob.web;

import org.springframework.http.HttpStatus;

import io.keyport.web.ApiException;

/** The request's content cannot be used; answered with 400 and the code. */
class InvalidRequestException extends ApiException {

	InvalidRequestException(String code, String message) {
		super(HttpStatus.BAD_REQUEST, code, message);
	}

}
