package io.keyport.kms.huawei;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A scripted HTTP stand-in for Huawei KMS, for the client's own behaviour (retries, error
 * shapes, timeouts, wire fields). It checks each request's signature against the headers
 * as they arrived (Host included) and answers what the test scripted per operation, in
 * order; the last answer repeats. The full emulator is
 * {@code io.keyport.emulator.huawei}.
 */
final class HuaweiStub implements AutoCloseable {

	static final String PROJECT = "0123456789abcdef0123456789abcdef";

	static final String AK = "HPUATESTACCESSKEY";

	static final byte[] SK = "test-secret-key-0123456789".getBytes(StandardCharsets.US_ASCII);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpServer server;

	private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

	private final Map<String, ConcurrentLinkedQueue<Function<Request, Answer>>> scripts = new ConcurrentHashMap<>();

	private final Map<String, Function<Request, Answer>> lastAnswers = new ConcurrentHashMap<>();

	private final List<Request> requests = new CopyOnWriteArrayList<>();

	private volatile byte[] expectedSecretKey = SK;

	HuaweiStub() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.createContext("/", this::handle);
		this.server.setExecutor(this.executor);
		this.server.start();
	}

	URI endpoint() {
		return URI.create("http://127.0.0.1:" + this.server.getAddress().getPort());
	}

	/** The answers to the next calls of the operation, in order; the last one repeats. */
	@SafeVarargs
	final HuaweiStub on(String operation, Function<Request, Answer>... answers) {
		ConcurrentLinkedQueue<Function<Request, Answer>> queue = this.scripts.computeIfAbsent(operation,
				op -> new ConcurrentLinkedQueue<>());
		queue.addAll(List.of(answers));
		return this;
	}

	HuaweiStub on(String operation, Answer... answers) {
		for (Answer answer : answers) {
			on(operation, request -> answer);
		}
		return this;
	}

	void expectSecretKey(byte[] secretKey) {
		this.expectedSecretKey = secretKey;
	}

	List<Request> requests() {
		return List.copyOf(this.requests);
	}

	List<Request> requests(String operation) {
		return this.requests.stream().filter(r -> r.operation().equals(operation)).toList();
	}

	static Answer ok(String json) {
		return new Answer(200, json, 0, Map.of());
	}

	/** KMS's shape: {@code {"error": {"error_code", "error_msg"}}}. */
	static Answer kmsError(int status, String code, String message) {
		return new Answer(status, "{\"error\":{\"error_code\":\"" + code + "\",\"error_msg\":\"" + message + "\"}}", 0,
				Map.of("X-Request-Id", "req-" + code));
	}

	/** The API gateway's shape: top-level code, message and request id. */
	static Answer gatewayError(int status, String code, String message) {
		return new Answer(status, "{\"error_code\":\"" + code + "\",\"error_msg\":\"" + message
				+ "\",\"request_id\":\"gw-" + code + "\"}", 0, Map.of());
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			byte[] body;
			try (InputStream in = exchange.getRequestBody()) {
				body = in.readAllBytes();
			}
			String path = exchange.getRequestURI().getPath();
			String operation = path.substring(path.lastIndexOf('/') + 1);
			Request request = new Request(operation, path, exchange.getRequestHeaders().getFirst("Host"),
					exchange.getRequestHeaders().getFirst("Authorization"),
					exchange.getRequestHeaders().getFirst("X-Security-Token"),
					body.length > 0 ? JSON.readTree(body) : null);
			// recorded once its signature is checked: a test waiting for the request
			// may then change the expected secret without affecting it
			boolean signatureValid = signatureValid(exchange, body);
			this.requests.add(request);
			Answer answer;
			if (!signatureValid) {
				answer = gatewayError(401, "APIG.0301",
						"Incorrect IAM authentication information: verify aksk signature fail");
			}
			else if (!path.equals("/v1.0/" + PROJECT + "/kms/" + operation)) {
				answer = kmsError(404, "KMS.0202", "unknown path");
			}
			else {
				ConcurrentLinkedQueue<Function<Request, Answer>> queue = this.scripts.get(operation);
				Function<Request, Answer> next = queue != null ? queue.poll() : null;
				if (next != null) {
					this.lastAnswers.put(operation, next);
				}
				else {
					next = this.lastAnswers.getOrDefault(operation, r -> ok("{}"));
				}
				answer = next.apply(request);
			}
			if (answer.delayMillis() > 0) {
				try {
					Thread.sleep(answer.delayMillis());
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
			answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
			if (out.length > 0) {
				try (OutputStream os = exchange.getResponseBody()) {
					os.write(out);
				}
			}
		}
		catch (IOException ex) {
			// the client gave up (a timeout test)
		}
	}

	/** Recomputes the signature over the headers the request names, as they arrived. */
	private boolean signatureValid(HttpExchange exchange, byte[] body) {
		String authorization = exchange.getRequestHeaders().getFirst("Authorization");
		String date = exchange.getRequestHeaders().getFirst("X-Sdk-Date");
		if (authorization == null || date == null) {
			return false;
		}
		String signedHeaders = authorization.replaceAll(".*SignedHeaders=([^,]+),.*", "$1");
		Map<String, String> headers = new java.util.LinkedHashMap<>();
		for (String name : signedHeaders.split(";")) {
			if (!name.equals("host") && !name.equals("x-sdk-date")) {
				headers.put(name, exchange.getRequestHeaders().getFirst(name));
			}
		}
		URI uri = URI.create("http://" + exchange.getRequestHeaders().getFirst("Host") + exchange.getRequestURI());
		Instant signedAt = HuaweiSigner.DATE_FORMAT.parse(date, Instant::from);
		String expected = HuaweiSigner.sign("POST", uri, headers, body, AK, this.expectedSecretKey, signedAt)
			.get("Authorization");
		return expected.equals(authorization);
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}

	record Request(String operation, String path, String host, String authorization, String securityToken,
			JsonNode body) {
	}

	record Answer(int status, String body, long delayMillis, Map<String, String> headers) {

		Answer after(long millis) {
			return new Answer(this.status, this.body, millis, this.headers);
		}

		Answer withHeader(String name, String value) {
			Map<String, String> headers = new java.util.HashMap<>(this.headers);
			headers.put(name, value);
			return new Answer(this.status, this.body, this.delayMillis, headers);
		}

	}

}
