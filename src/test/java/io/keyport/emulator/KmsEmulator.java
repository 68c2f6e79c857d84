package io.keyport.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
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
 * Keys are kept per AWS account, as in AWS: a caller's account is that of its access key
 * id (see {@link #accountOf(String)}). Credentials issued by the emulator's STS
 * {@code AssumeRole} (same endpoint, query protocol) belong to the role's account; every
 * other access key id is the emulator's {@link #accountId() default account}, so callers
 * without assumed-role credentials see one account as before. A key of another account is
 * not found, by id or ARN.
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

	/** The default account's KMS. */
	private final EmulatedKms kms;

	private final WrappingKeyPool wrappingKeys;

	/** Every account's KMS and its operations, the default account's among them. */
	private final Map<String, Account> accounts = new ConcurrentHashMap<>();

	private record Account(EmulatedKms kms, Map<String, Function<JsonRequest, Map<String, Object>>> operations) {
	}

	/** Test hooks to apply to the KMS of accounts that appear later. */
	private volatile boolean foreignPublicKeys;

	private final Map<String, Boolean> corruptWrappingKeys = new ConcurrentHashMap<>();

	private final EmulatedSts sts;

	private final Map<String, Map<String, LongAdder>> accountCallCounts = new ConcurrentHashMap<>();

	private final Map<String, LongAdder> accessKeyCallCounts = new ConcurrentHashMap<>();

	private final KmsFaults faults = new KmsFaults();

	/** Faults of calls signed for one region, after the emulator-wide ones. */
	private final Map<String, KmsFaults> regionFaults = new ConcurrentHashMap<>();

	private final Map<String, Map<String, LongAdder>> regionCallCounts = new ConcurrentHashMap<>();

	private final Map<String, LongAdder> callCounts = new ConcurrentHashMap<>();

	private final JsonMapper json = JsonMapper.builder().build();

	private volatile Clock clock;

	private KmsEmulator(Builder builder) throws IOException {
		this.region = builder.region;
		this.accountId = builder.accountId;
		this.clock = builder.clock;
		this.wrappingKeys = WrappingKeyPool.shared();
		// RSA_2048 is the common wrapping key size; larger ones are generated on first
		// use.
		this.wrappingKeys.warmUp(2048);
		this.kms = new EmulatedKms(this.region, this.accountId, () -> this.clock.instant(), this.wrappingKeys);
		this.kms.setParametersValidity(builder.parametersValidity);
		this.kms.connectRegions((other) -> account(this.accountId, other).kms());
		this.accounts.put(this.accountId, new Account(this.kms, this.kms.operations()));
		this.sts = new EmulatedSts(() -> this.clock.instant());
		builder.trustedRoles.forEach(this.sts::trustRole);
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

	/** Applies to parameter sets issued from now on, in every account. */
	public void setParametersValidity(Duration validity) {
		this.accounts.values().forEach((account) -> account.kms().setParametersValidity(validity));
	}

	private volatile Duration replicaCreation = Duration.ZERO;

	/**
	 * How long a replica ReplicateKey creates stays {@code Creating} (in real time)
	 * before it takes calls other than DescribeKey, as AWS's do for "a few seconds"; none
	 * by default. Applies to replicas created from now on, in every account and region.
	 */
	public void setReplicaCreationTime(Duration creation) {
		this.replicaCreation = creation;
		this.accounts.values().forEach((account) -> account.kms().setReplicaCreation(creation));
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
	 * The KeyMaterialId the emulator gives this material in this key (AWS computes its
	 * own; the emulator derives it from the key id and the material's SHA-256), for tests
	 * that check which material a key holds without reading it back.
	 */
	public static String keyMaterialIdOf(String keyId, byte[] material) {
		return EmulatedKms.keyMaterialId(keyId, ImportCrypto.sha256(material));
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

	/**
	 * Faults that apply only to calls signed for one region (a multi-Region key's replica
	 * there), checked after the emulator-wide {@link #faults()}.
	 */
	public KmsFaults faultsIn(String region) {
		return this.regionFaults.computeIfAbsent(region, (name) -> new KmsFaults());
	}

	/**
	 * Calls of an operation signed for one region (including those answered with an
	 * injected fault).
	 */
	public long callCountIn(String region, String operation) {
		LongAdder count = this.regionCallCounts.getOrDefault(region, Map.of()).get(operation);
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
		this.foreignPublicKeys = foreign;
		this.accounts.values().forEach((account) -> account.kms().answerWithForeignPublicKeys(foreign));
	}

	/**
	 * Makes GetParametersForImport for one key (id or ARN) answer with a truncated,
	 * unparseable wrapping public key, to test how a client copes with one bad answer
	 * among good ones. Undone by {@code false} or {@link #reset()}.
	 */
	public void answerGetParametersForImportWithCorruptWrappingKey(String keyId, boolean corrupt) {
		if (corrupt) {
			this.corruptWrappingKeys.put(keyId, true);
		}
		else {
			this.corruptWrappingKeys.remove(keyId);
		}
		this.accounts.values().forEach((account) -> account.kms().answerWithCorruptWrappingKey(keyId, corrupt));
	}

	/**
	 * Forgets all keys and import tokens (of every account), faults, call counts and
	 * issued STS sessions; the clock, validity and trusted roles stay.
	 */
	public void reset() {
		this.kms.reset();
		this.accounts.keySet().removeIf((account) -> !account.equals(this.accountId));
		this.foreignPublicKeys = false;
		this.corruptWrappingKeys.clear();
		this.faults.clear();
		this.regionFaults.clear();
		this.regionCallCounts.clear();
		this.callCounts.clear();
		this.accountCallCounts.clear();
		this.accessKeyCallCounts.clear();
		this.sts.reset();
	}

	// Accounts and STS

	/**
	 * Lets {@code AssumeRole} issue credentials of the role (an ARN such as
	 * {@code arn:aws:iam::222233334444:role/keyport-import}) to callers giving this
	 * external id; {@code null} requires none. Roles not trusted, and a wrong or missing
	 * external id, are answered AccessDenied (HTTP 403) as AWS does.
	 */
	public void trustRole(String roleArn, String externalId) {
		this.sts.trustRole(roleArn, externalId);
	}

	/** Undoes {@link #trustRole}: AssumeRole of that role is AccessDenied from now on. */
	public void distrustRole(String roleArn) {
		this.sts.distrustRole(roleArn);
	}

	/**
	 * AssumeRole requests received (refused ones too) since the start or the last
	 * {@link #reset()}.
	 */
	public long assumeRoleCount() {
		return this.sts.assumeRoleCalls();
	}

	/** A session AssumeRole issued (its secrets are not kept). */
	public record AssumedRoleSession(String accessKeyId, String accountId, String roleArn, String sessionName,
			java.time.Instant expiration) {
	}

	/** The sessions AssumeRole issued since the start or the last reset, oldest first. */
	public List<AssumedRoleSession> assumedRoleSessions() {
		return this.sts.sessions()
			.stream()
			.map((s) -> new AssumedRoleSession(s.accessKeyId(), s.accountId(), s.roleArn(), s.sessionName(),
					s.expiration()))
			.toList();
	}

	/**
	 * The account a KMS call with this access key id acts in: the role's account for
	 * credentials issued by the emulator's AssumeRole ({@code ASIA<account>....}), the
	 * {@link #accountId() default account} for any other.
	 */
	public String accountOf(String accessKeyId) {
		return EmulatedSts.accountOf(accessKeyId, this.accountId);
	}

	/** KMS calls of an operation received from callers in that account. */
	public long callCount(String accountId, String operation) {
		LongAdder count = this.accountCallCounts.getOrDefault(accountId, Map.of()).get(operation);
		return (count != null) ? count.sum() : 0;
	}

	/** KMS calls signed with that access key id. */
	public long callCountWithAccessKey(String accessKeyId) {
		LongAdder count = this.accessKeyCallCounts.get(accessKeyId);
		return (count != null) ? count.sum() : 0;
	}

	/**
	 * An account's KMS in a region, which comes into being with the first call signed for
	 * the region or the first replica ReplicateKey puts there.
	 */
	private Account account(String accountId, String region) {
		return this.accounts.computeIfAbsent(accountKey(accountId, region), (id) -> {
			EmulatedKms kms = new EmulatedKms(region, accountId, () -> this.clock.instant(), this.wrappingKeys);
			kms.connectRegions((other) -> account(accountId, other).kms());
			kms.setParametersValidity(this.kms.parametersValidity());
			kms.setReplicaCreation(this.replicaCreation);
			kms.answerWithForeignPublicKeys(this.foreignPublicKeys);
			this.corruptWrappingKeys.keySet().forEach((keyId) -> kms.answerWithCorruptWrappingKey(keyId, true));
			return new Account(kms, kms.operations());
		});
	}

	private String accountKey(String accountId, String region) {
		return region.equals(this.region) ? accountId : accountId + "@" + region;
	}

	/** The region of a SigV4 credential scope: {@code <key>/<date>/<region>/kms/...}. */
	private static String regionOf(String authorization) {
		if (authorization == null) {
			return null;
		}
		int start = authorization.indexOf("Credential=");
		if (start < 0) {
			return null;
		}
		String[] scope = authorization.substring(start + "Credential=".length()).split("[/,]", 5);
		return (scope.length >= 4) ? scope[2] : null;
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
		logger.info("KMS emulator on port {} stopped", this.server.getAddress().getPort());
	}

	// HTTP

	private void handle(HttpExchange exchange) throws IOException {
		if (isStsRequest(exchange)) {
			handleSts(exchange);
			return;
		}
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
		String accessKeyId = EmulatedSts.accessKeyIdOf(exchange.getRequestHeaders().getFirst("Authorization"))
			.orElse(null);
		String caller = accountOf(accessKeyId);
		this.accountCallCounts.computeIfAbsent(caller, (name) -> new ConcurrentHashMap<>())
			.computeIfAbsent(operation, (name) -> new LongAdder())
			.increment();
		if (accessKeyId != null) {
			this.accessKeyCallCounts.computeIfAbsent(accessKeyId, (name) -> new LongAdder()).increment();
		}
		String region = regionOf(exchange.getRequestHeaders().getFirst("Authorization"));
		String signedFor = (region != null) ? region : this.region;
		this.regionCallCounts.computeIfAbsent(signedFor, (name) -> new ConcurrentHashMap<>())
			.computeIfAbsent(operation, (name) -> new LongAdder())
			.increment();
		this.faults.beforeExecution(operation);
		KmsFaults inRegion = this.regionFaults.get(signedFor);
		if (inRegion != null) {
			inRegion.beforeExecution(operation);
		}
		// every region is its own KMS, as AWS's are: a call signed for a region the
		// emulator has not seen yet meets that region's (empty) KMS, not its own region's
		Function<JsonRequest, Map<String, Object>> handler = account(caller, signedFor).operations().get(operation);
		if (handler == null) {
			throw new KmsServiceError("UnknownOperationException", 400, "Unknown operation " + operation);
		}
		Map<String, Object> response = handler.apply(new JsonRequest(parse(content)));
		this.faults.afterExecution(operation);
		if (inRegion != null) {
			inRegion.afterExecution(operation);
		}
		return response;
	}

	/**
	 * STS speaks the query protocol: a form POST without {@code X-Amz-Target}. Anything
	 * else goes to KMS, which answers as before.
	 */
	private static boolean isStsRequest(HttpExchange exchange) {
		String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
		return exchange.getRequestHeaders().getFirst("X-Amz-Target") == null && contentType != null
				&& contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded");
	}

	private void handleSts(HttpExchange exchange) throws IOException {
		try (exchange) {
			int status;
			String body;
			try {
				String caller = accountOf(
						EmulatedSts.accessKeyIdOf(exchange.getRequestHeaders().getFirst("Authorization")).orElse(null));
				body = this.sts.handle(form(readBody(exchange)), caller);
				status = 200;
			}
			catch (EmulatedSts.StsError error) {
				status = error.status();
				body = EmulatedSts.errorBody(error);
			}
			catch (KmsServiceError error) {
				status = error.status();
				body = EmulatedSts.errorBody(new EmulatedSts.StsError("ValidationError", status, error.getMessage()));
			}
			catch (RuntimeException ex) {
				logger.warn("STS emulator failed", ex);
				status = 500;
				body = EmulatedSts.errorBody(new EmulatedSts.StsError("InternalFailure", 500, "Internal error"));
			}
			byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "text/xml");
			exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
			exchange.sendResponseHeaders(status, bytes.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(bytes);
			}
		}
	}

	private static Map<String, String> form(byte[] content) {
		Map<String, String> form = new LinkedHashMap<>();
		String body = new String(content, StandardCharsets.UTF_8);
		for (String pair : body.split("&")) {
			if (pair.isEmpty()) {
				continue;
			}
			int equals = pair.indexOf('=');
			String name = (equals < 0) ? pair : pair.substring(0, equals);
			String value = (equals < 0) ? "" : pair.substring(equals + 1);
			form.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
		}
		return form;
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

		private final Map<String, String> trustedRoles = new LinkedHashMap<>();

		private Builder() {
		}

		/** See {@link KmsEmulator#trustRole(String, String)}. */
		public Builder trustRole(String roleArn, String externalId) {
			this.trustedRoles.put(Objects.requireNonNull(roleArn), externalId);
			return this;
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
