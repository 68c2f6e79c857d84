package io.keyport.kms;

import io.keyport.wrapping.KeySpec;

/** A key to create with external key material. */
public record CreateKeyRequest(KeySpec keySpec, KeyUsage keyUsage, String description) {
}
