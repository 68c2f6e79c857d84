package io.keyport.wrapping;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.keyport.wrapping.WrappingException.Reason;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ImportSpec}: validated by the provider's rules once, at construction, and
 * trusted by the wrapper after.
 */
class ImportSpecTests {

	private static final ImportRules STANDARD = ImportRules.aws(Partition.STANDARD);

	private static final ImportRules CHINA = ImportRules.aws(Partition.CHINA);

	@Test
	void aCombinationTheRulesAcceptIsASpec() {
		ImportSpec spec = new ImportSpec(KeySpec.ECC_NIST_P256, WrappingAlgorithm.RSAES_OAEP_SHA_256,
				WrappingKeySpec.RSA_2048, STANDARD);
		assertThat(spec.keySpec()).isEqualTo(KeySpec.ECC_NIST_P256);
		assertThat(spec.algorithm()).isEqualTo(WrappingAlgorithm.RSAES_OAEP_SHA_256);
		assertThat(spec.wrappingKeySpec()).isEqualTo(WrappingKeySpec.RSA_2048);
		assertThat(spec.rules()).isSameAs(STANDARD);
		assertThat(new ImportSpec(KeySpec.SM2, WrappingAlgorithm.SM2PKE, WrappingKeySpec.SM2, CHINA).rules().id())
			.isEqualTo("aws-cn");
	}

	@Test
	void aCombinationTheRulesRefuseIsRefusedWithTheRulesCodeAndMessage() {
		assertThatThrownBy(() -> new ImportSpec(KeySpec.RSA_2048, WrappingAlgorithm.RSAES_OAEP_SHA_256,
				WrappingKeySpec.RSA_4096, STANDARD))
			.isInstanceOfSatisfying(WrappingException.class, (ex) -> {
				assertThat(ex.reason()).isEqualTo(Reason.INCOMPATIBLE_WRAPPING_ALGORITHM);
				assertThat(ex.getMessage()).isEqualTo("RSA private keys (RSA_2048, PKCS#8 of about 1217 bytes) cannot "
						+ "be wrapped with RSAES_OAEP_SHA_256; AWS KMS requires RSA_AES_KEY_WRAP_SHA_256 or "
						+ "RSA_AES_KEY_WRAP_SHA_1 for them");
			});
		assertThatThrownBy(() -> new ImportSpec(KeySpec.SM2, WrappingAlgorithm.SM2PKE, WrappingKeySpec.SM2, STANDARD))
			.isInstanceOfSatisfying(WrappingException.class, (ex) -> {
				assertThat(ex.reason()).isEqualTo(Reason.UNSUPPORTED_KEY_SPEC);
				assertThat(ex.getMessage()).isEqualTo("SM2 KMS keys exist only in the AWS China regions (aws-cn), not "
						+ "in the standard AWS regions (aws)");
			});
		assertThatThrownBy(() -> new ImportSpec(KeySpec.ECC_NIST_P256, WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256,
				WrappingKeySpec.RSA_2048, CHINA))
			.isInstanceOfSatisfying(WrappingException.class,
					(ex) -> assertThat(ex.reason()).isEqualTo(Reason.INCOMPATIBLE_WRAPPING_ALGORITHM));
	}

	@Test
	void everyPartIsRequired() {
		assertThatNullPointerException().isThrownBy(
				() -> new ImportSpec(null, WrappingAlgorithm.RSAES_OAEP_SHA_256, WrappingKeySpec.RSA_2048, STANDARD));
		assertThatNullPointerException()
			.isThrownBy(() -> new ImportSpec(KeySpec.HMAC_256, null, WrappingKeySpec.RSA_2048, STANDARD));
		assertThatNullPointerException()
			.isThrownBy(() -> new ImportSpec(KeySpec.HMAC_256, WrappingAlgorithm.RSAES_OAEP_SHA_256, null, STANDARD));
		assertThatNullPointerException().isThrownBy(() -> new ImportSpec(KeySpec.HMAC_256,
				WrappingAlgorithm.RSAES_OAEP_SHA_256, WrappingKeySpec.RSA_2048, null));
	}

	@Test
	void theWrapperTrustsTheSpecAndDoesNotValidateItAgain() {
		AtomicInteger checks = new AtomicInteger();
		ImportRules counting = new CountingRules(STANDARD, checks);
		ImportSpec spec = new ImportSpec(KeySpec.SYMMETRIC_DEFAULT, WrappingAlgorithm.RSAES_OAEP_SHA_256,
				WrappingKeySpec.RSA_2048, counting);
		assertThat(checks).hasValue(1);
		KeyMaterialWrapper wrapper = new KeyMaterialWrapper();
		WrappingPublicKey key = TestKeys.wrappingKey(WrappingKeySpec.RSA_2048);
		for (int i = 0; i < 2; i++) {
			try (KeyMaterial material = TestKeys.material(TestKeys.random(32))) {
				wrapper.wrap(material, spec, key);
			}
		}
		assertThat(checks).hasValue(1);
	}

	@Test
	void theWrappingKeyMustBeOfTheSpecsWrappingKeySpec() {
		ImportSpec spec = new ImportSpec(KeySpec.SYMMETRIC_DEFAULT, WrappingAlgorithm.RSAES_OAEP_SHA_256,
				WrappingKeySpec.RSA_2048, STANDARD);
		assertThatThrownBy(() -> new KeyMaterialWrapper().wrap(TestKeys.material(TestKeys.random(32)), spec,
				TestKeys.wrappingKey(WrappingKeySpec.RSA_3072)))
			.isInstanceOfSatisfying(WrappingException.class,
					(ex) -> assertThat(ex.reason()).isEqualTo(Reason.WRAPPING_KEY_SPEC_MISMATCH));
	}

	@Test
	void rulesThatTakePkcs1AcceptItWithAnRsaWrappingKeyOnly() {
		ImportRules rules = ImportRules.withPkcs1V15(CHINA);
		new ImportSpec(KeySpec.SYMMETRIC_DEFAULT, WrappingAlgorithm.RSAES_PKCS1_V1_5, WrappingKeySpec.RSA_2048, rules);
		assertThat(rules.compatibleAlgorithms(KeySpec.SYMMETRIC_DEFAULT, WrappingKeySpec.RSA_2048))
			.endsWith(WrappingAlgorithm.RSAES_PKCS1_V1_5);
		assertThat(rules.wrappingOptions(KeySpec.SYMMETRIC_DEFAULT))
			.startsWith(CHINA.wrappingOptions(KeySpec.SYMMETRIC_DEFAULT).toArray(WrappingOption[]::new))
			.endsWith(new WrappingOption(WrappingAlgorithm.RSAES_PKCS1_V1_5, WrappingKeySpec.RSA_2048));
		assertThatThrownBy(() -> new ImportSpec(KeySpec.SYMMETRIC_DEFAULT, WrappingAlgorithm.RSAES_PKCS1_V1_5,
				WrappingKeySpec.SM2, rules))
			.isInstanceOfSatisfying(WrappingException.class,
					(ex) -> assertThat(ex.reason()).isEqualTo(Reason.INCOMPATIBLE_WRAPPING_ALGORITHM));
		assertThatThrownBy(() -> new ImportSpec(KeySpec.ML_DSA_44, WrappingAlgorithm.RSAES_PKCS1_V1_5,
				WrappingKeySpec.RSA_2048, rules))
			.isInstanceOfSatisfying(WrappingException.class,
					(ex) -> assertThat(ex.reason()).isEqualTo(Reason.UNSUPPORTED_KEY_SPEC));
	}

	@Test
	void awsRulesFollowTheRegionsPartition() {
		assertThat(ImportRules.awsRegion("cn-northwest-1").id()).isEqualTo("aws-cn");
		assertThat(ImportRules.awsRegion("eu-central-1").id()).isEqualTo("aws");
		assertThat(ImportRules.awsRegion("us-gov-west-1")).isSameAs(STANDARD);
	}

	/** AWS's standard rules, counting how often a combination is checked. */
	private record CountingRules(ImportRules rules, AtomicInteger checks) implements ImportRules {

		@Override
		public String id() {
			return this.rules.id();
		}

		@Override
		public void checkImportable(KeySpec keySpec) {
			this.rules.checkImportable(keySpec);
		}

		@Override
		public void checkCompatible(KeySpec keySpec, WrappingAlgorithm algorithm, WrappingKeySpec wrappingKeySpec) {
			this.checks.incrementAndGet();
			this.rules.checkCompatible(keySpec, algorithm, wrappingKeySpec);
		}

		@Override
		public java.util.List<WrappingAlgorithm> compatibleAlgorithms(KeySpec keySpec,
				WrappingKeySpec wrappingKeySpec) {
			return this.rules.compatibleAlgorithms(keySpec, wrappingKeySpec);
		}

		@Override
		public java.util.List<WrappingOption> wrappingOptions(KeySpec keySpec) {
			return this.rules.wrappingOptions(keySpec);
		}

		@Override
		public void checkMaterial(KeyMaterial material, KeySpec keySpec) {
			this.rules.checkMaterial(material, keySpec);
		}

		@Override
		public String alternatives(KeySpec keySpec, WrappingKeySpec wrappingKeySpec, int length) {
			return this.rules.alternatives(keySpec, wrappingKeySpec, length);
		}

	}

}
