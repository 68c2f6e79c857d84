package io.keyport;

import java.time.Duration;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import org.springframework.boot.SpringApplication;

import io.keyport.emulator.KmsEmulator;

/**
 * The local run ({@code ./mvnw spring-boot:test-run}): Keyport on port 8080 with a real PostgreSQL (embedded binary)
 * and the KMS emulator on 127.0.0.1:4566. No Docker, no AWS account. These localhost defaults exist only here; the
 * packaged application takes its settings from the environment.
 */
public final class TestKeyportApplication {

	private TestKeyportApplication() {
	}

	public static void main(String[] args) throws Exception {
		EmbeddedPostgres postgres = EmbeddedPostgres.builder().setPGStartupWait(Duration.ofSeconds(30)).start();
		KmsEmulator emulator = KmsEmulator.builder().port(KmsEmulator.DEFAULT_PORT).start();
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			emulator.close();
			try {
				postgres.close();
			}
			catch (Exception ex) {
				// exiting anyway
			}
		}));
		setDefault("spring.datasource.url", postgres.getJdbcUrl("postgres", "postgres"));
		setDefault("spring.datasource.username", "postgres");
		setDefault("spring.datasource.password", "postgres");
		setDefault("keyport.kms.aws.endpoint", emulator.endpoint().toString());
		setDefault("keyport.kms.aws.region", emulator.region());
		// the emulator has no request quota; AWS's 0.25/s pace would only slow the quickstart down
		setDefault("keyport.kms.rate-limits.get-parameters-for-import", "2");
		// the SDK's default credential chain reads these; the emulator accepts any credentials
		setDefault("aws.accessKeyId", "AKIAKEYPORTLOCAL");
		setDefault("aws.secretAccessKey", "keyport-local-secret");
		SpringApplication.run(KeyportApplication.class, args);
	}

	private static void setDefault(String key, String value) {
		if (System.getProperty(key) == null) {
			System.setProperty(key, value);
		}
	}

}
