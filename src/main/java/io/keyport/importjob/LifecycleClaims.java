package io.keyport.importjob;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.keyport.audit.AuditLog;
import io.keyport.kms.KmsTargets;
import io.keyport.support.DescribedFailure;
import io.keyport.support.InternalDetails;
import io.keyport.support.Sentences;
import io.keyport.wrapping.WrappingException;

/**
 * How the lifecycle holds jobs: claims a batch of due jobs in a short transaction
 * ({@code FOR UPDATE SKIP LOCKED} plus a lease), renews the lease right before each job's
 * work, applies an outcome only at the version of the claim, and records whatever goes
 * wrong with one job on that job, backed off, so the run goes on with the others.
 */
@Component
class LifecycleClaims {

	private static final Logger log = LoggerFactory.getLogger(LifecycleClaims.class);

	private final ImportJobStore store;

	private final LifecycleProperties properties;

	private final ImportJobProperties jobProperties;

	private final JdbcTemplate jdbc;

	private final Clock clock;

	private final TransactionTemplate tx;

	private final KmsTargets targets;

	private final AuditLog auditLog;

	LifecycleClaims(ImportJobStore store, LifecycleProperties properties, ImportJobProperties jobProperties,
			JdbcTemplate jdbc, Clock clock, PlatformTransactionManager transactionManager, KmsTargets targets,
			AuditLog auditLog) {
		this.targets = targets;
		this.auditLog = auditLog;
		this.store = store;
		this.properties = properties;
		this.jobProperties = jobProperties;
		this.jdbc = jdbc;
		this.clock = clock;
		this.tx = new TransactionTemplate(transactionManager);
	}

	/**
	 * A job held by this instance, at the version the claim wrote, with its failures of
	 * work in a row and its tenant (named on the audit entries of its KMS calls).
	 */
	record JobClaim(UUID id, long version, int workFailures, String tenant) {
	}

	/**
	 * Works one claimed job: renews its lease first (skipped when the lease was lost
	 * meanwhile), and records any failure on the job, backed off, so the run goes on with
	 * the other jobs.
	 */
	void work(JobClaim claim, Consumer<JobClaim> work) {
		try (MDC.MDCCloseable ignored = MDC.putCloseable(AuditLog.MDC_JOB_ID, claim.id().toString());
				MDC.MDCCloseable tenant = MDC.putCloseable(AuditLog.MDC_JOB_TENANT,
						claim.tenant() != null ? claim.tenant() : "")) {
			if (!renewLease(claim)) {
				log.info("Import job {}: lease lost before its turn (taken over or changed); skipped", claim.id());
				return;
			}
			// the audit entries of the job's KMS calls go in with the change that records
			// their outcome
			this.auditLog.inScope(() -> work.accept(claim));
		}
		catch (RuntimeException ex) {
			recordWorkFailure(claim, ex);
		}
	}

	/**
	 * Extends this instance's lease on the job, without changing its version; false if it
	 * is no longer held.
	 */
	private boolean renewLease(JobClaim claim) {
		return extendLease(claim.id(), claim.version());
	}

	/**
	 * Extends this instance's lease on the job at the version this turn holds, before
	 * another KMS call of the same turn: a turn of several calls (a custody renewal with
	 * replicas, a replica turn) would otherwise outlast a lease checked against one call
	 * ({@link LeaseSettings}), and another instance would take the job over mid-turn.
	 * @return false when the lease is no longer held (taken over, or the job changed):
	 * the turn stops
	 */
	boolean extendLease(UUID id, long version) {
		Instant until = this.clock.instant().plus(this.properties.leaseDuration());
		return this.jdbc.update(
				"update import_job set lease_until = ? where id = ? and lease_owner = ? and version = ?",
				Timestamp.from(until), id, this.properties.instanceId(), version) == 1;
	}

	/**
	 * Marks a retry's import as sent before it is, with the lease extended for it, at the
	 * version this turn holds: an earlier attempt still marked so never had its answer
	 * recorded (its instance died), so its outcome is unknown from now on.
	 * @return false when the lease is no longer held: the turn stops
	 */
	boolean beginImportAttempt(UUID id, long version) {
		Instant until = this.clock.instant().plus(this.properties.leaseDuration());
		return this.jdbc.update("""
				update import_job set import_outcome_unknown = import_outcome_unknown or import_in_flight,
				  import_in_flight = true, lease_until = ?
				where id = ? and lease_owner = ? and version = ?""", Timestamp.from(until), id,
				this.properties.instanceId(), version) == 1;
	}

	/**
	 * Marks a replica's import as sent before it is, with the job's lease extended for it
	 * at the version this turn holds, as {@link #beginImportAttempt} does for the
	 * primary's: an earlier attempt still marked so never had its answer recorded.
	 * @return false when the lease is no longer held: the turn stops
	 */
	boolean beginReplicaImport(UUID id, long version, String target) {
		Instant until = this.clock.instant().plus(this.properties.leaseDuration());
		return this.jdbc.update("""
				with held as (
				    update import_job set lease_until = ? where id = ? and lease_owner = ? and version = ?
				    returning id)
				update import_job_replica set import_outcome_unknown = import_outcome_unknown or import_in_flight,
				  import_in_flight = true
				where job_id in (select id from held) and kms_target = ?""", Timestamp.from(until), id,
				this.properties.instanceId(), version, target) == 1;
	}

	/**
	 * An import marked as sent was not sent after all (the turn stopped before it): a
	 * later claim must not take its outcome for unknown. Only at the version the turn
	 * holds, if nobody changed the job since.
	 */
	void importNotSent(UUID id, long version) {
		this.jdbc.update("update import_job set import_in_flight = false where id = ? and version = ?", id, version);
	}

	/**
	 * The wait before the job is worked on again after failures in a row: exponential
	 * with jitter, capped.
	 */
	Duration backoff(JobClaim claim) {
		return this.jobProperties.retryDelay(claim.workFailures() + 1, ThreadLocalRandom.current());
	}

	/**
	 * Records an unexpected failure on the job in a short update of its own (the job may
	 * not even load), releases the lease and backs the job off. Never throws.
	 */
	private void recordWorkFailure(JobClaim claim, RuntimeException failure) {
		String code = switch (failure) {
			case ImportJobException ex -> ex.code();
			case WrappingException ex -> ex.reason().code();
			case OptimisticLockingFailureException ex -> ImportJobStore.CONCURRENT_MODIFICATION;
			default -> "lifecycle-work-failed";
		};
		Instant now = this.clock.instant();
		log.warn("Import job {}: background work failed ({}): {}; backed off", claim.id(),
				failure.getClass().getSimpleName(), failure.getMessage(), failure);
		// the job's tenant reads this: Keyport's own words (a DescribedFailure's), not an
		// internal exception's, which the log keeps
		String message = "background work failed: "
				+ ((failure instanceof DescribedFailure described) ? InternalDetails.redacted(failure.getMessage())
						: "an internal error in Keyport (details in its log at " + Sentences.time(now) + ")")
				+ "; retried after a backoff";
		try {
			this.jdbc.update("""
					update import_job set last_error_code = ?, last_error_message = ?,
					    work_failures = work_failures + 1, work_not_before = ?, lease_owner = null, lease_until = null,
					    version = version + 1, updated_at = ?
					where id = ? and lease_owner = ?""", code,
					message.length() <= 1000 ? message : message.substring(0, 1000),
					Timestamp.from(now.plus(backoff(claim))), Timestamp.from(now), claim.id(),
					this.properties.instanceId());
		}
		catch (RuntimeException ex) {
			log.error("Import job {}: could not record the failure ({}); its lease lapses", claim.id(), ex.toString());
		}
	}

	// --- claims
	// --------------------------------------------------------------------------------------------------

	/**
	 * Jobs in one state that are due: a condition on the state (matching a partial index)
	 * and a due time, the index's key, that must not be later than {@code dueBy}. Jobs
	 * backed off after failures are due at their {@code work_not_before} at the earliest,
	 * so the due time includes it: the index then yields only jobs that can be claimed
	 * now (or soon), never every job ever backed off.
	 *
	 * @param condition SQL on import_job, with {@code ?} for the parameters
	 * @param dueAt the due time as the index has it
	 * @param dueBy claim jobs due at or before this
	 */
	record Due(String condition, String dueAt, Timestamp dueBy, Object... parameters) {
	}

	/**
	 * A kind of work: jobs due in any of the arms, worked most urgent first by
	 * {@code order} (one or more columns, most significant first).
	 */
	record DueWork(String order, List<Due> arms) {
	}

	/** A claim statement and its arguments, in the order of the placeholders. */
	record ClaimQuery(String sql, Object[] arguments) {
	}

	/**
	 * Claims up to a batch of due jobs that nobody else holds: one short transaction,
	 * rows locked with SKIP LOCKED so concurrent instances claim disjoint sets, the lease
	 * written and the version bumped.
	 */
	List<JobClaim> claim(DueWork work, Instant now) {
		return claim(work, now, this.targets.names(), this.properties.batchSize());
	}

	/**
	 * Claims up to {@code limit} due jobs of the given targets (of those this instance
	 * can reach).
	 */
	List<JobClaim> claim(DueWork work, Instant now, Collection<String> targetNames, int limit) {
		// only jobs of targets this instance can reach: during a rollout that adds a
		// target, replicas without it leave its jobs to those that have it
		List<String> targets = targetNames.stream().filter(this.targets::contains).toList();
		if (targets.isEmpty() || limit <= 0) {
			return List.of();
		}
		ClaimQuery query = claimQuery(work, now, this.properties.instanceId(),
				now.plus(this.properties.leaseDuration()), targets, limit);
		return this.tx
			.execute(
					status -> this.jdbc.query(
							query.sql(), (rs, row) -> new JobClaim(rs.getObject("id", UUID.class),
									rs.getLong("version"), rs.getInt("work_failures"), rs.getString("tenant")),
							query.arguments()));
	}

	/**
	 * The claim of up to {@code batchSize} jobs due for the work: per target and arm, the
	 * most urgent batch by the arm's due time, read in the order of its index and locked
	 * (so each reads O(batch) rows whatever the table holds), then the most urgent batch
	 * of those by the work's order. Jobs backed off after failures wait their turn
	 * instead of heading every batch; RETURNING has no order of its own, so the claims
	 * are sorted again by the same key to be worked most urgent first. The locked rows
	 * are materialized once: a subquery with LIMIT and SKIP LOCKED that the planner ran
	 * again could lock and claim another set of rows.
	 */
	static ClaimQuery claimQuery(DueWork work, Instant now, String instanceId, Instant leaseUntil,
			Collection<String> targets, int batchSize) {
		List<Object> arguments = new ArrayList<>();
		List<String> arms = new ArrayList<>();
		for (String target : targets) {
			for (Due due : work.arms()) {
				arms.add(
						"""
								select * from (select id, (%s) as claim_order from import_job
								    where kms_target = ? and %s and %s <= ?
								      and (lease_until is null or lease_until < ?) and (work_not_before is null or work_not_before <= ?)
								    order by %s limit ? for update skip locked) arm"""
							.formatted(work.order(), due.condition(), due.dueAt(), due.dueAt()));
				arguments.add(target);
				arguments.addAll(Arrays.asList(due.parameters()));
				arguments.add(due.dueBy());
				arguments.add(Timestamp.from(now));
				arguments.add(Timestamp.from(now));
				arguments.add(batchSize);
			}
		}
		if (arms.isEmpty()) {
			// no target configured: nothing can be claimed
			arms.add("select id, (%s) as claim_order from import_job where false".formatted(work.order()));
		}
		arguments.add(instanceId);
		arguments.add(Timestamp.from(leaseUntil));
		arguments.add(batchSize);
		String sql = """
				with due as materialized (
				%s),
				claimed as (
				    update import_job set lease_owner = ?, lease_until = ?, version = version + 1
				    where id in (select id from due order by claim_order, id limit ?)
				    returning id, version, work_failures, tenant, (%s) as claim_order)
				select id, version, work_failures, tenant from claimed order by claim_order, id"""
			.formatted(String.join("\nunion all\n", arms), work.order());
		return new ClaimQuery(sql, arguments.toArray());
	}

	/**
	 * The claims of several targets in turn (the first of each, then the second of each,
	 * ...), each target's own order kept.
	 */
	static <T> List<T> inTurn(List<List<T>> perTarget) {
		List<T> inTurn = new ArrayList<>();
		for (int i = 0; inTurn.size() < perTarget.stream().mapToInt(List::size).sum(); i++) {
			for (List<T> claims : perTarget) {
				if (i < claims.size()) {
					inTurn.add(claims.get(i));
				}
			}
		}
		return inTurn;
	}

	/**
	 * Applies an outcome to a claimed job, unless someone changed it since the claim;
	 * whether it was applied.
	 */
	boolean update(JobClaim claim, Consumer<ImportJob> change) {
		try {
			this.tx.executeWithoutResult(status -> {
				ImportJob job = this.store.loadAtVersion(new ImportJobId(claim.id()), claim.version());
				change.accept(job);
				this.store.save(job);
			});
			return true;
		}
		catch (ImportJobException ex) {
			if (!ImportJobStore.CONCURRENT_MODIFICATION.equals(ex.code())) {
				throw ex;
			}
			log.info("Import job {} changed while it was worked on ({}); outcome discarded", claim.id(), ex.code());
			return false;
		}
	}

}
