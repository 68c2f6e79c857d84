package io.keyport.importjob;

import java.sql.Timestamp;
import java.time.Instant;

import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.keyport.retention.ExpiredRows;
import io.keyport.retention.RetentionProperties;

/**
 * History entries older than {@code keyport.retention.job-events} are deleted from any
 * job, live ones included, except each job's latest entry. A live job's history is not
 * bounded by its life: a job re-imported after each expiry of its material, or refreshed
 * and uploaded to again and again, adds entries for as long as it lives. The job row
 * keeps its current state (imported at, ValidTo, last error) and the latest entry says
 * how it got there.
 */
@Component
@Order(3)
class ExpiredJobEvents implements ExpiredRows {

	/**
	 * The batch: import_job_event_time reads old entries oldest first; the newer-entry
	 * check is one probe of import_job_event_job per entry (a scalar subquery: an EXISTS
	 * may be planned as a hash join over the whole table). A job's latest entry, once
	 * older than the retention, is passed over by every run: at most one per job.
	 */
	static final String BATCH = """
			select e.id from import_job_event e
			where e.occurred_at < ?
			  and e.id < (select max(n.id) from import_job_event n where n.job_id = e.job_id)
			order by e.occurred_at, e.id limit ?
			for update of e skip locked""";

	private final JdbcTemplate jdbc;

	private final RetentionProperties properties;

	ExpiredJobEvents(JdbcTemplate jdbc, RetentionProperties properties) {
		this.jdbc = jdbc;
		this.properties = properties;
	}

	@Override
	public String name() {
		return "job history";
	}

	@Override
	public Instant cutoff(Instant now) {
		return now.minus(this.properties.jobEvents());
	}

	@Override
	public Deleted deleteBatch(Instant cutoff, int limit) {
		// materialized once, as for audit entries: an IN subquery may delete more than
		// the limit
		return Deleted.of("import_job_event",
				this.jdbc.update(
						"with batch as materialized (" + BATCH
								+ ") delete from import_job_event e using batch where e.id = batch.id",
						Timestamp.from(cutoff), limit));
	}

}
