package io.keyport.importjob;

import java.time.Duration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import io.keyport.kms.KmsRateLimitProperties;
import io.keyport.kms.aws.AwsKmsProperties;

/**
 * Refuses to start with a lease shorter than one job's KMS work can take (the wait for a pacing permit plus the
 * call's timeout): such a lease could lapse while the call still runs, and another instance would do the same work.
 */
@Component
class LeaseSettings {

	LeaseSettings(ImportJobProperties jobs, KmsRateLimitProperties rateLimits,
			ObjectProvider<AwsKmsProperties> aws) {
		AwsKmsProperties awsProperties = aws.getIfAvailable();
		Duration callTimeout = awsProperties != null ? awsProperties.apiCallTimeout() : Duration.ZERO;
		check(jobs.leaseDuration(), callTimeout, rateLimits.maxWait());
	}

	static void check(Duration leaseDuration, Duration callTimeout, Duration pacingMaxWait) {
		Duration longestCall = callTimeout.plus(pacingMaxWait);
		if (leaseDuration.compareTo(longestCall) <= 0) {
			throw new IllegalStateException("keyport.import-jobs.lease-duration (" + leaseDuration
					+ ") must exceed the longest KMS call: keyport.kms.aws.api-call-timeout (" + callTimeout
					+ ") plus keyport.kms.rate-limits.max-wait (" + pacingMaxWait + ")");
		}
	}

}
