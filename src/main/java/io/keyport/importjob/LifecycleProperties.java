package io.keyport.importjob;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The background work that keeps jobs usable and expiries visible, and the leases by
 * which instances hold jobs (the API's imports take one too). Safe on any number of
 * instances sharing one database.
 *
 * @param enabled whether this instance runs the scheduler (API-only instances may switch
 * it off)
 * @param interval pause between two runs
 * @param batchSize jobs claimed per kind of work and run
 * @param refreshMargin waiting jobs get new parameters this long before the current ones
 * lapse
 * @param jobLifetime jobs waiting for material longer than this (since creation, or since
 * a re-import after expiry started) are cancelled as abandoned
 * @param expiryLeadTime imported material expiring within this is reported (API, metric,
 * health)
 * @param driftCheckInterval how often an imported job is compared with KMS (material
 * deleted, key pending deletion)
 * @param instanceId this instance's name in leases; defaults to host name and a random
 * suffix
 * @param leaseDuration how long one instance holds a job for one unit of work (an import,
 * a refresh); a lease left by a killed instance lapses after this and the work is taken
 * over (was {@code keyport.import-jobs.lease-duration})
 * @param instances how many instances run the lifecycle (the chart sets its replica
 * count): the GetParametersForImport budget and pace are each instance's, the refreshes
 * planned are the whole table's, so the plan warns when they exceed instances × this
 * instance's budget
 */
@Validated
@ConfigurationProperties("keyport.lifecycle")
public record LifecycleProperties(@DefaultValue("true") boolean enabled,
		@DefaultValue("10s") @NotNull Duration interval, @DefaultValue("50") @Min(1) @Max(1000) int batchSize,
		@DefaultValue("1h") @NotNull Duration refreshMargin, @DefaultValue("30d") @NotNull Duration jobLifetime,
		@DefaultValue("7d") @NotNull Duration expiryLeadTime, @DefaultValue("1h") @NotNull Duration driftCheckInterval,
		String instanceId, @DefaultValue("2m") @NotNull Duration leaseDuration,
		@DefaultValue("1") @Min(1) @Max(1000) int instances) {

	/** How long parameters for import are valid: a refresh margin must be shorter. */
	static final Duration PARAMETERS_VALIDITY = Duration.ofHours(24);

	public LifecycleProperties {
		if (instanceId == null || instanceId.isBlank()) {
			instanceId = defaultInstanceId();
		}
		// durations without a unit are milliseconds: "30" for a job lifetime of 30 days
		// would cancel every waiting job within a run
		atLeast("interval", interval, Duration.ofSeconds(1), "10s");
		atLeast("refresh-margin", refreshMargin, Duration.ofSeconds(1), "1h");
		if (refreshMargin != null && refreshMargin.compareTo(PARAMETERS_VALIDITY) >= 0) {
			throw new IllegalArgumentException("keyport.lifecycle.refresh-margin (" + refreshMargin
					+ ") must be shorter than the 24 hours parameters for import are valid, or every run would "
					+ "refresh them again");
		}
		atLeast("job-lifetime", jobLifetime, Duration.ofHours(1), "30d");
		atLeast("expiry-lead-time", expiryLeadTime, Duration.ofHours(1), "7d");
		atLeast("drift-check-interval", driftCheckInterval, Duration.ofSeconds(1), "1h");
	}

	private static void atLeast(String name, Duration value, Duration shortest, String example) {
		if (value != null && value.compareTo(shortest) < 0) {
			throw new IllegalArgumentException("keyport.lifecycle." + name + " (" + value + ") must be at least "
					+ shortest.toString().substring(2).toLowerCase(java.util.Locale.ROOT)
					+ "; durations without a unit are milliseconds (write " + example + ")");
		}
	}

	private static String defaultInstanceId() {
		String host = System.getenv().getOrDefault("HOSTNAME", "keyport");
		return host + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
	}

}
