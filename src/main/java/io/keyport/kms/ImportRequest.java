package io.keyport.kms;

import java.time.Instant;

import io.keyport.wrapping.EncryptedKeyMaterial;
import io.keyport.wrapping.KeySpec;
import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.wrapping.WrappingKeySpec;

/**
 * One ImportKeyMaterial call. {@code toString} omits the token.
 *
 * @param validTo required with {@link ExpirationModel#KEY_MATERIAL_EXPIRES}, {@code null}
 * otherwise
 * @param keySpec the key's spec, as the job knows it
 * @param algorithm the wrapping algorithm the material was wrapped with (a provider whose
 * wire format differs, such as Huawei's two-part envelope, splits the material by it)
 * @param wrappingKeySpec the wrapping key's spec
 */
public record ImportRequest(String keyId, byte[] importToken, EncryptedKeyMaterial encryptedKeyMaterial,
		ExpirationModel expirationModel, Instant validTo, KeySpec keySpec, WrappingAlgorithm algorithm,
		WrappingKeySpec wrappingKeySpec) {

	@Override
	public String toString() {
		return "ImportRequest[keyId=" + this.keyId + ", expirationModel=" + this.expirationModel + ", validTo="
				+ this.validTo + ", algorithm=" + this.algorithm + "]";
	}

}
