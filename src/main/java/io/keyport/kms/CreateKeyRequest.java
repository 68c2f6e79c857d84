package io.keyport.kms;

import io.keyport.wrapping.KeySpec;

/**
 * A key to create with external key material.
 * @param alias optional alias name ({@code alias/...}) to give the key, else {@code null}
 */
public record CreateKeyRequest(KeySpec keySpec, KeyUsage keyUsage, String description, String alias) {

	public CreateKeyRequest(KeySpec keySpec, KeyUsage keyUsage, String description) {
		this(keySpec, keyUsage, description, null);
	}

}
