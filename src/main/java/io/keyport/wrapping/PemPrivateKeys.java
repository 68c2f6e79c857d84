package io.keyport.wrapping;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;

import io.keyport.wrapping.Der.MalformedException;
import io.keyport.wrapping.WrappingException.Reason;

/**
 * PEM private keys ({@code PRIVATE KEY}, {@code RSA PRIVATE KEY}, {@code EC PRIVATE KEY})
 * decoded to DER and handed to {@link Pkcs8Conversion}. PEM text is never turned into a
 * {@code String} (only its ASCII labels are), and base64 is decoded from the bytes, so
 * every copy of the secret is an array this class or the caller overwrites.
 */
final class PemPrivateKeys {

	private static final byte[] PEM_BEGIN = "-----BEGIN ".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] PEM_DASHES = "-----".getBytes(StandardCharsets.US_ASCII);

	private static final int MAX_LABEL = 64;

	private static final String CONVERT_HINT = "KMS needs an unencrypted private key";

	private PemPrivateKeys() {
	}

	/** Whether {@code input} holds a PEM block at all. */
	static boolean isPem(byte[] input) {
		return indexOf(input, PEM_BEGIN, 0) >= 0;
	}

	/**
	 * The DER PKCS#8 of the one private key in the PEM text; a new array the caller owns.
	 */
	static byte[] toPkcs8(byte[] pem, KeySpec spec) {
		return fromPem(pem, spec);
	}

	private record Block(String label, int start, int end) {
	}

	private static byte[] fromPem(byte[] pem, KeySpec spec) {
		Block key = null;
		int from = 0;
		int begin;
		while ((begin = indexOf(pem, PEM_BEGIN, from)) >= 0) {
			int labelStart = begin + PEM_BEGIN.length;
			int labelEnd = indexOf(pem, PEM_DASHES, labelStart);
			if (labelEnd < 0 || labelEnd - labelStart > MAX_LABEL || !isLabel(pem, labelStart, labelEnd)) {
				throw invalid("PEM: a '-----BEGIN' line is malformed");
			}
			// labels are public ASCII words, never key material
			String label = new String(pem, labelStart, labelEnd - labelStart, StandardCharsets.US_ASCII);
			byte[] endLine = ("-----END " + label + "-----").getBytes(StandardCharsets.US_ASCII);
			int bodyStart = labelEnd + PEM_DASHES.length;
			int bodyEnd = indexOf(pem, endLine, bodyStart);
			if (bodyEnd < 0) {
				throw invalid("PEM: the '" + label + "' block has no matching '-----END " + label + "-----' line");
			}
			from = bodyEnd + endLine.length;
			switch (label) {
				case "EC PARAMETERS" -> {
					// 'openssl ecparam -genkey' writes the curve before the key
				}
				case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY" -> {
					if (key != null) {
						throw invalid(
								"PEM: more than one private key (" + key.label() + ", " + label + "); upload one key");
					}
					key = new Block(label, bodyStart, bodyEnd);
				}
				case "ENCRYPTED PRIVATE KEY" -> throw invalid("PEM: an encrypted PKCS#8 key (ENCRYPTED PRIVATE KEY); "
						+ CONVERT_HINT + ", e.g. 'openssl pkcs8 -in key.pem -nocrypt -topk8 -out plain.pem' (asks for "
						+ "the passphrase)");
				case "PUBLIC KEY", "RSA PUBLIC KEY",
						"CERTIFICATE" ->
					throw invalid("PEM: a " + label.toLowerCase(Locale.ROOT)
							+ ", not a private key; KMS imports the private key and derives the "
							+ "public key itself");
				default -> throw invalid("PEM: an unexpected '" + label + "' block; expected PRIVATE KEY, "
						+ "RSA PRIVATE KEY or EC PRIVATE KEY");
			}
		}
		if (key == null) {
			throw invalid("PEM: no private key block (BEGIN PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
		}
		byte[] der = decodeBase64(pem, key);
		boolean keep = false;
		try {
			byte[] result = switch (key.label()) {
				case "RSA PRIVATE KEY" -> Pkcs8Conversion.fromPkcs1(der);
				case "EC PRIVATE KEY" -> Pkcs8Conversion.fromSec1(der, spec);
				default -> Pkcs8Conversion.fromDer(der, spec);
			};
			keep = (result == der);
			return result;
		}
		catch (MalformedException ex) {
			throw invalid("PEM: the " + key.label() + " block is not a DER "
					+ (key.label().startsWith("RSA") ? "PKCS#1 RSAPrivateKey" : "SEC1 ECPrivateKey") + ": "
					+ ex.getMessage());
		}
		finally {
			if (!keep) {
				Arrays.fill(der, (byte) 0);
			}
		}
	}

	/**
	 * The block's base64, decoded from the bytes; header lines (Proc-Type, DEK-Info) mean
	 * encryption.
	 */
	private static byte[] decodeBase64(byte[] pem, Block block) {
		for (int i = block.start(); i < block.end(); i++) {
			if (pem[i] == ':') {
				throw invalid("PEM: the " + block.label() + " block has header lines (Proc-Type: 4,ENCRYPTED); "
						+ CONVERT_HINT + ", e.g. 'openssl pkey -in key.pem -out plain.pem' (asks for the passphrase)");
			}
		}
		for (int i = block.start(); i < block.end(); i++) {
			if (!isBase64OrSpace(pem[i] & 0xff)) {
				throw invalid("PEM: the " + block.label() + " block holds characters that are not base64");
			}
		}
		// the base64 without line breaks, then decoded into an array of Keyport's own:
		// the JDK's decoder fills the output it allocates before it finds a fault at
		// the end (a stray character, base64 after the padding) and drops it unzeroed
		int length = 0;
		for (int i = block.start(); i < block.end(); i++) {
			length += isSpace(pem[i]) ? 0 : 1;
		}
		byte[] text = new byte[length];
		byte[] decoded = null;
		try {
			for (int i = block.start(), j = 0; i < block.end(); i++) {
				if (!isSpace(pem[i])) {
					text[j++] = pem[i];
				}
			}
			decoded = new byte[(length + 3) / 4 * 3];
			int written;
			try {
				written = Base64.getDecoder().decode(text, decoded);
			}
			catch (IllegalArgumentException ex) {
				throw invalid("PEM: the " + block.label() + " block is not valid base64");
			}
			return Arrays.copyOf(decoded, written);
		}
		finally {
			Arrays.fill(text, (byte) 0);
			if (decoded != null) {
				Arrays.fill(decoded, (byte) 0);
			}
		}
	}

	private static boolean isSpace(byte c) {
		return c == '\r' || c == '\n' || c == ' ' || c == '\t';
	}

	private static boolean isBase64OrSpace(int c) {
		return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/'
				|| c == '=' || c == '\r' || c == '\n' || c == ' ' || c == '\t';
	}

	private static boolean isLabel(byte[] pem, int start, int end) {
		for (int i = start; i < end; i++) {
			int c = pem[i] & 0xff;
			if (!((c >= 'A' && c <= 'Z') || c == ' ' || (c >= '0' && c <= '9'))) {
				return false;
			}
		}
		return end > start;
	}

	private static int indexOf(byte[] haystack, byte[] needle, int from) {
		outer: for (int i = from; i <= haystack.length - needle.length; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (haystack[i + j] != needle[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

	private static WrappingException invalid(String message) {
		return new WrappingException(Reason.INVALID_KEY_MATERIAL, message);
	}

}
