package io.keyport.ops;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Operations settings.
 *
 * @param kmsHealthCacheTtl how long the KMS health check's answer is reused
 * @param healthCacheTtl how long the {@code keyport} health details (jobs per state,
 * expiring keys) are reused
 */
@Validated
@ConfigurationProperties("keyport.ops")
public record OpsProperties(@DefaultValue("30s") @NotNull Duration kmsHealthCacheTtl,
		@DefaultValue("30s") @NotNull Duration healthCacheTtl) {
}
