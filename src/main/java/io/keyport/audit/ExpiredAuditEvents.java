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
		return Deleted.of("audit_event",
				this.jdbc.update("delete from audit_event where id in (" + BATCH + ")", Timestamp.from(cutoff), limit));
	}

}
