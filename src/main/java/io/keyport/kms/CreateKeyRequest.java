package io.keyport.kms;

import io.keyport.wrapping.KeySpec;

/**
 * A key to create with external key material.
 *
 * @param alias the alias to create the key with, for a provider that names keys at
 * creation ({@link KmsProvider#aliasAtCreation()}); {@code null} otherwise, or to let
 * such a provider generate one
 * @param multiRegion whether to create a multi-Region primary key (AWS: id
 * {@code mrk-...}), which {@link KmsProvider#replicateKey} copies into other regions;
 * only for a provider that {@link KmsProvider#supportsMultiRegion() supports it}
 */
public record CreateKeyRequest(KeySpec keySpec, KeyUsage keyUsage, String description, String alias,
		boolean multiRegion) {

	/** A single-Region key. */
	public CreateKeyRequest(KeySpec keySpec, KeyUsage keyUsage, String description, String alias) {
		this(keySpec, keyUsage, description, alias, false);
	}

	/** The same key, created as a multi-Region primary key. */
	public CreateKeyRequest asMultiRegion() {
		return new CreateKeyRequest(this.keySpec, this.keyUsage, this.description, this.alias, true);
	}

}
