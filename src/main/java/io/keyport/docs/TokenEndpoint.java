package io.keyport.docs;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The issuer's token endpoint, as its OpenID Connect or RFC 8414 metadata names it. Read
 * once, when the OpenAPI document is first built, never at startup: an unreachable issuer
 * must not keep Keyport from starting.
 */
final class TokenEndpoint {

	private static final Log logger = LogFactory.getLog(TokenEndpoint.class);

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private static final List<String> METADATA = List.of("/.well-known/openid-configuration",
			"/.well-known/oauth-authorization-server");

	private TokenEndpoint() {
	}

	/** The configured URL, else the metadata's, else {@code <issuer>/oauth2/token}. */
	static URI resolve(URI configured, String issuer) {
		if (configured != null) {
			return configured;
		}
		String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
		HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
		JsonMapper json = JsonMapper.builder().build();
		for (String path : METADATA) {
			try {
				HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(base + path))
					.timeout(TIMEOUT)
					.header("Accept", "application/json")
					.build(), HttpResponse.BodyHandlers.ofString());
				if (response.statusCode() == 200) {
					JsonNode endpoint = json.readTree(response.body()).path("token_endpoint");
					if (endpoint.isString() && endpoint.asString().matches("https?://.+")) {
						return URI.create(endpoint.asString());
					}
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			catch (Exception ex) {
				logger.debug("Issuer metadata " + base + path + " not readable", ex);
			}
		}
		logger.info("Issuer metadata names no token endpoint; the API documentation assumes " + base
				+ "/oauth2/token (set keyport.docs.token-url to override)");
		return URI.create(base + "/oauth2/token");
	}

}
