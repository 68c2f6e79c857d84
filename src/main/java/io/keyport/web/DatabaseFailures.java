package io.keyport.web;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.function.Predicate;

import jakarta.persistence.LockTimeoutException;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.PessimisticLockException;
import jakarta.persistence.QueryTimeoutException;
import org.hibernate.StaleStateException;
import org.hibernate.TransactionException;
import org.hibernate.exception.JDBCConnectionException;

import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * What a failure from the persistence stack means for the caller, found by walking its
 * cause chain (Spring, JPA, Hibernate and the JDBC driver each wrap the others): a
 * concurrent change of the same row (409, read and retry) or a database that cannot be
 * reached right now (503, retry later). Anything else stays an unexpected error.
 */
final class DatabaseFailures {

	enum Kind {

		/** Another transaction changed or locked the same data first. */
		CONFLICT,

		/**
		 * The database is down, restarting, unreachable or too slow; nothing was
		 * committed by this request.
		 */
		UNAVAILABLE

	}

	private DatabaseFailures() {
	}

	static Kind classify(Throwable failure) {
		if (anyInChain(failure, DatabaseFailures::isConflict)) {
			return Kind.CONFLICT;
		}
		if (anyInChain(failure, DatabaseFailures::isUnavailable)) {
			return Kind.UNAVAILABLE;
		}
		return null;
	}

	private static boolean anyInChain(Throwable failure, Predicate<Throwable> test) {
		int depth = 0;
		for (Throwable t = failure; t != null && depth < 32; t = t.getCause(), depth++) {
			if (test.test(t)) {
				return true;
			}
		}
		return false;
	}

	private static boolean isConflict(Throwable t) {
		// optimistic and pessimistic locking failures, deadlocks, serialization failures
		return t instanceof ConcurrencyFailureException || t instanceof OptimisticLockException
				|| t instanceof PessimisticLockException || t instanceof StaleStateException
				|| t instanceof SQLException sql && sqlState(sql).startsWith("40");
	}

	private static boolean isUnavailable(Throwable t) {
		return t instanceof CannotCreateTransactionException || t instanceof DataAccessResourceFailureException
				|| t instanceof TransientDataAccessException || t instanceof JDBCConnectionException
				|| t instanceof QueryTimeoutException || t instanceof LockTimeoutException
				|| t instanceof SQLTransientException || t instanceof SQLRecoverableException
				|| t instanceof SQLNonTransientConnectionException
				// a commit or rollback the JDBC connection could not carry out: the
				// connection broke under it (the
				// rollback's failure replaces the statement's, so the original cause is
				// not in the chain)
				|| t instanceof TransactionException && t.getCause() instanceof SQLException
				// 08: connection exception; 57P: the server is shutting down, starting up
				// or cannot connect now
				|| t instanceof SQLException sql && (sqlState(sql).startsWith("08") || sqlState(sql).startsWith("57P")
						|| sqlState(sql).equals("53300"));
	}

	private static String sqlState(SQLException ex) {
		return ex.getSQLState() != null ? ex.getSQLState() : "";
	}

}
