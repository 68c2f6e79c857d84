package io.keyport.wrapping;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.util.Arrays;

import javax.crypto.Cipher;

import io.keyport.wrapping.WrappingAlgorithm.Hash;

/** The KMS side of wrapping, for tests only: the production code never unwraps. */
final class Unwrap {

	private Unwrap() {
	}

	static byte[] oaep(PrivateKey key, Hash hash, byte[] ciphertext) throws GeneralSecurityException {
		return oaep(key, hash, new byte[0], ciphertext);
	}

	static byte[] oaep(PrivateKey key, Hash hash, byte[] label, byte[] ciphertext) throws GeneralSecurityException {
		Cipher cipher = Cipher.getInstance(Oaep.TRANSFORMATION);
		cipher.init(Cipher.DECRYPT_MODE, key, Oaep.parameters(hash, label));
		return cipher.doFinal(ciphertext);
	}

	static byte[] kwp(byte[] kek, byte[] ciphertext) throws GeneralSecurityException {
		Cipher cipher = Cipher.getInstance(Kwp.TRANSFORMATION);
		cipher.init(Cipher.DECRYPT_MODE, new Kwp.KeyView(kek));
		return cipher.doFinal(ciphertext);
	}

	/**
	 * RSA_AES_KEY_WRAP_SHA_*: the first k bytes are the RSA-OAEP block, the rest the
	 * AES-KWP output.
	 */
	static byte[] rsaAesKeyWrap(PrivateKey key, Hash hash, int modulusBytes, byte[] ciphertext)
			throws GeneralSecurityException {
		byte[] aesKey = oaep(key, hash, Arrays.copyOfRange(ciphertext, 0, modulusBytes));
		try {
			return kwp(aesKey, Arrays.copyOfRange(ciphertext, modulusBytes, ciphertext.length));
		}
		finally {
			Arrays.fill(aesKey, (byte) 0);
		}
	}

}
