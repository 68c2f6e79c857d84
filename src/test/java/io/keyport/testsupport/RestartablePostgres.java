package io.keyport.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL server of its own (not the one the other tests share) that can be stopped
 * and started again on the same port and data directory, as a database restart or
 * failover looks to Keyport. The zonky binaries run as root here (they are built to allow
 * it); {@code close()} runs {@code pg_ctl stop -m fast}, and a builder with the same port
 * and directory and {@code cleanDataDirectory(false)} skips initdb and starts on the data
 * written before.
 */
public final class RestartablePostgres implements AutoCloseable {

	private final Path dataDirectory;

	private final int port;

	private EmbeddedPostgres server;

	private RestartablePostgres(Path dataDirectory, int port) {
		this.dataDirectory = dataDirectory;
		this.port = port;
	}

	public static RestartablePostgres start() {
		try {
			int port;
			try (ServerSocket socket = new ServerSocket(0)) {
				port = socket.getLocalPort();
			}
			RestartablePostgres postgres = new RestartablePostgres(Files.createTempDirectory("keyport-restartable-pg"),
					port);
			postgres.startServer();
			return postgres;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public String jdbcUrl() {
		return "jdbc:postgresql://localhost:" + this.port + "/postgres";
	}

	/**
	 * Stops the server (connections are terminated, new ones refused) and keeps its data.
	 */
	public synchronized void stop() {
		try {
			this.server.close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Starts the server again on the same port and data. */
	public synchronized void restart() {
		startServer();
	}

	private void startServer() {
		try {
			this.server = EmbeddedPostgres.builder()
				.setPort(this.port)
				.setDataDirectory(this.dataDirectory)
				.setCleanDataDirectory(false)
				.setPGStartupWait(Duration.ofSeconds(30))
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("PostgreSQL did not start on port " + this.port, ex);
		}
	}

	@Override
	public synchronized void close() {
		stop();
		try (Stream<Path> files = Files.walk(this.dataDirectory)) {
			files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
		}
		catch (IOException ex) {
			// a temporary directory; the OS cleans it up eventually
		}
	}

}
