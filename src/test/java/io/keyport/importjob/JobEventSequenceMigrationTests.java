package io.keyport.importjob;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import io.keyport.testsupport.TestInfrastructure;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * V31 numbers the history entries written before it per job, in their order, and sets
 * each job's count, on a database migrated to V30 with two jobs' entries interleaved;
 * entries the earlier version appends during a rolling update are numbered by the
 * database.
 */
class JobEventSequenceMigrationTests {

	private static final String DATABASE = "keyport_v31";

	@Test
	void entriesWrittenBeforeV31AreNumberedPerJobAndEntriesOfTheEarlierVersionDuringARollingUpdateToo()
			throws SQLException {
		try (Connection admin = DriverManager.getConnection(TestInfrastructure.jdbcUrl(), "postgres", "postgres");
				Statement statement = admin.createStatement()) {
			statement.execute("drop database if exists " + DATABASE);
			statement.execute("create database " + DATABASE);
		}
		String url = TestInfrastructure.postgres().getJdbcUrl("postgres", DATABASE);
		Flyway.configure().dataSource(url, "postgres", "postgres").target("30").load().migrate();
		try (Connection connection = DriverManager.getConnection(url, "postgres", "postgres");
				Statement statement = connection.createStatement()) {
			statement.execute("""
					insert into import_job (id, version, state, kms_key_id, kms_key_arn, key_spec, wrapping_algorithm,
					    wrapping_key_spec, expiration_model, created_at, updated_at, created_by, tenant, waiting_since,
					    kms_target)
					select ('00000000-0000-0000-0000-00000000000' || i)::uuid, 1, 'CANCELLED', 'k' || i, 'arn:k' || i,
					    'SYMMETRIC_DEFAULT', 'RSAES_OAEP_SHA_256', 'RSA_2048', 'KEY_MATERIAL_DOES_NOT_EXPIRE', now(),
					    now(), 'v31', 'v31', now(), 'default'
					from generate_series(1, 3) i""");
			// jobs 1 and 2 alternate (the global ids leave gaps in each); job 3 has none
			statement.execute("""
					insert into import_job_event (job_id, from_state, to_state, cause, actor, occurred_at)
					select ('00000000-0000-0000-0000-00000000000' || (1 + n % 2))::uuid, null, 'CANCELLED',
					    'entry ' || n, 'v31', now()
					from generate_series(0, 6) n""");
			Flyway.configure().dataSource(url, "postgres", "postgres").load().migrate();

			assertThat(rows(statement, """
					select right(job_id::text, 1), job_sequence, cause from import_job_event order by id"""))
				.containsExactly("1 1 entry 0", "2 1 entry 1", "1 2 entry 2", "2 2 entry 3", "1 3 entry 4",
						"2 3 entry 5", "1 4 entry 6");
			assertThat(rows(statement, "select right(id::text, 1), last_event_sequence, 0 from import_job order by id"))
				.containsExactly("1 4 0", "2 3 0", "3 0 0");
			// an instance of the earlier version, during a rolling update, appends
			// without a
			// sequence: numbered after the job's last entry, and the job's count follows
			statement.execute("""
					insert into import_job_event (job_id, from_state, to_state, cause, actor, occurred_at)
					values ('00000000-0000-0000-0000-000000000001', null, 'CANCELLED', 'by V30', 'v30', now()),
					       ('00000000-0000-0000-0000-000000000003', null, 'CANCELLED', 'by V30', 'v30', now())""");
			statement.execute(
					"""
							insert into import_job_event (job_id, job_sequence, from_state, to_state, cause, actor, occurred_at)
							values ('00000000-0000-0000-0000-000000000001', 6, null, 'CANCELLED', 'by V31', 'current', now())""");
			assertThat(rows(statement, """
					select right(job_id::text, 1), job_sequence, cause from import_job_event where actor <> 'v31'
					order by id""")).containsExactly("1 5 by V30", "3 1 by V30", "1 6 by V31");
			assertThat(rows(statement, "select right(id::text, 1), last_event_sequence, 0 from import_job order by id"))
				.containsExactly("1 5 0", "2 3 0", "3 1 0");
			// the history is append-only again
			assertThat(rows(statement, """
					select tgname, tgenabled, 0 from pg_trigger where tgname = 'import_job_event_no_update'"""))
				.containsExactly("import_job_event_no_update O 0");
		}
	}

	private static List<String> rows(Statement statement, String sql) throws SQLException {
		List<String> rows = new ArrayList<>();
		try (ResultSet result = statement.executeQuery(sql)) {
			while (result.next()) {
				rows.add(result.getString(1) + " " + result.getString(2) + " " + result.getString(3));
			}
		}
		return rows;
	}

}
