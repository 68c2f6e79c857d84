package io.keyport.benchmark;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The same import through Keyport's API, as the README's quickstart makes it with
 * plaintext material: create the EXTERNAL key, create the job (RSAES_OAEP_SHA_256,
 * RSA_2048), upload 32 fresh bytes for server-side wrapping. Every answer's status is
 * checked, and the upload's job state must be {@code IMPORTED}.
 */
final class KeyportApiImport implements ImportFlow {

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final byte[] MATERIAL_PREFIX = "{\"keyMaterial\":\"".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] MATERIAL_SUFFIX = "\"}".getBytes(StandardCharsets.US_ASCII);

	private final HttpClient http;

	private final URI api;

	private final AccessTokens tokens;

	private final JsonMapper json = JsonMapper.builder().build();

	KeyportApiImport(HttpClient http, URI keyport, AccessTokens tokens) {
		this.http = http;
		this.api = keyport.resolve("/api/v1/");
		this.tokens = tokens;
	}

	@Override
	public String name() {
		return "keyport";
	}

	@Override
	public void importOne() throws IOException, InterruptedException {
		String keyId = post("kms-keys", json("{\"keySpec\":\"SYMMETRIC_DEFAULT\",\"description\":\"benchmark\"}"), 201)
			.required("keyId")
			.asString();
		String jobId = post("import-jobs",
				json("{\"kmsKeyId\":\"" + keyId
						+ "\",\"wrappingAlgorithm\":\"RSAES_OAEP_SHA_256\",\"wrappingKeySpec\":\"RSA_2048\"}"),
				201)
			.required("id")
			.asString();
		byte[] body = plaintextBody();
		try {
			String state = post("import-jobs/" + jobId + "/key-material", body, 200).required("state").asString();
			if (!"IMPORTED".equals(state)) {
				throw new IllegalStateException("job " + jobId + " ended in state " + state + ", not IMPORTED");
			}
		}
		finally {
			Arrays.fill(body, (byte) 0);
		}
	}

	/**
	 * {@code {"keyMaterial":"<base64>"}} built as bytes, so the material never becomes a
	 * String; the caller zeroes the array after the request.
	 */
	private static byte[] plaintextBody() {
		byte[] material = new byte[32];
		byte[] encoded = null;
		try {
			RANDOM.nextBytes(material);
			encoded = Base64.getEncoder().encode(material);
			byte[] body = new byte[MATERIAL_PREFIX.length + encoded.length + MATERIAL_SUFFIX.length];
			System.arraycopy(MATERIAL_PREFIX, 0, body, 0, MATERIAL_PREFIX.length);
			System.arraycopy(encoded, 0, body, MATERIAL_PREFIX.length, encoded.length);
			System.arraycopy(MATERIAL_SUFFIX, 0, body, MATERIAL_PREFIX.length + encoded.length, MATERIAL_SUFFIX.length);
			return body;
		}
		finally {
			Arrays.fill(material, (byte) 0);
			if (encoded != null) {
				Arrays.fill(encoded, (byte) 0);
			}
		}
	}

	private static byte[] json(String body) {
		return body.getBytes(StandardCharsets.UTF_8);
	}

	private JsonNode post(String path, byte[] body, int expectedStatus) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(this.api.resolve(path))
			.header("Authorization", "Bearer " + this.tokens.current())
			.header("Content-Type", "application/json")
			.header("Accept", "application/json")
			.POST(HttpRequest.BodyPublishers.ofByteArray(body))
			.build();
		HttpResponse<byte[]> response = this.http.send(request, HttpResponse.BodyHandlers.ofByteArray());
		JsonNode answer = this.json.readTree(response.body());
		if (response.statusCode() != expectedStatus) {
			// problem+json: status and code only, never a request body
			throw new IllegalStateException("POST " + path + " answered " + response.statusCode() + " "
					+ answer.path("code").asString("") + " (expected " + expectedStatus + ")");
		}
		return answer;
	}

}
