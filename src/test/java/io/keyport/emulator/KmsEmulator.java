package io.keyport.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An AWS KMS emulator for tests: an HTTP server speaking the KMS JSON 1.1 protocol
 * ({@code POST /}, {@code X-Amz-Target: TrentService.<Operation>}) for the key-import
 * operations, so the real AWS SDK, CLI or boto3 can use it through an endpoint override.
 * Signatures are not checked.
 * <p>
 * It follows the AWS KMS API reference rather than other emulators: import tokens expire,
 * unwrapping is real (OAEP with matching MGF1 hash, RSA-AES key wrap with RFC 5649
 * padding), material is checked against the key spec and reimports must bring the same
 * material. Time comes from a settable {@link Clock} and faults can be injected per
 * operation with {@link #faults()}.
 * <p>
 * Nothing secret is logged: no material, tokens or ciphertext.
 */
public final class KmsEmulator implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(KmsEmulator.class);

	/** Default port for manual runs, the one LocalStack uses. */
	public static final int DEFAULT_PORT = 4566;

	private static final String TARGET_PREFIX = "TrentService.";

	private static final String CONTENT_TYPE = "application/x-amz-json-1.1";

	private static final int MAX_REQUEST_BYTES = 1024 * 1024;

	private final HttpServer server;

	private final ExecutorService executor;

	private final String region;

	private final String accountId;

	private final EmulatedKms kms;

	private final Map<String, Function<JsonRequest, Map<String, Object>>> operations;

	private final KmsFaults faults = new KmsFaults();

	private final Map<String, LongAdder> callCounts = new ConcurrentHashMap<>();

	private final JsonMapper json = JsonMapper.builder().build();

	private volatile Clock clock;

	private KmsEmulator(Builder builder) throws IOException {
		this.region = builder.region;
		this.accountId = builder.accountId;
		this.clock = builder.clock;
		WrappingKeyPool wrappingKeys = WrappingKeyPool.shared();
		// RSA_2048 is the common wrapping key size; larger ones are generated on first
		// use.
		wrappingKeys.warmUp(2048);
		this.kms = new EmulatedKms(this.region, this.accountId, () -> this.clock.instant(), wrappingKeys);
		this.kms.setParametersValidity(builder.parametersValidity);
		this.operations = this.kms.operations();
		// Virtual threads: injected latency then costs no platform thread.
		this.executor = Executors.newVirtualThreadPerTaskExecutor();
		this.server = HttpServer.create(new InetSocketAddress(builder.bindAddress, builder.port), 128);
		this.server.setExecutor(this.executor);
		this.server.createContext("/", this::handle);
		this.server.start();
		logger.info("KMS emulator listening on {} (region {}, account {})", endpoint(), this.region, this.accountId);
	}

	/** Starts an emulator on 127.0.0.1 with the defaults; port 0 picks a free port. */
	public static KmsEmulator start(int port) {
		return builder().port(port).start();
	}

	public static Builder builder() {
		return new Builder();
	}

	/**
	 * The endpoint to pass to {@code endpointOverride}, e.g.
	 * {@code http://127.0.0.1:4566}.
	 */
	public URI endpoint() {
		InetSocketAddress address = this.server.getAddress();
		String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getAddress().getHostAddress();
		return URI.create("http://" + host + ":" + address.getPort());
	}

	public int port() {
		return this.server.getAddress().getPort();
	}

	public String region() {
		return this.region;
	}

	public String accountId() {
		return this.accountId;
	}

	/**
	 * How long GetParametersForImport's token and public key stay valid (24 hours by
	 * default).
	 */
	public Duration parametersValidity() {
		return this.kms.parametersValidity();
	}

	/** Applies to parameter sets issued from now on. */
	public void setParametersValidity(Duration validity) {
		this.kms.setParametersValidity(validity);
	}

	public Clock clock() {
		return this.clock;
	}

	/**
	 * Replaces the clock behind every timestamp and expiry check, e.g. with a
	 * {@link MutableClock}.
	 */
	public void setClock(Clock clock) {
		this.clock = Objects.requireNonNull(clock);
	}

	/** Fault injection, changeable at any time. */
	public KmsFaults faults() {
		return this.faults;
	}

	/**
	 * Calls received for an operation (including those answered with an injected fault).
	 */
	public long callCount(String operation) {
		LongAdder count = this.callCounts.get(operation);
		return (count != null) ? count.sum() : 0;
	}

	/** Calls received per operation, sorted by name. */
	public Map<String, Long> callCounts() {
		Map<String, Long> counts = new TreeMap<>();
		this.callCounts.forEach((operation, count) -> counts.put(operation, count.sum()));
		return counts;
	}

	public void resetCallCounts() {
		this.callCounts.clear();
	}

	/**
	 * Makes GetPublicKey answer with another key of the same spec than the one imported,
	 * to test how a client notices a KMS that publishes the wrong public key. Undone by
	 * {@code false} or {@link #reset()}.
	 */
	public void answerGetPublicKeyWithForeignKeys(boolean foreign) {
		this.kms.answerWithForeignPublicKeys(foreign);
	}

	/**
	 * Makes GetParametersForImport for one key (id or ARN) answer with a truncated,
	 * unparseable wrapping public key, to test how a client copes with one bad answer
	 * among good ones. Undone by {@code false} or {@link #reset()}.
	 */
	public void answerGetParametersForImportWithCorruptWrappingKey(String keyId, boolean corrupt) {
		this.kms.answerWithCorruptWrappingKey(keyId, corrupt);
	}

	/**
	 * Forgets all keys and import tokens, faults and call counts; the clock and validity
	 * stay.
	 */
	public void reset() {
		this.kms.reset();
		this.faults.clear();
		this.callCounts.clear();
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
		logger.info("KMS emulator on port {} stopped", this.server.getAddress().getPort());
	}

	// HTTP

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			int status;
			Object body;
			try {
				body = dispatch(exchange);
				status = 200;
			}
			catch (KmsServiceError error) {
				status = error.status();
				body = errorBody(error.type(), error.getMessage());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				logger.warn("KMS emulator failed on {}", exchange.getRequestHeaders().getFirst("X-Amz-Target"), ex);
				status = 500;
				body = errorBody("KMSInternalException", "Internal error in the KMS emulator");
			}
			byte[] bytes = this.json.writeValueAsBytes(body);
			exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
			exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
			exchange.sendResponseHeaders(status, bytes.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(bytes);
			}
		}
	}

	private Object dispatch(HttpExchange exchange) throws IOException, InterruptedException {
		byte[] content = readBody(exchange);
		if (!"POST".equals(exchange.getRequestMethod())) {
			throw new KmsServiceError("UnknownOperationException", 400, "KMS expects POST requests");
		}
		String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
		if (target == null || !target.startsWith(TARGET_PREFIX)) {
			throw new KmsServiceError("UnknownOperationException", 400, "Missing or unknown X-Amz-Target");
		}
		String operation = target.substring(TARGET_PREFIX.length());
		this.callCounts.computeIfAbsent(operation, (name) -> new LongAdder()).increment();
		this.faults.beforeExecution(operation);
		Function<JsonRequest, Map<String, Object>> handler = this.operations.get(operation);
		if (handler == null) {
			throw new KmsServiceError("UnknownOperationException", 400, "Unknown operation " + operation);
		}
		Map<String, Object> response = handler.apply(new JsonRequest(parse(content)));
		this.faults.afterExecution(operation);
		return response;
	}

	private byte[] readBody(HttpExchange exchange) throws IOException {
		try (InputStream in = exchange.getRequestBody()) {
			byte[] content = in.readNBytes(MAX_REQUEST_BYTES + 1);
			if (content.length > MAX_REQUEST_BYTES) {
				throw new KmsServiceError("ValidationException", 413, "Request body too large");
			}
			return content;
		}
	}

	private JsonNode parse(byte[] content) {
		if (content.length == 0) {
			return this.json.createObjectNode();
		}
		try {
			JsonNode node = this.json.readTree(content);
			if (node == null || !node.isObject()) {
				throw KmsServiceError.serialization("Request body must be a JSON object");
			}
			return node;
		}
		catch (JacksonException ex) {
			throw KmsServiceError.serialization("Malformed JSON request body");
		}
	}

	private static Map<String, Object> errorBody(String type, String message) {
		return Map.of("__type", type, "message", message);
	}

	/** Settings of an emulator; all optional. */
	public static final class Builder {

		private int port;

		private InetAddress bindAddress = loopback();

		private String region = "us-east-1";

		private String accountId = "111122223333";

		private Clock clock = Clock.systemUTC();

		private Duration parametersValidity = Duration.ofHours(24);

		private Builder() {
		}

		/** Port to listen on; 0 (the default) picks a free one. */
		public Builder port(int port) {
			this.port = port;
			return this;
		}

		/** Address to listen on, 127.0.0.1 by default. */
		public Builder bindAddress(InetAddress bindAddress) {
			this.bindAddress = Objects.requireNonNull(bindAddress);
			return this;
		}

		/** Region in ARNs; a {@code cn-} region gets China's import rules. */
		public Builder region(String region) {
			this.region = Objects.requireNonNull(region);
			return this;
		}

		public Builder accountId(String accountId) {
			this.accountId = Objects.requireNonNull(accountId);
			return this;
		}

		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock);
			return this;
		}

		public Builder parametersValidity(Duration parametersValidity) {
			this.parametersValidity = Objects.requireNonNull(parametersValidity);
			return this;
		}

		private static InetAddress loopback() {
			try {
				return InetAddress.getByAddress(new byte[] { 127, 0, 0, 1 });
			}
			catch (java.net.UnknownHostException ex) {
				throw new IllegalStateException(ex);
			}
		}

		public KmsEmulator start() {
			try {
				return new KmsEmulator(this);
			}
			catch (IOException ex) {
				throw new IllegalStateException("Cannot start the KMS emulator on port " + this.port, ex);
			}
		}

	}

}
