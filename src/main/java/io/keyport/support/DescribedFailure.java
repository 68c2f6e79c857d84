package io.keyport.support;

import java.time.Duration;
import java.util.Map;

/**
 * A failure that says how the API answers it: what kind of failure (and so the status), a
 * stable code, the detail and any extra problem members. Plain Java, so packages without
 * Spring (wrapping) can describe their failures too, and the web layer turns any of them
 * into problem+json without knowing the feature that threw it.
 */
public interface DescribedFailure {

	Kind kind();

	/** Stable, API-visible code. */
	String code();

	String getMessage();

	/**
	 * The problem's {@code detail}; the message unless the failure adds context. Never
	 * key material or tokens.
	 */
	default String detail() {
		return getMessage();
	}

	/** Extra problem members (for example the job's id and state); none by default. */
	default Map<String, Object> problemMembers() {
		return Map.of();
	}

	/**
	 * How long the caller should wait before trying again, or {@code null} when waiting
	 * does not help.
	 */
	default Duration retryAfter() {
		return null;
	}

	/** What kind of failure, each with its HTTP status. */
	enum Kind {

		/** The request's content or parameters are malformed. */
		BAD_REQUEST(400),
		/** No such resource (for this caller). */
		NOT_FOUND(404),
		/**
		 * The request is well-formed but the resource is in a state that does not allow
		 * it.
		 */
		CONFLICT(409),
		/**
		 * The request's content cannot be used (bad material, impossible combination).
		 */
		INVALID(422),
		/**
		 * The caller asks too often (its share of a quota, or a per-resource cooldown);
		 * nothing was changed.
		 */
		TOO_MANY_REQUESTS(429),
		/**
		 * An upstream service (the KMS) answered in a way Keyport cannot act on (for
		 * example access denied).
		 */
		UPSTREAM_FAILED(502),
		/**
		 * An upstream service (the KMS) could not be reached or is throttling; the same
		 * request may succeed later.
		 */
		UPSTREAM_UNAVAILABLE(503);

		private final int status;

		Kind(int status) {
			this.status = status;
		}

		/** The HTTP status the API answers with. */
		public int status() {
			return this.status;
		}

	}

}
