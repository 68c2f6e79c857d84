package io.keyport.testsupport;

import org.junit.jupiter.api.BeforeEach;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.keyport.emulator.KmsEmulator;
import io.keyport.emulator.MutableClock;

/**
 * Like {@link IntegrationTest}, but the service is configured for an AWS China region
 * ({@code cn-north-1}) and talks to an emulator in that region: the same PostgreSQL, a
 * second application context.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(IntegrationTest.SharedClock.class)
public abstract class ChinaRegionIntegrationTest {

	static {
		System.setProperty("aws.accessKeyId", "AKIAKEYPORTTEST");
		System.setProperty("aws.secretAccessKey", "keyport-test-secret");
	}

	protected final MutableClock clock = TestInfrastructure.CLOCK;

	protected final KmsEmulator emulator = TestInfrastructure.chinaEmulator();

	@DynamicPropertySource
	static void infrastructure(DynamicPropertyRegistry registry) {
		IntegrationTest.register(registry,
				TestInfrastructure.instanceProperties("test-instance-china", TestInfrastructure.chinaEmulator()));
	}

	@BeforeEach
	void resetEmulatorFaults() {
		this.emulator.faults().clear();
		this.clock.set(java.time.Instant.ofEpochMilli(System.currentTimeMillis()));
	}

}
