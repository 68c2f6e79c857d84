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
 * scope ends; read-only transactions never carry them. A request's own entry goes into
 * the change its service marks as the last, with its success outcome, or is left to the
 * request's end.
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
	void requestSettledByItsLastChangeIsWrittenInThatTransactionWithItsSuccessOutcomeOnce() {
		String operation = "test:" + UUID.randomUUID();
		TransactionTemplate readOnly = new TransactionTemplate(this.transactionManager);
		readOnly.setReadOnly(true);
		TransactionTemplate tx = new TransactionTemplate(this.transactionManager);
		long[] changeTransaction = new long[1];

		this.auditLog.openScope();
		try {
			this.auditLog.expectRequest(this.caller, operation, null, "key", "201", "POST /test");
			tx.executeWithoutResult(status -> this.jdbc.queryForObject("select txid_current()", Long.class));
			assertThat(entries(operation)).as("written by a change before the request's last").isZero();
			AuditLog.settleRequestWithNextChange();
			readOnly.executeWithoutResult(status -> this.jdbc.queryForObject("select 1", Integer.class));
			assertThat(entries(operation)).as("written by a read-only transaction").isZero();
			tx.executeWithoutResult(
					status -> changeTransaction[0] = this.jdbc.queryForObject("select txid_current()", Long.class));
			assertThat(this.auditLog.settledOutcome()).isEqualTo("201");
			tx.executeWithoutResult(status -> this.jdbc.queryForObject("select txid_current()", Long.class));
		}
		finally {
			this.auditLog.closeScope();
		}

		assertThat(entries(operation)).isOne();
		assertThat(transactionOf(operation)).isEqualTo(changeTransaction[0]);
		assertThat(this.jdbc.queryForObject("select outcome from audit_event where operation = ?", String.class,
				operation))
			.isEqualTo("201");
	}

	@Test
	void requestWhoseSettlingChangeRolledBackIsRecordedAsItEndsNeverAsSucceededByALaterChange() {
		String operation = "test:" + UUID.randomUUID();
		TransactionTemplate tx = new TransactionTemplate(this.transactionManager);

		this.auditLog.openScope();
		try {
			this.auditLog.expectRequest(this.caller, operation, null, "key", "201", "POST /test");
			AuditLog.settleRequestWithNextChange();
			tx.executeWithoutResult(status -> {
				this.jdbc.queryForObject("select txid_current()", Long.class);
				status.setRollbackOnly();
			});
			// a change after the failure (say, recording it) is not the request's success
			tx.executeWithoutResult(status -> this.jdbc.queryForObject("select txid_current()", Long.class));
			assertThat(entries(operation)).isZero();
			assertThat(this.auditLog.settledOutcome()).isNull();
			// what the request's end records (AuditInterceptor)
			this.auditLog.record(this.caller, operation, null, "key", "default", "409", "POST /test");
		}
		finally {
			this.auditLog.closeScope();
		}

		assertThat(
				this.jdbc.queryForList("select outcome from audit_event where operation = ?", String.class, operation))
			.containsExactly("409");
	}

	@Test
	void settlingOutsideARequestThatExpectsItChangesNothing() {
		String operation = "test:" + UUID.randomUUID();
		TransactionTemplate tx = new TransactionTemplate(this.transactionManager);

		this.auditLog.inScope(() -> {
			AuditLog.settleRequestWithNextChange();
			this.auditLog.record(this.caller, operation, null, "key", "default", "ok", null);
			tx.executeWithoutResult(status -> this.jdbc.queryForObject("select txid_current()", Long.class));
			assertThat(this.auditLog.settledOutcome()).isNull();
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
