package io.keyport.kms;

import java.util.List;

import io.keyport.wrapping.KeySpec;

/**
 * The public half of an asymmetric KMS key (GetPublicKey), as DER SubjectPublicKeyInfo.
 */
public record KmsPublicKey(String keyArn, byte[] publicKeyDer, KeySpec keySpec, KeyUsage keyUsage,
		List<String> algorithms) {
}
