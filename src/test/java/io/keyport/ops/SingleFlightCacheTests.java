package io.keyport.ops;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.keyport.emulator.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SingleFlightCacheTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	@Test
	void aValueIsReusedWithinItsTimeToLiveAndComputedAgainAfter() {
		AtomicInteger calls = new AtomicInteger();
		SingleFlightCache<Integer> cache = new SingleFlightCache<>(this.clock, Duration.ofSeconds(30),
				calls::incrementAndGet);
		assertThat(cache.get()).isEqualTo(1);
		this.clock.advance(Duration.ofSeconds(30));
		assertThat(cache.get()).isEqualTo(1);
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(cache.get()).isEqualTo(2);
		this.clock.advance(Duration.ofMinutes(-5)); // a clock set back does not keep a
													// value from the future
		assertThat(cache.get()).isEqualTo(3);
		assertThat(cache.computations()).isEqualTo(3);
	}

	@Test
	void concurrentCallersWaitForTheOneComputationInFlight() throws Exception {
		CountDownLatch computing = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger calls = new AtomicInteger();
		SingleFlightCache<Integer> cache = new SingleFlightCache<>(this.clock, Duration.ofSeconds(30), () -> {
			computing.countDown();
			await(release);
			return calls.incrementAndGet();
		});
		List<Future<Integer>> results = new ArrayList<>();
		try (ExecutorService pool = Executors.newFixedThreadPool(10)) {
			results.add(pool.submit(cache::get));
			assertThat(computing.await(5, TimeUnit.SECONDS)).isTrue();
			for (int i = 0; i < 9; i++) {
				results.add(pool.submit(cache::get));
			}
			Thread.sleep(100);
			release.countDown();
			for (Future<Integer> result : results) {
				assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo(1);
			}
		}
		assertThat(calls).hasValue(1);
	}

	@Test
	void aFailedComputationIsNotCachedAndReachesItsCaller() {
		AtomicInteger calls = new AtomicInteger();
		SingleFlightCache<Integer> cache = new SingleFlightCache<>(this.clock, Duration.ofSeconds(30), () -> {
			if (calls.incrementAndGet() == 1) {
				throw new IllegalStateException("database down");
			}
			return calls.get();
		});
		assertThatThrownBy(cache::get).isInstanceOf(IllegalStateException.class).hasMessage("database down");
		assertThat(cache.get()).isEqualTo(2);
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
