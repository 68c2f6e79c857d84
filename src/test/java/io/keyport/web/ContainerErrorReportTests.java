package io.keyport.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.keyport.testsupport.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * URLs Tomcat rejects itself, before Spring sees the request, are answered with
 * problem+json like every other error, without echoing the URL; sent over a raw socket,
 * as an HTTP client library would refuse to send most of them.
 */
class ContainerErrorReportTests extends IntegrationTest {

	@LocalServerPort
	int port;

	@ParameterizedTest
	@ValueSource(strings = { "/api/v1/import-jobs/a%2Fb", "/api/v1/kms-keys/a%5Cb/public-key",
			"/api/v1/import-jobs/a%00b", "/api/v1/import-jobs/%zz", "/api/v1/import-jobs/a%2" })
	void aUrlTheContainerRejectsIsAProblemJsonAnswerWithoutTheUrl(String path) throws IOException {
		String answer = exchange("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

		String head = answer.substring(0, answer.indexOf("\r\n\r\n"));
		String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
		assertThat(head).startsWith("HTTP/1.1 400");
		assertThat(head.toLowerCase(java.util.Locale.ROOT)).contains("content-type: application/problem+json");
		assertThat(body).doesNotContain("<html").doesNotContain("Tomcat").doesNotContain(path);
		JsonNode problem = JsonMapper.builder().build().readTree(body);
		assertThat(problem.get("code").asString()).isEqualTo("bad-request");
		assertThat(problem.get("status").asInt()).isEqualTo(400);
		assertThat(problem.get("type").asString()).isEqualTo("https://keyport.io/problems/bad-request");
		assertThat(problem.get("detail").asString()).isNotBlank();
	}

	private String exchange(String request) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(request.getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			InputStream in = socket.getInputStream();
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

}
