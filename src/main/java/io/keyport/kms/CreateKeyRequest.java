package io.keyport.kms;

import io.keyport.wrapping.KeySpec;

/**
 * A key to create with external key material.
 *
 * @param alias the alias to create the key with, for a provider that names keys at
 * creation ({@link KmsProvider#aliasAtCreation()}); {@code null} otherwise, or to let
 * such a provider generate one
 */
public record CreateKeyRequest(KeySpec keySpec, KeyUsage keyUsage, String description, String alias) {
}
