package io.keyport.wrapping;

import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.stream.Stream;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * Wycheproof AES-KWP (RFC 5649) vectors, the second step of RSA_AES_KEY_WRAP_SHA_*:
 * wrapping {@code msg} under {@code key} gives {@code ct} exactly for valid cases;
 * unwrapping an invalid {@code ct} fails.
 */
class KwpConformanceTests {

	@TestFactory
	Stream<DynamicNode> wycheproofAesKwp() {
		return TestVectors.dynamicTests("aes_kwp_test.json",
				(root) -> TestVectors.elements(root.get("testGroups"))
					.map((group) -> dynamicContainer("AES-" + group.get("keySize").asInt(),
							TestVectors.elements(group.get("tests"))
								.map((test) -> dynamicTest(name(test), () -> check(test))))));
	}

	private static void check(JsonNode test) throws GeneralSecurityException {
		byte[] key = TestVectors.hex(test, "key");
		byte[] msg = TestVectors.hex(test, "msg");
		byte[] ct = TestVectors.hex(test, "ct");
		switch (test.get("result").asString()) {
			case "valid" -> {
				assertThat(Kwp.wrap(key, msg)).isEqualTo(ct);
				assertThat(Kwp.wrappedLength(msg.length)).isEqualTo(ct.length);
				assertThat(Unwrap.kwp(key, ct)).isEqualTo(msg);
			}
			case "invalid" ->
				assertThatThrownBy(() -> Unwrap.kwp(key, ct)).isInstanceOf(GeneralSecurityException.class);
			default -> throw new AssertionError("unexpected result " + test.get("result"));
		}
	}

	/**
	 * RFC 5649's example (section 6): 20 bytes under a 192-bit key, with the default IV
	 * A65959A6.
	 */
	@Test
	void kwpMatchesRfc5649Example() throws GeneralSecurityException {
		HexFormat hex = HexFormat.of();
		byte[] kek = hex.parseHex("5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8");
		byte[] key = hex.parseHex("c37b7e6492584340bed12207808941155068f738");
		byte[] wrapped = hex.parseHex("138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a");
		assertThat(Kwp.wrap(kek, key)).isEqualTo(wrapped);
		assertThat(Unwrap.kwp(kek, wrapped)).isEqualTo(key);
	}

	/**
	 * AESWrap (RFC 3394, IV A6A6...) is the tempting wrong choice: same length for 32
	 * bytes, different output.
	 */
	@Test
	void kwpIsNotRfc3394AesWrap() throws GeneralSecurityException {
		byte[] kek = TestKeys.random(32);
		byte[] material = TestKeys.random(32);
		Cipher aesWrap = Cipher.getInstance("AESWrap");
		aesWrap.init(Cipher.WRAP_MODE, new SecretKeySpec(kek, "AES"));
		byte[] rfc3394 = aesWrap.wrap(new SecretKeySpec(material, "AES"));
		byte[] rfc5649 = Kwp.wrap(kek, material);
		assertThat(rfc3394).hasSameSizeAs(rfc5649).isNotEqualTo(rfc5649);
		assertThatThrownBy(() -> Unwrap.kwp(kek, rfc3394)).isInstanceOf(GeneralSecurityException.class);
	}

	@Test
	void wrappedLengthPadsToEightBytesPlusTheIntegrityBlock() {
		assertThat(Kwp.wrappedLength(1)).isEqualTo(16);
		assertThat(Kwp.wrappedLength(8)).isEqualTo(16);
		assertThat(Kwp.wrappedLength(9)).isEqualTo(24);
		assertThat(Kwp.wrappedLength(32)).isEqualTo(40);
		assertThat(Kwp.wrappedLength(138)).isEqualTo(152);
		assertThat(Kwp.wrappedLength(241)).isEqualTo(256);
	}

	private static String name(JsonNode test) {
		return "tcId " + test.get("tcId").asInt() + " " + test.get("result").asString() + " " + test.get("flags") + " "
				+ test.get("comment").asString();
	}

}
