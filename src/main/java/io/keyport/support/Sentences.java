package io.keyport.support;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Pieces of the sentences a portal shows its end user as a problem's {@code detail}:
 * plain lists, times rounded to seconds, and the sentence form itself. Plain Java, so
 * every feature words its failures the same way.
 */
public final class Sentences {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
		.withZone(ZoneOffset.UTC);

	private Sentences() {
	}

	/** "A, B, C": the items' names, comma-separated, in their order. */
	public static String list(Collection<?> items) {
		return items.stream().map(String::valueOf).collect(Collectors.joining(", "));
	}

	/** "A, B, C" for the constants of an enum. */
	public static String list(Object[] items) {
		return list(java.util.Arrays.asList(items));
	}

	/** A time a person reads: "2026-11-27 13:05:09 UTC", rounded down to seconds. */
	public static String time(Instant instant) {
		return TIME.format(instant.truncatedTo(ChronoUnit.SECONDS));
	}

	/**
	 * The text as a sentence: first letter capital, a final period. Texts are written as
	 * sentences already; this keeps a fragment of a lower layer from reaching a portal
	 * unfinished.
	 */
	public static String sentence(String text) {
		if (text == null || text.isBlank()) {
			return text;
		}
		// a caller's value quoted in a detail may hold control characters (a line break
		// in a key id): a portal shows one line, so they become '?'
		String trimmed = text.strip().replaceAll("\\p{Cntrl}", "?");
		String first = trimmed.substring(0, 1).toUpperCase(Locale.ROOT);
		String rest = trimmed.substring(1);
		char last = trimmed.charAt(trimmed.length() - 1);
		return first + rest + ((last == '.' || last == '?' || last == '!') ? "" : ".");
	}

}
