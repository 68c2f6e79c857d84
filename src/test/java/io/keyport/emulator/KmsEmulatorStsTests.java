package io.keyport.emulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyListEntry;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.kms.model.OriginType;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.StsException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The emulator's STS AssumeRole (query protocol, with the real SDK) and its accounts:
 * keys belong to the account of the caller's credentials, as in AWS, while callers
 * without assumed-role credentials keep sharing the default account.
 */
class KmsEmulatorStsTests {

	static final String ROLE = "arn:aws:iam::222233334444:role/keyport-import";

	static final String EXTERNAL_ID = "keyport-external-1";

	static final String OPEN_ROLE = "arn:aws:iam::333344445555:role/keyport-open";

	private static final MutableClock clock = MutableClock.startingNow();

	private static KmsEmulator emulator;

	private static StsClient sts;

	private static KmsClient kms;

	@BeforeAll
	static void startEmulator() {
		emulator = KmsEmulator.builder().port(0).clock(clock).trustRole(ROLE, EXTERNAL_ID).start();
		emulator.trustRole(OPEN_ROLE, null);
		sts = StsClient.builder()
			.endpointOverride(emulator.endpoint())
			.region(Region.US_EAST_1)
			.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
			.httpClientBuilder(ApacheHttpClient.builder())
			.overrideConfiguration((config) -> config.retryStrategy(AwsRetryStrategy.doNotRetry()))
			.build();
		kms = EmulatorTestSupport.client(emulator);
	}

	@AfterAll
	static void stopEmulator() {
		kms.close();
		sts.close();
		emulator.close();
	}

	@AfterEach
	void resetEmulator() {
		emulator.reset();
		clock.set(Instant.now());
	}

	@Test
	void assumeRoleIssuesCredentialsOfTheRolesAccountValidForTheRequestedDuration() {
		Instant now = Instant.parse("2026-03-01T10:15:30.250Z");
		clock.set(now);
		AssumeRoleResponse response = sts.assumeRole((request) -> request.roleArn(ROLE)
			.roleSessionName("keyport-b")
			.externalId(EXTERNAL_ID)
			.durationSeconds(900));

		assertThat(response.credentials().accessKeyId()).startsWith("ASIA222233334444").hasSize(20);
		assertThat(response.credentials().secretAccessKey()).isNotBlank();
		assertThat(response.credentials().sessionToken()).isNotBlank();
		assertThat(response.credentials().expiration()).isEqualTo(now.plusSeconds(900).truncatedTo(ChronoUnit.SECONDS));
		assertThat(response.assumedRoleUser().arn())
			.isEqualTo("arn:aws:sts::222233334444:assumed-role/keyport-import/keyport-b");
		assertThat(response.assumedRoleUser().assumedRoleId()).startsWith("AROA").endsWith(":keyport-b");
		assertThat(emulator.accountOf(response.credentials().accessKeyId())).isEqualTo("222233334444");
		assertThat(emulator.assumeRoleCount()).isEqualTo(1);
		assertThat(emulator.assumedRoleSessions()).singleElement().satisfies((session) -> {
			assertThat(session.accessKeyId()).isEqualTo(response.credentials().accessKeyId());
			assertThat(session.roleArn()).isEqualTo(ROLE);
			assertThat(session.sessionName()).isEqualTo("keyport-b");
		});
		// without DurationSeconds: AWS's default of one hour
		assertThat(sts.assumeRole((request) -> request.roleArn(OPEN_ROLE).roleSessionName("s1"))
			.credentials()
			.expiration()).isEqualTo(now.plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS));
	}

	@Test
	void assumeRoleAnswersAccessDeniedForAWrongOrMissingExternalIdAndForRolesNotTrusted() {
		for (String externalId : new String[] { "keyport-external-2", null }) {
			assertThatExceptionOfType(StsException.class)
				.isThrownBy(() -> sts
					.assumeRole((request) -> request.roleArn(ROLE).roleSessionName("keyport-b").externalId(externalId)))
				.satisfies((ex) -> {
					assertThat(ex.statusCode()).isEqualTo(403);
					assertThat(ex.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
					assertThat(ex.awsErrorDetails().errorMessage())
						.contains("not authorized to perform: sts:AssumeRole on resource: " + ROLE);
				});
		}
		assertThatExceptionOfType(StsException.class)
			.isThrownBy(() -> sts.assumeRole((request) -> request.roleArn("arn:aws:iam::222233334444:role/someone-else")
				.roleSessionName("keyport-b")
				.externalId(EXTERNAL_ID)))
			.satisfies((ex) -> assertThat(ex.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
		emulator.distrustRole(OPEN_ROLE);
		try {
			assertThatExceptionOfType(StsException.class)
				.isThrownBy(() -> sts.assumeRole((request) -> request.roleArn(OPEN_ROLE).roleSessionName("s1")))
				.satisfies((ex) -> assertThat(ex.statusCode()).isEqualTo(403));
		}
		finally {
			emulator.trustRole(OPEN_ROLE, null);
		}
		assertThat(emulator.assumeRoleCount()).isEqualTo(4);
		assertThat(emulator.assumedRoleSessions()).isEmpty();
	}

	@Test
	void assumeRoleRefusesDurationsAndSessionNamesAwsRefuses() {
		for (int seconds : new int[] { 899, 3601 }) {
			assertThatExceptionOfType(StsException.class)
				.isThrownBy(() -> sts
					.assumeRole((request) -> request.roleArn(OPEN_ROLE).roleSessionName("s1").durationSeconds(seconds)))
				.satisfies((ex) -> {
					assertThat(ex.statusCode()).isEqualTo(400);
					assertThat(ex.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
				});
		}
		assertThatExceptionOfType(StsException.class)
			.isThrownBy(() -> sts.assumeRole((request) -> request.roleArn(OPEN_ROLE).roleSessionName("a b")))
			.satisfies((ex) -> assertThat(ex.awsErrorDetails().errorCode()).isEqualTo("ValidationError"));
	}

	@Test
	void getCallerIdentityAnswersTheAccountOfTheCallersCredentials() {
		assertThat(sts.getCallerIdentity().account()).isEqualTo(emulator.accountId());
		Credentials session = sts
			.assumeRole((request) -> request.roleArn(OPEN_ROLE).roleSessionName("keyport-identity"))
			.credentials();
		try (StsClient assumed = StsClient.builder()
			.endpointOverride(emulator.endpoint())
			.region(Region.US_EAST_1)
			.credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create(session.accessKeyId(),
					session.secretAccessKey(), session.sessionToken())))
			.httpClientBuilder(ApacheHttpClient.builder())
			.build()) {
			assertThat(assumed.getCallerIdentity().account()).isEqualTo("333344445555");
		}
	}

	@Test
	void otherStsActionsAreAnsweredInvalidActionInXml() throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(emulator.endpoint() + "/"))
				.header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
				.POST(HttpRequest.BodyPublishers.ofString("Action=GetSessionToken&Version=2011-06-15"))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("text/xml");
		assertThat(response.body()).contains("<Code>InvalidAction</Code>");
	}

	@Test
	void keysBelongToTheAccountOfTheCallersCredentialsAndAreNotFoundFromAnother() {
		try (StsAssumeRoleCredentialsProvider role = StsAssumeRoleCredentialsProvider.builder()
			.stsClient(sts)
			.refreshRequest((request) -> request.roleArn(ROLE).roleSessionName("keyport-b").externalId(EXTERNAL_ID))
			.build(); KmsClient accountB = client(role)) {
			KeyMetadata ofB = accountB.createKey((request) -> request.origin(OriginType.EXTERNAL)).keyMetadata();
			KeyMetadata ofDefault = kms.createKey((request) -> request.origin(OriginType.EXTERNAL)).keyMetadata();

			assertThat(ofB.arn()).isEqualTo("arn:aws:kms:us-east-1:222233334444:key/" + ofB.keyId());
			assertThat(ofB.awsAccountId()).isEqualTo("222233334444");
			assertThat(ofDefault.arn()).startsWith("arn:aws:kms:us-east-1:" + emulator.accountId() + ":key/");
			for (String reference : new String[] { ofB.keyId(), ofB.arn() }) {
				assertThatExceptionOfType(NotFoundException.class)
					.isThrownBy(() -> kms.describeKey((request) -> request.keyId(reference)));
			}
			for (String reference : new String[] { ofDefault.keyId(), ofDefault.arn() }) {
				assertThatExceptionOfType(NotFoundException.class)
					.isThrownBy(() -> accountB.describeKey((request) -> request.keyId(reference)));
			}
			assertThat(accountB.describeKey((request) -> request.keyId(ofB.arn())).keyMetadata().keyId())
				.isEqualTo(ofB.keyId());
			assertThat(accountB.listKeys().keys()).extracting(KeyListEntry::keyArn).containsExactly(ofB.arn());
			assertThat(kms.listKeys().keys()).extracting(KeyListEntry::keyArn).containsExactly(ofDefault.arn());
			// aliases are per account too: the same name in both
			kms.createAlias((request) -> request.aliasName("alias/same").targetKeyId(ofDefault.keyId()));
			accountB.createAlias((request) -> request.aliasName("alias/same").targetKeyId(ofB.keyId()));
			assertThat(accountB.describeKey((request) -> request.keyId("alias/same")).keyMetadata().keyId())
				.isEqualTo(ofB.keyId());

			assertThat(emulator.callCount("222233334444", "CreateKey")).isEqualTo(1);
			assertThat(emulator.callCount(emulator.accountId(), "CreateKey")).isEqualTo(1);
			assertThat(emulator.callCount("CreateKey")).isEqualTo(2);
			String sessionKey = emulator.assumedRoleSessions().get(0).accessKeyId();
			assertThat(emulator.callCountWithAccessKey(sessionKey)).isEqualTo(7);
		}
	}

	@Test
	void callersWithoutAssumedRoleCredentialsShareTheDefaultAccount() {
		try (KmsClient other = client(
				StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAKEYPORTTEST", "other-secret")))) {
			String keyId = kms.createKey((request) -> request.origin(OriginType.EXTERNAL)).keyMetadata().keyId();
			assertThat(other.describeKey((request) -> request.keyId(keyId)).keyMetadata().awsAccountId())
				.isEqualTo(emulator.accountId());
			assertThat(emulator.accountOf("AKIAKEYPORTTEST")).isEqualTo(emulator.accountId());
			assertThat(emulator.accountOf(null)).isEqualTo(emulator.accountId());
		}
	}

	@Test
	void resetForgetsTheKeysOfEveryAccountButKeepsTheTrustedRoles() {
		try (StsAssumeRoleCredentialsProvider role = StsAssumeRoleCredentialsProvider.builder()
			.stsClient(sts)
			.refreshRequest((request) -> request.roleArn(OPEN_ROLE).roleSessionName("s1"))
			.build(); KmsClient accountC = client(role)) {
			String keyArn = accountC.createKey((request) -> request.origin(OriginType.EXTERNAL)).keyMetadata().arn();
			emulator.reset();
			assertThat(emulator.assumeRoleCount()).isZero();
			assertThatExceptionOfType(NotFoundException.class)
				.isThrownBy(() -> accountC.describeKey((request) -> request.keyId(keyArn)));
			assertThat(sts.assumeRole((request) -> request.roleArn(OPEN_ROLE).roleSessionName("s2"))
				.credentials()
				.accessKeyId()).startsWith("ASIA333344445555");
		}
	}

	private static KmsClient client(software.amazon.awssdk.auth.credentials.AwsCredentialsProvider credentials) {
		return KmsClient.builder()
			.endpointOverride(emulator.endpoint())
			.region(Region.US_EAST_1)
			.credentialsProvider(credentials)
			.httpClientBuilder(ApacheHttpClient.builder())
			.overrideConfiguration((config) -> config.retryStrategy(AwsRetryStrategy.doNotRetry()))
			.build();
	}

}
