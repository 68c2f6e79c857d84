package io.keyport.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every plaintext key material the tests send to the service in this JVM, so a scan after
 * the whole suite can prove none of it was kept in a log line or a table. Trivial
 * material (all bytes equal, shorter than 16 bytes) is left out: its encodings occur
 * everywhere by chance.
 */
public final class PlaintextRegistry {

	private static final ConcurrentLinkedQueue<byte[]> MATERIALS = new ConcurrentLinkedQueue<>();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private PlaintextRegistry() {
	}

	public static void register(byte[] material) {
		if (material == null || material.length < 16) {
			return;
		}
		for (byte b : material) {
			if (b != material[0]) {
				MATERIALS.add(material.clone());
				return;
			}
		}
	}

	/**
	 * A plaintext upload's body: JSON with {@code keyMaterial}, or a key file (PEM or
	 * DER) as it is.
	 */
	static void registerUpload(String path, byte[] body, String contentType) {
		if (!path.endsWith("/key-material") || body == null) {
			return;
		}
		try {
			if (contentType != null && contentType.startsWith("application/json")) {
				byte[] decoded = jsonMaterial(body);
				if (decoded != null) {
					register(decoded);
					registerPem(decoded);
				}
			}
			else {
				register(body);
				registerPem(body);
			}
		}
		catch (RuntimeException ex) {
			// malformed on purpose (error-path tests): nothing the service could have
			// kept
		}
	}

	private static final java.util.regex.Pattern MALFORMED_MATERIAL = java.util.regex.Pattern
		.compile("\"keyMaterial\"\\s*:\\s*\"?([A-Za-z0-9+/_=-]{16,})");

	/**
	 * {@code keyMaterial} of a JSON body, also from bodies the service must refuse
	 * (base64 without padding or in the URL-safe alphabet, JSON cut off, the value
	 * without quotes): the material in them is real all the same.
	 */
	private static byte[] jsonMaterial(byte[] body) {
		try {
			JsonNode material = JSON.readTree(body).path("keyMaterial");
			if (material.isString()) {
				return Base64.getDecoder().decode(material.asString());
			}
		}
		catch (RuntimeException ex) {
			// not JSON, or not standard base64: read the value leniently below
		}
		java.util.regex.Matcher matcher = MALFORMED_MATERIAL.matcher(new String(body, StandardCharsets.US_ASCII));
		if (!matcher.find()) {
			return null;
		}
		String base64 = matcher.group(1).replace('-', '+').replace('_', '/').replace("=", "");
		base64 = base64.substring(0, base64.length() - (base64.length() % 4 == 1 ? 1 : 0));
		return Base64.getDecoder().decode(base64 + "==".substring(0, (4 - base64.length() % 4) % 4));
	}

	/** The DER inside a PEM file, the form the service handles. */
	private static void registerPem(byte[] bytes) {
		String text = new String(bytes, StandardCharsets.US_ASCII);
		if (text.startsWith("-----BEGIN")) {
			String base64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
			register(Base64.getDecoder().decode(base64));
		}
	}

	public static List<byte[]> materials() {
		return List.copyOf(MATERIALS);
	}

}
