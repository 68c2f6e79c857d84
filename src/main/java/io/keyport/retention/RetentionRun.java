package io.keyport.retention;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One retention run: every {@link ExpiredRows} in turn, batch by batch, each batch a
 * short transaction of its own that declares its cutoff to the append-only triggers (V10)
 * and deletes at most {@code batch-size} units, up to {@code max-batches} per kind. Runs
 * on other instances at the same time are harmless: batches lock what they delete with
 * {@code SKIP LOCKED}, so they take disjoint rows, and a row is deleted once. Within this
 * instance one run at a time.
 */
@Component
public class RetentionRun {

	private static final Logger log = LoggerFactory.getLogger(RetentionRun.class);

	private final List<ExpiredRows> kinds;

	private final RetentionProperties properties;

	private final JdbcTemplate jdbc;

	private final Clock clock;

	private final TransactionTemplate tx;

	private final MeterRegistry registry;

	private final AtomicBoolean running = new AtomicBoolean();

	RetentionRun(List<ExpiredRows> kinds, RetentionProperties properties, JdbcTemplate jdbc, Clock clock,
			PlatformTransactionManager transactionManager, MeterRegistry registry) {
		this.kinds = List.copyOf(kinds);
		this.properties = properties;
		this.jdbc = jdbc;
		this.clock = clock;
		this.tx = new TransactionTemplate(transactionManager);
		this.registry = registry;
	}

	/**
	 * What one run deleted.
	 *
	 * @param deleted rows per table
	 * @param batches transactions that deleted
	 * @param failures kinds whose run failed (the next run tries again)
	 * @param skipped whether another run of this instance was still going
	 */
	public record Summary(Map<String, Long> deleted, int batches, int failures, boolean skipped, Duration took) {

		public long deleted(String table) {
			return this.deleted.getOrDefault(table, 0L);
		}

		@Override
		public String toString() {
			return "deleted " + this.deleted + " in " + this.batches + " batches, " + this.failures + " failed, took "
					+ this.took.toMillis() + " ms";
		}

	}

	public Summary runOnce() {
		if (!this.running.compareAndSet(false, true)) {
			return new Summary(Map.of(), 0, 0, true, Duration.ZERO);
		}
		long started = System.nanoTime();
		try {
			Instant now = this.clock.instant();
			Map<String, Long> deleted = new TreeMap<>();
			int batches = 0;
			int failures = 0;
			for (ExpiredRows kind : this.kinds) {
				Instant cutoff = kind.cutoff(now);
				try {
					for (int batch = 0; batch < this.properties.maxBatches(); batch++) {
						ExpiredRows.Deleted outcome = this.tx.execute(status -> {
							// the triggers let this transaction delete rows older than
							// this, and
							// nothing else
							this.jdbc.queryForObject("select set_config('keyport.retention_cutoff', ?, true)",
									String.class, cutoff.toString());
							return kind.deleteBatch(cutoff, this.properties.batchSize());
						});
						outcome.rows().forEach((table, rows) -> count(deleted, table, rows));
						if (outcome.selected() > 0) {
							batches++;
						}
						if (outcome.selected() < this.properties.batchSize()) {
							break;
						}
					}
				}
				catch (RuntimeException ex) {
					// the other kinds go on; the next run tries again
					failures++;
					log.warn("Retention: deleting {} older than {} failed: {}", kind.name(), cutoff, ex.toString());
				}
			}
			Summary summary = new Summary(deleted, batches, failures, false,
					Duration.ofNanos(System.nanoTime() - started));
			Timer.builder("keyport.retention.runs")
				.description("Retention runs (deleting expired audit entries, finished jobs and old job history)")
				.tag("outcome", failures == 0 ? "success" : "failure")
				.register(this.registry)
				.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
			return summary;
		}
		finally {
			this.running.set(false);
		}
	}

	private void count(Map<String, Long> deleted, String table, int rows) {
		deleted.merge(table, (long) rows, Long::sum);
		Counter.builder("keyport.retention.deleted")
			.description("Rows deleted as older than their retention")
			.tag("table", table)
			.register(this.registry)
			.increment(rows);
	}

}
