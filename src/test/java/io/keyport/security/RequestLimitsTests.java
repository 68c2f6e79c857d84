package io.keyport.security;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.IntegrationTest;

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
	void theErrorPageAskedForDirectlyIsNotFoundNotAServerError() {
		// found by review: without an error dispatch's status it answered 500
		ApiClient.Response direct = new ApiClient(this.port).get("/error");
		assertThat(direct.status()).as(direct.toString()).isEqualTo(404);
		assertThat(direct.json().get("code").asString()).isEqualTo("not-found");
	}

	@Test
	void bodyOverTheLimitIsRefusedWith413AndChangesNothing() {
		int jobs = this.jdbc.queryForObject("select count(*) from import_job", Integer.class);
		char[] padding = new char[70 * 1024];
		Arrays.fill(padding, 'a');
		byte[] body = ApiClient.json(Map.of("kmsKeyId", new String(padding))).getBytes(StandardCharsets.UTF_8);
		ApiClient api = new ApiClient(this.port);
		Map<String, String> json = Map.of("Content-Type", "application/json");

		// with a declared length
		ApiClient.Response declared = api.exchange("POST", "/api/v1/import-jobs", json, body);
		assertThat(declared.status()).isEqualTo(413);
		assertThat(declared.text()).contains("\"code\":\"request-too-large\"");

		// streamed without a declared length (chunked)
		ApiClient.Response chunked = api.exchange("POST", "/api/v1/import-jobs", json, body, true);
		assertThat(chunked.status()).isEqualTo(413);
		assertThat(chunked.text()).contains("request-too-large");

		assertThat(this.jdbc.queryForObject("select count(*) from import_job", Integer.class)).isEqualTo(jobs);
	}

}
