package io.keyport.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors raised before a request reaches a controller (the servlet container, the
 * firewall that rejects malformed URLs) are problem+json too, with a code derived from
 * the status and no internal detail.
 */
@RestController
class ProblemErrorController implements ErrorController {

	@RequestMapping(path = "/error", produces = { MediaType.APPLICATION_PROBLEM_JSON_VALUE, MediaType.ALL_VALUE })
	ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
		Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
		HttpStatus status;
		if (code == null) {
			// asked for directly, not an error dispatch: there is no such resource
			status = HttpStatus.NOT_FOUND;
		}
		else {
			status = code instanceof Integer value && HttpStatus.resolve(value) != null ? HttpStatus.resolve(value)
					: HttpStatus.INTERNAL_SERVER_ERROR;
		}
		String problemCode = switch (status) {
			case BAD_REQUEST -> "bad-request";
			case UNAUTHORIZED -> "unauthorized";
			case FORBIDDEN -> "insufficient-scope";
			case NOT_FOUND -> "not-found";
			case METHOD_NOT_ALLOWED -> "method-not-allowed";
			case CONTENT_TOO_LARGE -> "request-too-large";
			default -> status.is4xxClientError() ? "bad-request" : "internal-error";
		};
		String detail = status.is4xxClientError()
				? "The request could not be processed (" + status.getReasonPhrase() + ")."
				: "An unexpected error occurred. It has been logged.";
		return ResponseEntity.status(status)
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(ProblemResponses.problem(status, problemCode, detail));
	}

}
