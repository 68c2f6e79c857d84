package io.keyport.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import io.keyport.emulator.KmsEmulator;
import io.keyport.emulator.MutableClock;

/**
 * The real parts integration tests run against, started once per test JVM: a PostgreSQL server (embedded binary, no
 * Docker) and the KMS emulator over HTTP. Both live until the JVM exits.
 */
public final class TestInfrastructure {

	/** Shared by the service (as its Clock bean) and the emulator, so tests move time for both at once. */
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

	/** The local OAuth2 authorization server, started on a random port. */
	public static synchronized String issuer() {
		if (authorizationServer == null) {
			authorizationServer = io.keyportdev.localauth.LocalAuthorizationServer.start(0);
			Runtime.getRuntime().addShutdownHook(new Thread(() -> authorizationServer.close()));
		}
		return io.keyportdev.localauth.LocalAuthorizationServer.issuer(authorizationServer);
	}

	/** A second emulator in a China region, for the China partition's rules; same clock. */
	public static synchronized KmsEmulator chinaEmulator() {
		if (chinaEmulator == null) {
			chinaEmulator = KmsEmulator.builder().port(0).region(CHINA_REGION).clock(CLOCK).start();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> chinaEmulator.close()));
		}
		return chinaEmulator;
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
