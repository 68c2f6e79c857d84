package io.keyport.importjob;

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
 * The retention's batches of finished jobs and of old history entries are read through
 * indexes on tables of many jobs, so a batch costs O(batch) however many jobs there are
 * (seeded and rolled back).
 */
class JobRetentionPlanTests extends IntegrationTest {

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	PlatformTransactionManager transactionManager;

	@Test
	void theBatchesOfFinishedJobsAndOldHistoryAreReadThroughIndexesNotSequentialScans() {
		Instant now = this.clock.instant();
		Instant cutoff = now.minus(Duration.ofDays(90));
		List<List<String>> plans = new TransactionTemplate(this.transactionManager).execute(status -> {
			status.setRollbackOnly();
			// live jobs, recently finished ones, and a few finished long ago, each with
			// two
			// entries
			seedJobs("PARAMETERS_EXPIRED", 20_000, now);
			seedJobs("CANCELLED", 20_000, now);
			seedJobs("SUPERSEDED", 500, now.minus(Duration.ofDays(500)));
			this.jdbc.update("""
					insert into import_job_event (job_id, job_sequence, from_state, to_state, cause, actor, occurred_at)
					select id, 1, null, 'PARAMETERS_FETCHED', 'seeded', 'plan', created_at from import_job
					where created_by = 'plan'
					union all
					select id, 2, 'PARAMETERS_FETCHED', state, 'seeded', 'plan', updated_at from import_job
					where created_by = 'plan'""");
			this.jdbc.execute("analyze import_job");
			this.jdbc.execute("analyze import_job_event");
			return List.of(
					this.jdbc.queryForList("explain " + ExpiredFinishedJobs.BATCH, String.class, Timestamp.from(cutoff),
							Timestamp.from(cutoff), 1000),
					this.jdbc.queryForList("explain " + ExpiredJobEvents.BATCH, String.class,
							Timestamp.from(now.minus(Duration.ofDays(400))), 1000));
		});
		assertThat(String.join("\n", plans.get(0))).contains("import_job_finished")
			.contains("import_job_key_imported")
			.doesNotContain("Seq Scan");
		assertThat(String.join("\n", plans.get(1))).contains("import_job_event_time")
			.contains("import_job_event_job")
			.doesNotContain("Seq Scan");
	}

	private void seedJobs(String state, int jobs, Instant at) {
		// finished jobs that were imported once, so the latest-import check has work to
		// do
		this.jdbc.update("""
				insert into import_job (id, version, state, kms_key_id, kms_key_arn, key_spec, wrapping_algorithm,
				    wrapping_key_spec, expiration_model, created_at, updated_at, created_by, tenant, waiting_since,
				    kms_target, imported_at)
				select gen_random_uuid(), 1, ?, 'plan', 'arn:aws:kms:eu-west-1:111122223333:key/plan-' || (i % 5000),
				    'SYMMETRIC_DEFAULT', 'RSAES_OAEP_SHA_256', 'RSA_2048', 'KEY_MATERIAL_DOES_NOT_EXPIRE',
				    cast(? as timestamptz) - interval '1 day', ?, 'plan', 'plan',
				    cast(? as timestamptz) - interval '1 day', 'default',
				    case when cast(? as varchar) <> 'PARAMETERS_EXPIRED'
				        then cast(? as timestamptz) - i * interval '1 second' end
				from generate_series(1, ?) i""", state, Timestamp.from(at), Timestamp.from(at), Timestamp.from(at),
				state, Timestamp.from(at), jobs);
	}

}
