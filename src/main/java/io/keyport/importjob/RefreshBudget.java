package io.keyport.importjob;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

import io.keyport.kms.KmsException;
import io.keyport.kms.KmsRateLimitProperties;
import io.keyport.kms.KmsTarget;
import io.keyport.kms.KmsTargets;

/**
 * The scheduler's GetParametersForImport budget per KMS quota scope (a target, or the
 * targets in one AWS account and Region together) and what is planned against it. The
 * day's budget is the scope's pace times a day times the scheduler's share
 * ({@code keyport.kms.rate-limits.get-parameters-for-import} × 86,400 ×
 * {@code scheduler-share}, per instance like the pace); used is what this instance's
 * scheduler downloaded for the scope's targets in the last 24 hours; planned is the EAGER
 * jobs whose refresh falls due within the next 24 hours. The scheduler refreshes at most
 * what remains of the budget, in priority order; when more is planned than the budget
 * allows, the health details say so.
 * <p>
 * Exposed as the {@code keyport.kms.budget.*} gauges (tag {@code target}) and read by the
 * {@code keyport} health indicator. The plan is one grouped query over the waiting jobs,
 * taken at most once per {@link #MAX_AGE}, not on every scrape.
 */
@Service
public class RefreshBudget {

	static final Duration MAX_AGE = Duration.ofSeconds(15);

	static final Duration DAY = Duration.ofDays(1);

	private static final String OPERATION = "GetParametersForImport";

	private final JdbcTemplate jdbc;

	private final Clock clock;

	private final KmsTargets targets;

	private final KmsRateLimitProperties rates;

	private final LifecycleProperties lifecycle;

	private final Map<String, RollingDay> used = new ConcurrentHashMap<>();

	private volatile Plan plan;

	RefreshBudget(JdbcTemplate jdbc, Clock clock, KmsTargets targets, KmsRateLimitProperties rates,
			LifecycleProperties lifecycle, MeterRegistry registry) {
		this.jdbc = jdbc;
		this.clock = clock;
		this.targets = targets;
		this.rates = rates;
		this.lifecycle = lifecycle;
		for (KmsTarget target : targets.all()) {
			String name = target.name();
			this.used.putIfAbsent(target.quotaScope(), new RollingDay());
			gauge(registry, "keyport.kms.budget.daily.limit",
					"The scheduler's GetParametersForImport budget for a day (rate x 86,400 x scheduler share)", name,
					b -> b.dailyLimit(name));
			gauge(registry, "keyport.kms.budget.used",
					"GetParametersForImport calls of the scheduler in the last 24 hours (the target's quota scope)",
					name, b -> b.used(name));
			gauge(registry, "keyport.kms.budget.remaining", "What is left of the day's budget", name,
					b -> Math.max(0, b.dailyLimit(name) - b.used(name)));
			gauge(registry, "keyport.kms.budget.planned.refreshes",
					"EAGER jobs whose parameters are to be refreshed within the next 24 hours", name,
					b -> b.plan().of(name).plannedRefreshes());
			for (RefreshPolicy policy : RefreshPolicy.values()) {
				Gauge
					.builder("keyport.kms.budget.waiting.jobs", this,
							b -> b.plan().of(name).waitingJobs().getOrDefault(policy, 0L))
					.description("Jobs waiting for material, by refresh policy")
					.tag("target", name)
					.tag("policy", policy.name().toLowerCase(java.util.Locale.ROOT))
					.register(registry);
			}
		}
	}

	private void gauge(MeterRegistry registry, String name, String description, String target,
			java.util.function.ToDoubleFunction<RefreshBudget> value) {
		Gauge.builder(name, this, value).description(description).tag("target", target).register(registry);
	}

	/**
	 * The day's budget of the target: {@code +Infinity} when GetParametersForImport is
	 * not paced.
	 */
	public double dailyLimit(String target) {
		double rate = this.targets.get(target).limiter().rate(OPERATION);
		if (rate <= 0) {
			return Double.POSITIVE_INFINITY;
		}
		return Math.floor(rate * DAY.toSeconds() * this.rates.schedulerShare());
	}

	/**
	 * The scheduler's downloads for the target and the targets sharing its quota in the
	 * last 24 hours.
	 */
	public long used(String target) {
		RollingDay day = this.used.get(this.targets.get(target).quotaScope());
		return day != null ? day.total(this.clock.instant()) : 0;
	}

	/**
	 * How many refreshes the scheduler may still start for the target now, at most
	 * {@code max}.
	 */
	int allowance(String target, int max) {
		double left = dailyLimit(target) - used(target);
		return (int) Math.max(0, Math.min(max, left));
	}

	/**
	 * One GetParametersForImport of the scheduler for the target, counted in the day's
	 * budget once it may have reached KMS: a call Keyport's own pace refused before
	 * sending it (or that found no connection) spends nothing of the account's quota.
	 */
	<T> T download(String target, Supplier<T> call) {
		boolean sent = true;
		try {
			return call.get();
		}
		catch (KmsException ex) {
			sent = ex.maybeSent();
			throw ex;
		}
		finally {
			if (sent) {
				recordDownload(target);
			}
		}
	}

	/**
	 * How many jobs a run may claim for downloads from the target now, at most
	 * {@code max}: what is left of the day's budget, and no more than the target's pace
	 * lets one run make in a row (a slow pace, such as one call per 40 s, would refuse
	 * the rest, and their jobs would wait out a backoff for nothing).
	 */
	int claimable(String target, int max) {
		long pace = this.targets.get(target).limiter().callsInARow(OPERATION);
		return allowance(target, (int) Math.min(max, pace));
	}

	/**
	 * The targets' names grouped by quota scope: a run claims for each group within its
	 * one budget and pace.
	 */
	List<List<String>> quotaScopes() {
		return this.targets.quotaScopes().stream().map(scope -> scope.stream().map(KmsTarget::name).toList()).toList();
	}

	/** One GetParametersForImport of the scheduler for the target. */
	void recordDownload(String target) {
		this.used.computeIfAbsent(this.targets.get(target).quotaScope(), t -> new RollingDay())
			.add(this.clock.instant());
	}

	/** The plan, at most {@link #MAX_AGE} old. */
	public Plan plan() {
		Plan current = this.plan;
		Instant now = this.clock.instant();
		if (current == null || current.takenAt().plus(MAX_AGE).isBefore(now) || current.takenAt().isAfter(now)) {
			current = take(now);
			this.plan = current;
		}
		return current;
	}

	private Plan take(Instant now) {
		Map<String, Map<RefreshPolicy, Long>> waiting = new LinkedHashMap<>();
		Map<String, Long> planned = new LinkedHashMap<>();
		// a refresh falls due refresh-margin before the parameters lapse; planned are the
		// jobs the refresh claim takes within the day (a wrapped job whose token lapses
		// too), not those put off beyond it (a passed ValidTo waits for its owner)
		Timestamp horizon = Timestamp.from(now.plus(DAY).plus(this.lifecycle.refreshMargin()));
		this.jdbc.query("""
				select kms_target, refresh_policy,
				       count(*) filter (where state <> 'MATERIAL_WRAPPED'),
				       count(*) filter (where refresh_policy = 'EAGER'
				           and (state <> 'MATERIAL_WRAPPED' or parameters_valid_to <= ?) and %s <= ?)
				from import_job where state in ('PARAMETERS_FETCHED', 'PARAMETERS_EXPIRED', 'MATERIAL_WRAPPED')
				group by kms_target, refresh_policy""".formatted(ImportJobLifecycle.EAGER_REFRESH_DUE_AT), rs -> {
			String target = rs.getString(1);
			if (rs.getLong(3) > 0) {
				waiting.computeIfAbsent(target, t -> new EnumMap<>(RefreshPolicy.class))
					.put(RefreshPolicy.valueOf(rs.getString(2)), rs.getLong(3));
			}
			planned.merge(target, rs.getLong(4), Long::sum);
		}, horizon, horizon);
		Map<String, TargetPlan> byTarget = new LinkedHashMap<>();
		for (List<KmsTarget> scope : this.targets.quotaScopes()) {
			List<String> names = scope.stream().map(KmsTarget::name).toList();
			double limit = dailyLimit(names.get(0));
			long usedSoFar = used(names.get(0));
			long plannedInScope = names.stream().mapToLong(name -> planned.getOrDefault(name, 0L)).sum();
			for (String name : names) {
				byTarget.put(name,
						new TargetPlan(name, limit, usedSoFar, Math.max(0, limit - usedSoFar),
								planned.getOrDefault(name, 0L), Map.copyOf(waiting.getOrDefault(name, Map.of())),
								this.lifecycle.instances(), names.stream().filter(n -> !n.equals(name)).toList(),
								plannedInScope));
			}
		}
		return new Plan(now, Map.copyOf(byTarget));
	}

	/** The plan of every target, when it was taken. */
	public record Plan(Instant takenAt, Map<String, TargetPlan> targets) {

		TargetPlan of(String target) {
			return this.targets.getOrDefault(target, new TargetPlan(target, 0, 0, 0, 0, Map.of(), 1, List.of(), 0));
		}

	}

	/**
	 * One target's day.
	 *
	 * @param dailyLimit the scheduler's budget for a day; {@code +Infinity} when unpaced
	 * @param used the scheduler's downloads in the last 24 hours (this instance)
	 * @param remaining what is left of the budget
	 * @param plannedRefreshes EAGER jobs the refresh claim takes within the next 24 hours
	 * (already lapsed ones and wrapped jobs whose token lapses included)
	 * @param waitingJobs jobs waiting for material, by refresh policy
	 * @param instances how many instances run the lifecycle, each with this budget
	 * @param sharesQuotaWith the other targets of the target's quota scope: the budget,
	 * used and remaining are theirs too
	 * @param plannedInScope the planned refreshes of the whole quota scope, which the
	 * budget is for
	 */
	public record TargetPlan(String target, double dailyLimit, long used, double remaining, long plannedRefreshes,
			Map<RefreshPolicy, Long> waitingJobs, int instances, List<String> sharesQuotaWith, long plannedInScope) {

		/**
		 * The day's budget of every instance together: each claims from the same jobs at
		 * its own pace.
		 */
		public double fleetDailyLimit() {
			return this.dailyLimit * this.instances;
		}

		/**
		 * Whether more refreshes are planned (over the whole table) than the instances'
		 * budgets allow together.
		 */
		public boolean overBudget() {
			return this.plannedInScope > fleetDailyLimit();
		}

		public long waiting() {
			return this.waitingJobs.values().stream().mapToLong(Long::longValue).sum();
		}

		/** "N waiting jobs, M refreshes planned, quota left", as operators read it. */
		public String summary() {
			return waiting() + " waiting jobs (" + this.waitingJobs.getOrDefault(RefreshPolicy.EAGER, 0L) + " EAGER, "
					+ this.waitingJobs.getOrDefault(RefreshPolicy.ON_DEMAND, 0L) + " ON_DEMAND), "
					+ this.plannedRefreshes + " refreshes planned in the next 24 h, "
					+ (Double.isInfinite(this.dailyLimit) ? "quota not paced"
							: (long) this.remaining + " of " + (long) this.dailyLimit + " left"
									+ (this.instances > 1 ? " on this instance (" + this.instances + " instances: "
											+ (long) fleetDailyLimit() + " a day)" : ""))
					+ (this.sharesQuotaWith.isEmpty() ? ""
							: ", quota shared with " + String.join(", ", this.sharesQuotaWith) + " ("
									+ this.plannedInScope + " refreshes planned together)");
		}

	}

	/**
	 * Counts per minute over the last 24 hours: a slot per minute of the day, each
	 * remembering which minute it counts.
	 */
	static final class RollingDay {

		private static final int SLOTS = (int) DAY.toMinutes();

		private final long[] minutes = new long[SLOTS];

		private final long[] counts = new long[SLOTS];

		synchronized void add(Instant at) {
			long minute = at.getEpochSecond() / 60;
			int slot = (int) Math.floorMod(minute, SLOTS);
			if (this.minutes[slot] != minute) {
				this.minutes[slot] = minute;
				this.counts[slot] = 0;
			}
			this.counts[slot]++;
		}

		synchronized long total(Instant now) {
			long minute = now.getEpochSecond() / 60;
			long total = 0;
			for (int slot = 0; slot < SLOTS; slot++) {
				if (this.minutes[slot] > minute - SLOTS && this.minutes[slot] <= minute) {
					total += this.counts[slot];
				}
			}
			return total;
		}

	}

}
