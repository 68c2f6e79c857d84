package io.keyport.importjob;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.keyport.kms.ImportParameters;
import io.keyport.kms.KmsTarget;
import io.keyport.kms.KmsTargets;
import io.keyport.security.Caller;
import io.keyport.support.DescribedFailure.Kind;

/**
 * New parameters for an ON_DEMAND job at the moment a client needs them (the wrapping
 * key, or a plaintext upload, after the old ones lapsed). The job is leased in a short
 * transaction, so of two clients asking at once one downloads and the other waits for its
 * parameters; then the caller's share of the quota is waited for (at most
 * {@code keyport.refresh-policy.on-demand-wait}), KMS is called with no transaction open,
 * and the parameters are recorded at the version of the lease.
 */
@Component
class OnDemandParameters {

	private static final Logger log = LoggerFactory.getLogger(OnDemandParameters.class);

	private static final long POLL_MILLIS = 50;

	private final ImportJobStore store;

	private final KmsImports kmsImports;

	private final KmsTargets targets;

	private final ParameterDownloadQuota quota;

	private final RefreshPolicyProperties properties;

	private final LifecycleProperties lifecycle;

	private final Clock clock;

	private final TransactionTemplate tx;

	OnDemandParameters(ImportJobStore store, KmsImports kmsImports, KmsTargets targets, ParameterDownloadQuota quota,
			RefreshPolicyProperties properties, LifecycleProperties lifecycle, Clock clock,
			PlatformTransactionManager transactionManager) {
		this.store = store;
		this.kmsImports = kmsImports;
		this.targets = targets;
		this.quota = quota;
		this.properties = properties;
		this.lifecycle = lifecycle;
		this.clock = clock;
		this.tx = new TransactionTemplate(transactionManager);
	}

	/**
	 * Makes sure the job holds usable parameters, downloading them if it needs them now
	 * (or waiting for another request's download). Returns at once for a job that needs
	 * none.
	 * @throws ImportJobException {@code kms-quota-exceeded} (429) or {@code job-busy}
	 * (409) with {@code Retry-After} when the wait would exceed the bound, or the KMS
	 * failure
	 */
	void ensureUsable(ImportJobId id, Caller caller) {
		long deadline = System.nanoTime() + this.properties.onDemandWait().toNanos();
		while (true) {
			Lease lease = new Lease(this.lifecycle.instanceId(),
					this.clock.instant().plus(this.lifecycle.leaseDuration()));
			Long leased;
			try {
				leased = this.tx.execute(status -> {
					ImportJob job = this.store.load(id, caller, true);
					if (!job.needsOnDemandRefresh(this.clock.instant())) {
						return null;
					}
					job.leaseForOnDemandRefresh(lease, this.clock.instant());
					return this.store.save(job).version();
				});
			}
			catch (ImportJobException ex) {
				if (!isBusy(ex) || System.nanoTime() > deadline) {
					throw ex;
				}
				pause();
				continue;
			}
			catch (OptimisticLockingFailureException ex) {
				// another request leased it a moment earlier: wait for its parameters
				if (System.nanoTime() > deadline) {
					throw busy(id);
				}
				pause();
				continue;
			}
			if (leased == null) {
				return;
			}
			download(id, leased, caller,
					Duration.ofNanos(Math.max(0, deadline - System.nanoTime())).truncatedTo(ChronoUnit.MILLIS));
			return;
		}
	}

	private void download(ImportJobId id, long version, Caller caller, Duration wait) {
		ImportJob job = this.tx.execute(status -> this.store.load(id));
		ImportParameters parameters;
		try {
			long deadline = System.nanoTime() + wait.toNanos();
			KmsTarget target = this.targets.get(job.kmsTarget());
			this.quota.acquire(target, caller, id, wait);
			// the pace's permit within what is left of the same bounded wait: the caller
			// was promised an answer within it
			parameters = target.limiter()
				.waitingAtMost(Duration.ofNanos(deadline - System.nanoTime()),
						() -> this.kmsImports.download(job.kmsTarget(), job.kmsKeyArn(), job.wrappingAlgorithm(),
								job.wrappingKeySpec(), id, ImportJobMetrics.DownloadCause.ON_DEMAND));
		}
		catch (RuntimeException ex) {
			// nothing downloaded: the next ask tries again
			release(id, version);
			throw ex;
		}
		Instant lapsed = job.toView().parametersValidTo();
		this.tx.executeWithoutResult(status -> {
			ImportJob leased = this.store.loadAtVersion(id, version);
			leased.recordParameters(parameters,
					"parameters downloaded on demand (refresh policy ON_DEMAND): a client needed them after the "
							+ "previous ones lapsed at " + lapsed,
					caller.actor(), this.clock.instant());
			this.store.save(leased);
		});
		log.info("Import job {}: parameters downloaded on demand", id);
	}

	/**
	 * Releases a lease taken for a download that did not happen, so the next ask may try
	 * at once; if that fails, the lease lapses by itself.
	 */
	void release(ImportJobId id, long version) {
		try {
			this.tx.executeWithoutResult(status -> {
				ImportJob job = this.store.loadAtVersion(id, version);
				job.releaseLease();
				this.store.save(job);
			});
		}
		catch (RuntimeException ex) {
			// the lease lapses by itself
			log.warn("Import job {}: lease for a download not released ({})", id, ex.toString());
		}
	}

	private static boolean isBusy(ImportJobException ex) {
		return ImportJobException.JOB_BUSY.equals(ex.code())
				|| ImportJobStore.CONCURRENT_MODIFICATION.equals(ex.code());
	}

	private static ImportJobException busy(ImportJobId id) {
		return new ImportJobException(ImportJobException.JOB_BUSY, Kind.CONFLICT, id, null,
				"New parameters for job " + id + " are being downloaded by another request. Retry after the "
						+ "number of seconds in Retry-After.",
				Duration.ofSeconds(1));
	}

	private static void pause() {
		try {
			TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while waiting for an on-demand download", ex);
		}
	}

}
