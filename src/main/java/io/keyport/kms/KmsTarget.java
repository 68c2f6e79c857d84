package io.keyport.kms;

/**
 * A named KMS target: a provider account in one region, and its paced, observed adapter.
 *
 * @param name as configured ({@code keyport.kms.targets.<name>}); {@code default} for the
 * implicit AWS target
 * @param provider {@code aws} or {@code huawei}
 * @param kms the target's adapter: every call is paced, observed and audited with the
 * target's name
 * @param limiter the pace the target's calls keep, shared with the targets of its quota
 * scope
 * @param quotaScope what the provider counts the target's quotas against (for AWS an
 * account and Region); targets of one scope share their pace and GetParametersForImport
 * budget
 */
public record KmsTarget(String name, String provider, KmsProvider kms, KmsRateLimiter limiter, String quotaScope) {

	/** A target whose quotas are its own. */
	public KmsTarget(String name, String provider, KmsProvider kms, KmsRateLimiter limiter) {
		this(name, provider, kms, limiter, ownScope(name));
	}

	/** The quota scope of a target that shares its quotas with no other. */
	public static String ownScope(String name) {
		return "target " + name;
	}

	/** The target's region, as its provider names it. */
	public String region() {
		return this.kms.region();
	}

}
