package io.keyport.wrapping;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import io.keyport.wrapping.WrappingException.Reason;

import static io.keyport.wrapping.WrappingAlgorithm.RSAES_OAEP_SHA_1;
import static io.keyport.wrapping.WrappingAlgorithm.RSAES_OAEP_SHA_256;
import static io.keyport.wrapping.WrappingAlgorithm.RSAES_PKCS1_V1_5;
import static io.keyport.wrapping.WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_1;
import static io.keyport.wrapping.WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256;
import static io.keyport.wrapping.WrappingAlgorithm.SM2PKE;
import static io.keyport.wrapping.WrappingAlgorithm.SM2_SM4_KEY_WRAP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code checkCompatible}: what AWS KMS accepts, refused before any KMS call with the
 * alternatives named.
 */
class CompatibilityTests {

	private final WrapCalls wrapper = new WrapCalls();

	private static final List<WrappingKeySpec> RSA_KEYS = List.of(WrappingKeySpec.RSA_2048, WrappingKeySpec.RSA_3072,
			WrappingKeySpec.RSA_4096);

	static Stream<Arguments> symmetricAndHmacWithOaepOnEveryRsaKey() {
		List<Arguments> arguments = new ArrayList<>();
		for (KeySpec keySpec : KeySpec.values()) {
			// SM4 is Huawei Cloud's key spec, which AWS refuses
			if (keySpec.isSymmetricOrHmac() && keySpec != KeySpec.SM4) {
				for (WrappingAlgorithm algorithm : List.of(RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256)) {
					for (WrappingKeySpec wrappingKey : RSA_KEYS) {
						arguments.add(Arguments.of(keySpec, algorithm, wrappingKey));
					}
				}
			}
		}
		return arguments.stream();
	}

	@ParameterizedTest
	@MethodSource
	void symmetricAndHmacWithOaepOnEveryRsaKey(KeySpec keySpec, WrappingAlgorithm algorithm,
			WrappingKeySpec wrappingKey) {
		assertThatNoException().isThrownBy(() -> this.wrapper.checkCompatible(keySpec, algorithm, wrappingKey));
	}

	@ParameterizedTest
	@EnumSource(value = KeySpec.class, names = { "SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512" })
	void rsaAesKeyWrapIsRefusedForSymmetricAndHmacNamingOaep(KeySpec keySpec) {
		assertRefused(keySpec, RSA_AES_KEY_WRAP_SHA_256, WrappingKeySpec.RSA_4096,
				Reason.INCOMPATIBLE_WRAPPING_ALGORITHM,
				"RSA_AES_KEY_WRAP_SHA_256 wraps RSA and ECC private keys only; for " + keySpec
						+ " use RSAES_OAEP_SHA_256 or RSAES_OAEP_SHA_1");
		assertRefused(keySpec, RSA_AES_KEY_WRAP_SHA_1, WrappingKeySpec.RSA_2048, Reason.INCOMPATIBLE_WRAPPING_ALGORITHM,
				"RSA_AES_KEY_WRAP_SHA_1 wraps RSA and ECC private keys only");
	}

	@ParameterizedTest
	@EnumSource(WrappingKeySpec.class)
	void pkcs1V15IsNoLongerAccepted(WrappingKeySpec wrappingKey) {
		assertRefused(KeySpec.SYMMETRIC_DEFAULT, RSAES_PKCS1_V1_5, wrappingKey, Reason.UNSUPPORTED_WRAPPING_ALGORITHM,
				"AWS KMS no longer accepts RSAES_PKCS1_V1_5 (since 2023-10-10); use RSAES_OAEP_SHA_256 or RSAES_OAEP_SHA_1");
		assertRefused(KeySpec.RSA_2048, RSAES_PKCS1_V1_5, wrappingKey, Reason.UNSUPPORTED_WRAPPING_ALGORITHM,
				"use RSA_AES_KEY_WRAP_SHA_256 or RSA_AES_KEY_WRAP_SHA_1");
	}

	@Test
	void sm2PkeWrapsPrivateKeysInChinaOnlyAndDoesNotExistElsewhere() {
		// AWS's table: SM2PKE for RSA, ECC and SM2 private keys; symmetric and HMAC
		// material under RSAES_OAEP_*
		assertRefused(KeySpec.SYMMETRIC_DEFAULT, SM2PKE, WrappingKeySpec.SM2, Partition.CHINA,
				Reason.INCOMPATIBLE_WRAPPING_ALGORITHM,
				"SM2PKE wraps RSA, ECC and SM2 private keys only; for "
						+ "SYMMETRIC_DEFAULT use an RSA wrapping key (RSA_4096, RSA_3072 or RSA_2048) with "
						+ "RSAES_OAEP_SHA_256 or RSAES_OAEP_SHA_1");
		assertRefused(KeySpec.HMAC_256, SM2PKE, WrappingKeySpec.SM2, Partition.CHINA,
				Reason.INCOMPATIBLE_WRAPPING_ALGORITHM, "SM2PKE wraps RSA, ECC and SM2 private keys only");
		assertRefused(KeySpec.SM2, SM2PKE, WrappingKeySpec.RSA_2048, Partition.CHINA,
				Reason.INCOMPATIBLE_WRAPPING_ALGORITHM, "SM2PKE needs the SM2 wrapping key spec, got RSA_2048");
		for (KeySpec keySpec : List.of(KeySpec.SM2, KeySpec.ECC_NIST_P256, KeySpec.ECC_NIST_P521, KeySpec.RSA_2048,
				KeySpec.RSA_4096)) {
			this.wrapper.checkCompatible(keySpec, SM2PKE, WrappingKeySpec.SM2, Partition.CHINA);
			assertThat(this.wrapper.compatibleAlgorithms(keySpec, WrappingKeySpec.SM2, Partition.CHINA))
				.containsExactly(SM2PKE);
			assertThat(this.wrapper.compatibleAlgorithms(keySpec, WrappingKeySpec.SM2, Partition.STANDARD)).isEmpty();
		}
		assertThat(this.wrapper.compatibleAlgorithms(KeySpec.SYMMETRIC_DEFAULT, WrappingKeySpec.SM2, Partition.CHINA))
			.isEmpty();
		assertThat(this.wrapper.wrappingOptions(KeySpec.SM2, Partition.CHINA)).last()
			.isEqualTo(option(SM2PKE, WrappingKeySpec.SM2));
		assertRefused(KeySpec.SYMMETRIC_DEFAULT, SM2PKE, WrappingKeySpec.SM2, Partition.STANDARD,
				Reason.UNSUPPORTED_WRAPPING_ALGORITHM,
				"SM2PKE and SM2 wrapping keys exist only in the AWS China regions (aws-cn)");
	}

	@ParameterizedTest
	@EnumSource(value = WrappingAlgorithm.class,
			names = { "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "RSA_AES_KEY_WRAP_SHA_1", "RSA_AES_KEY_WRAP_SHA_256" })
	void rsaAlgorithmsNeedAnRsaWrappingKey(WrappingAlgorithm algorithm) {
		assertRefused(KeySpec.ECC_NIST_P256, algorithm, WrappingKeySpec.SM2, Partition.CHINA,
				Reason.INCOMPATIBLE_WRAPPING_ALGORITHM,
				algorithm + " needs an RSA wrapping key (RSA_2048, RSA_3072 or RSA_4096), got SM2");
		assertRefused(KeySpec.ECC_NIST_P256, algorithm, WrappingKeySpec.SM2, Partition.STANDARD,
				Reason.INCOMPATIBLE_WRAPPING_ALGORITHM,
				"the SM2 wrapping key spec exists only in the AWS China regions (aws-cn)");
	}

	@ParameterizedTest
	@EnumSource(value = KeySpec.class, names = { "ECC_NIST_EDWARDS25519", "ML_DSA_44", "ML_DSA_65", "ML_DSA_87" })
	void keySpecsKmsDoesNotImportAreUnsupported(KeySpec keySpec) {
		for (WrappingAlgorithm algorithm : WrappingAlgorithm.values()) {
			assertRefused(keySpec, algorithm, WrappingKeySpec.RSA_4096, Reason.UNSUPPORTED_KEY_SPEC,
					"AWS KMS does not document importing key material for " + keySpec);
		}
	}

	@ParameterizedTest
	@EnumSource(value = KeySpec.class, names = { "RSA_2048", "RSA_3072", "RSA_4096" })
	void rsaPrivateKeysNeedRsaAesKeyWrap(KeySpec keySpec) {
		for (WrappingKeySpec wrappingKey : RSA_KEYS) {
			for (WrappingAlgorithm algorithm : List.of(RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256)) {
				assertRefused(keySpec, algorithm, wrappingKey, Reason.INCOMPATIBLE_WRAPPING_ALGORITHM,
						"AWS KMS requires RSA_AES_KEY_WRAP_SHA_256 or RSA_AES_KEY_WRAP_SHA_1 for them");
			}
			this.wrapper.checkCompatible(keySpec, RSA_AES_KEY_WRAP_SHA_256, wrappingKey);
			this.wrapper.checkCompatible(keySpec, RSA_AES_KEY_WRAP_SHA_1, wrappingKey);
		}
	}

	@Test
	void p521DoesNotFitOaepUnderRsa2048() {
		assertRefused(KeySpec.ECC_NIST_P521, RSAES_OAEP_SHA_256, WrappingKeySpec.RSA_2048,
				Reason.INCOMPATIBLE_WRAPPING_ALGORITHM,
				"ECC_NIST_P521 key material (241 bytes as DER PKCS#8) does not fit RSAES_OAEP_SHA_256 under an RSA_2048 "
						+ "wrapping key (at most 190 bytes); use RSA_AES_KEY_WRAP_SHA_256 or RSA_AES_KEY_WRAP_SHA_1, "
						+ "or a larger wrapping key (RSA_3072 or RSA_4096)");
		assertRefused(KeySpec.ECC_NIST_P521, RSAES_OAEP_SHA_1, WrappingKeySpec.RSA_2048,
				Reason.INCOMPATIBLE_WRAPPING_ALGORITHM, "(at most 214 bytes)");
		this.wrapper.checkCompatible(KeySpec.ECC_NIST_P521, RSAES_OAEP_SHA_256, WrappingKeySpec.RSA_3072);
		this.wrapper.checkCompatible(KeySpec.ECC_NIST_P521, RSA_AES_KEY_WRAP_SHA_256, WrappingKeySpec.RSA_2048);
	}

	@ParameterizedTest
	@EnumSource(value = KeySpec.class, names = { "ECC_NIST_P256", "ECC_NIST_P384", "ECC_SECG_P256K1" })
	void smallerEcKeysFitEveryOaepCombination(KeySpec keySpec) {
		for (WrappingKeySpec wrappingKey : RSA_KEYS) {
			for (WrappingAlgorithm algorithm : List.of(RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, RSA_AES_KEY_WRAP_SHA_1,
					RSA_AES_KEY_WRAP_SHA_256)) {
				this.wrapper.checkCompatible(keySpec, algorithm, wrappingKey);
			}
		}
	}

	@Test
	void sm2PrivateKeysUseOaepBecauseChinaRegionsLackRsaAes() {
		this.wrapper.checkCompatible(KeySpec.SM2, RSAES_OAEP_SHA_256, WrappingKeySpec.RSA_2048, Partition.CHINA);
		assertRefused(KeySpec.SM2, RSA_AES_KEY_WRAP_SHA_256, WrappingKeySpec.RSA_2048, Partition.CHINA,
				Reason.INCOMPATIBLE_WRAPPING_ALGORITHM,
				"RSA_AES_KEY_WRAP_SHA_256 is not available in the AWS China regions (aws-cn); for SM2 use "
						+ "RSAES_OAEP_SHA_256 or RSAES_OAEP_SHA_1");
	}

	@ParameterizedTest
	@EnumSource(WrappingAlgorithm.class)
	void sm2KeysExistOnlyInChina(WrappingAlgorithm algorithm) {
		assertRefused(KeySpec.SM2, algorithm, WrappingKeySpec.RSA_4096, Partition.STANDARD, Reason.UNSUPPORTED_KEY_SPEC,
				"SM2 KMS keys exist only in the AWS China regions (aws-cn)");
	}

	@ParameterizedTest
	@EnumSource(value = KeySpec.class, names = { "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1" })
	void chinaRegionsLackRsaAesKeyWrapSoEccKeysUseOaep(KeySpec keySpec) {
		for (WrappingAlgorithm algorithm : List.of(RSA_AES_KEY_WRAP_SHA_1, RSA_AES_KEY_WRAP_SHA_256)) {
			assertRefused(keySpec, algorithm, WrappingKeySpec.RSA_4096, Partition.CHINA,
					Reason.INCOMPATIBLE_WRAPPING_ALGORITHM, algorithm + " is not available in the AWS China regions "
							+ "(aws-cn); for " + keySpec + " use RSAES_OAEP_SHA_256 or RSAES_OAEP_SHA_1");
		}
		this.wrapper.checkCompatible(keySpec, RSAES_OAEP_SHA_256, WrappingKeySpec.RSA_4096, Partition.CHINA);
	}

	@Test
	void p521UnderRsa2048InChinaNeedsALargerWrappingKey() {
		assertRefused(KeySpec.ECC_NIST_P521, RSAES_OAEP_SHA_256, WrappingKeySpec.RSA_2048, Partition.CHINA,
				Reason.INCOMPATIBLE_WRAPPING_ALGORITHM,
				"(at most 190 bytes); use a larger wrapping key (RSA_3072 or " + "RSA_4096)");
	}

	@ParameterizedTest
	@EnumSource(value = KeySpec.class, names = { "RSA_2048", "RSA_3072", "RSA_4096" })
	void rsaPrivateKeysGoWithSm2PkeInChina(KeySpec keySpec) {
		assertThat(this.wrapper.compatibleAlgorithms(keySpec, WrappingKeySpec.RSA_4096, Partition.CHINA)).isEmpty();
		assertRefused(keySpec, RSA_AES_KEY_WRAP_SHA_256, WrappingKeySpec.RSA_4096, Partition.CHINA,
				Reason.INCOMPATIBLE_WRAPPING_ALGORITHM, "RSA_AES_KEY_WRAP_SHA_256 is not available in the AWS China "
						+ "regions (aws-cn); for " + keySpec + " use SM2PKE with the SM2 wrapping key");
		assertRefused(keySpec, RSAES_OAEP_SHA_256, WrappingKeySpec.RSA_4096, Partition.CHINA,
				Reason.INCOMPATIBLE_WRAPPING_ALGORITHM, "there use SM2PKE with the SM2 wrapping key");
		assertThat(this.wrapper.wrappingOptions(keySpec, Partition.CHINA))
			.containsExactly(option(SM2PKE, WrappingKeySpec.SM2));
	}

	@Test
	void wrappingOptionsPutTheLongestWrappingKeyAndSha256First() {
		assertThat(this.wrapper.wrappingOptions(KeySpec.SYMMETRIC_DEFAULT, Partition.STANDARD)).containsExactly(
				option(RSAES_OAEP_SHA_256, WrappingKeySpec.RSA_4096),
				option(RSAES_OAEP_SHA_1, WrappingKeySpec.RSA_4096),
				option(RSAES_OAEP_SHA_256, WrappingKeySpec.RSA_3072),
				option(RSAES_OAEP_SHA_1, WrappingKeySpec.RSA_3072),
				option(RSAES_OAEP_SHA_256, WrappingKeySpec.RSA_2048),
				option(RSAES_OAEP_SHA_1, WrappingKeySpec.RSA_2048));
		assertThat(this.wrapper.wrappingOptions(KeySpec.RSA_3072, Partition.STANDARD)).first()
			.isEqualTo(option(RSA_AES_KEY_WRAP_SHA_256, WrappingKeySpec.RSA_4096));
		List<WrappingOption> p521 = this.wrapper.wrappingOptions(KeySpec.ECC_NIST_P521, Partition.STANDARD);
		assertThat(p521).startsWith(option(RSAES_OAEP_SHA_256, WrappingKeySpec.RSA_4096),
				option(RSA_AES_KEY_WRAP_SHA_256, WrappingKeySpec.RSA_4096),
				option(RSAES_OAEP_SHA_1, WrappingKeySpec.RSA_4096),
				option(RSA_AES_KEY_WRAP_SHA_1, WrappingKeySpec.RSA_4096));
		assertThat(p521).endsWith(option(RSA_AES_KEY_WRAP_SHA_256, WrappingKeySpec.RSA_2048),
				option(RSA_AES_KEY_WRAP_SHA_1, WrappingKeySpec.RSA_2048));
		assertThat(this.wrapper.wrappingOptions(KeySpec.ECC_NIST_P521, Partition.CHINA)).containsExactly(
				option(RSAES_OAEP_SHA_256, WrappingKeySpec.RSA_4096),
				option(RSAES_OAEP_SHA_1, WrappingKeySpec.RSA_4096),
				option(RSAES_OAEP_SHA_256, WrappingKeySpec.RSA_3072),
				option(RSAES_OAEP_SHA_1, WrappingKeySpec.RSA_3072), option(SM2PKE, WrappingKeySpec.SM2));
	}

	@Test
	void wrappingOptionsAreExactlyTheCompatibleCombinations() {
		for (Partition partition : Partition.values()) {
			for (KeySpec keySpec : KeySpec.values()) {
				Set<WrappingOption> expected = new java.util.HashSet<>();
				for (WrappingKeySpec wrappingKey : WrappingKeySpec.values()) {
					for (WrappingAlgorithm algorithm : this.wrapper.compatibleAlgorithms(keySpec, wrappingKey,
							partition)) {
						expected.add(option(algorithm, wrappingKey));
					}
				}
				if (expected.isEmpty()) {
					assertThatThrownBy(() -> this.wrapper.wrappingOptions(keySpec, partition))
						.as("%s in %s", keySpec, partition)
						.isInstanceOf(WrappingException.class);
				}
				else {
					assertThat(this.wrapper.wrappingOptions(keySpec, partition)).as("%s in %s", keySpec, partition)
						.containsExactlyInAnyOrderElementsOf(expected);
				}
			}
		}
	}

	@ParameterizedTest
	@EnumSource(WrappingAlgorithm.class)
	void sm4IsHuaweisKeySpecWhichAwsRefusesInEveryPartition(WrappingAlgorithm algorithm) {
		assertRefused(KeySpec.SM4, algorithm, WrappingKeySpec.RSA_2048, Partition.STANDARD, Reason.UNSUPPORTED_KEY_SPEC,
				"SM4 is Huawei Cloud KMS's key spec; AWS KMS has none of that name: use SYMMETRIC_DEFAULT (AES-256, "
						+ "32 bytes; SM4 in the AWS China regions)");
		assertRefused(KeySpec.SM4, algorithm, WrappingKeySpec.SM2, Partition.CHINA, Reason.UNSUPPORTED_KEY_SPEC,
				"SM4 is Huawei Cloud KMS's key spec; AWS KMS has none of that name: in the AWS China regions (aws-cn) "
						+ "an SM4 key is SYMMETRIC_DEFAULT (16 bytes)");
		for (Partition partition : Partition.values()) {
			assertThatThrownBy(() -> this.wrapper.checkImportable(KeySpec.SM4, partition)).isInstanceOfSatisfying(
					WrappingException.class, (ex) -> assertThat(ex.reason()).isEqualTo(Reason.UNSUPPORTED_KEY_SPEC));
		}
	}

	@Test
	void huaweisSm2EnvelopeIsNotAnAwsAlgorithm() {
		assertRefused(KeySpec.SM2, SM2_SM4_KEY_WRAP, WrappingKeySpec.SM2, Partition.CHINA,
				Reason.UNSUPPORTED_WRAPPING_ALGORITHM,
				"SM2_SM4_KEY_WRAP is Huawei Cloud KMS's SM2_ENCRYPT envelope; AWS KMS does not take it (its SM2PKE "
						+ "wraps private keys directly under the SM2 wrapping key); use an RSA wrapping key (RSA_4096, "
						+ "RSA_3072 or RSA_2048) with RSAES_OAEP_SHA_256 or RSAES_OAEP_SHA_1");
		assertRefused(KeySpec.ECC_NIST_P256, SM2_SM4_KEY_WRAP, WrappingKeySpec.RSA_2048, Partition.STANDARD,
				Reason.UNSUPPORTED_WRAPPING_ALGORITHM,
				"SM2_SM4_KEY_WRAP is Huawei Cloud KMS's SM2_ENCRYPT envelope; AWS KMS does not take it; use an RSA "
						+ "wrapping key (RSA_4096, RSA_3072 or RSA_2048) with RSAES_OAEP_SHA_256, RSAES_OAEP_SHA_1, "
						+ "RSA_AES_KEY_WRAP_SHA_256 or RSA_AES_KEY_WRAP_SHA_1");
		for (Partition partition : Partition.values()) {
			for (KeySpec keySpec : KeySpec.values()) {
				for (WrappingKeySpec wrappingKey : WrappingKeySpec.values()) {
					assertThat(this.wrapper.compatibleAlgorithms(keySpec, wrappingKey, partition))
						.doesNotContain(SM2_SM4_KEY_WRAP);
				}
			}
		}
	}

	@Test
	void partitionFollowsTheRegionName() {
		assertThat(Partition.ofRegion("cn-north-1")).isEqualTo(Partition.CHINA);
		assertThat(Partition.ofRegion("cn-northwest-1")).isEqualTo(Partition.CHINA);
		assertThat(Partition.ofRegion("eu-central-1")).isEqualTo(Partition.STANDARD);
		assertThat(Partition.ofRegion("us-gov-west-1")).isEqualTo(Partition.STANDARD);
		assertThat(Partition.ofRegion(null)).isEqualTo(Partition.STANDARD);
	}

	@Test
	void compatibleAlgorithmsListsExactlyWhatCheckCompatibleAccepts() {
		for (Partition partition : Partition.values()) {
			compatibleAlgorithmsListExactlyWhatCheckCompatibleAccepts(partition);
		}
	}

	private void compatibleAlgorithmsListExactlyWhatCheckCompatibleAccepts(Partition partition) {
		for (KeySpec keySpec : KeySpec.values()) {
			for (WrappingKeySpec wrappingKey : WrappingKeySpec.values()) {
				List<WrappingAlgorithm> compatible = this.wrapper.compatibleAlgorithms(keySpec, wrappingKey, partition);
				assertThat(Set.copyOf(acceptedByCheckCompatible(keySpec, wrappingKey, partition)))
					.isEqualTo(Set.copyOf(compatible));
				for (WrappingAlgorithm algorithm : WrappingAlgorithm.values()) {
					if (compatible.contains(algorithm)) {
						this.wrapper.checkCompatible(keySpec, algorithm, wrappingKey, partition);
					}
					else {
						assertThatThrownBy(
								() -> this.wrapper.checkCompatible(keySpec, algorithm, wrappingKey, partition))
							.isInstanceOfSatisfying(WrappingException.class, (ex) -> {
								assertThat(ex.getMessage()).isNotBlank().doesNotContain("no wrapping algorithm");
								assertThat(ex.getMessage()).containsAnyOf(algorithm.name(), keySpec.name());
							});
					}
				}
			}
		}
	}

	/** Every algorithm {@code checkCompatible} accepts, found by trying them all. */
	private List<WrappingAlgorithm> acceptedByCheckCompatible(KeySpec keySpec, WrappingKeySpec wrappingKey,
			Partition partition) {
		List<WrappingAlgorithm> accepted = new ArrayList<>();
		for (WrappingAlgorithm algorithm : WrappingAlgorithm.values()) {
			try {
				this.wrapper.checkCompatible(keySpec, algorithm, wrappingKey, partition);
				accepted.add(algorithm);
			}
			catch (WrappingException ex) {
				// not compatible
			}
		}
		return accepted;
	}

	@Test
	void compatibleAlgorithmsPreferSha256() {
		assertThat(this.wrapper.compatibleAlgorithms(KeySpec.SYMMETRIC_DEFAULT, WrappingKeySpec.RSA_2048))
			.containsExactly(RSAES_OAEP_SHA_256, RSAES_OAEP_SHA_1);
		assertThat(this.wrapper.compatibleAlgorithms(KeySpec.ECC_NIST_P521, WrappingKeySpec.RSA_2048))
			.containsExactly(RSA_AES_KEY_WRAP_SHA_256, RSA_AES_KEY_WRAP_SHA_1);
		assertThat(this.wrapper.compatibleAlgorithms(KeySpec.ECC_NIST_P521, WrappingKeySpec.RSA_3072))
			.containsExactly(RSAES_OAEP_SHA_256, RSAES_OAEP_SHA_1, RSA_AES_KEY_WRAP_SHA_256, RSA_AES_KEY_WRAP_SHA_1);
		assertThat(this.wrapper.compatibleAlgorithms(KeySpec.ML_DSA_65, WrappingKeySpec.RSA_4096)).isEmpty();
		assertThat(this.wrapper.compatibleAlgorithms(KeySpec.HMAC_256, WrappingKeySpec.SM2)).isEmpty();
	}

	@Test
	void everyKeySpecImportableInTheStandardRegionsHasAnAlgorithmWithEveryRsaWrappingKey() {
		Set<KeySpec> importable = EnumSet.noneOf(KeySpec.class);
		for (KeySpec keySpec : KeySpec.values()) {
			if (keySpec.kind() != KeySpec.Kind.NOT_IMPORTABLE && keySpec.kind() != KeySpec.Kind.SM2
					&& keySpec != KeySpec.SM4) {
				importable.add(keySpec);
			}
		}
		for (KeySpec keySpec : importable) {
			for (WrappingKeySpec wrappingKey : RSA_KEYS) {
				assertThat(this.wrapper.compatibleAlgorithms(keySpec, wrappingKey))
					.as("%s with %s", keySpec, wrappingKey)
					.isNotEmpty();
			}
		}
	}

	@Test
	void nullArgumentsAreProgrammingErrors() {
		assertThatThrownBy(() -> this.wrapper.checkCompatible(null, RSAES_OAEP_SHA_256, WrappingKeySpec.RSA_2048))
			.isInstanceOf(NullPointerException.class);
		assertThatThrownBy(
				() -> this.wrapper.checkCompatible(KeySpec.SYMMETRIC_DEFAULT, null, WrappingKeySpec.RSA_2048))
			.isInstanceOf(NullPointerException.class);
		assertThatThrownBy(() -> this.wrapper.checkCompatible(KeySpec.SYMMETRIC_DEFAULT, RSAES_OAEP_SHA_256, null))
			.isInstanceOf(NullPointerException.class);
	}

	private static WrappingOption option(WrappingAlgorithm algorithm, WrappingKeySpec wrappingKey) {
		return new WrappingOption(algorithm, wrappingKey);
	}

	private void assertRefused(KeySpec keySpec, WrappingAlgorithm algorithm, WrappingKeySpec wrappingKey, Reason reason,
			String message) {
		assertRefused(keySpec, algorithm, wrappingKey, Partition.STANDARD, reason, message);
	}

	private void assertRefused(KeySpec keySpec, WrappingAlgorithm algorithm, WrappingKeySpec wrappingKey,
			Partition partition, Reason reason, String message) {
		assertThatThrownBy(() -> this.wrapper.checkCompatible(keySpec, algorithm, wrappingKey, partition))
			.isInstanceOfSatisfying(WrappingException.class, (ex) -> {
				assertThat(ex.reason()).isEqualTo(reason);
				assertThat(ex.getMessage()).contains(message);
			});
	}

}
