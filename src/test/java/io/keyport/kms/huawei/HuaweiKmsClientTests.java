package io.keyport.kms.huawei;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import io.keyport.kms.KmsErrorCode;
import io.keyport.kms.KmsException;
import io.keyport.kms.KmsTargetSettings;
import io.keyport.kms.huawei.HuaweiKmsClient.Operation;

import static io.keyport.kms.huawei.HuaweiStub.gatewayError;
import static io.keyport.kms.huawei.HuaweiStub.kmsError;
import static io.keyport.kms.huawei.HuaweiStub.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class HuaweiKmsClientTests {

	static final HuaweiKmsClient.Settings FAST = new HuaweiKmsClient.Settings(Duration.ofSeconds(2),
			Duration.ofMillis(500), Duration.ofSeconds(5), 4, Duration.ofMillis(10), Duration.ofMillis(50),
			Duration.ofSeconds(60));

	private final HuaweiStub stub = newStub();

	@AfterEach
	void stop() {
		this.stub.close();
	}

	@Test
	void signsEveryRequestSoThatHuaweiAcceptsItWithTheHostAndPortAsSent() {
		this.stub.on("describe-key", ok("{\"key_info\":{\"key_id\":\"k\"}}"));

		JsonNode response = client(FAST).call(Operation.DESCRIBE_KEY, client(FAST).body().put("key_id", "k"),
				client(FAST).deadline());

		assertThat(response.path("key_info").path("key_id").asString()).isEqualTo("k");
		HuaweiStub.Request request = this.stub.requests().getFirst();
		assertThat(request.host()).isEqualTo("127.0.0.1:" + this.stub.endpoint().getPort());
		assertThat(request.authorization())
			.contains("SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=");
		assertThat(request.body().path("key_id").asString()).isEqualTo("k");
	}

	@Test
	void temporaryCredentialsSendAndSignTheSecurityToken() {
		KmsTargetSettings settings = settings();
		HuaweiCredentials credentials = HuaweiCredentials.of("hw", settings, name -> switch (name) {
			case HuaweiCredentials.ENV_ACCESS_KEY -> HuaweiStub.AK;
			case HuaweiCredentials.ENV_SECRET_KEY -> new String(HuaweiStub.SK);
			case HuaweiCredentials.ENV_SECURITY_TOKEN -> "temporary-token";
			default -> null;
		});
		HuaweiKmsClient client = new HuaweiKmsClient("hw", this.stub.endpoint(), HuaweiStub.PROJECT, credentials, FAST,
				Clock.systemUTC());

		client.call(Operation.LIST_KEYS, client.body().put("limit", "1"), client.deadline());

		HuaweiStub.Request request = this.stub.requests().getFirst();
		assertThat(request.securityToken()).isEqualTo("temporary-token");
		assertThat(request.authorization())
			.contains("SignedHeaders=content-type;host;x-project-id;x-sdk-date;x-security-token,");
	}

	@Test
	void throttlingIsRetriedUntilItPasses() {
		this.stub.on("describe-key", gatewayError(429, "APIG.0308", "The throttling threshold has been reached"),
				gatewayError(429, "APIGW.0308", "throttled"), ok("{\"key_info\":{\"key_id\":\"k\"}}"));

		HuaweiKmsClient client = client(FAST);
		client.call(Operation.DESCRIBE_KEY, client.body().put("key_id", "k"), client.deadline());

		assertThat(this.stub.requests("describe-key")).hasSize(3);
	}

	@Test
	void throttlingIsRetriedEvenForCallsThatAreNotSafeToRepeat() {
		this.stub.on("import-key-material", gatewayError(429, "APIG.0308", "throttled"), ok(""));

		HuaweiKmsClient client = client(FAST);
		client.call(Operation.IMPORT_KEY_MATERIAL, client.body(), client.deadline());

		assertThat(this.stub.requests("import-key-material")).hasSize(2);
	}

	@Test
	void persistentThrottlingEndsAfterTheAttemptsAsThrottled() {
		this.stub.on("describe-key", gatewayError(429, "APIG.0308", "throttled"));

		HuaweiKmsClient client = client(FAST);
		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> client.call(Operation.DESCRIBE_KEY, client.body(), client.deadline()))
			.satisfies(ex -> {
				assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.THROTTLED);
				assertThat(ex.operation()).isEqualTo("DescribeKey");
				assertThat(ex.getMessage()).contains("APIG.0308").contains("gw-APIG.0308");
			});
		assertThat(this.stub.requests("describe-key")).hasSize(FAST.maxAttempts());
	}

	@Test
	void aRefusedSignatureIsNeverRetriedAndSaysToCheckTheKeys() {
		String wrongSecret = wrongSecret();
		HuaweiKmsClient client = client("hw", credentials(HuaweiStub.AK, wrongSecret), FAST);

		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> client.call(Operation.DESCRIBE_KEY, client.body(), client.deadline()))
			.satisfies(ex -> {
				assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.ACCESS_DENIED);
				assertThat(ex.isTransient()).isFalse();
				assertThat(ex.getMessage()).contains("APIG.0301")
					.contains("access key and secret key (AK/SK) of target 'hw'")
					.doesNotContain(wrongSecret);
			});
		assertThat(this.stub.requests()).hasSize(1);
	}

	@Test
	void afterARefusedSignatureTheSameCredentialsAreHeldBackInsteadOfLockingTheAccessKey() {
		String wrongSecret = wrongSecret();
		HuaweiKmsClient client = client("hw", credentials(HuaweiStub.AK, wrongSecret), FAST);
		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> client.call(Operation.DESCRIBE_KEY, client.body(), client.deadline()));

		for (int i = 0; i < 5; i++) {
			assertThatExceptionOfType(KmsException.class)
				.isThrownBy(() -> client.call(Operation.LIST_KEYS, client.body(), client.deadline()))
				.satisfies(ex -> {
					assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.ACCESS_DENIED);
					// KMS refused nothing of this call: it never left Keyport
					assertThat(ex.maybeSent()).isFalse();
				})
				.withMessageStartingWith("not sent: ")
				.withMessageContaining("held back for 60 s after Huawei refused the signature of access key ...SKEY")
				.withMessageNotContaining(HuaweiStub.AK)
				.withMessageNotContaining(wrongSecret);
		}
		assertThat(this.stub.requests()).hasSize(1);
	}

	@Test
	void aRefusedSignatureHoldsBackEveryTargetWithTheSameCredentialsWithoutSendingTheirCalls() {
		String wrongSecret = wrongSecret();
		HuaweiKmsClient first = client("hw-project-a", credentials(HuaweiStub.AK, wrongSecret), FAST);
		HuaweiKmsClient second = client("hw-project-b", credentials(HuaweiStub.AK, wrongSecret), FAST);
		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> first.call(Operation.DESCRIBE_KEY, first.body(), first.deadline()))
			.satisfies(ex -> assertThat(ex.maybeSent()).isTrue());

		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> second.call(Operation.LIST_KEYS, second.body(), second.deadline()))
			.satisfies(ex -> {
				assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.ACCESS_DENIED);
				assertThat(ex.maybeSent()).isFalse();
			})
			.withMessageContaining("target 'hw-project-a'")
			.withMessageContaining("(AK/SK) of target 'hw-project-b'")
			.withMessageNotContaining(HuaweiStub.AK)
			.withMessageNotContaining(wrongSecret);
		assertThat(this.stub.requests()).hasSize(1);
	}

	@Test
	void newCredentialsAreSentAtOnceAfterARefusedSignature(@TempDir Path dir) throws IOException {
		Path accessKey = Files.writeString(dir.resolve("ak"), HuaweiStub.AK);
		Path secretKey = Files.writeString(dir.resolve("sk"), wrongSecret());
		KmsTargetSettings files = new KmsTargetSettings("huawei", "ap-southeast-1", null, null, null,
				HuaweiStub.PROJECT, accessKey, secretKey, null, false, null);
		HuaweiKmsClient rotating = client("hw", HuaweiCredentials.of("hw", files, name -> null), FAST);
		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> rotating.call(Operation.LIST_KEYS, rotating.body(), rotating.deadline()));

		// another access key, and the same one with another secret, are other credentials
		HuaweiKmsClient otherAccessKey = client("hw-other", credentials("HPUAOTHERACCESSKEY", wrongSecret()), FAST);
		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(
					() -> otherAccessKey.call(Operation.LIST_KEYS, otherAccessKey.body(), otherAccessKey.deadline()))
			.satisfies(ex -> assertThat(ex.maybeSent()).isTrue());
		Files.writeString(secretKey, new String(HuaweiStub.SK));
		rotating.call(Operation.LIST_KEYS, rotating.body(), rotating.deadline());

		assertThat(this.stub.requests()).hasSize(3);
	}

	@Test
	void aResponseAcceptedWithTheRefusedCredentialsEndsTheirHoldOff() throws Exception {
		HuaweiKmsClient.Settings patient = new HuaweiKmsClient.Settings(Duration.ofSeconds(2), Duration.ofSeconds(5),
				Duration.ofSeconds(10), 1, Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(60));
		// this test's own secret: the refusal it causes concerns no other test's client
		byte[] secret = wrongSecret().getBytes(StandardCharsets.US_ASCII);
		this.stub.expectSecretKey(secret);
		HuaweiKmsClient slow = client("hw-project-a", credentials(HuaweiStub.AK, new String(secret)), patient);
		HuaweiKmsClient refused = client("hw-project-b", credentials(HuaweiStub.AK, new String(secret)), patient);
		this.stub.on("describe-key", ok("{}").after(1_500));
		CompletableFuture<JsonNode> accepted = CompletableFuture
			.supplyAsync(() -> slow.call(Operation.DESCRIBE_KEY, slow.body(), slow.deadline()));
		while (this.stub.requests("describe-key").isEmpty()) {
			Thread.sleep(5);
		}
		// the gateway refuses a signature of the same credentials meanwhile (its clock)
		this.stub.expectSecretKey("another-secret".getBytes());
		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> refused.call(Operation.LIST_KEYS, refused.body(), refused.deadline()))
			.satisfies(ex -> assertThat(ex.maybeSent()).isTrue());
		this.stub.expectSecretKey(secret);
		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> refused.call(Operation.LIST_KEYS, refused.body(), refused.deadline()))
			.satisfies(ex -> assertThat(ex.maybeSent()).isFalse());

		accepted.get(10, TimeUnit.SECONDS);
		refused.call(Operation.LIST_KEYS, refused.body(), refused.deadline());

		assertThat(this.stub.requests("list-keys")).hasSize(2);
	}

	@Test
	void kmsErrorsAreReadFromTheNestedShapeByTheirCodeNotTheStatus() {
		this.stub.on("describe-key", kmsError(400, "KMS.0207", "The key does not exist"));

		HuaweiKmsClient client = client(FAST);
		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> client.call(Operation.DESCRIBE_KEY, client.body(), client.deadline()))
			.satisfies(ex -> {
				assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.KEY_NOT_FOUND);
				assertThat(ex.getMessage())
					.isEqualTo("Huawei KMS KMS.0207: The key does not exist (request id req-KMS.0207)");
			});
		assertThat(this.stub.requests()).hasSize(1);
	}

	@Test
	void gatewayErrorsAreReadFromTheTopLevelShape() {
		this.stub.on("describe-key", gatewayError(400, "KMS.0205", "Invalid key id"));

		HuaweiKmsClient client = client(FAST);
		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> client.call(Operation.DESCRIBE_KEY, client.body(), client.deadline()))
			.satisfies(ex -> {
				assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.INVALID_KEY_ID);
				assertThat(ex.getMessage()).contains("(request id gw-KMS.0205)");
			});
	}

	@Test
	void huaweiCodesMapOntoKeyportCodes() {
		assertThat(HuaweiKmsClient.errorCode(400, "KMS.0310")).isEqualTo(KmsErrorCode.INVALID_KEY_STATE);
		assertThat(HuaweiKmsClient.errorCode(400, "KMS.2702")).isEqualTo(KmsErrorCode.UNSUPPORTED_OPERATION);
		assertThat(HuaweiKmsClient.errorCode(400, "KMS.2601")).isEqualTo(KmsErrorCode.EXPIRED_IMPORT_TOKEN);
		assertThat(HuaweiKmsClient.errorCode(400, "KMS.2605")).isEqualTo(KmsErrorCode.INVALID_IMPORT_TOKEN);
		assertThat(HuaweiKmsClient.errorCode(400, "KMS.0311")).isEqualTo(KmsErrorCode.INVALID_CIPHERTEXT);
		assertThat(HuaweiKmsClient.errorCode(400, "KMS.2610")).isEqualTo(KmsErrorCode.INVALID_CIPHERTEXT);
		assertThat(HuaweiKmsClient.errorCode(400, "KMS.2606")).isEqualTo(KmsErrorCode.INCORRECT_KEY_MATERIAL);
		assertThat(HuaweiKmsClient.errorCode(400, "KMS.1104")).isEqualTo(KmsErrorCode.ALREADY_EXISTS);
		assertThat(HuaweiKmsClient.errorCode(400, "KMS.1105")).isEqualTo(KmsErrorCode.LIMIT_EXCEEDED);
		assertThat(HuaweiKmsClient.errorCode(500, "KMS.0104")).isEqualTo(KmsErrorCode.UNAVAILABLE);
		assertThat(HuaweiKmsClient.errorCode(403, "KMS.0306")).isEqualTo(KmsErrorCode.ACCESS_DENIED);
		assertThat(HuaweiKmsClient.errorCode(400, "KMS.0308")).isEqualTo(KmsErrorCode.VALIDATION);
		// the status decides only without a code Keyport knows
		assertThat(HuaweiKmsClient.errorCode(429, null)).isEqualTo(KmsErrorCode.THROTTLED);
		assertThat(HuaweiKmsClient.errorCode(502, "APIG.0202")).isEqualTo(KmsErrorCode.UNAVAILABLE);
		assertThat(HuaweiKmsClient.errorCode(400, "KMS.9999")).isEqualTo(KmsErrorCode.VALIDATION);
	}

	@Test
	void kmsInternalErrorsAreRetriedOnlyWhereARepetitionCannotHideThatTheFirstAttemptSucceeded() {
		this.stub.on("create-key", kmsError(500, "KMS.0101", "internal error"),
				ok("{\"key_info\":{\"key_id\":\"k\"}}"));
		// an import KMS carried out makes its repetition fail on the key's state
		this.stub.on("import-key-material", kmsError(500, "KMS.0101", "internal error"),
				kmsError(400, "KMS.0310", "state"));
		this.stub.on("delete-imported-key-material", kmsError(500, "KMS.0101", "internal error"),
				kmsError(400, "KMS.0310", "state"));

		HuaweiKmsClient client = client(FAST);
		client.call(Operation.CREATE_KEY, client.body(), client.deadline());
		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> client.call(Operation.IMPORT_KEY_MATERIAL, client.body(), client.deadline()))
			.satisfies(ex -> assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.INTERNAL));
		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> client.call(Operation.DELETE_IMPORTED_KEY_MATERIAL, client.body(), client.deadline()))
			.satisfies(ex -> assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.INTERNAL));

		assertThat(this.stub.requests("create-key")).hasSize(2);
		assertThat(this.stub.requests("import-key-material")).hasSize(1);
		assertThat(this.stub.requests("delete-imported-key-material")).hasSize(1);
	}

	@Test
	void aGatewayFailureIsRetriedOnlyForOperationsSafeToRepeat() {
		this.stub.on("describe-key", gatewayError(502, "APIG.0202", "backend unavailable"), ok("{}"));
		this.stub.on("import-key-material", gatewayError(502, "APIG.0202", "backend unavailable"), ok("{}"));
		HuaweiKmsClient client = client(FAST);

		client.call(Operation.DESCRIBE_KEY, client.body(), client.deadline());
		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> client.call(Operation.IMPORT_KEY_MATERIAL, client.body(), client.deadline()))
			.satisfies(ex -> assertThat(ex.isTransient()).isTrue());

		assertThat(this.stub.requests("describe-key")).hasSize(2);
		assertThat(this.stub.requests("import-key-material")).hasSize(1);
	}

	@Test
	void otherClientErrorsAreNotRetried() {
		this.stub.on("import-key-material", kmsError(400, "KMS.0310", "state"));

		HuaweiKmsClient client = client(FAST);
		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> client.call(Operation.IMPORT_KEY_MATERIAL, client.body(), client.deadline()))
			.satisfies(ex -> assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.INVALID_KEY_STATE));
		assertThat(this.stub.requests()).hasSize(1);
	}

	@Test
	void anAttemptWithoutAnswerTimesOutAndTheCallEndsWithinItsTimeout() {
		this.stub.on("describe-key", ok("{}").after(3_000));
		HuaweiKmsClient.Settings settings = new HuaweiKmsClient.Settings(Duration.ofSeconds(1), Duration.ofMillis(300),
				Duration.ofMillis(1_000), 10, Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofSeconds(60));
		HuaweiKmsClient client = client(settings);

		long start = System.nanoTime();
		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> client.call(Operation.DESCRIBE_KEY, client.body(), client.deadline()))
			.satisfies(ex -> {
				assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.UNAVAILABLE);
				assertThat(ex.isTransient()).isTrue();
			});
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1_800));
		assertThat(this.stub.requests("describe-key")).hasSizeBetween(2, 4);
	}

	@Test
	void anAnswerWhoseBodyStallsAfterItsHeadersEndsTheAttemptWithinItsTimeout() throws Exception {
		HuaweiKmsClient.Settings settings = new HuaweiKmsClient.Settings(Duration.ofSeconds(1), Duration.ofMillis(300),
				Duration.ofMillis(1_000), 4, Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofSeconds(60));
		try (StallingServer server = new StallingServer()) {
			HuaweiKmsClient client = new HuaweiKmsClient("hw", server.endpoint(), HuaweiStub.PROJECT, credentials(),
					settings, Clock.systemUTC());

			long start = System.nanoTime();
			assertThatExceptionOfType(KmsException.class)
				.isThrownBy(() -> client.call(Operation.IMPORT_KEY_MATERIAL, client.body(), client.deadline()))
				.satisfies(ex -> {
					assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.UNAVAILABLE);
					// the request went out: an import may have been carried out
					assertThat(ex.maybeSent()).isTrue();
				})
				.withMessageContaining("did not answer within 300 ms");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
			// not safe to repeat: sent once
			assertThat(server.connections()).hasValue(1);
		}
	}

	@Test
	void aConnectionFailureIsUnavailableAndKnownNotToHaveReachedKms() {
		HuaweiKmsClient client = new HuaweiKmsClient("hw", java.net.URI.create("http://127.0.0.1:1"),
				HuaweiStub.PROJECT, credentials(), FAST, Clock.systemUTC());

		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> client.call(Operation.IMPORT_KEY_MATERIAL, client.body(), client.deadline()))
			.satisfies(ex -> {
				assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.UNAVAILABLE);
				// an import that never left Keyport cannot have put material in the key
				assertThat(ex.maybeSent()).isFalse();
			})
			.withMessageContaining("cannot connect to Huawei KMS at 127.0.0.1");
	}

	@Test
	void messagesDropLongTokensHuaweiMightEcho() {
		String token = "A".repeat(300);
		assertThat(HuaweiKmsClient.sanitize("import token " + token + " is invalid"))
			.isEqualTo("import token [...] is invalid");
	}

	private HuaweiKmsClient client(HuaweiKmsClient.Settings settings) {
		return new HuaweiKmsClient("hw", this.stub.endpoint(), HuaweiStub.PROJECT, credentials(), settings,
				Clock.systemUTC());
	}

	private HuaweiKmsClient client(String target, HuaweiCredentials credentials, HuaweiKmsClient.Settings settings) {
		return new HuaweiKmsClient(target, this.stub.endpoint(), HuaweiStub.PROJECT, credentials, settings,
				Clock.systemUTC());
	}

	/**
	 * A secret of one test: refusals hold back the process's clients with the same
	 * credentials for a minute, so no two tests share one.
	 */
	static String wrongSecret() {
		return "wrong-secret-" + UUID.randomUUID();
	}

	static HuaweiCredentials credentials(String accessKey, String secretKey) {
		return HuaweiCredentials.of("hw", settings(), name -> switch (name) {
			case HuaweiCredentials.ENV_ACCESS_KEY -> accessKey;
			case HuaweiCredentials.ENV_SECRET_KEY -> secretKey;
			default -> null;
		});
	}

	static KmsTargetSettings settings() {
		return new KmsTargetSettings("huawei", "ap-southeast-1", null, null, null, HuaweiStub.PROJECT, null, null, null,
				false, null);
	}

	static HuaweiCredentials credentials() {
		return HuaweiCredentials.of("hw", settings(), name -> switch (name) {
			case HuaweiCredentials.ENV_ACCESS_KEY -> HuaweiStub.AK;
			case HuaweiCredentials.ENV_SECRET_KEY -> new String(HuaweiStub.SK);
			default -> null;
		});
	}

	/**
	 * Answers 200 with its headers and the first bytes of a longer body, then stalls for
	 * 30 s: past the JDK request timeout, which ends at the headers.
	 */
	private static final class StallingServer implements AutoCloseable {

		private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

		private final AtomicInteger connections = new AtomicInteger();

		private final CountDownLatch closed = new CountDownLatch(1);

		private final Thread acceptor = Thread.ofVirtual().start(this::serve);

		StallingServer() throws IOException {
		}

		URI endpoint() {
			return URI.create("http://127.0.0.1:" + this.socket.getLocalPort());
		}

		AtomicInteger connections() {
			return this.connections;
		}

		private void serve() {
			while (!this.socket.isClosed()) {
				try {
					Socket connection = this.socket.accept();
					this.connections.incrementAndGet();
					Thread.ofVirtual().start(() -> stall(connection));
				}
				catch (IOException ex) {
					return;
				}
			}
		}

		private void stall(Socket connection) {
			try (connection) {
				InputStream in = connection.getInputStream();
				byte[] request = new byte[8192];
				in.read(request);
				OutputStream out = connection.getOutputStream();
				out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"a\":")
					.getBytes(StandardCharsets.US_ASCII));
				out.flush();
				this.closed.await(30, TimeUnit.SECONDS);
			}
			catch (IOException | InterruptedException ex) {
				// the client gave up, or the test ended
			}
		}

		@Override
		public void close() throws IOException {
			this.closed.countDown();
			this.socket.close();
			this.acceptor.interrupt();
		}

	}

	private static HuaweiStub newStub() {
		try {
			return new HuaweiStub();
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
