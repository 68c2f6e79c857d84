package io.keyport.kms.aws;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;

import io.keyport.kms.KmsProvider;
import io.keyport.kms.KmsProviderFactory;
import io.keyport.kms.KmsRateLimitProperties;
import io.keyport.kms.KmsRateLimiter;
import io.keyport.kms.KmsTargetSettings;

/**
 * The AWS provider of KMS targets (TEMPORARY lead version; the aws-targets branch brings
 * the STS-capable factory).
 */
@Configuration(proxyBeanMethods = false)
class AwsKmsConfiguration {

	@Bean
	KmsProviderFactory awsKmsProviderFactory(AwsKmsProperties properties) {
		return new Factory(properties);
	}

	static final class Factory implements KmsProviderFactory, DisposableBean {

		private final AwsKmsProperties properties;

		private final List<KmsClient> clients = new CopyOnWriteArrayList<>();

		Factory(AwsKmsProperties properties) {
			this.properties = properties;
		}

		@Override
		public String provider() {
			return "aws";
		}

		@Override
		public KmsProvider create(String name, KmsTargetSettings settings) {
			KmsClientBuilder builder = KmsClient.builder()
				.credentialsProvider(DefaultCredentialsProvider.builder().build())
				.httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(this.properties.connectTimeout()))
				.overrideConfiguration(c -> c.apiCallTimeout(this.properties.apiCallTimeout())
					.apiCallAttemptTimeout(this.properties.apiCallAttemptTimeout())
					.retryStrategy(b -> b.maxAttempts(this.properties.maxAttempts())));
			String region = settings.region() != null ? settings.region() : this.properties.region();
			if (region != null && !region.isBlank()) {
				builder.region(Region.of(region));
			}
			if (settings.endpoint() != null) {
				builder.endpointOverride(settings.endpoint());
			}
			else if (this.properties.endpoint() != null) {
				builder.endpointOverride(this.properties.endpoint());
			}
			KmsClient client = builder.build();
			this.clients.add(client);
			return new AwsKmsProvider(client);
		}

		@Override
		public KmsRateLimiter defaultLimiter(KmsRateLimitProperties rateLimits) {
			return rateLimits.limiter();
		}

		@Override
		public void destroy() {
			this.clients.forEach(KmsClient::close);
		}

	}

}
