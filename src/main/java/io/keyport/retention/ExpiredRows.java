package io.keyport.retention;

import java.time.Instant;
import java.util.Map;

/**
 * One kind of row a feature keeps for a retention and then deletes, a batch at a time.
 * {@link RetentionRun} calls it in a transaction of its own per batch, with the cutoff
 * declared to the append-only triggers.
 */
public interface ExpiredRows {

	/** What is deleted, for the log. */
	String name();

	/** Rows older than this are expired: now minus the retention. */
	Instant cutoff(Instant now);

	/**
	 * Deletes up to {@code limit} expired rows (or units such as jobs with their events),
	 * oldest first, skipping rows another transaction holds, so concurrent runs on other
	 * instances take disjoint batches.
	 */
	Deleted deleteBatch(Instant cutoff, int limit);

	/**
	 * One batch's outcome.
	 *
	 * @param selected units chosen (at most the limit): a full batch means more may be
	 * due
	 * @param rows rows deleted per table
	 */
	record Deleted(int selected, Map<String, Integer> rows) {

		public static Deleted of(String table, int rows) {
			return new Deleted(rows, Map.of(table, rows));
		}

	}

}
