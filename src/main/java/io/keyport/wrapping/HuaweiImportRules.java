package io.keyport.wrapping;

import java.util.List;

/**
 * Huawei Cloud KMS's import rules (seed 003). PLACEHOLDER fixing the contract between the
 * helpers of issue 12; the wrapping helper replaces every body.
 */
final class HuaweiImportRules implements ImportRules {

	static HuaweiImportRules of(boolean legacyAlgorithms) {
		return new HuaweiImportRules();
	}

	@Override
	public String id() {
		return "huawei";
	}

	@Override
	public void checkImportable(KeySpec keySpec) {
		throw new UnsupportedOperationException("issue 12: HuaweiImportRules");
	}

	@Override
	public void checkCompatible(KeySpec keySpec, WrappingAlgorithm algorithm, WrappingKeySpec wrappingKeySpec) {
		throw new UnsupportedOperationException("issue 12: HuaweiImportRules");
	}

	@Override
	public List<WrappingAlgorithm> compatibleAlgorithms(KeySpec keySpec, WrappingKeySpec wrappingKeySpec) {
		throw new UnsupportedOperationException("issue 12: HuaweiImportRules");
	}

	@Override
	public List<WrappingOption> wrappingOptions(KeySpec keySpec) {
		throw new UnsupportedOperationException("issue 12: HuaweiImportRules");
	}

	@Override
	public void checkMaterial(KeyMaterial material, KeySpec keySpec) {
		throw new UnsupportedOperationException("issue 12: HuaweiImportRules");
	}

	@Override
	public String alternatives(KeySpec keySpec, WrappingKeySpec wrappingKeySpec, int length) {
		throw new UnsupportedOperationException("issue 12: HuaweiImportRules");
	}

}
