package io.keyport.emulator.huawei;

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
 * Huawei Cloud's SDK-HMAC-SHA256 request signature, written for the tests from Huawei's
 * API signing guide (independently of Keyport's signer): the emulator verifies with it
 * and the tests sign with it. Checked against the published example in
 * {@code HuaweiSigningTests}.
 * <p>
 * Canonical request: {@code METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders
 * \n SignedHeaders \n hex(SHA-256(body))}; the canonical URI is every path segment
 * URL-encoded, each followed by {@code /}; canonical headers are {@code name:value\n}
 * with lower-case names in ASCII order. String to sign:
 * {@code SDK-HMAC-SHA256 \n X-Sdk-Date \n
 * hex(SHA-256(canonical request))}; signature {@code hex(HMAC-SHA256(SK, string to
 * sign))}.
 */
public final class HuaweiSigning {

	public static final String ALGORITHM = "SDK-HMAC-SHA256";

	/** {@code X-Sdk-Date}: basic ISO 8601 in UTC. */
	public static final DateTimeFormatter SDK_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
		.withZone(ZoneOffset.UTC);

	private HuaweiSigning() {
	}

	/** The parts of an {@code Authorization} header. */
	public record Authorization(String accessKey, List<String> signedHeaders, String signature) {

		/**
		 * Parses {@code SDK-HMAC-SHA256 Access=.., SignedHeaders=a;b, Signature=..}; null
		 * when the header is not of that form.
		 */
		public static Authorization parse(String header) {
			if (header == null || !header.startsWith(ALGORITHM + " ")) {
				return null;
			}
			Map<String, String> parts = new LinkedHashMap<>();
			for (String part : header.substring(ALGORITHM.length() + 1).split(",")) {
				int equals = part.indexOf('=');
				if (equals < 0) {
					return null;
				}
				parts.put(part.substring(0, equals).trim(), part.substring(equals + 1).trim());
			}
			String access = parts.get("Access");
			String signedHeaders = parts.get("SignedHeaders");
			String signature = parts.get("Signature");
			if (parts.size() != 3 || access == null || signedHeaders == null || signature == null || access.isEmpty()
					|| signedHeaders.isEmpty()) {
				return null;
			}
			return new Authorization(access, List.of(signedHeaders.split(";")), signature);
		}

		public String toHeader() {
			return ALGORITHM + " Access=" + this.accessKey + ", SignedHeaders=" + String.join(";", this.signedHeaders)
					+ ", Signature=" + this.signature;
		}

	}

	/**
	 * Signs a request as Huawei's SDK does: every given header is signed, plus
	 * {@code Host} (the URI's authority, with its port) and {@code X-Sdk-Date} (taken
	 * from {@code headers} when present, else from {@code now}).
	 * @return the headers to send: {@code X-Sdk-Date} and {@code Authorization}
	 */
	public static Map<String, String> sign(String method, URI uri, Map<String, String> headers, byte[] body,
			String accessKey, String secretKey, Instant now) {
		Map<String, String> signed = new TreeMap<>();
		headers.forEach((name, value) -> signed.put(name.toLowerCase(Locale.ROOT), value));
		signed.putIfAbsent("host", uri.getRawAuthority());
		String date = signed.computeIfAbsent("x-sdk-date", (name) -> SDK_DATE.format(now));
		String canonical = canonicalRequest(method, uri.getRawPath(), uri.getRawQuery(), signed, body);
		String signature = signature(secretKey, stringToSign(date, canonical));
		Map<String, String> result = new LinkedHashMap<>();
		result.put("X-Sdk-Date", date);
		result.put("Authorization", new Authorization(accessKey, List.copyOf(signed.keySet()), signature).toHeader());
		return result;
	}

	/**
	 * The canonical request.
	 * @param signedHeaders lower-case name to value of every signed header
	 */
	public static String canonicalRequest(String method, String rawPath, String rawQuery,
			Map<String, String> signedHeaders, byte[] body) {
		StringBuilder headers = new StringBuilder();
		new TreeMap<>(signedHeaders)
			.forEach((name, value) -> headers.append(name).append(':').append(value.trim()).append('\n'));
		return String.join("\n", method, canonicalUri(rawPath), canonicalQuery(rawQuery), headers.toString(),
				String.join(";", new TreeMap<>(signedHeaders).keySet()), hex(sha256(body)));
	}

	/** Each segment decoded and URL-encoded again, each followed by {@code /}. */
	static String canonicalUri(String rawPath) {
		if (rawPath == null || rawPath.isEmpty() || rawPath.equals("/")) {
			return "/";
		}
		StringBuilder uri = new StringBuilder();
		for (String segment : rawPath.split("/")) {
			uri.append(urlEncode(URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8))).append('/');
		}
		return uri.toString();
	}

	/** Parameters URL-encoded and sorted by name, then value. */
	static String canonicalQuery(String rawQuery) {
		if (rawQuery == null || rawQuery.isEmpty()) {
			return "";
		}
		List<String[]> parameters = new ArrayList<>();
		for (String pair : rawQuery.split("&")) {
			if (pair.isEmpty()) {
				continue;
			}
			int equals = pair.indexOf('=');
			String name = (equals < 0) ? pair : pair.substring(0, equals);
			String value = (equals < 0) ? "" : pair.substring(equals + 1);
			parameters.add(new String[] { urlEncode(decode(name)), urlEncode(decode(value)) });
		}
		parameters.sort((a, b) -> (a[0].equals(b[0])) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
		List<String> joined = new ArrayList<>();
		parameters.forEach((parameter) -> joined.add(parameter[0] + "=" + parameter[1]));
		return String.join("&", joined);
	}

	public static String stringToSign(String sdkDate, String canonicalRequest) {
		return ALGORITHM + "\n" + sdkDate + "\n" + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
	}

	public static String signature(String secretKey, String stringToSign) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(secretKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			return hex(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * RFC 3986 unreserved characters stay, everything else is percent-encoded (space as
	 * {@code %20}, {@code *} as {@code %2A}, {@code ~} kept).
	 */
	static String urlEncode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8)
			.replace("+", "%20")
			.replace("*", "%2A")
			.replace("%7E", "~");
	}

	private static String decode(String value) {
		return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
	}

	private static byte[] sha256(byte[] data) {
		try {
			return MessageDigest.getInstance("SHA-256").digest((data != null) ? data : new byte[0]);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String hex(byte[] bytes) {
		return HexFormat.of().formatHex(bytes);
	}

}
