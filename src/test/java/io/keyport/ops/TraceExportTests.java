package io.keyport.ops;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With an OTLP endpoint configured, request and KMS-call spans are exported there (here:
 * a local collector stub).
 */
class TraceExportTests extends IntegrationTest {

	static final AtomicInteger exports = new AtomicInteger();

	static HttpServer collector;

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void otlp(DynamicPropertyRegistry registry) throws Exception {
		collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		collector.createContext("/v1/traces", exchange -> {
			if (exchange.getRequestBody().readAllBytes().length > 0) {
				exports.incrementAndGet();
			}
			exchange.sendResponseHeaders(200, -1);
			exchange.close();
		});
		collector.start();
		registry.add("management.opentelemetry.tracing.export.otlp.endpoint",
				() -> "http://127.0.0.1:" + collector.getAddress().getPort() + "/v1/traces");
		registry.add("management.tracing.sampling.probability", () -> "1.0");
	}

	@AfterAll
	static void stop() {
		collector.stop(0);
	}

	@Test
	void spansAreExportedOverOtlpWhenAnEndpointIsConfigured() {
		new ApiClient(this.port).postJson("/api/v1/kms-keys", "{\"keySpec\":\"SYMMETRIC_DEFAULT\"}");
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(exports.get()).isPositive());
	}

}
