package io.keyport.testsupport;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checks the request side of an exchange against the committed OpenAPI document, and what
 * the answer says about it. A request the document forbids (no such operation, a path,
 * query or header parameter outside its schema, a missing bearer token or scope, a
 * content type the operation does not take, a JSON body outside its schema) must be
 * answered with a 4xx problem: a 2xx (or 5xx) means the server accepts what the document
 * forbids, or the document is wrong. A request the document accepts must not be refused
 * for its form ({@link #FORM_CODES}): then the document promises what the server refuses.
 *
 * <p>
 * Formats (uuid, date-time) are asserted, and so is {@code contentEncoding: base64} (RFC
 * 4648), which JSON Schema only annotates: the document states both as constraints of the
 * request. The mode is the response validator's ({@code openapi.validation}).
 */
public final class OpenApiRequestValidator {

	/**
	 * Codes that refuse a request for its form, which the document states: a request the
	 * document accepts must not get them. {@code validation-failed} is one too: every
	 * Bean Validation constraint of a request body or parameter has a JSON Schema
	 * counterpart, and the document states them all (semantic refusals have their own
	 * codes, such as {@code invalid-valid-to} and {@code unsupported-key-spec}).
	 */
	public static final Set<String> FORM_CODES = Set.of("malformed-request-body", "unknown-field", "invalid-enum-value",
			"invalid-base64", "invalid-parameter", "missing-parameter", "unsupported-media-type",
			"invalid-idempotency-key", "validation-failed");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Pattern TEMPLATE_PARAMETER = Pattern.compile("\\{([A-Za-z][A-Za-z0-9]*)}");

	private static final OpenApiRequestValidator COMMITTED_DOCUMENT = new OpenApiRequestValidator(
			OpenApiResponseValidator.committed());

	private final OpenApiResponseValidator contract;

	private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
			builder -> builder
				.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));

	private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

	OpenApiRequestValidator(OpenApiResponseValidator contract) {
		this.contract = contract;
	}

	/**
	 * Checks an exchange of the test client: what the document says of the request, and
	 * whether the answer agrees.
	 */
	static void check(HttpRequest request, byte[] body, ApiClient.Response response, boolean documentedLimits) {
		check(request.method(), request.uri().toString(), request.headers().map(), body, response.status(),
				response.headers().map(), response.body(), documentedLimits);
	}

	/** Checks an exchange by its parts; throws or reports by the validation mode. */
	public static void check(String method, String uri, Map<String, List<String>> requestHeaders, byte[] requestBody,
			int status, Map<String, List<String>> responseHeaders, byte[] responseBody) {
		check(method, uri, requestHeaders, requestBody, status, responseHeaders, responseBody, true);
	}

	/**
	 * Checks an exchange by its parts; with {@code documentedLimits} false, the service
	 * runs with limits below the documented ones, so a {@code validation-failed} answer
	 * to a valid request is expected.
	 */
	static void check(String method, String uri, Map<String, List<String>> requestHeaders, byte[] requestBody,
			int status, Map<String, List<String>> responseHeaders, byte[] responseBody, boolean documentedLimits) {
		String mode = System.getProperty("openapi.validation", "fail");
		if ("off".equals(mode)) {
			return;
		}
		List<String> broken = COMMITTED_DOCUMENT.exchange(method, uri, requestHeaders, requestBody, status,
				responseHeaders, responseBody, documentedLimits);
		if (broken.isEmpty()) {
			return;
		}
		String message = method + " " + uri + " answered " + status + ": " + String.join("\n  ", broken)
				+ "\n  answer: " + OpenApiResponseValidator.abbreviated(responseBody);
		if ("report".equals(mode)) {
			OpenApiResponseValidator.report(message, "openapi-violations.txt");
			return;
		}
		throw new AssertionError(message);
	}

	/**
	 * Where request, answer and document disagree; empty when they agree.
	 */
	List<String> exchange(String method, String uri, Map<String, List<String>> requestHeaders, byte[] requestBody,
			int status, Map<String, List<String>> responseHeaders, byte[] responseBody) {
		return exchange(method, uri, requestHeaders, requestBody, status, responseHeaders, responseBody, true);
	}

	private List<String> exchange(String method, String uri, Map<String, List<String>> requestHeaders,
			byte[] requestBody, int status, Map<String, List<String>> responseHeaders, byte[] responseBody,
			boolean documentedLimits) {
		List<String> request = violations(method, uri, requestHeaders, requestBody);
		List<String> broken = new ArrayList<>();
		if (!request.isEmpty()) {
			if (status < 400 || status >= 500) {
				broken.add("the request breaks " + OpenApiResponseValidator.COMMITTED + " but was answered " + status
						+ " (the server accepts what the document forbids, or the document is wrong):\n  - "
						+ String.join("\n  - ", request));
			}
			return broken;
		}
		String code = problemCode(responseHeaders, responseBody);
		boolean configuredLimit = !documentedLimits && "validation-failed".equals(code);
		if (status >= 400 && status < 500 && code != null && FORM_CODES.contains(code) && !configuredLimit) {
			broken.add("the request is valid by " + OpenApiResponseValidator.COMMITTED + " but was refused for its form"
					+ " with " + code + " (the document accepts what the server refuses: state the constraint in the"
					+ " document, or fix the server)");
		}
		return broken;
	}

	/**
	 * What in the request breaks the document; empty when it is valid or is not the
	 * document's concern (paths outside {@code /api/}).
	 */
	List<String> violations(String method, String uri, Map<String, List<String>> headers, byte[] body) {
		String path = OpenApiResponseValidator.path(uri);
		if (!path.startsWith("/api/")) {
			return List.of();
		}
		String verb = method.toLowerCase(Locale.ROOT);
		String template = this.contract.template(verb, path);
		if (template == null) {
			return List.of(method + " " + path + " is not an operation of the document");
		}
		JsonNode operation = this.contract.document().path("paths").path(template).path(verb);
		String at = "/paths/" + OpenApiResponseValidator.escape(template) + "/" + verb;
		Map<String, String> lower = new LinkedHashMap<>();
		headers.forEach((name, values) -> lower.putIfAbsent(name.toLowerCase(Locale.ROOT),
				values.isEmpty() ? "" : values.get(0)));
		List<String> violations = new ArrayList<>();
		security(operation, lower.get("authorization"), violations);
		parameters(operation, at, template, path, query(uri, violations), lower, violations);
		body(operation, at, lower.get("content-type"), body, violations);
		return violations;
	}

	private void security(JsonNode operation, String authorization, List<String> violations) {
		JsonNode requirements = operation.has("security") ? operation.get("security")
				: this.contract.document().path("security");
		if (!requirements.isArray() || requirements.isEmpty()) {
			return;
		}
		Set<Set<String>> alternatives = new LinkedHashSet<>();
		for (JsonNode requirement : requirements) {
			if (requirement.isEmpty()) {
				return; // anonymous allowed
			}
			for (JsonNode scopes : requirement) {
				Set<String> all = new HashSet<>();
				scopes.forEach(scope -> all.add(scope.asString()));
				alternatives.add(all);
			}
		}
		if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
			violations.add("no bearer token; the operation requires one with scopes " + alternatives);
			return;
		}
		Set<String> granted = scopes(authorization.substring(7).trim());
		if (granted != null && alternatives.stream().noneMatch(granted::containsAll)) {
			violations.add("the token's scopes " + granted + " hold none of the alternatives " + alternatives);
		}
	}

	/** The scopes a JWT grants, or {@code null} when the token is not a readable JWT. */
	private static Set<String> scopes(String token) {
		String[] parts = token.split("\\.");
		if (parts.length != 3) {
			return null;
		}
		try {
			JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
			JsonNode scope = claims.has("scope") ? claims.get("scope") : claims.path("scp");
			Set<String> scopes = new HashSet<>();
			if (scope.isArray()) {
				scope.forEach(s -> scopes.add(s.asString()));
			}
			else if (scope.isString()) {
				scopes.addAll(List.of(scope.asString().split(" ")));
			}
			return scopes;
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	private void parameters(JsonNode operation, String at, String template, String path, Map<String, String> query,
			Map<String, String> headers, List<String> violations) {
		Map<String, String> pathValues = pathValues(template, path);
		JsonNode parameters = operation.path("parameters");
		for (int i = 0; i < parameters.size(); i++) {
			JsonNode parameter = this.contract.resolve(parameters.get(i));
			String name = parameter.path("name").asString();
			String in = parameter.path("in").asString();
			String value = switch (in) {
				case "path" -> pathValues.get(name);
				case "query" -> query.get(name);
				case "header" -> headers.get(name.toLowerCase(Locale.ROOT));
				default -> null;
			};
			if (value != null && parameter.path("allowEmptyValue").asBoolean(false) && (value.isEmpty()
					|| value.isBlank() && this.contract.resolve(parameter.path("schema")).has("enum"))) {
				// the document lets an empty value stand for an absent one (Spring trims
				// enum
				// names, so a blank one is empty too)
				value = null;
			}
			if (value == null) {
				if (parameter.path("required").asBoolean(false)) {
					violations.add("required " + in + " parameter " + name + " is missing");
				}
				continue;
			}
			JsonNode schema = parameter.path("schema");
			if (schema.isMissingNode()) {
				continue;
			}
			String pointer = at + "/parameters/" + i + "/schema";
			if (parameters.get(i).has("$ref")) {
				pointer = parameters.get(i).get("$ref").asString().substring(1) + "/schema";
			}
			String label = in + " parameter " + name;
			schema(pointer).validate(typed(value, this.contract.resolve(schema)))
				.forEach(error -> violations.add(label + ": " + error.getMessage()));
		}
	}

	private void body(JsonNode operation, String at, String contentType, byte[] body, List<String> violations) {
		JsonNode requestBody = this.contract.resolve(operation.path("requestBody"));
		boolean hasBody = body != null && body.length > 0;
		if (requestBody.isMissingNode() || requestBody.isNull()) {
			return; // a body the operation does not read is ignored, as the document
					// allows
		}
		if (!hasBody) {
			if (requestBody.path("required").asBoolean(false)) {
				violations.add("the operation requires a body (" + requestBody.path("content").propertyNames() + ")");
			}
			return;
		}
		if (contentType == null) {
			violations.add("a body without Content-Type");
			return;
		}
		String mediaType = contentType.replaceFirst(";.*$", "").trim().toLowerCase(Locale.ROOT);
		JsonNode media = requestBody.path("content").path(mediaType);
		if (media.isMissingNode()) {
			violations.add("content type " + mediaType + " is not one the operation takes ("
					+ requestBody.path("content").propertyNames() + ")");
			return;
		}
		if (!mediaType.endsWith("json") || !media.has("schema")) {
			return;
		}
		JsonNode json;
		try {
			json = JSON.readTree(body);
		}
		catch (RuntimeException ex) {
			violations.add("the " + mediaType + " body is not JSON");
			return;
		}
		String pointer = at + "/requestBody/content/" + OpenApiResponseValidator.escape(mediaType) + "/schema";
		if (operation.path("requestBody").has("$ref")) {
			pointer = operation.path("requestBody").get("$ref").asString().substring(1) + "/content/"
					+ OpenApiResponseValidator.escape(mediaType) + "/schema";
		}
		schema(pointer).validate(json)
			.forEach(error -> violations.add("body " + error.getInstanceLocation() + ": " + error.getMessage()));
		base64(this.contract.resolve(media.path("schema")), json, "", violations);
	}

	/**
	 * {@code contentEncoding: base64} as an assertion: RFC 4648 standard alphabet with
	 * padding, as the document's descriptions say.
	 */
	private void base64(JsonNode schema, JsonNode value, String location, List<String> violations) {
		if (value == null || schema == null) {
			return;
		}
		if ("base64".equals(schema.path("contentEncoding").asString(null)) && value.isString()) {
			try {
				// the JDK's decoder also takes input without its padding; the document
				// does not
				if (value.asString().length() % 4 != 0) {
					throw new IllegalArgumentException("padding missing");
				}
				Base64.getDecoder().decode(value.asString());
			}
			catch (IllegalArgumentException ex) {
				violations.add("body " + (location.isEmpty() ? "/" : location) + ": not base64 (RFC 4648)");
			}
			return;
		}
		if (value.isObject()) {
			for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
				base64(this.contract.resolve(property.getValue()), value.get(property.getKey()),
						location + "/" + property.getKey(), violations);
			}
		}
	}

	/** The parameter's text as the JSON value its schema's type reads it as. */
	private static JsonNode typed(String value, JsonNode schema) {
		String type = schema.path("type").isArray() ? schema.path("type").path(0).asString()
				: schema.path("type").asString("string");
		JsonNodeFactory nodes = JsonNodeFactory.instance;
		try {
			return switch (type) {
				case "integer" -> nodes.numberNode(new BigInteger(value));
				case "number" -> nodes.numberNode(new BigDecimal(value));
				case "boolean" -> "true".equals(value) || "false".equals(value)
						? nodes.booleanNode(Boolean.parseBoolean(value)) : nodes.stringNode(value);
				default -> nodes.stringNode(value);
			};
		}
		catch (NumberFormatException ex) {
			return nodes.stringNode(value);
		}
	}

	private static Map<String, String> pathValues(String template, String path) {
		Matcher names = TEMPLATE_PARAMETER.matcher(template);
		StringBuilder regex = new StringBuilder();
		List<String> order = new ArrayList<>();
		int last = 0;
		while (names.find()) {
			regex.append(Pattern.quote(template.substring(last, names.start())));
			// key references (ARNs, aliases) carry slashes, as in the response validator
			regex.append("keyId".equals(names.group(1)) ? "(.+)" : "([^/]+)");
			order.add(names.group(1));
			last = names.end();
		}
		regex.append(Pattern.quote(template.substring(last)));
		Matcher matcher = Pattern.compile(regex.toString()).matcher(path);
		Map<String, String> values = new LinkedHashMap<>();
		if (matcher.matches()) {
			for (int i = 0; i < order.size(); i++) {
				values.put(order.get(i),
						URLDecoder.decode(matcher.group(i + 1).replace("+", "%2B"), StandardCharsets.UTF_8));
			}
		}
		return values;
	}

	private static Map<String, String> query(String uri, List<String> violations) {
		Map<String, String> values = new LinkedHashMap<>();
		int start = uri.indexOf('?');
		if (start < 0) {
			return values;
		}
		String raw = uri.substring(start + 1).replaceFirst("#.*$", "");
		for (String pair : raw.split("&")) {
			int equals = pair.indexOf('=');
			try {
				String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
				String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
				if (!name.isEmpty()) {
					values.putIfAbsent(name, value);
				}
				else if (equals >= 0) {
					// "=value" names no parameter of any operation; the container refuses
					// it
					violations.add("the query string has a value without a parameter name");
				}
			}
			catch (IllegalArgumentException ex) {
				violations.add("the query string is not percent-encoded correctly");
			}
		}
		return values;
	}

	/** The problem's code of a problem+json answer, or {@code null}. */
	private static String problemCode(Map<String, List<String>> headers, byte[] body) {
		String contentType = headers.entrySet()
			.stream()
			.filter(header -> header.getKey().equalsIgnoreCase("content-type") && !header.getValue().isEmpty())
			.map(header -> header.getValue().get(0))
			.findFirst()
			.orElse("");
		if (!contentType.startsWith("application/problem+json") || body == null || body.length == 0) {
			return null;
		}
		try {
			return JSON.readTree(body).path("code").asString(null);
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	private Schema schema(String pointer) {
		return this.schemas.computeIfAbsent(pointer, p -> {
			// the whole document is the schema resource, so $refs to components resolve
			ObjectNode root = ((ObjectNode) this.contract.document()).deepCopy();
			root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
			root.put("$ref", "#" + p);
			return this.registry.getSchema(SchemaLocation.of("urn:keyport:openapi:request"), root);
		});
	}

}
