package io.keyport.web;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import org.hibernate.TransactionException;
import org.junit.jupiter.api.Test;

import org.springframework.orm.ObjectOptimisticLockingFailureException;
import org.springframework.orm.jpa.JpaSystemException;
import org.springframework.transaction.CannotCreateTransactionException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The failure chains seen with PostgreSQL stopped or two requests racing, and what each
 * one means to a caller.
 */
class DatabaseFailuresTests {

	@Test
	void racingWritesOfOneRowAreAConflict() {
		assertThat(DatabaseFailures.classify(new ObjectOptimisticLockingFailureException("ImportJob", "id")))
			.isEqualTo(DatabaseFailures.Kind.CONFLICT);
		assertThat(DatabaseFailures.classify(
				new JpaSystemException(new RuntimeException(new SQLException("could not serialize access", "40001")))))
			.isEqualTo(DatabaseFailures.Kind.CONFLICT);
	}

	@Test
	void aDatabaseThatIsDownOrWentAwayMidRequestIsUnavailable() {
		// no connection within Hikari's timeout
		assertThat(DatabaseFailures.classify(new CannotCreateTransactionException("no connection",
				new SQLTransientConnectionException("Connection is not available, request timed out"))))
			.isEqualTo(DatabaseFailures.Kind.UNAVAILABLE);
		// the server terminated the connection during a statement (pg_ctl stop)
		assertThat(DatabaseFailures.classify(new JpaSystemException(new RuntimeException(
				new SQLException("FATAL: terminating connection due to administrator command", "57P01")))))
			.isEqualTo(DatabaseFailures.Kind.UNAVAILABLE);
		// then the rollback failed on the dead connection, and its failure replaced the
		// statement's
		assertThat(DatabaseFailures
			.classify(new JpaSystemException(new TransactionException("Unable to rollback against JDBC Connection",
					new SQLException("Connection is closed")))))
			.isEqualTo(DatabaseFailures.Kind.UNAVAILABLE);
	}

	@Test
	void otherFailuresStayUnexpected() {
		assertThat(DatabaseFailures.classify(new IllegalStateException("bug"))).isNull();
		assertThat(DatabaseFailures.classify(new JpaSystemException(
				new RuntimeException(new SQLException("value too long for type character varying(64)", "22001")))))
			.isNull();
	}

}
