package io.keyport.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.keyportdev.localauth.LocalAuthorizationServer;
import io.keyportdev.localauth.LocalAuthorizationServer.DemoClient;

/**
 * Bearer tokens from the local authorization server, obtained with client credentials
 * like any platform does.
 */
public final class Tokens {

	/**
	 * Fetched again this long before they expire: the service checks expiry on the system
	 * clock (not the tests' clock), and a long suite outlives a token.
	 */
	private static final Duration RENEW_BEFORE_EXPIRY = Duration.ofSeconds(90);

	private static final Map<String, Token> CACHE = new ConcurrentHashMap<>();

	private record Token(String value, Instant expiresAt) {
	}

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private Tokens() {
	}

	/**
	 * A token for the client with all its scopes; cached until shortly before it expires
	 * (the local server's tokens live 5 minutes, a suite run longer).
	 */
	public static String of(DemoClient client) {
		return of(client, String.join(" ", client.scopes()));
	}

	/** A token for the client restricted to some of its scopes. */
	public static String of(DemoClient client, String scope) {
		return CACHE.compute(client.id() + " " + scope,
				(id, cached) -> cached != null && Instant.now().plus(RENEW_BEFORE_EXPIRY).isBefore(cached.expiresAt())
						? cached : fetch(client, scope))
			.value();
	}

	private static Token fetch(DemoClient client, String scope) {
		String form = "grant_type=client_credentials&scope=" + scope.replace(" ", "%20");
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(TestInfrastructure.issuer() + "/oauth2/token"))
			.header("Content-Type", "application/x-www-form-urlencoded");
		if (LocalAuthorizationServer.TEST_CLIENTS.contains(client)) {
			// client_secret_post: these ids may hold a colon, which HTTP Basic cannot
			// carry
			form += "&client_id=" + URLEncoder.encode(client.id(), StandardCharsets.UTF_8) + "&client_secret="
					+ URLEncoder.encode(client.secret(), StandardCharsets.UTF_8);
		}
		else {
			builder.header("Authorization", "Basic " + Base64.getEncoder()
				.encodeToString((client.id() + ":" + client.secret()).getBytes(StandardCharsets.UTF_8)));
		}
		HttpRequest request = builder.POST(HttpRequest.BodyPublishers.ofString(form)).build();
		try {
			HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new IllegalStateException(
						"token request failed: " + response.statusCode() + " " + response.body());
			}
			JsonNode token = JsonMapper.builder().build().readTree(response.body());
			return new Token(token.get("access_token").asString(),
					Instant.now().plusSeconds(token.get("expires_in").asLong()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
