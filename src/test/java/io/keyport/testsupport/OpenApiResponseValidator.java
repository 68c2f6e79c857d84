package io.keyport.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checks an HTTP exchange against the committed OpenAPI 3.1 document: the status must be
 * documented for the operation, the media type for that status, the API's own headers for
 * that response, and a JSON body must be valid against the documented schema (JSON Schema
 * draft 2020-12, the dialect of OpenAPI 3.1).
 *
 * <p>
 * Mode by system property {@code openapi.validation}: {@code fail} (default) throws on
 * the exchange that breaks the document, {@code report} only appends the violation to
 * {@code target/openapi-violations.txt}, {@code off} checks nothing.
 */
public final class OpenApiResponseValidator {

	/** The contract every exchange of the integration suite is checked against. */
	public static final Path COMMITTED = Path.of("openapi", "keyport-v1.json");

	/** Headers the API itself sets: where present, the response must document them. */
	static final Set<String> API_HEADERS = Set.of("location", "retry-after", "idempotent-replayed",
			"content-disposition", "www-authenticate", "x-request-id");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final OpenApiResponseValidator COMMITTED_DOCUMENT = new OpenApiResponseValidator(COMMITTED);

	private static final AtomicInteger EXCHANGES = new AtomicInteger();

	static {
		// how many exchanges a test JVM checked, for the record
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			if (EXCHANGES.get() > 0) {
				report(EXCHANGES.get() + " exchanges validated", "openapi-exchanges.txt");
			}
		}));
	}

	private final JsonNode document;

	private final List<Route> routes = new ArrayList<>();

	private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

	private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

	OpenApiResponseValidator(Path document) {
		try {
			this.document = JSON.readTree(Files.readString(document, StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		for (Map.Entry<String, JsonNode> path : this.document.path("paths").properties()) {
			// path parameters are one segment, except key references (ARNs and aliases
			// carry
			// slashes)
			String regex = Pattern.quote(path.getKey())
				.replaceAll("\\{keyId}", "\\\\E.+\\\\Q")
				.replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q");
			this.routes.add(new Route(path.getKey(), Pattern.compile(regex), path.getValue()));
		}
	}

	/** Checks an exchange of the test client against the committed document. */
	static void check(String method, String uri, ApiClient.Response response) {
		String mode = System.getProperty("openapi.validation", "fail");
		if ("off".equals(mode)) {
			return;
		}
		List<String> violations = COMMITTED_DOCUMENT.violations(method, uri, response.status(),
				response.headers().map(), response.body());
		EXCHANGES.incrementAndGet();
		if (violations.isEmpty()) {
			return;
		}
		String message = method + " " + uri + " answered " + response.status() + " in a way " + COMMITTED
				+ " does not document:\n  - " + String.join("\n  - ", violations) + "\n  body: "
				+ abbreviated(response.body());
		if ("report".equals(mode)) {
			report(message, "openapi-violations.txt");
			return;
		}
		throw new AssertionError(message);
	}

	/**
	 * What in the exchange breaks the document; empty when the request path is not an
	 * operation of the document (actuator, api-docs, deliberate requests to unknown paths
	 * or methods).
	 */
	List<String> violations(String method, String uri, int status, Map<String, List<String>> headers, byte[] body) {
		Route route = route(method.toLowerCase(Locale.ROOT), path(uri));
		if (route == null) {
			return List.of();
		}
		JsonNode operation = route.item().get(method.toLowerCase(Locale.ROOT));
		List<String> violations = new ArrayList<>();
		String at = operation.path("operationId").asString();
		JsonNode response = operation.path("responses").path(String.valueOf(status));
		if (response.isMissingNode()) {
			violations.add("status " + status + " is not documented for " + at + " (documented: "
					+ operation.path("responses").propertyNames() + ")");
			return violations;
		}
		response = resolve(response);
		Map<String, String> lower = new java.util.HashMap<>();
		headers
			.forEach((name, values) -> lower.put(name.toLowerCase(Locale.ROOT), values.isEmpty() ? "" : values.get(0)));
		Set<String> documented = new java.util.HashSet<>();
		for (Map.Entry<String, JsonNode> header : response.path("headers").properties()) {
			String name = header.getKey().toLowerCase(Locale.ROOT);
			documented.add(name);
			JsonNode definition = resolve(header.getValue());
			if (definition.path("required").asBoolean(false) && !lower.containsKey(name)) {
				violations.add("required header " + header.getKey() + " is missing");
			}
		}
		for (String name : lower.keySet()) {
			if (API_HEADERS.contains(name) && !documented.contains(name)) {
				violations.add("header " + name + " is not documented for " + at + " " + status);
			}
		}
		JsonNode content = response.path("content");
		boolean hasBody = body != null && body.length > 0;
		if (!hasBody) {
			return violations;
		}
		String contentType = lower.get("content-type");
		if (contentType == null) {
			violations.add("a body without Content-Type");
			return violations;
		}
		String mediaType = contentType.replaceFirst(";.*$", "").trim().toLowerCase(Locale.ROOT);
		JsonNode media = content.path(mediaType);
		if (media.isMissingNode()) {
			violations.add("media type " + mediaType + " is not documented for " + at + " " + status + " (documented: "
					+ content.propertyNames() + ")");
			return violations;
		}
		if (mediaType.endsWith("json") && media.has("schema")) {
			JsonNode json;
			try {
				json = JSON.readTree(body);
			}
			catch (RuntimeException ex) {
				violations.add("the " + mediaType + " body is not JSON");
				return violations;
			}
			String pointer = "/paths/" + escape(route.template()) + "/" + method.toLowerCase(Locale.ROOT)
					+ "/responses/" + status + "/content/" + escape(mediaType) + "/schema";
			if (!operation.path("responses").path(String.valueOf(status)).has("content")) {
				// the response is a $ref to components/responses
				String ref = operation.path("responses").path(String.valueOf(status)).path("$ref").asString();
				pointer = ref.substring(1) + "/content/" + escape(mediaType) + "/schema";
			}
			schema(pointer).validate(json)
				.forEach(error -> violations.add("body " + error.getInstanceLocation() + ": " + error.getMessage()));
		}
		return violations;
	}

	/** The request path of a URI or path, without query and fragment. */
	static String path(String uri) {
		return uri.replaceFirst("^https?://[^/]+", "").replaceFirst("[?#].*$", "");
	}

	/** The document's path template of the operation, or {@code null} when none. */
	String template(String method, String path) {
		Route route = route(method.toLowerCase(Locale.ROOT), path);
		return route == null ? null : route.template();
	}

	JsonNode document() {
		return this.document;
	}

	static OpenApiResponseValidator committed() {
		return COMMITTED_DOCUMENT;
	}

	/**
	 * The route of the operation: a more literal template wins ({kms-keys/{keyId}} would
	 * match the public-key path too, key references carry slashes).
	 */
	private Route route(String method, String path) {
		Route found = null;
		int literal = -1;
		for (Route route : this.routes) {
			if (route.pattern().matcher(path).matches() && route.item().has(method)) {
				int weight = route.template().replaceAll("\\{[^}]+}", "").length();
				if (weight > literal) {
					literal = weight;
					found = route;
				}
			}
		}
		return found;
	}

	private Schema schema(String pointer) {
		return this.schemas.computeIfAbsent(pointer, p -> {
			// the whole document is the schema resource, so $refs to components resolve;
			// its
			// root refers to the schema at hand
			ObjectNode root = ((ObjectNode) this.document).deepCopy();
			root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
			root.put("$ref", "#" + p);
			return this.registry.getSchema(SchemaLocation.of("urn:keyport:openapi"), root);
		});
	}

	JsonNode resolve(JsonNode node) {
		if (node.has("$ref")) {
			return this.document.at(node.get("$ref").asString().substring(1));
		}
		return node;
	}

	static String escape(String segment) {
		return segment.replace("~", "~0").replace("/", "~1");
	}

	static String abbreviated(byte[] body) {
		if (body == null) {
			return "";
		}
		String text = new String(body, StandardCharsets.UTF_8);
		return text.length() > 400 ? text.substring(0, 400) + "..." : text;
	}

	static synchronized void report(String message, String name) {
		try {
			Path file = Path.of("target", name);
			Files.createDirectories(file.getParent());
			Files.writeString(file, message + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
					StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** How many exchanges were validated in this JVM. */
	public static int exchanges() {
		return EXCHANGES.get();
	}

	private record Route(String template, Pattern pattern, JsonNode item) {
	}

}
