package io.keyport.benchmark;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Statements Keyport's database user ran, from {@code pg_stat_statements}: reset before a
 * measured phase, read after. Only the application's role is counted, so this
 * connection's own queries are not. Texts are PostgreSQL's normalised ones ({@code $1}
 * for every constant).
 */
final class PostgresStatements implements AutoCloseable {

	/** Calls of one normalised statement. */
	record Statement(long calls, String query) {
	}

	private final Connection connection;

	private final String applicationRole;

	PostgresStatements(String url, String user, String password, String applicationRole) throws SQLException {
		this.connection = DriverManager.getConnection(url, user, password);
		this.applicationRole = applicationRole;
	}

	void reset() throws SQLException {
		try (PreparedStatement reset = this.connection.prepareStatement("select pg_stat_statements_reset()")) {
			reset.execute();
		}
	}

	/** The application's statements since the last reset, most called first. */
	List<Statement> read() throws SQLException {
		List<Statement> statements = new ArrayList<>();
		try (PreparedStatement query = this.connection
			.prepareStatement("select calls, query from pg_stat_statements where userid = to_regrole(?)::oid "
					+ "and dbid = (select oid from pg_database where datname = current_database()) "
					+ "order by calls desc, query")) {
			query.setString(1, this.applicationRole);
			try (ResultSet rows = query.executeQuery()) {
				while (rows.next()) {
					statements.add(new Statement(rows.getLong(1), rows.getString(2)));
				}
			}
		}
		return statements;
	}

	@Override
	public void close() throws SQLException {
		this.connection.close();
	}

}
