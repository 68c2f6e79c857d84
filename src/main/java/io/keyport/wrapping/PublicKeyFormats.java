package io.keyport.wrapping;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Renderings of a public key given as DER SubjectPublicKeyInfo: PEM and a SHA-256
 * fingerprint.
 */
public final class PublicKeyFormats {

	private PublicKeyFormats() {
	}

	/**
	 * PEM ("-----BEGIN PUBLIC KEY-----") in OpenSSL's layout: 64 columns, LF line ends,
	 * trailing newline.
	 */
	public static String pem(byte[] spkiDer) {
		String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(spkiDer);
		return "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n";
	}

	/**
	 * Lower-case hex SHA-256 of the DER, as
	 * {@code openssl pkey -pubin -outform DER | sha256sum} prints it.
	 */
	public static String sha256Fingerprint(byte[] spkiDer) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(spkiDer));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new WrappingInternalException("SHA-256 is missing from the JDK", ex);
		}
	}

}
