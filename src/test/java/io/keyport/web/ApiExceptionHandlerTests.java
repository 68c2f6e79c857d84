package io.keyport.web;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.assertThat;

class ApiExceptionHandlerTests {

	@Test
	void aBodyOverTheSizeLimitReadByAControllerItselfIs413NotAnInternalError() throws Exception {
		IOException tooLarge = new RequestSizeLimitFilter.RequestTooLargeException(4096);

		ResponseEntity<ProblemDetail> answer = new ApiExceptionHandler().unexpected(tooLarge);
		ResponseEntity<ProblemDetail> wrapped = new ApiExceptionHandler()
			.unexpected(new UncheckedIOException(tooLarge));

		for (ResponseEntity<ProblemDetail> problem : java.util.List.of(answer, wrapped)) {
			assertThat(problem.getStatusCode()).isEqualTo(HttpStatus.CONTENT_TOO_LARGE);
			assertThat(problem.getBody().getProperties()).containsEntry("code", "request-too-large");
		}
	}

}
