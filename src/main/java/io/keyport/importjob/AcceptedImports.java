package io.keyport.importjob;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.transaction.support.TransactionTemplate;

import io.keyport.kms.ImportResult;

/**
 * Records an import KMS accepted. The key holds the material whatever happened to the job
 * while the call ran, so the job is reloaded as it is now (not at the version of the
 * claim) and a concurrent write is retried, not reported.
 */
final class AcceptedImports {

	private static final Logger log = LoggerFactory.getLogger(AcceptedImports.class);

	/**
	 * Optimistic-lock conflicts tolerated before giving up (the lifecycle's
	 * reconciliation then records it).
	 */
	private static final int ATTEMPTS = 5;

	private final ImportJobStore store;

	private final TransactionTemplate tx;

	private final Clock clock;

	private final Duration driftCheckInterval;

	AcceptedImports(ImportJobStore store, TransactionTemplate tx, Clock clock, Duration driftCheckInterval) {
		this.store = store;
		this.tx = tx;
		this.clock = clock;
		this.driftCheckInterval = driftCheckInterval;
	}

	ImportJobView record(ImportJobId id, ImportResult result, String actor) {
		return record(id, result, actor, null);
	}

	/**
	 * As {@link #record(ImportJobId, ImportResult, String)}, with a note of how the
	 * acceptance was learned put into the job's history first ({@code null}: none).
	 */
	ImportJobView record(ImportJobId id, ImportResult result, String actor, String note) {
		for (int attempt = 1;; attempt++) {
			try {
				return this.tx.execute(status -> {
					ImportJob job = this.store.load(id);
					Instant now = this.clock.instant();
					if (note != null) {
						job.recordNote(note, null, actor, now);
					}
					if (!job.recordAcceptedImport(result, actor, now, now.plus(this.driftCheckInterval))) {
						log.error("Import job {}: KMS accepted the import after the job became {}", id, job.state());
					}
					return this.store.save(job).toView();
				});
			}
			catch (OptimisticLockingFailureException ex) {
				if (attempt >= ATTEMPTS) {
					throw ex;
				}
				log.info("Import job {}: changed while its accepted import was recorded; attempt {} of {}", id,
						attempt + 1, ATTEMPTS);
			}
		}
	}

}
