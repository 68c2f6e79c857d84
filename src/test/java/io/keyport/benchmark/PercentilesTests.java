package io.keyport.benchmark;

import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class PercentilesTests {

	@Test
	void nearestRankOfOneToHundredIsThePercentileItself() {
		long[] samples = LongStream.rangeClosed(1, 100).toArray();
		assertThat(Percentiles.of(samples, 50)).isEqualTo(50);
		assertThat(Percentiles.of(samples, 95)).isEqualTo(95);
		assertThat(Percentiles.of(samples, 100)).isEqualTo(100);
	}

	@Test
	void percentilesAreMeasuredSamplesNotInterpolations() {
		// ranks: ceil(0.5 × 4) = 2, ceil(0.95 × 4) = 4
		long[] samples = { 40, 10, 30, 20 };
		assertThat(Percentiles.of(samples, 50)).isEqualTo(20);
		assertThat(Percentiles.of(samples, 95)).isEqualTo(40);
		assertThat(samples).containsExactly(40, 10, 30, 20);
	}

	@Test
	void oneSampleIsEveryPercentile() {
		assertThat(Percentiles.of(new long[] { 7 }, 1)).isEqualTo(7);
		assertThat(Percentiles.of(new long[] { 7 }, 95)).isEqualTo(7);
	}

	@Test
	void rankRoundsUpAndStaysInRange() {
		assertThat(Percentiles.rank(10, 95)).isEqualTo(10);
		assertThat(Percentiles.rank(200, 95)).isEqualTo(190);
		assertThat(Percentiles.rank(201, 50)).isEqualTo(101);
		assertThat(Percentiles.rank(3, 0.001)).isEqualTo(1);
	}

	@Test
	void refusesNoSamplesAndPercentilesOutsideTheRange() {
		assertThatIllegalArgumentException().isThrownBy(() -> Percentiles.of(new long[0], 50));
		assertThatIllegalArgumentException().isThrownBy(() -> Percentiles.of(new long[] { 1 }, 0));
		assertThatIllegalArgumentException().isThrownBy(() -> Percentiles.of(new long[] { 1 }, 101));
	}

}
