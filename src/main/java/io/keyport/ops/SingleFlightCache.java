package io.keyport.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A value (a health check's facts) computed at most once per time to live. Whoever finds
 * it stale computes it again; callers that arrive meanwhile wait for that one computation
 * instead of starting their own, so a burst of probes after expiry still costs one
 * database query or KMS call.
 */
final class SingleFlightCache<T> {

	private record Cached<T>(Instant at, T value) {
	}

	private final Clock clock;

	private final Duration ttl;

	private final Supplier<T> computation;

	private final AtomicReference<CompletableFuture<T>> inFlight = new AtomicReference<>();

	private final AtomicLong computations = new AtomicLong();

	private volatile Cached<T> cached;

	SingleFlightCache(Clock clock, Duration ttl, Supplier<T> computation) {
		this.clock = clock;
		this.ttl = ttl;
		this.computation = computation;
	}

	T get() {
		Cached<T> current = this.cached;
		if (fresh(current)) {
			return current.value();
		}
		CompletableFuture<T> mine = new CompletableFuture<>();
		CompletableFuture<T> running = this.inFlight.compareAndExchange(null, mine);
		if (running != null) {
			return join(running);
		}
		try {
			// another caller may have finished between the first look and taking the turn
			current = this.cached;
			if (fresh(current)) {
				mine.complete(current.value());
				return current.value();
			}
			Instant at = this.clock.instant();
			this.computations.incrementAndGet();
			T value = this.computation.get();
			this.cached = new Cached<>(at, value);
			mine.complete(value);
			return value;
		}
		catch (RuntimeException | Error ex) {
			mine.completeExceptionally(ex);
			throw ex;
		}
		finally {
			this.inFlight.set(null);
		}
	}

	/** How many times the answer was computed, for tests and diagnostics. */
	long computations() {
		return this.computations.get();
	}

	private boolean fresh(Cached<T> current) {
		if (current == null) {
			return false;
		}
		Instant now = this.clock.instant();
		// a clock set back (tests, NTP steps) also counts as stale
		return !current.at().plus(this.ttl).isBefore(now) && !current.at().isAfter(now);
	}

	private static <T> T join(CompletableFuture<T> running) {
		try {
			return running.join();
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw ex;
		}
	}

}
