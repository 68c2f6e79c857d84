package io.keyport.wrapping;

import java.util.Arrays;

import javax.security.auth.Destroyable;

/**
 * Plaintext key material. It owns its buffer and overwrites it on {@link #destroy()}; it
 * never reveals the bytes through {@code toString}, {@code equals} or serialization. Use
 * it in try-with-resources.
 */
public final class KeyMaterial implements Destroyable, AutoCloseable {

	private final byte[] bytes;

	private volatile boolean destroyed;

	private KeyMaterial(byte[] bytes) {
		this.bytes = bytes;
	}

	/**
	 * Takes ownership of {@code bytes} without copying: the caller must not keep or reuse
	 * the array, which is overwritten when this value is destroyed.
	 */
	public static KeyMaterial takeOwnership(byte[] bytes) {
		if (bytes == null) {
			throw new IllegalArgumentException("key material must not be null");
		}
		return new KeyMaterial(bytes);
	}

	public int length() {
		return this.bytes.length;
	}

	/** The live buffer, for the wrapping code in this package only. */
	byte[] bytes() {
		if (this.destroyed) {
			throw new IllegalStateException("key material has been destroyed");
		}
		return this.bytes;
	}

	@Override
	public void destroy() {
		Arrays.fill(this.bytes, (byte) 0);
		this.destroyed = true;
	}

	@Override
	public boolean isDestroyed() {
		return this.destroyed;
	}

	@Override
	public void close() {
		destroy();
	}

	@Override
	public String toString() {
		return "KeyMaterial[redacted]";
	}

}
