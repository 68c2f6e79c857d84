package io.keyport.benchmark;

import java.time.Duration;

/**
 * The measured imports of one mode in one cell: how many, the wall time the blocks of
 * this mode took together, and the latency of each import.
 */
record ModeResult(long[] latenciesNanos, long elapsedNanos) {

	ModeResult {
		if (latenciesNanos.length == 0 || elapsedNanos <= 0) {
			throw new IllegalArgumentException("a result needs imports and a positive wall time");
		}
	}

	int count() {
		return this.latenciesNanos.length;
	}

	/** Imports per second of wall time. */
	double throughput() {
		return count() / (this.elapsedNanos / 1e9);
	}

	Duration p50() {
		return Duration.ofNanos(Percentiles.of(this.latenciesNanos, 50));
	}

	Duration p95() {
		return Duration.ofNanos(Percentiles.of(this.latenciesNanos, 95));
	}

	/**
	 * How many times longer an import takes this way than the other way: latency by p50,
	 * wall time per import by throughput.
	 */
	Ratios relativeTo(ModeResult baseline) {
		return new Ratios((double) p50().toNanos() / baseline.p50().toNanos(), baseline.throughput() / throughput());
	}

	/**
	 * @param p50 this p50 over the baseline's
	 * @param wallTime this wall time per import over the baseline's (the inverse ratio of
	 * throughputs)
	 */
	record Ratios(double p50, double wallTime) {

	}

}
