package io.keyport.wrapping;

/**
 * The key spec of the KMS key that receives material (AWS {@code KeySpec}). It decides
 * what material is acceptable.
 */
public enum KeySpec {

	SYMMETRIC_DEFAULT(Kind.SYMMETRIC, 32), HMAC_224(Kind.HMAC, 28), HMAC_256(Kind.HMAC, 32), HMAC_384(Kind.HMAC, 48),
	HMAC_512(Kind.HMAC, 64), RSA_2048(Kind.RSA, 2048), RSA_3072(Kind.RSA, 3072), RSA_4096(Kind.RSA, 4096),
	ECC_NIST_P256(Kind.EC, 256), ECC_NIST_P384(Kind.EC, 384), ECC_NIST_P521(Kind.EC, 521),
	ECC_SECG_P256K1(Kind.EC, 256), SM2(Kind.SM2, 256),
	/**
	 * A 128-bit SM4 key of its own key spec (Huawei Cloud); AWS's China regions call
	 * theirs SYMMETRIC_DEFAULT instead.
	 */
	SM4(Kind.SYMMETRIC, 16),
	/**
	 * Key specs AWS does not document as importable; known so DescribeKey can be shown.
	 */
	ECC_NIST_EDWARDS25519(Kind.NOT_IMPORTABLE, 0), ML_DSA_44(Kind.NOT_IMPORTABLE, 0), ML_DSA_65(Kind.NOT_IMPORTABLE, 0),
	ML_DSA_87(Kind.NOT_IMPORTABLE, 0);

	private final Kind kind;

	/**
	 * Material length in bytes (symmetric, HMAC) or key size in bits (RSA modulus, EC
	 * field), by kind.
	 */
	private final int size;

	KeySpec(Kind kind, int size) {
		this.kind = kind;
		this.size = size;
	}

	public Kind kind() {
		return this.kind;
	}

	/**
	 * Length in bytes of symmetric and HMAC material as AWS's standard partition takes it
	 * (a provider's rules may differ: SYMMETRIC_DEFAULT is a 16-byte SM4 key in China).
	 * @throws IllegalStateException for asymmetric and non-importable key specs, whose
	 * material has no fixed length
	 */
	public int materialBytes() {
		if (!isSymmetricOrHmac()) {
			throw new IllegalStateException(this + " material has no fixed length");
		}
		return this.size;
	}

	/**
	 * Key size in bits: the RSA modulus, the EC field, or the symmetric or HMAC key; 0
	 * for non-importable specs.
	 */
	public int keyBits() {
		return isSymmetricOrHmac() ? 8 * this.size : this.size;
	}

	public boolean isSymmetricOrHmac() {
		return this.kind == Kind.SYMMETRIC || this.kind == Kind.HMAC;
	}

	/**
	 * RSA, EC and SM2 key specs: their material is a private key (DER PKCS#8 on import).
	 */
	public boolean isPrivateKey() {
		return this.kind == Kind.RSA || this.kind == Kind.EC || this.kind == Kind.SM2;
	}

	/** What family a key spec belongs to. */
	public enum Kind {

		SYMMETRIC, HMAC, RSA, EC, SM2, NOT_IMPORTABLE

	}

}
