package io.keyport.wrapping;

import java.util.ArrayList;
import java.util.List;

/**
 * A provider's rules plus RSAES_PKCS1_V1_5 with an RSA wrapping key for every key spec they import (what Huawei Cloud
 * and Open Telekom Cloud still take). Whether the material fits one block is checked against its real length when
 * it is wrapped.
 */
final class WithPkcs1V15 implements ImportRules {

	private final ImportRules rules;

	WithPkcs1V15(ImportRules rules) {
		this.rules = rules;
	}

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
		if (algorithm != WrappingAlgorithm.RSAES_PKCS1_V1_5) {
			this.rules.checkCompatible(keySpec, algorithm, wrappingKeySpec);
			return;
		}
		this.rules.checkImportable(keySpec);
		if (!wrappingKeySpec.isRsa()) {
			throw Refusals.needsRsaWrappingKey(algorithm, wrappingKeySpec);
		}
	}

	@Override
	public List<WrappingAlgorithm> compatibleAlgorithms(KeySpec keySpec, WrappingKeySpec wrappingKeySpec) {
		List<WrappingAlgorithm> algorithms = new ArrayList<>(this.rules.compatibleAlgorithms(keySpec, wrappingKeySpec));
		if (wrappingKeySpec.isRsa() && importable(keySpec)) {
			algorithms.add(WrappingAlgorithm.RSAES_PKCS1_V1_5);
		}
		return List.copyOf(algorithms);
	}

	/** The provider's options; RSAES_PKCS1_V1_5 only as its last resort. */
	@Override
	public List<WrappingOption> wrappingOptions(KeySpec keySpec) {
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

	private boolean importable(KeySpec keySpec) {
		try {
			this.rules.checkImportable(keySpec);
			return true;
		}
		catch (WrappingException ex) {
			return false;
		}
	}

	@Override
	public String toString() {
		return this.rules + " with RSAES_PKCS1_V1_5";
	}

}
