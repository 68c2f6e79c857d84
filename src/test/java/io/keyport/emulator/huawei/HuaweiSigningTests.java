package io.keyport.emulator.huawei;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The test signer and verifier against Huawei's published SDK-HMAC-SHA256 example
 * (huaweicloud-sdk-java-v3,
 * core/src/test/java/com/huaweicloud/sdk/core/TestAKSKSigner.java): a GET of
 * {@code /v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=...} at
 * {@code 20191115T033655Z}.
 */
class HuaweiSigningTests {

	private static final String ACCESS_KEY = "QTWAOYTTINDUT2QVKYUC";

	private static final String SECRET_KEY = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc";

	private static final String EXPECTED_SIGNATURE = "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe";

	@Test
	void signerReproducesHuaweisPublishedExample() {
		URI uri = URI.create("https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs"
				+ "?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0");
		Map<String, String> headers = HuaweiSigning.sign("GET", uri,
				Map.of("Content-Type", "application/json", "X-Sdk-Date", "20191115T033655Z"), new byte[0], ACCESS_KEY,
				SECRET_KEY, Instant.EPOCH);
		assertThat(headers).containsEntry("Authorization",
				"SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, Signature="
						+ EXPECTED_SIGNATURE)
			.containsEntry("X-Sdk-Date", "20191115T033655Z");
	}

	@Test
	void verifierCanonicalisationOfTheReceivedRequestGivesThePublishedSignature() {
		// As the emulator sees the request: raw path and query in another order, header
		// values as received.
		String canonical = HuaweiSigning.canonicalRequest("GET", "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs",
				"marker=13551d6b-755d-4757-b956-536f674975c0&limit=2", Map.of("x-sdk-date", "20191115T033655Z", "host",
						"service.region.example.com", "content-type", " application/json"),
				new byte[0]);
		assertThat(canonical).isEqualTo("GET\n/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/\n"
				+ "limit=2&marker=13551d6b-755d-4757-b956-536f674975c0\n"
				+ "content-type:application/json\nhost:service.region.example.com\nx-sdk-date:20191115T033655Z\n\n"
				+ "content-type;host;x-sdk-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
		assertThat(HuaweiSigning.signature(SECRET_KEY, HuaweiSigning.stringToSign("20191115T033655Z", canonical)))
			.isEqualTo(EXPECTED_SIGNATURE);
	}

	@Test
	void authorizationHeaderParsesIntoAccessKeySignedHeadersAndSignature() {
		HuaweiSigning.Authorization authorization = HuaweiSigning.Authorization.parse(
				"SDK-HMAC-SHA256 Access=AK, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=ab12");
		assertThat(authorization.accessKey()).isEqualTo("AK");
		assertThat(authorization.signedHeaders()).containsExactly("content-type", "host", "x-project-id", "x-sdk-date");
		assertThat(authorization.signature()).isEqualTo("ab12");
		assertThat(HuaweiSigning.Authorization.parse("AWS4-HMAC-SHA256 Credential=x")).isNull();
		assertThat(HuaweiSigning.Authorization.parse("SDK-HMAC-SHA256 Access=AK, Signature=ab12")).isNull();
	}

	@Test
	void signedRequestDependsOnBodyPortAndPathSegmentsEncoding() {
		Instant now = Instant.parse("2026-01-01T00:00:00Z");
		byte[] body = "{\"key_id\":\"x\"}".getBytes(StandardCharsets.UTF_8);
		String withPort = HuaweiSigning
			.sign("POST", URI.create("http://127.0.0.1:4580/v1.0/p/kms/describe-key"), Map.of(), body, "AK", "SK", now)
			.get("Authorization");
		String otherPort = HuaweiSigning
			.sign("POST", URI.create("http://127.0.0.1:4581/v1.0/p/kms/describe-key"), Map.of(), body, "AK", "SK", now)
			.get("Authorization");
		String otherBody = HuaweiSigning
			.sign("POST", URI.create("http://127.0.0.1:4580/v1.0/p/kms/describe-key"), Map.of(),
					new byte[] { '{', '}' }, "AK", "SK", now)
			.get("Authorization");
		assertThat(List.of(withPort, otherPort, otherBody)).doesNotHaveDuplicates();
		assertThat(HuaweiSigning.canonicalUri("/v1.0/a b/kms/x*~")).isEqualTo("/v1.0/a%20b/kms/x%2A~/");
	}

}
