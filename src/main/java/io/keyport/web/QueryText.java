package io.keyport.web;

/**
 * Constraints of free-text query parameters that reach the database as filters.
 */
public final class QueryText {

	/**
	 * No NUL character: PostgreSQL stores and compares no NUL in text, so a filter
	 * holding one ({@code ?kmsKeyId=%00}) failed in the database (500) instead of being
	 * refused.
	 */
	public static final String NO_NUL = "^[^\\u0000]*$";

	/** What the caller reads when {@link #NO_NUL} is broken. */
	public static final String NO_NUL_MESSAGE = "must not contain the NUL character";

	private QueryText() {
	}

}
