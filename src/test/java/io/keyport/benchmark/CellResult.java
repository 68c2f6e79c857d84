package io.keyport.benchmark;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What one cell measured: each mode that ran ({@code null} for one that did not), and
 * what the REST imports cost Keyport's dependencies (KMS calls by operation, the
 * application's SQL statements; both absent where not measured).
 */
record CellResult(Cell cell, ModeResult bare, ModeResult keyport, Map<String, Long> kmsCallsOfKeyport,
		List<PostgresStatements.Statement> statements, ProcessCpu.Usage keyportCpu) {

	/** Keyport against bare; both modes must have run. */
	ModeResult.Ratios ratios() {
		return this.keyport.relativeTo(this.bare);
	}

	/** KMS calls Keyport made per import through it, all operations together. */
	double kmsCallsPerImport() {
		return this.kmsCallsOfKeyport.values().stream().mapToLong(Long::longValue).sum()
				/ (double) this.keyport.count();
	}

	/** SQL statements per import through Keyport, transaction control included. */
	double statementsPerImport() {
		return this.statements.stream().mapToLong(PostgresStatements.Statement::calls).sum()
				/ (double) this.keyport.count();
	}

	/**
	 * Transactions per import through Keyport: {@code BEGIN} statements
	 * ({@code pg_stat_statements} does not list the JDBC driver's {@code COMMIT}s).
	 */
	double transactionsPerImport() {
		return this.statements.stream()
			.filter((s) -> s.query().regionMatches(true, 0, "begin", 0, 5))
			.mapToLong(PostgresStatements.Statement::calls)
			.sum() / (double) this.keyport.count();
	}

	/** Keyport's CPU milliseconds per import through it. */
	double cpuMillisPerImport() {
		return this.keyportCpu.process().toNanos() / 1e6 / this.keyport.count();
	}

}
