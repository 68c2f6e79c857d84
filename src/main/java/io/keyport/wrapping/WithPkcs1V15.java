package io.keyport.wrapping;

import java.util.ArrayList;
import java.util.List;

/**
 * A provider's rules plus RSAES_PKCS1_V1_5 with an RSA wrapping key for every key spec
 * they import (what Huawei Cloud and Open Telekom Cloud still take). Whether the material
 * fits one block is checked against its real length when it is wrapped.
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

	/**
	 * The provider's own options first; RSAES_PKCS1_V1_5 last, the longest wrapping key
	 * first.
	 */
	@Override
	public List<WrappingOption> wrappingOptions(KeySpec keySpec) {
		this.rules.checkImportable(keySpec);
		List<WrappingOption> options = new ArrayList<>();
		try {
			options.addAll(this.rules.wrappingOptions(keySpec));
		}
		catch (WrappingException ex) {
			// the provider's own algorithms cannot carry it; RSAES_PKCS1_V1_5 may
		}
		for (WrappingKeySpec wrappingKey : List.of(WrappingKeySpec.RSA_4096, WrappingKeySpec.RSA_3072,
				WrappingKeySpec.RSA_2048)) {
			options.add(new WrappingOption(WrappingAlgorithm.RSAES_PKCS1_V1_5, wrappingKey));
		}
		return List.copyOf(options);
	}

	@Override
	public void checkMaterial(KeyMaterial material, KeySpec keySpec) {
		this.rules.checkMaterial(material, keySpec);
	}

	@Override
	public KeyMaterial prepare(KeyMaterial material, KeySpec keySpec) {
		return this.rules.prepare(material, keySpec);
	}

	@Override
	public KeySpec keySpecNamed(String name) {
		return this.rules.keySpecNamed(name);
	}

	@Override
	public String providerName(KeySpec keySpec) {
		return this.rules.providerName(keySpec);
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
