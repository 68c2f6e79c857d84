package io.keyport.wrapping;

import java.util.Arrays;

/**
 * Key material wrapped under a KMS wrapping key, ready for ImportKeyMaterial. Not secret on its own, but not logged
 * either: {@code toString} shows only its length.
 */
public final class EncryptedKeyMaterial {

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
