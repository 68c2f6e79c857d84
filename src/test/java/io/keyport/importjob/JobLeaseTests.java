package io.keyport.importjob;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.web.server.LocalServerPort;

import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.IntegrationTest;

import static io.keyport.importjob.ImportJobApiTests.assertProblem;
import static io.keyport.importjob.ImportJobApiTests.json;
import static io.keyport.importjob.ImportJobApiTests.oaep;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may change a job while KMS works on it (the lease of an upload or of the
 * scheduler), and what concurrent changes of one job answer: an import KMS accepted is
 * always recorded, a caller is told to come back, never a 500.
 */
class JobLeaseTests extends IntegrationTest {

	/**
	 * How long the emulator holds ImportKeyMaterial, so a second request can arrive while
	 * it runs.
	 */
	static final Duration IMPORT_LATENCY = Duration.ofSeconds(2);

	@LocalServerPort
	int port;

	ApiClient api;

	final SecureRandom random = new SecureRandom();

	final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

	@BeforeEach
	void client() {
		this.api = new ApiClient(this.port);
	}

	@Test
	void cancelDuringAnInFlightUploadIsRefusedAsBusyWithRetryAfterAndTheJobEndsImported() throws Exception {
		String jobId = newJob();
		CompletableFuture<Response> upload = slowUpload(jobId);

		Response cancel = this.api.post("/api/v1/import-jobs/" + jobId + "/cancel");

		assertProblem(cancel, 409, "job-busy");
		assertThat(Long.parseLong(cancel.header("Retry-After"))).isPositive();
		assertThat(cancel.json().get("state").asString()).isEqualTo("MATERIAL_WRAPPED");
		Response uploaded = upload.get(30, TimeUnit.SECONDS);
		assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(200);
		assertThat(state(jobId)).isEqualTo("IMPORTED");
	}

	@Test
	void refreshDuringAnInFlightUploadIsRefusedAsBusyWithRetryAfterAndTheJobEndsImported() throws Exception {
		String jobId = newJob();
		long downloads = this.emulator.callCount("GetParametersForImport");
		CompletableFuture<Response> upload = slowUpload(jobId);

		Response refresh = this.api.post("/api/v1/import-jobs/" + jobId + "/refresh-parameters");

		assertProblem(refresh, 409, "job-busy");
		assertThat(Long.parseLong(refresh.header("Retry-After"))).isPositive();
		// refused before KMS was asked for parameters
		assertThat(this.emulator.callCount("GetParametersForImport")).isEqualTo(downloads);
		Response uploaded = upload.get(30, TimeUnit.SECONDS);
		assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(200);
		assertThat(state(jobId)).isEqualTo("IMPORTED");
	}

	@Test
	void anImportWhoseLeaseLapsedWhileKmsWorksCannotBeRefreshedAwayAndEndsImported() throws Exception {
		String jobId = newJob();
		long downloads = this.emulator.callCount("GetParametersForImport");
		CompletableFuture<Response> upload = slowUpload(jobId);
		// the upload's lease lapses while KMS still works (a very slow call): a caller's
		// refresh would drop the token the import uses, and KMS may be carrying it out
		this.clock.advance(Duration.ofMinutes(3));

		Response refresh = this.api.post("/api/v1/import-jobs/" + jobId + "/refresh-parameters");

		assertProblem(refresh, 409, "import-outcome-unknown");
		assertThat(refresh.json().get("detail").asString()).contains("lease lapsed before KMS's answer");
		assertThat(this.emulator.callCount("GetParametersForImport")).isEqualTo(downloads);
		Response uploaded = upload.get(30, TimeUnit.SECONDS);
		assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(200);
		assertThat(uploaded.json().get("state").asString()).isEqualTo("IMPORTED");
	}

	@Test
	void concurrentChangesOfOneJobAnswerOnly2xx409Or429AndNever500() throws Exception {
		int threads = 8;
		List<Response> answers = new ArrayList<>();
		for (int round = 0; round < 4; round++) {
			String jobId = newJob();
			CyclicBarrier start = new CyclicBarrier(threads);
			ConcurrentLinkedQueue<Response> responses = new ConcurrentLinkedQueue<>();
			List<CompletableFuture<Void>> calls = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int kind = t % 4;
				calls.add(CompletableFuture.runAsync(() -> {
					try {
						start.await(10, TimeUnit.SECONDS);
						for (int i = 0; i < 3; i++) {
							responses.add(switch (kind) {
								case 0 -> this.api.post("/api/v1/import-jobs/" + jobId + "/refresh-parameters");
								case 1 -> this.api.post("/api/v1/import-jobs/" + jobId + "/cancel");
								case 2 -> this.api.postJson("/api/v1/import-jobs/" + jobId + "/key-material", ApiClient
									.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(randomBytes(32)))));
								default -> this.api.get("/api/v1/import-jobs/" + jobId);
							});
						}
					}
					catch (Exception ex) {
						throw new IllegalStateException(ex);
					}
				}, this.executor));
			}
			CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
			answers.addAll(responses);
		}
		assertThat(answers).hasSize(4 * threads * 3).allSatisfy(response -> {
			assertThat(response.status()).as(response.toString()).isIn(200, 409, 429);
			if (response.status() == 409) {
				assertThat(response.header("Content-Type")).startsWith("application/problem+json");
				assertThat(response.json().get("code").asString()).as(response.toString())
					.isIn("concurrent-modification", "job-busy", "illegal-state-transition");
			}
		});
	}

	// --- helpers
	// -----------------------------------------------------------------------------------------------

	String newJob() {
		Response key = this.api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT")));
		assertThat(key.status()).as(key.toString()).isEqualTo(201);
		return json(this.api.postJson("/api/v1/import-jobs",
				ApiClient.json(Map.of("kmsKeyId", key.json().get("keyId").asString()))), 201)
			.get("id")
			.asString();
	}

	/**
	 * Uploads client-wrapped material while KMS takes its time; returns once the job
	 * holds it (and its lease).
	 */
	CompletableFuture<Response> slowUpload(String jobId) throws Exception {
		byte[] wrappingKey = this.api.get("/api/v1/import-jobs/" + jobId + "/wrapping-key", "application/octet-stream")
			.body();
		byte[] wrapped = oaep(wrappingKey, "SHA-256", randomBytes(32));
		this.emulator.faults().latency("ImportKeyMaterial", IMPORT_LATENCY);
		CompletableFuture<Response> upload = CompletableFuture.supplyAsync(
				() -> this.api.putBytes("/api/v1/import-jobs/" + jobId + "/encrypted-key-material", wrapped),
				this.executor);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!state(jobId).equals("MATERIAL_WRAPPED")) {
			assertThat(System.nanoTime()).as("the upload reached KMS").isLessThan(deadline);
			assertThat(upload).isNotDone();
			Thread.sleep(20);
		}
		return upload;
	}

	String state(String jobId) {
		return this.api.get("/api/v1/import-jobs/" + jobId).json().get("state").asString();
	}

	byte[] randomBytes(int length) {
		byte[] bytes = new byte[length];
		this.random.nextBytes(bytes);
		return bytes;
	}

}
