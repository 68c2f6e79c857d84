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
 */
public record KmsKey(String keyId, String arn, KeyState state, KeyOrigin origin, KeySpec keySpec, KeyUsage keyUsage,
		String description, Instant creationDate, ExpirationModel expirationModel, Instant validTo,
		Instant deletionDate) {

	public boolean isExternal() {
		return this.origin == KeyOrigin.EXTERNAL;
	}

}
