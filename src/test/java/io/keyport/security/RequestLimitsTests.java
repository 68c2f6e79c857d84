package io.keyport.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.IntegrationTest;
import io.keyport.testsupport.Tokens;
import io.keyportdev.localauth.LocalAuthorizationServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Oversized bodies are refused with 413 before anything is read into memory or written.
 */
class RequestLimitsTests extends IntegrationTest {

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void bodyOverTheLimitIsRefusedWith413AndChangesNothing() throws Exception {
		int jobs = this.jdbc.queryForObject("select count(*) from import_job", Integer.class);
		char[] padding = new char[70 * 1024];
		Arrays.fill(padding, 'a');
		String body = ApiClient.json(Map.of("kmsKeyId", new String(padding)));

		// with a declared length
		HttpResponse<String> declared = send(HttpRequest.BodyPublishers.ofString(body));
		assertThat(declared.statusCode()).isEqualTo(413);
		assertThat(declared.body()).contains("\"code\":\"request-too-large\"");

		// streamed without a declared length (chunked)
		HttpResponse<String> chunked = send(
				HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body.getBytes())));
		assertThat(chunked.statusCode()).isEqualTo(413);
		assertThat(chunked.body()).contains("request-too-large");

		assertThat(this.jdbc.queryForObject("select count(*) from import_job", Integer.class)).isEqualTo(jobs);
	}

	HttpResponse<String> send(HttpRequest.BodyPublisher body) throws Exception {
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/v1/import-jobs"))
			.header("Authorization", "Bearer " + Tokens.of(LocalAuthorizationServer.PLATFORM_A))
			.header("Content-Type", "application/json")
			.POST(body)
			.build();
		return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
	}

}
