package io.keyport.audit;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

import io.keyport.kms.KmsCallListener;
import io.keyport.security.Caller;

/**
 * The append-only audit trail: who (subject, client, tenant), what (operation, job, KMS
 * key), when, from where (remote address, request id) and the outcome, for every
 * state-changing API call and every KMS call, scheduler calls included. It never records
 * material or import tokens.
 * <p>
 * Within a scope (an API request, one job's turn in the scheduler) entries wait on the
 * thread and go into the next transaction that commits a change, so the entry of a KMS
 * call is written atomically with the job change that records the call's outcome, and the
 * rest (the request's own entry, a call whose outcome changed nothing) in one statement
 * as the scope ends. A rolled-back change leaves its entries pending, so it is still
 * recorded as attempted. Outside a scope an entry is written at once.
 */
@Service
public class AuditLog implements KmsCallListener {

	/** Logging context keys the entries pick up. */
	public static final String MDC_JOB_ID = "jobId";

	/**
	 * The tenant of the job the scheduler works on: its KMS calls are on that tenant's
	 * keys, and a search of the trail by tenant finds them.
	 */
	public static final String MDC_JOB_TENANT = "jobTenant";

	public static final String MDC_REMOTE_ADDR = "remoteAddr";

	public static final String MDC_REQUEST_ID = "requestId";

	/** The KMS target a request named, for the request's own entry. */
	public static final String MDC_KMS_TARGET = "kmsTarget";

	private static final Logger log = LoggerFactory.getLogger(AuditLog.class);

	/** The entries of the scope open on this thread, or {@code null} outside one. */
	private static final ThreadLocal<List<Entry>> PENDING = new ThreadLocal<>();

	/**
	 * The API request of the scope open on this thread, when its operation has an outcome
	 * on success ({@link AuditOperations#successOutcome}), or {@code null}.
	 */
	private static final ThreadLocal<RequestEntry> REQUEST = new ThreadLocal<>();

	private final JdbcTemplate jdbc;

	private final Clock clock;

	AuditLog(JdbcTemplate jdbc, Clock clock) {
		this.jdbc = jdbc;
		this.clock = clock;
	}

	/** One entry. */
	public record AuditEntry(long id, Instant occurredAt, String tenant, String subject, String clientId,
			String operation, String jobId, String kmsKeyArn, String remoteAddr, String requestId, String outcome,
			String detail, String kmsTarget) {
	}

	public void record(Caller caller, String operation, String jobId, String kmsKeyArn, String outcome, String detail) {
		record(caller, operation, jobId, kmsKeyArn, MDC.get(MDC_KMS_TARGET), outcome, detail);
	}

	/**
	 * One entry with the KMS target it concerns (a KMS call's, or the one a request
	 * named).
	 */
	public void record(Caller caller, String operation, String jobId, String kmsKeyArn, String kmsTarget,
			String outcome, String detail) {
		Entry entry = entry(caller, operation, jobId, kmsKeyArn, kmsTarget, outcome, detail);
		List<Entry> pending = PENDING.get();
		if (pending != null) {
			pending.add(entry);
			return;
		}
		write(List.of(entry), "autocommit");
	}

	private Entry entry(Caller caller, String operation, String jobId, String kmsKeyArn, String kmsTarget,
			String outcome, String detail) {
		return new Entry(Timestamp.from(this.clock.instant()), cut(caller.tenant(), 128),
				cut(caller.subject() != null ? caller.subject() : "unknown", 256), cut(caller.clientId(), 256),
				cut(operation, 128), uuidOrNull(jobId), cut(kmsKeyArn, 2048), cut(MDC.get(MDC_REMOTE_ADDR), 64),
				cut(MDC.get(MDC_REQUEST_ID), 128), cut(outcome, 64), cut(detail, 1000), cut(kmsTarget, 63));
	}

	/**
	 * Runs work whose entries are written together: with the next change a transaction of
	 * this thread commits (the entry of a KMS call goes into the transaction that records
	 * its outcome), and whatever is left when the work ends, in one statement. Scopes do
	 * not nest: an inner one joins the outer.
	 */
	public void inScope(Runnable work) {
		if (PENDING.get() != null) {
			work.run();
			return;
		}
		PENDING.set(new ArrayList<>());
		try {
			work.run();
		}
		finally {
			closeScope();
		}
	}

	/** Opens a scope on this thread (an API request's); {@link #closeScope()} ends it. */
	public void openScope() {
		if (PENDING.get() == null) {
			PENDING.set(new ArrayList<>());
		}
	}

	/**
	 * The request of this thread's scope, as its entry will read if it succeeds: written
	 * with the request's last change when a service {@link #settleRequestWithNextChange
	 * settles} it there, else when the request ends (by the caller, with its outcome).
	 */
	void expectRequest(Caller caller, String operation, String jobId, String kmsKeyArn, String successOutcome,
			String detail) {
		if (PENDING.get() != null) {
			REQUEST.set(new RequestEntry(caller, operation, jobId, kmsKeyArn, successOutcome, detail));
		}
	}

	/**
	 * The request's own entry goes into the next transaction of this thread that commits
	 * a change, with the outcome its operation answers on success: one commit per request
	 * fewer, and the entry is atomic with the change it records. Call it right before the
	 * request's last change, where nothing that could still fail the request follows (and
	 * before that change's transaction begins). Should the request fail after all, the
	 * caller records the outcome it got beside it; should that change roll back, the
	 * request is recorded when it ends, as without this call. Does nothing outside an API
	 * request whose operation has an outcome on success.
	 */
	public static void settleRequestWithNextChange() {
		RequestEntry request = REQUEST.get();
		if (request != null && request.successOutcome != null && request.settledOutcome == null) {
			request.settleNext = true;
		}
	}

	/**
	 * What this thread's API request is about when its path does not say (a job's
	 * creation): its entry, and those of the KMS calls it makes from now on, name the job
	 * and the key. Does nothing outside an API request.
	 */
	public static void requestConcerns(String jobId, String kmsKeyArn) {
		RequestEntry request = REQUEST.get();
		if (request == null) {
			return;
		}
		if (request.jobId == null && jobId != null) {
			request.jobId = jobId;
			MDC.put(MDC_JOB_ID, jobId);
		}
		if (request.kmsKeyArn == null) {
			request.kmsKeyArn = kmsKeyArn;
		}
	}

	/**
	 * What the request's entry should say beyond its method and path (the tenant an owner
	 * assignment gives the key to); no secret, no caller-chosen text unchecked. Does
	 * nothing outside an API request.
	 */
	public static void noteOnRequest(String note) {
		RequestEntry request = REQUEST.get();
		if (request != null) {
			request.note = note;
		}
	}

	/** The request's detail with its note, if any. */
	String withRequestNote(String detail) {
		RequestEntry request = REQUEST.get();
		return request != null && request.note != null ? detail + " (" + request.note + ")" : detail;
	}

	/** The key the request is about, as {@link #requestConcerns} named it, if any. */
	String requestKeyArn() {
		RequestEntry request = REQUEST.get();
		return request != null ? request.kmsKeyArn : null;
	}

	/** Whether the request's entry waits for the next change to commit. */
	boolean settlesWithNextChange() {
		RequestEntry request = REQUEST.get();
		return request != null && request.settleNext;
	}

	/**
	 * The request's entry for the transaction about to commit, or {@code null} when it
	 * does not settle the request; called from {@link AuditTransactions}.
	 */
	Entry settlingEntry() {
		RequestEntry request = REQUEST.get();
		if (request == null || !request.settleNext) {
			return null;
		}
		return entry(request.caller, request.operation, request.jobId, request.kmsKeyArn, MDC.get(MDC_KMS_TARGET),
				request.successOutcome, withRequestNote(request.detail));
	}

	/**
	 * A transaction that could settle the request ended: committed with its entry, the
	 * request is on the record with its success outcome; otherwise it is recorded when it
	 * ends.
	 */
	void settlingEnded(boolean committedWithEntry) {
		RequestEntry request = REQUEST.get();
		if (request != null && request.settleNext) {
			request.settleNext = false;
			if (committedWithEntry) {
				request.settledOutcome = request.successOutcome;
			}
		}
	}

	/**
	 * The outcome the request's entry was committed with by its last change, or
	 * {@code null} when it was not: then the caller records it as it ends.
	 */
	String settledOutcome() {
		RequestEntry request = REQUEST.get();
		return request != null ? request.settledOutcome : null;
	}

	/** Writes what the scope still holds and ends it. */
	public void closeScope() {
		List<Entry> pending = PENDING.get();
		PENDING.remove();
		REQUEST.remove();
		if (pending != null && !pending.isEmpty()) {
			write(pending, "autocommit");
		}
	}

	/**
	 * The entries waiting on this thread, written in the transaction about to commit;
	 * called from {@link AuditTransactions}. They stay pending until it commits, so a
	 * rollback still leaves them to be written (a change attempted is on the record).
	 */
	boolean hasPending() {
		List<Entry> pending = PENDING.get();
		return pending != null && !pending.isEmpty();
	}

	List<Entry> pendingEntries() {
		List<Entry> pending = PENDING.get();
		return pending == null ? List.of() : List.copyOf(pending);
	}

	void writeInTransaction(List<Entry> entries) {
		insert(entries);
	}

	void written(List<Entry> entries) {
		List<Entry> pending = PENDING.get();
		if (pending != null) {
			// identity, not equality: two equal entries are two calls
			pending.removeIf(e -> entries.stream().anyMatch(w -> w == e));
		}
	}

	private void write(List<Entry> entries, String how) {
		try {
			insert(entries);
		}
		catch (RuntimeException ex) {
			// losing an audit entry must be visible to operators, but must not undo what
			// already happened at KMS
			log.error("{} audit entries ({}, {}) could not be written ({})", entries.size(),
					entries.getFirst().operation(), entries.getFirst().outcome(), how, ex);
		}
	}

	private void insert(List<Entry> entries) {
		// every identifier comes from a token, a request or KMS: cut to its column so the
		// row is always written
		this.jdbc.batchUpdate("""
				insert into audit_event (occurred_at, tenant, subject, client_id, operation, job_id, kms_key_arn,
				    remote_addr, request_id, outcome, detail, kms_target)
				values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", entries, entries.size(), (ps, e) -> {
			ps.setTimestamp(1, e.occurredAt());
			ps.setString(2, e.tenant());
			ps.setString(3, e.subject());
			ps.setString(4, e.clientId());
			ps.setString(5, e.operation());
			ps.setObject(6, e.jobId());
			ps.setString(7, e.kmsKeyArn());
			ps.setString(8, e.remoteAddr());
			ps.setString(9, e.requestId());
			ps.setString(10, e.outcome());
			ps.setString(11, e.detail());
			ps.setString(12, e.kmsTarget());
		});
	}

	/** The entry a request will have if it succeeds, and whether a change settled it. */
	private static final class RequestEntry {

		private final Caller caller;

		private final String operation;

		private String jobId;

		private String kmsKeyArn;

		private String note;

		private final String successOutcome;

		private final String detail;

		private boolean settleNext;

		private String settledOutcome;

		RequestEntry(Caller caller, String operation, String jobId, String kmsKeyArn, String successOutcome,
				String detail) {
			this.caller = caller;
			this.operation = operation;
			this.jobId = jobId;
			this.kmsKeyArn = kmsKeyArn;
			this.successOutcome = successOutcome;
			this.detail = detail;
		}

	}

	/** An entry not written yet. */
	record Entry(Timestamp occurredAt, String tenant, String subject, String clientId, String operation, UUID jobId,
			String kmsKeyArn, String remoteAddr, String requestId, String outcome, String detail, String kmsTarget) {
	}

	@Override
	public void onCall(KmsCall call) {
		record(currentOrSystem(), "kms:" + call.operation(), MDC.get(MDC_JOB_ID), call.keyId(), call.target(),
				call.outcome(), null);
	}

	/**
	 * Entries newest first, filtered by any of key (id or ARN, as recorded), tenant and
	 * time range.
	 */
	public List<AuditEntry> find(String kmsKey, String tenant, Instant from, Instant to, int page, int size) {
		StringBuilder sql = new StringBuilder("select * from audit_event where true");
		List<Object> args = new ArrayList<>();
		if (kmsKey != null) {
			// AWS ARNs end in key/<id>, Huawei resource names in KeyId:<id>
			// the id is matched as written: '%' and '_' in it are no wildcards
			sql.append(" and (kms_key_arn = ? or kms_key_arn like ? escape '\\' or kms_key_arn like ? escape '\\')");
			String literal = kmsKey.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
			args.add(kmsKey);
			args.add("%/" + literal);
			args.add("%:" + literal);
		}
		if (tenant != null) {
			sql.append(" and tenant = ?");
			args.add(tenant);
		}
		if (from != null) {
			sql.append(" and occurred_at >= ?");
			args.add(Timestamp.from(from));
		}
		if (to != null) {
			sql.append(" and occurred_at < ?");
			args.add(Timestamp.from(to));
		}
		sql.append(" order by occurred_at desc, id desc limit ? offset ?");
		args.add(size);
		args.add((long) page * size);
		return this.jdbc.query(sql.toString(),
				(rs, row) -> new AuditEntry(rs.getLong("id"), rs.getTimestamp("occurred_at").toInstant(),
						rs.getString("tenant"), rs.getString("subject"), rs.getString("client_id"),
						rs.getString("operation"),
						rs.getObject("job_id") != null ? rs.getObject("job_id").toString() : null,
						rs.getString("kms_key_arn"), rs.getString("remote_addr"), rs.getString("request_id"),
						rs.getString("outcome"), rs.getString("detail"), rs.getString("kms_target")),
				args.toArray());
	}

	private static Caller currentOrSystem() {
		try {
			return Caller.current();
		}
		catch (IllegalStateException ex) {
			Caller lifecycle = Caller.internal("lifecycle");
			String tenant = MDC.get(MDC_JOB_TENANT);
			return tenant == null || tenant.isEmpty() ? lifecycle
					: new Caller(lifecycle.subject(), lifecycle.clientId(), tenant, lifecycle.scopes(), true);
		}
	}

	private static UUID uuidOrNull(String id) {
		try {
			return id != null ? UUID.fromString(id) : null;
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	/**
	 * At most {@code length} characters, without NUL (PostgreSQL text cannot hold it, and
	 * one such value would fail the whole batch of audit rows).
	 */
	private static String cut(String value, int length) {
		if (value == null) {
			return null;
		}
		String text = value.indexOf('\u0000') < 0 ? value : value.replace('\u0000', '\uFFFD');
		return text.length() <= length ? text : text.substring(0, length);
	}

}
