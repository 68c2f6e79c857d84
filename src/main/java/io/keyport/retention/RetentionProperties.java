package io.keyport.retention;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How long history is kept, and how it is deleted once older: in batches, each its own
 * short transaction, so no run holds many locks or one long transaction.
 *
 * @param enabled whether this instance deletes expired rows (also off where
 * {@code keyport.lifecycle.enabled=false})
 * @param interval pause between two runs
 * @param batchSize rows (audit entries, jobs, events) deleted per transaction
 * @param maxBatches batches per kind of row and run; what is left waits for the next run
 * @param auditEvents audit entries older than this are deleted
 * @param finishedJobs cancelled, failed and superseded jobs unchanged for longer than
 * this are deleted with their history, except the latest import into a key
 * @param jobEvents history entries older than this are deleted from any job, except each
 * job's latest
 */
@Validated
@ConfigurationProperties("keyport.retention")
public record RetentionProperties(@DefaultValue("true") boolean enabled, @DefaultValue("1h") @NotNull Duration interval,
		@DefaultValue("1000") @Min(1) @Max(10000) int batchSize, @DefaultValue("100") @Min(1) int maxBatches,
		@DefaultValue("400d") @NotNull Duration auditEvents, @DefaultValue("90d") @NotNull Duration finishedJobs,
		@DefaultValue("400d") @NotNull Duration jobEvents) {

	/**
	 * Shorter than this is a mistake, such as {@code 400} (milliseconds) for 400 days.
	 */
	static final Duration SHORTEST = Duration.ofDays(1);

	public RetentionProperties {
		atLeastOneDay("audit-events", auditEvents);
		atLeastOneDay("finished-jobs", finishedJobs);
		atLeastOneDay("job-events", jobEvents);
	}

	private static void atLeastOneDay(String name, Duration retention) {
		if (retention != null && retention.compareTo(SHORTEST) < 0) {
			throw new IllegalArgumentException("keyport.retention." + name + " (" + retention
					+ ") must be at least 1d; durations without a unit are milliseconds (write 400d, not 400)");
		}
	}

}
