package io.keyport.kms;

import java.util.Arrays;
import java.util.Objects;

import javax.security.auth.Destroyable;

/**
 * A data key from GenerateDataKey or Decrypt: its plaintext (a live buffer the holder
 * overwrites by {@link #destroy()}, in try-with-resources) and the ciphertext blob under
 * the KMS key that protects it. {@code toString} reveals neither.
 */
public final class DataKey implements Destroyable, AutoCloseable {

	private final String keyId;

	private final byte[] plaintext;

	private final byte[] ciphertextBlob;

	private volatile boolean destroyed;

	/**
	 * Takes ownership of {@code plaintext} without copying: the caller must not keep the
	 * array.
	 * @param keyId the ARN of the KMS key the data key is encrypted under
	 */
	public DataKey(String keyId, byte[] plaintext, byte[] ciphertextBlob) {
		this.keyId = keyId;
		this.plaintext = Objects.requireNonNull(plaintext, "plaintext");
		this.ciphertextBlob = Objects.requireNonNull(ciphertextBlob, "ciphertextBlob").clone();
	}

	public String keyId() {
		return this.keyId;
	}

	/** The live plaintext buffer: never copied into a String, logged or kept. */
	public byte[] plaintext() {
		if (this.destroyed) {
			throw new IllegalStateException("data key has been destroyed");
		}
		return this.plaintext;
	}

	public byte[] ciphertextBlob() {
		return this.ciphertextBlob.clone();
	}

	@Override
	public void destroy() {
		Arrays.fill(this.plaintext, (byte) 0);
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
		return "DataKey[" + this.keyId + ", redacted]";
	}

}
