package io.keyport.wrapping;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.keyport.wrapping.WrappingAlgorithm.Hash;
import io.keyport.wrapping.WrappingException.Reason;

/**
 * AWS KMS's import rules in one partition: RSAES_OAEP_SHA_1/256 for material that fits
 * one RSA-OAEP block, RSA_AES_KEY_WRAP_SHA_1/256 for RSA and ECC private keys (not in
 * China), SM2PKE with the SM2 wrapping key for private keys (China only), never
 * RSAES_PKCS1_V1_5. What is possible is decided here; why something is not, and what to
 * use instead, is {@link AwsRefusals}'s job.
 */
final class AwsImportRules implements ImportRules {

	private static final AwsImportRules STANDARD = new AwsImportRules(Partition.STANDARD);

	private static final AwsImportRules CHINA = new AwsImportRules(Partition.CHINA);

	/**
	 * Wrapping algorithms AWS accepts and Keyport produces, in the order they are
	 * suggested (SHA-256 before SHA-1, SM2PKE last, as in AWS's table).
	 */
	static final List<WrappingAlgorithm> SUPPORTED = List.of(WrappingAlgorithm.RSAES_OAEP_SHA_256,
			WrappingAlgorithm.RSAES_OAEP_SHA_1, WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256,
			WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_1, WrappingAlgorithm.SM2PKE);

	static final List<WrappingKeySpec> RSA_WRAPPING_KEYS = List.of(WrappingKeySpec.RSA_2048, WrappingKeySpec.RSA_3072,
			WrappingKeySpec.RSA_4096);

	private final Partition partition;

	private final AwsRefusals refusals;

	private AwsImportRules(Partition partition) {
		this.partition = partition;
		this.refusals = new AwsRefusals(this);
	}

	static AwsImportRules of(Partition partition) {
		return (Objects.requireNonNull(partition, "partition") == Partition.CHINA) ? CHINA : STANDARD;
	}

	Partition partition() {
		return this.partition;
	}

	@Override
	public String id() {
		return this.partition.id();
	}

	@Override
	public void checkImportable(KeySpec keySpec) {
		Objects.requireNonNull(keySpec, "keySpec");
		WrappingException notImportable = this.refusals.notImportableHere(keySpec);
		if (notImportable != null) {
			throw notImportable;
		}
	}

	@Override
	public void checkCompatible(KeySpec keySpec, WrappingAlgorithm algorithm, WrappingKeySpec wrappingKeySpec) {
		Objects.requireNonNull(keySpec, "keySpec");
		Objects.requireNonNull(algorithm, "algorithm");
		Objects.requireNonNull(wrappingKeySpec, "wrappingKeySpec");
		if (!compatible(keySpec, algorithm, wrappingKeySpec)) {
			throw this.refusals.refusal(keySpec, algorithm, wrappingKeySpec);
		}
	}

	@Override
	public List<WrappingAlgorithm> compatibleAlgorithms(KeySpec keySpec, WrappingKeySpec wrappingKeySpec) {
		Objects.requireNonNull(keySpec, "keySpec");
		Objects.requireNonNull(wrappingKeySpec, "wrappingKeySpec");
		List<WrappingAlgorithm> compatible = new ArrayList<>();
		for (WrappingAlgorithm algorithm : SUPPORTED) {
			if (compatible(keySpec, algorithm, wrappingKeySpec)) {
				compatible.add(algorithm);
			}
		}
		return List.copyOf(compatible);
	}

	/**
	 * AWS's recommendation first: the longest practical wrapping key, and SHA-256 over
	 * SHA-1; SM2PKE last.
	 */
	@Override
	public List<WrappingOption> wrappingOptions(KeySpec keySpec) {
		checkImportable(keySpec);
		List<WrappingOption> options = new ArrayList<>();
		for (WrappingKeySpec wrappingKey : RSA_WRAPPING_KEYS.reversed()) {
			for (Hash hash : List.of(Hash.SHA_256, Hash.SHA_1)) {
				for (WrappingAlgorithm algorithm : SUPPORTED) {
					if (algorithm.oaepHash() == hash && compatible(keySpec, algorithm, wrappingKey)) {
						options.add(new WrappingOption(algorithm, wrappingKey));
					}
				}
			}
		}
		if (compatible(keySpec, WrappingAlgorithm.SM2PKE, WrappingKeySpec.SM2)) {
			options.add(new WrappingOption(WrappingAlgorithm.SM2PKE, WrappingKeySpec.SM2));
		}
		if (options.isEmpty()) {
			// the refusal of the most capable combination says why nothing is left
			throw this.refusals.refusal(keySpec, WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256, WrappingKeySpec.RSA_4096);
		}
		return List.copyOf(options);
	}

	@Override
	public void checkMaterial(KeyMaterial material, KeySpec keySpec) {
		Objects.requireNonNull(material, "material");
		Objects.requireNonNull(keySpec, "keySpec");
		if (material.isDestroyed()) {
			throw new WrappingException(Reason.INVALID_KEY_MATERIAL, "the key material has already been destroyed");
		}
		// whether the partition has the key spec at all is checkCompatible's question;
		// this one is about the material
		switch (keySpec.kind()) {
			case SYMMETRIC, HMAC -> {
				int expected = materialBytes(keySpec);
				int found = material.length();
				if (found != expected) {
					throw new WrappingException(Reason.INVALID_KEY_MATERIAL_LENGTH,
							"expected " + expected + " bytes for " + keySpec + partitionNote(keySpec) + ", got " + found
									+ encodingHint(expected, found) + partitionHint(keySpec, found));
				}
			}
			case RSA, EC, SM2 -> KeyMaterialFormats.checkPrivateKey(material, keySpec);
			case NOT_IMPORTABLE -> throw AwsRefusals.notImportable(keySpec);
		}
	}

	@Override
	public String alternatives(KeySpec keySpec, WrappingKeySpec wrappingKeySpec, int length) {
		return this.refusals.alternatives(keySpec, wrappingKeySpec, length, true);
	}

	/** The compatibility rules; {@link AwsRefusals#refusal} explains a {@code false}. */
	boolean compatible(KeySpec keySpec, WrappingAlgorithm algorithm, WrappingKeySpec wrappingKeySpec) {
		if (this.refusals.notImportableHere(keySpec) != null || !SUPPORTED.contains(algorithm)) {
			return false;
		}
		if (algorithm == WrappingAlgorithm.SM2PKE) {
			// AWS's table: RSA, ECC and SM2 private keys; symmetric (SM4) and HMAC
			// material only under RSAES_OAEP_*
			return this.partition.hasSm2() && wrappingKeySpec == WrappingKeySpec.SM2 && keySpec.isPrivateKey();
		}
		if (!wrappingKeySpec.isRsa()) {
			return false;
		}
		if (algorithm.isAesKeyWrap()) {
			// RSA and ECC private keys only, and not in China
			return this.partition.hasRsaAesKeyWrap()
					&& (keySpec.kind() == KeySpec.Kind.RSA || keySpec.kind() == KeySpec.Kind.EC);
		}
		// what fits one OAEP block follows from the sizes: k - 2*hLen - 2
		return keySpec.kind() != KeySpec.Kind.RSA
				&& typicalLength(keySpec) <= WrappingSchemes.forAlgorithm(algorithm).capacity(wrappingKeySpec);
	}

	/**
	 * Material length that decides whether RSA-OAEP can carry it: exact for symmetric and
	 * HMAC keys; for private keys the DER PKCS#8 that OpenSSL writes (named curve, public
	 * key included), the format AWS documents. A longer encoding of a key is caught
	 * against the real length when it is wrapped.
	 */
	int typicalLength(KeySpec keySpec) {
		return switch (keySpec) {
			case ECC_NIST_P256, SM2 -> 138;
			case ECC_SECG_P256K1 -> 135;
			case ECC_NIST_P384 -> 185;
			case ECC_NIST_P521 -> 241;
			case RSA_2048 -> 1217;
			case RSA_3072 -> 1794;
			case RSA_4096 -> 2373;
			default -> materialBytes(keySpec);
		};
	}

	/**
	 * Exact length of symmetric and HMAC material: SYMMETRIC_DEFAULT depends on the
	 * partition.
	 */
	@Override
	public int materialBytes(KeySpec keySpec) {
		return (keySpec == KeySpec.SYMMETRIC_DEFAULT) ? this.partition.symmetricDefaultLength()
				: keySpec.materialBytes();
	}

	/** " in the AWS China regions (SM4)" where the partition changes the length. */
	private String partitionNote(KeySpec keySpec) {
		return (keySpec == KeySpec.SYMMETRIC_DEFAULT && this.partition == Partition.CHINA)
				? " in the AWS China regions (an SM4 key)" : "";
	}

	/** A 16/32-byte mix-up between the partitions. */
	private String partitionHint(KeySpec keySpec, int found) {
		if (keySpec != KeySpec.SYMMETRIC_DEFAULT) {
			return "";
		}
		for (Partition other : Partition.values()) {
			if (other != this.partition && found == other.symmetricDefaultLength()) {
				return " (" + found + " bytes is SYMMETRIC_DEFAULT in " + other.describe() + ", not in "
						+ this.partition.describe() + ")";
			}
		}
		return "";
	}

	private static String encodingHint(int expected, int found) {
		if (found == 2 * expected) {
			return " (hex text? the material must be raw binary)";
		}
		if (found == Refusals.base64Length(expected)) {
			return " (base64 text? the material must be raw binary)";
		}
		return "";
	}

	@Override
	public String toString() {
		return "AwsImportRules[" + this.partition.id() + "]";
	}

}
