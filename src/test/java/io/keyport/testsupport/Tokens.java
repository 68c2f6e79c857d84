package io.keyport.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import tools.jackson.databind.json.JsonMapper;

import io.keyportdev.localauth.LocalAuthorizationServer;
import io.keyportdev.localauth.LocalAuthorizationServer.DemoClient;

/**
 * Bearer tokens from the local authorization server, obtained with client credentials
 * like any platform does.
 */
public final class Tokens {

	private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private Tokens() {
	}

	/**
	 * A token for the client with all its scopes; cached for the test run (tokens live 5
	 * minutes).
	 */
	public static String of(DemoClient client) {
		return of(client, String.join(" ", client.scopes()));
	}

	/** A token for the client restricted to some of its scopes. */
	public static String of(DemoClient client, String scope) {
		return CACHE.computeIfAbsent(client.id() + " " + scope, id -> fetch(client, scope));
	}

	private static String fetch(DemoClient client, String scope) {
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
			return JsonMapper.builder().build().readTree(response.body()).get("access_token").asString();
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
