package io.keyport.benchmark;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ModeResultTests {

	private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

	@Test
	void throughputIsImportsPerSecondOfWallTime() {
		ModeResult result = new ModeResult(new long[] { MS, MS, MS, MS }, TimeUnit.SECONDS.toNanos(2));
		assertThat(result.throughput()).isEqualTo(2.0);
	}

	@Test
	void ratiosAreHowManyTimesLongerThanTheBaseline() {
		// bare: 100 imports of 1..100 ms in 5 s; Keyport: 100 imports of 2..200 ms in 10
		// s
		ModeResult bare = new ModeResult(LongStream.rangeClosed(1, 100).map((ms) -> ms * MS).toArray(),
				TimeUnit.SECONDS.toNanos(5));
		ModeResult keyport = new ModeResult(LongStream.rangeClosed(1, 100).map((ms) -> 2 * ms * MS).toArray(),
				TimeUnit.SECONDS.toNanos(10));
		ModeResult.Ratios ratios = keyport.relativeTo(bare);
		assertThat(ratios.p50()).isEqualTo(2.0);
		assertThat(ratios.wallTime()).isCloseTo(2.0, within(1e-12));
		assertThat(keyport.p50()).isEqualTo(Duration.ofMillis(100));
		assertThat(keyport.p95()).isEqualTo(Duration.ofMillis(190));
	}

	@Test
	void goalsFollowTheIssue() {
		assertThat(new Cell(Duration.ofMillis(20), 1).goal()).isEqualTo(1.3);
		assertThat(new Cell(Duration.ofMillis(20), 8).goal()).isEqualTo(1.5);
		assertThat(new Cell(Duration.ZERO, 1).goal()).isEqualTo(3.0);
		assertThat(new Cell(Duration.ZERO, 8).goal()).isEqualTo(3.0);
		assertThat(new Cell(Duration.ofMillis(5), 1).goal()).isNaN();
	}

}
