package io.keyport.kms;

/** What a KMS key is for (AWS {@code KeyUsage}). */
public enum KeyUsage {

	ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC, KEY_AGREEMENT

}
