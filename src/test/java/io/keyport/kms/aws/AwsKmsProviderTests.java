package io.keyport.kms.aws;

import java.net.URI;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.RegionMetadata;
import software.amazon.awssdk.services.kms.KmsClient;

import io.keyport.wrapping.ImportRules;
import io.keyport.wrapping.Partition;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The adapter's region and partition come from the client the SDK built, and agree with
 * the SDK's own metadata.
 */
class AwsKmsProviderTests {

	@Test
	void regionAndPartitionAreTheClientsOwn() {
		for (String region : new String[] { "eu-central-1", "cn-north-1", "cn-northwest-1", "us-gov-west-1" }) {
			try (KmsClient client = client(region)) {
				AwsKmsProvider provider = new AwsKmsProvider(client);
				assertThat(provider.region()).isEqualTo(region);
				assertThat(provider.partition())
					.isEqualTo(region.startsWith("cn-") ? Partition.CHINA : Partition.STANDARD);
			}
		}
	}

	/**
	 * Leases are checked against this at startup: the client's API call timeout, or a day
	 * where none is set.
	 */
	@Test
	void longestCallIsTheClientsApiCallTimeout() {
		try (KmsClient bounded = KmsClient.builder()
			.region(Region.EU_CENTRAL_1)
			.endpointOverride(URI.create("http://127.0.0.1:1"))
			.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
			.overrideConfiguration(c -> c.apiCallTimeout(java.time.Duration.ofSeconds(15)))
			.build(); KmsClient unbounded = client("eu-central-1")) {
			assertThat(new AwsKmsProvider(bounded).longestCall()).isEqualTo(java.time.Duration.ofSeconds(15));
			assertThat(new AwsKmsProvider(unbounded).longestCall()).isEqualTo(java.time.Duration.ofDays(1));
		}
	}

	/**
	 * Keyport's rule (cn-* is China) against the SDK's partition metadata for every
	 * region it knows.
	 */
	@Test
	void importRulesAreAwsRulesOfTheClientsPartition() {
		for (String region : new String[] { "eu-central-1", "cn-north-1", "us-gov-west-1" }) {
			try (KmsClient client = client(region)) {
				AwsKmsProvider provider = new AwsKmsProvider(client);
				assertThat(provider.importRules()).isSameAs(ImportRules.aws(provider.partition()));
				assertThat(provider.importRules().id()).isEqualTo(region.startsWith("cn-") ? "aws-cn" : "aws");
				assertThat(provider.importRules("cn-northwest-1").id()).isEqualTo("aws-cn");
			}
		}
	}

	@Test
	void partitionRuleMatchesTheSdkPartitionOfEveryKnownRegion() {
		assertThat(Region.regions()).hasSizeGreaterThan(20);
		for (Region region : Region.regions()) {
			RegionMetadata metadata = region.metadata();
			if (metadata == null || region.isGlobalRegion()) {
				continue;
			}
			boolean china = "aws-cn".equals(metadata.partition().id());
			assertThat(Partition.ofRegion(region.id())).as(region.id())
				.isEqualTo(china ? Partition.CHINA : Partition.STANDARD);
		}
	}

	private static KmsClient client(String region) {
		return KmsClient.builder()
			.region(Region.of(region))
			.endpointOverride(URI.create("http://127.0.0.1:9"))
			.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
			.build();
	}

}
