package io.keyport.wrapping;

import java.util.Arrays;

/**
 * Key material wrapped under a KMS wrapping key, ready for ImportKeyMaterial. Not secret
 * on its own, but not logged either: {@code toString} shows only its length.
 */
public final class EncryptedKeyMaterial {

	/**
	 * AWS ImportKeyMaterial's limit on EncryptedKeyMaterial, and the largest upload
	 * Keyport takes: the schemes refuse to produce more, the ciphertext checks and the
	 * upload endpoints to accept more.
	 */
	public static final int MAX_LENGTH = 6144;

	private final byte[] bytes;

	private EncryptedKeyMaterial(byte[] bytes) {
		this.bytes = bytes;
	}

	public static EncryptedKeyMaterial of(byte[] bytes) {
		if (bytes == null || bytes.length == 0) {
			throw new IllegalArgumentException("encrypted key material must not be empty");
		}
		return new EncryptedKeyMaterial(bytes.clone());
	}

	public byte[] bytes() {
		return this.bytes.clone();
	}

	public int length() {
		return this.bytes.length;
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof EncryptedKeyMaterial that && Arrays.equals(this.bytes, that.bytes);
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(this.bytes);
	}

	@Override
	public String toString() {
		return "EncryptedKeyMaterial[" + this.bytes.length + " bytes]";
	}

}
