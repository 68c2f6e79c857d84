package io.keyport.kms;

import java.net.URI;
import java.nio.file.Path;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * One named KMS target ({@code keyport.kms.targets.<name>.*}): a provider account in one
 * region. Fields that do not apply to the provider are refused at startup by its factory.
 *
 * @param provider {@code aws} or {@code huawei}
 * @param region the provider's region name; for AWS unset means the SDK's region chain
 * @param endpoint endpoint override (an emulator, a VPC endpoint); unset means the
 * provider's public endpoint for the region
 * @param roleArn AWS only: a role assumed through STS for every call of this target, with
 * the default credential chain as the source
 * @param externalId AWS only: the external id the role's trust policy requires
 * @param projectId Huawei only: the project of the region
 * @param accessKeyFile Huawei only: a file holding the access key (AK), for example a
 * mounted secret; unset means {@code HUAWEICLOUD_SDK_AK}
 * @param secretKeyFile Huawei only: a file holding the secret key (SK); unset means
 * {@code HUAWEICLOUD_SDK_SK}
 * @param securityTokenFile Huawei only: a file holding a temporary credential's security
 * token; unset means {@code HUAWEICLOUD_SDK_SECURITY_TOKEN} when that is set
 * @param legacyAlgorithms allow the legacy wrapping algorithms the provider still offers
 * (Huawei: RSAES_PKCS1_V1_5, RSAES_OAEP_SHA_1); off by default
 * @param requestsPerSecond a pace for all this target's calls together, per instance
 * (Huawei's quota is 20 requests/s per user); unset means the provider's default
 */
public record KmsTargetSettings(@NotBlank @Pattern(regexp = "aws|huawei") String provider, String region, URI endpoint,
		String roleArn, String externalId, String projectId, Path accessKeyFile, Path secretKeyFile,
		Path securityTokenFile, @DefaultValue("false") boolean legacyAlgorithms, @Positive Double requestsPerSecond) {

	/**
	 * The full name of one of a target's properties, for startup messages:
	 * {@code keyport.kms.targets.<target>.<property>}.
	 */
	public static String property(String target, String property) {
		return "keyport.kms.targets." + target + "." + property;
	}

	/** The implicit target when none is configured: AWS from the SDK's environment. */
	public static KmsTargetSettings implicitAws() {
		return new KmsTargetSettings("aws", null, null, null, null, null, null, null, null, false, null);
	}

}
