package io.keyport.web;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import jakarta.validation.ConstraintViolationException;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

import org.springframework.beans.TypeMismatchException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

import io.keyport.support.DescribedFailure.Kind;
import io.keyport.support.DescribedFailure;
import io.keyport.support.Sentences;

/**
 * Every error leaves as RFC 9457 problem+json with a stable {@code code}. Details never
 * echo request bodies (they may hold key material) nor internal class names; unexpected
 * failures are logged and answered with a generic 500.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

	private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

	/** How long a caller should wait after KMS throttled or was unavailable. */
	private static final Duration RETRY_AFTER = Duration.ofSeconds(30);

	/**
	 * How long a caller should wait while the database is unreachable (a restart or
	 * failover takes seconds).
	 */
	private static final Duration DATABASE_RETRY_AFTER = Duration.ofSeconds(5);

	@ExceptionHandler(ApiException.class)
	ResponseEntity<ProblemDetail> api(ApiException ex) {
		ProblemDetail problem = ProblemResponses.problem(ex.status(), ex.code(), ex.getMessage());
		ex.members().forEach(problem::setProperty);
		return respond(problem);
	}

	/**
	 * A feature's failure that says its own kind, code and extra members; the handler
	 * knows no feature.
	 */
	private static ResponseEntity<ProblemDetail> described(DescribedFailure failure) {
		ProblemDetail problem = ProblemResponses.problem(HttpStatus.valueOf(failure.kind().status()), failure.code(),
				failure.detail());
		failure.problemMembers().forEach(problem::setProperty);
		if (failure.kind() == Kind.UPSTREAM_UNAVAILABLE && failure.retryAfter() == null
				|| !Objects.equals(failure.getMessage(), failure.detail())) {
			// the detail is Keyport's sentence for the end user; the underlying message
			// (KMS's own words) is for operators
			log.warn("Answered {} {}: {}", failure.kind().status(), failure.code(), failure.getMessage());
		}
		return respond(problem, failure.retryAfter());
	}

	@ExceptionHandler(ConstraintViolationException.class)
	ResponseEntity<ProblemDetail> constraintViolation(ConstraintViolationException ex) {
		ProblemDetail problem = ProblemResponses.problem(HttpStatus.BAD_REQUEST, ProblemCodes.VALIDATION_FAILED,
				invalid("Parameter",
						ex.getConstraintViolations()
							.stream()
							.map(v -> new String[] { leaf(v.getPropertyPath().toString()), v.getMessage() })
							.toList()));
		problem.setProperty("errors",
				ex.getConstraintViolations()
					.stream()
					.map(v -> Map.of("parameter", v.getPropertyPath().toString(), "message", v.getMessage()))
					.toList());
		return respond(problem);
	}

	/**
	 * The servlet container refused to parse the query string (for example {@code ?&=}).
	 */
	@ExceptionHandler(InvalidParameterException.class)
	ResponseEntity<ProblemDetail> malformedQuery(RuntimeException ex) {
		return respond(ProblemResponses.problem(HttpStatus.BAD_REQUEST, ProblemCodes.INVALID_PARAMETER,
				"The query string is malformed."));
	}

	@ExceptionHandler(Exception.class)
	ResponseEntity<ProblemDetail> unexpected(Exception ex) {
		if (ex instanceof DescribedFailure failure) {
			// an interface cannot be named in @ExceptionHandler
			return described(failure);
		}
		DatabaseFailures.Kind database = DatabaseFailures.classify(ex);
		if (database == DatabaseFailures.Kind.CONFLICT) {
			// two requests raced past the version check to the same row: the loser
			// reads again
			return respond(ProblemResponses.problem(HttpStatus.CONFLICT, ProblemCodes.CONCURRENT_MODIFICATION,
					"The resource was changed by another request at the same time. Read it again and retry if still "
							+ "needed."));
		}
		if (database == DatabaseFailures.Kind.UNAVAILABLE) {
			log.warn("Database unavailable: {}", ex.toString());
			return respond(ProblemResponses.problem(HttpStatus.SERVICE_UNAVAILABLE, "database-unavailable",
					"The database is not reachable right now. Retry after the number of seconds in Retry-After."),
					DATABASE_RETRY_AFTER);
		}
		if (tooLarge(ex)) {
			// a body a controller reads itself (a raw upload) met the size
			// limit of the request
			return respond(ProblemResponses.problem(HttpStatus.CONTENT_TOO_LARGE, "request-too-large",
					"The request body exceeds the size limit."));
		}
		log.error("Unexpected error", ex);
		return respond(ProblemResponses.problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error",
				"An unexpected error occurred. It has been logged."));
	}

	@Override
	protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
			HttpStatusCode statusCode, WebRequest request) {
		if (tooLarge(ex)) {
			statusCode = HttpStatus.CONTENT_TOO_LARGE;
		}
		ProblemDetail problem = body instanceof ProblemDetail p ? p
				: ProblemDetail.forStatusAndDetail(statusCode, statusCode.toString());
		Detail detail = describe(ex, statusCode);
		ProblemDetail keyport = ProblemResponses.problem(statusCode, detail.code(), detail.text());
		if (problem.getProperties() != null) {
			problem.getProperties().forEach(keyport::setProperty);
		}
		detail.extra().forEach(keyport::setProperty);
		keyport.setProperty("code", detail.code());
		ProblemResponses.remember(detail.code());
		return super.handleExceptionInternal(ex, keyport, headers, statusCode, request);
	}

	private record Detail(String code, String text, Map<String, Object> extra) {

		Detail(String code, String text) {
			this(code, text, Map.of());
		}

	}

	private static Detail describe(Exception ex, HttpStatusCode status) {
		return switch (ex) {
			case MethodArgumentNotValidException e -> new Detail(ProblemCodes.VALIDATION_FAILED,
					invalid("Field",
							e.getFieldErrors()
								.stream()
								.map(f -> new String[] { f.getField(), String.valueOf(f.getDefaultMessage()) })
								.toList()),
					Map.of("errors", e.getFieldErrors()
						.stream()
						.map(f -> Map.of("field", f.getField(), "message", String.valueOf(f.getDefaultMessage())))
						.toList()));
			case HandlerMethodValidationException e -> new Detail(ProblemCodes.VALIDATION_FAILED,
					invalid("Parameter", e.getParameterValidationResults()
						.stream()
						.flatMap(r -> r.getResolvableErrors()
							.stream()
							.map(err -> new String[] { String.valueOf(r.getMethodParameter().getParameterName()),
									String.valueOf(err.getDefaultMessage()) }))
						.toList()),
					Map.of("errors",
							e.getParameterValidationResults()
								.stream()
								.map(r -> Map.of("parameter", String.valueOf(r.getMethodParameter().getParameterName()),
										"message",
										r.getResolvableErrors()
											.stream()
											.map(err -> String.valueOf(err.getDefaultMessage()))
											.toList()
											.toString()))
								.toList()));
			case HttpMessageNotReadableException e -> unreadable(e);
			case TypeMismatchException e -> new Detail(ProblemCodes.INVALID_PARAMETER,
					"Parameter '" + e.getPropertyName() + "' must be " + describeType(e.getRequiredType()) + ".");
			case MissingServletRequestParameterException e ->
				new Detail("missing-parameter", "Parameter '" + e.getParameterName() + "' is required.");
			case HttpMediaTypeNotSupportedException e -> new Detail("unsupported-media-type",
					(e.getContentType() != null ? "Content type " + mediaType(e.getContentType())
							: "A request without a content type") + " is not accepted here. Send one of "
							+ mediaTypes(e.getSupportedMediaTypes()) + ".");
			case HttpMediaTypeNotAcceptableException e ->
				new Detail("not-acceptable", "None of the media types in Accept can be produced here. Ask for one of "
						+ mediaTypes(e.getSupportedMediaTypes()) + ".");
			case HttpRequestMethodNotSupportedException e ->
				new Detail("method-not-allowed", "Method " + e.getMethod() + " is not supported on this path.");
			case NoResourceFoundException e -> new Detail("not-found", "There is no such resource.");
			default ->
				new Detail(status.is4xxClientError() ? "bad-request" : "internal-error", status.is4xxClientError()
						? "The request could not be processed." : "An unexpected error occurred. It has been logged.");
		};
	}

	/** Names the field and what was wrong, never the value (it may be key material). */
	private static Detail unreadable(HttpMessageNotReadableException ex) {
		Throwable cause = ex.getCause();
		if (tooLarge(ex)) {
			return new Detail("request-too-large", "The request body exceeds the size limit.");
		}
		if (cause instanceof UnrecognizedPropertyException e) {
			return new Detail("unknown-field", "The body has an unknown field '" + e.getPropertyName() + "'.");
		}
		if (cause instanceof InvalidFormatException e && e.getTargetType() != null && e.getTargetType().isEnum()) {
			return new Detail("invalid-enum-value", "Field '" + path(e) + "' must be one of "
					+ Sentences.list(e.getTargetType().getEnumConstants()) + ".");
		}
		if (cause instanceof MismatchedInputException e && e.getTargetType() == byte[].class
				|| cause instanceof JacksonException j && j.getOriginalMessage() != null
						&& j.getOriginalMessage().contains("base64")) {
			return new Detail("invalid-base64",
					"Field '" + path((JacksonException) cause) + "' must be standard base64 (RFC 4648).");
		}
		if (cause instanceof JacksonException e && !e.getPath().isEmpty()) {
			return new Detail("malformed-request-body", "Field '" + path(e) + "' has a value of the wrong type.");
		}
		return new Detail("malformed-request-body", "The request body is not valid JSON for this operation.");
	}

	private static boolean tooLarge(Throwable ex) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (t instanceof RequestSizeLimitFilter.RequestTooLargeException) {
				return true;
			}
		}
		return false;
	}

	private static String path(JacksonException ex) {
		List<String> parts = ex.getPath()
			.stream()
			.map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
			.toList();
		return String.join(".", parts).replace(".[", "[");
	}

	private static String describeType(Class<?> type) {
		if (type == null) {
			return "of another type";
		}
		if (type.isEnum()) {
			return "one of " + Sentences.list(type.getEnumConstants());
		}
		if (type == UUID.class) {
			return "a UUID";
		}
		if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
			return "an integer";
		}
		if (type == Instant.class || type == OffsetDateTime.class) {
			return "a date and time such as 2026-01-31T12:00:00Z";
		}
		if (type == Duration.class) {
			return "an ISO-8601 duration such as P7D";
		}
		if (type == boolean.class || type == Boolean.class) {
			return "true or false";
		}
		return "a valid value";
	}

	/**
	 * Bean Validation's message as a portal's user reads it: "must not be null" means
	 * nothing to them.
	 */
	private static String inWords(String message) {
		return switch (message) {
			case "must not be null", "must not be blank", "must not be empty" -> "is required";
			default -> message;
		};
	}

	/**
	 * "Field 'kmsKeyId' is required.", and how many more there are: the first broken
	 * constraint in words, the {@code errors} member lists them all.
	 */
	private static String invalid(String what, List<String[]> errors) {
		if (errors.isEmpty()) {
			return "The request is not valid.";
		}
		String first = what + " '" + errors.get(0)[0] + "' " + inWords(errors.get(0)[1]) + ".";
		int more = errors.size() - 1;
		String noun = what.toLowerCase(java.util.Locale.ROOT);
		return (more == 0) ? first
				: first + " " + more + " more " + (more == 1 ? noun + " is" : noun + "s are") + " not valid either.";
	}

	/** "create.size" (method.parameter) as the caller knows it: "size". */
	private static String leaf(String path) {
		return path.substring(path.lastIndexOf('.') + 1);
	}

	/** "application/json" without parameters such as charset. */
	private static String mediaType(MediaType type) {
		return type.getType() + "/" + type.getSubtype();
	}

	private static String mediaTypes(List<MediaType> types) {
		return Sentences.list(types.stream().map(ApiExceptionHandler::mediaType).distinct().toList());
	}

	private static ResponseEntity<ProblemDetail> respond(ProblemDetail problem) {
		return respond(problem, null);
	}

	/** With {@code Retry-After}: the given wait, else the KMS default for a 503. */
	private static ResponseEntity<ProblemDetail> respond(ProblemDetail problem, Duration retryAfter) {
		if (problem.getProperties() != null && problem.getProperties().get("code") instanceof String code) {
			ProblemResponses.remember(code);
		}
		ResponseEntity.BodyBuilder builder = ResponseEntity.status(problem.getStatus());
		if (retryAfter != null) {
			builder.header(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, retryAfter.toSeconds())));
		}
		else if (problem.getStatus() == HttpStatus.SERVICE_UNAVAILABLE.value()) {
			builder.header(HttpHeaders.RETRY_AFTER, String.valueOf(RETRY_AFTER.toSeconds()));
		}
		return builder.contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
	}

}
