package io.keyport.kms;

import java.time.Instant;

import io.keyport.wrapping.EncryptedKeyMaterial;

/**
 * One ImportKeyMaterial call. {@code toString} omits the token.
 *
 * @param validTo required with {@link ExpirationModel#KEY_MATERIAL_EXPIRES}, {@code null}
 * otherwise
 */
public record ImportRequest(String keyId, byte[] importToken, EncryptedKeyMaterial encryptedKeyMaterial,
		ExpirationModel expirationModel, Instant validTo) {

	@Override
	public String toString() {
		return "ImportRequest[keyId=" + this.keyId + ", expirationModel=" + this.expirationModel + ", validTo="
				+ this.validTo + "]";
	}

}
