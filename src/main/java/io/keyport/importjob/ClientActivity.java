package io.keyport.importjob;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Records that a client used a job (read it or its wrapping key, uploaded material): the
 * job then counts as active and its EAGER refresh goes ahead of idle jobs when the budget
 * is short. One statement outside the job's version, so a read never conflicts with a
 * change of the job, and at most once a minute per job, so frequent reads cost nothing.
 * Activity is a hint for scheduling: a failure to record it never fails the request.
 */
@Component
class ClientActivity {

	private static final Logger log = LoggerFactory.getLogger(ClientActivity.class);

	/** Activity is recorded at this precision. */
	static final Duration PRECISION = Duration.ofMinutes(1);

	private final JdbcTemplate jdbc;

	private final RefreshPolicyProperties properties;

	ClientActivity(JdbcTemplate jdbc, RefreshPolicyProperties properties) {
		this.jdbc = jdbc;
		this.properties = properties;
	}

	/**
	 * Whether activity recorded at {@code last} still stands for {@code now}, so it is
	 * not recorded again (here or with an upload's claim,
	 * {@link ImportJob#usedByClient}).
	 */
	static boolean recordedRecently(Instant last, Instant now) {
		return last != null && last.plus(PRECISION).isAfter(now);
	}

	/** The job was used by a client now. */
	void record(ImportJobView job, Instant now) {
		if (recordedRecently(job.lastClientActivityAt(), now)) {
			return;
		}
		try {
			this.jdbc.update("""
					update import_job set last_client_activity_at = ?,
					    refresh_priority = least(refresh_priority, ?)
					where id = ? and (last_client_activity_at is null or last_client_activity_at < ?)""",
					Timestamp.from(now), ImportJob.PRIORITY_ACTIVE, job.id().value(), Timestamp.from(now));
		}
		catch (RuntimeException ex) {
			log.warn("Import job {}: client activity not recorded ({})", job.id(), ex.toString());
		}
	}

	/**
	 * Jobs whose last activity is no longer recent go back behind the active ones; the
	 * partial index on active jobs keeps this cheap. Returns how many.
	 */
	int expireOldActivity(Instant now) {
		return this.jdbc.update(
				"update import_job set refresh_priority = ? where refresh_priority = ? and last_client_activity_at < ?",
				ImportJob.PRIORITY_IDLE, ImportJob.PRIORITY_ACTIVE,
				Timestamp.from(now.minus(this.properties.recentActivity())));
	}

}
