package io.keyport.importjob;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

import io.keyport.kms.KmsRateLimitProperties;
import io.keyport.kms.KmsTarget;
import io.keyport.security.Caller;

/**
 * Who may spend a target's scarce GetParametersForImport quota on request: one
 * {@link ParameterDownloadShare} per quota scope (a target, or the targets in one AWS
 * account and Region, which AWS counts together).
 */
@Component
public class ParameterDownloadQuota {

	private static final String OPERATION = "GetParametersForImport";

	private final KmsRateLimitProperties rates;

	private final Map<String, ParameterDownloadShare> shares = new ConcurrentHashMap<>();

	ParameterDownloadQuota(KmsRateLimitProperties rates) {
		this.rates = rates;
	}

	/**
	 * Takes a permit for one GetParametersForImport at the target on behalf of the
	 * caller's tenant.
	 * @throws ImportJobException {@code kms-quota-exceeded} (429) with the wait until a
	 * permit is available
	 */
	public void acquire(KmsTarget target, Caller caller, ImportJobId jobId) {
		acquire(target, caller, jobId, Duration.ZERO);
	}

	/**
	 * Takes a permit, waiting for it at most {@code maxWait}.
	 * @throws ImportJobException {@code kms-quota-exceeded} (429) with the wait until a
	 * permit is available, when that is longer
	 */
	void acquire(KmsTarget target, Caller caller, ImportJobId jobId, Duration maxWait) {
		share(target).acquire(caller, jobId, maxWait);
	}

	/**
	 * Whether the caller's tenant could take a permit now; takes none.
	 * @throws ImportJobException {@code kms-quota-exceeded} (429), as acquiring would
	 */
	void check(KmsTarget target, Caller caller) {
		share(target).check(caller);
	}

	private ParameterDownloadShare share(KmsTarget target) {
		return this.shares.computeIfAbsent(target.quotaScope(),
				name -> new ParameterDownloadShare(target.limiter().rate(OPERATION), this.rates));
	}

}
