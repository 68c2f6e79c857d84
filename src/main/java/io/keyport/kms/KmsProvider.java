package io.keyport.kms;

import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.wrapping.WrappingKeySpec;

/**
 * The KMS port: what Keyport needs from a cloud KMS to import key material. It speaks Keyport's own types; each
 * adapter (AWS KMS now, Huawei Cloud KMS later) maps to and from its provider's API and turns the provider's errors
 * into {@link KmsException}s with a {@link KmsErrorCode}. Calls are blocking network calls: never call them with a
 * database transaction open.
 */
public interface KmsProvider {

	/** Creates a key whose material comes from outside (AWS Origin EXTERNAL); it waits for an import. */
	KmsKey createExternalKey(CreateKeyRequest request);

	KmsKey describeKey(String keyId);

	ImportParameters getParametersForImport(String keyId, WrappingAlgorithm algorithm, WrappingKeySpec wrappingKeySpec);

	ImportResult importKeyMaterial(ImportRequest request);

	void deleteImportedKeyMaterial(String keyId);

	KmsPublicKey getPublicKey(String keyId);

}
