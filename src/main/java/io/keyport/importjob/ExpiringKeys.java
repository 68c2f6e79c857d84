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
	 * Imported jobs (pending rotation or replicas too) whose material expires within (?,
	 * ?], of a tenant (? ?, or all for null), that are their material's current import:
	 * no later import of the same material into the key (the same instant: the lower id
	 * wins). A key holding several materials (rotation) is listed once per material, each
	 * with its own ValidTo. A key scheduled for deletion is not listed (its owner means
	 * to let it go; cancelling the deletion lists it again at the next check). Read by
	 * ValidTo through the index on (state, material_valid_to), each key's later imports
	 * through (kms_key_arn, imported_at): rows within the window only, not every imported
	 * job.
	 */
	static final String CURRENT_MATERIAL_EXPIRING = """
			from import_job j
			where j.state in ('IMPORTED', 'IMPORTED_PENDING_ROTATION', 'REPLICATING') and j.material_valid_to > ?
			  and j.material_valid_to <= ? and (cast(? as varchar) is null or j.tenant = ?)
			  and j.last_error_code is distinct from 'kms-key-pending-deletion'
			  and not exists (select 1 from import_job n
			      where n.kms_key_arn = j.kms_key_arn and n.state = 'IMPORTED' and n.id <> j.id
			        and (n.key_material_id is null or j.key_material_id is null or n.key_material_id = j.key_material_id)
			        and (n.imported_at > j.imported_at or (n.imported_at = j.imported_at and n.id < j.id)))""";

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
			.query("select j.kms_key_id, j.kms_key_arn, j.material_valid_to, j.id, j.key_material_id "
					+ CURRENT_MATERIAL_EXPIRING + " order by j.material_valid_to", (rs, row) -> {
						Instant validTo = rs.getTimestamp("material_valid_to").toInstant();
						return new ExpiringKey(rs.getString("kms_key_id"), rs.getString("kms_key_arn"), validTo,
								Duration.between(now, validTo), new ImportJobId(rs.getObject("id", UUID.class)),
								rs.getString("key_material_id"));
					}, Timestamp.from(now), Timestamp.from(now.plus(window)), tenant, tenant);
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
				Timestamp.from(now), Timestamp.from(now.plus(this.properties.expiryLeadTime())), null, null);
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

	public Duration defaultWindow() {
		return this.properties.expiryLeadTime();
	}

}
