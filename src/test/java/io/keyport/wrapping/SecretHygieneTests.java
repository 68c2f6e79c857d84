package io.keyport.wrapping;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;

import io.keyport.wrapping.WrappingAlgorithm.Hash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Plaintext never shows up in messages or strings, and buffers the wrapper owns are
 * overwritten.
 */
class SecretHygieneTests {

	private final WrapCalls wrapper = new WrapCalls();

	@Test
	void destroyZeroesTheOwnedBufferAndBlocksFurtherUse() {
		byte[] buffer = TestKeys.random(32);
		buffer[0] = 1;
		KeyMaterial material = KeyMaterial.takeOwnership(buffer);
		try (material) {
			assertThat(material.isDestroyed()).isFalse();
		}
		assertThat(material.isDestroyed()).isTrue();
		assertThat(buffer).containsOnly(0);
		assertThatThrownBy(material::bytes).isInstanceOf(IllegalStateException.class);
	}

	@Test
	void wrapLeavesTheCallersMaterialIntactAndUndestroyed() {
		for (WrappingAlgorithm algorithm : List.of(WrappingAlgorithm.RSAES_OAEP_SHA_256,
				WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256)) {
			KeySpec keySpec = algorithm.isAesKeyWrap() ? KeySpec.ECC_NIST_P256 : KeySpec.SYMMETRIC_DEFAULT;
			byte[] buffer = algorithm.isAesKeyWrap() ? WrapRoundTripTests.privateKeyMaterial(keySpec)
					: TestKeys.random(32);
			byte[] original = buffer.clone();
			KeyMaterial material = KeyMaterial.takeOwnership(buffer);
			this.wrapper.wrap(material, keySpec, TestKeys.wrappingKey(WrappingKeySpec.RSA_2048), algorithm);
			assertThat(material.isDestroyed()).isFalse();
			assertThat(buffer).isEqualTo(original);
		}
	}

	@Test
	void ephemeralAesKeyIsOverwrittenAfterWrapping() throws Exception {
		CapturingRandom random = new CapturingRandom();
		WrapCalls capturing = new WrapCalls(random);
		byte[] plaintext = WrapRoundTripTests.privateKeyMaterial(KeySpec.ECC_NIST_P384);
		byte[] wrapped = capturing
			.wrap(TestKeys.material(plaintext), KeySpec.ECC_NIST_P384, TestKeys.wrappingKey(WrappingKeySpec.RSA_3072),
					WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_1)
			.bytes();

		assertThat(random.buffers).hasSize(1);
		byte[] buffer = random.buffers.get(0);
		assertThat(buffer).hasSize(32).containsOnly(0);
		// the captured buffer really held the AES key: it is what the RSA block carries
		byte[] aesKey = Unwrap.oaep(TestKeys.rsa(WrappingKeySpec.RSA_3072).getPrivate(), Hash.SHA_1,
				Arrays.copyOf(wrapped, 384));
		assertThat(aesKey).isEqualTo(random.generated.get(0));
		assertThat(Unwrap.kwp(aesKey, Arrays.copyOfRange(wrapped, 384, wrapped.length))).isEqualTo(plaintext);
	}

	@Test
	void freshAesKeyForEveryWrap() {
		CapturingRandom random = new CapturingRandom();
		WrapCalls capturing = new WrapCalls(random);
		byte[] plaintext = WrapRoundTripTests.privateKeyMaterial(KeySpec.ECC_NIST_P256);
		for (int i = 0; i < 3; i++) {
			capturing.wrap(TestKeys.material(plaintext), KeySpec.ECC_NIST_P256,
					TestKeys.wrappingKey(WrappingKeySpec.RSA_2048), WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256);
		}
		assertThat(random.generated).hasSize(3);
		assertThat(random.generated.get(0)).isNotEqualTo(random.generated.get(1));
		assertThat(random.generated.get(1)).isNotEqualTo(random.generated.get(2));
	}

	@Test
	void noFailureMessageRevealsTheMaterial() {
		List<String> texts = new ArrayList<>();
		List<byte[]> secrets = new ArrayList<>();
		WrappingPublicKey rsa2048 = TestKeys.wrappingKey(WrappingKeySpec.RSA_2048);

		// symmetric material of wrong lengths, including the hex and base64 hints
		for (int length : new int[] { 31, 33, 64, 44, 1 }) {
			byte[] secret = TestKeys.random(length);
			secrets.add(secret);
			texts.add(failure(() -> this.wrapper.wrap(TestKeys.material(secret), KeySpec.SYMMETRIC_DEFAULT, rsa2048,
					WrappingAlgorithm.RSAES_OAEP_SHA_256)));
		}
		// private keys for the wrong spec, truncated, corrupted and too large
		byte[] p384 = TestKeys.ec("secp384r1", true).getPrivate().getEncoded();
		byte[] rsaKey = TestKeys.rsa(WrappingKeySpec.RSA_2048).getPrivate().getEncoded();
		secrets.add(p384);
		secrets.add(rsaKey);
		texts.add(failure(() -> this.wrapper.checkMaterial(TestKeys.material(p384), KeySpec.ECC_NIST_P256)));
		texts.add(failure(() -> this.wrapper.checkMaterial(TestKeys.material(rsaKey), KeySpec.RSA_3072)));
		texts.add(failure(
				() -> this.wrapper.checkMaterial(TestKeys.material(Arrays.copyOf(rsaKey, 600)), KeySpec.RSA_2048)));
		// 30 82 xx xx | 02 01 00 | 30 0d ... | 04 82 xx xx | 30 82 xx xx | 02 01 00 | 02
		// 82 01 01 <modulus>
		byte[] corrupt = rsaKey.clone();
		assertThat(corrupt[33]).isEqualTo((byte) 0x02);
		corrupt[33] = (byte) 0x80;
		texts.add(failure(() -> this.wrapper.checkMaterial(TestKeys.material(corrupt), KeySpec.RSA_2048)));
		texts.add(failure(() -> this.wrapper.wrap(TestKeys.material(p384), KeySpec.ECC_NIST_P384, rsa2048,
				WrappingAlgorithm.RSAES_OAEP_SHA_256)));
		// and the strings of the values themselves
		for (byte[] secret : secrets) {
			KeyMaterial material = TestKeys.material(secret);
			texts.add(material.toString());
			texts.add(String.valueOf(new Kwp.KeyView(secret)));
		}

		assertThat(texts).allSatisfy((text) -> assertThat(text).isNotNull());
		for (String text : texts) {
			for (byte[] secret : secrets) {
				assertDoesNotReveal(text, secret);
			}
		}
	}

	@Test
	void noConversionOrDerivationFailureRevealsTheKey() throws Exception {
		byte[] p256 = TestKeys.ec("secp256r1", true).getPrivate().getEncoded();
		byte[] sec1 = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(p256)
			.parsePrivateKey()
			.toASN1Primitive()
			.getEncoded();
		byte[] rsaKey = TestKeys.rsa(WrappingKeySpec.RSA_2048).getPrivate().getEncoded();
		List<String> texts = new ArrayList<>();
		// a corrupted SEC1 body, an encrypted label, a key of the wrong type, a broken
		// base64 body
		byte[] broken = sec1.clone();
		broken[1] ^= 0x7f;
		texts.add(failure(() -> this.wrapper.toImportFormat(
				TestKeys.material(PrivateKeyFormatsTests.pem("EC PRIVATE KEY", broken)), KeySpec.ECC_NIST_P256)));
		texts.add(failure(() -> this.wrapper.toImportFormat(
				TestKeys.material(PrivateKeyFormatsTests.pem("ENCRYPTED PRIVATE KEY", p256)), KeySpec.ECC_NIST_P256)));
		texts.add(failure(() -> this.wrapper.checkMaterial(this.wrapper
			.toImportFormat(TestKeys.material(PrivateKeyFormatsTests.pem("EC PRIVATE KEY", sec1)), KeySpec.RSA_2048),
				KeySpec.RSA_2048)));
		byte[] pem = PrivateKeyFormatsTests.pem("PRIVATE KEY", rsaKey);
		pem[40] = '!';
		texts.add(failure(() -> this.wrapper.toImportFormat(TestKeys.material(pem), KeySpec.RSA_2048)));
		// an EC key whose scalar is zeroed: out of range when its public key is derived
		byte[] zero = p256.clone();
		int scalar = indexOf(zero, new byte[] { 0x04, 0x20 }, 30) + 2;
		Arrays.fill(zero, scalar, scalar + 32, (byte) 0);
		texts.add(failure(() -> this.wrapper.derivePublicKey(TestKeys.material(zero), KeySpec.ECC_NIST_P256)));

		for (String text : texts) {
			assertDoesNotReveal(text, p256);
			assertDoesNotReveal(text, sec1);
			assertDoesNotReveal(text, rsaKey);
		}
	}

	private static int indexOf(byte[] haystack, byte[] needle, int from) {
		for (int i = from; i <= haystack.length - needle.length; i++) {
			if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
				return i;
			}
		}
		throw new AssertionError("not found");
	}

	@Test
	void providerFailuresBecomeInternalErrorsWithoutMaterial() throws Exception {
		// a 1024-bit key cannot carry 200 bytes: the provider's IllegalBlockSizeException
		// must not leak raw
		java.security.KeyPair small = TestKeys.generateRsa(1024);
		byte[] secret = TestKeys.random(200);
		Throwable failure = catchThrowable(() -> Oaep.encrypt(small.getPublic(), Hash.SHA_256, secret));
		assertThat(failure).isInstanceOf(WrappingInternalException.class)
			.hasCauseInstanceOf(java.security.GeneralSecurityException.class);
		assertDoesNotReveal(failure.getMessage(), secret);

		byte[] badKek = TestKeys.random(17);
		Throwable kwpFailure = catchThrowable(() -> Kwp.wrap(badKek, secret));
		assertThat(kwpFailure).isInstanceOf(WrappingInternalException.class);
		assertDoesNotReveal(kwpFailure.getMessage(), secret);
		assertDoesNotReveal(kwpFailure.getMessage(), badKek);
	}

	@Test
	void ephemeralKeyViewIsNotSerializable() {
		assertThatThrownBy(() -> new java.io.ObjectOutputStream(java.io.OutputStream.nullOutputStream())
			.writeObject(new Kwp.KeyView(TestKeys.random(32)))).isInstanceOf(java.io.NotSerializableException.class);
	}

	private static String failure(Runnable action) {
		Throwable thrown = catchThrowable(action::run);
		assertThat(thrown).isInstanceOf(WrappingException.class);
		return thrown.getMessage() + " | " + thrown;
	}

	/**
	 * No 6-byte window of the secret in hex (either case), base64 or as a Java array
	 * literal.
	 */
	private static void assertDoesNotReveal(String text, byte[] secret) {
		String lower = text.toLowerCase(Locale.ROOT);
		String hex = HexFormat.of().formatHex(secret);
		for (int i = 0; i + 12 <= hex.length(); i += 2) {
			assertThat(lower).doesNotContain(hex.substring(i, i + 12));
		}
		for (int shift = 0; shift < 3 && shift < secret.length; shift++) {
			String base64 = Base64.getEncoder().encodeToString(Arrays.copyOfRange(secret, shift, secret.length));
			// skip the last quantum, whose padding depends on the length
			for (int i = 0; i + 8 <= base64.length() - 4; i += 4) {
				assertThat(text).doesNotContain(base64.substring(i, i + 8));
			}
		}
		if (secret.length >= 6) {
			String array = Arrays.toString(Arrays.copyOf(secret, 6));
			assertThat(text).doesNotContain(array.substring(1, array.length() - 1));
			assertThat(text).doesNotContain(new String(secret, 0, 6, StandardCharsets.ISO_8859_1));
		}
	}

	/** Records each buffer handed to nextBytes, and what was written into it. */
	private static final class CapturingRandom extends SecureRandom {

		final List<byte[]> buffers = new ArrayList<>();

		final List<byte[]> generated = new ArrayList<>();

		@Override
		public synchronized void nextBytes(byte[] bytes) {
			super.nextBytes(bytes);
			this.buffers.add(bytes);
			this.generated.add(bytes.clone());
		}

	}

}
