package io.keyport.benchmark;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a fixed number of imports with a number of clients, each starting its next import
 * when the last one is answered (a closed loop, as scripts and platforms call), and
 * measures each import and the whole block.
 */
final class ClosedLoop {

	private ClosedLoop() {
	}

	/** A finished block: the latency of every import, and the block's wall time. */
	record Block(long[] latenciesNanos, long elapsedNanos) {
	}

	/**
	 * @throws IllegalStateException with the first failure's message when an import
	 * fails; the other clients stop after their current import
	 */
	static Block run(ImportFlow flow, int clients, int imports) throws InterruptedException {
		AtomicInteger tickets = new AtomicInteger(imports);
		long[] latencies = new long[imports];
		AtomicInteger next = new AtomicInteger();
		ExecutorService executor = Executors.newFixedThreadPool(clients);
		try {
			long start = System.nanoTime();
			List<Future<?>> runs = new ArrayList<>();
			for (int i = 0; i < clients; i++) {
				runs.add(executor.submit(() -> {
					while (tickets.getAndDecrement() > 0) {
						long begin = System.nanoTime();
						flow.importOne();
						latencies[next.getAndIncrement()] = System.nanoTime() - begin;
					}
					return null;
				}));
			}
			Throwable failure = null;
			for (Future<?> run : runs) {
				try {
					run.get();
				}
				catch (ExecutionException ex) {
					tickets.set(0);
					failure = (failure != null) ? failure : ex.getCause();
				}
			}
			long elapsed = System.nanoTime() - start;
			if (failure != null) {
				throw new IllegalStateException(flow.name() + " import failed: " + failure.getMessage(), failure);
			}
			return new Block(latencies, elapsed);
		}
		finally {
			executor.shutdownNow();
		}
	}

}
