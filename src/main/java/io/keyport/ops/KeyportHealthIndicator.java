package io.keyport.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

import io.keyport.importjob.ExpiringKeys;
import io.keyport.importjob.ImportJobState;
import io.keyport.importjob.ImportJobStatistics;

/**
 * What operators want at a glance: jobs per state, the oldest job waiting for material,
 * keys whose material expires within the lead time, the lifecycle's lag. Always UP: these
 * are facts to act on, not reasons to stop traffic.
 * <p>
 * {@code /actuator/health} is open and probed every few seconds by every replica's
 * probes: the facts (database aggregates) are computed at most once per
 * {@code keyport.ops.health-cache-ttl}, by one caller while the others wait for it, and
 * the same query refreshes the {@code keyport.keys.expiring} gauge the lifecycle runs
 * also keep.
 */
@Component("keyport")
class KeyportHealthIndicator implements HealthIndicator {

	private final Clock clock;

	private final Duration expiryLeadTime;

	private final SingleFlightCache<Facts> facts;

	private record Facts(Map<ImportJobState, Long> jobsByState, Duration lag, Instant oldestWaiting,
			int keysExpiringSoon) {
	}

	KeyportHealthIndicator(ImportJobStatistics statistics, ExpiringKeys expiringKeys, Clock clock,
			OpsProperties properties) {
		this.clock = clock;
		this.expiryLeadTime = expiringKeys.defaultWindow();
		this.facts = new SingleFlightCache<>(clock, properties.healthCacheTtl(), () -> {
			ImportJobStatistics.Snapshot snapshot = statistics.snapshot();
			return new Facts(snapshot.jobsByState(), snapshot.lag(), snapshot.oldestWaiting(),
					expiringKeys.refreshGauge());
		});
	}

	@Override
	public Health health() {
		Facts facts = this.facts.get();
		Health.Builder health = Health.up()
			.withDetail("jobsByState", facts.jobsByState())
			.withDetail("lifecycleLag", facts.lag().toString())
			.withDetail("keysExpiringSoon", facts.keysExpiringSoon())
			.withDetail("expiryLeadTime", this.expiryLeadTime.toString());
		if (facts.oldestWaiting() != null) {
			// the age is computed now, so a cached answer does not understate it
			health.withDetail("oldestWaitingJobSince", facts.oldestWaiting().toString())
				.withDetail("oldestWaitingJobAge",
						Duration.between(facts.oldestWaiting(), this.clock.instant()).withNanos(0).toString());
		}
		return health.build();
	}

	/** How many times the facts were computed, for tests. */
	long computations() {
		return this.facts.computations();
	}

}
