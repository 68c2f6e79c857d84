package io.keyport.importjob;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * How the jobs stand, for metrics and health: jobs per state ({@code keyport.jobs}), the
 * oldest job waiting for material, and the lifecycle's lag
 * ({@code keyport.lifecycle.lag}: how long the oldest overdue work has been due).
 * Computed with three queries at most once per {@link #MAX_AGE}, not on every scrape: the
 * counts by state are an index-only scan of a (state, ...) index (about 40 ms at 100,000
 * jobs), the other two read only the oldest waiting job and the overdue work.
 */
@Service
public class ImportJobStatistics {

	static final Duration MAX_AGE = Duration.ofSeconds(15);

	private final JdbcTemplate jdbc;

	private final Clock clock;

	private final LifecycleProperties lifecycle;

	/**
	 * The first entry of the index on waiting_since of waiting jobs, not every waiting
	 * job.
	 */
	static final String OLDEST_WAITING = """
			select min(waiting_since) from import_job where state in ('PARAMETERS_FETCHED', 'PARAMETERS_EXPIRED')""";

	/**
	 * The earliest due time of any work the lifecycle should already have done, as its
	 * claims see it: imported jobs are due at next_check_at (never later than ValidTo),
	 * and a job backed off after failures is due again only at work_not_before (greatest
	 * ignores nulls). ON_DEMAND jobs have no refresh due: their lapsed parameters wait
	 * for a client (their wrapped jobs whose token lapsed are settled by the lifecycle).
	 * Each branch is bounded on its state's due column, so the (state, due column)
	 * indexes yield only overdue (and backed-off) jobs, not every job of the state.
	 * Parameters: refresh margin in seconds, overdue time plus the margin, then the
	 * overdue time four times.
	 */
	static final String EARLIEST_DUE = """
			select min(due) from (
			    select greatest(parameters_valid_to - make_interval(secs => ?), work_not_before) as due
			        from import_job where state = 'PARAMETERS_FETCHED' and parameters_valid_to <= ?
			            and refresh_policy = 'EAGER'
			    union all select greatest(updated_at, work_not_before) from import_job
			        where state = 'PARAMETERS_EXPIRED' and refresh_policy = 'EAGER'
			    union all select greatest(least(next_attempt_at, parameters_valid_to), work_not_before)
			        from import_job where state = 'MATERIAL_WRAPPED' and (next_attempt_at <= ? or parameters_valid_to <= ?)
			    union all select greatest(next_check_at, work_not_before) from import_job
			        where state = 'IMPORTED' and next_check_at <= ?
			) work where due <= ?""";

	private volatile Snapshot snapshot;

	ImportJobStatistics(JdbcTemplate jdbc, Clock clock, LifecycleProperties lifecycle, MeterRegistry registry) {
		this.jdbc = jdbc;
		this.clock = clock;
		this.lifecycle = lifecycle;
		for (ImportJobState state : ImportJobState.values()) {
			Gauge.builder("keyport.jobs", this, s -> s.snapshot().jobsByState().getOrDefault(state, 0L))
				.description("Import jobs per state")
				.tag("state", state.name())
				.register(registry);
		}
		Gauge.builder("keyport.lifecycle.lag", this, s -> s.snapshot().lag().toMillis() / 1000.0)
			.description("How long the oldest overdue lifecycle work (refresh, retry, check) has been due")
			.baseUnit("seconds")
			.register(registry);
	}

	/**
	 * @param oldestWaiting creation time of the oldest job waiting for material, or
	 * {@code null}
	 * @param lag age of the oldest overdue work; zero when nothing is overdue
	 */
	public record Snapshot(Instant takenAt, Map<ImportJobState, Long> jobsByState, Instant oldestWaiting,
			Duration lag) {
	}

	public Snapshot snapshot() {
		Snapshot current = this.snapshot;
		Instant now = this.clock.instant();
		if (current == null || current.takenAt().plus(MAX_AGE).isBefore(now) || current.takenAt().isAfter(now)) {
			current = take(now);
			this.snapshot = current;
		}
		return current;
	}

	private Snapshot take(Instant now) {
		Map<ImportJobState, Long> counts = new EnumMap<>(ImportJobState.class);
		this.jdbc.query("select state, count(*) from import_job group by state", rs -> {
			counts.put(ImportJobState.valueOf(rs.getString(1)), rs.getLong(2));
		});
		Timestamp oldestWaiting = this.jdbc.queryForObject(OLDEST_WAITING, Timestamp.class);
		Timestamp overdue = Timestamp.from(now.minus(this.lifecycle.interval()));
		Timestamp earliestDue = this.jdbc.queryForObject(EARLIEST_DUE, Timestamp.class,
				this.lifecycle.refreshMargin().toSeconds(),
				Timestamp.from(overdue.toInstant().plus(this.lifecycle.refreshMargin())), overdue, overdue, overdue,
				overdue);
		Duration lag = earliestDue == null ? Duration.ZERO : Duration.between(earliestDue.toInstant(), now);
		return new Snapshot(now, Map.copyOf(counts), oldestWaiting != null ? oldestWaiting.toInstant() : null, lag);
	}

}
