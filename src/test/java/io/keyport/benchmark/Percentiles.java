package io.keyport.benchmark;

import java.util.Arrays;

/**
 * Nearest-rank percentiles: the smallest sample such that at least {@code p} percent of
 * the samples are at or below it, so every reported figure is a latency that was
 * measured, never an interpolation.
 */
final class Percentiles {

	private Percentiles() {
	}

	/**
	 * @param samples the samples in any order (not changed)
	 * @param percentile in (0, 100]
	 */
	static long of(long[] samples, double percentile) {
		if (samples.length == 0) {
			throw new IllegalArgumentException("no samples");
		}
		if (!(percentile > 0 && percentile <= 100)) {
			throw new IllegalArgumentException("percentile must be in (0, 100]: " + percentile);
		}
		long[] sorted = samples.clone();
		Arrays.sort(sorted);
		return sorted[rank(sorted.length, percentile) - 1];
	}

	/** The 1-based nearest rank, {@code ceil(p / 100 × n)}. */
	static int rank(int count, double percentile) {
		// the product is exact for the percentiles used here (50, 95, 99 of counts up to
		// millions); clamp guards against rounding in others
		int rank = (int) Math.ceil(percentile / 100 * count);
		return Math.clamp(rank, 1, count);
	}

}
