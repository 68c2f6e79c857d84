package io.keyport.kms;

import java.util.concurrent.Semaphore;

/**
 * How many KMS calls this instance has in flight at most, over every target
 * ({@code keyport.kms.max-calls-in-flight}). A call waits for the pace, then for KMS's
 * answer, for up to {@code max-wait} plus the call's timeout: while KMS is slow, requests
 * piling up behind it would take every server thread, the liveness probe's too, and the
 * kubelet would restart every pod at once. A call beyond the bound is refused at once,
 * known not to have been sent, as {@link KmsErrorCode#THROTTLED} (503 with Retry-After
 * for the API; a backoff for the scheduler).
 */
public final class KmsCallsInFlight {

	private final int max;

	private final Semaphore calls;

	public KmsCallsInFlight(int max) {
		if (max < 1) {
			throw new IllegalArgumentException("keyport.kms.max-calls-in-flight must be at least 1, not " + max);
		}
		this.max = max;
		this.calls = new Semaphore(max);
	}

	/**
	 * Enters a call; {@link #exit()} once it ended.
	 * @throws KmsException {@code THROTTLED}, not sent, when {@code max} calls are in
	 * flight
	 */
	void enter(String operation) {
		if (!this.calls.tryAcquire()) {
			throw KmsException.notSent(KmsErrorCode.THROTTLED, operation, "not sent: " + this.max
					+ " KMS calls of this instance are waiting for KMS already (keyport.kms.max-calls-in-flight); "
					+ "KMS answers slowly or not at all", null);
		}
	}

	void exit() {
		this.calls.release();
	}

	/** Calls in flight now. */
	public int inFlight() {
		return this.max - this.calls.availablePermits();
	}

}
