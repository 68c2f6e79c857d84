package io.keyport.importjob;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.keyport.custody.Custodians;
import io.keyport.custody.CustodyReference;
import io.keyport.importjob.LifecycleClaims.Due;
import io.keyport.importjob.LifecycleClaims.DueWork;
import io.keyport.importjob.LifecycleClaims.JobClaim;
import io.keyport.support.DescribedFailure;

/**
 * Material kept for a job that ended (cancelled, failed, or superseded by a later import
 * into its key) is destroyed by its custodian: no job can import it again, and custody
 * must not outlive its purpose. A lifecycle arm claimed like the others, so one instance
 * works on a job at a time; destroying is idempotent at every custodian, so a crash
 * between the destroy and the record only repeats the destroy. A custodian's failure is
 * backed off and counted; the job keeps its reference (and retention keeps the job) until
 * the destroy succeeds.
 */
@Component
class CustodyReleases {

	private static final Logger log = LoggerFactory.getLogger(CustodyReleases.class);

	private static final String ACTOR = "system:custody-release";

	private final Custodians custodians;

	private final LifecycleClaims claims;

	private final ImportJobStore store;

	private final MeterRegistry registry;

	private final Clock clock;

	private final TransactionTemplate tx;

	CustodyReleases(Custodians custodians, LifecycleClaims claims, ImportJobStore store, MeterRegistry registry,
			Clock clock, PlatformTransactionManager transactionManager) {
		this.custodians = custodians;
		this.claims = claims;
		this.store = store;
		this.registry = registry;
		this.clock = clock;
		this.tx = new TransactionTemplate(transactionManager);
	}

	/**
	 * Ended jobs still holding custody material (import_job_custody_release_due, V16).
	 */
	static DueWork releaseDue(Instant now) {
		return new DueWork("updated_at",
				List.of(new Due("state in ('SUPERSEDED', 'FAILED', 'CANCELLED') and custody_id is not null",
						"greatest(updated_at, work_not_before)", Timestamp.from(now))));
	}

	/** Destroys the material of the due jobs; the number of jobs worked on. */
	int releaseEndedJobs() {
		if (this.custodians.names().isEmpty()) {
			// no custodian configured: no job can hold custody material
			return 0;
		}
		List<JobClaim> claimed = this.claims.claim(releaseDue(this.clock.instant()), this.clock.instant());
		for (JobClaim claim : claimed) {
			this.claims.work(claim, this::releaseOne);
		}
		return claimed.size();
	}

	private void releaseOne(JobClaim claim) {
		ImportJob job = this.tx.execute(status -> this.store.load(new ImportJobId(claim.id())));
		CustodyReference reference = job.custodyReference();
		if (reference == null || !job.state().isTerminal()) {
			this.claims.update(claim, j -> j.releaseLease());
			return;
		}
		Instant now = this.clock.instant();
		try {
			this.custodians.of(reference).destroy(reference);
		}
		catch (RuntimeException ex) {
			String code = (ex instanceof DescribedFailure described) ? described.code() : "custody-release-failed";
			count(reference.custodian(), "failed");
			log.warn("Import job {}: custodian {} could not destroy the material of the ended job ({}): {}", job.id(),
					reference.custodian(), code, ex.getMessage());
			this.claims.update(claim,
					j -> j.deferCustodyRelease(code,
							"custodian " + reference.custodian() + " could not destroy the material kept for this "
									+ "ended job: " + ex.getMessage() + "; tried again after a backoff",
							ACTOR, now, now.plus(this.claims.backoff(claim))));
			return;
		}
		count(reference.custodian(), "destroyed");
		log.info("Import job {}: custodian {} destroyed the material kept for the job, which ended {}", job.id(),
				reference.custodian(), job.state());
		this.claims.update(claim, j -> j.releaseCustody(
				"custody material destroyed by custodian " + reference.custodian() + ": the job ended " + j.state(),
				ACTOR, this.clock.instant()));
	}

	private void count(String custodian, String outcome) {
		Counter.builder("keyport.custody.releases")
			.description("Custody material of ended jobs destroyed by its custodian, by outcome")
			.tag("custodian", custodian)
			.tag("outcome", outcome)
			.register(this.registry)
			.increment();
	}

}
