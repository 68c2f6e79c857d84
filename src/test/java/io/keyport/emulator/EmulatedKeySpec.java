package io.keyport.emulator;

import java.util.List;
import java.util.Set;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;

/**
 * The KMS key specs the emulator supports, with what DescribeKey and GetPublicKey report
 * for them.
 */
public enum EmulatedKeySpec {

	SYMMETRIC_DEFAULT(Family.SYMMETRIC, 32, 0, null), HMAC_224(Family.HMAC, 28, 0, null),
	HMAC_256(Family.HMAC, 32, 0, null), HMAC_384(Family.HMAC, 48, 0, null), HMAC_512(Family.HMAC, 64, 0, null),
	RSA_2048(Family.RSA, 0, 2048, null), RSA_3072(Family.RSA, 0, 3072, null), RSA_4096(Family.RSA, 0, 4096, null),
	ECC_NIST_P256(Family.ECC, 0, 256, SECObjectIdentifiers.secp256r1),
	ECC_NIST_P384(Family.ECC, 0, 384, SECObjectIdentifiers.secp384r1),
	ECC_NIST_P521(Family.ECC, 0, 521, SECObjectIdentifiers.secp521r1),
	ECC_SECG_P256K1(Family.ECC, 0, 256, SECObjectIdentifiers.secp256k1),
	/** China regions only. */
	SM2(Family.ECC, 0, 256, GMObjectIdentifiers.sm2p256v1);

	enum Family {

		SYMMETRIC, HMAC, RSA, ECC

	}

	static final String ENCRYPT_DECRYPT = "ENCRYPT_DECRYPT";

	static final String SIGN_VERIFY = "SIGN_VERIFY";

	static final String GENERATE_VERIFY_MAC = "GENERATE_VERIFY_MAC";

	static final String KEY_AGREEMENT = "KEY_AGREEMENT";

	static final List<String> ALL_USAGES = List.of(ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC, KEY_AGREEMENT);

	/**
	 * Every KeySpec value of the KMS API, so unknown values are told apart from
	 * unsupported ones.
	 */
	static final List<String> API_KEY_SPECS = List.of("RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256",
			"ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1", "SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256",
			"HMAC_384", "HMAC_512", "SM2", "ECC_NIST_EDWARDS25519", "ML_DSA_44", "ML_DSA_65", "ML_DSA_87");

	private final Family family;

	private final int materialLength;

	private final int bits;

	private final ASN1ObjectIdentifier curve;

	EmulatedKeySpec(Family family, int materialLength, int bits, ASN1ObjectIdentifier curve) {
		this.family = family;
		this.materialLength = materialLength;
		this.bits = bits;
		this.curve = curve;
	}

	Family family() {
		return this.family;
	}

	boolean isAsymmetric() {
		return this.family == Family.RSA || this.family == Family.ECC;
	}

	/**
	 * Exact length of raw symmetric or HMAC material outside China regions; 0 for
	 * asymmetric specs.
	 */
	int materialLength() {
		return this.materialLength;
	}

	/** RSA modulus size or EC field size. */
	int bits() {
		return this.bits;
	}

	ASN1ObjectIdentifier curve() {
		return this.curve;
	}

	/**
	 * AWS defaults KeyUsage to ENCRYPT_DECRYPT except for HMAC keys (and rejects that
	 * default for ECC keys).
	 */
	String defaultUsage() {
		return (this.family == Family.HMAC) ? GENERATE_VERIFY_MAC : ENCRYPT_DECRYPT;
	}

	Set<String> allowedUsages() {
		return switch (this.family) {
			case SYMMETRIC -> Set.of(ENCRYPT_DECRYPT);
			case HMAC -> Set.of(GENERATE_VERIFY_MAC);
			case RSA -> Set.of(ENCRYPT_DECRYPT, SIGN_VERIFY);
			case ECC -> switch (this) {
				case ECC_SECG_P256K1 -> Set.of(SIGN_VERIFY);
				case SM2 -> Set.of(ENCRYPT_DECRYPT, SIGN_VERIFY, KEY_AGREEMENT);
				default -> Set.of(SIGN_VERIFY, KEY_AGREEMENT);
			};
		};
	}

	List<String> encryptionAlgorithms(String usage) {
		if (!ENCRYPT_DECRYPT.equals(usage)) {
			return List.of();
		}
		return switch (this.family) {
			case SYMMETRIC -> List.of("SYMMETRIC_DEFAULT");
			case RSA -> List.of("RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256");
			case ECC -> (this == SM2) ? List.of("SM2PKE") : List.of();
			default -> List.of();
		};
	}

	List<String> signingAlgorithms(String usage) {
		if (!SIGN_VERIFY.equals(usage)) {
			return List.of();
		}
		return switch (this) {
			case RSA_2048, RSA_3072, RSA_4096 -> List.of("RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384",
					"RSASSA_PKCS1_V1_5_SHA_512", "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512");
			case ECC_NIST_P256, ECC_SECG_P256K1 -> List.of("ECDSA_SHA_256");
			case ECC_NIST_P384 -> List.of("ECDSA_SHA_384");
			case ECC_NIST_P521 -> List.of("ECDSA_SHA_512");
			case SM2 -> List.of("SM2DSA");
			default -> List.of();
		};
	}

	List<String> macAlgorithms() {
		return switch (this) {
			case HMAC_224 -> List.of("HMAC_SHA_224");
			case HMAC_256 -> List.of("HMAC_SHA_256");
			case HMAC_384 -> List.of("HMAC_SHA_384");
			case HMAC_512 -> List.of("HMAC_SHA_512");
			default -> List.of();
		};
	}

	List<String> keyAgreementAlgorithms(String usage) {
		return KEY_AGREEMENT.equals(usage) ? List.of("ECDH") : List.of();
	}

	static EmulatedKeySpec find(String name) {
		for (EmulatedKeySpec spec : values()) {
			if (spec.name().equals(name)) {
				return spec;
			}
		}
		return null;
	}

}
