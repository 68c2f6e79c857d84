package io.keyport.benchmark;

import java.time.Duration;

/**
 * One cell of the benchmark: the KMS emulator's latency on every call and the number of
 * concurrent clients.
 */
record Cell(Duration kmsLatency, int clients) {

	/**
	 * Issue 14's goal for the REST/bare wall-time ratio in this cell, or {@code NaN}
	 * where it sets none.
	 */
	double goal() {
		if (this.kmsLatency.isZero()) {
			return 3.0;
		}
		if (this.kmsLatency.equals(Duration.ofMillis(20))) {
			return (this.clients == 1) ? 1.3 : (this.clients == 8) ? 1.5 : Double.NaN;
		}
		return Double.NaN;
	}

	@Override
	public String toString() {
		return this.kmsLatency.toMillis() + " ms × " + this.clients + " client" + ((this.clients == 1) ? "" : "s");
	}

}
