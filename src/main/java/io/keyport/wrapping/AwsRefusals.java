package io.keyport.wrapping;

import java.util.ArrayList;
import java.util.List;

import io.keyport.wrapping.WrappingException.Reason;

/**
 * Why AWS refuses a combination in a partition, and what to use instead: the refusal
 * texts of {@link AwsImportRules}. Clients and tests rely on the codes and messages, so
 * they change only deliberately.
 */
final class AwsRefusals {

	private final AwsImportRules rules;

	private final Partition partition;

	AwsRefusals(AwsImportRules rules) {
		this.rules = rules;
		this.partition = rules.partition();
	}

	/**
	 * Why the combination can never work; only called when
	 * {@link AwsImportRules#compatible} said no.
	 */
	WrappingException refusal(KeySpec keySpec, WrappingAlgorithm algorithm, WrappingKeySpec wrappingKeySpec) {
		WrappingException notImportable = notImportableHere(keySpec);
		if (notImportable != null) {
			return notImportable;
		}
		WrappingException unsupported = unsupportedAlgorithm(algorithm, keySpec, wrappingKeySpec);
		if (unsupported != null) {
			return unsupported;
		}
		if (algorithm == WrappingAlgorithm.SM2PKE) {
			if (wrappingKeySpec != WrappingKeySpec.SM2) {
				return Refusals.needsSm2WrappingKey(wrappingKeySpec);
			}
			return Refusals.incompatible("SM2PKE wraps RSA, ECC and SM2 private keys only; for " + keySpec
					+ " use an RSA wrapping key (RSA_4096, RSA_3072 or RSA_2048) with "
					+ alternatives(keySpec, WrappingKeySpec.RSA_4096));
		}
		if (!wrappingKeySpec.isRsa()) {
			if (!this.partition.hasSm2()) {
				return Refusals.incompatible("the SM2 wrapping key spec exists only in the AWS China regions (aws-cn); "
						+ "for " + keySpec + " use an RSA wrapping key (RSA_4096, RSA_3072 or RSA_2048) with "
						+ alternatives(keySpec, WrappingKeySpec.RSA_4096));
			}
			return Refusals.needsRsaWrappingKey(algorithm, wrappingKeySpec);
		}
		if (algorithm.isAesKeyWrap()) {
			if (!this.partition.hasRsaAesKeyWrap()) {
				return Refusals.incompatible(algorithm + " is not available in " + this.partition.describe() + "; "
						+ alternativesOrNone(keySpec, wrappingKeySpec));
			}
			if (keySpec.isSymmetricOrHmac()) {
				return Refusals.incompatible(algorithm + " wraps RSA and ECC private keys only; for " + keySpec
						+ " use " + alternatives(keySpec, wrappingKeySpec));
			}
		}
		if (keySpec.kind() == KeySpec.Kind.RSA) {
			String required = this.partition.hasRsaAesKeyWrap()
					? "AWS KMS requires " + alternatives(keySpec, wrappingKeySpec) + " for them"
					: "AWS KMS requires RSA_AES_KEY_WRAP_SHA_256 or RSA_AES_KEY_WRAP_SHA_1 for them, which "
							+ this.partition.describe() + " lack; there use SM2PKE with the SM2 wrapping key";
			return Refusals
				.incompatible("RSA private keys (" + keySpec + ", PKCS#8 of about " + this.rules.typicalLength(keySpec)
						+ " bytes) cannot be wrapped with " + algorithm + "; " + required);
		}
		int capacity = WrappingSchemes.forAlgorithm(algorithm).capacity(wrappingKeySpec);
		int length = this.rules.typicalLength(keySpec);
		if (length > capacity) {
			return Refusals.incompatible(keySpec + " key material (" + length + " bytes as DER PKCS#8) does not fit "
					+ algorithm + " under an " + wrappingKeySpec + " wrapping key (at most " + capacity
					+ " bytes); use " + alternatives(keySpec, wrappingKeySpec, length, true));
		}
		throw new IllegalStateException("no refusal message for " + keySpec + ", " + algorithm + ", " + wrappingKeySpec
				+ " in " + this.partition);
	}

	/**
	 * Refuses key specs that cannot take imported material at all in the partition, else
	 * {@code null}.
	 */
	WrappingException notImportableHere(KeySpec keySpec) {
		if (keySpec.kind() == KeySpec.Kind.NOT_IMPORTABLE) {
			return notImportable(keySpec);
		}
		if (keySpec == KeySpec.SM4) {
			// Huawei Cloud's key spec; AWS's SM4 keys (China only) are SYMMETRIC_DEFAULT
			return new WrappingException(Reason.UNSUPPORTED_KEY_SPEC,
					"SM4 is Huawei Cloud KMS's key spec; AWS KMS " + "has none of that name: "
							+ (this.partition.hasSm2()
									? "in the AWS China regions (aws-cn) an SM4 key is SYMMETRIC_DEFAULT (16 bytes)"
									: "use SYMMETRIC_DEFAULT (AES-256, 32 bytes; SM4 in the AWS China regions)"));
		}
		if (keySpec.kind() == KeySpec.Kind.SM2 && !this.partition.hasSm2()) {
			return new WrappingException(Reason.UNSUPPORTED_KEY_SPEC, "SM2 KMS keys exist only in the AWS China "
					+ "regions (aws-cn), not in " + this.partition.describe());
		}
		return null;
	}

	static WrappingException notImportable(KeySpec keySpec) {
		return new WrappingException(Reason.UNSUPPORTED_KEY_SPEC,
				"AWS KMS does not document importing key material for " + keySpec
						+ "; importable key specs are SYMMETRIC_DEFAULT, HMAC_224/256/384/512, RSA_2048/3072/4096, "
						+ "ECC_NIST_P256/P384/P521, ECC_SECG_P256K1 and SM2");
	}

	/**
	 * Refuses the algorithms AWS never takes in the partition, naming what the key spec
	 * can use instead.
	 */
	private WrappingException unsupportedAlgorithm(WrappingAlgorithm algorithm, KeySpec keySpec,
			WrappingKeySpec wrappingKeySpec) {
		WrappingKeySpec rsaKey = wrappingKeySpec.isRsa() ? wrappingKeySpec : WrappingKeySpec.RSA_4096;
		return switch (algorithm) {
			case RSAES_PKCS1_V1_5 -> new WrappingException(Reason.UNSUPPORTED_WRAPPING_ALGORITHM,
					"AWS KMS no longer accepts RSAES_PKCS1_V1_5 (since 2023-10-10)"
							+ useInstead(keySpec, rsaKey, false));
			case SM2PKE -> this.partition.hasSm2() ? null
					: new WrappingException(Reason.UNSUPPORTED_WRAPPING_ALGORITHM,
							"SM2PKE and SM2 wrapping keys exist only in the AWS China regions (aws-cn)"
									+ useInstead(keySpec, rsaKey, true));
			case SM2_SM4_KEY_WRAP -> new WrappingException(Reason.UNSUPPORTED_WRAPPING_ALGORITHM,
					"SM2_SM4_KEY_WRAP is Huawei Cloud KMS's SM2_ENCRYPT envelope; AWS KMS does not take it"
							+ (this.partition.hasSm2()
									? " (its SM2PKE wraps private keys directly under the SM2 wrapping key)" : "")
							+ useInstead(keySpec, rsaKey, true));
			default -> null;
		};
	}

	/** "; use RSAES_OAEP_SHA_256 or ...", or why nothing else is left. */
	private String useInstead(KeySpec keySpec, WrappingKeySpec rsaKey, boolean nameRsaKeys) {
		if (!compatibleAnywhere(keySpec, rsaKey)) {
			return "; " + alternativesOrNone(keySpec, rsaKey);
		}
		return "; use " + (nameRsaKeys ? "an RSA wrapping key (RSA_4096, RSA_3072 or RSA_2048) with " : "")
				+ alternatives(keySpec, rsaKey);
	}

	/**
	 * "RSAES_OAEP_SHA_256 or RSAES_OAEP_SHA_1": the algorithms that can carry
	 * {@code length} bytes of the key spec's material under the wrapping key, optionally
	 * followed by the larger wrapping keys RSAES_OAEP_SHA_256 would fit.
	 */
	String alternatives(KeySpec keySpec, WrappingKeySpec wrappingKeySpec, int length, boolean largerKeys) {
		List<String> algorithms = new ArrayList<>();
		for (WrappingAlgorithm candidate : AwsImportRules.SUPPORTED) {
			if (this.rules.compatible(keySpec, candidate, wrappingKeySpec) && (candidate.oaepHash() == null
					|| candidate.isAesKeyWrap() || length <= oaepCapacity(candidate, wrappingKeySpec))) {
				algorithms.add(candidate.name());
			}
		}
		String text = Refusals.join(algorithms);
		if (largerKeys && keySpec.kind() != KeySpec.Kind.RSA) {
			List<String> keys = new ArrayList<>();
			for (WrappingKeySpec candidate : AwsImportRules.RSA_WRAPPING_KEYS) {
				if (candidate.bits() > wrappingKeySpec.bits()
						&& this.rules.compatible(keySpec, WrappingAlgorithm.RSAES_OAEP_SHA_256, candidate)
						&& length <= oaepCapacity(WrappingAlgorithm.RSAES_OAEP_SHA_256, candidate)) {
					keys.add(candidate.name());
				}
			}
			if (!keys.isEmpty()) {
				text += (algorithms.isEmpty() ? "a larger wrapping key (" : ", or a larger wrapping key (")
						+ Refusals.join(keys) + ")";
			}
		}
		return text.isEmpty() ? "no wrapping algorithm with an " + wrappingKeySpec + " wrapping key" : text;
	}

	private String alternatives(KeySpec keySpec, WrappingKeySpec wrappingKeySpec) {
		return alternatives(keySpec, wrappingKeySpec, this.rules.typicalLength(keySpec), false);
	}

	/** "for K use A or B", or why there is nothing to use (RSA private keys in China). */
	private String alternativesOrNone(KeySpec keySpec, WrappingKeySpec wrappingKeySpec) {
		if (compatibleAnywhere(keySpec, wrappingKeySpec)) {
			return "for " + keySpec + " use " + alternatives(keySpec, wrappingKeySpec);
		}
		if (this.rules.compatible(keySpec, WrappingAlgorithm.SM2PKE, WrappingKeySpec.SM2)) {
			return "for " + keySpec + " use SM2PKE with the SM2 wrapping key";
		}
		return keySpec + " material cannot be imported in " + this.partition.describe();
	}

	private boolean compatibleAnywhere(KeySpec keySpec, WrappingKeySpec wrappingKeySpec) {
		return !this.rules.compatibleAlgorithms(keySpec, wrappingKeySpec).isEmpty();
	}

	private static int oaepCapacity(WrappingAlgorithm algorithm, WrappingKeySpec wrappingKeySpec) {
		return WrappingSchemes.forAlgorithm(algorithm).capacity(wrappingKeySpec);
	}

}
