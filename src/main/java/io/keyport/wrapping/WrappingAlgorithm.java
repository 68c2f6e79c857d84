package io.keyport.wrapping;

/**
 * How key material is encrypted under a KMS wrapping public key. Names and meaning follow
 * the AWS KMS {@code AlgorithmSpec} of GetParametersForImport.
 */
public enum WrappingAlgorithm {

	/** RSA-OAEP with SHA-1 for the label hash and MGF1. */
	RSAES_OAEP_SHA_1(Hash.SHA_1),

	/**
	 * RSA-OAEP with SHA-256 for the label hash and MGF1 (not SHA-1 MGF1, as the JDK's
	 * default would be).
	 */
	RSAES_OAEP_SHA_256(Hash.SHA_256),

	/**
	 * Ephemeral AES-256 key under RSA-OAEP SHA-1, material under that key with AES-KWP
	 * (RFC 5649).
	 */
	RSA_AES_KEY_WRAP_SHA_1(Hash.SHA_1),

	/**
	 * Ephemeral AES-256 key under RSA-OAEP SHA-256, material under that key with AES-KWP
	 * (RFC 5649).
	 */
	RSA_AES_KEY_WRAP_SHA_256(Hash.SHA_256),

	/** RSAES-PKCS1-v1_5. AWS refuses it since 2023-10-10; kept for other providers. */
	RSAES_PKCS1_V1_5(null),

	/**
	 * SM2 public-key encryption with an SM2 wrapping key (AWS China regions; Huawei Cloud
	 * KMS's {@code SM2_ENCRYPT} for SM4 material).
	 */
	SM2PKE(null),

	/**
	 * Huawei Cloud KMS's {@code SM2_ENCRYPT} envelope for SM2 private keys: a fresh
	 * 16-byte SM4 key under SM2PKE with the SM2 wrapping key (GM/T 0009 DER), then the
	 * PKCS#8 under that key with SM4 Key Wrap with Padding (RFC 5649 over SM4); held as
	 * the SM2 ciphertext followed by the SM4-KWP output. Keyport's name; not an AWS
	 * algorithm, and AWS's rules refuse it.
	 */
	SM2_SM4_KEY_WRAP(null);

	private final Hash oaepHash;

	WrappingAlgorithm(Hash oaepHash) {
		this.oaepHash = oaepHash;
	}

	/**
	 * The OAEP hash (used for both the label and MGF1), or {@code null} when the
	 * algorithm is not OAEP-based.
	 */
	public Hash oaepHash() {
		return this.oaepHash;
	}

	public boolean isAesKeyWrap() {
		return this == RSA_AES_KEY_WRAP_SHA_1 || this == RSA_AES_KEY_WRAP_SHA_256;
	}

	/** Digest used by RSA-OAEP. */
	public enum Hash {

		SHA_1("SHA-1", 20), SHA_256("SHA-256", 32);

		private final String jcaName;

		private final int length;

		Hash(String jcaName, int length) {
			this.jcaName = jcaName;
			this.length = length;
		}

		public String jcaName() {
			return this.jcaName;
		}

		/** Digest length in bytes (hLen in RFC 8017). */
		public int length() {
			return this.length;
		}

	}

}
