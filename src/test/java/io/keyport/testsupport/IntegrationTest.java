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
 * Base of integration tests: the whole application on a random port, on the embedded
 * PostgreSQL (Flyway-migrated) and the KMS emulator, reached by the real AWS SDK over
 * HTTP. Nothing is mocked.
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
		register(registry, TestInfrastructure.instanceProperties("test-instance-a", TestInfrastructure.emulator()));
	}

	/** Adds instance settings to a test context. */
	public static void register(DynamicPropertyRegistry registry, java.util.Map<String, String> properties) {
		properties.forEach((name, value) -> registry.add(name, () -> value));
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
