package io.keyport.web;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The JSON body of the material uploads, parsed and decoded without Jackson; no error
 * ever echoes the value.
 */
class Base64JsonBodyTests {

	private static final SecureRandom RANDOM = new SecureRandom();

	@Test
	void decodesEveryLengthExactlyLikeTheJdk() {
		for (int length = 0; length < 70; length++) {
			byte[] material = random(length);
			String body = "{\"keyMaterial\":\"" + Base64.getEncoder().encodeToString(material) + "\"}";
			assertThat(parse(body)).as("length " + length).isEqualTo(material);
		}
	}

	@Test
	void jsonWhitespaceAroundTokensIsAccepted() {
		byte[] material = random(32);
		String base64 = Base64.getEncoder().encodeToString(material);
		assertThat(parse(" \r\n\t{ \"keyMaterial\" \n:\t\"" + base64 + "\"\r\n}\n ")).isEqualTo(material);
		assertThat(parse("{\"keyMaterial\":\"" + base64 + "\"}")).isEqualTo(material);
	}

	@Test
	void missingPaddingIsInvalidBase64WithThePositionButNotTheValue() {
		byte[] material = random(32); // 44 characters with one '='
		String base64 = Base64.getEncoder().withoutPadding().encodeToString(material);
		ApiException ex = refused("{\"keyMaterial\":\"" + base64 + "\"}", "invalid-base64");
		assertThat(ex.getMessage()).contains("keyMaterial").contains("byte " + (16 + base64.length()));
		assertNoTrace(ex, material);
		refused("{\"keyMaterial\":\"QUJD=\"}", "invalid-base64");
		refused("{\"keyMaterial\":\"QU==QUJD\"}", "invalid-base64");
		refused("{\"keyMaterial\":\"Q===\"}", "invalid-base64");
		refused("{\"keyMaterial\":\"QQ=A\"}", "invalid-base64");
	}

	@Test
	void theUrlSafeAlphabetIsInvalidBase64() {
		byte[] material = random(48);
		String urlSafe = Base64.getUrlEncoder().encodeToString(material) + "-_";
		ApiException ex = refused("{\"keyMaterial\":\"" + urlSafe.substring(2) + "\"}", "invalid-base64");
		assertThat(ex.getMessage()).contains("URL-safe");
		assertNoTrace(ex, material);
	}

	@Test
	void escapesLineBreaksAndOtherCharactersInTheValueAreRefused() {
		assertThat(refused("{\"keyMaterial\":\"QUJD\\u0044\"}", "invalid-base64").getMessage()).contains("escape");
		assertThat(refused("{\"keyMaterial\":\"QUJD\\/QUJD\"}", "invalid-base64").getMessage()).contains("escape");
		refused("{\"keyMaterial\":\"QUJD\nQUJD\"}", "invalid-base64");
		refused("{\"keyMaterial\":\"QUJD QUJD\"}", "invalid-base64");
		refused("{\"keyMaterial\":\"QUJD\u00e9QUJ\"}", "invalid-base64");
	}

	@Test
	void truncatedOrMalformedJsonIsRefusedWithoutTheValue() {
		byte[] material = random(32);
		String base64 = Base64.getEncoder().encodeToString(material);
		String whole = "{\"keyMaterial\":\"" + base64 + "\"}";
		for (int cut = 0; cut < whole.length(); cut++) {
			ApiException ex = refused(whole.substring(0, cut), "malformed-request-body");
			assertNoTrace(ex, material);
		}
		assertNoTrace(refused("{\"keyMaterial\":" + base64 + "}", "malformed-request-body"), material);
		refused("{\"keyMaterial\":123}", "malformed-request-body");
		refused("{\"keyMaterial\":[\"" + base64 + "\"]}", "malformed-request-body");
		refused("{'keyMaterial':'" + base64 + "'}", "malformed-request-body");
		refused(whole + "{}", "malformed-request-body");
		refused(whole + ",", "malformed-request-body");
		refused("{\"keyMaterial\":\"" + base64 + "\",}", "malformed-request-body");
		refused("[" + whole + "]", "malformed-request-body");
		refused("\uFEFF" + whole, "malformed-request-body");
	}

	@Test
	void unknownAndDuplicateFieldsAreRefused() {
		byte[] material = random(32);
		String base64 = Base64.getEncoder().encodeToString(material);
		assertNoTrace(refused("{\"keyMaterial\":\"" + base64 + "\",\"colour\":\"blue\"}", "unknown-field"), material);
		// a field name is the caller's text: never echoed, it may be material sent in the
		// wrong place
		assertNoTrace(refused("{\"" + base64 + "\":\"QUJD\"}", "unknown-field"), material);
		refused("{\"key\\u004daterial\":\"QUJD\"}", "unknown-field");
		refused("{\"KeyMaterial\":\"QUJD\"}", "unknown-field");
		assertNoTrace(
				refused("{\"keyMaterial\":\"" + base64 + "\",\"keyMaterial\":\"QUJD\"}", "malformed-request-body"),
				material);
	}

	@Test
	void aMissingOrNullFieldIsAValidationFailure() {
		refused("{}", "validation-failed");
		refused(" { } ", "validation-failed");
		refused("{\"keyMaterial\":null}", "validation-failed");
		assertThat(parse("{\"keyMaterial\":\"\"}")).isEmpty();
	}

	@Test
	void aHugeBodyIsRefusedAfterReadingNoMoreThanItsBound() throws Exception {
		byte[] huge = ("{\"keyMaterial\":\"" + "QUJD".repeat(1_000_000) + "\"}").getBytes(StandardCharsets.US_ASCII);
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/");
		request.setContent(huge);
		ApiException ex = catchThrowableOfType(ApiException.class,
				() -> Base64JsonBody.read(request, "keyMaterial", 16 * 1024));
		assertThat(ex.code()).isEqualTo("request-too-large");
		assertThat(ex.status().value()).isEqualTo(413);
		// and a huge body within the bound parses
		byte[] material = random(16 * 1024);
		MockHttpServletRequest fits = new MockHttpServletRequest("POST", "/");
		fits.setContent(("{\"keyMaterial\":\"" + Base64.getEncoder().encodeToString(material) + "\"}")
			.getBytes(StandardCharsets.US_ASCII));
		assertThat(Base64JsonBody.read(fits, "keyMaterial", 16 * 1024)).isEqualTo(material);
	}

	@Test
	void theFieldNameIsTheCallers() {
		byte[] material = random(20);
		String body = "{\"encryptedKeyMaterial\":\"" + Base64.getEncoder().encodeToString(material) + "\"}";
		assertThat(
				Base64JsonBody.parse(body.getBytes(StandardCharsets.US_ASCII), body.length(), "encryptedKeyMaterial"))
			.isEqualTo(material);
		refused(body, "unknown-field");
	}

	private static byte[] parse(String body) {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		return Base64JsonBody.parse(bytes, bytes.length, "keyMaterial");
	}

	private static ApiException refused(String body, String code) {
		ApiException ex = catchThrowableOfType(ApiException.class, () -> parse(body));
		assertThat(ex).as(body.length() > 60 ? body.substring(0, 60) : body).isNotNull();
		assertThat(ex.code()).as(ex.getMessage()).isEqualTo(code);
		assertThat(ex.status().value()).isEqualTo(400);
		return ex;
	}

	/**
	 * Neither the message nor the stack holds any 8-character run of the value's base64
	 * (standard or URL-safe).
	 */
	private static void assertNoTrace(ApiException ex, byte[] material) {
		String message = String.valueOf(ex.getMessage());
		for (String encoded : new String[] { Base64.getEncoder().encodeToString(material),
				Base64.getUrlEncoder().encodeToString(material) }) {
			for (int i = 0; i + 8 <= encoded.length(); i++) {
				assertThat(message).doesNotContain(encoded.substring(i, i + 8));
			}
		}
		assertThat(ex.getCause()).isNull();
	}

	private static byte[] random(int length) {
		byte[] bytes = new byte[length];
		RANDOM.nextBytes(bytes);
		return bytes;
	}

}
