package io.keyport.kms;

/**
 * Where a key's material comes from (AWS {@code Origin}). Only {@link #EXTERNAL} keys
 * accept imports.
 */
public enum KeyOrigin {

	AWS_KMS, EXTERNAL, AWS_CLOUDHSM, EXTERNAL_KEY_STORE

}
