package io.keyport.importjob;

import java.time.Instant;

/** Who holds a job for a unit of work, and until when. */
record Lease(String owner, Instant until) {
}
