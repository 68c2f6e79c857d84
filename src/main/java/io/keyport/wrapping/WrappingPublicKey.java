package io.keyport.wrapping;

import java.security.PublicKey;

/**
 * A KMS wrapping public key, parsed from the DER SubjectPublicKeyInfo that
 * GetParametersForImport returns. Parsing determines its {@link WrappingKeySpec}.
 */
public final class WrappingPublicKey {

	private final byte[] der;

	private final PublicKey publicKey;

	private final WrappingKeySpec spec;

	WrappingPublicKey(byte[] der, PublicKey publicKey, WrappingKeySpec spec) {
		this.der = der;
		this.publicKey = publicKey;
		this.spec = spec;
	}

	/**
	 * Parses a DER SubjectPublicKeyInfo.
	 * @throws WrappingException with {@code INVALID_WRAPPING_KEY} when it is not an RSA
	 * 2048/3072/4096 (or SM2) key
	 */
	public static WrappingPublicKey fromDer(byte[] der) {
		return WrappingKeys.parse(der);
	}

	public WrappingKeySpec spec() {
		return this.spec;
	}

	/**
	 * Checks that this key is of the spec that was requested from GetParametersForImport.
	 * @throws WrappingException with {@code WRAPPING_KEY_SPEC_MISMATCH} when it is not
	 */
	public void checkSpec(WrappingKeySpec requested) {
		if (this.spec != requested) {
			throw new WrappingException(WrappingException.Reason.WRAPPING_KEY_SPEC_MISMATCH,
					"expected an " + requested + " wrapping public key (as requested), got " + this.spec);
		}
	}

	public PublicKey publicKey() {
		return this.publicKey;
	}

	public byte[] der() {
		return this.der.clone();
	}

	/**
	 * PEM ("-----BEGIN PUBLIC KEY-----"), as {@code openssl pkeyutl -pubin -inkey} reads
	 * it.
	 */
	public String pem() {
		return WrappingKeys.toPem(this.der);
	}

	@Override
	public String toString() {
		return "WrappingPublicKey[" + this.spec + "]";
	}

}
