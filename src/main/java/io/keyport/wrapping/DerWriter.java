package io.keyport.wrapping;

import io.keyport.wrapping.Der.Tlv;

/**
 * Writing DER, beside {@link Der}'s reading: headers and copies into an output array
 * sized in advance, so that rebuilt private keys exist only in arrays the caller owns and
 * overwrites. Lengths below 16 MiB.
 */
final class DerWriter {

	private DerWriter() {
	}

	/** Length of the whole element {@code tlv} (header and content). */
	static int length(Tlv tlv) {
		return tlv.end() - tlv.start();
	}

	/**
	 * Header size of an element with {@code length} content bytes (lengths below 16 MiB).
	 */
	static int header(int length) {
		return (length < 0x80) ? 2 : (length < 0x100) ? 3 : (length < 0x10000) ? 4 : 5;
	}

	/**
	 * Writes tag and definite minimal length at {@code pos}; returns the position after
	 * them.
	 */
	static int writeHeader(byte[] out, int pos, int tag, int length) {
		out[pos++] = (byte) tag;
		int size = header(length) - 2;
		if (size == 0) {
			out[pos++] = (byte) length;
			return pos;
		}
		out[pos++] = (byte) (0x80 | size);
		for (int shift = 8 * (size - 1); shift >= 0; shift -= 8) {
			out[pos++] = (byte) (length >>> shift);
		}
		return pos;
	}

	/**
	 * Copies {@code length} bytes of {@code from} to {@code pos}; returns the position
	 * after them.
	 */
	static int put(byte[] out, int pos, byte[] from, int offset, int length) {
		System.arraycopy(from, offset, out, pos, length);
		return pos + length;
	}

}
