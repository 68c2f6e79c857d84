package io.keyport.importjob;

import java.time.Duration;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import io.keyport.kms.KmsTargets;

/**
 * Refuses to start with a lease shorter than one step of a job's KMS work can take (up to
 * {@link #CALLS_PER_LEASE} calls, each the wait for a pacing permit plus the call's
 * timeout, as the KMS provider reports them): such a lease could lapse while the call
 * still runs, and another instance would do the same work. Also refuses the lease's
 * former property name, which would otherwise be ignored without a word.
 */
@Component
class LeaseSettings {

	static final String PROPERTY = "keyport.lifecycle.lease-duration";

	static final String FORMER_PROPERTY = "keyport.import-jobs.lease-duration";

	LeaseSettings(LifecycleProperties lifecycle, KmsTargets targets, Environment environment,
			RefreshPolicyProperties refreshPolicies) {
		checkNotFormerName(Binder.get(environment).bind(FORMER_PROPERTY, Duration.class).isBound());
		// a lease must outlast the slowest target's longest call
		Duration longestCall = targets.all()
			.stream()
			.map(target -> target.kms().longestCall())
			.max(Duration::compareTo)
			.orElse(Duration.ZERO);
		check(lifecycle.leaseDuration(), longestCall);
		checkOnDemand(lifecycle.leaseDuration(), longestCall, refreshPolicies.onDemandWait());
	}

	/**
	 * An on-demand download holds its lease while it waits for the quota and then calls
	 * KMS: a lease lapsing meanwhile would let a second request download too.
	 */
	static void checkOnDemand(Duration leaseDuration, Duration longestCall, Duration onDemandWait) {
		if (leaseDuration.compareTo(longestCall.plus(onDemandWait)) <= 0) {
			throw new IllegalStateException(
					PROPERTY + " (" + leaseDuration + ") must exceed " + "keyport.refresh-policy.on-demand-wait ("
							+ onDemandWait + ") plus the longest KMS call (" + longestCall + ")");
		}
	}

	static void checkNotFormerName(boolean formerNameSet) {
		if (formerNameSet) {
			throw new IllegalStateException(FORMER_PROPERTY + " was renamed to " + PROPERTY
					+ " (the lease settings are one group with keyport.lifecycle.instance-id); set that instead");
		}
	}

	/**
	 * The most KMS calls a job's work makes between two extensions of its lease: a
	 * re-import into a key that takes material only while pending import (DescribeKey and
	 * DeleteImportedKeyMaterial, then the lease is extended for the ImportKeyMaterial).
	 * Work of more calls (a custody renewal with replicas, a replica turn, a replica's
	 * new parameters and the custodian's wrap before its import, a search for a lost
	 * import before a retry or a download) extends the lease between such steps.
	 */
	static final int CALLS_PER_LEASE = 2;

	static void check(Duration leaseDuration, Duration longestCall) {
		Duration step = longestCall.multipliedBy(CALLS_PER_LEASE);
		if (leaseDuration.compareTo(step) <= 0) {
			throw new IllegalStateException(PROPERTY + " (" + leaseDuration + ") must exceed " + CALLS_PER_LEASE
					+ " times the longest KMS call (" + longestCall + "), the most calls one step of a job's work "
					+ "makes: the client's call timeout (keyport.kms.aws.api-call-timeout for AWS) plus "
					+ "keyport.kms.rate-limits.max-wait");
		}
	}

}
