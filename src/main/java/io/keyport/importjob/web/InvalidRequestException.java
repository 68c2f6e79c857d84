package io.keyport.importjob.web;

/** The request's content cannot be used; answered with 400 and the code. */
class InvalidRequestException extends io.keyport.web.ApiException {

	InvalidRequestException(String code, String message) {
		super(org.springframework.http.HttpStatus.BAD_REQUEST, code, message);
	}

}
