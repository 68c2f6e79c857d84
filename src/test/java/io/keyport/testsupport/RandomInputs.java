package io.keyport.testsupport;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Small generators of random input for property tests. Sizes and values lean to the edges
 * (empty, one, the maximum, 0, -1, the int bounds) where parsers tend to break, and
 * strings mix ASCII, JSON syntax, control characters and non-ASCII.
 */
public final class RandomInputs {

	private static final int[] EDGE_INTS = { 0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE };

	private static final String JSON_SYNTAX = "{}[]\":,\\ ";

	private RandomInputs() {
	}

	/** A size in [0, max]: often 0, 1 or max, often small, else anywhere. */
	public static int size(SplittableRandom random, int max) {
		int roll = random.nextInt(100);
		if (roll < 8) {
			return 0;
		}
		if (roll < 12) {
			return Math.min(1, max);
		}
		if (roll < 16) {
			return max;
		}
		if (roll < 50) {
			return random.nextInt(Math.min(max, 16) + 1);
		}
		return random.nextInt(max + 1);
	}

	/**
	 * Up to {@code maxSize} bytes: mostly uniform, sometimes one repeated byte (0x00,
	 * 0xFF or any).
	 */
	public static byte[] bytes(SplittableRandom random, int maxSize) {
		byte[] bytes = new byte[size(random, maxSize)];
		if (random.nextInt(10) == 0) {
			int fill = switch (random.nextInt(3)) {
				case 0 -> 0;
				case 1 -> 0xFF;
				default -> random.nextInt(256);
			};
			java.util.Arrays.fill(bytes, (byte) fill);
		}
		else {
			random.nextBytes(bytes);
		}
		return bytes;
	}

	/** Any int, often an edge value or a small one. */
	public static int integer(SplittableRandom random) {
		int roll = random.nextInt(10);
		if (roll < 2) {
			return EDGE_INTS[random.nextInt(EDGE_INTS.length)];
		}
		return (roll < 6) ? random.nextInt(-1000, 1001) : random.nextInt();
	}

	/**
	 * A string of up to {@code maxLength} chars from anywhere in Unicode (no lone
	 * surrogates).
	 */
	public static String string(SplittableRandom random, int maxLength) {
		int length = size(random, maxLength);
		StringBuilder string = new StringBuilder(length);
		while (string.length() < length) {
			int codePoint = codePoint(random);
			if (string.length() + Character.charCount(codePoint) <= length) {
				string.appendCodePoint(codePoint);
			}
		}
		return string.toString();
	}

	/** A string of up to {@code maxLength} chars in {@code [from, to]}. */
	public static String string(SplittableRandom random, int maxLength, char from, char to) {
		char[] chars = new char[size(random, maxLength)];
		for (int i = 0; i < chars.length; i++) {
			chars[i] = (char) random.nextInt(from, to + 1);
		}
		return new String(chars);
	}

	private static int codePoint(SplittableRandom random) {
		int roll = random.nextInt(100);
		if (roll < 50) {
			return random.nextInt(0x20, 0x7F);
		}
		if (roll < 65) {
			return JSON_SYNTAX.charAt(random.nextInt(JSON_SYNTAX.length()));
		}
		if (roll < 75) {
			int control = random.nextInt(33);
			return (control == 32) ? 0x7F : control;
		}
		if (roll < 95) {
			int bmp = random.nextInt(0x80, 0xF800);
			return (bmp >= Character.MIN_SURROGATE) ? bmp + 0x800 : bmp;
		}
		return random.nextInt(Character.MIN_SUPPLEMENTARY_CODE_POINT, Character.MAX_CODE_POINT + 1);
	}

	/** One of the given values. */
	@SafeVarargs
	public static <T> T oneOf(SplittableRandom random, T... values) {
		return values[random.nextInt(values.length)];
	}

	/** One of the given values. */
	public static <T> T oneOf(SplittableRandom random, List<T> values) {
		return values.get(random.nextInt(values.size()));
	}

	/**
	 * {@code valid} with one ASCII character inserted, deleted or replaced at a random
	 * place.
	 */
	public static String mutation(SplittableRandom random, String valid) {
		int at = random.nextInt(valid.length());
		char c = (char) random.nextInt(128);
		return switch (random.nextInt(3)) {
			case 0 -> valid.substring(0, at) + c + valid.substring(at);
			case 1 -> valid.substring(0, at) + valid.substring(at + 1);
			default -> valid.substring(0, at) + c + valid.substring(at + 1);
		};
	}

}
