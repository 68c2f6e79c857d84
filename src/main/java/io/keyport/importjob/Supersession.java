package io.keyport.importjob;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A key's material has one current import: the latest job that imported it. Earlier
 * imported (or expired, or still replicating) jobs of the same material on the key are
 * superseded, each in its own short transaction, so that they leave the watch instead of
 * being compared with a key whose ValidTo a renewal changed. Never part of the
 * transaction that records an import: a conflict here cannot lose an import; the watcher
 * supersedes whatever is left when it next claims such a job.
 */
@Component
class Supersession {

	private static final Logger log = LoggerFactory.getLogger(Supersession.class);

	/**
	 * Jobs e and n track the same material of their key: KMS named the same material, or
	 * did not name one of them (a provider or key spec without material ids, where a key
	 * has one material). A rotation job's new material leaves the earlier material's job
	 * in the watch.
	 */
	static final String SAME_MATERIAL = "(e.key_material_id is null or n.key_material_id is null "
			+ "or e.key_material_id = n.key_material_id)";

	/**
	 * A job e still replicating is superseded only by a job n that imports into every
	 * replica e has: otherwise a replica e still works on would be left without a job.
	 */
	static final String COVERS_REPLICATING = "(e.state <> 'REPLICATING' or not exists (select 1 from "
			+ "import_job_replica er where er.job_id = e.id and not exists (select 1 from import_job_replica nr "
			+ "where nr.job_id = n.id and nr.kms_key_arn = er.kms_key_arn)))";

	private final ImportJobStore store;

	private final JdbcTemplate jdbc;

	private final Clock clock;

	private final TransactionTemplate tx;

	Supersession(ImportJobStore store, JdbcTemplate jdbc, Clock clock, PlatformTransactionManager transactionManager) {
		this.store = store;
		this.jdbc = jdbc;
		this.clock = clock;
		this.tx = new TransactionTemplate(transactionManager);
	}

	/**
	 * Supersedes the jobs on the same key imported before the given one. Never throws: a
	 * job it could not change is superseded by the watcher later.
	 * @return how many jobs were superseded
	 */
	int supersedeEarlier(ImportJobId imported, String actor) {
		try {
			List<UUID> earlier = this.jdbc.queryForList("""
					select e.id from import_job e join import_job n on n.id = ?
					where e.kms_key_arn = n.kms_key_arn and e.id <> n.id
					  and e.state in ('IMPORTED', 'MATERIAL_EXPIRED', 'REPLICATING') and %s and %s
					  and (e.imported_at < n.imported_at or (e.imported_at = n.imported_at and e.id < n.id))"""
				.formatted(SAME_MATERIAL, COVERS_REPLICATING), UUID.class, imported.value());
			int superseded = 0;
			for (UUID id : earlier) {
				if (supersede(new ImportJobId(id), imported, actor)) {
					superseded++;
				}
			}
			return superseded;
		}
		catch (RuntimeException ex) {
			log.warn("Import job {}: earlier jobs on its key not superseded now ({}); the watcher will", imported,
					ex.toString());
			return 0;
		}
	}

	/**
	 * The newest job that imported the same material into the same key after the given
	 * one, if any.
	 */
	Optional<ImportJobId> newerImport(ImportJobId id) {
		return this.jdbc
			.queryForList("""
					select n.id from import_job n join import_job e on e.id = ?
					where n.kms_key_arn = e.kms_key_arn and n.id <> e.id and n.imported_at is not null and %s and %s
					  and (n.imported_at > e.imported_at or (n.imported_at = e.imported_at and n.id > e.id))
					order by n.imported_at desc, n.id desc limit 1""".formatted(SAME_MATERIAL, COVERS_REPLICATING),
					UUID.class, id.value())
			.stream()
			.findFirst()
			.map(ImportJobId::new);
	}

	private boolean supersede(ImportJobId id, ImportJobId newer, String actor) {
		try {
			return Boolean.TRUE.equals(this.tx.execute(status -> {
				ImportJob job = this.store.find(id).orElse(null);
				if (job == null || !job.state().canTransitionTo(ImportJobState.SUPERSEDED)) {
					return false;
				}
				if (job.leasedAt(this.clock.instant())) {
					// an instance works on it: a custody renewal's import may be in
					// flight, whose outcome must be recorded and its custody kept;
					// the watcher supersedes it once the lease is released
					return false;
				}
				job.supersede(newer, actor, this.clock.instant());
				this.store.save(job);
				return true;
			}));
		}
		catch (RuntimeException ex) {
			log.info("Import job {} not superseded now ({}); the watcher will", id, ex.toString());
			return false;
		}
	}

}
