package io.keyport.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

import io.keyport.importjob.CustodyRenewals;
import io.keyport.importjob.ExpiringKeys;
import io.keyport.importjob.ImportJobState;
import io.keyport.importjob.ImportJobStatistics;
import io.keyport.importjob.RefreshBudget;

/**
 * What operators want at a glance: jobs per state, the oldest job waiting for material,
 * keys whose material expires within the lead time, the lifecycle's lag, and per KMS
 * target the GetParametersForImport budget plan ({@code kmsBudget}). Always UP: these are
 * facts to act on, not reasons to stop traffic.
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
			int keysExpiringSoon, RefreshBudget.Plan budget, long custodyRenewalsFailing) {
	}

	KeyportHealthIndicator(ImportJobStatistics statistics, ExpiringKeys expiringKeys, Clock clock,
			OpsProperties properties, RefreshBudget budget, CustodyRenewals renewals) {
		this.clock = clock;
		this.expiryLeadTime = expiringKeys.defaultWindow();
		this.facts = new SingleFlightCache<>(clock, properties.healthCacheTtl(), () -> {
			ImportJobStatistics.Snapshot snapshot = statistics.snapshot();
			return new Facts(snapshot.jobsByState(), snapshot.lag(), snapshot.oldestWaiting(),
					expiringKeys.refreshGauge(), budget.plan(), renewals.failing());
		});
	}

	@Override
	public Health health() {
		Facts facts = this.facts.get();
		Health.Builder health = Health.up()
			.withDetail("jobsByState", facts.jobsByState())
			.withDetail("lifecycleLag", facts.lag().toString())
			.withDetail("keysExpiringSoon", facts.keysExpiringSoon())
			.withDetail("expiryLeadTime", this.expiryLeadTime.toString())
			.withDetail("kmsBudget", budget(facts.budget()))
			// imported jobs in custody whose renewal failed: they are retried, but
			// expire if it keeps failing
			.withDetail("custodyRenewalsFailing", facts.custodyRenewalsFailing());
		if (facts.oldestWaiting() != null) {
			// the age is computed now, so a cached answer does not understate it
			health.withDetail("oldestWaitingJobSince", facts.oldestWaiting().toString())
				.withDetail("oldestWaitingJobAge",
						Duration.between(facts.oldestWaiting(), this.clock.instant()).withNanos(0).toString());
		}
		return health.build();
	}

	/**
	 * Per target the scheduler's GetParametersForImport day: a sentence, the figures, and
	 * a warning (not a DOWN: traffic is fine) when more refreshes are planned than the
	 * budget allows.
	 */
	private static Map<String, Object> budget(RefreshBudget.Plan plan) {
		Map<String, Object> targets = new LinkedHashMap<>();
		new TreeMap<>(plan.targets()).forEach((name, target) -> {
			Map<String, Object> detail = new LinkedHashMap<>();
			detail.put("summary", target.summary());
			boolean paced = !Double.isInfinite(target.dailyLimit());
			detail.put("dailyLimit", paced ? (Object) (long) target.dailyLimit() : "unlimited");
			detail.put("used", target.used());
			detail.put("remaining", paced ? (Object) (long) target.remaining() : "unlimited");
			detail.put("plannedRefreshes", target.plannedRefreshes());
			detail.put("instances", target.instances());
			detail.put("waitingJobs", new TreeMap<>(target.waitingJobs()));
			if (!target.sharesQuotaWith().isEmpty()) {
				detail.put("sharesQuotaWith", target.sharesQuotaWith());
			}
			if (target.overBudget()) {
				long fleet = (long) target.fleetDailyLimit();
				detail.put("warning", target.plannedInScope() + " refreshes planned in the next 24 h"
						+ (target.sharesQuotaWith().isEmpty() ? ""
								: " (with " + String.join(", ", target.sharesQuotaWith()) + ", which share its quota)")
						+ " exceed the day's budget of " + fleet
						+ (target.instances() > 1
								? " (" + target.instances() + " instances × " + (long) target.dailyLimit() + ")" : "")
						+ " by " + (target.plannedInScope() - fleet) + ": jobs with a due date and "
						+ "jobs with recent client activity are refreshed first, the parameters of others lapse until "
						+ "a client asks; consider ON_DEMAND for idle jobs or a higher GetParametersForImport quota");
			}
			targets.put(name, detail);
		});
		return targets;
	}

	/** How many times the facts were computed, for tests. */
	long computations() {
		return this.facts.computations();
	}

}
