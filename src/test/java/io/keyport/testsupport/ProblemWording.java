package io.keyport.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

import io.keyport.web.ProblemTitles;

/**
 * What a portal shows its end user must read as Keyport's own sentence: every problem's
 * {@code detail} is a complete sentence (capital first letter, final period) with no Java
 * lists, type or class names, exception or KMS messages, tokens or timestamps with
 * fractions of a second, and its {@code title} is the one that belongs to its
 * {@code code}. Checked on every problem the integration suite receives.
 */
public final class ProblemWording {

	/** A list as Java prints it, a JSON echo or a stack frame. */
	private static final Pattern BRACKETS = Pattern.compile("[\\[\\]{}]");

	private static final Pattern JAVA_NAMES = Pattern.compile("\\b(java|javax|jakarta|org\\.springframework|"
			+ "software\\.amazon|com\\.huaweicloud|tools\\.jackson|com\\.fasterxml|io\\.keyport)\\.|"
			+ "\\b[A-Z]\\w*(Exception|Error)\\b|\\.java:\\d+|\\b(Instant|OffsetDateTime|LocalDate|Integer|Long|"
			+ "String|Boolean)\\b");

	/** Fractions of a second: a raw {@code Instant.toString()}. */
	private static final Pattern FRACTIONAL_TIME = Pattern.compile("\\d{2}:\\d{2}:\\d{2}\\.\\d");

	/** What only a KMS's own message or an SDK says. */
	private static final Pattern KMS_TEXT = Pattern
		.compile(
				"Service: Kms|Status Code: \\d|Request ID|\\bKMS\\.\\d{4}\\b|error_code|error_msg|Injected |"
						+ "Rate exceeded|An internal error occurred|1 validation error detected",
				Pattern.CASE_INSENSITIVE);

	/** A bearer token (JWT) or a long base64 run such as material or an import token. */
	private static final Pattern SECRET_LIKE = Pattern.compile("eyJ[\\w-]{10,}|[A-Za-z0-9+/=]{64,}");

	private static final Pattern QUOTED = Pattern.compile("(^|[\\s(])'.*?'(?=[\\s.,;:)]|$)");

	private static final Pattern NULL_WORD = Pattern.compile("\\bnull\\b");

	private ProblemWording() {
	}

	/** Fails when a problem+json answer's title or detail breaks the rule. */
	static void check(String method, String uri, ApiClient.Response response) {
		String type = response.header("Content-Type");
		// a HEAD answer has the GET answer's headers and never a body (RFC 9110)
		if (type == null || !type.startsWith("application/problem+json") || "HEAD".equals(method)) {
			return;
		}
		List<String> violations = violations(response.json());
		if (!violations.isEmpty()) {
			throw new AssertionError(method + " " + uri + " answered a problem a portal cannot show:\n  - "
					+ String.join("\n  - ", violations) + "\n  body: " + response.text());
		}
	}

	/** What in the problem breaks the rule; empty when it is fine. */
	public static List<String> violations(JsonNode problem) {
		List<String> violations = new ArrayList<>();
		String code = problem.path("code").asString(null);
		if (code == null) {
			violations.add("no code");
		}
		else if (!ProblemTitles.title(code).equals(problem.path("title").asString(null))) {
			violations.add("title '" + problem.path("title").asString(null) + "' is not the title of " + code + ": '"
					+ ProblemTitles.title(code) + "'");
		}
		String detail = problem.path("detail").asString(null);
		if (detail == null || detail.isBlank()) {
			violations.add("no detail");
			return violations;
		}
		violations.addAll(detailViolations(detail));
		return violations;
	}

	/** What in a detail keeps a portal from showing it as it is. */
	public static List<String> detailViolations(String detail) {
		List<String> violations = new ArrayList<>();
		if (!Character.isUpperCase(detail.codePointAt(0))) {
			violations.add("does not start with a capital letter");
		}
		if (!detail.endsWith(".")) {
			violations.add("does not end with a period");
		}
		if (detail.chars().anyMatch(c -> c == '\n' || c == '\r' || c == '\t')) {
			violations.add("has a line break or tab");
		}
		// a caller's value quoted in the detail may hold anything, quotes too: a quoted
		// value starts after a space or parenthesis and ends before one or punctuation
		String unquoted = QUOTED.matcher(detail).replaceAll("$1''");
		if (BRACKETS.matcher(unquoted).find()) {
			violations.add("has brackets or braces outside quotes (a Java list or a JSON echo)");
		}
		if (JAVA_NAMES.matcher(unquoted).find()) {
			violations.add("names a Java type, class or exception");
		}
		if (FRACTIONAL_TIME.matcher(unquoted).find()) {
			violations.add("has a timestamp with fractions of a second");
		}
		if (KMS_TEXT.matcher(detail).find()) {
			violations.add("passes a KMS or SDK message through");
		}
		if (SECRET_LIKE.matcher(unquoted).find()) {
			violations.add("has something that looks like a token or material");
		}
		if (NULL_WORD.matcher(unquoted).find()) {
			violations.add("says null");
		}
		return violations;
	}

}
