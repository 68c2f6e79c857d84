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
 * @param importType {@link ImportType#NEW_KEY_MATERIAL} for a rotation's new material,
 * {@link ImportType#EXISTING_KEY_MATERIAL} to reimport; {@code null} lets the provider
 * decide (AWS: new for a key without material, else the current material)
 * @param keyMaterialId the id of the existing material being reimported (AWS, symmetric
 * keys), else {@code null}
 * @param keyMaterialDescription a description of the material (AWS, symmetric keys, at
 * most 256 characters), else {@code null}
 */
public record ImportRequest(String keyId, byte[] importToken, EncryptedKeyMaterial encryptedKeyMaterial,
		ExpirationModel expirationModel, Instant validTo, KeySpec keySpec, WrappingAlgorithm algorithm,
		WrappingKeySpec wrappingKeySpec, ImportType importType, String keyMaterialId, String keyMaterialDescription) {

	/** An import that leaves the import type to the provider. */
	public ImportRequest(String keyId, byte[] importToken, EncryptedKeyMaterial encryptedKeyMaterial,
			ExpirationModel expirationModel, Instant validTo, KeySpec keySpec, WrappingAlgorithm algorithm,
			WrappingKeySpec wrappingKeySpec) {
		this(keyId, importToken, encryptedKeyMaterial, expirationModel, validTo, keySpec, algorithm, wrappingKeySpec,
				null, null, null);
	}

	/** The same import with an import type, material id and description. */
	public ImportRequest withMaterial(ImportType importType, String keyMaterialId, String keyMaterialDescription) {
		return new ImportRequest(this.keyId, this.importToken, this.encryptedKeyMaterial, this.expirationModel,
				this.validTo, this.keySpec, this.algorithm, this.wrappingKeySpec, importType, keyMaterialId,
				keyMaterialDescription);
	}

	@Override
	public String toString() {
		return "ImportRequest[keyId=" + this.keyId + ", expirationModel=" + this.expirationModel + ", validTo="
				+ this.validTo + ", algorithm=" + this.algorithm + ", importType=" + this.importType
				+ ", keyMaterialId=" + this.keyMaterialId + "]";
	}

}
