package io.keyport.importjob;

import java.time.Duration;
import java.util.random.RandomGenerator;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Import job settings. The lease settings are the lifecycle's
 * ({@link LifecycleProperties}).
 *
 * @param retryInitialDelay wait before retrying an import that failed transiently
 * (throttling, 5xx, timeouts)
 * @param retryMaxDelay cap of the exponential backoff between retries
 * @param maxValidity the longest material validity KMS accepts ahead of now (AWS: 365
 * days)
 * @param maxImportAttempts attempts of one import (first try and retries) before the job
 * fails
 * @param defaultPageSize page size of job listings when none is asked for
 * @param maxPageSize largest page size a caller may ask for
 * @param refreshCooldown how soon after a download a caller may have a job's parameters
 * refreshed again while they are still usable (absent or expired parameters may always be
 * refreshed)
 */
@Validated
@ConfigurationProperties("keyport.import-jobs")
public record ImportJobProperties(@DefaultValue("30s") @NotNull Duration retryInitialDelay,
		@DefaultValue("15m") @NotNull Duration retryMaxDelay, @DefaultValue("365d") @NotNull Duration maxValidity,
		@DefaultValue("8") @Min(1) int maxImportAttempts, @DefaultValue("20") @Min(1) int defaultPageSize,
		@DefaultValue("100") @Min(1) int maxPageSize, @DefaultValue("5m") @NotNull Duration refreshCooldown) {

	/**
	 * Exponential backoff with full jitter: random in [delay/2, delay], delay = initial *
	 * 2^(attempt-1), capped.
	 */
	Duration retryDelay(int attempt, RandomGenerator random) {
		long initial = this.retryInitialDelay.toMillis();
		long capped = Math.min(this.retryMaxDelay.toMillis(), initial << Math.min(Math.max(attempt - 1, 0), 20));
		return Duration.ofMillis(capped / 2 + random.nextLong(capped / 2 + 1));
	}

}
