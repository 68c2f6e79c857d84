package io.keyport.benchmark;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.keyportdev.localauth.LocalAuthorizationServer.DemoClient;

/**
 * Bearer tokens for one client from the authorization server's token endpoint
 * (client-credentials grant), fetched again when half of a token's lifetime has passed,
 * as a platform's OAuth2 client library does. Tokens are not logged.
 */
final class AccessTokens {

	private final HttpClient http;

	private final URI tokenEndpoint;

	private final DemoClient client;

	private final JsonMapper json = JsonMapper.builder().build();

	private String token;

	private long renewAtNanos;

	AccessTokens(HttpClient http, String issuer, DemoClient client) {
		this.http = http;
		this.tokenEndpoint = URI.create(issuer + "/oauth2/token");
		this.client = client;
	}

	synchronized String current() throws IOException, InterruptedException {
		if (this.token == null || System.nanoTime() - this.renewAtNanos > 0) {
			fetch();
		}
		return this.token;
	}

	private void fetch() throws IOException, InterruptedException {
		String credentials = Base64.getEncoder()
			.encodeToString((this.client.id() + ":" + this.client.secret()).getBytes(StandardCharsets.UTF_8));
		HttpRequest request = HttpRequest.newBuilder(this.tokenEndpoint)
			.header("Authorization", "Basic " + credentials)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers
				.ofString("grant_type=client_credentials&scope=" + String.join("%20", this.client.scopes())))
			.build();
		long requested = System.nanoTime();
		HttpResponse<byte[]> response = this.http.send(request, HttpResponse.BodyHandlers.ofByteArray());
		if (response.statusCode() != 200) {
			throw new IllegalStateException("token endpoint answered " + response.statusCode());
		}
		JsonNode body = this.json.readTree(response.body());
		this.token = body.required("access_token").asString();
		long lifetime = Duration.ofSeconds(body.path("expires_in").asLong(300)).toNanos();
		this.renewAtNanos = requested + lifetime / 2;
	}

}
