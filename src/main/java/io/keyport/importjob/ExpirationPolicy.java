package io.keyport.importjob;

import java.time.Instant;

import io.keyport.kms.ExpirationModel;

/**
 * Whether the imported material expires, and when.
 *
 * @param validTo set exactly when the model is
 * {@link ExpirationModel#KEY_MATERIAL_EXPIRES}
 */
public record ExpirationPolicy(ExpirationModel model, Instant validTo) {

	public ExpirationPolicy {
		if (model == null) {
			throw new IllegalArgumentException("expiration model must be set");
		}
		if ((model == ExpirationModel.KEY_MATERIAL_EXPIRES) != (validTo != null)) {
			throw new IllegalArgumentException("validTo must be set exactly when the model is KEY_MATERIAL_EXPIRES");
		}
	}

	public static ExpirationPolicy doesNotExpire() {
		return new ExpirationPolicy(ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE, null);
	}

	public static ExpirationPolicy expiresAt(Instant validTo) {
		return new ExpirationPolicy(ExpirationModel.KEY_MATERIAL_EXPIRES, validTo);
	}

}
