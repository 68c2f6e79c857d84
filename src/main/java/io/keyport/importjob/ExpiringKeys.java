package io.keyport.importjob;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Keys whose imported material expires soon, so operators hear of it before workloads
 * stop. The gauge {@code keyport.keys.expiring} counts keys within the configured lead
 * time; it is refreshed by the lifecycle runs (at most once per {@link #GAUGE_MAX_AGE})
 * and on each query, not on every scrape.
 */
@Service
public class ExpiringKeys {

	private final JdbcTemplate jdbc;

	private final Clock clock;

	private final LifecycleProperties properties;

	/** How old the gauge may be when a lifecycle run comes by. */
	static final Duration GAUGE_MAX_AGE = Duration.ofMinutes(1);

	private final AtomicInteger expiringWithinLeadTime = new AtomicInteger();

	private volatile Instant gaugeRefreshedAt;

	/**
	 * A job (pending rotation or replicating too) of a tenant (? ?, or all for null) that
	 * is its material's current import: no later import of the same material into the key
	 * (the same instant: the lower id wins). A key scheduled for deletion is not listed
	 * (its owner means to let it go; cancelling the deletion lists it again at the next
	 * check). Each key's later imports are read through (kms_key_arn, imported_at).
	 */
	private static final String CURRENT_JOB = """
			j.state in ('IMPORTED', 'IMPORTED_PENDING_ROTATION', 'REPLICATING')
			  and (cast(? as varchar) is null or j.tenant = ?)
			  and j.last_error_code is distinct from 'kms-key-pending-deletion'
			  and not exists (select 1 from import_job n
			      where n.kms_key_arn = j.kms_key_arn and n.state = 'IMPORTED' and n.id <> j.id
			        and (n.key_material_id is null or j.key_material_id is null or n.key_material_id = j.key_material_id)
			        and (n.imported_at > j.imported_at or (n.imported_at = j.imported_at and n.id < j.id)))""";

	/**
	 * The keys holding a current job's material that expires within (?, ?], one row per
	 * key: the job's own key, read through the index on (state, material_valid_to), and
	 * each replica of a multi-Region job that took the material, with its own ARN and
	 * ValidTo (a renewal that reached the primary but not a replica leaves the replica's
	 * material expiring first), read through the replicas' ValidTo index. A key holding
	 * several materials (rotation) is listed once per material. Rows within the window
	 * only, not every imported job. Arguments: now, end, tenant, tenant, twice.
	 */
	static final String CURRENT_MATERIAL_EXPIRING = """
			from (select j.kms_key_id, j.kms_key_arn, j.material_valid_to as valid_to, j.id, j.key_material_id
			      from import_job j
			      where j.material_valid_to > ? and j.material_valid_to <= ? and %1$s
			  union all
			  select j.kms_key_id, r.kms_key_arn, r.material_valid_to, j.id, r.key_material_id
			      from import_job_replica r join import_job j on j.id = r.job_id
			      where r.state = 'IMPORTED' and r.material_valid_to > ? and r.material_valid_to <= ? and %1$s) m"""
		.formatted(CURRENT_JOB);

	ExpiringKeys(JdbcTemplate jdbc, Clock clock, LifecycleProperties properties, MeterRegistry registry) {
		this.jdbc = jdbc;
		this.clock = clock;
		this.properties = properties;
		Gauge.builder("keyport.keys.expiring", this.expiringWithinLeadTime, AtomicInteger::get)
			.description("KMS keys whose imported material expires within the lead time")
			.baseUnit("keys")
			.register(registry);
	}

	/**
	 * One key whose material expires within the window, with the job that imported it.
	 */
	public record ExpiringKey(String kmsKeyId, String kmsKeyArn, Instant validTo, Duration remaining, ImportJobId jobId,
			String keyMaterialId) {
	}

	/**
	 * Keys whose current material (the latest import into the key) expires after now and
	 * within the window, soonest first. A key re-imported with a later ValidTo is judged
	 * by the re-import, not by the older job.
	 * @param tenant only that tenant's keys; {@code null} for all (operators, the gauge)
	 */
	public List<ExpiringKey> within(Duration window, String tenant) {
		Instant now = this.clock.instant();
		List<ExpiringKey> keys = this.jdbc
			.query("select m.kms_key_id, m.kms_key_arn, m.valid_to, m.id, m.key_material_id "
					+ CURRENT_MATERIAL_EXPIRING + " order by m.valid_to, m.kms_key_arn", (rs, row) -> {
						Instant validTo = rs.getTimestamp("valid_to").toInstant();
						return new ExpiringKey(rs.getString("kms_key_id"), rs.getString("kms_key_arn"), validTo,
								Duration.between(now, validTo), new ImportJobId(rs.getObject("id", UUID.class)),
								rs.getString("key_material_id"));
					}, arguments(now, now.plus(window), tenant));
		if (tenant == null && window.equals(this.properties.expiryLeadTime())) {
			this.expiringWithinLeadTime.set(keys.size());
			this.gaugeRefreshedAt = now;
		}
		return keys;
	}

	/**
	 * Recomputes the gauge: a count of the keys expiring within the lead time, read
	 * through the ValidTo index, not a list of them.
	 */
	public int refreshGauge() {
		Instant now = this.clock.instant();
		Integer count = this.jdbc.queryForObject("select count(*) " + CURRENT_MATERIAL_EXPIRING, Integer.class,
				arguments(now, now.plus(this.properties.expiryLeadTime()), null));
		this.expiringWithinLeadTime.set(count != null ? count : 0);
		this.gaugeRefreshedAt = now;
		return this.expiringWithinLeadTime.get();
	}

	/**
	 * Recomputes the gauge if it is older than {@link #GAUGE_MAX_AGE}; what every
	 * lifecycle run calls. The count reads every key expiring within the lead time
	 * (thousands at 100,000 jobs), which a lead time of days does not need every few
	 * seconds.
	 */
	public void refreshGaugeIfStale() {
		Instant refreshedAt = this.gaugeRefreshedAt;
		Instant now = this.clock.instant();
		if (refreshedAt == null || !refreshedAt.plus(GAUGE_MAX_AGE).isAfter(now) || refreshedAt.isAfter(now)) {
			refreshGauge();
		}
	}

	/** The arguments of {@link #CURRENT_MATERIAL_EXPIRING}. */
	static Object[] arguments(Instant now, Instant end, String tenant) {
		Timestamp from = Timestamp.from(now);
		Timestamp to = Timestamp.from(end);
		return new Object[] { from, to, tenant, tenant, from, to, tenant, tenant };
	}

	public Duration defaultWindow() {
		return this.properties.expiryLeadTime();
	}

}
