package io.keyport.kmskey;

import io.keyport.kms.KeyUsage;
import io.keyport.wrapping.KeySpec;

/**
 * A key to create, with the defaults applied: what an Idempotency-Key's payload is
 * compared by.
 *
 * @param target the KMS target's name, resolved (the default target's when the request
 * named none)
 * @param alias optional alias name ({@code alias/...} on AWS)
 */
public record NewKey(String target, KeySpec keySpec, KeyUsage keyUsage, String description, String alias) {

	public static NewKey of(String target, KeySpec keySpec, KeyUsage keyUsage, String description, String alias) {
		return new NewKey(target, keySpec, keyUsage != null ? keyUsage : defaultUsage(keySpec), description, alias);
	}

	private static KeyUsage defaultUsage(KeySpec spec) {
		return switch (spec.kind()) {
			case HMAC -> KeyUsage.GENERATE_VERIFY_MAC;
			case EC -> KeyUsage.SIGN_VERIFY;
			default -> KeyUsage.ENCRYPT_DECRYPT;
		};
	}

}
