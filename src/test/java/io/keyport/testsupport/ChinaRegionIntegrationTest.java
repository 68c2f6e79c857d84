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
		java.util.Map<String, String> properties = TestInfrastructure.instanceProperties("test-instance-china",
				TestInfrastructure.chinaEmulator());
		// a custodian, for material generated at the China length
		properties.put("keyport.custody.vault.type", "local-file");
		properties.put("keyport.custody.vault.key-file", localCustodyKey().toString());
		properties.put("keyport.custody.vault.allow-insecure-local-file", "true");
		IntegrationTest.register(registry, properties);
	}

	private static java.nio.file.Path localCustodyKey() {
		try {
			java.nio.file.Path file = java.nio.file.Files.createTempFile("keyport-china-custody", ".key");
			byte[] key = new byte[32];
			new java.security.SecureRandom().nextBytes(key);
			java.nio.file.Files.write(file, key);
			file.toFile().deleteOnExit();
			return file;
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	@BeforeEach
	void resetEmulatorFaults() {
		this.emulator.faults().clear();
		this.clock.set(java.time.Instant.ofEpochMilli(System.currentTimeMillis()));
	}

}
