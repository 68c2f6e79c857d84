package io.keyport.testsupport;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A plain HTTP client for the running service: tests go through the real server, filters
 * and converters.
 */
public final class ApiClient {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final String base;

	private final String token;

	/**
	 * Whether the service runs with the documented default limits; if not, a request the
	 * document accepts may be refused by a smaller configured limit.
	 */
	private final boolean documentedLimits;

	/** A client acting as platform A (tenant-a, read, import and keys scopes). */
	public ApiClient(int port) {
		this(port, Tokens.of(io.keyportdev.localauth.LocalAuthorizationServer.PLATFORM_A));
	}

	/** A client sending the given bearer token, or none when {@code null}. */
	public ApiClient(int port, String token) {
		this(port, token, true);
	}

	private ApiClient(int port, String token, boolean documentedLimits) {
		this.base = "http://127.0.0.1:" + port;
		this.token = token;
		this.documentedLimits = documentedLimits;
	}

	public ApiClient as(String token) {
		return new ApiClient(port(), token, this.documentedLimits);
	}

	/**
	 * This client for a service configured with limits below the documented ones (page
	 * sizes, for example): a {@code validation-failed} answer to a request the document
	 * accepts is then expected. Every other check stays.
	 */
	public ApiClient underConfiguredLimits() {
		return new ApiClient(port(), this.token, false);
	}

	private int port() {
		return Integer.parseInt(this.base.substring(this.base.lastIndexOf(':') + 1));
	}

	public Response get(String path) {
		return send(request(path).GET().header("Accept", "application/json"), null);
	}

	public Response get(String path, String accept) {
		return send(request(path).GET().header("Accept", accept), null);
	}

	public Response postJson(String path, String json) {
		PlaintextRegistry.registerUpload(path, json.getBytes(java.nio.charset.StandardCharsets.UTF_8),
				"application/json");
		return send(request(path).POST(HttpRequest.BodyPublishers.ofString(json))
			.header("Content-Type", "application/json")
			.header("Accept", "application/json"), utf8(json));
	}

	/** A JSON POST with extra request headers. */
	public Response postJson(String path, String json, java.util.Map<String, String> headers) {
		HttpRequest.Builder request = request(path).POST(HttpRequest.BodyPublishers.ofString(json))
			.header("Content-Type", "application/json")
			.header("Accept", "application/json");
		headers.forEach(request::header);
		return send(request, utf8(json));
	}

	public Response post(String path, byte[] body, String contentType) {
		PlaintextRegistry.registerUpload(path, body, contentType);
		return send(request(path).POST(HttpRequest.BodyPublishers.ofByteArray(body))
			.header("Content-Type", contentType)
			.header("Accept", "application/json"), body);
	}

	public Response post(String path) {
		return send(request(path).POST(HttpRequest.BodyPublishers.noBody()).header("Accept", "application/json"), null);
	}

	public Response putJson(String path, String json) {
		return send(request(path).PUT(HttpRequest.BodyPublishers.ofString(json))
			.header("Content-Type", "application/json")
			.header("Accept", "application/json"), utf8(json));
	}

	public Response putBytes(String path, byte[] body) {
		return send(request(path).PUT(HttpRequest.BodyPublishers.ofByteArray(body))
			.header("Content-Type", "application/octet-stream")
			.header("Accept", "application/json"), body);
	}

	/**
	 * Any request as written: the method, only the given headers (and the token), the
	 * body as is (none when {@code null}); for requests the other methods do not make.
	 */
	public Response exchange(String method, String path, Map<String, String> headers, byte[] body) {
		return exchange(method, path, headers, body, false);
	}

	/**
	 * As {@link #exchange(String, String, Map, byte[])}, the body streamed without a
	 * declared length (chunked) when {@code chunked}.
	 */
	public Response exchange(String method, String path, Map<String, String> headers, byte[] body, boolean chunked) {
		HttpRequest.BodyPublisher publisher = (body == null) ? HttpRequest.BodyPublishers.noBody()
				: chunked ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
						: HttpRequest.BodyPublishers.ofByteArray(body);
		HttpRequest.Builder request = request(path).method(method, publisher);
		headers.forEach(request::header);
		return send(request, body);
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	public static String json(Object value) {
		return JSON.writeValueAsString(value);
	}

	private HttpRequest.Builder request(String path) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(this.base + path))
			.timeout(Duration.ofSeconds(30));
		if (this.token != null) {
			builder.header("Authorization", "Bearer " + this.token);
		}
		return builder;
	}

	public Response delete(String path) {
		return send(request(path).DELETE().header("Accept", "application/json"), null);
	}

	/** Sends the request; {@code body} is what its publisher sends, for validation. */
	private Response send(HttpRequest.Builder request, byte[] body) {
		try {
			HttpRequest built = request.build();
			HttpResponse<byte[]> response = this.http.send(built, HttpResponse.BodyHandlers.ofByteArray());
			Response answer = new Response(response.statusCode(), response.headers(), response.body());
			OpenApiRequestValidator.check(built, body, answer, this.documentedLimits);
			// every exchange of the suite is checked against the committed contract
			OpenApiResponseValidator.check(built.method(), built.uri().toString(), answer);
			ProblemWording.check(built.method(), built.uri().toString(), answer);
			return answer;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Status, headers and body; {@link #json()} parses the body. */
	public record Response(int status, java.net.http.HttpHeaders headers, byte[] body) {

		public JsonNode json() {
			return JSON.readTree(this.body);
		}

		public String header(String name) {
			return this.headers.firstValue(name).orElse(null);
		}

		public String text() {
			return new String(this.body, java.nio.charset.StandardCharsets.UTF_8);
		}

		@Override
		public String toString() {
			return "Response[" + this.status + " " + text() + "]";
		}

	}

}
