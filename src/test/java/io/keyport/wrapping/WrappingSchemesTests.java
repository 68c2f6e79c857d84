package io.keyport.wrapping;

import java.security.SecureRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.keyport.wrapping.WrappingException.Reason;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link WrappingSchemes}: one scheme per algorithm, and each scheme's capacity as known
 * answers.
 */
class WrappingSchemesTests {

	private static final ImportRules STANDARD = ImportRules.aws(Partition.STANDARD);

	@Test
	void factoryChoosesTheSchemeOfTheAlgorithm() {
		assertThat(WrappingSchemes.forAlgorithm(WrappingAlgorithm.RSAES_OAEP_SHA_1)).isInstanceOf(RsaOaepScheme.class);
		assertThat(WrappingSchemes.forAlgorithm(WrappingAlgorithm.RSAES_OAEP_SHA_256))
			.isInstanceOf(RsaOaepScheme.class);
		assertThat(WrappingSchemes.forAlgorithm(WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_1))
			.isInstanceOf(RsaAesKeyWrapScheme.class);
		assertThat(WrappingSchemes.forAlgorithm(WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256))
			.isInstanceOf(RsaAesKeyWrapScheme.class);
		assertThat(WrappingSchemes.forAlgorithm(WrappingAlgorithm.SM2PKE)).isInstanceOf(Sm2PkeScheme.class);
		assertThat(WrappingSchemes.forAlgorithm(WrappingAlgorithm.RSAES_PKCS1_V1_5)).isInstanceOf(Pkcs1V15Scheme.class);
		assertThat(WrappingSchemes.forAlgorithm(WrappingAlgorithm.SM2_SM4_KEY_WRAP))
			.isInstanceOf(Sm2Sm4KeyWrapScheme.class);
	}

	@ParameterizedTest
	@EnumSource(WrappingAlgorithm.class)
	void everySchemeIsTheOneOfItsAlgorithmAndShared(WrappingAlgorithm algorithm) {
		assertThat(WrappingSchemes.forAlgorithm(algorithm).algorithm()).isEqualTo(algorithm);
		assertThat(WrappingSchemes.forAlgorithm(algorithm)).isSameAs(WrappingSchemes.forAlgorithm(algorithm));
	}

	@Test
	void oaepCapacityIsKMinusTwoHashesMinusTwo() {
		WrappingScheme sha1 = WrappingSchemes.forAlgorithm(WrappingAlgorithm.RSAES_OAEP_SHA_1);
		WrappingScheme sha256 = WrappingSchemes.forAlgorithm(WrappingAlgorithm.RSAES_OAEP_SHA_256);
		assertThat(sha1.capacity(WrappingKeySpec.RSA_2048)).isEqualTo(214);
		assertThat(sha256.capacity(WrappingKeySpec.RSA_2048)).isEqualTo(190);
		assertThat(sha256.capacity(WrappingKeySpec.RSA_3072)).isEqualTo(318);
		assertThat(sha256.capacity(WrappingKeySpec.RSA_4096)).isEqualTo(446);
		assertThat(sha256.capacity(WrappingKeySpec.SM2)).isZero();
	}

	@Test
	void keyWrapCapacityIsWhatKeepsTheUploadWithin6144Bytes() {
		WrappingScheme scheme = WrappingSchemes.forAlgorithm(WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256);
		assertThat(scheme.capacity(WrappingKeySpec.RSA_2048)).isEqualTo(6144 - 256 - 8);
		assertThat(scheme.capacity(WrappingKeySpec.RSA_4096)).isEqualTo(6144 - 512 - 8);
		assertThat(scheme.capacity(WrappingKeySpec.SM2)).isZero();
	}

	@Test
	void sm2AndPkcs1CapacitiesAreKnownAnswers() {
		assertThat(WrappingSchemes.forAlgorithm(WrappingAlgorithm.SM2PKE).capacity(WrappingKeySpec.SM2))
			.isEqualTo(6032);
		assertThat(Sm2Pke.maxLength(6032)).isLessThanOrEqualTo(6144);
		assertThat(Sm2Pke.maxLength(6033)).isGreaterThan(6144);
		assertThat(WrappingSchemes.forAlgorithm(WrappingAlgorithm.SM2PKE).capacity(WrappingKeySpec.RSA_4096)).isZero();
		assertThat(WrappingSchemes.forAlgorithm(WrappingAlgorithm.RSAES_PKCS1_V1_5).capacity(WrappingKeySpec.RSA_2048))
			.isEqualTo(245);
	}

	@Test
	void keyWrapOfExactlyItsCapacityFillsTheLimitAndOneByteMoreIsTooLarge() {
		WrappingScheme scheme = WrappingSchemes.forAlgorithm(WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256);
		WrappingPublicKey key = TestKeys.wrappingKey(WrappingKeySpec.RSA_2048);
		ImportSpec spec = new ImportSpec(KeySpec.RSA_2048, WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256,
				WrappingKeySpec.RSA_2048, STANDARD);
		int capacity = scheme.capacity(WrappingKeySpec.RSA_2048);
		EncryptedKeyMaterial full = scheme.wrap(new byte[capacity], spec, key, new SecureRandom());
		assertThat(full.length()).isEqualTo(EncryptedKeyMaterial.MAX_LENGTH);
		scheme.checkCiphertext(full, key);
		assertThatThrownBy(() -> scheme.wrap(new byte[capacity + 1], spec, key, new SecureRandom()))
			.isInstanceOfSatisfying(WrappingException.class, (ex) -> {
				assertThat(ex.reason()).isEqualTo(Reason.KEY_MATERIAL_TOO_LARGE);
				assertThat(ex.getMessage()).isEqualTo("RSA_2048 key material of 5881 bytes would wrap to 6152 bytes "
						+ "with RSA_AES_KEY_WRAP_SHA_256 under an RSA_2048 wrapping key; ImportKeyMaterial accepts at "
						+ "most 6144");
			});
	}

	@Test
	void oaepTooLargeNamesTheRulesAlternatives() {
		WrappingScheme scheme = WrappingSchemes.forAlgorithm(WrappingAlgorithm.RSAES_OAEP_SHA_256);
		WrappingPublicKey key = TestKeys.wrappingKey(WrappingKeySpec.RSA_2048);
		ImportSpec spec = new ImportSpec(KeySpec.ECC_NIST_P384, WrappingAlgorithm.RSAES_OAEP_SHA_256,
				WrappingKeySpec.RSA_2048, STANDARD);
		assertThatThrownBy(() -> scheme.wrap(new byte[191], spec, key, new SecureRandom()))
			.isInstanceOfSatisfying(WrappingException.class, (ex) -> {
				assertThat(ex.reason()).isEqualTo(Reason.KEY_MATERIAL_TOO_LARGE);
				assertThat(ex.getMessage()).isEqualTo("ECC_NIST_P384 key material of 191 bytes does not fit "
						+ "RSAES_OAEP_SHA_256 under an RSA_2048 wrapping key (at most 190 bytes); use RSAES_OAEP_SHA_1, "
						+ "RSA_AES_KEY_WRAP_SHA_256 or RSA_AES_KEY_WRAP_SHA_1, or a larger wrapping key (RSA_3072 or "
						+ "RSA_4096)");
			});
	}

	@Test
	void pkcs1CiphertextIsOneBlockBelowTheModulus() {
		WrappingScheme scheme = WrappingSchemes.forAlgorithm(WrappingAlgorithm.RSAES_PKCS1_V1_5);
		WrappingPublicKey key = TestKeys.wrappingKey(WrappingKeySpec.RSA_2048);
		ImportSpec spec = new ImportSpec(KeySpec.SYMMETRIC_DEFAULT, WrappingAlgorithm.RSAES_PKCS1_V1_5,
				WrappingKeySpec.RSA_2048, ImportRules.withPkcs1V15(STANDARD));
		scheme.checkCiphertext(scheme.wrap(TestKeys.random(32), spec, key, new SecureRandom()), key);
		assertThatThrownBy(() -> scheme.checkCiphertext(EncryptedKeyMaterial.of(new byte[255]), key))
			.isInstanceOfSatisfying(WrappingException.class,
					(ex) -> assertThat(ex.reason()).isEqualTo(Reason.INVALID_ENCRYPTED_KEY_MATERIAL));
	}

}
