package io.keyport.emulator.huawei;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.keyport.emulator.ImportCrypto;
import io.keyport.emulator.MutableClock;
import io.keyport.emulator.WrappingKeyPool;

/**
 * A Huawei Cloud KMS (DEW) emulator for tests: an HTTP server speaking Huawei's KMS API
 * v1.0 ({@code POST /v1.0/{project_id}/kms/<operation>}, snake_case JSON) for the
 * key-import operations.
 * <p>
 * Unlike the AWS emulator it verifies every request's SDK-HMAC-SHA256 signature (with
 * {@link HuaweiSigning}, test code written from Huawei's signing guide), the project id
 * and the {@code X-Sdk-Date} skew, and can lock an access key after repeated failures. It
 * enforces the field rules of the API reference, really unwraps what it receives
 * (RSA-OAEP SHA-256, the two-part private-key envelope with AES-KWP, SM2 with SM4-KWP)
 * and checks the material against the key spec. Time comes from a settable {@link Clock};
 * faults, throttling and short validity are injected through {@link #faults()} and
 * setters. Nothing secret is logged.
 */
public final class HuaweiKmsEmulator implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(HuaweiKmsEmulator.class);

	/** Port for the local run. */
	public static final int DEFAULT_PORT = 4580;

	/** Credentials of the local run (not secret: they open an emulator on 127.0.0.1). */
	public static final String DEFAULT_ACCESS_KEY = "KEYPORTLOCALHWAK0001";

	public static final String DEFAULT_SECRET_KEY = "keyport-local-huawei-secret-key-000000001";

	public static final String DEFAULT_PROJECT_ID = "0a1b2c3d4e5f40718293a4b5c6d7e8f9";

	public static final String DEFAULT_DOMAIN_ID = "9f8e7d6c5b4a49382716a5b4c3d2e1f0";

	private static final Pattern PATH = Pattern.compile("/v1\\.0/([^/]+)/kms/([a-z-]+)");

	private static final Duration MAX_SKEW = Duration.ofMinutes(15);

	private static final int MAX_REQUEST_BYTES = 1024 * 1024;

	private static final int MAX_RECORDED = 10_000;

	private static final String DIGEST_PREFIX = "huawei-kms-emulator:material:";

	/** One request as the emulator saw it, for assertions; no secrets. */
	public record RecordedRequest(String operation, String accessKey, String keyId, String keyAlias, String keySpec,
			String wrappingAlgorithm, Long expirationTime, boolean hasPrivateKey, int status, String errorCode) {
	}

	private record Credential(String secretKey, String securityToken) {
	}

	private static final class Failures {

		int count;

		Instant lockedUntil;

	}

	private final HttpServer server;

	private final ExecutorService executor;

	private final String region;

	private final String projectId;

	private final String domainId;

	private final HuaweiKms kms;

	private final Map<String, Function<HuaweiRequest, Map<String, Object>>> operations;

	private final HuaweiFaults faults = new HuaweiFaults();

	private final Map<String, Credential> credentials = new ConcurrentHashMap<>();

	private final Map<String, Failures> failures = new ConcurrentHashMap<>();

	private final Map<String, LongAdder> callCounts = new ConcurrentHashMap<>();

	private final LongAdder signatureFailures = new LongAdder();

	private final ConcurrentLinkedDeque<RecordedRequest> recorded = new ConcurrentLinkedDeque<>();

	private final AtomicInteger recordedCount = new AtomicInteger();

	private final JsonMapper json = JsonMapper.builder().build();

	private volatile Clock clock;

	private volatile Clock signatureClock;

	private volatile int lockoutFailures;

	private volatile Duration lockoutDuration;

	private final boolean emptyResponseBodies;

	private HuaweiKmsEmulator(Builder builder) throws IOException {
		this.region = builder.region;
		this.projectId = builder.projectId;
		this.domainId = builder.domainId;
		this.clock = builder.clock;
		this.signatureClock = builder.signatureClock;
		this.lockoutFailures = builder.lockoutFailures;
		this.lockoutDuration = builder.lockoutDuration;
		this.emptyResponseBodies = builder.emptyResponseBodies;
		this.credentials.putAll(builder.credentials);
		WrappingKeyPool wrappingKeys = WrappingKeyPool.shared();
		wrappingKeys.warmUp(2048);
		this.kms = new HuaweiKms(this.region, this.domainId, () -> this.clock.instant(), wrappingKeys);
		this.kms.setParametersValidity(builder.parametersValidity);
		this.kms.setLegacyAlgorithms(builder.legacyAlgorithms);
		this.kms.setSm2Encrypt(builder.sm2Encrypt);
		this.kms.setDescribesBeforeActive(builder.describesBeforeActive);
		this.operations = this.kms.operations();
		this.executor = Executors.newVirtualThreadPerTaskExecutor();
		this.server = HttpServer.create(new InetSocketAddress(builder.bindAddress, builder.port), 128);
		this.server.setExecutor(this.executor);
		this.server.createContext("/", this::handle);
		this.server.start();
		logger.info("Huawei KMS emulator listening on {} (region {}, project {})", endpoint(), this.region,
				this.projectId);
	}

	/** Starts an emulator on 127.0.0.1 with the defaults; port 0 picks a free port. */
	public static HuaweiKmsEmulator start(int port) {
		return builder().port(port).start();
	}

	public static Builder builder() {
		return new Builder();
	}

	/**
	 * The endpoint, e.g. {@code http://127.0.0.1:4580}; calls go to
	 * {@code <endpoint>/v1.0/<project>/kms/<op>}.
	 */
	public URI endpoint() {
		InetSocketAddress address = this.server.getAddress();
		String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getAddress().getHostAddress();
		return URI.create("http://" + host + ":" + address.getPort());
	}

	/** The URI of one operation, e.g. {@code create-key}. */
	public URI operationUri(String operation) {
		return URI.create(endpoint() + "/v1.0/" + this.projectId + "/kms/" + operation);
	}

	public int port() {
		return this.server.getAddress().getPort();
	}

	public String region() {
		return this.region;
	}

	public String projectId() {
		return this.projectId;
	}

	public String domainId() {
		return this.domainId;
	}

	// Settings changeable while running

	/**
	 * How long import tokens and wrapping keys stay valid (24 hours by default); applies
	 * to parameters issued from now on.
	 */
	public void setParametersValidity(Duration validity) {
		this.kms.setParametersValidity(validity);
	}

	public Duration parametersValidity() {
		return this.kms.parametersValidity();
	}

	/**
	 * Whether get-parameters-for-import offers RSAES_PKCS1_V1_5 and RSAES_OAEP_SHA_1 (a
	 * per-region capability).
	 */
	public void setLegacyAlgorithms(boolean legacy) {
		this.kms.setLegacyAlgorithms(legacy);
	}

	/** Whether this region offers SM2_ENCRYPT (on by default). */
	public void setSm2Encrypt(boolean sm2Encrypt) {
		this.kms.setSm2Encrypt(sm2Encrypt);
	}

	/** The wrapping algorithms get-parameters-for-import accepts now. */
	public List<String> wrappingAlgorithms() {
		return this.kms.offeredAlgorithms();
	}

	/**
	 * How many describe-key calls see a new key in state "1" (waiting for activation)
	 * before it shows "5"; 0: keys are created in state "5". Applies to keys created from
	 * now on.
	 */
	public void setDescribesBeforeActive(int describes) {
		this.kms.setDescribesBeforeActive(describes);
	}

	/**
	 * Makes get-publickey of RSA keys answer PKCS#1 under the PUBLIC KEY header, as one
	 * of Huawei's examples shows.
	 */
	public void answerPublicKeysAsPkcs1(boolean pkcs1) {
		this.kms.setPkcs1PublicKeys(pkcs1);
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

	/**
	 * The clock {@code X-Sdk-Date} is checked against; null (the default):
	 * {@link #clock()}.
	 */
	public void setSignatureClock(Clock signatureClock) {
		this.signatureClock = signatureClock;
	}

	/**
	 * Adds (or replaces) an access key; {@code securityToken} non-null for temporary
	 * credentials.
	 */
	public void addCredentials(String accessKey, String secretKey, String securityToken) {
		this.credentials.put(Objects.requireNonNull(accessKey),
				new Credential(Objects.requireNonNull(secretKey), securityToken));
	}

	public void removeCredentials(String accessKey) {
		this.credentials.remove(accessKey);
	}

	/**
	 * Huawei's gateway locks an access key for a while after repeated signature failures:
	 * after {@code failures} consecutive failures every call with the key fails with
	 * APIG.0301 for {@code duration}. 0 failures (the default) turns it off.
	 */
	public void setLockout(int failures, Duration duration) {
		this.lockoutFailures = failures;
		this.lockoutDuration = Objects.requireNonNull(duration);
		this.failures.clear();
	}

	/** Fault injection (throttling, errors, latency), changeable at any time. */
	public HuaweiFaults faults() {
		return this.faults;
	}

	// Read-back for tests

	/** Calls received for an operation, including refused and faulted ones. */
	public long callCount(String operation) {
		LongAdder count = this.callCounts.get(operation);
		return (count != null) ? count.sum() : 0;
	}

	/** Calls per operation, sorted by name. */
	public Map<String, Long> callCounts() {
		Map<String, Long> counts = new TreeMap<>();
		this.callCounts.forEach((operation, count) -> counts.put(operation, count.sum()));
		return counts;
	}

	/**
	 * Requests refused with APIG.0301 (bad signature, unknown or locked key, date skew,
	 * project).
	 */
	public long signatureFailures() {
		return this.signatureFailures.sum();
	}

	/** Requests received, oldest first (the last 10,000). */
	public List<RecordedRequest> requests() {
		return List.copyOf(this.recorded);
	}

	public List<RecordedRequest> requests(String operation) {
		return this.recorded.stream().filter((request) -> request.operation().equals(operation)).toList();
	}

	/**
	 * The key's state code ("1" to "5", "7"), as describe-key would show it without
	 * advancing activation; null when the key does not exist.
	 */
	public String keyState(String keyId) {
		return this.kms.keyState(keyId);
	}

	/**
	 * A digest of the key's current material, null without material: for symmetric keys
	 * {@link #materialDigest(byte[])} of the plaintext, for asymmetric keys
	 * {@link #publicKeyDigest(byte[])} of the public key.
	 */
	public String materialDigest(String keyId) {
		return this.kms.materialDigest(keyId);
	}

	/** When the key's material expires; null when it never does or there is none. */
	public Instant materialExpiry(String keyId) {
		return this.kms.materialExpiry(keyId);
	}

	/** Freezes a key (state "7") or thaws it. */
	public void setFrozen(String keyId, boolean frozen) {
		this.kms.setFrozen(keyId, frozen);
	}

	/** What {@link #materialDigest(String)} answers for symmetric material. */
	public static String materialDigest(byte[] plaintext) {
		return digest(ImportCrypto.sha256(plaintext));
	}

	/**
	 * What {@link #materialDigest(String)} answers for an asymmetric key with this DER
	 * SubjectPublicKeyInfo.
	 */
	public static String publicKeyDigest(byte[] subjectPublicKeyInfo) {
		return digest(ImportCrypto.sha256(subjectPublicKeyInfo));
	}

	/**
	 * A domain-separated hash of the identity, so no plain SHA-256 of material ever
	 * leaves the emulator.
	 */
	static String digest(byte[] identity) {
		byte[] prefix = DIGEST_PREFIX.getBytes(StandardCharsets.US_ASCII);
		byte[] input = new byte[prefix.length + identity.length];
		System.arraycopy(prefix, 0, input, 0, prefix.length);
		System.arraycopy(identity, 0, input, prefix.length, identity.length);
		return HexFormat.of().formatHex(ImportCrypto.sha256(input));
	}

	/**
	 * Forgets keys, tokens, faults, counts, recorded requests and lockouts; clock,
	 * settings and credentials stay.
	 */
	public void reset() {
		this.kms.reset();
		this.faults.clear();
		this.callCounts.clear();
		this.recorded.clear();
		this.recordedCount.set(0);
		this.failures.clear();
		this.signatureFailures.reset();
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
		logger.info("Huawei KMS emulator on port {} stopped", this.server.getAddress().getPort());
	}

	// HTTP

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			String requestId = UUID.randomUUID().toString().replace("-", "");
			Call call = new Call();
			int status;
			Object body;
			try {
				body = dispatch(exchange, call);
				status = 200;
			}
			catch (HuaweiKmsError error) {
				status = error.status();
				call.errorCode = error.code();
				body = error.isGateway() ? gatewayError(error.code(), error.getMessage(), requestId)
						: Map.of("error", errorBody(error.code(), error.getMessage()));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				logger.warn("Huawei KMS emulator failed on {}", exchange.getRequestURI().getPath(), ex);
				status = 500;
				call.errorCode = "KMS.0101";
				body = Map.of("error", errorBody("KMS.0101", "Internal error in the Huawei KMS emulator."));
			}
			record(call, status);
			byte[] bytes = (body == null) ? new byte[0] : this.json.writeValueAsBytes(body);
			exchange.getResponseHeaders().set("Content-Type", "application/json;charset=UTF-8");
			exchange.getResponseHeaders().set("X-Request-Id", requestId);
			exchange.sendResponseHeaders(status, (bytes.length == 0) ? -1 : bytes.length);
			if (bytes.length > 0) {
				try (OutputStream out = exchange.getResponseBody()) {
					out.write(bytes);
				}
			}
		}
	}

	/** What is recorded of a call as it is handled. */
	private static final class Call {

		String operation = "";

		String accessKey;

		HuaweiRequest request;

		/** create-key's answer, so its record names the key. */
		String createdKeyId;

		String errorCode;

	}

	private Object dispatch(HttpExchange exchange, Call call) throws IOException, InterruptedException {
		byte[] content = readBody(exchange);
		Matcher path = PATH.matcher(exchange.getRequestURI().getRawPath());
		if (!path.matches() || !"POST".equals(exchange.getRequestMethod())) {
			throw HuaweiKmsError.of("APIG.0101",
					"The API does not exist or has not been published in the environment.");
		}
		String operation = path.group(2);
		call.operation = operation;
		this.callCounts.computeIfAbsent(operation, (name) -> new LongAdder()).increment();
		call.accessKey = authenticate(exchange, path.group(1), content);
		Function<HuaweiRequest, Map<String, Object>> handler = this.operations.get(operation);
		if (handler == null) {
			throw HuaweiKmsError.of("APIG.0101",
					"The API does not exist or has not been published in the environment.");
		}
		call.request = new HuaweiRequest(parse(content));
		this.faults.beforeExecution(operation);
		Map<String, Object> response = handler.apply(call.request);
		if (operation.equals("create-key") && response.get("key_info") instanceof Map<?, ?> info) {
			call.createdKeyId = (String) info.get("key_id");
		}
		this.faults.afterExecution(operation);
		if (response == null) {
			return this.emptyResponseBodies ? null : Map.of();
		}
		return response;
	}

	// Signature

	/** Verifies the request's signature and identity; returns the access key. */
	private String authenticate(HttpExchange exchange, String pathProjectId, byte[] content) {
		HuaweiSigning.Authorization authorization = HuaweiSigning.Authorization
			.parse(exchange.getRequestHeaders().getFirst("Authorization"));
		if (authorization == null) {
			throw signatureFailure(null, "missing or malformed SDK-HMAC-SHA256 Authorization header");
		}
		String accessKey = authorization.accessKey();
		Instant now = ((this.signatureClock != null) ? this.signatureClock : this.clock).instant();
		Failures accessKeyFailures = this.failures.get(accessKey);
		if (accessKeyFailures != null) {
			synchronized (accessKeyFailures) {
				if (accessKeyFailures.lockedUntil != null && now.isBefore(accessKeyFailures.lockedUntil)) {
					this.signatureFailures.increment();
					throw HuaweiKmsError.signature("the access key is locked after repeated authentication failures");
				}
			}
		}
		Credential credential = this.credentials.get(accessKey);
		if (credential == null) {
			throw signatureFailure(accessKey, "unknown access key");
		}
		List<String> signedHeaders = authorization.signedHeaders();
		List<String> required = new ArrayList<>(List.of("host", "x-sdk-date", "x-project-id"));
		if (credential.securityToken() != null) {
			required.add("x-security-token");
		}
		for (String name : required) {
			if (!signedHeaders.contains(name)) {
				throw signatureFailure(accessKey, "the signed headers must include " + name);
			}
		}
		Map<String, String> values = new LinkedHashMap<>();
		for (String name : signedHeaders) {
			if (!name.equals(name.toLowerCase(Locale.ROOT))) {
				throw signatureFailure(accessKey, "signed header names must be lower case");
			}
			String value = exchange.getRequestHeaders().getFirst(name);
			if (value == null) {
				throw signatureFailure(accessKey, "signed header " + name + " is missing");
			}
			values.put(name, value);
		}
		Instant date;
		try {
			date = Instant.from(HuaweiSigning.SDK_DATE.parse(values.get("x-sdk-date")));
		}
		catch (DateTimeParseException ex) {
			throw signatureFailure(accessKey, "X-Sdk-Date must be yyyyMMdd'T'HHmmss'Z'");
		}
		if (Duration.between(date, now).abs().compareTo(MAX_SKEW) > 0) {
			throw signatureFailure(accessKey, "X-Sdk-Date is more than 15 minutes from the server's time");
		}
		String canonical = HuaweiSigning.canonicalRequest(exchange.getRequestMethod(),
				exchange.getRequestURI().getRawPath(), exchange.getRequestURI().getRawQuery(), values, content);
		String expected = HuaweiSigning.signature(credential.secretKey(),
				HuaweiSigning.stringToSign(values.get("x-sdk-date"), canonical));
		if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
				authorization.signature().getBytes(StandardCharsets.US_ASCII))) {
			throw signatureFailure(accessKey, "verify aksk signature fail");
		}
		if (credential.securityToken() != null && !credential.securityToken().equals(values.get("x-security-token"))) {
			throw signatureFailure(accessKey, "invalid security token");
		}
		if (!values.get("x-project-id").trim().equals(pathProjectId) || !pathProjectId.equals(this.projectId)) {
			throw signatureFailure(accessKey, "the project id does not match the credentials' project");
		}
		this.failures.remove(accessKey);
		return accessKey;
	}

	private HuaweiKmsError signatureFailure(String accessKey, String message) {
		this.signatureFailures.increment();
		int limit = this.lockoutFailures;
		if (accessKey != null && limit > 0) {
			Failures accessKeyFailures = this.failures.computeIfAbsent(accessKey, (key) -> new Failures());
			synchronized (accessKeyFailures) {
				accessKeyFailures.count++;
				if (accessKeyFailures.count >= limit) {
					Instant now = ((this.signatureClock != null) ? this.signatureClock : this.clock).instant();
					accessKeyFailures.lockedUntil = now.plus(this.lockoutDuration);
					accessKeyFailures.count = 0;
				}
			}
		}
		return HuaweiKmsError.signature(message);
	}

	// Request and response bodies

	private byte[] readBody(HttpExchange exchange) throws IOException {
		try (InputStream in = exchange.getRequestBody()) {
			byte[] content = in.readNBytes(MAX_REQUEST_BYTES + 1);
			if (content.length > MAX_REQUEST_BYTES) {
				throw HuaweiKmsError.of("KMS.0202", "Request body too large.");
			}
			return content;
		}
	}

	private JsonNode parse(byte[] content) {
		try {
			JsonNode node = (content.length == 0) ? null : this.json.readTree(content);
			if (node == null || !node.isObject()) {
				throw HuaweiKmsError.of("KMS.0202", "The request body must be a JSON object.");
			}
			return node;
		}
		catch (JacksonException ex) {
			throw HuaweiKmsError.of("KMS.0202", "The request body is not valid JSON.");
		}
	}

	private void record(Call call, int status) {
		if (call.operation.isEmpty()) {
			return;
		}
		HuaweiRequest request = call.request;
		String keyId = call.createdKeyId;
		String alias = null;
		String spec = null;
		String algorithm = null;
		Long expiration = null;
		boolean privateKey = false;
		if (request != null) {
			keyId = (keyId != null) ? keyId : textOrNull(request.body().get("key_id"));
			alias = textOrNull(request.body().get("key_alias"));
			spec = textOrNull(request.body().get("key_spec"));
			algorithm = textOrNull(request.body().get("wrapping_algorithm"));
			JsonNode expirationNode = request.body().get("expiration_time");
			expiration = (expirationNode != null && expirationNode.isIntegralNumber()) ? expirationNode.longValue()
					: null;
			privateKey = request.body().hasNonNull("encrypted_privatekey");
		}
		this.recorded.add(new RecordedRequest(call.operation, call.accessKey, keyId, alias, spec, algorithm, expiration,
				privateKey, status, call.errorCode));
		if (this.recordedCount.incrementAndGet() > MAX_RECORDED) {
			this.recorded.pollFirst();
			this.recordedCount.decrementAndGet();
		}
	}

	private static String textOrNull(JsonNode node) {
		return (node != null && node.isString()) ? node.stringValue() : null;
	}

	private static Map<String, Object> errorBody(String code, String message) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("error_code", code);
		body.put("error_msg", message);
		return body;
	}

	private static Map<String, Object> gatewayError(String code, String message, String requestId) {
		Map<String, Object> body = errorBody(code, message);
		body.put("request_id", requestId);
		return body;
	}

	/** Settings of an emulator; all optional. */
	public static final class Builder {

		private int port;

		private InetAddress bindAddress = loopback();

		private String region = "ap-southeast-1";

		private String projectId = DEFAULT_PROJECT_ID;

		private String domainId = DEFAULT_DOMAIN_ID;

		private final Map<String, Credential> credentials = new LinkedHashMap<>(
				Map.of(DEFAULT_ACCESS_KEY, new Credential(DEFAULT_SECRET_KEY, null)));

		private Clock clock = Clock.systemUTC();

		private Clock signatureClock;

		private Duration parametersValidity = Duration.ofHours(24);

		private boolean legacyAlgorithms;

		private boolean sm2Encrypt = true;

		private int describesBeforeActive = 1;

		private int lockoutFailures;

		private Duration lockoutDuration = Duration.ofMinutes(5);

		private boolean emptyResponseBodies = true;

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

		/** Region, reported as {@code realm} ({@code ap-southeast-1} by default). */
		public Builder region(String region) {
			this.region = Objects.requireNonNull(region);
			return this;
		}

		/**
		 * The only project id the emulator answers for (path and {@code X-Project-Id}).
		 */
		public Builder projectId(String projectId) {
			this.projectId = Objects.requireNonNull(projectId);
			return this;
		}

		/** The account id in create-key and describe-key answers. */
		public Builder domainId(String domainId) {
			this.domainId = Objects.requireNonNull(domainId);
			return this;
		}

		/**
		 * The accepted AK/SK, replacing the defaults ({@link #DEFAULT_ACCESS_KEY},
		 * {@link #DEFAULT_SECRET_KEY}).
		 */
		public Builder credentials(String accessKey, String secretKey) {
			this.credentials.clear();
			this.credentials.put(Objects.requireNonNull(accessKey),
					new Credential(Objects.requireNonNull(secretKey), null));
			return this;
		}

		/**
		 * Adds temporary credentials: requests must also sign {@code X-Security-Token}
		 * with this value.
		 */
		public Builder temporaryCredentials(String accessKey, String secretKey, String securityToken) {
			this.credentials.put(Objects.requireNonNull(accessKey),
					new Credential(Objects.requireNonNull(secretKey), Objects.requireNonNull(securityToken)));
			return this;
		}

		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock);
			return this;
		}

		/**
		 * The clock {@code X-Sdk-Date} is checked against; by default the emulator's
		 * clock.
		 */
		public Builder signatureClock(Clock signatureClock) {
			this.signatureClock = Objects.requireNonNull(signatureClock);
			return this;
		}

		public Builder parametersValidity(Duration parametersValidity) {
			this.parametersValidity = Objects.requireNonNull(parametersValidity);
			return this;
		}

		/** Offer RSAES_PKCS1_V1_5 and RSAES_OAEP_SHA_1 (off by default). */
		public Builder legacyAlgorithms(boolean legacyAlgorithms) {
			this.legacyAlgorithms = legacyAlgorithms;
			return this;
		}

		/** Offer SM2_ENCRYPT (on by default). */
		public Builder sm2Encrypt(boolean sm2Encrypt) {
			this.sm2Encrypt = sm2Encrypt;
			return this;
		}

		/**
		 * Describe-key calls that see a new key in state "1" before "5" (1 by default; 0:
		 * at once).
		 */
		public Builder describesBeforeActive(int describes) {
			this.describesBeforeActive = describes;
			return this;
		}

		/**
		 * Lock an access key for {@code duration} after {@code failures} consecutive
		 * signature failures (off by default).
		 */
		public Builder lockout(int failures, Duration duration) {
			this.lockoutFailures = failures;
			this.lockoutDuration = Objects.requireNonNull(duration);
			return this;
		}

		/**
		 * Whether import-key-material and delete-imported-key-material answer 200 with an
		 * empty body (the default) or with {@code {}}.
		 */
		public Builder emptyResponseBodies(boolean empty) {
			this.emptyResponseBodies = empty;
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

		public HuaweiKmsEmulator start() {
			try {
				return new HuaweiKmsEmulator(this);
			}
			catch (IOException ex) {
				throw new IllegalStateException("Cannot start the Huawei KMS emulator on port " + this.port, ex);
			}
		}

	}

}
