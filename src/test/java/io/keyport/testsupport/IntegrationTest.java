package io.keyport.testsupport;

import java.time.Clock;

import org.junit.jupiter.api.BeforeEach;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.keyport.emulator.KmsEmulator;
import io.keyport.emulator.MutableClock;

/**
 * Base of integration tests: the whole application on a random port, on the embedded PostgreSQL (Flyway-migrated)
 * and the KMS emulator, reached by the real AWS SDK over HTTP. Nothing is mocked.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(IntegrationTest.SharedClock.class)
public abstract class IntegrationTest {

	static {
		// the AWS SDK's default credential chain reads these system properties
		System.setProperty("aws.accessKeyId", "AKIAKEYPORTTEST");
		System.setProperty("aws.secretAccessKey", "keyport-test-secret");
	}

	public static final String AUTHORIZATION_SERVER_AUTO_CONFIGURATIONS = "org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet.OAuth2AuthorizationServerAutoConfiguration,"
			+ "org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet.OAuth2AuthorizationServerJwtAutoConfiguration";

	protected final MutableClock clock = TestInfrastructure.CLOCK;

	protected final KmsEmulator emulator = TestInfrastructure.emulator();

	@DynamicPropertySource
	static void infrastructure(DynamicPropertyRegistry registry) {
		registry.add("keyport.kms.aws.endpoint", () -> TestInfrastructure.emulator().endpoint().toString());
		registry.add("keyport.kms.aws.region", () -> TestInfrastructure.emulator().region());
		common(registry);
	}

	/** Database, pacing, lifecycle and security settings every test context shares; the KMS endpoint is the caller's. */
	public static void common(DynamicPropertyRegistry registry) {
		registry.add("spring.datasource.url", TestInfrastructure::jdbcUrl);
		registry.add("spring.datasource.username", () -> "postgres");
		registry.add("spring.datasource.password", () -> "postgres");
		// faults injected at the emulator reach Keyport's own handling instead of the SDK's retries
		registry.add("keyport.kms.aws.max-attempts", () -> "1");
		// tests create many jobs quickly; the pacing itself has its own tests
		registry.add("keyport.kms.rate-limits.get-parameters-for-import", () -> "10000");
		registry.add("keyport.kms.rate-limits.import-key-material", () -> "10000");
		registry.add("keyport.kms.rate-limits.describe-key", () -> "10000");
		registry.add("keyport.kms.rate-limits.other", () -> "10000");
		// tests drive the lifecycle by calling it, not by waiting for the scheduler
		registry.add("keyport.lifecycle.enabled", () -> "false");
		registry.add("keyport.lifecycle.batch-size", () -> "1000");
		registry.add("keyport.lifecycle.refresh-margin", () -> "3s");
		registry.add("keyport.lifecycle.instance-id", () -> "test-instance-a");
		registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", TestInfrastructure::issuer);
		// tests make many calls from one client; the per-client limit has its own tests
		registry.add("keyport.security.requests-per-second", () -> "0");
		// the authorization server classes are on the test class path for the local one; not part of Keyport
		registry.add("spring.autoconfigure.exclude", () -> AUTHORIZATION_SERVER_AUTO_CONFIGURATIONS);
	}

	@BeforeEach
	void resetEmulatorFaults() {
		this.emulator.faults().clear();
		this.emulator.setParametersValidity(java.time.Duration.ofHours(24));
		this.clock.set(java.time.Instant.ofEpochMilli(System.currentTimeMillis()));
	}

	@TestConfiguration(proxyBeanMethods = false)
	public static class SharedClock {

		@Bean
		@Primary
		Clock testClock() {
			return TestInfrastructure.CLOCK;
		}

	}

}
