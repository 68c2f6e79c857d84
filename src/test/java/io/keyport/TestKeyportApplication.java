package io.keyport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import org.springframework.boot.SpringApplication;

import org.springframework.context.ConfigurableApplicationContext;

import io.keyport.emulator.KmsEmulator;
import io.keyport.emulator.WrappingKeyPool;
import io.keyport.emulator.huawei.HuaweiKmsEmulator;
import io.keyport.testsupport.IntegrationTest;
import io.keyportdev.localauth.LocalAuthorizationServer;

/**
 * The local run ({@code ./mvnw spring-boot:test-run}): Keyport on port 8080 with a real
 * PostgreSQL (embedded binary), the KMS emulator on 127.0.0.1:4566, the Huawei Cloud KMS
 * emulator on 127.0.0.1:4580 (target {@code huawei}) and an OAuth2 authorization server
 * with demo clients on 127.0.0.1:9000. No Docker, no AWS account. These localhost
 * defaults exist only here; the packaged application takes its settings from the
 * environment.
 */
public final class TestKeyportApplication {

	private TestKeyportApplication() {
	}

	public static void main(String[] args) throws Exception {
		EmbeddedPostgres postgres = EmbeddedPostgres.builder().setPGStartupWait(Duration.ofSeconds(30)).start();
		KmsEmulator emulator = KmsEmulator.builder().port(KmsEmulator.DEFAULT_PORT).start();
		// the quickstart's private key import asks for an RSA_4096 wrapping key: made
		// while the application starts, not in its first GetParametersForImport (an
		// RSA-4096 key can take longer than the SDK's 15 s call timeout on a busy
		// machine)
		WrappingKeyPool.shared().warmUp(4096);
		HuaweiKmsEmulator huawei = HuaweiKmsEmulator.builder().port(HuaweiKmsEmulator.DEFAULT_PORT).start();
		ConfigurableApplicationContext authorizationServer = LocalAuthorizationServer
			.start(LocalAuthorizationServer.DEFAULT_PORT);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			emulator.close();
			huawei.close();
			authorizationServer.close();
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
		// two KMS targets: "default", AWS on the KMS emulator (what the quickstart uses
		// without naming a target), and "huawei", Huawei Cloud KMS on its emulator, with
		// credentials in owner-only files as a mounted secret would hold them
		setDefault("keyport.kms.default-target", "default");
		setDefault("keyport.kms.targets.default.provider", "aws");
		setDefault("keyport.kms.targets.default.endpoint", emulator.endpoint().toString());
		setDefault("keyport.kms.targets.default.region", emulator.region());
		huawei.targetProperties("huawei", Files.createTempDirectory("keyport-huawei-credentials"))
			.forEach(TestKeyportApplication::setDefault);
		setDefault("spring.security.oauth2.resourceserver.jwt.issuer-uri",
				LocalAuthorizationServer.issuer(authorizationServer));
		// the local authorization server runs beside Keyport, not inside it
		setDefault("spring.autoconfigure.exclude", IntegrationTest.AUTHORIZATION_SERVER_AUTO_CONFIGURATIONS);
		// the emulator has no request quota; AWS's 0.25/s pace would only slow the
		// quickstart down
		setDefault("keyport.kms.rate-limits.get-parameters-for-import", "2");
		// and the quickstart creates its jobs one right after the other: a tenant's burst
		// of 3 would answer the fourth with 429 kms-quota-exceeded (twice as likely on a
		// second pass over the same running instance)
		setDefault("keyport.kms.rate-limits.tenant-burst", "10");
		// Swagger UI at http://localhost:8080/swagger-ui/index.html (Authorize with a
		// demo client's id and secret); off in the packaged application
		setDefault("springdoc.swagger-ui.enabled", "true");
		// the SDK's default credential chain reads these; the emulator accepts any
		// credentials
		setDefault("aws.accessKeyId", "AKIAKEYPORTLOCAL");
		setDefault("aws.secretAccessKey", "keyport-local-secret");
		// a custodian to try custody with (README, "Material custody"): local-file, which
		// only a local run may use, its key in an owner-only file of this run
		Path custodyKey = Files.createTempFile("keyport-local-custody-", ".key",
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		Files.write(custodyKey, key);
		Arrays.fill(key, (byte) 0);
		setDefault("keyport.custody.local.type", "local-file");
		setDefault("keyport.custody.local.key-file", custodyKey.toString());
		setDefault("keyport.custody.local.allow-insecure-local-file", "true");
		SpringApplication.run(KeyportApplication.class, args);
	}

	private static void setDefault(String key, String value) {
		if (System.getProperty(key) == null) {
			System.setProperty(key, value);
		}
	}

}
