package io.keyport.importjob;

import java.time.Duration;

import org.springframework.stereotype.Component;

import io.keyport.kms.KmsProvider;

/**
 * Refuses to start with a lease shorter than one job's KMS work can take (the wait for a pacing permit plus the
 * call's timeout, as the KMS provider reports them): such a lease could lapse while the call still runs, and another
 * instance would do the same work.
 */
@Component
class LeaseSettings {

	LeaseSettings(ImportJobProperties jobs, KmsProvider kms) {
		check(jobs.leaseDuration(), kms.longestCall());
	}

	static void check(Duration leaseDuration, Duration longestCall) {
		if (leaseDuration.compareTo(longestCall) <= 0) {
			throw new IllegalStateException("keyport.import-jobs.lease-duration (" + leaseDuration
					+ ") must exceed the longest KMS call (" + longestCall + "): the client's call timeout "
					+ "(keyport.kms.aws.api-call-timeout for AWS) plus keyport.kms.rate-limits.max-wait");
		}
	}

}
