package io.keyport.idempotency;

import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DataAccessException;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

import io.keyport.audit.AuditLog;
import io.keyport.web.ApiException;

/**
 * The {@code Idempotency-Key} request header (IETF httpapi draft), scoped to the caller's
 * tenant: the same key with the same payload replays the first answer, the same key with
 * another payload is a 422, a request still in flight is a 409. A failed request leaves
 * no record, so it may be retried with the same key. Records expire after a day. Each
 * in-flight record carries its request's owner token: a request whose record was taken
 * over after it was abandoned neither completes nor deletes the record of the request
 * that took it over.
 */
@Service
public class IdempotentRequests {

	public static final String HEADER = "Idempotency-Key";

	private static final Logger log = LoggerFactory.getLogger(IdempotentRequests.class);

	static final Duration RETENTION = Duration.ofHours(24);

	/**
	 * An in-flight record older than this belongs to a request whose instance died; it
	 * may be taken over.
	 */
	static final Duration ABANDONED_AFTER = Duration.ofMinutes(5);

	private static final Pattern SANE = Pattern.compile("[\\x21-\\x7E]{1,255}");

	private final JdbcTemplate jdbc;

	private final JsonMapper json;

	private final Clock clock;

	IdempotentRequests(JdbcTemplate jdbc, JsonMapper json, Clock clock) {
		this.jdbc = jdbc;
		this.json = json;
		this.clock = clock;
	}

	/**
	 * Runs the action once per (tenant, key). The answer of a completed first request is
	 * replayed as it was.
	 * @param request the normalized command (ids trimmed, defaults applied), so that a
	 * retry differing only in whitespace or in spelled-out defaults is still a replay; it
	 * is hashed, never stored
	 */
	public ResponseEntity<?> run(String tenant, String key, String operation, Object request,
			Supplier<ResponseEntity<?>> action) {
		if (!SANE.matcher(key).matches()) {
			throw new ApiException(HttpStatus.BAD_REQUEST, "invalid-idempotency-key",
					"Idempotency-Key must be 1 to 255 visible ASCII characters.");
		}
		byte[] hash = sha256(this.json.writeValueAsBytes(request));
		Instant now = this.clock.instant();
		this.jdbc.update(
				"delete from idempotency_key where tenant = ? and idempotency_key = ? and (expires_at < ? "
						+ "or (state = 'IN_FLIGHT' and created_at < ?))",
				tenant, key, Timestamp.from(now), Timestamp.from(now.minus(ABANDONED_AFTER)));
		String owner = UUID.randomUUID().toString();
		int inserted = this.jdbc.update("""
				insert into idempotency_key (tenant, idempotency_key, operation, request_hash, state, created_at,
				    expires_at, owner_token) values (?, ?, ?, ?, 'IN_FLIGHT', ?, ?, ?)
				on conflict (tenant, idempotency_key) do nothing""", tenant, key, operation, hash, Timestamp.from(now),
				Timestamp.from(now.plus(RETENTION)), owner);
		if (inserted == 0) {
			return replay(tenant, key, operation, hash);
		}
		ResponseEntity<?> response;
		try {
			response = action.get();
		}
		catch (RuntimeException ex) {
			// no answer to remember: the caller may retry with the same key
			forget(tenant, key, owner);
			throw ex;
		}
		URI location = response.getHeaders().getLocation();
		int completed;
		try {
			completed = this.jdbc.update("""
					update idempotency_key set state = 'COMPLETED', response_status = ?, response_location = ?,
					    response_body = ? where tenant = ? and idempotency_key = ? and state = 'IN_FLIGHT'
					    and owner_token = ?""", response.getStatusCode().value(),
					location != null ? location.toString() : null, this.json.writeValueAsString(response.getBody()),
					tenant, key, owner);
		}
		catch (DataAccessException ex) {
			// the action's change is committed: answering 503 ("nothing was committed")
			// would have the caller retry and, once the record counts as abandoned, make
			// the change a second time. The caller gets the answer; the record stays in
			// flight (a retry meanwhile is told so) until it is abandoned
			log.error("Idempotency-Key record of {} could not be completed after the request's change was made; "
					+ "the answer is given but not remembered", operation, ex);
			return response;
		}
		if (completed == 0) {
			// another request took the record over while this one ran: its answer is the
			// one to replay
			log.warn("Idempotency-Key record of {} was taken over while the request ran; its answer is not "
					+ "remembered", operation);
		}
		return response;
	}

	/** Drops records past their retention. */
	public int purgeExpired() {
		return this.jdbc.update("delete from idempotency_key where expires_at < ?",
				Timestamp.from(this.clock.instant()));
	}

	private ResponseEntity<?> replay(String tenant, String key, String operation, byte[] hash) {
		List<Map<String, Object>> rows = this.jdbc
			.queryForList("select * from idempotency_key where tenant = ? and idempotency_key = ?", tenant, key);
		if (rows.isEmpty()) {
			throw new ApiException(HttpStatus.CONFLICT, "idempotency-key-in-flight",
					"A request with this Idempotency-Key is being processed. Retry shortly.");
		}
		Map<String, Object> row = rows.getFirst();
		if (!operation.equals(row.get("operation")) || !Arrays.equals(hash, (byte[]) row.get("request_hash"))) {
			throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "idempotency-key-reused",
					"This Idempotency-Key was used for a different request. Use a new key for a new request.");
		}
		if (!"COMPLETED".equals(row.get("state"))) {
			throw new ApiException(HttpStatus.CONFLICT, "idempotency-key-in-flight",
					"A request with this Idempotency-Key is being processed. Retry shortly.");
		}
		// on the audit trail a replay is not a second change, and names what the first
		// made (a job, a key)
		AuditLog
			.noteOnRequest("replayed the answer to an earlier request with the same Idempotency-Key; nothing changed");
		concerns((String) row.get("response_body"));
		ResponseEntity.BodyBuilder replay = ResponseEntity.status((Integer) row.get("response_status"))
			.cacheControl(CacheControl.noStore())
			.contentType(MediaType.APPLICATION_JSON)
			.header("Idempotent-Replayed", "true");
		if (row.get("response_location") != null) {
			replay.header(HttpHeaders.LOCATION, (String) row.get("response_location"));
		}
		return replay.body(row.get("response_body"));
	}

	/** The job and key a remembered answer names, for the replay's audit entry. */
	private void concerns(String body) {
		try {
			JsonNode answer = this.json.readTree(body);
			JsonNode arn = answer.has("kmsKeyArn") ? answer.get("kmsKeyArn") : answer.get("arn");
			AuditLog.requestConcerns(answer.has("kmsKeyArn") ? text(answer.get("id")) : null, text(arn));
		}
		catch (JacksonException ex) {
			// the answer is replayed as stored; only its entry names less
		}
	}

	private static String text(JsonNode node) {
		return node != null && node.isString() ? node.asString() : null;
	}

	private void forget(String tenant, String key, String owner) {
		this.jdbc.update("delete from idempotency_key where tenant = ? and idempotency_key = ? and state = 'IN_FLIGHT' "
				+ "and owner_token = ?", tenant, key, owner);
	}

	private static byte[] sha256(byte[] bytes) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(bytes);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every JDK", ex);
		}
	}

}
