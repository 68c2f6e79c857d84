package io.keyport.kms.aws;

import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;

import io.keyport.kms.KmsCallListener;
import io.keyport.kms.KmsProvider;
import io.keyport.kms.KmsRateLimitProperties;
import io.keyport.kms.PacedKmsProvider;

/**
 * Wires the AWS adapter when {@code keyport.kms.provider} is {@code aws} (the default).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "keyport.kms.provider", havingValue = "aws", matchIfMissing = true)
class AwsKmsConfiguration {

	@Bean(destroyMethod = "close")
	KmsClient kmsClient(AwsKmsProperties properties) {
		KmsClientBuilder builder = KmsClient.builder()
			.credentialsProvider(DefaultCredentialsProvider.builder().build())
			.httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(properties.connectTimeout()))
			.overrideConfiguration(c -> c.apiCallTimeout(properties.apiCallTimeout())
				.apiCallAttemptTimeout(properties.apiCallAttemptTimeout())
				.retryStrategy(b -> b.maxAttempts(properties.maxAttempts())));
		if (properties.region() != null && !properties.region().isBlank()) {
			builder.region(Region.of(properties.region()));
		}
		if (properties.endpoint() != null) {
			builder.endpointOverride(properties.endpoint());
		}
		return builder.build();
	}

	@Bean
	KmsProvider awsKmsProvider(KmsClient kmsClient, KmsRateLimitProperties rateLimits,
			ObjectProvider<KmsCallListener> listeners, ObjectProvider<ObservationRegistry> observations) {
		return new PacedKmsProvider(new AwsKmsProvider(kmsClient), rateLimits.limiter(),
				listeners.orderedStream().toList(), observations.getIfAvailable(() -> ObservationRegistry.NOOP));
	}

}
