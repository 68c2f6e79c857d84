package io.keyport.kms;

/**
 * A named KMS target: a provider account in one region, and its paced, observed adapter.
 *
 * @param name as configured ({@code keyport.kms.targets.<name>}); {@code default} for the
 * implicit AWS target
 * @param provider {@code aws} or {@code huawei}
 * @param kms the target's adapter: every call is paced, observed and audited with the
 * target's name
 * @param limiter the pace the target's calls keep
 */
public record KmsTarget(String name, String provider, KmsProvider kms, KmsRateLimiter limiter) {

	/** The target's region, as its provider names it. */
	public String region() {
		return this.kms.region();
	}

}
