package io.keyport.wrapping;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.util.Arrays;

import java.util.function.UnaryOperator;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.params.KeyParameter;

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

	/**
	 * SM2_SM4_KEY_WRAP: the SM2 ciphertext (its DER length from its header, read here
	 * independently of the production split) of the SM4 key, then SM4-KWP.
	 */
	static byte[] sm2Sm4KeyWrap(PrivateKey sm2Key, byte[] ciphertext) throws Exception {
		int length = ((ciphertext[1] & 0xff) < 0x80) ? 2 + (ciphertext[1] & 0xff) : ((ciphertext[1] & 0xff) == 0x81)
				? 3 + (ciphertext[2] & 0xff) : 4 + (((ciphertext[2] & 0xff) << 8) | (ciphertext[3] & 0xff));
		byte[] sm4Key = Sm2PkeTests.decrypt(sm2Key, Arrays.copyOfRange(ciphertext, 0, length));
		try {
			return sm4Kwp(sm4Key, Arrays.copyOfRange(ciphertext, length, ciphertext.length));
		}
		finally {
			Arrays.fill(sm4Key, (byte) 0);
		}
	}

	/**
	 * SM4 Key Wrap with Padding undone with this class's own RFC 5649 unwrap over raw SM4
	 * block decryption: independent of Bouncy Castle's wrap engine.
	 */
	static byte[] sm4Kwp(byte[] kek, byte[] ciphertext) throws GeneralSecurityException {
		SM4Engine sm4 = new SM4Engine();
		sm4.init(false, new KeyParameter(kek));
		return rfc5649(ciphertext, (block) -> {
			byte[] out = new byte[16];
			sm4.processBlock(block, 0, out, 0);
			return out;
		});
	}

	/**
	 * The same unwrap over AES (JDK, ECB of one block): checks it on RFC 5649's examples.
	 */
	static byte[] aesKwpByHand(byte[] kek, byte[] ciphertext) throws GeneralSecurityException {
		Cipher aes = Cipher.getInstance("AES/ECB/NoPadding");
		aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(kek, "AES"));
		return rfc5649(ciphertext, (block) -> {
			try {
				return aes.doFinal(block);
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	/**
	 * RFC 5649 section 4.2 with a 128-bit block decryption: one block for n = 1, else the
	 * RFC 3394 unwrapping process; then the AIV A65959A6 ‖ MLI and the zero padding are
	 * checked.
	 */
	static byte[] rfc5649(byte[] ciphertext, UnaryOperator<byte[]> decryptBlock) throws GeneralSecurityException {
		if (ciphertext.length < 16 || ciphertext.length % 8 != 0) {
			throw new GeneralSecurityException("not a KWP length: " + ciphertext.length);
		}
		int n = ciphertext.length / 8 - 1;
		byte[] a;
		byte[][] r = new byte[n][];
		if (n == 1) {
			byte[] b = decryptBlock.apply(ciphertext.clone());
			a = Arrays.copyOfRange(b, 0, 8);
			r[0] = Arrays.copyOfRange(b, 8, 16);
		}
		else {
			a = Arrays.copyOfRange(ciphertext, 0, 8);
			for (int i = 0; i < n; i++) {
				r[i] = Arrays.copyOfRange(ciphertext, 8 * (i + 1), 8 * (i + 2));
			}
			for (int j = 5; j >= 0; j--) {
				for (int i = n; i >= 1; i--) {
					long t = (long) n * j + i;
					byte[] block = new byte[16];
					for (int k = 0; k < 8; k++) {
						block[k] = (byte) (a[k] ^ (t >>> (8 * (7 - k))));
					}
					System.arraycopy(r[i - 1], 0, block, 8, 8);
					byte[] b = decryptBlock.apply(block);
					a = Arrays.copyOfRange(b, 0, 8);
					r[i - 1] = Arrays.copyOfRange(b, 8, 16);
				}
			}
		}
		if ((a[0] & 0xff) != 0xa6 || (a[1] & 0xff) != 0x59 || (a[2] & 0xff) != 0x59 || (a[3] & 0xff) != 0xa6) {
			throw new GeneralSecurityException("integrity check failed (AIV)");
		}
		int mli = ((a[4] & 0xff) << 24) | ((a[5] & 0xff) << 16) | ((a[6] & 0xff) << 8) | (a[7] & 0xff);
		if (mli <= 8 * (n - 1) || mli > 8 * n) {
			throw new GeneralSecurityException("integrity check failed (MLI)");
		}
		byte[] padded = new byte[8 * n];
		for (int i = 0; i < n; i++) {
			System.arraycopy(r[i], 0, padded, 8 * i, 8);
		}
		for (int i = mli; i < padded.length; i++) {
			if (padded[i] != 0) {
				throw new GeneralSecurityException("integrity check failed (padding)");
			}
		}
		return Arrays.copyOf(padded, mli);
	}

}
