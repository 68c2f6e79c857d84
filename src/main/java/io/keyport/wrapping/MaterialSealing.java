package io.keyport.wrapping;

import java.security.GeneralSecurityException;
import java.util.Objects;
import java.util.function.Function;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM sealing of {@link KeyMaterial} under a caller's key, for custodians that
 * keep material encrypted (KMS envelope, local key file), and the one controlled way to
 * hand the live buffer to a custodian that must pass it on (an HSM's object creation).
 * Plain Java; the caller owns and overwrites the key and the nonce is never reused with a
 * key (custodians use a fresh data key or a random nonce per material).
 */
public final class MaterialSealing {

	/** GCM nonce length in bytes. */
	public static final int NONCE_LENGTH = 12;

	private static final int TAG_BITS = 128;

	private MaterialSealing() {
	}

	/**
	 * Encrypts the material; the result is ciphertext followed by the 16-byte tag.
	 * @param key 32 bytes, not kept
	 * @param aad bound to the ciphertext; {@link #open} needs the same
	 */
	public static byte[] seal(KeyMaterial material, byte[] key, byte[] nonce, byte[] aad) {
		Objects.requireNonNull(material, "material");
		return crypt(Cipher.ENCRYPT_MODE, material.bytes(), key, nonce, aad);
	}

	/**
	 * Decrypts sealed material into a new {@link KeyMaterial} the caller destroys.
	 * @throws WrappingException with {@code INVALID_ENCRYPTED_KEY_MATERIAL} when the key,
	 * nonce, additional data or ciphertext do not match (GCM tag check)
	 */
	public static KeyMaterial open(byte[] sealed, byte[] key, byte[] nonce, byte[] aad) {
		return KeyMaterial.takeOwnership(crypt(Cipher.DECRYPT_MODE, sealed, key, nonce, aad));
	}

	/**
	 * Lends the live buffer to {@code use} (which must neither keep nor copy it into a
	 * String), for a custodian that hands the material to an HSM.
	 */
	public static <T> T withLiveBytes(KeyMaterial material, Function<byte[], T> use) {
		return use.apply(material.bytes());
	}

	private static byte[] crypt(int mode, byte[] input, byte[] key, byte[] nonce, byte[] aad) {
		if (key == null || key.length != 32 || nonce == null || nonce.length != NONCE_LENGTH) {
			throw new IllegalArgumentException("sealing needs a 32-byte key and a 12-byte nonce");
		}
		Cipher cipher;
		try {
			cipher = Cipher.getInstance("AES/GCM/NoPadding");
		}
		catch (GeneralSecurityException ex) {
			throw new WrappingInternalException("AES-GCM is not available: " + ex.getClass().getSimpleName(), ex);
		}
		try {
			// over the caller's array: no SecretKeySpec copy nobody can overwrite
			cipher.init(mode, new Kwp.KeyView(key), new GCMParameterSpec(TAG_BITS, nonce));
			if (aad != null) {
				cipher.updateAAD(aad);
			}
			return cipher.doFinal(input);
		}
		catch (javax.crypto.AEADBadTagException ex) {
			throw new WrappingException(WrappingException.Reason.INVALID_ENCRYPTED_KEY_MATERIAL,
					"sealed key material does not match its key, nonce or additional data");
		}
		catch (GeneralSecurityException ex) {
			throw new WrappingInternalException("AES-GCM failed: " + ex.getClass().getSimpleName(), ex);
		}
		finally {
			scrub(cipher);
		}
	}

	/**
	 * The cipher's own copies of the key (the AES engine's last key and round keys, and
	 * the key GCM keeps after an encryption to refuse a reused nonce) overwritten by a
	 * second initialisation with an all-zero key, as {@link Kwp} does. Encrypt mode: only
	 * that replaces (and zeroes) GCM's kept key; the zero key never met this nonce. Best
	 * effort.
	 */
	private static void scrub(Cipher cipher) {
		try {
			cipher.init(Cipher.ENCRYPT_MODE, new Kwp.KeyView(new byte[32]),
					new GCMParameterSpec(TAG_BITS, new byte[NONCE_LENGTH]));
		}
		catch (GeneralSecurityException | RuntimeException ex) {
			// nothing more can be done from here
		}
	}

}
