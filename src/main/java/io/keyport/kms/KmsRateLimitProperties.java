package io.keyport.kms;

import java.time.Duration;
import java.util.Map;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Client-side pace of KMS calls, per instance. The defaults stay under AWS's published
 * default request quotas (GetParametersForImport 0.25/s, ImportKeyMaterial and CreateKey
 * 5/s, DescribeKey and GetPublicKey 2000/s shared with every other client of the
 * account).
 *
 * @param getParametersForImport permits per second for GetParametersForImport
 * @param importKeyMaterial permits per second for ImportKeyMaterial
 * @param describeKey permits per second for DescribeKey
 * @param other permits per second for every other operation
 * @param maxWait how long a call waits for a permit before it is refused as throttled
 * (answered 503 to the API)
 * @param schedulerShare fraction of {@code getParametersForImport} reserved for
 * background work (parameter refreshes by the scheduler); API requests together get the
 * rest
 * @param tenantShare fraction of the API requests' share of
 * {@code getParametersForImport} one tenant may use, so a greedy client cannot starve the
 * others
 * @param tenantBurst GetParametersForImport requests one tenant may make at once before
 * its share's rate applies (a portal creating a few jobs in a row is served; a loop is
 * not)
 */
@Validated
@ConfigurationProperties("keyport.kms.rate-limits")
public record KmsRateLimitProperties(@DefaultValue("0.2") double getParametersForImport,
		@DefaultValue("4") double importKeyMaterial, @DefaultValue("50") double describeKey,
		@DefaultValue("4") double other, @DefaultValue("10s") @NotNull Duration maxWait,
		@DefaultValue("0.5") @DecimalMin("0") @DecimalMax(value = "1", inclusive = false) double schedulerShare,
		@DefaultValue("0.5") @DecimalMin(value = "0", inclusive = false) @DecimalMax("1") double tenantShare,
		@DefaultValue("3") @Min(1) int tenantBurst) {

	public KmsRateLimiter limiter() {
		return new KmsRateLimiter(
				Map.of("GetParametersForImport", this.getParametersForImport, "ImportKeyMaterial",
						this.importKeyMaterial, "DescribeKey", this.describeKey, "GetPublicKey", this.describeKey),
				this.other, this.maxWait);
	}

}
