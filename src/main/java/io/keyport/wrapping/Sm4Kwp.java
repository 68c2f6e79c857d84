package io.keyport.wrapping;

import java.util.Arrays;

import org.bouncycastle.crypto.engines.RFC5649WrapEngine;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * SM4 Key Wrap with Padding: RFC 5649 (alternative IV A65959A6) over the SM4 block cipher
 * instead of AES, the second step of Huawei's SM2_SM4_KEY_WRAP envelope. The JDK has no
 * SM4, so Bouncy Castle's generic {@code RFC5649WrapEngine} runs it over its
 * {@code SM4Engine}.
 */
final class Sm4Kwp {

	/** SM4 keys are 128 bits. */
	static final int KEY_LENGTH = 16;

	private Sm4Kwp() {
	}

	/**
	 * Wraps {@code plaintext} under the SM4 key {@code kek}. Neither array is kept;
	 * Bouncy Castle's copy of the key and the SM4 round keys are overwritten before this
	 * returns.
	 */
	static byte[] wrap(byte[] kek, byte[] plaintext) {
		if (kek.length != KEY_LENGTH) {
			throw new IllegalArgumentException("an SM4 key is " + KEY_LENGTH + " bytes, got " + kek.length);
		}
		SM4Engine sm4 = new SM4Engine();
		KeyParameter key = new KeyParameter(kek);
		try {
			RFC5649WrapEngine engine = new RFC5649WrapEngine(sm4);
			engine.init(true, key);
			return engine.wrap(plaintext, 0, plaintext.length);
		}
		catch (RuntimeException ex) {
			throw new WrappingInternalException("SM4-KWP wrapping of " + plaintext.length + " bytes failed in Bouncy "
					+ "Castle: " + ex.getClass().getName(), ex);
		}
		finally {
			// KeyParameter copied the key and hands out that copy; the engine expanded
			// it into round keys, which a zero key overwrites in place
			Arrays.fill(key.getKey(), (byte) 0);
			sm4.init(true, new KeyParameter(new byte[KEY_LENGTH]));
		}
	}

}
