package io.keyport.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A validating proxy for the local run: forwards every request to Keyport and checks
 * every request and answer against the committed OpenAPI document with the same
 * validators the test client uses, printing each violation
 * ({@code -Dopenapi.validation=off} turns the checks off). Point a client (the README
 * quickstart, a portal) at it instead of Keyport:
 * {@code ValidatingProxy.start(8081, URI.create("http://localhost:8080"))} from a test or
 * a scratch launcher. No {@code main} method: the local run
 * ({@code spring-boot:test-run}) needs {@code TestKeyportApplication} to be the only one
 * in the test classes.
 */
public final class ValidatingProxy {

	private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "content-length", "expect", "upgrade",
			"transfer-encoding", "keep-alive");

	private ValidatingProxy() {
	}

	/**
	 * Starts the proxy on 127.0.0.1 (port 0: any free port); stop it with
	 * {@link HttpServer#stop(int)}.
	 */
	public static HttpServer start(int port, URI target) throws IOException {
		OpenApiResponseValidator validator = new OpenApiResponseValidator(OpenApiResponseValidator.COMMITTED);
		OpenApiRequestValidator requests = new OpenApiRequestValidator(validator);
		HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		AtomicInteger exchanges = new AtomicInteger();
		AtomicInteger broken = new AtomicInteger();
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
		server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
		server.createContext("/", exchange -> {
			try (exchange) {
				forward(exchange, target, client, validator, requests, exchanges, broken);
			}
			catch (IOException | InterruptedException | RuntimeException ex) {
				System.err.println("proxy failed on " + exchange.getRequestURI() + ": " + ex);
			}
		});
		server.start();
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> System.out.println(
					"validating proxy: " + exchanges.get() + " exchanges, " + broken.get() + " broke the document")));
		System.out.println("validating proxy on http://127.0.0.1:" + server.getAddress().getPort() + " -> " + target);
		return server;
	}

	private static void forward(HttpExchange exchange, URI target, HttpClient client,
			OpenApiResponseValidator validator, OpenApiRequestValidator requests, AtomicInteger exchanges,
			AtomicInteger broken) throws IOException, InterruptedException {
		byte[] requestBody;
		try (InputStream in = exchange.getRequestBody()) {
			requestBody = in.readAllBytes();
		}
		String method = exchange.getRequestMethod();
		HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
			.method(method, requestBody.length == 0 ? HttpRequest.BodyPublishers.noBody()
					: HttpRequest.BodyPublishers.ofByteArray(requestBody));
		exchange.getRequestHeaders().forEach((name, values) -> {
			if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
				values.forEach(value -> request.header(name, value));
			}
		});
		HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
		List<String> violations = new ArrayList<>();
		if (!"off".equals(System.getProperty("openapi.validation", "fail"))) {
			// the request as the client sent it, then the answer
			violations
				.addAll(requests.exchange(method, exchange.getRequestURI().toString(), exchange.getRequestHeaders(),
						requestBody, response.statusCode(), response.headers().map(), response.body()));
			violations.addAll(validator.violations(method, exchange.getRequestURI().toString(), response.statusCode(),
					response.headers().map(), response.body()));
		}
		exchanges.incrementAndGet();
		if (!violations.isEmpty()) {
			broken.incrementAndGet();
			System.out.println("VIOLATION " + method + " " + exchange.getRequestURI() + " -> " + response.statusCode()
					+ ": " + String.join("; ", violations));
		}
		response.headers().map().forEach((name, values) -> {
			if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
				exchange.getResponseHeaders().put(name, values);
			}
		});
		byte[] body = response.body();
		exchange.sendResponseHeaders(response.statusCode(), body.length == 0 ? -1 : body.length);
		if (body.length > 0) {
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		}
	}

}
