package io.keyport.kms;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import io.keyport.support.TokenBucket;

/**
 * Paces KMS calls per operation with token buckets, so a backlog is worked through
 * steadily under the provider's request quotas instead of in throttling storms. Rates are
 * per instance: with N replicas, configure quota / N.
 */
public final class KmsRateLimiter {

	private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();

	private final Map<String, Double> ratesPerSecond;

	private final double defaultRate;

	private final Duration maxWait;

	/**
	 * Set while this thread's provider call has a permit its first request has not used.
	 */
	private final ThreadLocal<Boolean> callPermit = new ThreadLocal<>();

	/**
	 * Set while this thread runs a provider call: a request refused after its first one
	 * ends a call KMS may have carried out in part.
	 */
	private final ThreadLocal<Boolean> inCall = new ThreadLocal<>();

	/**
	 * A shorter wait than {@link #maxWait} for this thread's calls: a request that
	 * promised its caller an answer within a bounded time.
	 */
	private final ThreadLocal<Duration> waitLimit = new ThreadLocal<>();

	/**
	 * One bucket for every operation together (a provider whose quota is per user, not
	 * per operation: Huawei's 20 requests/s).
	 */
	private final boolean shared;

	/**
	 * @param ratesPerSecond permits per second by operation name (e.g.
	 * {@code GetParametersForImport})
	 * @param defaultRate rate for operations not listed; 0 or less disables pacing for
	 * them
	 * @param maxWait how long a caller waits for a permit before the call is refused as
	 * throttled
	 */
	public KmsRateLimiter(Map<String, Double> ratesPerSecond, double defaultRate, Duration maxWait) {
		this(ratesPerSecond, defaultRate, maxWait, false);
	}

	private KmsRateLimiter(Map<String, Double> ratesPerSecond, double defaultRate, Duration maxWait, boolean shared) {
		this.ratesPerSecond = Map.copyOf(ratesPerSecond);
		this.defaultRate = defaultRate;
		this.maxWait = maxWait;
		this.shared = shared;
	}

	/**
	 * A pace for all operations together: {@code ratePerSecond} calls of any kind.
	 */
	public static KmsRateLimiter total(double ratePerSecond, Duration maxWait) {
		return new KmsRateLimiter(Map.of(), ratePerSecond, maxWait, true);
	}

	/** The operation's rate in permits per second; 0 or less means unpaced. */
	public double rate(String operation) {
		return this.ratesPerSecond.getOrDefault(operation, this.defaultRate);
	}

	private TokenBucket bucket(String operation, double rate) {
		return this.buckets.computeIfAbsent(this.shared ? "*" : operation, op -> new TokenBucket(rate));
	}

	/**
	 * Waits for a permit for the operation.
	 * @throws KmsException with {@link KmsErrorCode#THROTTLED} when none is available
	 * within the maximum wait
	 */
	public void acquire(String operation) {
		double rate = rate(operation);
		if (rate <= 0) {
			return;
		}
		TokenBucket bucket = bucket(operation, rate);
		Duration limit = this.waitLimit.get();
		long waitNanos = bucket
			.reserve((limit != null && limit.compareTo(this.maxWait) < 0) ? limit.toNanos() : this.maxWait.toNanos());
		if (waitNanos < 0) {
			String message = "Keyport's own pace for " + operation + " (" + rate + "/s) is exhausted; try again later";
			// refused before sending: nothing reached KMS (not an unknown outcome, no
			// quota spent), unless an earlier request of the same call did
			throw (this.inCall.get() != null) ? new KmsException(KmsErrorCode.THROTTLED, operation, message, null)
					: KmsException.notSent(KmsErrorCode.THROTTLED, operation, message, null);
		}
		if (waitNanos > 0) {
			LockSupport.parkNanos(waitNanos);
		}
	}

	/**
	 * The permit of one provider call ({@link PacedKmsProvider}): it pays for the call's
	 * first request; an adapter that sends more requests for the call asks
	 * {@link #acquireRequest} for each of the others. Ended with {@link #endCall}.
	 */
	void acquireCall(String operation) {
		acquire(operation);
		this.callPermit.set(Boolean.TRUE);
		this.inCall.set(Boolean.TRUE);
	}

	void endCall() {
		this.callPermit.remove();
		this.inCall.remove();
	}

	/**
	 * A permit for one HTTP request of an adapter that may send several per call (an
	 * alias lookup's pages, a describe after the call, a retry): the call's own permit
	 * pays for its first request, every other one takes a permit of its own, so the
	 * provider's per-request quota holds.
	 * @throws KmsException with {@link KmsErrorCode#THROTTLED} when none is available
	 * within the maximum wait
	 */
	public void acquireRequest(String operation) {
		if (this.callPermit.get() != null) {
			this.callPermit.remove();
			return;
		}
		acquire(operation);
	}

	/**
	 * How many calls of the operation one caller can make in a row from now without
	 * Keyport's own pace refusing one: unlimited when each permit comes within the
	 * maximum wait of the one before (each call waits its turn), else what the bucket
	 * holds now plus what comes within one maximum wait.
	 */
	public long callsInARow(String operation) {
		double rate = rate(operation);
		if (rate <= 0 || 1 / rate <= this.maxWait.toNanos() / 1e9) {
			return Long.MAX_VALUE;
		}
		return bucket(operation, rate).permitsWithin(this.maxWait.toNanos());
	}

	/**
	 * Runs KMS calls whose permits are waited for at most {@code wait} (never longer than
	 * the maximum wait): beyond it they are refused as throttled, unsent.
	 */
	public <T> T waitingAtMost(Duration wait, Supplier<T> calls) {
		Duration previous = this.waitLimit.get();
		this.waitLimit.set(wait.isNegative() ? Duration.ZERO : wait);
		try {
			return calls.get();
		}
		finally {
			if (previous != null) {
				this.waitLimit.set(previous);
			}
			else {
				this.waitLimit.remove();
			}
		}
	}

	/** The longest a caller waits for a permit before it is refused. */
	public Duration maxWait() {
		return this.maxWait;
	}

	/** Whether a permit would be available now, without taking it. */
	public boolean available(String operation) {
		double rate = rate(operation);
		return rate <= 0 || bucket(operation, rate).nanosUntilAvailable() == 0;
	}

}
