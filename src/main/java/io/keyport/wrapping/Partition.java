package io.keyport.wrapping;

/**
 * Where import rules differ by region: AWS's China regions (partition {@code aws-cn})
 * against all others. In China SYMMETRIC_DEFAULT is a 16-byte SM4 key, the SM2 wrapping
 * key spec, SM2PKE and SM2 keys exist, and RSA_AES_KEY_WRAP_SHA_* does not. Every other
 * partition ({@code aws}, {@code aws-us-gov}, ...) follows the standard rules.
 */
public enum Partition {

	STANDARD("aws"), CHINA("aws-cn");

	private final String id;

	Partition(String id) {
		this.id = id;
	}

	/**
	 * The partition of an AWS region name: {@code cn-*} regions are China's, all others
	 * standard.
	 */
	public static Partition ofRegion(String region) {
		return (region != null && region.startsWith("cn-")) ? CHINA : STANDARD;
	}

	/**
	 * The AWS partition id of the rules ({@code aws} stands for every non-China
	 * partition).
	 */
	public String id() {
		return this.id;
	}

	/**
	 * Length of SYMMETRIC_DEFAULT material: AES-256 (32 bytes), SM4 in China (16 bytes).
	 */
	public int symmetricDefaultLength() {
		return (this == CHINA) ? 16 : 32;
	}

	/** Whether RSA_AES_KEY_WRAP_SHA_1/256 exist here. */
	boolean hasRsaAesKeyWrap() {
		return this != CHINA;
	}

	/** Whether SM2 keys, SM2 wrapping keys and SM2PKE exist here. */
	boolean hasSm2() {
		return this == CHINA;
	}

	/**
	 * For messages: "the AWS China regions (aws-cn)" or "the standard AWS regions (aws)".
	 */
	String describe() {
		return (this == CHINA) ? "the AWS China regions (aws-cn)" : "the standard AWS regions (aws)";
	}

}
