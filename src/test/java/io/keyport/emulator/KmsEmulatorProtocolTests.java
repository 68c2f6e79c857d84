package io.keyport.emulator;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AlgorithmSpec;
import software.amazon.awssdk.services.kms.model.DependencyTimeoutException;
import software.amazon.awssdk.services.kms.model.ExpirationModelType;
import software.amazon.awssdk.services.kms.model.GetParametersForImportResponse;
import software.amazon.awssdk.services.kms.model.InvalidArnException;
import software.amazon.awssdk.services.kms.model.KeyListEntry;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.KmsInternalException;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.kms.model.OriginType;
import software.amazon.awssdk.services.kms.model.WrappingKeySpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Wire protocol, key lifecycle, error mapping and fault injection, through the real AWS
 * SDK.
 */
class KmsEmulatorProtocolTests {

	private static final Instant START = Instant.parse("2026-03-01T10:00:00.123Z");

	private static KmsEmulator emulator;

	private static KmsClient kms;

	private final MutableClock clock = new MutableClock(START);

	@BeforeAll
	static void startEmulator() {
		emulator = KmsEmulator.builder().port(0).region("us-east-1").accountId("111122223333").start();
		kms = EmulatorTestSupport.client(emulator);
	}

	@AfterAll
	static void stopEmulator() {
		kms.close();
		emulator.close();
	}

	@BeforeEach
	void useTestClock() {
		emulator.setClock(this.clock);
	}

	@AfterEach
	void resetEmulator() {
		emulator.reset();
	}

	// Protocol and metadata

	@Test
	void describesExternalKeyWithAwsFieldsAndEmulatorClockTimestamps() {
		KeyMetadata created = kms
			.createKey((request) -> request.origin(OriginType.EXTERNAL).description("imported").multiRegion(false))
			.keyMetadata();

		KeyMetadata described = kms.describeKey((request) -> request.keyId(created.arn())).keyMetadata();

		assertThat(described).isEqualTo(created);
		assertThat(described.keyId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
		assertThat(described.arn()).isEqualTo("arn:aws:kms:us-east-1:111122223333:key/" + described.keyId());
		assertThat(described.awsAccountId()).isEqualTo("111122223333");
		assertThat(described.creationDate()).isEqualTo(START);
		assertThat(described.description()).isEqualTo("imported");
		assertThat(described.keyUsageAsString()).isEqualTo("ENCRYPT_DECRYPT");
		assertThat(described.keySpecAsString()).isEqualTo("SYMMETRIC_DEFAULT");
		assertThat(described.customerMasterKeySpecAsString()).isEqualTo("SYMMETRIC_DEFAULT");
		assertThat(described.encryptionAlgorithmsAsStrings()).containsExactly("SYMMETRIC_DEFAULT");
		assertThat(described.keyManagerAsString()).isEqualTo("CUSTOMER");
		assertThat(described.multiRegion()).isFalse();
		assertThat(described.keyState()).isEqualTo(KeyState.PENDING_IMPORT);
	}

	@ParameterizedTest
	@CsvSource({ "RSA_2048, SIGN_VERIFY, RSASSA_PKCS1_V1_5_SHA_256", "RSA_4096, ENCRYPT_DECRYPT, RSAES_OAEP_SHA_1",
			"ECC_NIST_P384, SIGN_VERIFY, ECDSA_SHA_384", "ECC_NIST_P521, KEY_AGREEMENT, ECDH",
			"ECC_SECG_P256K1, SIGN_VERIFY, ECDSA_SHA_256", "HMAC_224, GENERATE_VERIFY_MAC, HMAC_SHA_224" })
	void reportsTheAlgorithmsOfKeySpecAndUsage(String spec, KeyUsageType usage, String firstAlgorithm) {
		KeyMetadata metadata = kms.createKey((request) -> request.keySpec(spec).keyUsage(usage)).keyMetadata();

		List<String> algorithms = new ArrayList<>();
		algorithms.addAll(metadata.encryptionAlgorithmsAsStrings());
		algorithms.addAll(metadata.signingAlgorithmsAsStrings());
		algorithms.addAll(metadata.keyAgreementAlgorithmsAsStrings());
		algorithms.addAll(metadata.macAlgorithmsAsStrings());
		assertThat(algorithms).first().isEqualTo(firstAlgorithm);
		assertThat(metadata.keyState()).isEqualTo(KeyState.ENABLED);
		assertThat(metadata.origin()).isEqualTo(OriginType.AWS_KMS);
	}

	@Test
	void refusesKeyUsageThatDoesNotFitTheKeySpec() {
		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> kms.createKey((request) -> request.keySpec(KeySpec.ECC_NIST_P256)))
			.satisfies((ex) -> assertThat(ex.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
	}

	@Test
	void getPublicKeyOfGeneratedEccKeyIsAnSpkiOnItsCurve() throws Exception {
		String keyId = kms
			.createKey((request) -> request.keySpec(KeySpec.ECC_NIST_P256).keyUsage(KeyUsageType.SIGN_VERIFY))
			.keyMetadata()
			.keyId();

		SdkBytes spki = kms.getPublicKey((request) -> request.keyId(keyId)).publicKey();

		var publicKey = (java.security.interfaces.ECPublicKey) java.security.KeyFactory.getInstance("EC")
			.generatePublic(new java.security.spec.X509EncodedKeySpec(spki.asByteArray()));
		assertThat(publicKey.getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
	}

	@Test
	void listsKeysPageByPageInCreationOrder() {
		List<String> created = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			created.add(kms.createKey((request) -> request.origin(OriginType.EXTERNAL)).keyMetadata().keyId());
		}

		var firstPage = kms.listKeys((request) -> request.limit(2));
		List<String> paged = kms.listKeysPaginator((request) -> request.limit(2))
			.keys()
			.stream()
			.map(KeyListEntry::keyId)
			.toList();

		assertThat(firstPage.truncated()).isTrue();
		assertThat(firstPage.keys()).hasSize(2);
		assertThat(firstPage.nextMarker()).isNotBlank();
		assertThat(paged).containsExactlyElementsOf(created);
		assertThat(emulator.callCount("ListKeys")).isEqualTo(1 + 3);
	}

	@Test
	void rejectsUnknownMarker() {
		assertThatExceptionOfType(software.amazon.awssdk.services.kms.model.InvalidMarkerException.class)
			.isThrownBy(() -> kms.listKeys((request) -> request.marker("not-a-marker")));
	}

	@Test
	void answersUnknownKeyWithNotFoundAndMalformedArnWithInvalidArn() {
		String id = "1234abcd-12ab-34cd-56ef-1234567890ab";

		assertThatExceptionOfType(NotFoundException.class)
			.isThrownBy(() -> kms.describeKey((request) -> request.keyId(id)))
			.withMessageStartingWith("Key 'arn:aws:kms:us-east-1:111122223333:key/" + id + "' does not exist")
			.satisfies((ex) -> assertThat(ex.statusCode()).isEqualTo(400));
		assertThatExceptionOfType(InvalidArnException.class)
			.isThrownBy(() -> kms.describeKey((request) -> request.keyId("arn:aws:s3:::bucket")));
	}

	@Test
	void deletesKeyWhenItsDeletionDatePasses() {
		String keyId = kms.createKey((request) -> request.origin(OriginType.EXTERNAL)).keyMetadata().keyId();
		kms.scheduleKeyDeletion((request) -> request.keyId(keyId).pendingWindowInDays(7));

		this.clock.advance(Duration.ofDays(7));

		assertThatExceptionOfType(NotFoundException.class)
			.isThrownBy(() -> kms.describeKey((request) -> request.keyId(keyId)));
		assertThat(kms.listKeys().keys()).isEmpty();
	}

	@Test
	void validatesDeletionWindowAndKeyStateChanges() {
		String keyId = kms.createKey((request) -> request.description("generated")).keyMetadata().keyId();

		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> kms.scheduleKeyDeletion((request) -> request.keyId(keyId).pendingWindowInDays(6)))
			.satisfies((ex) -> assertThat(ex.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
		kms.disableKey((request) -> request.keyId(keyId));
		assertThat(state(keyId)).isEqualTo(KeyState.DISABLED);
		kms.enableKey((request) -> request.keyId(keyId));
		assertThat(state(keyId)).isEqualTo(KeyState.ENABLED);
		var scheduled = kms.scheduleKeyDeletion((request) -> request.keyId(keyId));
		assertThat(scheduled.pendingWindowInDays()).isEqualTo(30);
		assertThatExceptionOfType(KmsInvalidStateException.class)
			.isThrownBy(() -> kms.enableKey((request) -> request.keyId(keyId)));
		kms.cancelKeyDeletion((request) -> request.keyId(keyId));
		assertThat(state(keyId)).isEqualTo(KeyState.DISABLED);

		String externalKeyId = kms.createKey((request) -> request.origin(OriginType.EXTERNAL)).keyMetadata().keyId();
		assertThatExceptionOfType(KmsInvalidStateException.class)
			.isThrownBy(() -> kms.enableKey((request) -> request.keyId(externalKeyId)));
	}

	@Test
	void answersOperationsItDoesNotEmulateWithUnknownOperationException() {
		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> kms.encrypt((request) -> request.keyId("1234abcd-12ab-34cd-56ef-1234567890ab")
				.plaintext(SdkBytes.fromUtf8String("x"))))
			.satisfies((ex) -> {
				assertThat(ex.awsErrorDetails().errorCode()).isEqualTo("UnknownOperationException");
				assertThat(ex.statusCode()).isEqualTo(400);
			});
		assertThat(emulator.callCount("Encrypt")).isEqualTo(1);
	}

	@Test
	void speaksJson11OnTheWireForRawClients() throws Exception {
		try (HttpClient http = HttpClient.newHttpClient()) {
			HttpResponse<String> unknown = post(http, "TrentService.Frobnicate", "{}");
			HttpResponse<String> malformed = post(http, "TrentService.DescribeKey", "{not json");
			HttpResponse<String> created = post(http, "TrentService.CreateKey", "{\"Origin\":\"EXTERNAL\"}");

			assertThat(unknown.statusCode()).isEqualTo(400);
			assertThat(unknown.body()).contains("\"__type\":\"UnknownOperationException\"");
			assertThat(malformed.statusCode()).isEqualTo(400);
			assertThat(malformed.body()).contains("\"__type\":\"SerializationException\"");
			assertThat(created.statusCode()).isEqualTo(200);
			assertThat(created.headers().firstValue("Content-Type")).hasValue("application/x-amz-json-1.1");
			assertThat(created.body()).contains("\"CreationDate\":" + START.getEpochSecond() + ".123");
		}
	}

	@Test
	void appliesChinaRegionImportRulesInCnRegions() throws Exception {
		try (KmsEmulator china = KmsEmulator.builder().region("cn-north-1").start();
				KmsClient chinaKms = EmulatorTestSupport.client(china)) {
			String keyId = chinaKms.createKey((request) -> request.origin(OriginType.EXTERNAL)).keyMetadata().keyId();

			assertThatExceptionOfType(KmsException.class)
				.isThrownBy(() -> chinaKms.getParametersForImport((request) -> request.keyId(keyId)
					.wrappingAlgorithm(AlgorithmSpec.RSA_AES_KEY_WRAP_SHA_256)
					.wrappingKeySpec(WrappingKeySpec.RSA_2048)))
				.satisfies((ex) -> assertThat(ex.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
			GetParametersForImportResponse parameters = chinaKms
				.getParametersForImport((request) -> request.keyId(keyId)
					.wrappingAlgorithm(AlgorithmSpec.RSAES_OAEP_SHA_256)
					.wrappingKeySpec(WrappingKeySpec.RSA_2048));
			assertThat(parameters.keyId()).startsWith("arn:aws:kms:cn-north-1:");
			// Symmetric keys in China Regions are SM4 keys: 16 bytes of material.
			byte[] encrypted = EmulatorTestSupport.wrap(AlgorithmSpec.RSAES_OAEP_SHA_256, parameters.publicKey(),
					EmulatorTestSupport.random(16));
			chinaKms.importKeyMaterial((request) -> request.keyId(keyId)
				.importToken(parameters.importToken())
				.encryptedKeyMaterial(SdkBytes.fromByteArray(encrypted))
				.expirationModel(ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE));
			assertThat(chinaKms.describeKey((request) -> request.keyId(keyId)).keyMetadata().keyState())
				.isEqualTo(KeyState.ENABLED);
		}
	}

	// Fault injection

	@Test
	void throttlesEveryNthCallWithThrottlingException() {
		String keyId = kms.createKey((request) -> request.description("throttled")).keyMetadata().keyId();
		emulator.faults().throttleEvery("DescribeKey", 2);

		List<Boolean> throttled = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			try {
				kms.describeKey((request) -> request.keyId(keyId));
				throttled.add(false);
			}
			catch (KmsException ex) {
				assertThat(ex.isThrottlingException()).isTrue();
				assertThat(ex.statusCode()).isEqualTo(400);
				assertThat(ex.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
				throttled.add(true);
			}
		}

		assertThat(throttled).containsExactly(false, true, false, true);
		assertThat(emulator.callCount("DescribeKey")).isEqualTo(4);
		assertThat(emulator.callCount("CreateKey")).isEqualTo(1);
	}

	@Test
	void retryingClientGetsThroughThrottling() {
		emulator.faults().throttleEvery("CreateKey", 2);
		try (KmsClient retrying = retryingClient()) {
			retrying.createKey((request) -> request.description("first"));

			KeyMetadata second = retrying.createKey((request) -> request.description("second")).keyMetadata();

			assertThat(second.description()).isEqualTo("second");
			assertThat(emulator.callCount("CreateKey")).isEqualTo(3);
			assertThat(kms.listKeys().keys()).hasSize(2);
		}
	}

	@Test
	void failsEveryNthCallWithModeledServerErrors() {
		emulator.faults()
			.failEvery("ListKeys", 1, KmsFaults.Fault.INTERNAL)
			.failEvery("DescribeKey", 1, KmsFaults.Fault.DEPENDENCY_TIMEOUT)
			.failEvery("CreateKey", 1, "DependencyTimeoutException", 503);

		assertThatExceptionOfType(KmsInternalException.class).isThrownBy(() -> kms.listKeys())
			.satisfies((ex) -> assertThat(ex.statusCode()).isEqualTo(500));
		assertThatExceptionOfType(DependencyTimeoutException.class)
			.isThrownBy(() -> kms.describeKey((request) -> request.keyId("1234abcd-12ab-34cd-56ef-1234567890ab")))
			.satisfies((ex) -> assertThat(ex.statusCode()).isEqualTo(500));
		assertThatExceptionOfType(DependencyTimeoutException.class).isThrownBy(() -> kms.createKey())
			.satisfies((ex) -> assertThat(ex.statusCode()).isEqualTo(503));

		emulator.faults().clear();
		assertThat(kms.listKeys().keys()).isEmpty();
	}

	@Test
	void failAfterExecutionAppliesTheChangeButLosesTheAnswer() {
		emulator.faults().failAfterExecutionEvery("CreateKey", 1, KmsFaults.Fault.INTERNAL);

		assertThatExceptionOfType(KmsInternalException.class).isThrownBy(() -> kms.createKey());

		emulator.faults().clear("CreateKey");
		assertThat(kms.listKeys().keys()).hasSize(1);
	}

	@Test
	void wildcardFaultsApplyToEveryOperation() {
		emulator.faults().throttleEvery(KmsFaults.ALL_OPERATIONS, 1);

		assertThatExceptionOfType(KmsException.class).isThrownBy(() -> kms.listKeys())
			.satisfies((ex) -> assertThat(ex.isThrottlingException()).isTrue());
		assertThatExceptionOfType(KmsException.class).isThrownBy(() -> kms.createKey())
			.satisfies((ex) -> assertThat(ex.isThrottlingException()).isTrue());
	}

	@Test
	void addsLatencyToOneOperationOnly() {
		emulator.faults().latency("ListKeys", Duration.ofMillis(300));

		long listStart = System.nanoTime();
		kms.listKeys();
		Duration listTook = Duration.ofNanos(System.nanoTime() - listStart);
		long createStart = System.nanoTime();
		kms.createKey();
		Duration createTook = Duration.ofNanos(System.nanoTime() - createStart);

		assertThat(listTook).isGreaterThanOrEqualTo(Duration.ofMillis(300));
		assertThat(createTook).isLessThan(Duration.ofMillis(300));
	}

	@Test
	void importsConcurrentlyIntoManyKeys() throws Exception {
		int keys = 8;
		List<Callable<KeyState>> imports = new ArrayList<>();
		for (int i = 0; i < keys; i++) {
			imports.add(() -> {
				String keyId = kms.createKey((request) -> request.origin(OriginType.EXTERNAL)).keyMetadata().keyId();
				GetParametersForImportResponse parameters = kms.getParametersForImport((request) -> request.keyId(keyId)
					.wrappingAlgorithm(AlgorithmSpec.RSAES_OAEP_SHA_256)
					.wrappingKeySpec(WrappingKeySpec.RSA_2048));
				byte[] encrypted = EmulatorTestSupport.wrap(AlgorithmSpec.RSAES_OAEP_SHA_256, parameters.publicKey(),
						EmulatorTestSupport.random(32));
				kms.importKeyMaterial((request) -> request.keyId(keyId)
					.importToken(parameters.importToken())
					.encryptedKeyMaterial(SdkBytes.fromByteArray(encrypted))
					.expirationModel(ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE));
				return state(keyId);
			});
		}

		List<KeyState> states = new ArrayList<>();
		try (ExecutorService executor = Executors.newFixedThreadPool(4)) {
			for (Future<KeyState> result : executor.invokeAll(imports)) {
				states.add(result.get());
			}
		}

		assertThat(states).hasSize(keys).containsOnly(KeyState.ENABLED);
		assertThat(emulator.callCount("ImportKeyMaterial")).isEqualTo(keys);
	}

	// Helpers

	private static KeyState state(String keyId) {
		return kms.describeKey((request) -> request.keyId(keyId)).keyMetadata().keyState();
	}

	private static KmsClient retryingClient() {
		return KmsClient.builder()
			.endpointOverride(emulator.endpoint())
			.region(Region.US_EAST_1)
			.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
			.httpClientBuilder(ApacheHttpClient.builder())
			.overrideConfiguration((config) -> config.retryStrategy(AwsRetryStrategy.standardRetryStrategy()
				.toBuilder()
				.backoffStrategy(BackoffStrategy.fixedDelay(Duration.ofMillis(10)))
				.throttlingBackoffStrategy(BackoffStrategy.fixedDelay(Duration.ofMillis(10)))
				.build()))
			.build();
	}

	private static HttpResponse<String> post(HttpClient http, String target, String body) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(emulator.endpoint().resolve("/"))
			.header("X-Amz-Target", target)
			.header("Content-Type", "application/x-amz-json-1.1")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		return http.send(request, HttpResponse.BodyHandlers.ofString());
	}

}
