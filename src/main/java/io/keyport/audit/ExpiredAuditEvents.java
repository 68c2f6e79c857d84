package io.keyport.audit;

import java.sql.Timestamp;
import java.time.Instant;

import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.keyport.retention.ExpiredRows;
import io.keyport.retention.RetentionProperties;

/**
 * Audit entries older than {@code keyport.retention.audit-events} are deleted, oldest
 * first. Nothing is exported before: the trail is read through the API while kept; a
 * longer record belongs in the database's backups or the log pipeline.
 */
@Component
@Order(1)
class ExpiredAuditEvents implements ExpiredRows {

	/** The batch: audit_event_time (occurred_at desc, id desc) read backwards. */
	static final String BATCH = """
			select id from audit_event where occurred_at < ?
			order by occurred_at, id limit ? for update skip locked""";

	private final JdbcTemplate jdbc;

	private final RetentionProperties properties;

	ExpiredAuditEvents(JdbcTemplate jdbc, RetentionProperties properties) {
		this.jdbc = jdbc;
		this.properties = properties;
	}

	@Override
	public String name() {
		return "audit entries";
	}

	@Override
	public Instant cutoff(Instant now) {
		return now.minus(this.properties.auditEvents());
	}

	@Override
	public Deleted deleteBatch(Instant cutoff, int limit) {
		// the batch is materialized once: as an IN subquery the planner may run it again
		// per row, each run skipping the rows this statement already locked, and delete
		// far more than the limit (seen once: 2,500 rows in one batch of 1,000)
		return Deleted.of("audit_event",
				this.jdbc.update(
						"with batch as materialized (" + BATCH
								+ ") delete from audit_event a using batch where a.id = batch.id",
						Timestamp.from(cutoff), limit));
	}

}
