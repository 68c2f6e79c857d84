package io.keyport.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;

/**
 * A JSON body of exactly one object with one field holding standard base64
 * ({@code {"keyMaterial":"..."}}), read and decoded without Jackson: the value never
 * becomes a {@code String}, a pooled char buffer or an exception message. The body is
 * read into one bounded array and decoded into an array of exactly the decoded length;
 * the body is overwritten before this returns, whatever happens. Errors name the field
 * and a byte position, never the value.
 * <p>
 * Accepted: JSON whitespace around tokens, one object, the one field name (no escapes),
 * once, with a JSON string of standard base64 with padding (RFC 4648 section 4): no line
 * breaks, no escapes, no URL-safe alphabet. Anything else is 400 with
 * {@code malformed-request-body}, {@code unknown-field}, {@code validation-failed} (field
 * missing or null) or {@code invalid-base64}.
 */
public final class Base64JsonBody {

	private static final byte[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
		.getBytes(StandardCharsets.US_ASCII);

	/** Base64 value of each byte, -1 outside the standard alphabet. */
	private static final byte[] VALUES = new byte[256];

	static {
		Arrays.fill(VALUES, (byte) -1);
		for (int i = 0; i < ALPHABET.length; i++) {
			VALUES[ALPHABET[i]] = (byte) i;
		}
	}

	/** Room for the field name and whitespace around the base64 text. */
	private static final int SLACK = 1024;

	private Base64JsonBody() {
	}

	/**
	 * Reads the request body and returns the decoded value of {@code field}; the caller
	 * owns (and overwrites) it.
	 * @param maxDecoded the largest decoded value accepted; a body that cannot fit is
	 * answered 413
	 */
	public static byte[] read(HttpServletRequest request, String field, int maxDecoded) throws IOException {
		int maxBody = (maxDecoded + 2) / 3 * 4 + SLACK;
		byte[] body = new byte[maxBody + 1];
		try (InputStream in = request.getInputStream()) {
			int length = in.readNBytes(body, 0, body.length);
			if (length > maxBody) {
				throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, "request-too-large", "The request body exceeds "
						+ maxBody + " bytes (field '" + field + "' is limited to " + maxDecoded + " bytes).");
			}
			return parse(body, length, field);
		}
		catch (RequestSizeLimitFilter.RequestTooLargeException ex) {
			throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, "request-too-large", ex.getMessage());
		}
		finally {
			Arrays.fill(body, (byte) 0);
		}
	}

	/**
	 * Decodes {@code field} of the JSON object in {@code body[0, length)}; {@code body}
	 * is left as it is.
	 */
	static byte[] parse(byte[] body, int length, String field) {
		return new Parser(body, length, field).object();
	}

	private static final class Parser {

		private final byte[] in;

		private final int end;

		private final String field;

		private final byte[] name;

		private int at;

		Parser(byte[] in, int end, String field) {
			this.in = in;
			this.end = end;
			this.field = field;
			this.name = field.getBytes(StandardCharsets.US_ASCII);
		}

		byte[] object() {
			byte[] value = null;
			try {
				skipWhitespace();
				expect('{');
				skipWhitespace();
				if (peek() == '}') {
					this.at++;
				}
				else {
					boolean seen = false;
					while (true) {
						member();
						if (seen) {
							throw malformed("Field '" + this.field + "' appears more than once");
						}
						seen = true;
						value = value();
						skipWhitespace();
						if (peek() != ',') {
							break;
						}
						this.at++;
						skipWhitespace();
					}
					expect('}');
				}
				skipWhitespace();
				if (this.at != this.end) {
					throw malformed("Something follows the JSON object at byte " + this.at);
				}
			}
			catch (ApiException ex) {
				zero(value);
				throw ex;
			}
			if (value == null) {
				throw new ApiException(HttpStatus.BAD_REQUEST, ProblemCodes.VALIDATION_FAILED,
						"Field '" + this.field + "' is required.");
			}
			return value;
		}

		/**
		 * A member's name and colon; only the expected name is accepted, byte for byte.
		 */
		private void member() {
			expect('"');
			int start = this.at;
			while (this.at < this.end && this.in[this.at] != '"') {
				int b = this.in[this.at] & 0xff;
				if (b == '\\') {
					this.at++; // an escaped name is never the expected one, but must not
								// end the scan early
				}
				else if (b < 0x20) {
					throw malformed("Control character in a field name at byte " + this.at);
				}
				this.at++;
			}
			if (this.at >= this.end) {
				throw malformed("The request body ends inside a field name");
			}
			boolean expected = Arrays.equals(this.in, start, this.at, this.name, 0, this.name.length);
			this.at++;
			if (!expected) {
				// the name is the caller's text and might be material sent in the wrong
				// place: not echoed
				throw new ApiException(HttpStatus.BAD_REQUEST, "unknown-field",
						"The body has an unknown field at byte " + start + "; the only field is '" + this.field + "'.");
			}
			skipWhitespace();
			expect(':');
			skipWhitespace();
		}

		/** {@code null} or a JSON string of standard base64, decoded. */
		private byte[] value() {
			if (startsWith("null")) {
				this.at += 4;
				return null;
			}
			if (peek() != '"') {
				throw malformed(
						"Field '" + this.field + "' must be a JSON string of standard base64 (byte " + this.at + ")");
			}
			int start = ++this.at;
			while (this.at < this.end && this.in[this.at] != '"') {
				this.at++;
			}
			if (this.at >= this.end) {
				throw malformed("The request body ends inside the value of field '" + this.field + "'");
			}
			int stop = this.at++;
			return decode(start, stop);
		}

		/**
		 * Standard base64 with padding from {@code in[start, stop)} into an array of
		 * exactly the decoded length.
		 */
		private byte[] decode(int start, int stop) {
			int length = stop - start;
			int padding = 0;
			for (int i = start; i < stop; i++) {
				int b = this.in[i] & 0xff;
				if (b == '=' && i >= stop - 2) {
					if (i == stop - 1 || this.in[stop - 1] == '=') {
						padding = stop - i;
						break;
					}
				}
				if (VALUES[b] < 0) {
					throw invalid(i,
							b == '-' || b == '_' ? "the URL-safe alphabet is not accepted"
									: b == '\\' ? "escapes are not accepted"
											: b == '=' ? "padding inside the value"
													: b == '\r' || b == '\n' || b == ' '
															? "line breaks and spaces are not accepted"
															: "a character outside the standard alphabet");
				}
			}
			if (length % 4 != 0) {
				throw invalid(stop, "the length is not a multiple of 4 (padding '=' missing?)");
			}
			byte[] out = new byte[length / 4 * 3 - padding];
			int o = 0;
			for (int i = start; i < stop; i += 4) {
				int quad = VALUES[this.in[i] & 0xff] << 18 | VALUES[this.in[i + 1] & 0xff] << 12;
				int last = i + 4 == stop ? padding : 0;
				if (last < 2) {
					quad |= VALUES[this.in[i + 2] & 0xff] << 6;
				}
				if (last < 1) {
					quad |= VALUES[this.in[i + 3] & 0xff];
				}
				out[o++] = (byte) (quad >> 16);
				if (last < 2) {
					out[o++] = (byte) (quad >> 8);
				}
				if (last < 1) {
					out[o++] = (byte) quad;
				}
			}
			return out;
		}

		private boolean startsWith(String literal) {
			byte[] bytes = literal.getBytes(StandardCharsets.US_ASCII);
			return this.end - this.at >= bytes.length
					&& Arrays.equals(this.in, this.at, this.at + bytes.length, bytes, 0, bytes.length);
		}

		private int peek() {
			return this.at < this.end ? this.in[this.at] & 0xff : -1;
		}

		private void expect(char c) {
			if (peek() != c) {
				throw malformed(this.at >= this.end ? "The request body ends early (byte " + this.at + ")"
						: "Expected '" + c + "' at byte " + this.at);
			}
			this.at++;
		}

		private void skipWhitespace() {
			while (this.at < this.end) {
				byte b = this.in[this.at];
				if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
					return;
				}
				this.at++;
			}
		}

		private ApiException malformed(String detail) {
			return new ApiException(HttpStatus.BAD_REQUEST, "malformed-request-body",
					"The request body is not the JSON object this operation takes. " + detail + ".");
		}

		private ApiException invalid(int position, String why) {
			return new ApiException(HttpStatus.BAD_REQUEST, "invalid-base64", "Field '" + this.field
					+ "' must be standard base64 with padding (RFC 4648); " + why + " at byte " + position + ".");
		}

		private static void zero(byte[] value) {
			if (value != null) {
				Arrays.fill(value, (byte) 0);
			}
		}

	}

}
