package io.keyport.kms.huawei;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Huawei Cloud's AK/SK request signature ({@code SDK-HMAC-SHA256}), as the official SDK
 * and the API gateway's signing guide compute it:
 * <ol>
 * <li>canonical request {@code METHOD \n URI \n query \n headers \n signedHeaders \n
 * hex(SHA-256(body))}, where the URI is every path segment percent-encoded plus a
 * trailing {@code /}, the query is sorted and encoded, and the headers are the signed
 * ones with lower-case names, sorted, each line ending in {@code \n};</li>
 * <li>string to sign {@code SDK-HMAC-SHA256 \n X-Sdk-Date \n
 * hex(SHA-256(canonical request))};</li>
 * <li>{@code Authorization: SDK-HMAC-SHA256 Access=AK, SignedHeaders=..., Signature=
 * hex(HMAC-SHA256(SK, string to sign))}.</li>
 * </ol>
 * {@code Host} (with the port when the URI has one) and {@code X-Sdk-Date} are always
 * signed. Plain JDK crypto; nothing here logs or keeps the secret key.
 */
final class HuaweiSigner {

	static final String ALGORITHM = "SDK-HMAC-SHA256";

	static final String DATE_HEADER = "X-Sdk-Date";

	static final String AUTHORIZATION_HEADER = "Authorization";

	/** {@code X-Sdk-Date}: basic ISO 8601 in UTC, within 15 minutes of the server. */
	static final DateTimeFormatter DATE_FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
		.withZone(ZoneOffset.UTC);

	private static final HexFormat HEX = HexFormat.of();

	private HuaweiSigner() {
	}

	/**
	 * Signs a request.
	 * @param headers the headers to sign besides {@code Host} and {@code X-Sdk-Date}
	 * (names in any case), for KMS {@code Content-Type}, {@code X-Project-Id} and, with
	 * temporary credentials, {@code X-Security-Token}
	 * @param body the exact bytes sent (empty for none)
	 * @return the headers to add to the request: {@code X-Sdk-Date} and
	 * {@code Authorization}
	 */
	static Map<String, String> sign(String method, URI uri, Map<String, String> headers, byte[] body, String accessKey,
			byte[] secretKey, Instant now) {
		String date = DATE_FORMAT.format(now);
		TreeMap<String, String> signed = signedHeaders(uri, headers, date);
		String signedNames = String.join(";", signed.keySet());
		String canonicalRequest = canonicalRequest(method, uri, signed, body);
		String stringToSign = ALGORITHM + "\n" + date + "\n" + HEX.formatHex(sha256(utf8(canonicalRequest)));
		String signature = HEX.formatHex(hmacSha256(secretKey, utf8(stringToSign)));
		Map<String, String> added = new LinkedHashMap<>();
		added.put(DATE_HEADER, date);
		added.put(AUTHORIZATION_HEADER,
				ALGORITHM + " Access=" + accessKey + ", SignedHeaders=" + signedNames + ", Signature=" + signature);
		return added;
	}

	/**
	 * The signed headers by lower-case name: the given ones, {@code host} and
	 * {@code x-sdk-date}.
	 */
	static TreeMap<String, String> signedHeaders(URI uri, Map<String, String> headers, String date) {
		TreeMap<String, String> signed = new TreeMap<>();
		headers.forEach((name, value) -> signed.put(name.toLowerCase(Locale.ROOT), value.trim()));
		signed.put("host", host(uri));
		signed.put("x-sdk-date", date);
		return signed;
	}

	static String canonicalRequest(String method, URI uri, TreeMap<String, String> signedHeaders, byte[] body) {
		StringBuilder headerLines = new StringBuilder();
		signedHeaders.forEach((name, value) -> headerLines.append(name).append(':').append(value).append('\n'));
		return method.toUpperCase(Locale.ROOT) + "\n" + canonicalUri(uri) + "\n" + canonicalQuery(uri) + "\n"
				+ headerLines + "\n" + String.join(";", signedHeaders.keySet()) + "\n" + HEX.formatHex(sha256(body));
	}

	/**
	 * What the client sends as {@code Host}: the host, and the port when the URI has one.
	 */
	static String host(URI uri) {
		return uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
	}

	/** Each path segment encoded, then a trailing slash (the request path has none). */
	static String canonicalUri(URI uri) {
		String path = uri.getPath();
		if (path == null || path.isEmpty() || path.equals("/")) {
			return "/";
		}
		StringBuilder canonical = new StringBuilder();
		for (String segment : path.split("/")) {
			canonical.append(encode(segment)).append('/');
		}
		return canonical.toString();
	}

	/** Parameters encoded, sorted by name and then value, joined with {@code &}. */
	static String canonicalQuery(URI uri) {
		String query = uri.getRawQuery();
		if (query == null || query.isEmpty()) {
			return "";
		}
		List<String[]> parameters = new ArrayList<>();
		for (String parameter : query.split("&")) {
			if (parameter.isEmpty()) {
				continue;
			}
			int equals = parameter.indexOf('=');
			String name = equals < 0 ? parameter : parameter.substring(0, equals);
			String value = equals < 0 ? "" : parameter.substring(equals + 1);
			parameters.add(new String[] { encode(decode(name)), encode(decode(value)) });
		}
		parameters.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
		StringBuilder canonical = new StringBuilder();
		for (String[] parameter : parameters) {
			if (!canonical.isEmpty()) {
				canonical.append('&');
			}
			canonical.append(parameter[0]).append('=').append(parameter[1]);
		}
		return canonical.toString();
	}

	/** RFC 3986 percent-encoding: unreserved characters stay, everything else is %XX. */
	static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8)
			.replace("+", "%20")
			.replace("*", "%2A")
			.replace("%7E", "~");
	}

	private static String decode(String value) {
		return URLDecoder.decode(value, StandardCharsets.UTF_8);
	}

	static byte[] sha256(byte[] data) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(data);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

	private static byte[] hmacSha256(byte[] key, byte[] data) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key, "HmacSHA256"));
			return mac.doFinal(data);
		}
		catch (GeneralSecurityException ex) {
			// the message of an invalid-key exception could describe the key: not kept
			throw new IllegalStateException("HMAC-SHA256 signing failed", null);
		}
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
