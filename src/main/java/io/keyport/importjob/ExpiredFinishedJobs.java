package io.keyport.importjob;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.keyport.retention.ExpiredRows;
import io.keyport.retention.RetentionProperties;

/**
 * Finished jobs (cancelled, failed, superseded) unchanged for longer than
 * {@code keyport.retention.finished-jobs} are deleted with their history. Never deleted:
 * a job that is not finished, a job whose custodian still keeps material for it (until
 * {@link CustodyReleases} destroyed it), and the latest import into a key even when it
 * failed later (it holds the key's current material and ValidTo, and supersession
 * compares newer imports with it).
 */
@Component
@Order(2)
class ExpiredFinishedJobs implements ExpiredRows {

	/**
	 * The batch: import_job_finished (partial, on the finished states) reads the oldest
	 * first; the latest-import check probes import_job_key_imported, the history check
	 * import_job_event_job (a scalar subquery: a NOT EXISTS may be planned as a hash join
	 * over the whole table). A finished job that is its key's latest import is passed
	 * over by every run: at most one per key.
	 */
	static final String BATCH = """
			select j.id from import_job j
			where j.state in ('SUPERSEDED', 'FAILED', 'CANCELLED') and j.updated_at < ? and j.custody_id is null
			  and (j.imported_at is null or exists (
			      select 1 from import_job n
			      where n.kms_key_arn = j.kms_key_arn and n.imported_at is not null
			        and (n.imported_at > j.imported_at or (n.imported_at = j.imported_at and n.id > j.id))))
			  and coalesce((select max(e.occurred_at) from import_job_event e where e.job_id = j.id),
			      '-infinity') < ?
			order by j.updated_at, j.id limit ?
			for update of j skip locked""";

	private final JdbcTemplate jdbc;

	private final RetentionProperties properties;

	ExpiredFinishedJobs(JdbcTemplate jdbc, RetentionProperties properties) {
		this.jdbc = jdbc;
		this.properties = properties;
	}

	@Override
	public String name() {
		return "finished jobs";
	}

	@Override
	public Instant cutoff(Instant now) {
		return now.minus(this.properties.finishedJobs());
	}

	@Override
	public Deleted deleteBatch(Instant cutoff, int limit) {
		Timestamp before = Timestamp.from(cutoff);
		// no history entry at or after the cutoff either (another instance's clock ahead)
		List<UUID> ids = this.jdbc.queryForList(BATCH, UUID.class, before, before, limit);
		if (ids.isEmpty()) {
			return new Deleted(0, Map.of());
		}
		UUID[] batch = ids.toArray(UUID[]::new);
		int events = this.jdbc.update("delete from import_job_event where job_id = any(?)",
				ps -> ps.setArray(1, ps.getConnection().createArrayOf("uuid", batch)));
		int jobs = this.jdbc.update("delete from import_job where id = any(?)",
				ps -> ps.setArray(1, ps.getConnection().createArrayOf("uuid", batch)));
		return new Deleted(ids.size(), Map.of("import_job", jobs, "import_job_event", events));
	}

}
