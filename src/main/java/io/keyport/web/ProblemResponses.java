package io.keyport.web;

import java.net.URI;
import java.util.Locale;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/** Builds RFC 9457 problems with Keyport's stable {@code code} member and a type URI derived from it. */
public final class ProblemResponses {

	/** Base of problem type URIs; each code has its own. */
	public static final String TYPE_BASE = "https://keyport.io/problems/";

	private ProblemResponses() {
	}

	public static ProblemDetail problem(HttpStatusCode status, String code, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create(TYPE_BASE + code));
		problem.setTitle(title(code));
		problem.setProperty("code", code);
		return problem;
	}

	static String title(String code) {
		String words = code.replace('-', ' ');
		return words.substring(0, 1).toUpperCase(Locale.ROOT) + words.substring(1);
	}

}
