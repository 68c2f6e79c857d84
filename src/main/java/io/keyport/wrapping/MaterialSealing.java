package io.keyport.wrapping;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

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
		// the JDK's SecretKeySpec copies the key and cannot be reliably wiped; the copy
		// we
		// own is overwritten below
		byte[] keyCopy = key.clone();
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(mode, new SecretKeySpec(keyCopy, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
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
			Arrays.fill(keyCopy, (byte) 0);
		}
	}

}
