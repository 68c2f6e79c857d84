package io.keyport.kms;

import java.util.Optional;

/**
 * Builds the adapter of one provider for a configured target. Each provider package
 * ({@code kms.aws}, {@code kms.huawei}) contributes one as a bean; {@link KmsTargets}
 * paces and observes what it builds.
 */
public interface KmsProviderFactory {

	/** The provider name targets use: {@code aws} or {@code huawei}. */
	String provider();

	/**
	 * The adapter for the target, unpaced.
	 * @param name the target's name, for messages
	 * @throws IllegalStateException when the settings cannot work (missing project id,
	 * credentials, a setting of another provider), so a misconfiguration stops startup
	 * with a message naming the target and the property
	 */
	KmsProvider create(String name, KmsTargetSettings settings);

	/**
	 * The pace of a target of this provider that sets no {@code requests-per-second}.
	 */
	KmsRateLimiter defaultLimiter(KmsRateLimitProperties rateLimits);

	/**
	 * What the provider counts the target's request quotas against, when other targets
	 * can count against the same: targets of one scope share one pace and one
	 * GetParametersForImport budget. Empty: the target's quotas are its own. Asked only
	 * for targets that set no {@code requests-per-second}.
	 */
	default Optional<String> quotaScope(String name, KmsTargetSettings settings) {
		return Optional.empty();
	}

}
