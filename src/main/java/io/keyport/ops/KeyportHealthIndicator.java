package io.keyport.ops;

import java.time.Duration;
import java.time.Instant;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

import io.keyport.importjob.ExpiringKeys;
import io.keyport.importjob.ImportJobStatistics;

/**
 * What operators want at a glance: jobs per state, the oldest job waiting for material, keys whose material expires
 * within the lead time, the lifecycle's lag. Always UP: these are facts to act on, not reasons to stop traffic.
 */
@Component("keyport")
class KeyportHealthIndicator implements HealthIndicator {

	private final ImportJobStatistics statistics;

	private final ExpiringKeys expiringKeys;

	private final java.time.Clock clock;

	KeyportHealthIndicator(ImportJobStatistics statistics, ExpiringKeys expiringKeys, java.time.Clock clock) {
		this.statistics = statistics;
		this.expiringKeys = expiringKeys;
		this.clock = clock;
	}

	@Override
	public Health health() {
		ImportJobStatistics.Snapshot snapshot = this.statistics.snapshot();
		Health.Builder health = Health.up()
			.withDetail("jobsByState", snapshot.jobsByState())
			.withDetail("lifecycleLag", snapshot.lag().toString())
			.withDetail("keysExpiringSoon", this.expiringKeys.refreshGauge())
			.withDetail("expiryLeadTime", this.expiringKeys.defaultWindow().toString());
		if (snapshot.oldestWaiting() != null) {
			health.withDetail("oldestWaitingJobSince", snapshot.oldestWaiting().toString())
				.withDetail("oldestWaitingJobAge",
						Duration.between(snapshot.oldestWaiting(), this.clock.instant()).withNanos(0).toString());
		}
		return health.build();
	}

}
