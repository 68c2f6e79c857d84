package io.keyport.importjob;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.keyport.custody.Custodians;
import io.keyport.custody.CustodyReference;

/**
 * Sealed custody material that no job refers to is destroyed by its custodian. It is left
 * when an upload stored its material but the claim that would record it on the job never
 * committed and the immediate destroy failed too (a crash between the two, a custodian
 * unreachable at that moment), or when a job's previous material could not be destroyed
 * after a new upload replaced it. Only rows older than {@link #GRACE} are taken: no
 * upload takes that long between storing its material and recording it, so material of an
 * upload still in flight is never touched. Material that custodians keep in the database
 * (kms-envelope, local-file) is found here; a PKCS#11 token's objects are not listed.
 * <p>
 * The sweep looks at every sealed row older than the grace, so it runs at most once per
 * {@link #EVERY} on each instance; destroying is idempotent, so instances sweeping at
 * once only repeat a delete.
 */
@Component
class CustodyOrphans {

	private static final Logger log = LoggerFactory.getLogger(CustodyOrphans.class);

	static final Duration GRACE = Duration.ofHours(1);

	static final Duration EVERY = Duration.ofMinutes(15);

	private static final int BATCH = 100;

	private final Custodians custodians;

	private final JdbcTemplate jdbc;

	private final MeterRegistry registry;

	private final Clock clock;

	private volatile Instant lastSweep = Instant.MIN;

	CustodyOrphans(Custodians custodians, JdbcTemplate jdbc, MeterRegistry registry, Clock clock) {
		this.custodians = custodians;
		this.jdbc = jdbc;
		this.registry = registry;
		this.clock = clock;
	}

	/** Sweeps when the last sweep is {@link #EVERY} old; the material destroyed. */
	int sweepIfDue() {
		Instant now = this.clock.instant();
		if (this.custodians.names().isEmpty() || now.isBefore(this.lastSweep.plus(EVERY))) {
			return 0;
		}
		this.lastSweep = now;
		return sweep(now);
	}

	/** Destroys up to a batch of material no job refers to; the number destroyed. */
	int sweep(Instant now) {
		List<CustodyReference> orphans = this.jdbc.query("""
				select m.custodian, m.id from custody_material m
				where m.created_at < ?
				  and not exists (select 1 from import_job j
				      where j.custody_id = m.id::text and j.custodian = m.custodian)
				order by m.created_at
				limit ?""", (rs, n) -> new CustodyReference(rs.getString("custodian"), rs.getString("id")),
				Timestamp.from(now.minus(GRACE)), BATCH);
		int destroyed = 0;
		for (CustodyReference orphan : orphans) {
			if (!this.custodians.names().contains(orphan.custodian())) {
				// a custodian no longer configured: its material stays until it is
				log.warn("Custody material {} of custodian {} belongs to no job, but the custodian is not configured",
						orphan.id(), orphan.custodian());
				continue;
			}
			try {
				this.custodians.of(orphan).destroy(orphan);
				destroyed++;
				count(orphan.custodian(), "destroyed");
				log.info(
						"Custody material {} of custodian {} belonged to no job (an upload that never recorded it, "
								+ "or a replaced material whose destroy failed): destroyed",
						orphan.id(), orphan.custodian());
			}
			catch (RuntimeException ex) {
				count(orphan.custodian(), "failed");
				log.warn("Custody material {} of custodian {} belongs to no job and could not be destroyed now: {}",
						orphan.id(), orphan.custodian(), ex.toString());
			}
		}
		return destroyed;
	}

	private void count(String custodian, String outcome) {
		Counter.builder("keyport.custody.orphans")
			.description("Custody material no job refers to, destroyed by its custodian, by outcome")
			.tag("custodian", custodian)
			.tag("outcome", outcome)
			.register(this.registry)
			.increment();
	}

}
