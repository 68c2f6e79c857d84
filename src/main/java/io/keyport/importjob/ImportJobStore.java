package io.keyport.importjob;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import jakarta.persistence.EntityManager;

import org.springframework.dao.DataAccessException;
import org.springframework.orm.jpa.EntityManagerFactoryUtils;

import org.springframework.stereotype.Component;

import io.keyport.security.Caller;
import io.keyport.support.DescribedFailure.Kind;
import io.keyport.web.ProblemCodes;

/**
 * Loads jobs for the API and the lifecycle alike: any job by id, a job the caller may see
 * or act on, or a job still at the version a claim wrote. Callers hold the transaction.
 */
@Component
class ImportJobStore {

	private static final String JOB_NOT_FOUND = "import-job-not-found";

	/** A job changed since it was read or claimed. */
	static final String CONCURRENT_MODIFICATION = ProblemCodes.CONCURRENT_MODIFICATION;

	private final EntityManager entityManager;

	ImportJobStore(EntityManager entityManager) {
		this.entityManager = entityManager;
	}

	ImportJob load(ImportJobId id) {
		return find(id).orElseThrow(() -> notFound(id));
	}

	/**
	 * The job, or empty. Straight from the entity manager: the repository's proxy would
	 * add a second interceptor chain (transaction, exception translation, metrics) to
	 * every load of the job inside the caller's transaction (docs/performance.md).
	 */
	Optional<ImportJob> find(ImportJobId id) {
		try {
			return Optional.ofNullable(this.entityManager.find(ImportJob.class, id.value()));
		}
		catch (RuntimeException ex) {
			throw translated(ex);
		}
	}

	/**
	 * A job the caller may see (read) or act on (write): its own tenant's, or any
	 * tenant's for an admin's reads. Another tenant's job is reported as not found, so
	 * existence does not leak.
	 */
	ImportJob load(ImportJobId id, Caller caller, boolean write) {
		ImportJob job = load(id);
		if (!caller.mayAccess(job.tenant(), !write)) {
			throw notFound(id);
		}
		return job;
	}

	/** The job, if nobody changed it since the version read or claimed. */
	ImportJob loadAtVersion(ImportJobId id, long version) {
		ImportJob job = load(id);
		if (job.version() != version) {
			throw new ImportJobException(CONCURRENT_MODIFICATION, Kind.CONFLICT, id, job.state(),
					"Job " + id + " was changed by another request (now " + job.state()
							+ "). Read it again and retry if still needed.");
		}
		return job;
	}

	/**
	 * Writes the job now (a version conflict surfaces here, inside the caller's
	 * transaction): a new job is persisted (no select to find out whether it exists, as a
	 * merge would), a loaded one is flushed with the events it gained.
	 */
	ImportJob save(ImportJob job) {
		try {
			ImportJob saved = job;
			if (job.unsaved()) {
				this.entityManager.persist(job);
			}
			else if (!this.entityManager.contains(job)) {
				saved = this.entityManager.merge(job);
			}
			this.entityManager.flush();
			return saved;
		}
		catch (RuntimeException ex) {
			throw translated(ex);
		}
	}

	/**
	 * Whether another job may have put material into the job's key since the given time:
	 * it recorded an import since, or an import of its own is unanswered or unconfirmed.
	 * The material the key holds may then be that job's.
	 */
	boolean otherImportInto(ImportJob job, Instant since) {
		try {
			return !this.entityManager
				.createQuery("select o.id from ImportJob o where o.kmsKeyArn = :key and o.id <> :id "
						+ "and (o.importedAt >= :since or o.importOutcomeUnknown = true or o.importInFlight = true "
						+ "or o.unconfirmedImportAt is not null)", UUID.class)
				.setParameter("key", job.kmsKeyArn())
				.setParameter("id", job.id().value())
				.setParameter("since", since)
				.setMaxResults(1)
				.getResultList()
				.isEmpty();
		}
		catch (RuntimeException ex) {
			throw translated(ex);
		}
	}

	/**
	 * The job that deleted the key's material before its own import, after this job's
	 * material was imported, and has not imported since (its import was refused or is
	 * still to come), if any.
	 */
	Optional<ImportJobId> keyEmptiedByOtherJob(ImportJob job) {
		try {
			return this.entityManager
				.createQuery("select o.id from ImportJob o where o.kmsKeyArn = :key and o.id <> :id "
						+ "and o.emptiedKeyAt >= :since order by o.emptiedKeyAt desc", UUID.class)
				.setParameter("key", job.kmsKeyArn())
				.setParameter("id", job.id().value())
				.setParameter("since", job.importedAt())
				.setMaxResults(1)
				.getResultList()
				.stream()
				.findFirst()
				.map(ImportJobId::new);
		}
		catch (RuntimeException ex) {
			throw translated(ex);
		}
	}

	/**
	 * As a repository would: a version conflict becomes Spring's
	 * OptimisticLockingFailureException, a lost connection a DataAccessException, which
	 * callers and the error handler know.
	 */
	private static RuntimeException translated(RuntimeException ex) {
		DataAccessException translated = EntityManagerFactoryUtils.convertJpaAccessExceptionIfPossible(ex);
		return translated != null ? translated : ex;
	}

	private static ImportJobException notFound(ImportJobId id) {
		return new ImportJobException(JOB_NOT_FOUND, Kind.NOT_FOUND, id, null, "There is no import job " + id + ".");
	}

}
