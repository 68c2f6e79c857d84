package io.keyport.wrapping;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.SecureRandom;

import javax.crypto.Cipher;

/**
 * RSAES-PKCS1-v1_5 (RFC 8017, 7.2). AWS KMS refuses it since 2023-10-10; Huawei Cloud and
 * Open Telekom Cloud still take it.
 */
final class Pkcs1V15 {

	static final String TRANSFORMATION = "RSA/ECB/PKCS1Padding";

	/** Padding: 0x00 0x02, at least 8 nonzero random bytes, 0x00. */
	static final int OVERHEAD = 11;

	private Pkcs1V15() {
	}

	/** The largest message: k − 11. */
	static int capacity(WrappingKeySpec spec) {
		return spec.modulusBytes() - OVERHEAD;
	}

	/** Encrypts {@code message} as it is; the caller owns (and overwrites) the array. */
	static byte[] encrypt(PublicKey key, byte[] message, SecureRandom random) {
		try {
			Cipher cipher = Cipher.getInstance(TRANSFORMATION);
			cipher.init(Cipher.ENCRYPT_MODE, key, random);
			return cipher.doFinal(message);
		}
		catch (GeneralSecurityException | RuntimeException ex) {
			throw new WrappingInternalException("RSAES-PKCS1-v1_5 encryption of a " + message.length
					+ "-byte message failed in the JCA provider: " + ex.getClass().getName(), ex);
		}
	}

}
