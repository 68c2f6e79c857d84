package io.keyport.kms.aws;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * AWS KMS client settings, shared by every AWS target. Region and endpoint are optional:
 * when unset, the SDK's own resolution applies ({@code AWS_REGION},
 * {@code AWS_ENDPOINT_URL_KMS}, profiles), and the source credentials always come from
 * the SDK's default provider chain (a target with a {@code role-arn} assumes that role
 * with them).
 *
 * @param region AWS region, for example {@code eu-central-1}, of the implicit target and
 * of every AWS target that names none; unset means the SDK's default region chain
 * @param endpoint KMS endpoint override (an emulator or a VPC endpoint) of the implicit
 * target and of AWS targets that name neither a region nor an endpoint (an endpoint
 * belongs to one region); unset means the SDK's resolution
 * @param stsEndpoint STS endpoint override (an emulator or an STS VPC endpoint) for
 * targets that assume a role; unset means the SDK's resolution
 * ({@code AWS_ENDPOINT_URL_STS}, else the regional STS endpoint of the target's region)
 * @param connectTimeout TCP connect timeout
 * @param apiCallAttemptTimeout limit for one HTTP attempt
 * @param apiCallTimeout limit for one call including the SDK's retries
 * @param maxAttempts attempts per call made by the SDK (1 disables the SDK's retries)
 */
@Validated
@ConfigurationProperties("keyport.kms.aws")
public record AwsKmsProperties(String region, URI endpoint, URI stsEndpoint,
		@DefaultValue("2s") @NotNull Duration connectTimeout,
		@DefaultValue("5s") @NotNull Duration apiCallAttemptTimeout,
		@DefaultValue("15s") @NotNull Duration apiCallTimeout, @DefaultValue("3") @Min(1) @Max(10) int maxAttempts) {
}
