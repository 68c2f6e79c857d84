package io.keyport.wrapping;

import java.io.IOException;
import java.util.Arrays;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;

/**
 * A minimal DER reader that walks tag-length-value headers in place. It never copies
 * content, so it can check the structure of private key material without leaving copies
 * of it in the heap. Only the small subset of DER that key encodings use: single-byte
 * tags, definite minimal lengths.
 */
final class Der {

	static final int INTEGER = 0x02;

	static final int BIT_STRING = 0x03;

	static final int OCTET_STRING = 0x04;

	static final int NULL = 0x05;

	static final int OID = 0x06;

	static final int SEQUENCE = 0x30;

	/** Context-specific constructed tag [n]. */
	static int explicit(int n) {
		return 0xa0 | n;
	}

	/** Context-specific primitive tag [n] (IMPLICIT over a primitive type). */
	static int implicitPrimitive(int n) {
		return 0x80 | n;
	}

	private Der() {
	}

	/**
	 * One element: its tag, where its header starts, where its content starts and how
	 * long the content is.
	 */
	record Tlv(int tag, int start, int offset, int length) {

		int end() {
			return this.offset + this.length;
		}

	}

	/**
	 * Structure is not what was expected. Messages name positions and structure, never
	 * content.
	 */
	static final class MalformedException extends Exception {

		MalformedException(String message) {
			super(message, null, false, false);
		}

	}

	static final class Reader {

		private final byte[] buffer;

		private final int end;

		private int position;

		Reader(byte[] buffer) {
			this(buffer, 0, buffer.length);
		}

		private Reader(byte[] buffer, int offset, int end) {
			this.buffer = buffer;
			this.position = offset;
			this.end = end;
		}

		boolean hasMore() {
			return this.position < this.end;
		}

		int peekTag() {
			return this.buffer[this.position] & 0xff;
		}

		Tlv next(int expectedTag, String what) throws MalformedException {
			if (!hasMore()) {
				throw new MalformedException("missing " + what + " at offset " + this.position);
			}
			int tag = peekTag();
			if (tag != expectedTag) {
				// the tag found is not named: a misaligned reader may be looking at
				// secret bytes
				throw new MalformedException("expected " + what + " (tag 0x" + hex(expectedTag) + ") at offset "
						+ this.position + ", found another tag");
			}
			return next(what);
		}

		Tlv next(String what) throws MalformedException {
			int start = this.position;
			if (this.end - start < 2) {
				throw new MalformedException(what + " truncated at offset " + start);
			}
			int tag = this.buffer[start] & 0xff;
			if ((tag & 0x1f) == 0x1f) {
				throw new MalformedException(what + " has a multi-byte tag at offset " + start);
			}
			int pos = start + 1;
			int first = this.buffer[pos++] & 0xff;
			int length;
			if (first < 0x80) {
				length = first;
			}
			else if (first == 0x80) {
				throw new MalformedException(what + " has an indefinite length (BER, not DER) at offset " + start);
			}
			else {
				int count = first & 0x7f;
				if (count > 3) {
					throw new MalformedException(what + " has an oversized length field at offset " + start);
				}
				if (this.end - pos < count) {
					throw new MalformedException(what + " truncated at offset " + start);
				}
				length = 0;
				for (int i = 0; i < count; i++) {
					length = (length << 8) | (this.buffer[pos++] & 0xff);
				}
				if (length < 0x80 || (count > 1 && (length >>> (8 * (count - 1))) == 0)) {
					throw new MalformedException(what + " has a non-minimal length (not DER) at offset " + start);
				}
			}
			if (length > this.end - pos) {
				throw new MalformedException(what + " at offset " + start + " is longer than the " + (this.end - pos)
						+ " bytes that remain (truncated?)");
			}
			this.position = pos + length;
			return new Tlv(tag, start, pos, length);
		}

		/**
		 * A reader over the content of {@code tlv}, which must come from this reader's
		 * buffer.
		 */
		Reader inside(Tlv tlv) {
			return new Reader(this.buffer, tlv.offset(), tlv.end());
		}

		void requireEnd(String what) throws MalformedException {
			if (hasMore()) {
				throw new MalformedException(
						(this.end - this.position) + " unexpected bytes after " + what + " at offset " + this.position);
			}
		}

	}

	/** The value of a small non-negative INTEGER (versions), or -1 when it is not one. */
	static int smallInteger(byte[] buffer, Tlv tlv) {
		if (tlv.tag() != INTEGER || tlv.length() != 1 || (buffer[tlv.offset()] & 0x80) != 0) {
			return -1;
		}
		return buffer[tlv.offset()];
	}

	/**
	 * The bit length of a positive DER INTEGER, read in place (no BigInteger, which would
	 * keep a copy).
	 * @throws MalformedException when it is negative, zero-length or not minimally
	 * encoded
	 */
	static int positiveBitLength(byte[] buffer, Tlv tlv, String what) throws MalformedException {
		int offset = tlv.offset();
		int length = tlv.length();
		if (tlv.tag() != INTEGER || length == 0) {
			throw new MalformedException(what + " is not an INTEGER");
		}
		if ((buffer[offset] & 0x80) != 0) {
			throw new MalformedException(what + " is negative");
		}
		if (buffer[offset] == 0) {
			if (length == 1) {
				throw new MalformedException(what + " is zero");
			}
			if ((buffer[offset + 1] & 0x80) == 0) {
				throw new MalformedException(what + " is not minimally encoded (not DER)");
			}
			offset++;
			length--;
		}
		return (length - 1) * 8 + (32 - Integer.numberOfLeadingZeros(buffer[offset] & 0xff));
	}

	/** Whether the last content byte of a positive INTEGER is odd. */
	static boolean isOdd(byte[] buffer, Tlv tlv) {
		return (buffer[tlv.end() - 1] & 1) != 0;
	}

	static boolean isOid(byte[] buffer, Tlv tlv, ASN1ObjectIdentifier oid) {
		if (tlv.tag() != OID) {
			return false;
		}
		byte[] encoded = encoded(oid);
		return Arrays.equals(buffer, tlv.start(), tlv.end(), encoded, 0, encoded.length);
	}

	/**
	 * Names an OID found in the buffer (OIDs are public identifiers, fine for messages).
	 */
	static String describeOid(byte[] buffer, Tlv tlv) {
		try {
			return Oids.describe(ASN1ObjectIdentifier.getInstance(Arrays.copyOfRange(buffer, tlv.start(), tlv.end())));
		}
		catch (RuntimeException ex) {
			return "a malformed OID";
		}
	}

	/** The DER encoding (tag, length, content) of an OID. */
	static byte[] encoded(ASN1ObjectIdentifier oid) {
		try {
			return oid.getEncoded();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String hex(int tag) {
		return String.format("%02x", tag);
	}

}
