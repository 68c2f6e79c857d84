package io.keyport.audit;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.keyport.security.Caller;
import io.keyport.testsupport.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Entries recorded in a scope go into the next transaction that commits a change, once; a
 * change rolled back leaves them pending, so the attempt is still on the record when the
 * scope ends; read-only transactions never carry them.
 */
class AuditScopeTests extends IntegrationTest {

	@Autowired
	AuditLog auditLog;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	PlatformTransactionManager transactionManager;

	private final Caller caller = Caller.internal("audit-scope-test");

	private long entries(String operation) {
		return this.jdbc.queryForObject("select count(*) from audit_event where operation = ?", Long.class, operation);
	}

	private Long transactionOf(String operation) {
		return this.jdbc.queryForObject("select xmin::text::bigint from audit_event where operation = ?", Long.class,
				operation);
	}

	@Test
	void entryGoesIntoTheNextCommittedChangeOnceAndNotIntoReadOnlyTransactions() {
		String operation = "test:" + UUID.randomUUID();
		TransactionTemplate readOnly = new TransactionTemplate(this.transactionManager);
		readOnly.setReadOnly(true);
		TransactionTemplate tx = new TransactionTemplate(this.transactionManager);
		long[] changeTransaction = new long[1];

		this.auditLog.inScope(() -> {
			this.auditLog.record(this.caller, operation, null, "key", "default", "ok", null);
			readOnly.executeWithoutResult(status -> this.jdbc.queryForObject("select 1", Integer.class));
			assertThat(entries(operation)).as("written by a read-only transaction").isZero();
			tx.executeWithoutResult(
					status -> changeTransaction[0] = this.jdbc.queryForObject("select txid_current()", Long.class));
			assertThat(entries(operation)).isOne();
			// a later transaction does not write it again
			tx.executeWithoutResult(status -> this.jdbc.queryForObject("select txid_current()", Long.class));
		});

		assertThat(entries(operation)).isOne();
		assertThat(transactionOf(operation)).isEqualTo(changeTransaction[0]);
	}

	@Test
	void entryOfAChangeRolledBackIsWrittenWhenTheScopeEnds() {
		String operation = "test:" + UUID.randomUUID();
		TransactionTemplate tx = new TransactionTemplate(this.transactionManager);

		this.auditLog.inScope(() -> {
			this.auditLog.record(this.caller, operation, null, "key", "default", "failed", null);
			tx.executeWithoutResult(status -> {
				this.jdbc.queryForObject("select txid_current()", Long.class);
				status.setRollbackOnly();
			});
			assertThat(entries(operation)).as("written by the rolled-back transaction").isZero();
		});

		assertThat(entries(operation)).isOne();
	}

	@Test
	void entryOutsideAScopeIsWrittenAtOnce() {
		String operation = "test:" + UUID.randomUUID();
		this.auditLog.record(this.caller, operation, null, "key", "default", "ok", null);
		assertThat(entries(operation)).isOne();
	}

}
