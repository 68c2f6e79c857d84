package io.keyport.wrapping;

import java.security.SecureRandom;
import java.util.List;

/**
 * The calls the wrapping tests are written in, (material, key spec, wrapping key,
 * algorithm, partition), on top of {@link ImportRules}, {@link ImportSpec},
 * {@link KeyMaterialWrapper} and the schemes, with AWS's rules of the partition (standard
 * when none is named). Material is checked before the combination, as the import job does
 * by creating the job first; RSAES_PKCS1_V1_5 is wrapped under rules that take it, as for
 * other providers.
 */
final class WrapCalls {

	private final KeyMaterialWrapper wrapper;

	WrapCalls() {
		this(new KeyMaterialWrapper());
	}

	WrapCalls(SecureRandom random) {
		this(new KeyMaterialWrapper(random));
	}

	private WrapCalls(KeyMaterialWrapper wrapper) {
		this.wrapper = wrapper;
	}

	static ImportRules rules(Partition partition) {
		return ImportRules.aws(partition);
	}

	void checkImportable(KeySpec keySpec, Partition partition) {
		rules(partition).checkImportable(keySpec);
	}

	void checkCompatible(KeySpec keySpec, WrappingAlgorithm algorithm, WrappingKeySpec wrappingKeySpec,
			Partition partition) {
		new ImportSpec(keySpec, algorithm, wrappingKeySpec, rules(partition));
	}

	void checkCompatible(KeySpec keySpec, WrappingAlgorithm algorithm, WrappingKeySpec wrappingKeySpec) {
		checkCompatible(keySpec, algorithm, wrappingKeySpec, Partition.STANDARD);
	}

	List<WrappingAlgorithm> compatibleAlgorithms(KeySpec keySpec, WrappingKeySpec wrappingKeySpec,
			Partition partition) {
		return rules(partition).compatibleAlgorithms(keySpec, wrappingKeySpec);
	}

	List<WrappingAlgorithm> compatibleAlgorithms(KeySpec keySpec, WrappingKeySpec wrappingKeySpec) {
		return compatibleAlgorithms(keySpec, wrappingKeySpec, Partition.STANDARD);
	}

	List<WrappingOption> wrappingOptions(KeySpec keySpec, Partition partition) {
		return rules(partition).wrappingOptions(keySpec);
	}

	void checkMaterial(KeyMaterial material, KeySpec keySpec, Partition partition) {
		rules(partition).checkMaterial(material, keySpec);
	}

	void checkMaterial(KeyMaterial material, KeySpec keySpec) {
		checkMaterial(material, keySpec, Partition.STANDARD);
	}

	KeyMaterial toImportFormat(KeyMaterial material, KeySpec keySpec) {
		return KeyMaterialFormats.toImportFormat(material, keySpec);
	}

	byte[] derivePublicKey(KeyMaterial pkcs8, KeySpec keySpec) {
		return KeyMaterialFormats.derivePublicKey(pkcs8, keySpec);
	}

	/** The scheme's own check: the rules were applied when the job was made. */
	void checkEncrypted(EncryptedKeyMaterial encrypted, WrappingPublicKey wrappingKey, WrappingAlgorithm algorithm) {
		WrappingSchemes.forAlgorithm(algorithm).checkCiphertext(encrypted, wrappingKey);
	}

	EncryptedKeyMaterial wrap(KeyMaterial material, KeySpec keySpec, WrappingPublicKey wrappingKey,
			WrappingAlgorithm algorithm, Partition partition) {
		ImportRules rules = rules(partition);
		if (algorithm == WrappingAlgorithm.RSAES_PKCS1_V1_5) {
			rules = ImportRules.withPkcs1V15(rules);
		}
		rules.checkMaterial(material, keySpec);
		return this.wrapper.wrap(material, new ImportSpec(keySpec, algorithm, wrappingKey.spec(), rules), wrappingKey);
	}

	EncryptedKeyMaterial wrap(KeyMaterial material, KeySpec keySpec, WrappingPublicKey wrappingKey,
			WrappingAlgorithm algorithm) {
		return wrap(material, keySpec, wrappingKey, algorithm, Partition.STANDARD);
	}

}
