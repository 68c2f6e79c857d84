package io.keyport.kms;

import java.time.Instant;

/**
 * One material of a key (AWS ListKeyRotations with all key material): a symmetric key
 * with imported material can hold several, one current, at most one pending rotation, the
 * others kept for decryption. Each has its own expiry.
 *
 * @param keyMaterialId the provider's id of the material
 * @param description the description given at its import, else {@code null}
 * @param state its role in the key
 * @param imported whether the material is in KMS now (it leaves at its ValidTo or when
 * deleted, and can be imported again)
 * @param expirationModel set for imported material, else {@code null}
 * @param validTo when it expires, else {@code null}
 * @param rotationDate when it became current by a rotation, else {@code null}
 * @param rotationType how it became current, {@code null} for the initial material
 */
public record KeyMaterialVersion(String keyMaterialId, String description, State state, boolean imported,
		ExpirationModel expirationModel, Instant validTo, Instant rotationDate, RotationType rotationType) {

	/** AWS {@code KeyMaterialState}. */
	public enum State {

		CURRENT, NON_CURRENT, PENDING_ROTATION,
		/** New material of a multi-Region primary that a replica still lacks. */
		PENDING_MULTI_REGION_IMPORT_AND_ROTATION

	}

	public enum RotationType {

		AUTOMATIC, ON_DEMAND

	}

}
