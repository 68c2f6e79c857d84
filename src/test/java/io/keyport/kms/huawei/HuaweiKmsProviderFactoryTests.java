package io.keyport.kms.huawei;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import io.keyport.kms.KmsErrorCode;
import io.keyport.kms.KmsException;
import io.keyport.kms.KmsRateLimitProperties;
import io.keyport.kms.KmsRateLimiter;
import io.keyport.kms.KmsTargetSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class HuaweiKmsProviderFactoryTests {

	private static final Function<String, String> ENV = Map.of("HUAWEICLOUD_SDK_AK", "AK", "HUAWEICLOUD_SDK_SK",
			"SK")::get;

	private final HuaweiKmsProviderFactory factory = new HuaweiKmsProviderFactory(ENV, Clock.systemUTC(),
			HuaweiKmsClient.Settings.DEFAULTS, HuaweiKmsProvider.Envelope.HUAWEI);

	@Test
	void buildsAnAdapterForTheRegionsPublicEndpoint() {
		HuaweiKmsProvider provider = this.factory.createProvider("hw", settings("ap-southeast-1", "p1", null, null));

		assertThat(this.factory.provider()).isEqualTo("huawei");
		assertThat(provider.region()).isEqualTo("ap-southeast-1");
		assertThat(provider.aliasAtCreation()).isTrue();
		assertThat(provider.longestCall()).isEqualTo(HuaweiKmsClient.Settings.DEFAULTS.callTimeout());
		assertThat(HuaweiKmsProviderFactory.defaultEndpoint("ap-southeast-1"))
			.isEqualTo(URI.create("https://kms.ap-southeast-1.myhuaweicloud.com"));
		assertThat(HuaweiKmsProviderFactory.defaultEndpoint("eu-west-101"))
			.isEqualTo(URI.create("https://kms.eu-west-101.myhuaweicloud.eu"));
	}

	@Test
	void regionAndProjectIdAreRequired() {
		assertThatIllegalStateException().isThrownBy(() -> this.factory.create("hw", settings(null, "p1", null, null)))
			.withMessageContaining("Huawei KMS target 'hw' needs keyport.kms.targets.hw.region");
		assertThatIllegalStateException()
			.isThrownBy(() -> this.factory.create("hw", settings("ap-southeast-1", null, null, null)))
			.withMessageContaining("Huawei KMS target 'hw' needs keyport.kms.targets.hw.project-id");
	}

	@Test
	void awsSettingsAreRefusedNamingTheTargetAndTheProperty() {
		assertThatIllegalStateException()
			.isThrownBy(() -> this.factory.create("hw",
					settings("ap-southeast-1", "p1", "arn:aws:iam::111122223333:role/keyport", null)))
			.withMessageStartingWith("keyport.kms.targets.hw.role-arn is an AWS setting: Huawei KMS target 'hw'");
		assertThatIllegalStateException()
			.isThrownBy(() -> this.factory.create("hw", settings("ap-southeast-1", "p1", null, "ext-1")))
			.withMessageStartingWith("keyport.kms.targets.hw.external-id is an AWS setting");
	}

	@Test
	void credentialsAreRequiredAtStartup() {
		HuaweiKmsProviderFactory withoutEnv = new HuaweiKmsProviderFactory(name -> null, Clock.systemUTC(),
				HuaweiKmsClient.Settings.DEFAULTS, HuaweiKmsProvider.Envelope.HUAWEI);

		assertThatIllegalStateException()
			.isThrownBy(() -> withoutEnv.create("hw", settings("ap-southeast-1", "p1", null, null)))
			.withMessageContaining("HUAWEICLOUD_SDK_AK");
	}

	@Test
	void theDefaultPaceIsOneShareOfTwentyRequestsPerSecondForAllOperations() {
		KmsRateLimitProperties rateLimits = new KmsRateLimitProperties(0.2, 4, 50, 4, Duration.ZERO, 0.5, 0.5, 3);

		KmsRateLimiter limiter = this.factory.defaultLimiter(rateLimits);

		// 20 permits at once, whichever operations take them; then one every 50 ms for
		// all of them together (40 calls cannot all pass unless they took a second)
		String[] operations = { "DescribeKey", "GetParametersForImport", "ImportKeyMaterial", "CreateKey" };
		int granted = 0;
		for (int i = 0; i < 40; i++) {
			try {
				limiter.acquire(operations[i % operations.length]);
				granted++;
			}
			catch (KmsException ex) {
				assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.THROTTLED);
			}
		}
		assertThat(granted).isBetween(20, 39);
	}

	@Test
	void aTotalPaceIsSharedByEveryOperation() {
		KmsRateLimiter limiter = KmsRateLimiter.total(0.5, Duration.ZERO);

		limiter.acquire("DescribeKey");

		assertThat(limiter.available("ImportKeyMaterial")).isFalse();
		assertThatExceptionOfType(KmsException.class).isThrownBy(() -> limiter.acquire("GetPublicKey"));
	}

	private static KmsTargetSettings settings(String region, String projectId, String roleArn, String externalId) {
		return new KmsTargetSettings("huawei", region, null, roleArn, externalId, projectId, null, null, null, false,
				null);
	}

}
