package io.keyport.kms.aws;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

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

}
