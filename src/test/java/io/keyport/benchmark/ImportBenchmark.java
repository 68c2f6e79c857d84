package io.keyport.benchmark;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.context.ConfigurableApplicationContext;

import io.keyport.emulator.KmsEmulator;
import io.keyportdev.localauth.LocalAuthorizationServer;

/**
 * Driver of {@code scripts/benchmark-import.sh}: an import through Keyport's API against
 * the bare KMS calls, both against the same KMS emulator in this JVM. Starts the emulator
 * and the local OAuth2 authorization server on free ports and writes them to
 * {@code endpoints.env} for the script, which then starts the packaged jar against them;
 * waits for the script's {@code go} file (written once Keyport is ready, beside
 * {@code keyport.pid}), runs every cell (KMS latency × clients) and writes
 * {@code results.md} and {@code statements.md}. Not a test: the name does not end in
 * {@code Tests}, so surefire leaves it alone. Nothing secret is printed: no material,
 * tokens or wrapped keys.
 */
public final class ImportBenchmark {

	private ImportBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		BenchmarkOptions options = BenchmarkOptions.parse(args);
		int status = 1;
		try (KmsEmulator emulator = KmsEmulator.builder().port(0).start();
				ConfigurableApplicationContext authorizationServer = LocalAuthorizationServer.start(0)) {
			writeEndpoints(options.directory(), emulator, LocalAuthorizationServer.issuer(authorizationServer));
			awaitGo(options);
			options = options.withKeyportPid(keyportPid(options.directory()));
			run(options, emulator, LocalAuthorizationServer.issuer(authorizationServer));
			status = 0;
		}
		catch (Exception | Error ex) {
			// exiting in finally would drop the failure unprinted
			ex.printStackTrace();
			throw ex;
		}
		finally {
			// the authorization server's and the SDK's threads would keep the JVM alive
			System.exit(status);
		}
	}

	private static void run(BenchmarkOptions options, KmsEmulator emulator, String issuer) throws Exception {
		HttpClient http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(5))
			.build();
		AccessTokens tokens = new AccessTokens(http, issuer, LocalAuthorizationServer.PLATFORM_A);
		int maxClients = options.clients().stream().mapToInt(Integer::intValue).max().orElse(1);
		try (BareKmsImport bare = new BareKmsImport(emulator.endpoint(), emulator.region(), maxClients);
				PostgresStatements statements = (options.jdbcUrl() != null) ? new PostgresStatements(options.jdbcUrl(),
						options.jdbcUser(), options.jdbcPassword(), options.applicationRole()) : null) {
			ProcessCpu keyportCpu = (options.keyportPid() != null)
					? new ProcessCpu(options.keyportPid(), options.clockTicks()) : null;
			CellRunner runner = new CellRunner(emulator, bare, new KeyportApiImport(http, options.keyport(), tokens),
					statements, keyportCpu, new ProcessCpu(ProcessHandle.current().pid(), options.clockTicks()),
					options);
			Cell settling = new Cell(Duration.ZERO, maxClients);
			System.out.println("Warm-up until the JIT compilers settle (" + settling + ", blocks of "
					+ options.settleBlock() + ", at most " + options.settleMax() + " imports per mode)");
			runner.settle(settling);
			List<CellResult> results = new ArrayList<>();
			for (Duration latency : options.latencies()) {
				for (int clients : options.clients()) {
					Cell cell = new Cell(latency, clients);
					System.out.println("Cell " + cell + ": warm-up, then " + options.imports() + " imports per mode");
					CellResult result = runner.run(cell, options.warmup());
					results.add(result);
					System.out.print(ResultsReport.render(List.of(result)));
				}
			}
			System.out
				.println("KMS calls received by the emulator in all (warm-up included): " + emulator.callCounts());
			String table = ResultsReport.render(results);
			Files.writeString(options.directory().resolve("results.md"), table);
			Files.writeString(options.directory().resolve("statements.md"), ResultsReport.statements(results));
			System.out.println();
			System.out.print(table);
		}
	}

	/**
	 * KMS endpoint, region and token issuer, as shell assignments; written atomically.
	 */
	private static void writeEndpoints(Path directory, KmsEmulator emulator, String issuer) throws Exception {
		Path temporary = directory.resolve("endpoints.env.tmp");
		Files.writeString(temporary, "KMS_ENDPOINT=" + emulator.endpoint() + "\nKMS_REGION=" + emulator.region()
				+ "\nISSUER_URI=" + issuer + "\n");
		Files.move(temporary, directory.resolve("endpoints.env"), StandardCopyOption.ATOMIC_MOVE);
	}

	/** Keyport's process id, when the script wrote it (Linux only: read from /proc). */
	private static Long keyportPid(Path directory) throws Exception {
		Path file = directory.resolve("keyport.pid");
		return Files.exists(file) ? Long.valueOf(Files.readString(file).strip()) : null;
	}

	/** Keyport starts (and its startup is timed) with no load from this JVM. */
	private static void awaitGo(BenchmarkOptions options) throws InterruptedException {
		Path go = options.directory().resolve("go");
		long deadline = System.nanoTime() + options.goTimeout().toNanos();
		while (!Files.exists(go)) {
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("no go file within " + options.goTimeout());
			}
			Thread.sleep(100);
		}
	}

}
