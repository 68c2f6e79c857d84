package io.keyport.wrapping;

/**
 * The kind and size of the public key that wraps key material (AWS
 * {@code WrappingKeySpec}).
 */
public enum WrappingKeySpec {

	RSA_2048(2048), RSA_3072(3072), RSA_4096(4096), SM2(256);

	private final int bits;

	WrappingKeySpec(int bits) {
		this.bits = bits;
	}

	public int bits() {
		return this.bits;
	}

	public boolean isRsa() {
		return this != SM2;
	}

	/** RSA modulus length in bytes (k in RFC 8017). */
	public int modulusBytes() {
		return this.bits / 8;
	}

}
