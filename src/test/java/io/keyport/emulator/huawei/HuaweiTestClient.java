package io.keyport.emulator.huawei;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

/**
 * Raw signed HTTP calls to the emulator for its tests, signed with {@link HuaweiSigning}
 * as Huawei's SDK signs: {@code content-type;host;x-project-id;x-sdk-date}.
 */
final class HuaweiTestClient {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private final HuaweiKmsEmulator emulator;

	private final String accessKey;

	private final String secretKey;

	private final String projectId;

	private final Clock clock;

	HuaweiTestClient(HuaweiKmsEmulator emulator, String accessKey, String secretKey, Clock clock) {
		this(emulator, accessKey, secretKey, emulator.projectId(), clock);
	}

	HuaweiTestClient(HuaweiKmsEmulator emulator, String accessKey, String secretKey, String projectId, Clock clock) {
		this.emulator = emulator;
		this.accessKey = accessKey;
		this.secretKey = secretKey;
		this.projectId = projectId;
		this.clock = clock;
	}

	HuaweiTestClient withSecretKey(String otherSecretKey) {
		return new HuaweiTestClient(this.emulator, this.accessKey, otherSecretKey, this.projectId, this.clock);
	}

	HuaweiTestClient withProjectId(String otherProjectId) {
		return new HuaweiTestClient(this.emulator, this.accessKey, this.secretKey, otherProjectId, this.clock);
	}

	record Response(int status, JsonNode body, String requestId, String rawBody) {

		String errorCode() {
			JsonNode error = this.body.path("error");
			return error.isMissingNode() ? this.body.path("error_code").asString(null)
					: error.path("error_code").asString(null);
		}

	}

	Response call(String operation, Map<String, ?> body) {
		return call(operation, body, Map.of());
	}

	/** Signs and sends; {@code extraHeaders} are signed too. */
	Response call(String operation, Map<String, ?> body, Map<String, String> extraHeaders) {
		byte[] content = JSON.writeValueAsBytes(body);
		URI uri = URI.create(this.emulator.endpoint() + "/v1.0/" + this.projectId + "/kms/" + operation);
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("Content-Type", "application/json;charset=UTF-8");
		headers.put("X-Project-Id", this.projectId);
		headers.putAll(extraHeaders);
		Map<String, String> signature = HuaweiSigning.sign("POST", uri, headers, content, this.accessKey,
				this.secretKey, this.clock.instant());
		HttpRequest.Builder request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(content));
		headers.forEach(request::header);
		signature.forEach(request::header);
		return send(request.build());
	}

	static Response send(HttpRequest request) {
		try {
			HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
			String raw = response.body();
			JsonNode body = (raw == null || raw.isEmpty()) ? MissingNode.getInstance() : JSON.readTree(raw);
			return new Response(response.statusCode(), body, response.headers().firstValue("X-Request-Id").orElse(null),
					raw);
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
