package io.keyport.importjob;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.IntegrationTest;
import io.keyport.testsupport.TestInfrastructure;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Keyport JVM is killed with SIGKILL in the middle of a batch of imports; the instance
 * that takes over settles every job: imported, or waiting for material with a reason,
 * never stuck in MATERIAL_WRAPPED, and no different material sent to KMS.
 */
class CrashRecoveryTests extends IntegrationTest {

	@LocalServerPort
	int port;

	@Autowired
	ImportJobLifecycle lifecycle;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void jobsOfAKilledInstanceEndImportedOrWaitingAndNoneStayWrapped(@TempDir Path logs) throws Exception {
		// imports take a while at KMS, so some are in flight when the instance dies
		this.emulator.faults().latency("ImportKeyMaterial", Duration.ofMillis(400));
		int childPort = freePort();
		Process child = startKeyport(childPort, logs.resolve("keyport-child.log"));
		List<String> jobIds = new ArrayList<>();
		try {
			ApiClient childApi = awaitReady(new ApiClient(childPort), child, logs.resolve("keyport-child.log"));
			for (int i = 0; i < 16; i++) {
				String keyId = childApi
					.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT")))
					.json()
					.get("keyId")
					.asString();
				jobIds.add(childApi.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyId)))
					.json()
					.get("id")
					.asString());
			}
			ExecutorService uploads = Executors.newVirtualThreadPerTaskExecutor();
			for (String jobId : jobIds) {
				uploads.submit(() -> childApi.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
						ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(new byte[32])))));
				Thread.sleep(60);
			}
			// kill -9 while imports are in flight and later uploads have not been sent
			child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			uploads.shutdownNow();
		}
		finally {
			child.destroyForcibly();
		}
		this.emulator.faults().clear();
		assertThat(states(jobIds)).as("the crash left work behind").contains("MATERIAL_WRAPPED");

		// this instance takes over once the dead instance's leases lapse
		this.clock.set(Instant.now().plus(Duration.ofMinutes(3)));
		for (int run = 0; run < 5 && states(jobIds).contains("MATERIAL_WRAPPED"); run++) {
			this.lifecycle.retryDueImports();
			this.clock.advance(Duration.ofMinutes(1));
		}

		List<String> states = states(jobIds);
		assertThat(states).doesNotContain("MATERIAL_WRAPPED")
			.allMatch(s -> s.equals("IMPORTED") || s.equals("PARAMETERS_FETCHED"));
		assertThat(states).contains("IMPORTED");
		ApiClient api = new ApiClient(this.port);
		for (String jobId : jobIds) {
			List<String> codes = new ArrayList<>();
			api.get("/api/v1/import-jobs/" + jobId + "/events").json().forEach(e -> {
				if (!e.get("errorCode").isNull() && !e.get("errorCode").isMissingNode()) {
					codes.add(e.get("errorCode").asString());
				}
			});
			assertThat(codes).as("job " + jobId).doesNotContain("kms-incorrect-key-material");
		}
	}

	List<String> states(List<String> jobIds) {
		return jobIds.stream()
			.map(id -> this.jdbc.queryForObject("select state from import_job where id = ?::uuid", String.class, id))
			.toList();
	}

	/**
	 * The packaged application's main class in its own JVM, on the shared database and
	 * emulator.
	 */
	static Process startKeyport(int port, Path log) throws IOException {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		List<String> command = new java.util.ArrayList<>(
				List.of(java, "-cp", System.getProperty("java.class.path"), "-Daws.accessKeyId=AKIAKEYPORTTEST",
						"-Daws.secretAccessKey=keyport-test-secret", "-Dserver.port=" + port));
		TestInfrastructure.instanceProperties("doomed-instance", TestInfrastructure.emulator())
			.forEach((name, value) -> command.add("-D" + name + "=" + value));
		command.add("io.keyport.KeyportApplication");
		return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
	}

	static ApiClient awaitReady(ApiClient api, Process child, Path log) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
		while (System.nanoTime() < deadline) {
			if (!child.isAlive()) {
				throw new IllegalStateException("child Keyport exited:\n" + Files.readString(log));
			}
			try {
				if (api.get("/actuator/health/readiness").status() == 200) {
					return api;
				}
			}
			catch (RuntimeException ex) {
				// not listening yet
			}
			Thread.sleep(250);
		}
		throw new IllegalStateException("child Keyport not ready in time:\n" + Files.readString(log));
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
