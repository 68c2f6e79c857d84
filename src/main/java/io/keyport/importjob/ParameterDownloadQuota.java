package io.keyport.importjob;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
	 * Takes one permit at each target (a job's primary and its replicas, each in a quota
	 * scope of its own), or none: a refusal at one gives back those already taken, so a
	 * request refused for a replica's share has spent nothing of the primary's.
	 * @throws ImportJobException {@code kms-quota-exceeded} (429) with the wait until a
	 * permit is available at the first target that has none
	 */
	void acquireAll(List<KmsTarget> targets, Caller caller) {
		List<KmsTarget> taken = new ArrayList<>(targets.size());
		try {
			for (KmsTarget target : targets) {
				share(target).acquire(caller, null, Duration.ZERO);
				taken.add(target);
			}
		}
		catch (RuntimeException ex) {
			giveBackAll(taken, caller);
			throw ex;
		}
	}

	/**
	 * Gives back the permits {@link #acquireAll} took, for downloads that will not be
	 * made (the request failed before its first).
	 */
	void giveBackAll(List<KmsTarget> targets, Caller caller) {
		targets.forEach(target -> share(target).giveBack(caller));
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
