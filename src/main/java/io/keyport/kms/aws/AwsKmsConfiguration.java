package io.keyport.kms.aws;

import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.keyport.kms.KmsCallListener;
import io.keyport.kms.KmsProvider;
import io.keyport.kms.KmsRateLimitProperties;
import io.keyport.kms.KmsTargetSettings;
import io.keyport.kms.PacedKmsProvider;

/**
 * Contributes the AWS {@link io.keyport.kms.KmsProviderFactory}; targets choose their
 * provider, so it is always there (building nothing until a target asks).
 */
@Configuration(proxyBeanMethods = false)
class AwsKmsConfiguration {

	/** Closed with the context: every KMS and STS client it built. */
	@Bean(destroyMethod = "close")
	AwsKmsProviderFactory awsKmsProviderFactory(AwsKmsProperties properties) {
		return new AwsKmsProviderFactory(properties);
	}

	/**
	 * TEMPORARY (branch aws-targets only): the single provider of today, now built by the
	 * factory for the implicit target, so this branch runs before the KmsTargets registry
	 * exists. The lead deletes this bean on merge.
	 */
	@Bean
	KmsProvider awsKmsProvider(AwsKmsProviderFactory factory, KmsRateLimitProperties rateLimits,
			ObjectProvider<KmsCallListener> listeners, ObjectProvider<ObservationRegistry> observations) {
		return new PacedKmsProvider(factory.create("default", KmsTargetSettings.implicitAws()),
				factory.defaultLimiter(rateLimits), listeners.orderedStream().toList(),
				observations.getIfAvailable(() -> ObservationRegistry.NOOP));
	}

}
