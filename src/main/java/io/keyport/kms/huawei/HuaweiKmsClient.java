package io.keyport.kms.huawei;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.keyport.kms.KmsErrorCode;
import io.keyport.kms.KmsException;
import io.keyport.kms.KmsRateLimiter;

/**
 * A thin client for Huawei Cloud KMS: every operation is a signed {@code POST
 * /v1.0/{project_id}/kms/<op>} with a JSON body. Errors are keyed off Huawei's error code
 * (either shape: {@code {"error": {"error_code", "error_msg"}}} from KMS, or top-level
 * {@code error_code}, {@code error_msg}, {@code request_id} from the API gateway), the
 * HTTP status only when there is none.
 * <p>
 * Retries happen inside one call, with jittered exponential backoff, all within the
 * call's deadline: throttling (APIG.0308, 429) and KMS's own internal errors
 * (KMS.0101-0104: KMS answered, so nothing was done) and connection failures for every
 * operation; a gateway 5xx without a KMS code or a timeout after the request was sent
 * only for operations that are safe to repeat (a create or import may have happened). A
 * refused signature (APIG.0301) is never retried, and calls with the same credentials,
 * from every target of the process, are held back for a while afterwards without being
 * sent: Huawei's gateway locks an AK after five failed signatures. Messages carry
 * Huawei's code, message and request id, never a secret, token or material.
 */
final class HuaweiKmsClient {

	private static final Logger log = LoggerFactory.getLogger(HuaweiKmsClient.class);

	static final String CONTENT_TYPE = "application/json;charset=UTF-8";

	/** Long base64 runs (tokens, ciphertext) are cut from Huawei's messages. */
	private static final Pattern LONG_BASE64 = Pattern.compile("[A-Za-z0-9+/=_-]{64,}");

	private static final int MAX_MESSAGE = 300;

	/**
	 * Credentials whose signature Huawei refused, for the whole process: targets that
	 * share an access key (projects, regions) share its lock at Huawei. Entries go when
	 * they expire or a response with the same credentials succeeds, so the map holds only
	 * recent refusals.
	 */
	private static final Map<RefusedCredentials, SignatureRefusal> SIGNATURE_REFUSALS = new ConcurrentHashMap<>();

	/**
	 * Salts the secret keys' fingerprints in {@link #SIGNATURE_REFUSALS}: a fingerprint
	 * tells a rotated secret from the refused one without keeping either in a second
	 * place, and cannot be compared with a hash of a guessed secret outside the process.
	 */
	private static final byte[] FINGERPRINT_SALT = salt();

	/**
	 * Huawei's codes onto Keyport's. The import codes: what could not be unwrapped into a
	 * key (RSA decryption failed, the private key part missing, a temporary key of the
	 * wrong length) is {@code INVALID_CIPHERTEXT}, as AWS's InvalidCiphertextException;
	 * material that unwrapped but does not fit the key (wrong length, not a valid private
	 * key of the spec, different from what was imported before) is
	 * {@code INCORRECT_KEY_MATERIAL}.
	 */
	private static final Map<String, KmsErrorCode> CODES = Map.ofEntries(
			Map.entry("KMS.0207", KmsErrorCode.KEY_NOT_FOUND), Map.entry("KMS.0205", KmsErrorCode.INVALID_KEY_ID),
			Map.entry("KMS.0209", KmsErrorCode.INVALID_KEY_STATE),
			Map.entry("KMS.0210", KmsErrorCode.INVALID_KEY_STATE),
			Map.entry("KMS.0310", KmsErrorCode.INVALID_KEY_STATE),
			Map.entry("KMS.2701", KmsErrorCode.INVALID_KEY_STATE),
			Map.entry("KMS.0309", KmsErrorCode.UNSUPPORTED_OPERATION),
			Map.entry("KMS.2702", KmsErrorCode.UNSUPPORTED_OPERATION),
			Map.entry("KMS.2601", KmsErrorCode.EXPIRED_IMPORT_TOKEN),
			Map.entry("KMS.2603", KmsErrorCode.INVALID_IMPORT_TOKEN),
			Map.entry("KMS.2605", KmsErrorCode.INVALID_IMPORT_TOKEN),
			Map.entry("KMS.0311", KmsErrorCode.INVALID_CIPHERTEXT),
			Map.entry("KMS.2608", KmsErrorCode.INVALID_CIPHERTEXT),
			Map.entry("KMS.2610", KmsErrorCode.INVALID_CIPHERTEXT),
			Map.entry("KMS.2604", KmsErrorCode.INCORRECT_KEY_MATERIAL),
			Map.entry("KMS.2606", KmsErrorCode.INCORRECT_KEY_MATERIAL),
			Map.entry("KMS.2609", KmsErrorCode.INCORRECT_KEY_MATERIAL),
			Map.entry("KMS.1104", KmsErrorCode.ALREADY_EXISTS), Map.entry("KMS.1105", KmsErrorCode.LIMIT_EXCEEDED),
			Map.entry("KMS.0101", KmsErrorCode.INTERNAL), Map.entry("KMS.0102", KmsErrorCode.INTERNAL),
			Map.entry("KMS.0103", KmsErrorCode.INTERNAL), Map.entry("KMS.0104", KmsErrorCode.UNAVAILABLE),
			Map.entry("KMS.0202", KmsErrorCode.VALIDATION), Map.entry("KMS.0204", KmsErrorCode.VALIDATION),
			Map.entry("KMS.0308", KmsErrorCode.VALIDATION), Map.entry("KMS.1101", KmsErrorCode.VALIDATION),
			Map.entry("KMS.0306", KmsErrorCode.ACCESS_DENIED), Map.entry("KMS.0307", KmsErrorCode.ACCESS_DENIED),
			Map.entry("APIG.0301", KmsErrorCode.ACCESS_DENIED), Map.entry("APIGW.0301", KmsErrorCode.ACCESS_DENIED),
			Map.entry("APIG.0308", KmsErrorCode.THROTTLED), Map.entry("APIGW.0308", KmsErrorCode.THROTTLED));

	/**
	 * Huawei KMS operations: the path, Keyport's name for it, whether it is safe to
	 * repeat, and whether it is repeated after KMS's own internal error.
	 */
	enum Operation {

		// CreateKey is repeated after KMS's own internal error: the provider finds an
		// attempt that was carried out by its generated alias. An import or deletion
		// carried out would make its repetition fail on the key's new state instead,
		// and hide that the first may have succeeded
		CREATE_KEY("create-key", "CreateKey", false, true), DESCRIBE_KEY("describe-key", "DescribeKey", true, true),
		LIST_KEYS("list-keys", "ListKeys", true, true),
		GET_PARAMETERS_FOR_IMPORT("get-parameters-for-import", "GetParametersForImport", true, true),
		IMPORT_KEY_MATERIAL("import-key-material", "ImportKeyMaterial", false, false),
		DELETE_IMPORTED_KEY_MATERIAL("delete-imported-key-material", "DeleteImportedKeyMaterial", false, false),
		GET_PUBLIC_KEY("get-publickey", "GetPublicKey", true, true),
		SCHEDULE_KEY_DELETION("schedule-key-deletion", "ScheduleKeyDeletion", false, false);

		private final String path;

		private final String keyportName;

		private final boolean idempotent;

		private final boolean repeatedAfterInternalError;

		Operation(String path, String keyportName, boolean idempotent, boolean repeatedAfterInternalError) {
			this.path = path;
			this.keyportName = keyportName;
			this.idempotent = idempotent;
			this.repeatedAfterInternalError = repeatedAfterInternalError;
		}

		String keyportName() {
			return this.keyportName;
		}

	}

	/**
	 * Timeouts and retry policy.
	 *
	 * @param connectTimeout TCP (and TLS) connect
	 * @param attemptTimeout one HTTP exchange
	 * @param callTimeout one port call, with all its requests and retries
	 * @param maxAttempts requests per Huawei operation, the first included
	 * @param backoff the first retry's delay, doubling for each further one (jittered)
	 * @param maxBackoff the longest delay between two attempts
	 * @param signatureHoldOff how long calls with credentials whose signature was refused
	 * are refused without being sent
	 */
	record Settings(Duration connectTimeout, Duration attemptTimeout, Duration callTimeout, int maxAttempts,
			Duration backoff, Duration maxBackoff, Duration signatureHoldOff) {

		/**
		 * Five refused signatures lock an AK for five minutes: one per 90 s stays below
		 * that.
		 */
		static final Settings DEFAULTS = new Settings(Duration.ofSeconds(5), Duration.ofSeconds(10),
				Duration.ofSeconds(30), 4, Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(90));

	}

	private enum Retry {

		ALWAYS, IF_IDEMPOTENT, IF_REPEATED_AFTER_INTERNAL_ERROR, NEVER

	}

	private final String target;

	private final URI endpoint;

	private final String projectId;

	private final HuaweiCredentials credentials;

	private final Settings settings;

	private final Clock clock;

	private final HttpClient http;

	private final JsonMapper json = JsonMapper.builder().build();

	/** The target's pace, once configured; {@code null} in tests of the client alone. */
	private volatile KmsRateLimiter pace;

	HuaweiKmsClient(String target, URI endpoint, String projectId, HuaweiCredentials credentials, Settings settings,
			Clock clock) {
		this.target = target;
		this.endpoint = withoutDefaultPort(endpoint);
		this.projectId = projectId;
		this.credentials = credentials;
		this.settings = settings;
		this.clock = clock;
		// HTTP/1.1: the Host header sent is then exactly the one signed
		this.http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(settings.connectTimeout())
			.build();
	}

	Settings settings() {
		return this.settings;
	}

	URI endpoint() {
		return this.endpoint;
	}

	ObjectNode body() {
		return this.json.createObjectNode();
	}

	/** The deadline (in {@link System#nanoTime()}) of a port call starting now. */
	long deadline() {
		return System.nanoTime() + this.settings.callTimeout().toNanos();
	}

	/**
	 * One Huawei operation, retried as the policy allows until the deadline.
	 * @return the response body (an empty object when there is none)
	 * @throws KmsException when it failed
	 */
	void pacedBy(KmsRateLimiter limiter) {
		this.pace = limiter;
	}

	JsonNode call(Operation operation, ObjectNode body, long deadline) {
		byte[] payload = this.json.writeValueAsBytes(body);
		URI uri = URI.create(this.endpoint + "/v1.0/" + this.projectId + "/kms/" + operation.path);
		for (int attempt = 1;; attempt++) {
			Failure failure;
			HuaweiCredentials.Credentials credentials = this.credentials.current();
			checkNotHeldBack(operation, credentials);
			// Huawei's quota counts requests: every one beyond the call's first (pages,
			// describes, retries) takes a permit of its own
			KmsRateLimiter pace = this.pace;
			if (pace != null) {
				pace.acquireRequest(operation.keyportName);
			}
			long remaining = deadline - System.nanoTime();
			if (remaining <= 0) {
				throw KmsException.notSent(KmsErrorCode.UNAVAILABLE, operation.keyportName,
						"Huawei KMS did not answer within the call timeout of " + this.settings.callTimeout(), null);
			}
			try {
				HttpResponse<byte[]> response = exchange(request(uri, payload, credentials, remaining),
						Math.min(remaining, this.settings.attemptTimeout().toNanos()));
				if (response.statusCode() / 100 == 2) {
					signatureAccepted(credentials);
					return parse(operation, response.body());
				}
				failure = failure(operation, response, credentials);
			}
			catch (HttpConnectTimeoutException | ConnectException ex) {
				// nothing was sent: safe to repeat for every operation
				failure = new Failure(KmsException.notSent(KmsErrorCode.UNAVAILABLE, operation.keyportName,
						"cannot connect to Huawei KMS at " + this.endpoint.getHost() + ": "
								+ ex.getClass().getSimpleName(),
						null), Retry.ALWAYS, 0);
			}
			catch (HttpTimeoutException ex) {
				failure = new Failure(
						new KmsException(KmsErrorCode.UNAVAILABLE, operation.keyportName,
								"Huawei KMS did not answer within " + Duration
									.ofNanos(Math.min(remaining, this.settings.attemptTimeout().toNanos()))
									.toMillis() + " ms",
								null),
						Retry.IF_IDEMPOTENT, 0);
			}
			catch (IOException ex) {
				failure = new Failure(
						new KmsException(KmsErrorCode.UNAVAILABLE, operation.keyportName,
								"the connection to Huawei KMS failed: " + ex.getClass().getSimpleName(), null),
						Retry.IF_IDEMPOTENT, 0);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new KmsException(KmsErrorCode.UNAVAILABLE, operation.keyportName,
						"interrupted while waiting for Huawei KMS", null);
			}
			boolean retryable = failure.retry == Retry.ALWAYS
					|| (failure.retry == Retry.IF_IDEMPOTENT && operation.idempotent)
					|| (failure.retry == Retry.IF_REPEATED_AFTER_INTERNAL_ERROR
							&& operation.repeatedAfterInternalError);
			if (!retryable || attempt >= this.settings.maxAttempts()) {
				throw failure.exception;
			}
			long delay = Math.max(backoff(attempt), failure.retryAfterNanos);
			if (System.nanoTime() + delay >= deadline) {
				throw failure.exception;
			}
			log.debug("Huawei KMS target '{}': {} failed ({}); attempt {} in {} ms", this.target, operation.keyportName,
					failure.exception.getMessage(), attempt + 1, TimeUnit.NANOSECONDS.toMillis(delay));
			sleep(operation, delay);
		}
	}

	/**
	 * One HTTP exchange, body included, within the timeout. The request's own timeout
	 * ends at the response headers (JDK-8208693): a server that stalls the body would
	 * hold the thread past the call's deadline, so the whole exchange is bounded here and
	 * cancelled (its connection closed) when it runs over.
	 * @throws HttpTimeoutException when the exchange did not end in time
	 */
	private HttpResponse<byte[]> exchange(HttpRequest request, long timeoutNanos)
			throws IOException, InterruptedException {
		CompletableFuture<HttpResponse<byte[]>> future = this.http.sendAsync(request,
				HttpResponse.BodyHandlers.ofByteArray());
		try {
			return future.get(timeoutNanos, TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			future.cancel(true);
			throw new HttpTimeoutException("the exchange did not end within its timeout");
		}
		catch (InterruptedException ex) {
			future.cancel(true);
			throw ex;
		}
		catch (ExecutionException ex) {
			// the send's own failure, as send() would have thrown it
			Throwable cause = ex.getCause();
			if (cause instanceof IOException io) {
				throw io;
			}
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			if (cause instanceof Error error) {
				throw error;
			}
			throw new IOException("the exchange failed", cause);
		}
	}

	private HttpRequest request(URI uri, byte[] payload, HuaweiCredentials.Credentials credentials,
			long remainingNanos) {
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("Content-Type", CONTENT_TYPE);
		headers.put("X-Project-Id", this.projectId);
		if (credentials.securityToken() != null) {
			headers.put("X-Security-Token", credentials.securityToken());
		}
		headers.putAll(HuaweiSigner.sign("POST", uri, headers, payload, credentials.accessKey(),
				credentials.secretKey(), this.clock.instant()));
		HttpRequest.Builder request = HttpRequest.newBuilder(uri)
			.timeout(Duration.ofNanos(Math.min(remainingNanos, this.settings.attemptTimeout().toNanos())))
			.POST(HttpRequest.BodyPublishers.ofByteArray(payload));
		headers.forEach(request::header);
		return request.build();
	}

	private JsonNode parse(Operation operation, byte[] body) {
		if (body == null || body.length == 0) {
			return this.json.createObjectNode();
		}
		try {
			return this.json.readTree(body);
		}
		catch (JacksonException ex) {
			throw new KmsException(KmsErrorCode.INTERNAL, operation.keyportName,
					"Huawei KMS answered with a body that is not JSON", null);
		}
	}

	private Failure failure(Operation operation, HttpResponse<byte[]> response,
			HuaweiCredentials.Credentials credentials) {
		int status = response.statusCode();
		String code = null;
		String message = null;
		String requestId = response.headers().firstValue("X-Request-Id").orElse(null);
		try {
			JsonNode root = response.body() != null && response.body().length > 0 ? this.json.readTree(response.body())
					: null;
			JsonNode error = root != null && root.path("error").isObject() ? root.path("error") : root;
			if (error != null) {
				code = text(error, "error_code");
				message = text(error, "error_msg");
				if (requestId == null) {
					requestId = text(root, "request_id");
				}
			}
		}
		catch (JacksonException ex) {
			// not JSON (a proxy's error page): the status decides
		}
		KmsErrorCode errorCode = errorCode(status, code);
		if (isSignatureRefusal(status, code)) {
			refuseSignature(credentials, code != null ? code : "HTTP " + status);
			log.warn("Huawei KMS target '{}' refused the signature of access key ...{} ({}, request id {})",
					this.target, lastFour(credentials.accessKey()), code, requestId);
			return new Failure(new KmsException(errorCode, operation.keyportName,
					signatureMessage(code != null ? code : "HTTP " + status) + requestIdSuffix(requestId), null),
					Retry.NEVER, 0);
		}
		String described = "Huawei KMS " + (code != null ? code : "HTTP " + status)
				+ (message != null ? ": " + sanitize(message) : "") + requestIdSuffix(requestId);
		return new Failure(new KmsException(errorCode, operation.keyportName, described, null), retry(status, code),
				retryAfter(response));
	}

	/**
	 * Refuses, without sending it, a call with credentials whose signature Huawei refused
	 * within the hold-off, whichever target it came from.
	 */
	private void checkNotHeldBack(Operation operation, HuaweiCredentials.Credentials credentials) {
		if (SIGNATURE_REFUSALS.isEmpty()) {
			return;
		}
		RefusedCredentials key = RefusedCredentials.of(credentials);
		SignatureRefusal refusal = SIGNATURE_REFUSALS.get(key);
		if (refusal == null) {
			return;
		}
		if (System.nanoTime() - refusal.until >= 0) {
			SIGNATURE_REFUSALS.remove(key, refusal);
			return;
		}
		throw KmsException.notSent(KmsErrorCode.ACCESS_DENIED, operation.keyportName,
				"not sent: calls with these credentials are held back for " + refusal.holdOff.toSeconds()
						+ " s after Huawei refused the signature of access key ..." + lastFour(credentials.accessKey())
						+ " (" + refusal.code + ", target '" + refusal.target + "'), so Huawei does not lock the "
						+ "access key; check the access key and secret key (AK/SK) of target '" + this.target
						+ "' and this host's clock",
				null);
	}

	private void refuseSignature(HuaweiCredentials.Credentials credentials, String code) {
		long now = System.nanoTime();
		// expired entries go here too: the map keeps only refusals still holding back
		SIGNATURE_REFUSALS.values().removeIf(refusal -> now - refusal.until >= 0);
		SIGNATURE_REFUSALS.put(RefusedCredentials.of(credentials), new SignatureRefusal(
				now + this.settings.signatureHoldOff().toNanos(), this.settings.signatureHoldOff(), this.target, code));
	}

	/** Huawei took these credentials' signature: whatever it refused before is over. */
	private static void signatureAccepted(HuaweiCredentials.Credentials credentials) {
		if (!SIGNATURE_REFUSALS.isEmpty()) {
			SIGNATURE_REFUSALS.remove(RefusedCredentials.of(credentials));
		}
	}

	private String signatureMessage(String code) {
		return "Huawei KMS refused the request signature (" + code + "): check the access key and secret key (AK/SK)"
				+ " of target '" + this.target + "' and this host's clock; not retried";
	}

	/** Huawei's code decides; the status only when there is no code Keyport knows. */
	static KmsErrorCode errorCode(int status, String code) {
		KmsErrorCode known = code != null ? CODES.get(code) : null;
		if (known != null) {
			return known;
		}
		if (status == 429 || (code != null && code.endsWith(".0308") && code.startsWith("APIG"))) {
			return KmsErrorCode.THROTTLED;
		}
		if (status == 401 || status == 403) {
			return KmsErrorCode.ACCESS_DENIED;
		}
		if (status >= 500) {
			return KmsErrorCode.UNAVAILABLE;
		}
		return KmsErrorCode.VALIDATION;
	}

	private static Retry retry(int status, String code) {
		KmsErrorCode errorCode = errorCode(status, code);
		if (errorCode == KmsErrorCode.THROTTLED) {
			return Retry.ALWAYS;
		}
		if (code != null && CODES.containsKey(code)) {
			// KMS answered with its own code: only its internal errors are worth
			// repeating, and only where a repetition cannot hide the first
			// attempt's success
			return errorCode.isTransient() ? Retry.IF_REPEATED_AFTER_INTERNAL_ERROR : Retry.NEVER;
		}
		return status >= 500 ? Retry.IF_IDEMPOTENT : Retry.NEVER;
	}

	private static boolean isSignatureRefusal(int status, String code) {
		return "APIG.0301".equals(code) || "APIGW.0301".equals(code) || (code == null && status == 401);
	}

	/** Equal jitter: half the exponential delay, plus up to as much again at random. */
	private long backoff(int attempt) {
		long exponential = Math.min(this.settings.maxBackoff().toNanos(),
				this.settings.backoff().toNanos() << Math.min(attempt - 1, 20));
		return exponential / 2 + ThreadLocalRandom.current().nextLong(exponential / 2 + 1);
	}

	private static long retryAfter(HttpResponse<?> response) {
		return response.headers().firstValue("Retry-After").map(value -> {
			try {
				return TimeUnit.SECONDS.toNanos(Long.parseLong(value.trim()));
			}
			catch (NumberFormatException ex) {
				return 0L;
			}
		}).orElse(0L);
	}

	private static void sleep(Operation operation, long nanos) {
		try {
			TimeUnit.NANOSECONDS.sleep(nanos);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new KmsException(KmsErrorCode.UNAVAILABLE, operation.keyportName,
					"interrupted while waiting to retry Huawei KMS", null);
		}
	}

	static String text(JsonNode node, String field) {
		JsonNode value = node != null ? node.get(field) : null;
		return value != null && value.isValueNode() && !value.isNull() ? value.asString() : null;
	}

	/** Huawei's message, bounded, single-line, without long tokens. */
	static String sanitize(String message) {
		String cleaned = LONG_BASE64.matcher(message.replaceAll("\\p{Cntrl}", " ")).replaceAll("[...]");
		return cleaned.length() > MAX_MESSAGE ? cleaned.substring(0, MAX_MESSAGE) + "..." : cleaned;
	}

	private static String requestIdSuffix(String requestId) {
		return requestId != null ? " (request id " + sanitize(requestId) + ")" : "";
	}

	/** The JDK does not send a default port in Host: neither may the signature. */
	private static URI withoutDefaultPort(URI endpoint) {
		String text = endpoint.toString().replaceAll("/+$", "");
		URI uri = URI.create(text);
		boolean defaultPort = (uri.getPort() == 443 && "https".equalsIgnoreCase(uri.getScheme()))
				|| (uri.getPort() == 80 && "http".equalsIgnoreCase(uri.getScheme()));
		return defaultPort ? URI.create(text.replaceFirst(":" + uri.getPort(), "")) : uri;
	}

	private record Failure(KmsException exception, Retry retry, long retryAfterNanos) {
	}

	/**
	 * An access key and a salted SHA-256 fingerprint of its secret key: a rotated secret
	 * (or another access key) is other credentials, sent as soon as it is configured.
	 */
	private record RefusedCredentials(String accessKey, String secretKeyFingerprint) {

		static RefusedCredentials of(HuaweiCredentials.Credentials credentials) {
			try {
				MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
				sha256.update(FINGERPRINT_SALT);
				return new RefusedCredentials(credentials.accessKey(),
						HexFormat.of().formatHex(sha256.digest(credentials.secretKey())));
			}
			catch (NoSuchAlgorithmException ex) {
				throw new IllegalStateException("SHA-256 is missing from the JDK", ex);
			}
		}

		@Override
		public String toString() {
			return "RefusedCredentials[accessKey=..." + lastFour(this.accessKey) + "]";
		}

	}

	/**
	 * @param until in {@link System#nanoTime()}
	 * @param target the target whose call was refused
	 * @param code Huawei's code of the refusal
	 */
	private record SignatureRefusal(long until, Duration holdOff, String target, String code) {
	}

	private static byte[] salt() {
		byte[] salt = new byte[32];
		new SecureRandom().nextBytes(salt);
		return salt;
	}

	/** An access key as logs show it: its last four characters, enough to tell which. */
	static String lastFour(String accessKey) {
		return (accessKey == null || accessKey.length() <= 4) ? "****" : accessKey.substring(accessKey.length() - 4);
	}

}
