package io.keyport.importjob;

import java.time.Instant;

/** One entry of a job's history. */
public record ImportJobEventView(Long sequence, ImportJobState from, ImportJobState to, String cause, String errorCode,
		String actor, Instant occurredAt) {
}
