package io.keyport.wrapping;

import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.security.GeneralSecurityException;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;

/**
 * AES Key Wrap with Padding (RFC 5649) with its default alternative IV A65959A6: the
 * second step of RSA_AES_KEY_WRAP_SHA_*. Not {@code AESWrap}, which is RFC 3394 without
 * padding.
 */
final class Kwp {

	static final String TRANSFORMATION = "AES/KWP/NoPadding";

	private Kwp() {
	}

	/**
	 * Output length for {@code plaintextLength} bytes: the plaintext padded to 8 bytes,
	 * plus the 8-byte AIV block.
	 */
	static int wrappedLength(int plaintextLength) {
		return ((plaintextLength + 7) / 8) * 8 + 8;
	}

	/**
	 * Wraps {@code plaintext} under the AES key {@code kek} (16, 24 or 32 bytes). Neither
	 * array is copied here, and the provider's copies of the key are overwritten before
	 * this returns (see {@link #scrub}).
	 */
	static byte[] wrap(byte[] kek, byte[] plaintext) {
		Cipher cipher;
		try {
			cipher = Cipher.getInstance(TRANSFORMATION);
		}
		catch (GeneralSecurityException ex) {
			throw new WrappingInternalException(
					"AES-KWP is not available in the JCA provider: " + ex.getClass().getName(), ex);
		}
		return wrap(cipher, kek, plaintext);
	}

	/**
	 * {@link #wrap(byte[], byte[])} with a given, fresh {@code cipher}: tests look into
	 * it afterwards.
	 */
	static byte[] wrap(Cipher cipher, byte[] kek, byte[] plaintext) {
		try {
			// no IV: the provider uses RFC 5649's A65959A6
			cipher.init(Cipher.ENCRYPT_MODE, new KeyView(kek));
			return cipher.doFinal(plaintext);
		}
		catch (GeneralSecurityException | RuntimeException ex) {
			throw new WrappingInternalException("AES-KWP wrapping of " + plaintext.length + " bytes under a "
					+ (kek.length * 8) + "-bit key failed in the JCA provider: " + ex.getClass().getName(), ex);
		}
		finally {
			scrub(cipher, kek.length);
		}
	}

	/**
	 * SunJCE zeroes the copy of the key it takes from {@code getEncoded()}, but its AES
	 * engine keeps another copy (the last key, to skip re-expanding it) and the expanded
	 * round keys inside the {@code Cipher} until the {@code Cipher} is garbage collected.
	 * Initialising the cipher again with an all-zero key of the same length overwrites
	 * both in place (JDK 17 to 25). Best effort: another provider may keep copies out of
	 * reach.
	 */
	private static void scrub(Cipher cipher, int keyLength) {
		try {
			cipher.init(Cipher.ENCRYPT_MODE, new KeyView(new byte[keyLength]));
		}
		catch (GeneralSecurityException | RuntimeException ex) {
			// nothing more can be done from here; the Cipher becomes garbage with
			// the method
		}
	}

	/**
	 * An AES key over a caller-owned array. Unlike {@code SecretKeySpec}, it keeps no
	 * copy of its own that nobody can overwrite (and {@code SecretKeySpec.destroy()} only
	 * throws {@code DestroyFailedException}, JDK 25): overwriting the array is the
	 * caller's job.
	 */
	static final class KeyView implements SecretKey {

		@Serial
		private static final long serialVersionUID = 1L;

		private final transient byte[] key;

		KeyView(byte[] key) {
			this.key = key;
		}

		@Override
		public String getAlgorithm() {
			return "AES";
		}

		@Override
		public String getFormat() {
			return "RAW";
		}

		@Override
		public byte[] getEncoded() {
			return this.key.clone();
		}

		@Override
		public String toString() {
			return "KeyView[AES-" + (this.key.length * 8) + ", redacted]";
		}

		@Serial
		private void writeObject(ObjectOutputStream out) throws NotSerializableException {
			throw new NotSerializableException("an ephemeral key is never serialized");
		}

	}

}
