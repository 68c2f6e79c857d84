package io.keyport.web;

import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

import io.keyport.support.Sentences;

/**
 * Builds RFC 9457 problems with Keyport's stable {@code code} member and a type URI
 * derived from it.
 */
public final class ProblemResponses {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * Request attribute with the {@code code} of the problem a request was answered with.
	 */
	public static final String CODE_ATTRIBUTE = ProblemResponses.class.getName() + ".code";

	/** Base of problem type URIs; each code has its own. */
	public static final String TYPE_BASE = "https://keyport.io/problems/";

	private ProblemResponses() {
	}

	public static ProblemDetail problem(HttpStatusCode status, String code, String detail) {
		// a detail is a sentence a portal shows its end user
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, Sentences.sentence(detail));
		problem.setType(URI.create(TYPE_BASE + code));
		problem.setTitle(title(code));
		problem.setProperty("code", code);
		return problem;
	}

	/**
	 * Writes a problem straight to the servlet response, for code that runs before or
	 * outside Spring MVC (security filters, request filters, interceptors that stop a
	 * request).
	 */
	public static void write(HttpServletResponse response, HttpStatusCode status, String code, String detail)
			throws IOException {
		ProblemDetail problem = problem(status, code, detail);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", problem.getType().toString());
		body.put("title", problem.getTitle());
		body.put("status", problem.getStatus());
		body.put("detail", problem.getDetail());
		body.put("code", code);
		response.setStatus(status.value());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		JSON.writeValue(response.getOutputStream(), body);
	}

	/**
	 * Like {@link #write(HttpServletResponse, HttpStatusCode, String, String)}, and
	 * leaves the code in the request attribute {@link #CODE_ATTRIBUTE}, so the audit
	 * trail can record why a request was refused.
	 */
	public static void write(HttpServletRequest request, HttpServletResponse response, HttpStatusCode status,
			String code, String detail) throws IOException {
		request.setAttribute(CODE_ATTRIBUTE, code);
		write(response, status, code, detail);
	}

	/**
	 * Remembers the code of a problem answered through Spring MVC, for the audit trail.
	 */
	static void remember(String code) {
		RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
		if (attributes != null) {
			attributes.setAttribute(CODE_ATTRIBUTE, code, RequestAttributes.SCOPE_REQUEST);
		}
	}

	static String title(String code) {
		return ProblemTitles.title(code);
	}

}
