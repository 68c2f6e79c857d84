package io.keyport.kms.huawei;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HuaweiSignerTests {

	private static final Instant PUBLISHED_DATE = Instant.parse("2019-11-15T03:36:55Z");

	private static final byte[] PUBLISHED_SK = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc"
		.getBytes(StandardCharsets.US_ASCII);

	/**
	 * huaweicloud-sdk-java-v3 core/src/test/java/com/huaweicloud/sdk/core/TestAKSKSigner:
	 * a GET of the VPC list with two query parameters, signed over
	 * content-type;host;x-sdk-date.
	 */
	@Test
	void reproducesHuaweisPublishedSignature() {
		URI uri = URI.create("https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs"
				+ "?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0");

		Map<String, String> added = HuaweiSigner.sign("GET", uri, Map.of("Content-Type", "application/json"),
				new byte[0], "QTWAOYTTINDUT2QVKYUC", PUBLISHED_SK, PUBLISHED_DATE);

		assertThat(added).containsEntry("X-Sdk-Date", "20191115T033655Z")
			.containsEntry("Authorization",
					"SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, "
							+ "Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe");
	}

	@Test
	void queryParametersAreSortedWhateverTheirOrderInTheUri() {
		URI reordered = URI.create("https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs"
				+ "?marker=13551d6b-755d-4757-b956-536f674975c0&limit=2");

		Map<String, String> added = HuaweiSigner.sign("GET", reordered, Map.of("Content-Type", "application/json"),
				new byte[0], "QTWAOYTTINDUT2QVKYUC", PUBLISHED_SK, PUBLISHED_DATE);

		assertThat(added.get("Authorization"))
			.endsWith("Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe");
		assertThat(HuaweiSigner.canonicalQuery(URI.create("https://h/p?b=2&a=x%20y&a=1&c=~*")))
			.isEqualTo("a=1&a=x%20y&b=2&c=~%2A");
	}

	@Test
	void canonicalUriEncodesEachSegmentAndEndsWithASlash() {
		assertThat(HuaweiSigner.canonicalUri(URI.create("https://h/v1.0/0123abc/kms/describe-key")))
			.isEqualTo("/v1.0/0123abc/kms/describe-key/");
		assertThat(HuaweiSigner.canonicalUri(URI.create("https://h/a%20b/c"))).isEqualTo("/a%20b/c/");
		assertThat(HuaweiSigner.canonicalUri(URI.create("https://h"))).isEqualTo("/");
	}

	@Test
	void signsTheHostWithItsPortWhenTheUriHasOne() {
		URI uri = URI.create("http://127.0.0.1:18443/v1.0/project/kms/describe-key");
		TreeMap<String, String> signed = HuaweiSigner.signedHeaders(uri, Map.of(), "20191115T033655Z");
		assertThat(signed).containsEntry("host", "127.0.0.1:18443");

		Map<String, String> withPort = HuaweiSigner.sign("POST", uri, Map.of(), new byte[0], "AK", PUBLISHED_SK,
				PUBLISHED_DATE);
		Map<String, String> withoutPort = HuaweiSigner.sign("POST",
				URI.create("http://127.0.0.1/v1.0/project/kms/describe-key"), Map.of(), new byte[0], "AK", PUBLISHED_SK,
				PUBLISHED_DATE);
		assertThat(withPort.get("Authorization")).isNotEqualTo(withoutPort.get("Authorization"));
	}

	@Test
	void kmsCallsSignTheProjectAndTheSecurityTokenHeaders() {
		URI uri = URI.create("https://kms.ap-southeast-1.myhuaweicloud.com/v1.0/p1/kms/describe-key");
		byte[] body = "{\"key_id\":\"k\"}".getBytes(StandardCharsets.UTF_8);
		Map<String, String> headers = Map.of("Content-Type", "application/json;charset=UTF-8", "X-Project-Id", "p1",
				"X-Security-Token", "token-value");

		Map<String, String> added = HuaweiSigner.sign("POST", uri, headers, body, "AK", PUBLISHED_SK, PUBLISHED_DATE);

		assertThat(added.get("Authorization"))
			.contains("SignedHeaders=content-type;host;x-project-id;x-sdk-date;x-security-token,");
		TreeMap<String, String> signed = HuaweiSigner.signedHeaders(uri, headers, "20191115T033655Z");
		assertThat(HuaweiSigner.canonicalRequest("POST", uri, signed, body)).isEqualTo("""
				POST
				/v1.0/p1/kms/describe-key/

				content-type:application/json;charset=UTF-8
				host:kms.ap-southeast-1.myhuaweicloud.com
				x-project-id:p1
				x-sdk-date:20191115T033655Z
				x-security-token:token-value

				content-type;host;x-project-id;x-sdk-date;x-security-token
				""" + java.util.HexFormat.of().formatHex(HuaweiSigner.sha256(body)));
	}

	@Test
	void theBodyIsPartOfTheSignature() {
		URI uri = URI.create("https://kms.ap-southeast-1.myhuaweicloud.com/v1.0/p1/kms/describe-key");
		Map<String, String> one = HuaweiSigner.sign("POST", uri, Map.of(), "{\"key_id\":\"a\"}".getBytes(), "AK",
				PUBLISHED_SK, PUBLISHED_DATE);
		Map<String, String> other = HuaweiSigner.sign("POST", uri, Map.of(), "{\"key_id\":\"b\"}".getBytes(), "AK",
				PUBLISHED_SK, PUBLISHED_DATE);
		assertThat(one.get("Authorization")).isNotEqualTo(other.get("Authorization"));
	}

}
