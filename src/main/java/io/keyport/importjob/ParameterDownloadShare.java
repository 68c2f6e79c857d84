package io.keyport.importjob;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.springframework.stereotype.Component;

import io.keyport.kms.KmsRateLimitProperties;
import io.keyport.security.Caller;
import io.keyport.support.DescribedFailure.Kind;
import io.keyport.support.TokenBucket;

/**
 * Who may spend the account's scarce GetParametersForImport quota on request. The
 * scheduler is not limited here: it paces on the KMS rate limiter's bucket as before, and
 * the share reserved for it is what API requests together can never take. API requests
 * get the rest ({@code rate × (1 − schedulerShare)}), and one tenant at most
 * {@code tenantShare} of that. A caller over its share is refused at once, before
 * anything changes, with the time until a permit frees up: a waiting request would only
 * hold a thread and the others' turn.
 */
final class ParameterDownloadShare {

	/**
	 * Tenants whose buckets are kept at most; beyond that, full (idle) ones are
	 * forgotten.
	 */
	private static final int MAX_TENANTS = 10_000;

	private final double apiRate;

	private final double tenantRate;

	private final int tenantBurst;

	private final TokenBucket api;

	private final Map<String, TokenBucket> tenants = new ConcurrentHashMap<>();

	/**
	 * @param total the target's pace of GetParametersForImport, permits per second
	 */
	ParameterDownloadShare(double total, KmsRateLimitProperties rates) {
		this.apiRate = total * (1 - rates.schedulerShare());
		this.tenantRate = this.apiRate * rates.tenantShare();
		this.tenantBurst = rates.tenantBurst();
		// room for the burst of each tenant that may hold a full share, so one tenant's
		// burst leaves the others a turn
		this.api = new TokenBucket(this.apiRate,
				Math.max(this.apiRate, this.tenantBurst * Math.ceil(1 / rates.tenantShare())));
	}

	/**
	 * Takes a permit for one GetParametersForImport on behalf of the caller's tenant.
	 * @throws ImportJobException {@code kms-quota-exceeded} (429) with the wait until a
	 * permit is available
	 */
	void acquire(Caller caller, ImportJobId jobId) {
		acquire(caller, jobId, Duration.ZERO);
	}

	/**
	 * Takes a permit on behalf of the caller's tenant, waiting for it at most
	 * {@code maxWait} (a client's ask that needs the download to be answered at all).
	 * @throws ImportJobException {@code kms-quota-exceeded} (429) with the wait until a
	 * permit is available, when that is longer than {@code maxWait}
	 */
	void acquire(Caller caller, ImportJobId jobId, Duration maxWait) {
		if (this.apiRate <= 0) {
			// pacing of GetParametersForImport is off
			return;
		}
		TokenBucket tenant = tenantBucket(caller.tenant());
		long waitNanos;
		long sleepNanos = 0;
		synchronized (this) {
			waitNanos = Math.max(tenant.nanosUntilAvailable(), this.api.nanosUntilAvailable());
			if (waitNanos <= maxWait.toNanos()) {
				// both go into debt by the wait: later callers queue behind this one
				sleepNanos = Math.max(tenant.reserve(Long.MAX_VALUE), this.api.reserve(Long.MAX_VALUE));
				waitNanos = -1;
			}
		}
		if (waitNanos < 0) {
			if (sleepNanos > 0) {
				LockSupport.parkNanos(sleepNanos);
			}
			return;
		}
		throw quotaExceeded(caller, jobId, waitNanos);
	}

	/**
	 * Returns a permit taken by {@link #acquire} for a download that will not be made.
	 */
	void giveBack(Caller caller) {
		if (this.apiRate <= 0) {
			return;
		}
		TokenBucket tenant = tenantBucket(caller.tenant());
		synchronized (this) {
			tenant.giveBack();
			this.api.giveBack();
		}
	}

	/**
	 * Whether the caller's tenant could take a permit now, without taking it (a plan of a
	 * job spends nothing).
	 * @throws ImportJobException {@code kms-quota-exceeded} (429), as {@link #acquire}
	 * would
	 */
	void check(Caller caller) {
		if (this.apiRate <= 0) {
			return;
		}
		TokenBucket tenant = tenantBucket(caller.tenant());
		long waitNanos;
		synchronized (this) {
			waitNanos = Math.max(tenant.nanosUntilAvailable(), this.api.nanosUntilAvailable());
		}
		if (waitNanos > 0) {
			throw quotaExceeded(caller, null, waitNanos);
		}
	}

	private static ImportJobException quotaExceeded(Caller caller, ImportJobId jobId, long waitNanos) {
		Duration retryAfter = Duration
			.ofSeconds(Math.max(1, (waitNanos + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1)));
		return new ImportJobException(ImportJobException.KMS_QUOTA_EXCEEDED, Kind.TOO_MANY_REQUESTS, jobId, null,
				"The share of KMS's GetParametersForImport quota for requests of tenant '" + caller.tenant()
						+ "' is used up for now. Retry after " + retryAfter.toSeconds() + " seconds.",
				retryAfter);
	}

	private TokenBucket tenantBucket(String tenant) {
		if (this.tenants.size() >= MAX_TENANTS) {
			this.tenants.values().removeIf(bucket -> bucket.nanosUntilAvailable() == 0);
		}
		return this.tenants.computeIfAbsent(tenant, t -> new TokenBucket(this.tenantRate, this.tenantBurst));
	}

}
