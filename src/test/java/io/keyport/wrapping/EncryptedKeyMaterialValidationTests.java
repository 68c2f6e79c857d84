package io.keyport.wrapping;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.keyport.wrapping.WrappingException.Reason;

import static io.keyport.wrapping.WrappingAlgorithm.RSAES_OAEP_SHA_1;
import static io.keyport.wrapping.WrappingAlgorithm.RSAES_OAEP_SHA_256;
import static io.keyport.wrapping.WrappingAlgorithm.RSAES_PKCS1_V1_5;
import static io.keyport.wrapping.WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_1;
import static io.keyport.wrapping.WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256;
import static io.keyport.wrapping.WrappingAlgorithm.SM2PKE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code checkEncrypted}: material the client wrapped itself, checked as far as its
 * length and key allow.
 */
class EncryptedKeyMaterialValidationTests {

	private final WrapCalls wrapper = new WrapCalls();

	@ParameterizedTest
	@EnumSource(value = WrappingKeySpec.class, names = { "RSA_2048", "RSA_3072", "RSA_4096" })
	void oaepOutputIsExactlyOneModulusLong(WrappingKeySpec spec) {
		WrappingPublicKey key = TestKeys.wrappingKey(spec);
		int k = spec.modulusBytes();
		EncryptedKeyMaterial wrapped = this.wrapper.wrap(TestKeys.material(TestKeys.random(32)),
				KeySpec.SYMMETRIC_DEFAULT, key, RSAES_OAEP_SHA_256);
		assertThat(wrapped.length()).isEqualTo(k);
		this.wrapper.checkEncrypted(wrapped, key, RSAES_OAEP_SHA_256);
		this.wrapper.checkEncrypted(wrapped, key, RSAES_OAEP_SHA_1);
		byte[] bytes = wrapped.bytes();
		assertRefused(Arrays.copyOf(bytes, k - 1), key, RSAES_OAEP_SHA_256, "expected exactly " + k + " bytes (one "
				+ spec + " RSA-OAEP block) for RSAES_OAEP_SHA_256, got " + (k - 1));
		assertRefused(Arrays.copyOf(bytes, k + 1), key, RSAES_OAEP_SHA_1, "expected exactly " + k + " bytes (one "
				+ spec + " RSA-OAEP block) for RSAES_OAEP_SHA_1, got " + (k + 1));
	}

	@Test
	void oaepLengthErrorsHintAtLikelyMistakes() {
		WrappingPublicKey key = TestKeys.wrappingKey(WrappingKeySpec.RSA_2048);
		assertRefused(validBlock(key, 256 + 40), key, RSAES_OAEP_SHA_256,
				"got 296 (that looks like RSA_AES_KEY_WRAP_* output)");
		assertRefused(TestKeys.random(344), key, RSAES_OAEP_SHA_256,
				"got 344 (base64 text? upload the binary ciphertext)");
		// an upload for a smaller wrapping key
		assertRefused(TestKeys.random(256), TestKeys.wrappingKey(WrappingKeySpec.RSA_4096), RSAES_OAEP_SHA_256,
				"expected exactly 512 bytes (one RSA_4096 RSA-OAEP block) for RSAES_OAEP_SHA_256, got 256");
	}

	@ParameterizedTest
	@EnumSource(value = WrappingKeySpec.class, names = { "RSA_2048", "RSA_3072", "RSA_4096" })
	void rsaAesKeyWrapOutputIsOneBlockPlusKwpBlocks(WrappingKeySpec spec) {
		WrappingPublicKey key = TestKeys.wrappingKey(spec);
		int k = spec.modulusBytes();
		for (int rest : new int[] { 16, 24, 152, 256, 1232, 2392 }) {
			this.wrapper.checkEncrypted(EncryptedKeyMaterial.of(validBlock(key, k + rest)), key,
					RSA_AES_KEY_WRAP_SHA_256);
		}
		String expected = "expected an " + spec + " RSA-OAEP block of " + k + " bytes followed by AES-KWP output (a "
				+ "multiple of 8 bytes, at least 16) for RSA_AES_KEY_WRAP_SHA_1, i.e. " + (k + 16) + ", " + (k + 24)
				+ ", ... bytes; got ";
		assertRefused(validBlock(key, k + 8), key, RSA_AES_KEY_WRAP_SHA_1, expected + (k + 8));
		assertRefused(validBlock(key, k + 20), key, RSA_AES_KEY_WRAP_SHA_1, expected + (k + 20));
		assertRefused(validBlock(key, k - 1), key, RSA_AES_KEY_WRAP_SHA_1, expected + (k - 1));
		assertRefused(validBlock(key, k), key, RSA_AES_KEY_WRAP_SHA_1,
				expected + k + " (a single RSA block: that is RSAES_OAEP_* output, not RSA_AES_KEY_WRAP_SHA_1)");
	}

	@Test
	void uploadsLargerThanImportKeyMaterialAcceptsAreRefused() {
		WrappingPublicKey key = TestKeys.wrappingKey(WrappingKeySpec.RSA_2048);
		assertRefused(validBlock(key, 6144 + 8), key, RSA_AES_KEY_WRAP_SHA_256,
				"expected at most 6144 bytes (the ImportKeyMaterial limit) for RSA_AES_KEY_WRAP_SHA_256, got 6152");
		this.wrapper.checkEncrypted(EncryptedKeyMaterial.of(validBlock(key, 6144)), key, RSA_AES_KEY_WRAP_SHA_256);
	}

	@Test
	void blockNotBelowTheModulusCannotBeForThisKey() {
		WrappingPublicKey key = TestKeys.wrappingKey(WrappingKeySpec.RSA_2048);
		byte[] ones = new byte[256];
		Arrays.fill(ones, (byte) 0xff);
		assertRefused(ones, key, RSAES_OAEP_SHA_256,
				"the first 256 bytes are not an RSA ciphertext under this RSA_2048 "
						+ "wrapping key (not less than its modulus)");
		byte[] modulus = modulusBytes(key);
		assertRefused(modulus, key, RSAES_OAEP_SHA_256, "not less than its modulus");
		byte[] below = modulus.clone();
		below[255]--;
		this.wrapper.checkEncrypted(EncryptedKeyMaterial.of(below), key, RSAES_OAEP_SHA_256);
	}

	@Test
	void unsupportedAlgorithmsAndSm2KeysAreRefused() {
		WrappingPublicKey rsa = TestKeys.wrappingKey(WrappingKeySpec.RSA_2048);
		EncryptedKeyMaterial block = EncryptedKeyMaterial.of(validBlock(rsa, 256));
		// AWS refuses the algorithm with the job, before any ciphertext can arrive
		assertThatThrownBy(() -> new ImportSpec(KeySpec.SYMMETRIC_DEFAULT, RSAES_PKCS1_V1_5, rsa.spec(),
				ImportRules.aws(Partition.STANDARD)))
			.isInstanceOfSatisfying(WrappingException.class, (ex) -> {
				assertThat(ex.reason()).isEqualTo(Reason.UNSUPPORTED_WRAPPING_ALGORITHM);
				assertThat(ex.getMessage()).startsWith(
						"AWS KMS no longer accepts RSAES_PKCS1_V1_5 (since 2023-10-10); " + "use RSAES_OAEP_SHA_256");
			});
		WrappingPublicKey sm2 = WrappingPublicKey.fromDer(TestKeys.ec("sm2p256v1", true).getPublic().getEncoded());
		assertThatThrownBy(() -> this.wrapper.checkEncrypted(block, sm2, SM2PKE)).isInstanceOfSatisfying(
				WrappingException.class,
				(ex) -> assertThat(ex.reason()).isEqualTo(Reason.INVALID_ENCRYPTED_KEY_MATERIAL));
		assertThatThrownBy(() -> this.wrapper.checkEncrypted(block, rsa, SM2PKE)).isInstanceOfSatisfying(
				WrappingException.class,
				(ex) -> assertThat(ex.reason()).isEqualTo(Reason.INCOMPATIBLE_WRAPPING_ALGORITHM));
		assertThatThrownBy(() -> this.wrapper.checkEncrypted(block, sm2, RSAES_OAEP_SHA_256))
			.isInstanceOfSatisfying(WrappingException.class, (ex) -> {
				assertThat(ex.reason()).isEqualTo(Reason.INCOMPATIBLE_WRAPPING_ALGORITHM);
				assertThat(ex.getMessage()).contains("needs an RSA wrapping key");
			});
	}

	/**
	 * {@code length} bytes whose first block is below the modulus (a leading zero byte
	 * guarantees it).
	 */
	private static byte[] validBlock(WrappingPublicKey key, int length) {
		byte[] bytes = TestKeys.random(length);
		bytes[0] = 0;
		return bytes;
	}

	private static byte[] modulusBytes(WrappingPublicKey key) {
		byte[] modulus = ((java.security.interfaces.RSAPublicKey) key.publicKey()).getModulus().toByteArray();
		return Arrays.copyOfRange(modulus, modulus.length - key.spec().modulusBytes(), modulus.length);
	}

	private void assertRefused(byte[] bytes, WrappingPublicKey key, WrappingAlgorithm algorithm, String message) {
		assertThatThrownBy(() -> this.wrapper.checkEncrypted(EncryptedKeyMaterial.of(bytes), key, algorithm))
			.isInstanceOfSatisfying(WrappingException.class, (ex) -> {
				assertThat(ex.reason()).isEqualTo(Reason.INVALID_ENCRYPTED_KEY_MATERIAL);
				assertThat(ex.getMessage()).contains(message);
			});
	}

}
