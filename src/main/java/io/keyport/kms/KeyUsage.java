package io.keyport.kms;

import java.util.List;

import io.keyport.wrapping.KeySpec;

/** What a KMS key is for (AWS {@code KeyUsage}). */
public enum KeyUsage {

	ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC, KEY_AGREEMENT;

	/**
	 * The usages AWS KMS lets CreateKey give a key of the spec (its KeyUsage rules):
	 * symmetric keys encrypt, HMAC keys make MACs, RSA keys encrypt or sign, NIST curves
	 * sign or agree on keys, secp256k1 only signs, SM2 (China regions) does all three.
	 * Key specs that cannot be imported are signing keys.
	 */
	public static List<KeyUsage> awsUsages(KeySpec keySpec) {
		return switch (keySpec.kind()) {
			case SYMMETRIC -> List.of(ENCRYPT_DECRYPT);
			case HMAC -> List.of(GENERATE_VERIFY_MAC);
			case RSA -> List.of(ENCRYPT_DECRYPT, SIGN_VERIFY);
			case EC ->
				(keySpec == KeySpec.ECC_SECG_P256K1) ? List.of(SIGN_VERIFY) : List.of(SIGN_VERIFY, KEY_AGREEMENT);
			case SM2 -> List.of(ENCRYPT_DECRYPT, SIGN_VERIFY, KEY_AGREEMENT);
			case NOT_IMPORTABLE -> List.of(SIGN_VERIFY);
		};
	}

}
