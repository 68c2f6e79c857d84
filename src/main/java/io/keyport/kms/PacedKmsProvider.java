package io.keyport.kms;

import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.wrapping.WrappingKeySpec;

/** Puts every call of a provider adapter through the {@link KmsRateLimiter}. */
public final class PacedKmsProvider implements KmsProvider {

	private final KmsProvider delegate;

	private final KmsRateLimiter limiter;

	public PacedKmsProvider(KmsProvider delegate, KmsRateLimiter limiter) {
		this.delegate = delegate;
		this.limiter = limiter;
	}

	@Override
	public KmsKey createExternalKey(CreateKeyRequest request) {
		this.limiter.acquire("CreateKey");
		return this.delegate.createExternalKey(request);
	}

	@Override
	public KmsKey describeKey(String keyId) {
		this.limiter.acquire("DescribeKey");
		return this.delegate.describeKey(keyId);
	}

	@Override
	public ImportParameters getParametersForImport(String keyId, WrappingAlgorithm algorithm,
			WrappingKeySpec wrappingKeySpec) {
		this.limiter.acquire("GetParametersForImport");
		return this.delegate.getParametersForImport(keyId, algorithm, wrappingKeySpec);
	}

	@Override
	public ImportResult importKeyMaterial(ImportRequest request) {
		this.limiter.acquire("ImportKeyMaterial");
		return this.delegate.importKeyMaterial(request);
	}

	@Override
	public void deleteImportedKeyMaterial(String keyId) {
		this.limiter.acquire("DeleteImportedKeyMaterial");
		this.delegate.deleteImportedKeyMaterial(keyId);
	}

	@Override
	public KmsPublicKey getPublicKey(String keyId) {
		this.limiter.acquire("GetPublicKey");
		return this.delegate.getPublicKey(keyId);
	}

}
