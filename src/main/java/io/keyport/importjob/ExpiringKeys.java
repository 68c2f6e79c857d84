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
 * time; it is refreshed by the lifecycle runs and on each query, not on every scrape.
 */
@Service
public class ExpiringKeys {

	private final JdbcTemplate jdbc;

	private final Clock clock;

	private final LifecycleProperties properties;

	private final AtomicInteger expiringWithinLeadTime = new AtomicInteger();

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
	public record ExpiringKey(String kmsKeyId, String kmsKeyArn, Instant validTo, Duration remaining,
			ImportJobId jobId) {
	}

	/**
	 * Keys whose current material (the latest import into the key) expires after now and
	 * within the window, soonest first. A key re-imported with a later ValidTo is judged
	 * by the re-import, not by the older job.
	 * @param tenant only that tenant's keys; {@code null} for all (operators, the gauge)
	 */
	public List<ExpiringKey> within(Duration window, String tenant) {
		Instant now = this.clock.instant();
		List<ExpiringKey> keys = this.jdbc.query("""
				select kms_key_id, kms_key_arn, material_valid_to, id from (
				    select distinct on (kms_key_arn) kms_key_id, kms_key_arn, material_valid_to, id, tenant
				    from import_job
				    where state = 'IMPORTED'
				    order by kms_key_arn, imported_at desc, id) latest
				where material_valid_to > ? and material_valid_to <= ? and (cast(? as varchar) is null or tenant = ?)
				order by material_valid_to""", (rs, row) -> {
			Instant validTo = rs.getTimestamp("material_valid_to").toInstant();
			return new ExpiringKey(rs.getString("kms_key_id"), rs.getString("kms_key_arn"), validTo,
					Duration.between(now, validTo), new ImportJobId(rs.getObject("id", UUID.class)));
		}, Timestamp.from(now), Timestamp.from(now.plus(window)), tenant, tenant);
		if (tenant == null && window.equals(this.properties.expiryLeadTime())) {
			this.expiringWithinLeadTime.set(keys.size());
		}
		return keys;
	}

	/** Recomputes the gauge. */
	public int refreshGauge() {
		return within(this.properties.expiryLeadTime(), null).size();
	}

	public Duration defaultWindow() {
		return this.properties.expiryLeadTime();
	}

}
