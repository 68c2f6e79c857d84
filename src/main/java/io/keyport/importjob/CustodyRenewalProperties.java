package io.keyport.importjob;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * When jobs in custody are re-imported, {@code keyport.custody.renewal.*}.
 *
 * @param before re-import when the material's ValidTo is within this
 * @param extendBy the new ValidTo is this far ahead of the re-import (at most
 * {@code keyport.import-jobs.max-validity}); longer than {@code before}, or every run
 * would re-import again
 */
@Validated
@ConfigurationProperties("keyport.custody.renewal")
public record CustodyRenewalProperties(@DefaultValue("7d") @NotNull Duration before,
		@DefaultValue("30d") @NotNull Duration extendBy) {

	public CustodyRenewalProperties {
		if (before.compareTo(Duration.ofHours(1)) < 0) {
			// "7" is 7 ms, not 7 days: material would expire before its renewal
			throw new IllegalArgumentException("keyport.custody.renewal.before (" + before
					+ ") must be at least 1h; durations without a unit are milliseconds (write 7d)");
		}
		if (extendBy.compareTo(before) <= 0) {
			throw new IllegalArgumentException("keyport.custody.renewal.extend-by (" + extendBy
					+ ") must be longer than keyport.custody.renewal.before (" + before + "), which must be positive");
		}
	}

}
