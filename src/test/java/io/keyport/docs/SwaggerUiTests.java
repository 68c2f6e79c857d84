package io.keyport.docs;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.IntegrationTest;
import io.keyport.testsupport.TestInfrastructure;
import io.keyportdev.localauth.LocalAuthorizationServer;
import io.keyportdev.localauth.LocalAuthorizationServer.DemoClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Swagger UI as the local run serves it (switched on here, so a context of its own): a
 * real headless Chromium loads the page, which lists the operations and offers Authorize;
 * the document's client-credentials flow names the issuer's token endpoint, which gives a
 * demo client a token the API accepts, as "try it out" uses it. The screenshot stays in
 * target/swagger-ui/ as an artifact. Without Chromium (system property
 * {@code chromium.binary}, else {@code chromium} or {@code chromium-browser} on the PATH)
 * the browser test is skipped.
 */
@TestPropertySource(properties = "springdoc.swagger-ui.enabled=true")
class SwaggerUiTests extends IntegrationTest {

	static final Path ARTIFACTS = Path.of("target", "swagger-ui");

	static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Test
	void headlessChromiumLoadsSwaggerUiListingTheOperationsWithAuthorize() throws Exception {
		Optional<Path> chromium = chromium();
		assumeTrue(chromium.isPresent(), "Chromium not installed (apt-get install chromium, or set -Dchromium.binary)"
				+ ": the Swagger UI browser test is skipped");
		String url = "http://localhost:" + this.port + "/swagger-ui/index.html";
		Files.createDirectories(ARTIFACTS);
		Path screenshot = ARTIFACTS.resolve("swagger-ui.png").toAbsolutePath();
		Files.deleteIfExists(screenshot);

		String dom = runChromium(chromium.get(), List.of("--dump-dom", url));
		Files.writeString(ARTIFACTS.resolve("swagger-ui.html"), dom, StandardCharsets.UTF_8);
		runChromium(chromium.get(), List.of("--screenshot=" + screenshot, url));

		assertThat(dom).as("the rendered page").contains("swagger-ui").contains("Keyport API");
		// the operations, rendered from the served document
		assertThat(dom).contains("/api/v1/import-jobs")
			.contains("/api/v1/import-jobs/{id}/wrapping-key")
			.contains("/api/v1/kms-keys")
			.contains("/api/v1/audit-events");
		// the Authorize button, there because the document has security schemes
		assertThat(dom).containsPattern("class=\"[^\"]*btn authorize");
		byte[] png = Files.readAllBytes(screenshot);
		assertThat(png).as("screenshot %s", screenshot).hasSizeGreaterThan(20_000);
		assertThat(java.util.Arrays.copyOf(png, 8)).containsExactly(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
	}

	@Test
	void swaggerUiIsServedAndItsDocumentOffersClientCredentialsAtTheIssuersTokenEndpoint() throws Exception {
		ApiClient anonymous = new ApiClient(this.port);
		ApiClient.Response page = anonymous.get("/swagger-ui/index.html", "text/html");
		assertThat(page.status()).as(page.toString()).isEqualTo(200);
		assertThat(page.text()).contains("swagger-initializer.js");
		ApiClient.Response config = anonymous.get("/v3/api-docs/swagger-config");
		assertThat(config.status()).as(config.toString()).isEqualTo(200);
		assertThat(config.json().path("url").asString()).isEqualTo("/v3/api-docs");
		assertThat(config.json().path("oauth2RedirectUrl").asString()).endsWith("/swagger-ui/oauth2-redirect.html");

		JsonNode document = anonymous.get("/v3/api-docs").json();
		JsonNode scheme = document.at("/components/securitySchemes/oauth2");
		assertThat(scheme.path("type").asString()).isEqualTo("oauth2");
		JsonNode flow = scheme.at("/flows/clientCredentials");
		String tokenUrl = flow.path("tokenUrl").asString();
		// read from the issuer's metadata: the local server's own endpoint
		assertThat(tokenUrl).isEqualTo(TestInfrastructure.issuer() + "/oauth2/token");
		assertThat(flow.path("scopes").propertyNames()).containsExactlyInAnyOrder("keyport:read", "keyport:import",
				"keyport:keys", "keyport:admin", "keyport:ops");
		assertThat(document.path("security").toString()).contains("\"oauth2\"");

		// what the Authorize dialog does in the browser: a cross-origin
		// client-credentials
		// request from the page's origin, Basic-authenticated
		DemoClient client = LocalAuthorizationServer.PLATFORM_A;
		String origin = "http://localhost:" + this.port;
		HttpClient http = HttpClient.newHttpClient();
		HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(URI.create(tokenUrl))
			.method("OPTIONS", HttpRequest.BodyPublishers.noBody())
			.header("Origin", origin)
			.header("Access-Control-Request-Method", "POST")
			.header("Access-Control-Request-Headers", "authorization,content-type")
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(preflight.statusCode()).as(preflight.body()).isEqualTo(200);
		assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).contains(origin);
		HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(tokenUrl))
			.header("Origin", origin)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("Authorization",
					"Basic " + Base64.getEncoder()
						.encodeToString((client.id() + ":" + client.secret()).getBytes(StandardCharsets.UTF_8)))
			.POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=keyport:read"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
		assertThat(token.headers().firstValue("Access-Control-Allow-Origin")).contains(origin);
		String accessToken = JSON.readTree(token.body()).path("access_token").asString();
		assertThat(accessToken).isNotBlank();

		// "try it out" then sends it as a bearer token
		ApiClient.Response jobs = new ApiClient(this.port, accessToken).get("/api/v1/import-jobs");
		assertThat(jobs.status()).as(jobs.toString()).isEqualTo(200);
	}

	static Optional<Path> chromium() {
		String configured = System.getProperty("chromium.binary");
		if (configured != null) {
			return Optional.of(Path.of(configured)).filter(Files::isExecutable);
		}
		String path = System.getenv().getOrDefault("PATH", "");
		return Stream.of(path.split(java.io.File.pathSeparator))
			.filter(dir -> !dir.isBlank())
			.flatMap(dir -> Stream.of(Path.of(dir, "chromium"), Path.of(dir, "chromium-browser")))
			.filter(Files::isExecutable)
			.findFirst();
	}

	/** Runs headless Chromium on a fresh profile; its standard output. */
	static String runChromium(Path chromium, List<String> arguments) throws IOException, InterruptedException {
		Path profile = Files.createTempDirectory("keyport-chromium");
		List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless=new", "--no-sandbox",
				"--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + profile,
				"--window-size=1400,2400", "--virtual-time-budget=15000"));
		command.addAll(arguments);
		Path stdout = Files.createTempFile("keyport-chromium", ".out");
		Path stderr = ARTIFACTS.resolve("chromium-stderr.log");
		Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile())
			.redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()))
			.start();
		try {
			assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("Chromium finished within 120 s").isTrue();
			assertThat(process.exitValue()).as("Chromium's exit status (its messages: %s)", stderr).isZero();
			return Files.readString(stdout, StandardCharsets.UTF_8);
		}
		finally {
			process.destroyForcibly();
			Files.deleteIfExists(stdout);
			org.springframework.util.FileSystemUtils.deleteRecursively(profile);
		}
	}

}
