package io.keyport.wrapping;

import java.util.Arrays;

import org.bouncycastle.crypto.BlockCipher;

/**
 * SM4 Key Wrap with Padding: RFC 5649 (alternative IV A65959A6) over the SM4 block cipher
 * instead of AES, the second step of Huawei's SM2_SM4_KEY_WRAP envelope. The JDK has no
 * SM4, and Bouncy Castle's leaves its round keys behind, so {@link Sm4Block} is the block
 * cipher; the wrap itself is done here, in place in the output array: Bouncy Castle's
 * {@code RFC5649WrapEngine} copies the plaintext (an SM2 private key) twice into arrays
 * it never clears.
 */
final class Sm4Kwp {

	/** SM4 keys are 128 bits. */
	static final int KEY_LENGTH = 16;

	private Sm4Kwp() {
	}

	/**
	 * Wraps {@code plaintext} under the SM4 key {@code kek}. Neither array is kept; the
	 * SM4 round keys (and the cipher's copy of the key) are overwritten before this
	 * returns.
	 */
	static byte[] wrap(byte[] kek, byte[] plaintext) {
		if (kek.length != KEY_LENGTH) {
			throw new IllegalArgumentException("an SM4 key is " + KEY_LENGTH + " bytes, got " + kek.length);
		}
		Sm4Block sm4 = Sm4Block.forEncryption(kek);
		try {
			return wrap(sm4, plaintext);
		}
		finally {
			sm4.destroy();
		}
	}

	/**
	 * RFC 5649 wrap with an initialised 128-bit block cipher. The output array is AIV ||
	 * padded plaintext, encrypted in place; the one other array that holds a plaintext
	 * block is zeroed, also on failure.
	 */
	static byte[] wrap(BlockCipher cipher, byte[] plaintext) {
		int padded = (plaintext.length + 7) / 8 * 8;
		byte[] out = new byte[8 + padded];
		byte[] block = new byte[16];
		boolean done = false;
		try {
			// alternative initial value: A65959A6 and the plaintext's length in bytes
			out[0] = (byte) 0xA6;
			out[1] = (byte) 0x59;
			out[2] = (byte) 0x59;
			out[3] = (byte) 0xA6;
			for (int k = 0; k < 4; k++) {
				out[4 + k] = (byte) (plaintext.length >>> (24 - 8 * k));
			}
			System.arraycopy(plaintext, 0, out, 8, plaintext.length);
			int n = padded / 8;
			if (n == 1) {
				// one block: AIV || P encrypted as a single block (RFC 5649 section 4.1)
				cipher.processBlock(out, 0, out, 0);
			}
			else {
				// RFC 3394 wrap with the AIV: A in out[0..8), R[i] in out[8i..8i+8)
				for (int j = 0; j < 6; j++) {
					for (int i = 1; i <= n; i++) {
						System.arraycopy(out, 0, block, 0, 8);
						System.arraycopy(out, 8 * i, block, 8, 8);
						cipher.processBlock(block, 0, block, 0);
						long t = (long) n * j + i;
						for (int k = 0; k < 8; k++) {
							out[k] = (byte) (block[k] ^ (t >>> (56 - 8 * k)));
						}
						System.arraycopy(block, 8, out, 8 * i, 8);
					}
				}
			}
			done = true;
			return out;
		}
		finally {
			Arrays.fill(block, (byte) 0);
			if (!done) {
				Arrays.fill(out, (byte) 0);
			}
		}
	}

}
