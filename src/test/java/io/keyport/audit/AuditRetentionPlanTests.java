package io.keyport.audit;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.keyport.testsupport.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The retention's batch of audit entries is read through an index on a table of many
 * entries, so a batch costs O(batch) however long the trail (seeded and rolled back).
 */
class AuditRetentionPlanTests extends IntegrationTest {

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	PlatformTransactionManager transactionManager;

	@Test
	void theBatchOfExpiredAuditEntriesIsReadThroughAnIndexNotASequentialScan() {
		Instant now = this.clock.instant();
		List<String> plan = new TransactionTemplate(this.transactionManager).execute(status -> {
			status.setRollbackOnly();
			this.jdbc.update("""
					insert into audit_event (occurred_at, tenant, subject, operation, outcome)
					select cast(? as timestamptz) - i * interval '1 second', 'plan', 'plan', 'test:plan', 'ok'
					from generate_series(1, 30000) i""", Timestamp.from(now));
			this.jdbc.update("""
					insert into audit_event (occurred_at, tenant, subject, operation, outcome)
					select cast(? as timestamptz) - i * interval '1 second', 'plan', 'plan', 'test:plan', 'ok'
					from generate_series(1, 2000) i""", Timestamp.from(now.minus(Duration.ofDays(401))));
			this.jdbc.execute("analyze audit_event");
			return this.jdbc.queryForList("explain " + ExpiredAuditEvents.BATCH, String.class,
					Timestamp.from(now.minus(Duration.ofDays(400))), 1000);
		});
		assertThat(String.join("\n", plan)).contains("Index Scan")
			.contains("audit_event_time")
			.doesNotContain("Seq Scan");
	}

}
