package io.keyport.kmskey;

import io.keyport.kms.KeyUsage;
import io.keyport.wrapping.KeySpec;

/**
 * A key to create, with the defaults applied: what an Idempotency-Key's payload is
 * compared by.
 *
 * @param alias optional alias name, {@code alias/...}
 */
public record NewKey(KeySpec keySpec, KeyUsage keyUsage, String description, String alias) {

	public static NewKey of(KeySpec keySpec, KeyUsage keyUsage, String description, String alias) {
		return new NewKey(keySpec, keyUsage != null ? keyUsage : defaultUsage(keySpec), description, alias);
	}

	private static KeyUsage defaultUsage(KeySpec spec) {
		return switch (spec.kind()) {
			case HMAC -> KeyUsage.GENERATE_VERIFY_MAC;
			case EC -> KeyUsage.SIGN_VERIFY;
			default -> KeyUsage.ENCRYPT_DECRYPT;
		};
	}

}
