package io.keyport.wrapping;

import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import javax.crypto.Cipher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.keyport.wrapping.WrappingAlgorithm.Hash;
import io.keyport.wrapping.WrappingException.Reason;

import static io.keyport.wrapping.WrappingAlgorithm.RSAES_OAEP_SHA_1;
import static io.keyport.wrapping.WrappingAlgorithm.RSAES_OAEP_SHA_256;
import static io.keyport.wrapping.WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_1;
import static io.keyport.wrapping.WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code wrap} with JDK-generated wrapping keys of every size, unwrapped as KMS would.
 */
class WrapRoundTripTests {

	private final WrapCalls wrapper = new WrapCalls();

	private static final List<WrappingKeySpec> RSA_KEYS = List.of(WrappingKeySpec.RSA_2048, WrappingKeySpec.RSA_3072,
			WrappingKeySpec.RSA_4096);

	static Stream<Arguments> oaepRoundTrip() {
		List<Arguments> arguments = new ArrayList<>();
		for (WrappingKeySpec wrappingKey : RSA_KEYS) {
			for (WrappingAlgorithm algorithm : List.of(RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256)) {
				for (KeySpec keySpec : List.of(KeySpec.SYMMETRIC_DEFAULT, KeySpec.HMAC_224, KeySpec.HMAC_512)) {
					arguments.add(Arguments.of(wrappingKey, algorithm, keySpec));
				}
			}
		}
		return arguments.stream();
	}

	@ParameterizedTest
	@MethodSource
	void oaepRoundTrip(WrappingKeySpec wrappingKeySpec, WrappingAlgorithm algorithm, KeySpec keySpec) throws Exception {
		byte[] plaintext = TestKeys.random(keySpec.materialBytes());
		WrappingPublicKey key = TestKeys.wrappingKey(wrappingKeySpec);
		EncryptedKeyMaterial wrapped = this.wrapper.wrap(TestKeys.material(plaintext), keySpec, key, algorithm);
		assertThat(wrapped.length()).isEqualTo(wrappingKeySpec.modulusBytes());
		this.wrapper.checkEncrypted(wrapped, key, algorithm);
		PrivateKey privateKey = TestKeys.rsa(wrappingKeySpec).getPrivate();
		assertThat(Unwrap.oaep(privateKey, algorithm.oaepHash(), wrapped.bytes())).isEqualTo(plaintext);
		// the other hash must not decrypt it: the hash is really part of the format
		Hash other = (algorithm.oaepHash() == Hash.SHA_1) ? Hash.SHA_256 : Hash.SHA_1;
		assertThatThrownBy(() -> Unwrap.oaep(privateKey, other, wrapped.bytes()))
			.isInstanceOf(javax.crypto.BadPaddingException.class);
	}

	@Test
	void oaepOutputIsRandomized() {
		WrappingPublicKey key = TestKeys.wrappingKey(WrappingKeySpec.RSA_2048);
		byte[] plaintext = TestKeys.random(32);
		EncryptedKeyMaterial first = this.wrapper.wrap(TestKeys.material(plaintext), KeySpec.SYMMETRIC_DEFAULT, key,
				RSAES_OAEP_SHA_256);
		EncryptedKeyMaterial second = this.wrapper.wrap(TestKeys.material(plaintext), KeySpec.SYMMETRIC_DEFAULT, key,
				RSAES_OAEP_SHA_256);
		assertThat(first).isNotEqualTo(second);
	}

	static Stream<Arguments> rsaAesKeyWrapRoundTrip() {
		List<Arguments> arguments = new ArrayList<>();
		for (WrappingKeySpec wrappingKey : RSA_KEYS) {
			for (WrappingAlgorithm algorithm : List.of(RSA_AES_KEY_WRAP_SHA_1, RSA_AES_KEY_WRAP_SHA_256)) {
				for (KeySpec keySpec : List.of(KeySpec.RSA_2048, KeySpec.RSA_3072, KeySpec.RSA_4096,
						KeySpec.ECC_NIST_P256, KeySpec.ECC_NIST_P384, KeySpec.ECC_NIST_P521, KeySpec.ECC_SECG_P256K1)) {
					arguments.add(Arguments.of(wrappingKey, algorithm, keySpec));
				}
			}
		}
		return arguments.stream();
	}

	@ParameterizedTest
	@MethodSource
	void rsaAesKeyWrapRoundTrip(WrappingKeySpec wrappingKeySpec, WrappingAlgorithm algorithm, KeySpec keySpec)
			throws Exception {
		byte[] plaintext = privateKeyMaterial(keySpec);
		WrappingPublicKey key = TestKeys.wrappingKey(wrappingKeySpec);
		EncryptedKeyMaterial wrapped = this.wrapper.wrap(TestKeys.material(plaintext), keySpec, key, algorithm);
		int k = wrappingKeySpec.modulusBytes();
		assertThat(wrapped.length()).isEqualTo(k + Kwp.wrappedLength(plaintext.length));
		this.wrapper.checkEncrypted(wrapped, key, algorithm);
		assertThat(Unwrap.rsaAesKeyWrap(TestKeys.rsa(wrappingKeySpec).getPrivate(), algorithm.oaepHash(), k,
				wrapped.bytes()))
			.isEqualTo(plaintext);
	}

	@Test
	void ecPrivateKeysAlsoRoundTripWithOaep() throws Exception {
		for (KeySpec keySpec : List.of(KeySpec.ECC_NIST_P256, KeySpec.ECC_NIST_P384, KeySpec.ECC_SECG_P256K1,
				KeySpec.SM2)) {
			byte[] plaintext = privateKeyMaterial(keySpec);
			// SM2 keys exist in the China regions only
			Partition partition = (keySpec == KeySpec.SM2) ? Partition.CHINA : Partition.STANDARD;
			EncryptedKeyMaterial wrapped = this.wrapper.wrap(TestKeys.material(plaintext), keySpec,
					TestKeys.wrappingKey(WrappingKeySpec.RSA_2048), RSAES_OAEP_SHA_1, partition);
			assertThat(Unwrap.oaep(TestKeys.rsa(WrappingKeySpec.RSA_2048).getPrivate(), Hash.SHA_1, wrapped.bytes()))
				.isEqualTo(plaintext);
		}
	}

	@Test
	void rsaAesKeyWrapDecryptsWithBouncyCastleToo() throws Exception {
		byte[] plaintext = privateKeyMaterial(KeySpec.ECC_NIST_P521);
		EncryptedKeyMaterial wrapped = this.wrapper.wrap(TestKeys.material(plaintext), KeySpec.ECC_NIST_P521,
				TestKeys.wrappingKey(WrappingKeySpec.RSA_2048), RSA_AES_KEY_WRAP_SHA_256);
		byte[] bytes = wrapped.bytes();
		Cipher rsa = Cipher.getInstance("RSA/NONE/OAEPWithSHA256AndMGF1Padding", TestKeys.BC);
		rsa.init(Cipher.DECRYPT_MODE, TestKeys.rsa(WrappingKeySpec.RSA_2048).getPrivate());
		byte[] aesKey = rsa.doFinal(bytes, 0, 256);
		assertThat(aesKey).hasSize(32);
		Cipher kwp = Cipher.getInstance("AESWRAPPAD", TestKeys.BC);
		kwp.init(Cipher.DECRYPT_MODE, new javax.crypto.spec.SecretKeySpec(aesKey, "AES"));
		assertThat(kwp.doFinal(bytes, 256, bytes.length - 256)).isEqualTo(plaintext);
	}

	@Test
	void wrapChecksTheMaterialFirst() {
		WrappingPublicKey key = TestKeys.wrappingKey(WrappingKeySpec.RSA_2048);
		assertThatThrownBy(() -> this.wrapper.wrap(TestKeys.material(TestKeys.random(31)), KeySpec.SYMMETRIC_DEFAULT,
				key, RSAES_OAEP_SHA_256))
			.isInstanceOfSatisfying(WrappingException.class,
					(ex) -> assertThat(ex.reason()).isEqualTo(Reason.INVALID_KEY_MATERIAL_LENGTH));
	}

	@Test
	void wrapChecksCompatibilityWithTheKeysRealSpec() {
		WrappingPublicKey key = TestKeys.wrappingKey(WrappingKeySpec.RSA_2048);
		assertThatThrownBy(() -> this.wrapper.wrap(TestKeys.material(TestKeys.random(32)), KeySpec.SYMMETRIC_DEFAULT,
				key, RSA_AES_KEY_WRAP_SHA_256))
			.isInstanceOfSatisfying(WrappingException.class,
					(ex) -> assertThat(ex.reason()).isEqualTo(Reason.INCOMPATIBLE_WRAPPING_ALGORITHM));
		byte[] p521 = privateKeyMaterial(KeySpec.ECC_NIST_P521);
		assertThatThrownBy(
				() -> this.wrapper.wrap(TestKeys.material(p521), KeySpec.ECC_NIST_P521, key, RSAES_OAEP_SHA_256))
			.isInstanceOfSatisfying(WrappingException.class, (ex) -> {
				assertThat(ex.reason()).isEqualTo(Reason.INCOMPATIBLE_WRAPPING_ALGORITHM);
				assertThat(ex.getMessage()).contains("RSA_2048");
			});
	}

	@Test
	void materialLongerThanTheOaepCapacityIsTooLarge() {
		// Bouncy Castle's PKCS#8 repeats the curve inside ECPrivateKey: longer than
		// OpenSSL's 185 bytes for P-384
		byte[] p384 = TestKeys.ec("secp384r1", true).getPrivate().getEncoded();
		assertThat(p384.length).isGreaterThan(190);
		assertThatThrownBy(() -> this.wrapper.wrap(TestKeys.material(p384), KeySpec.ECC_NIST_P384,
				TestKeys.wrappingKey(WrappingKeySpec.RSA_2048), RSAES_OAEP_SHA_256))
			.isInstanceOfSatisfying(WrappingException.class, (ex) -> {
				assertThat(ex.reason()).isEqualTo(Reason.KEY_MATERIAL_TOO_LARGE);
				assertThat(ex.getMessage()).isEqualTo("ECC_NIST_P384 key material of " + p384.length + " bytes does "
						+ "not fit RSAES_OAEP_SHA_256 under an RSA_2048 wrapping key (at most 190 bytes); use "
						+ "RSAES_OAEP_SHA_1, RSA_AES_KEY_WRAP_SHA_256 or RSA_AES_KEY_WRAP_SHA_1, or a larger wrapping "
						+ "key (RSA_3072 or RSA_4096)");
			});
		// while SHA-1's larger capacity (214) carries it
		this.wrapper.wrap(TestKeys.material(p384), KeySpec.ECC_NIST_P384,
				TestKeys.wrappingKey(WrappingKeySpec.RSA_2048), RSAES_OAEP_SHA_1);
	}

	@Test
	void oneWrapperWrapsConcurrently() throws Exception {
		WrapCalls shared = new WrapCalls();
		WrappingPublicKey key = TestKeys.wrappingKey(WrappingKeySpec.RSA_2048);
		PrivateKey privateKey = TestKeys.rsa(WrappingKeySpec.RSA_2048).getPrivate();
		ExecutorService executor = Executors.newFixedThreadPool(4);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int i = 0; i < 40; i++) {
				WrappingAlgorithm algorithm = (i % 2 == 0) ? RSAES_OAEP_SHA_256 : RSA_AES_KEY_WRAP_SHA_256;
				KeySpec keySpec = (i % 2 == 0) ? KeySpec.HMAC_384 : KeySpec.ECC_NIST_P256;
				futures.add(executor.submit(() -> {
					byte[] plaintext = (keySpec == KeySpec.HMAC_384) ? TestKeys.random(48)
							: privateKeyMaterial(KeySpec.ECC_NIST_P256);
					byte[] wrapped = shared.wrap(TestKeys.material(plaintext), keySpec, key, algorithm).bytes();
					byte[] unwrapped = algorithm.isAesKeyWrap()
							? Unwrap.rsaAesKeyWrap(privateKey, algorithm.oaepHash(), 256, wrapped)
							: Unwrap.oaep(privateKey, algorithm.oaepHash(), wrapped);
					assertThat(unwrapped).isEqualTo(plaintext);
					return null;
				}));
			}
			for (Future<?> future : futures) {
				future.get();
			}
		}
		finally {
			executor.shutdownNow();
		}
	}

	/**
	 * PKCS#8 private keys as the JDK (RSA, P-256/384/521) or Bouncy Castle (secp256k1,
	 * SM2) encode them.
	 */
	static byte[] privateKeyMaterial(KeySpec keySpec) {
		return switch (keySpec) {
			case RSA_2048 -> TestKeys.rsa(WrappingKeySpec.RSA_2048).getPrivate().getEncoded();
			case RSA_3072 -> TestKeys.rsa(WrappingKeySpec.RSA_3072).getPrivate().getEncoded();
			case RSA_4096 -> TestKeys.rsa(WrappingKeySpec.RSA_4096).getPrivate().getEncoded();
			case ECC_NIST_P256 -> TestKeys.ec("secp256r1", false).getPrivate().getEncoded();
			case ECC_NIST_P384 -> TestKeys.ec("secp384r1", false).getPrivate().getEncoded();
			case ECC_NIST_P521 -> TestKeys.ec("secp521r1", false).getPrivate().getEncoded();
			case ECC_SECG_P256K1 -> TestKeys.ec("secp256k1", true).getPrivate().getEncoded();
			case SM2 -> TestKeys.ec("sm2p256v1", true).getPrivate().getEncoded();
			default -> throw new IllegalArgumentException(keySpec.name());
		};
	}

}
