package io.keyport.emulator.huawei;

import java.util.List;

import io.keyport.emulator.EmulatedKeySpec;

/**
 * Huawei's key specs that take imported material, with the AWS emulator's spec that has
 * the same private-key rules (its checks are reused).
 */
enum HuaweiKeySpec {

	AES_256(32, null), SM4(16, null), RSA_2048(0, EmulatedKeySpec.RSA_2048), RSA_3072(0, EmulatedKeySpec.RSA_3072),
	RSA_4096(0, EmulatedKeySpec.RSA_4096), EC_P256(0, EmulatedKeySpec.ECC_NIST_P256),
	EC_P384(0, EmulatedKeySpec.ECC_NIST_P384), SM2(0, EmulatedKeySpec.SM2);

	static final String ENCRYPT_DECRYPT = "ENCRYPT_DECRYPT";

	static final String SIGN_VERIFY = "SIGN_VERIFY";

	private final int materialLength;

	private final EmulatedKeySpec privateKeyRules;

	HuaweiKeySpec(int materialLength, EmulatedKeySpec privateKeyRules) {
		this.materialLength = materialLength;
		this.privateKeyRules = privateKeyRules;
	}

	boolean isSymmetric() {
		return this.privateKeyRules == null;
	}

	boolean isEc() {
		return this == EC_P256 || this == EC_P384 || this == SM2;
	}

	/** Bytes of symmetric material; 0 for private keys. */
	int materialLength() {
		return this.materialLength;
	}

	EmulatedKeySpec privateKeyRules() {
		return this.privateKeyRules;
	}

	String defaultUsage() {
		return isSymmetric() ? ENCRYPT_DECRYPT : SIGN_VERIFY;
	}

	List<String> usages() {
		if (isSymmetric()) {
			return List.of(ENCRYPT_DECRYPT);
		}
		return (this == EC_P256 || this == EC_P384) ? List.of(SIGN_VERIFY) : List.of(ENCRYPT_DECRYPT, SIGN_VERIFY);
	}

	static HuaweiKeySpec find(String name) {
		for (HuaweiKeySpec spec : values()) {
			if (spec.name().equals(name)) {
				return spec;
			}
		}
		return null;
	}

}
