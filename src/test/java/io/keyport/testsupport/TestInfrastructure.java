package io.keyport.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import io.keyport.emulator.KmsEmulator;
import io.keyport.emulator.MutableClock;

/**
 * The real parts integration tests run against, started once per test JVM: a PostgreSQL
 * server (embedded binary, no Docker) and the KMS emulator over HTTP. Both live until the
 * JVM exits.
 */
public final class TestInfrastructure {

	/**
	 * Shared by the service (as its Clock bean) and the emulator, so tests move time for
	 * both at once.
	 */
	public static final MutableClock CLOCK = MutableClock.startingNow();

	private static EmbeddedPostgres postgres;

	private static KmsEmulator emulator;

	private static org.springframework.context.ConfigurableApplicationContext authorizationServer;

	private static KmsEmulator chinaEmulator;

	/** The region of {@link #chinaEmulator()}: partition aws-cn. */
	public static final String CHINA_REGION = "cn-north-1";

	private TestInfrastructure() {
	}

	public static synchronized EmbeddedPostgres postgres() {
		if (postgres == null) {
			try {
				postgres = EmbeddedPostgres.builder().setPGStartupWait(Duration.ofSeconds(30)).start();
			}
			catch (IOException ex) {
				throw new UncheckedIOException("embedded PostgreSQL did not start", ex);
			}
			Runtime.getRuntime().addShutdownHook(new Thread(TestInfrastructure::closePostgres));
		}
		return postgres;
	}

	public static synchronized KmsEmulator emulator() {
		if (emulator == null) {
			emulator = KmsEmulator.builder().port(0).clock(CLOCK).start();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> emulator.close()));
		}
		return emulator;
	}

	/**
	 * The local OAuth2 authorization server, started on a random port, with the
	 * attacker-like test clients.
	 */
	public static synchronized String issuer() {
		if (authorizationServer == null) {
			authorizationServer = io.keyportdev.localauth.LocalAuthorizationServer.start(0, true);
			Runtime.getRuntime().addShutdownHook(new Thread(() -> authorizationServer.close()));
		}
		return io.keyportdev.localauth.LocalAuthorizationServer.issuer(authorizationServer);
	}

	/**
	 * A second emulator in a China region, for the China partition's rules; same clock.
	 */
	public static synchronized KmsEmulator chinaEmulator() {
		if (chinaEmulator == null) {
			chinaEmulator = KmsEmulator.builder().port(0).region(CHINA_REGION).clock(CLOCK).start();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> chinaEmulator.close()));
		}
		return chinaEmulator;
	}

	private static io.keyport.emulator.huawei.HuaweiKmsEmulator huaweiEmulator;

	/** The Huawei Cloud KMS emulator, signing checked against the shared clock. */
	public static synchronized io.keyport.emulator.huawei.HuaweiKmsEmulator huaweiEmulator() {
		if (huaweiEmulator == null) {
			huaweiEmulator = io.keyport.emulator.huawei.HuaweiKmsEmulator.builder().port(0).clock(CLOCK).start();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> huaweiEmulator.close()));
		}
		return huaweiEmulator;
	}

	/**
	 * Settings of a Keyport instance on the shared database, issuer and the given
	 * emulator, as every test context uses them: faults reach Keyport's own handling (no
	 * SDK retries), no pacing, per-client limits or refresh cooldown (they have their own
	 * tests), the lifecycle driven by tests rather than the scheduler.
	 */
	/** A named AWS target on the emulator, added to a context's properties. */
	public static void addAwsTarget(java.util.Map<String, String> properties, String name, KmsEmulator kms) {
		properties.put("keyport.kms.targets." + name + ".provider", "aws");
		properties.put("keyport.kms.targets." + name + ".region", kms.region());
		properties.put("keyport.kms.targets." + name + ".endpoint", kms.endpoint().toString());
	}

	public static java.util.Map<String, String> instanceProperties(String instanceId, KmsEmulator kms) {
		java.util.Map<String, String> properties = new java.util.LinkedHashMap<>();
		properties.put("spring.datasource.url", jdbcUrl());
		properties.put("spring.datasource.username", "postgres");
		properties.put("spring.datasource.password", "postgres");
		properties.put("keyport.kms.aws.endpoint", kms.endpoint().toString());
		properties.put("keyport.kms.aws.region", kms.region());
		properties.put("keyport.kms.aws.max-attempts", "1");
		for (String operation : java.util.List.of("get-parameters-for-import", "import-key-material", "describe-key",
				"other")) {
			properties.put("keyport.kms.rate-limits." + operation, "10000");
		}
		properties.put("keyport.import-jobs.refresh-cooldown", "0s");
		properties.put("keyport.lifecycle.enabled", "false");
		properties.put("keyport.lifecycle.batch-size", "1000");
		properties.put("keyport.lifecycle.refresh-margin", "3s");
		properties.put("keyport.lifecycle.instance-id", instanceId);
		properties.put("spring.security.oauth2.resourceserver.jwt.issuer-uri", issuer());
		properties.put("keyport.security.requests-per-second", "0");
		// the authorization server classes are on the test class path for the local one;
		// not part of Keyport
		properties.put("spring.autoconfigure.exclude", IntegrationTest.AUTHORIZATION_SERVER_AUTO_CONFIGURATIONS);
		return properties;
	}

	private static software.amazon.awssdk.services.kms.KmsClient kmsClient;

	/**
	 * An SDK client on the emulator, for tests that act on KMS directly (as another tool
	 * or person would); one for the test JVM.
	 */
	public static synchronized software.amazon.awssdk.services.kms.KmsClient kmsClient() {
		if (kmsClient == null) {
			kmsClient = newKmsClient();
		}
		return kmsClient;
	}

	private static software.amazon.awssdk.services.kms.KmsClient newKmsClient() {
		return software.amazon.awssdk.services.kms.KmsClient.builder()
			.endpointOverride(emulator().endpoint())
			.region(software.amazon.awssdk.regions.Region.of(emulator().region()))
			.credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider
				.create(software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("test", "test")))
			.build();
	}

	public static String jdbcUrl() {
		return postgres().getJdbcUrl("postgres", "postgres");
	}

	private static void closePostgres() {
		try {
			postgres.close();
		}
		catch (IOException ex) {
			// the JVM is exiting; nothing left to do
		}
	}

}
