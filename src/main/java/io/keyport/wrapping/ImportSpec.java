package io.keyport.wrapping;

import java.util.Objects;

/**
 * What an import is: the KMS key's key spec, the wrapping algorithm and the wrapping key
 * spec, under a provider's {@link ImportRules}. Constructing one validates the
 * combination against the rules, once, as Tink's parameter objects do;
 * {@link KeyMaterialWrapper} then trusts it and validates nothing of it again.
 *
 * @param keySpec the key spec of the KMS key that receives the material
 * @param algorithm how the material is wrapped
 * @param wrappingKeySpec the spec of the wrapping public key
 * @param rules the rules of the provider and region the import goes to
 * @throws WrappingException with {@code UNSUPPORTED_*} or
 * {@code INCOMPATIBLE_WRAPPING_ALGORITHM} (from {@link ImportRules#checkCompatible}) when
 * the rules refuse the combination
 */
public record ImportSpec(KeySpec keySpec, WrappingAlgorithm algorithm, WrappingKeySpec wrappingKeySpec,
		ImportRules rules) {

	public ImportSpec {
		Objects.requireNonNull(keySpec, "keySpec");
		Objects.requireNonNull(algorithm, "algorithm");
		Objects.requireNonNull(wrappingKeySpec, "wrappingKeySpec");
		Objects.requireNonNull(rules, "rules");
		rules.checkCompatible(keySpec, algorithm, wrappingKeySpec);
	}

}
