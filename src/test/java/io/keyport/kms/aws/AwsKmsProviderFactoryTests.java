package io.keyport.kms.aws;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.keyport.emulator.KmsEmulator;
import io.keyport.emulator.KmsFaults;
import io.keyport.emulator.MutableClock;
import io.keyport.kms.CreateKeyRequest;
import io.keyport.kms.KmsCallsInFlight;
import io.keyport.kms.KeyState;
import io.keyport.kms.KeyUsage;
import io.keyport.kms.KmsErrorCode;
import io.keyport.kms.KmsException;
import io.keyport.kms.KmsKey;
import io.keyport.kms.KmsProvider;
import io.keyport.kms.KmsRateLimitProperties;
import io.keyport.kms.KmsRateLimiter;
import io.keyport.kms.KmsTargetSettings;
import io.keyport.kms.PacedKmsProvider;
import io.keyport.wrapping.KeySpec;
import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.wrapping.WrappingKeySpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * AWS targets built by the factory, against the emulator over HTTP with the real SDK: a
 * target with default credentials (account A, the emulator's default) and one assuming a
 * role in account B through the emulator's STS.
 */
class AwsKmsProviderFactoryTests {

	static {
		// the source credentials: the SDK's default chain reads these system properties
		System.setProperty("aws.accessKeyId", "AKIAKEYPORTTEST");
		System.setProperty("aws.secretAccessKey", "keyport-test-secret");
	}

	static final String ACCOUNT_B = "222233334444";

	static final String ROLE_B = "arn:aws:iam::" + ACCOUNT_B + ":role/keyport-import";

	static final String EXTERNAL_ID = "keyport-b-7f3a";

	private static final MutableClock clock = MutableClock.startingNow();

	private static KmsEmulator emulator;

	private AwsKmsProviderFactory factory;

	@BeforeAll
	static void startEmulator() {
		emulator = KmsEmulator.builder().port(0).clock(clock).trustRole(ROLE_B, EXTERNAL_ID).start();
	}

	@AfterAll
	static void stopEmulator() {
		emulator.close();
	}

	@BeforeEach
	void newFactory() {
		this.factory = new AwsKmsProviderFactory(properties(null, null));
	}

	@AfterEach
	void closeFactory() {
		this.factory.close();
		emulator.reset();
		clock.set(Instant.now());
	}

	@Test
	void keysCreatedThroughTheRoleTargetAreInTheRolesAccountAndEachTargetSeesOnlyItsOwn() {
		KmsProvider a = this.factory.create("a", target(null, null));
		KmsProvider b = this.factory.create("b", target(ROLE_B, EXTERNAL_ID));

		KmsKey ofB = b.createExternalKey(request());
		KmsKey ofA = a.createExternalKey(request());

		assertThat(ofB.arn()).isEqualTo("arn:aws:kms:us-east-1:" + ACCOUNT_B + ":key/" + ofB.keyId());
		assertThat(ofB.state()).isEqualTo(KeyState.PENDING_IMPORT);
		assertThat(ofA.arn()).startsWith("arn:aws:kms:us-east-1:" + emulator.accountId() + ":key/");
		for (String reference : List.of(ofB.keyId(), ofB.arn())) {
			assertThatExceptionOfType(KmsException.class).isThrownBy(() -> a.describeKey(reference))
				.satisfies((ex) -> assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.KEY_NOT_FOUND));
		}
		for (String reference : List.of(ofA.keyId(), ofA.arn())) {
			assertThatExceptionOfType(KmsException.class).isThrownBy(() -> b.describeKey(reference))
				.satisfies((ex) -> assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.KEY_NOT_FOUND));
		}
		assertThat(b.describeKey(ofB.keyId()).arn()).isEqualTo(ofB.arn());
		assertThat(a.describeKey(ofA.arn()).keyId()).isEqualTo(ofA.keyId());
		// CreateKey of target B never reached account A, and B's calls all acted in B
		assertThat(emulator.callCount(emulator.accountId(), "CreateKey")).isEqualTo(1);
		assertThat(emulator.callCount(ACCOUNT_B, "CreateKey")).isEqualTo(1);
		assertThat(emulator.callCount(ACCOUNT_B, "DescribeKey")).isEqualTo(3);
		assertThat(emulator.assumedRoleSessions()).singleElement().satisfies((session) -> {
			assertThat(session.roleArn()).isEqualTo(ROLE_B);
			assertThat(session.sessionName()).isEqualTo("keyport-b");
		});
	}

	@Test
	void roleCredentialsAreCachedAcrossCallsAndRenewedInTheBackgroundBeforeTheyExpire() throws Exception {
		KmsProvider b = this.factory.create("b", target(ROLE_B, EXTERNAL_ID));
		// STS hands out a session of the default hour; on the emulator's clock it was
		// issued so that it expires in 90 s of real time (the SDK's cache runs on real
		// time): due for renewal, still usable
		clock.set(Instant.now().minus(Duration.ofHours(1)).plusSeconds(90));
		b.checkReachable();
		assertThat(emulator.assumeRoleCount()).isEqualTo(1);
		String first = emulator.assumedRoleSessions().get(0).accessKeyId();

		clock.set(Instant.now());
		// the next calls still use the first session while the second is fetched
		await(() -> {
			b.checkReachable();
			return emulator.assumedRoleSessions().size() == 2
					&& emulator.callCountWithAccessKey(emulator.assumedRoleSessions().get(1).accessKeyId()) > 0;
		});
		String second = emulator.assumedRoleSessions().get(1).accessKeyId();
		long signedWithSecond = emulator.callCountWithAccessKey(second);
		for (int i = 0; i < 20; i++) {
			b.checkReachable();
		}

		// the second session is good for an hour: no more AssumeRole, every later call
		// signed with it
		assertThat(emulator.assumeRoleCount()).isEqualTo(2);
		assertThat(emulator.callCountWithAccessKey(second)).isEqualTo(signedWithSecond + 20);
		assertThat(emulator.callCountWithAccessKey(first)).isPositive();
	}

	@Test
	void callsARepetitionIsNotSafeForAreSentOnceWhileReadsAreRetriedBySdk() {
		KmsProvider a = this.factory.create("a", target(null, null));
		assertThat(a.supportsDataKeys()).as("data keys for custody").isTrue();
		KmsKey key = a.createExternalKey(request());
		// KMS carries out a CreateKey whose answer is lost: a second attempt would make a
		// second key
		emulator.faults().failAfterExecutionEvery("CreateKey", 1, KmsFaults.Fault.INTERNAL);
		assertThatExceptionOfType(KmsException.class).isThrownBy(() -> a.createExternalKey(request()));
		assertThat(emulator.callCount("CreateKey")).isEqualTo(2);
		// each GetParametersForImport attempt spends the account's quota
		emulator.faults().clear().throttleEvery("GetParametersForImport", 1);
		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> a.getParametersForImport(key.keyId(), WrappingAlgorithm.RSAES_OAEP_SHA_256,
					WrappingKeySpec.RSA_2048))
			.satisfies((ex) -> assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.THROTTLED));
		assertThat(emulator.callCount("GetParametersForImport")).isEqualTo(1);
		// a read is safe to repeat: the SDK's three attempts
		emulator.faults().clear().failEvery("DescribeKey", 1, KmsFaults.Fault.INTERNAL);
		assertThatExceptionOfType(KmsException.class).isThrownBy(() -> a.describeKey(key.keyId()));
		assertThat(emulator.callCount("DescribeKey")).isEqualTo(3);
		emulator.faults().clear();
	}

	@Test
	void aCallThatFoundNoConnectionInAnyAttemptIsKnownNotSentAndOneThatReachedKmsIsNot() throws Exception {
		int closedPort;
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		KmsProvider nowhere = this.factory.create("nowhere", new KmsTargetSettings("aws", "us-east-1",
				URI.create("http://127.0.0.1:" + closedPort), null, null, null, null, null, null, false, null));
		assertThatExceptionOfType(KmsException.class).isThrownBy(() -> nowhere.describeKey("some-key"))
			.satisfies((ex) -> {
				assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.UNAVAILABLE);
				assertThat(ex.maybeSent()).isFalse();
			});

		KmsProvider a = this.factory.create("a", target(null, null));
		emulator.faults().failEvery("DescribeKey", 1, KmsFaults.Fault.INTERNAL);
		assertThatExceptionOfType(KmsException.class).isThrownBy(() -> a.describeKey("some-key"))
			.satisfies((ex) -> assertThat(ex.maybeSent()).isTrue());
		emulator.faults().clear();
	}

	@Test
	void kmsCallsBeyondTheInstancesBoundAreRefusedAtOnceAsNotSentWhileKmsIsSlow() throws Exception {
		KmsProvider a = this.factory.create("a", target(null, null));
		KmsKey key = a.createExternalKey(request());
		KmsCallsInFlight inFlight = new KmsCallsInFlight(2);
		KmsProvider paced = new PacedKmsProvider("a", a, KmsRateLimiter.total(100, Duration.ofSeconds(1)), List.of(),
				ObservationRegistry.NOOP, inFlight);
		emulator.faults().latency("DescribeKey", Duration.ofMillis(1500));
		try (ExecutorService slowCalls = Executors.newFixedThreadPool(2)) {
			List<Future<KmsKey>> slow = List.of(slowCalls.submit(() -> paced.describeKey(key.keyId())),
					slowCalls.submit(() -> paced.describeKey(key.keyId())));
			await(() -> inFlight.inFlight() == 2);
			long start = System.nanoTime();

			assertThatExceptionOfType(KmsException.class).isThrownBy(() -> paced.describeKey(key.keyId()))
				.satisfies((ex) -> {
					assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.THROTTLED);
					assertThat(ex.maybeSent()).isFalse();
					assertThat(ex.getMessage()).contains("keyport.kms.max-calls-in-flight");
				});
			// refused without waiting for KMS, whose answers take 1.5 s
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1000));
			for (Future<KmsKey> call : slow) {
				assertThat(call.get(10, TimeUnit.SECONDS).keyId()).isEqualTo(key.keyId());
			}
		}
		finally {
			emulator.faults().clear();
		}
		assertThat(inFlight.inFlight()).isZero();
		assertThat(paced.describeKey(key.keyId()).keyId()).isEqualTo(key.keyId());
	}

	@Test
	void aWrongExternalIdIsAccessDeniedNamingTheTargetAndRoleWithoutRetries() {
		KmsProvider b = this.factory.create("import-b", target(ROLE_B, "not-the-external-id"));

		assertThatExceptionOfType(KmsException.class).isThrownBy(() -> b.createExternalKey(request()))
			.satisfies((ex) -> {
				assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.ACCESS_DENIED);
				assertThat(ex.isTransient()).isFalse();
				assertThat(ex.operation()).isEqualTo("CreateKey");
				assertThat(ex.maybeSent()).as("maybe sent to KMS").isFalse();
				assertThat(ex.getMessage()).contains("KMS target 'import-b'")
					.contains(ROLE_B)
					.contains("AccessDenied")
					.doesNotContain("not-the-external-id");
			});
		// refused once by STS (not retried by the SDK), and KMS never called
		assertThat(emulator.assumeRoleCount()).isEqualTo(1);
		assertThat(emulator.callCount("CreateKey")).isZero();
	}

	@Test
	void settingsAwsCannotUseAreRefusedNamingTheTargetAndTheProperty() {
		Path file = Path.of("/run/secrets/ak");
		assertRefused(new KmsTargetSettings("aws", "us-east-1", null, null, null, "0123456789abcdef", null, null, null,
				false, null), "keyport.kms.targets.b.project-id");
		assertRefused(new KmsTargetSettings("aws", "us-east-1", null, null, null, null, file, null, null, false, null),
				"keyport.kms.targets.b.access-key-file");
		assertRefused(new KmsTargetSettings("aws", "us-east-1", null, null, null, null, null, file, null, false, null),
				"keyport.kms.targets.b.secret-key-file");
		assertRefused(new KmsTargetSettings("aws", "us-east-1", null, null, null, null, null, null, file, false, null),
				"keyport.kms.targets.b.security-token-file");
		assertRefused(new KmsTargetSettings("aws", "us-east-1", null, null, null, null, null, null, null, true, null),
				"keyport.kms.targets.b.legacy-algorithms");
		assertRefused(target(null, EXTERNAL_ID), "keyport.kms.targets.b.external-id");
		assertRefused(target("arn:aws:iam::2222:role/x", null), "keyport.kms.targets.b.role-arn");
		assertRefused(target("arn:aws:iam::222233334444:user/x", null), "keyport.kms.targets.b.role-arn");
		assertRefused(target(ROLE_B, "x"), "keyport.kms.targets.b.external-id");
		assertRefused(
				new KmsTargetSettings("huawei", "cn-north-4", null, null, null, null, null, null, null, false, null),
				"keyport.kms.targets.b.provider");
		// China and GovCloud roles are role ARNs too
		this.factory.create("cn", new KmsTargetSettings("aws", "cn-north-1", emulator.endpoint(),
				"arn:aws-cn:iam::222233334444:role/keyport", null, null, null, null, null, false, null));
		this.factory.create("gov", new KmsTargetSettings("aws", "us-gov-west-1", emulator.endpoint(),
				"arn:aws-us-gov:iam::222233334444:role/keyport", null, null, null, null, null, false, null));
	}

	@Test
	void theImplicitTargetUsesTheSharedRegionAndEndpoint() {
		try (AwsKmsProviderFactory shared = new AwsKmsProviderFactory(properties("us-east-1", emulator.endpoint()))) {
			KmsProvider implicit = shared.create("default", KmsTargetSettings.implicitAws());

			assertThat(implicit.region()).isEqualTo("us-east-1");
			assertThat(implicit.createExternalKey(request()).arn())
				.startsWith("arn:aws:kms:us-east-1:" + emulator.accountId() + ":key/");
			// a target naming its own region keeps it
			assertThat(shared
				.create("eu",
						new KmsTargetSettings("aws", "eu-central-1", emulator.endpoint(), null, null, null, null, null,
								null, false, null))
				.region()).isEqualTo("eu-central-1");
		}
	}

	@Test
	void aTargetsOwnEndpointBeatsTheSharedOne() {
		try (KmsEmulator other = KmsEmulator.builder().port(0).accountId("999988887777").start();
				AwsKmsProviderFactory shared = new AwsKmsProviderFactory(
						properties("us-east-1", emulator.endpoint()))) {
			KmsProvider target = shared.create("other", new KmsTargetSettings("aws", null, other.endpoint(), null, null,
					null, null, null, null, false, null));

			assertThat(target.region()).isEqualTo("us-east-1");
			assertThat(target.createExternalKey(request()).arn()).contains(":999988887777:key/");
			assertThat(emulator.callCount("CreateKey")).isZero();
		}
	}

	@Test
	void sessionNamesAreKeyportAndTheTargetInWhatStsAllows() {
		assertThat(AwsKmsProviderFactory.sessionName("b")).isEqualTo("keyport-b");
		assertThat(AwsKmsProviderFactory.sessionName("eu west/prod")).isEqualTo("keyport-eu-west-prod");
		assertThat(AwsKmsProviderFactory.sessionName("x".repeat(100))).hasSize(64).startsWith("keyport-x");
	}

	@Test
	void defaultPaceIsTodaysPerOperationPace() {
		KmsRateLimitProperties rateLimits = new KmsRateLimitProperties(0.2, 4, 50, 4, Duration.ofSeconds(10), 0.5, 0.5,
				3);
		assertThat(this.factory.provider()).isEqualTo("aws");
		assertThat(this.factory.defaultLimiter(rateLimits)).usingRecursiveComparison()
			.ignoringFieldsOfTypes(ThreadLocal.class)
			.isEqualTo(rateLimits.limiter());
	}

	@Test
	void closingTheFactoryClosesTheClientsOfEveryTarget() {
		KmsProvider a = this.factory.create("a", target(null, null));
		KmsProvider b = this.factory.create("b", target(ROLE_B, EXTERNAL_ID));
		a.checkReachable();
		b.checkReachable();

		this.factory.close();

		for (KmsProvider provider : List.of(a, b)) {
			assertThatExceptionOfType(RuntimeException.class).isThrownBy(provider::checkReachable);
		}
		assertThat(emulator.callCount("ListKeys")).isEqualTo(2);
	}

	@Test
	void targetsInOneAccountAndRegionShareAQuotaScopeWhateverTheirEndpointAndOthersDoNot() {
		String defaultCredentials = scope(null, "eu-west-1", null);
		String otherRole = "arn:aws:iam::" + ACCOUNT_B + ":role/keyport-other";

		// AWS counts GetParametersForImport's 0.25/s per account and Region: a VPC
		// endpoint of the Region is the same quota
		assertThat(scope(null, "eu-west-1", URI.create("https://vpce-1a2b.kms.eu-west-1.vpce.amazonaws.com")))
			.isEqualTo(defaultCredentials);
		assertThat(scope(ROLE_B, "eu-west-1", null)).isEqualTo(scope(otherRole, "eu-west-1", null))
			.isNotEqualTo(defaultCredentials)
			.contains(ACCOUNT_B, "eu-west-1");
		assertThat(scope(null, "us-east-1", null)).isNotEqualTo(defaultCredentials);
		assertThat(scope(ROLE_B, "us-east-1", null)).isNotEqualTo(scope(ROLE_B, "eu-west-1", null));
	}

	private String scope(String roleArn, String region, URI endpoint) {
		return this.factory
			.quotaScope("t",
					new KmsTargetSettings("aws", region, endpoint, roleArn, roleArn != null ? EXTERNAL_ID : null, null,
							null, null, null, false, null))
			.orElseThrow();
	}

	private void assertRefused(KmsTargetSettings settings, String property) {
		assertThatIllegalStateException().isThrownBy(() -> this.factory.create("b", settings))
			.withMessageContaining(property);
	}

	private static KmsTargetSettings target(String roleArn, String externalId) {
		return new KmsTargetSettings("aws", "us-east-1", emulator.endpoint(), roleArn, externalId, null, null, null,
				null, false, null);
	}

	private static AwsKmsProperties properties(String region, URI endpoint) {
		return new AwsKmsProperties(region, endpoint, emulator.endpoint(), Duration.ofSeconds(2), Duration.ofSeconds(5),
				Duration.ofSeconds(15), 3);
	}

	private static CreateKeyRequest request() {
		return new CreateKeyRequest(KeySpec.SYMMETRIC_DEFAULT, KeyUsage.ENCRYPT_DECRYPT, "test", null);
	}

	private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
			Thread.sleep(20);
		}
	}

}
