package io.keyport.ops;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The open {@code /actuator/health} is probed every few seconds by every replica: within
 * the cache's time to live, any number of probes, one after another or all at once while
 * KMS is slow, cost at most one KMS call (counted at the emulator) and one computation of
 * the job statistics.
 */
class HealthProbeCostTests extends IntegrationTest {

	@LocalServerPort
	int port;

	@Autowired
	KeyportHealthIndicator keyport;

	@Test
	void fiftySequentialProbesCostAtMostOneKmsCallAndOneStatisticsComputation() {
		ApiClient anonymous = new ApiClient(this.port, null);
		this.clock.advance(Duration.ofMinutes(5)); // every cached answer is stale
		long listKeys = this.emulator.callCount("ListKeys");
		long computations = this.keyport.computations();

		for (int i = 0; i < 50; i++) {
			ApiClient.Response health = anonymous.get("/actuator/health");
			assertThat(health.status()).isEqualTo(200);
			assertThat(health.json().get("status").asString()).isEqualTo("UP");
		}

		assertThat(this.emulator.callCount("ListKeys") - listKeys).as("KMS ListKeys calls").isLessThanOrEqualTo(1);
		assertThat(this.keyport.computations() - computations).as("statistics computations").isLessThanOrEqualTo(1);
	}

	@Test
	void twentyConcurrentProbesWhileKmsIsSlowShareOneKmsCall() throws Exception {
		ApiClient anonymous = new ApiClient(this.port, null);
		this.emulator.faults().latency("ListKeys", Duration.ofMillis(1500));
		this.clock.advance(Duration.ofMinutes(5));
		long listKeys = this.emulator.callCount("ListKeys");
		long computations = this.keyport.computations();

		CountDownLatch start = new CountDownLatch(1);
		List<Future<ApiClient.Response>> probes = new ArrayList<>();
		try (ExecutorService pool = Executors.newFixedThreadPool(20)) {
			for (int i = 0; i < 20; i++) {
				probes.add(pool.submit(() -> {
					start.await();
					return anonymous.get("/actuator/health");
				}));
			}
			start.countDown();
			for (Future<ApiClient.Response> probe : probes) {
				ApiClient.Response health = probe.get();
				assertThat(health.status()).isEqualTo(200);
				assertThat(health.json().get("status").asString()).isEqualTo("UP");
			}
		}

		assertThat(this.emulator.callCount("ListKeys") - listKeys).as("KMS ListKeys calls").isLessThanOrEqualTo(1);
		assertThat(this.keyport.computations() - computations).as("statistics computations").isLessThanOrEqualTo(1);
	}

}
