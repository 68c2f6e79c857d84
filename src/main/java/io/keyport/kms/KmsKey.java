package io.keyport.kms;

import java.time.Instant;

import io.keyport.wrapping.KeySpec;

/**
 * What the KMS says about a key (DescribeKey).
 *
 * @param keyId the provider's key id
 * @param arn the full resource name (ARN for AWS)
 * @param expirationModel set for external keys after their first import, else
 * {@code null}
 * @param validTo when the current material expires, else {@code null}
 * @param currentKeyMaterialId the id of the current material (AWS, symmetric keys), else
 * {@code null}
 * @param multiRegion how a multi-Region key relates to its primary and replicas;
 * {@code null} for a single-Region key
 */
public record KmsKey(String keyId, String arn, KeyState state, KeyOrigin origin, KeySpec keySpec, KeyUsage keyUsage,
		String description, Instant creationDate, ExpirationModel expirationModel, Instant validTo,
		Instant deletionDate, String currentKeyMaterialId, MultiRegionConfiguration multiRegion) {

	/** A single-Region key whose provider names no material id. */
	public KmsKey(String keyId, String arn, KeyState state, KeyOrigin origin, KeySpec keySpec, KeyUsage keyUsage,
			String description, Instant creationDate, ExpirationModel expirationModel, Instant validTo,
			Instant deletionDate) {
		this(keyId, arn, state, origin, keySpec, keyUsage, description, creationDate, expirationModel, validTo,
				deletionDate, null, null);
	}

	public boolean isMultiRegion() {
		return this.multiRegion != null;
	}

	public boolean isExternal() {
		return this.origin == KeyOrigin.EXTERNAL;
	}

}
