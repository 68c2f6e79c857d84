package io.keyport.support;

import java.util.concurrent.TimeUnit;

/**
 * A token bucket holding at most one second's worth of permits (at least one), refilled
 * continuously. Reservations may go into debt up to a maximum wait: the caller then
 * sleeps until its permit is due.
 */
public final class TokenBucket {

	private final double ratePerNano;

	private final double capacity;

	private double tokens;

	private long last = System.nanoTime();

	public TokenBucket(double ratePerSecond, double capacity) {
		this.ratePerNano = ratePerSecond / TimeUnit.SECONDS.toNanos(1);
		this.capacity = Math.max(1.0, capacity);
		this.tokens = this.capacity;
	}

	public TokenBucket(double ratePerSecond) {
		this(ratePerSecond, ratePerSecond);
	}

	/**
	 * Takes a permit; nanoseconds to wait for it, or -1 (nothing taken) when that is more
	 * than the maximum wait.
	 */
	public synchronized long reserve(long maxWaitNanos) {
		refill();
		double after = this.tokens - 1;
		long wait = after >= 0 ? 0 : (long) Math.ceil(-after / this.ratePerNano);
		if (wait > maxWaitNanos) {
			return -1;
		}
		this.tokens = after;
		return wait;
	}

	/**
	 * How many reservations made now, one after another, would each be granted within the
	 * maximum wait.
	 */
	public synchronized long permitsWithin(long maxWaitNanos) {
		refill();
		return (long) Math.max(0, Math.floor(this.tokens + maxWaitNanos * this.ratePerNano));
	}

	/**
	 * Returns a permit taken by {@link #reserve} that was not used after all (never
	 * beyond the bucket's capacity).
	 */
	public synchronized void giveBack() {
		refill();
		this.tokens = Math.min(this.capacity, this.tokens + 1);
	}

	/** Nanoseconds until a permit would be available (0 if one is). */
	public synchronized long nanosUntilAvailable() {
		refill();
		return this.tokens >= 1 ? 0 : (long) Math.ceil((1 - this.tokens) / this.ratePerNano);
	}

	private void refill() {
		long now = System.nanoTime();
		this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.ratePerNano);
		this.last = now;
	}

}
