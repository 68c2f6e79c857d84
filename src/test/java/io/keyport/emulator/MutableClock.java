package io.keyport.emulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that tests move by hand, to reach token and material expiry without sleeping.
 */
public final class MutableClock extends Clock {

	private volatile Instant instant;

	public MutableClock(Instant instant) {
		this.instant = instant;
	}

	/** Starts at the current time, truncated to milliseconds as AWS timestamps are. */
	public static MutableClock startingNow() {
		return new MutableClock(Instant.ofEpochMilli(System.currentTimeMillis()));
	}

	public void set(Instant instant) {
		this.instant = instant;
	}

	public synchronized void advance(Duration duration) {
		this.instant = this.instant.plus(duration);
	}

	@Override
	public Instant instant() {
		return this.instant;
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		if (zone.equals(ZoneOffset.UTC)) {
			return this;
		}
		throw new UnsupportedOperationException("MutableClock is always UTC");
	}

}
