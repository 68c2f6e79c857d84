package io.keyport.wrapping;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.keyport.wrapping.WrappingException.Reason;

/**
 * Huawei Cloud KMS's import rules (seed 003, the KMS API reference). Huawei's wrapping
 * key is always an RSA_2048 key (get-parameters-for-import takes no wrapping key spec),
 * or an SM2 key for {@code SM2_ENCRYPT}.
 * <ul>
 * <li>SYMMETRIC_DEFAULT (Huawei's AES_256, 32 bytes): RSAES_OAEP_SHA_256 (MGF1 SHA-256)
 * under RSA_2048.</li>
 * <li>SM4 (16 bytes): RSAES_OAEP_SHA_256 under RSA_2048, or SM2PKE (wire
 * {@code SM2_ENCRYPT}) under SM2.</li>
 * <li>RSA_2048/3072/4096, ECC_NIST_P256/P384 (EC_P256/EC_P384) private keys:
 * RSA_AES_KEY_WRAP_SHA_256 under RSA_2048, Keyport's name for Huawei's two-part envelope
 * (wire RSAES_OAEP_SHA_256 with {@code encrypted_privatekey}, see
 * {@link HuaweiEnvelope}).</li>
 * <li>SM2 private keys: SM2_SM4_KEY_WRAP under SM2 (wire {@code SM2_ENCRYPT}).</li>
 * <li>RSAES_OAEP_SHA_1 and RSAES_PKCS1_V1_5, which seed 003 and the console still list
 * for some regions, for symmetric material only and only where the target enables
 * {@code legacy-algorithms}.</li>
 * </ul>
 * Not importable: HMAC keys (Huawei's API reference lists AES_256, SM4, RSA, EC and SM2
 * material only; Open Telekom Cloud's copy of the docs adds HMAC_256/384/512, but Keyport
 * follows Huawei's own reference and refuses them before a KMS call), P-521, secp256k1,
 * Ed25519 and ML-DSA. EC and SM2 private keys must carry their public key: Keyport embeds
 * it when it wraps ({@link #prepare}); material a client wraps itself cannot be checked,
 * so there it is the client's job (OpenSSL's PKCS#8 always carries it).
 */
final class HuaweiImportRules implements ImportRules {

	private static final HuaweiImportRules CURRENT = new HuaweiImportRules(false);

	private static final HuaweiImportRules WITH_LEGACY = new HuaweiImportRules(true);

	/** Huawei's key-spec names where they differ from Keyport's. */
	private static final Map<String, KeySpec> HUAWEI_NAMES = Map.of("AES_256", KeySpec.SYMMETRIC_DEFAULT, "EC_P256",
			KeySpec.ECC_NIST_P256, "EC_P384", KeySpec.ECC_NIST_P384, "SECP256K1", KeySpec.ECC_SECG_P256K1);

	private static final List<KeySpec> IMPORTABLE = List.of(KeySpec.SYMMETRIC_DEFAULT, KeySpec.SM4, KeySpec.RSA_2048,
			KeySpec.RSA_3072, KeySpec.RSA_4096, KeySpec.ECC_NIST_P256, KeySpec.ECC_NIST_P384, KeySpec.SM2);

	/** Every algorithm Huawei may take, in the order they are suggested. */
	private static final List<WrappingAlgorithm> ORDER = List.of(WrappingAlgorithm.RSAES_OAEP_SHA_256,
			WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256, WrappingAlgorithm.SM2PKE, WrappingAlgorithm.SM2_SM4_KEY_WRAP,
			WrappingAlgorithm.RSAES_OAEP_SHA_1, WrappingAlgorithm.RSAES_PKCS1_V1_5);

	private static final List<WrappingAlgorithm> LEGACY = List.of(WrappingAlgorithm.RSAES_OAEP_SHA_1,
			WrappingAlgorithm.RSAES_PKCS1_V1_5);

	private final boolean legacyAlgorithms;

	private HuaweiImportRules(boolean legacyAlgorithms) {
		this.legacyAlgorithms = legacyAlgorithms;
	}

	/** Huawei keeps a private key's material for good: it takes no expiration_time. */
	@Override
	public boolean takesExpiration(KeySpec keySpec) {
		return keySpec.kind() == KeySpec.Kind.SYMMETRIC;
	}

	static HuaweiImportRules of(boolean legacyAlgorithms) {
		return legacyAlgorithms ? WITH_LEGACY : CURRENT;
	}

	@Override
	public String id() {
		return "huawei";
	}

	/** Huawei's names (AES_256, EC_P256, ...) and Keyport's (SYMMETRIC_DEFAULT, ...). */
	@Override
	public KeySpec keySpecNamed(String name) {
		KeySpec huawei = HUAWEI_NAMES.get(name);
		if (huawei != null) {
			return huawei;
		}
		try {
			return KeySpec.valueOf(name);
		}
		catch (IllegalArgumentException | NullPointerException ex) {
			throw new WrappingException(Reason.UNSUPPORTED_KEY_SPEC,
					"Key spec '" + name + "' does not exist on Huawei Cloud KMS; importable key specs: " + names());
		}
	}

	@Override
	public String providerName(KeySpec keySpec) {
		return switch (Objects.requireNonNull(keySpec, "keySpec")) {
			case SYMMETRIC_DEFAULT -> "AES_256";
			case ECC_NIST_P256 -> "EC_P256";
			case ECC_NIST_P384 -> "EC_P384";
			case ECC_SECG_P256K1 -> "SECP256K1";
			default -> keySpec.name();
		};
	}

	@Override
	public void checkImportable(KeySpec keySpec) {
		Objects.requireNonNull(keySpec, "keySpec");
		if (!IMPORTABLE.contains(keySpec)) {
			throw notImportable(keySpec);
		}
	}

	@Override
	public void checkCompatible(KeySpec keySpec, WrappingAlgorithm algorithm, WrappingKeySpec wrappingKeySpec) {
		Objects.requireNonNull(keySpec, "keySpec");
		Objects.requireNonNull(algorithm, "algorithm");
		Objects.requireNonNull(wrappingKeySpec, "wrappingKeySpec");
		if (!compatible(keySpec, algorithm, wrappingKeySpec)) {
			throw refusal(keySpec, algorithm, wrappingKeySpec);
		}
	}

	@Override
	public List<WrappingAlgorithm> compatibleAlgorithms(KeySpec keySpec, WrappingKeySpec wrappingKeySpec) {
		Objects.requireNonNull(keySpec, "keySpec");
		Objects.requireNonNull(wrappingKeySpec, "wrappingKeySpec");
		return ORDER.stream().filter((algorithm) -> compatible(keySpec, algorithm, wrappingKeySpec)).toList();
	}

	/** The current algorithms first, the legacy ones (when enabled) last. */
	@Override
	public List<WrappingOption> wrappingOptions(KeySpec keySpec) {
		checkImportable(keySpec);
		List<WrappingOption> options = new ArrayList<>();
		for (WrappingAlgorithm algorithm : ORDER) {
			for (WrappingKeySpec wrappingKey : List.of(WrappingKeySpec.RSA_2048, WrappingKeySpec.SM2)) {
				if (compatible(keySpec, algorithm, wrappingKey)) {
					options.add(new WrappingOption(algorithm, wrappingKey));
				}
			}
		}
		return List.copyOf(options);
	}

	@Override
	public void checkMaterial(KeyMaterial material, KeySpec keySpec) {
		Objects.requireNonNull(material, "material");
		checkImportable(keySpec);
		if (material.isDestroyed()) {
			throw new WrappingException(Reason.INVALID_KEY_MATERIAL, "the key material has already been destroyed");
		}
		if (keySpec.isPrivateKey()) {
			KeyMaterialFormats.checkPrivateKey(material, keySpec);
			return;
		}
		int expected = keySpec.materialBytes();
		int found = material.length();
		if (found != expected) {
			throw new WrappingException(Reason.INVALID_KEY_MATERIAL_LENGTH,
					"expected " + expected + " bytes for " + keySpec + " (Huawei's " + providerName(keySpec) + "), got "
							+ found + lengthHint(keySpec, found)
							+ "; Huawei Cloud KMS imports symmetric keys as AES_256 (32 bytes) or SM4 (16 bytes)");
		}
	}

	/** EC and SM2 private keys get their public key embedded (see the class comment). */
	@Override
	public KeyMaterial prepare(KeyMaterial material, KeySpec keySpec) {
		if (keySpec.kind() != KeySpec.Kind.EC && keySpec.kind() != KeySpec.Kind.SM2) {
			return material;
		}
		byte[] bytes = material.bytes();
		byte[] completed = Pkcs8Conversion.withEcPublicKey(bytes, keySpec);
		return (completed == bytes) ? material : KeyMaterial.takeOwnership(completed);
	}

	/** Symmetric material always fits one RSA_2048 block; this names the options. */
	@Override
	public String alternatives(KeySpec keySpec, WrappingKeySpec wrappingKeySpec, int length) {
		return options(keySpec);
	}

	private boolean compatible(KeySpec keySpec, WrappingAlgorithm algorithm, WrappingKeySpec wrappingKeySpec) {
		if (!IMPORTABLE.contains(keySpec) || (LEGACY.contains(algorithm) && !this.legacyAlgorithms)) {
			return false;
		}
		boolean rsa2048 = wrappingKeySpec == WrappingKeySpec.RSA_2048;
		boolean sm2 = wrappingKeySpec == WrappingKeySpec.SM2;
		return switch (keySpec.kind()) {
			case SYMMETRIC ->
				(rsa2048 && (algorithm == WrappingAlgorithm.RSAES_OAEP_SHA_256 || LEGACY.contains(algorithm)))
						|| (sm2 && algorithm == WrappingAlgorithm.SM2PKE && keySpec == KeySpec.SM4);
			case RSA, EC -> rsa2048 && algorithm == WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256;
			case SM2 -> sm2 && algorithm == WrappingAlgorithm.SM2_SM4_KEY_WRAP;
			default -> false;
		};
	}

	/** Why a combination {@link #compatible} refused cannot work, naming what does. */
	private WrappingException refusal(KeySpec keySpec, WrappingAlgorithm algorithm, WrappingKeySpec wrappingKeySpec) {
		if (!IMPORTABLE.contains(keySpec)) {
			return notImportable(keySpec);
		}
		String instead = "; for " + keySpec + " use " + options(keySpec);
		if (algorithm == WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_1) {
			return new WrappingException(Reason.UNSUPPORTED_WRAPPING_ALGORITHM, "Huawei Cloud KMS has no "
					+ "RSA_AES_KEY_WRAP_SHA_1: its private-key envelope uses RSA-OAEP with SHA-256 only" + instead);
		}
		if (LEGACY.contains(algorithm) && !this.legacyAlgorithms) {
			return new WrappingException(Reason.UNSUPPORTED_WRAPPING_ALGORITHM,
					algorithm + " is a legacy algorithm, off on this Huawei Cloud target (enable it with the "
							+ "target's legacy-algorithms: true where the region still offers it)" + instead);
		}
		boolean needsSm2 = algorithm == WrappingAlgorithm.SM2PKE || algorithm == WrappingAlgorithm.SM2_SM4_KEY_WRAP;
		if (needsSm2 && wrappingKeySpec != WrappingKeySpec.SM2) {
			return Refusals.incompatible(algorithm + " (Huawei's SM2_ENCRYPT) needs the SM2 wrapping key spec, got "
					+ wrappingKeySpec + instead);
		}
		if (!needsSm2 && !wrappingKeySpec.isRsa()) {
			return Refusals.incompatible(algorithm + " needs an RSA_2048 wrapping key, got SM2" + instead);
		}
		if (wrappingKeySpec.isRsa() && wrappingKeySpec != WrappingKeySpec.RSA_2048) {
			return Refusals.incompatible("Huawei Cloud KMS's wrapping key is always RSA_2048, not " + wrappingKeySpec
					+ " (get-parameters-for-import has no wrapping key spec)" + instead);
		}
		String why = switch (keySpec.kind()) {
			case SYMMETRIC -> (algorithm == WrappingAlgorithm.SM2PKE)
					? "SM2PKE (SM2_ENCRYPT) carries SM4 material on Huawei Cloud KMS, not AES_256"
					: algorithm + " wraps private keys only (Huawei's two-part envelope)";
			case RSA, EC -> "Huawei Cloud KMS imports " + keySpec + " private keys (" + providerName(keySpec)
					+ ") only in its two-part envelope (a temporary AES key with RSAES_OAEP_SHA_256, the PKCS#8 with "
					+ "AES key wrap), not with " + algorithm;
			default -> "Huawei Cloud KMS imports SM2 private keys only in its SM2_ENCRYPT envelope (SM2PKE of a "
					+ "temporary SM4 key, the PKCS#8 with SM4 key wrap), not with " + algorithm;
		};
		return Refusals.incompatible(why + instead);
	}

	/**
	 * "RSAES_OAEP_SHA_256 with an RSA_2048 wrapping key or SM2PKE with the SM2 wrapping
	 * key".
	 */
	private String options(KeySpec keySpec) {
		List<String> options = new ArrayList<>();
		for (WrappingOption option : wrappingOptions(keySpec)) {
			options.add(option.algorithm() + ((option.wrappingKeySpec() == WrappingKeySpec.SM2)
					? " with the SM2 wrapping key" : " with an RSA_2048 wrapping key"));
		}
		return Refusals.join(options);
	}

	private static String lengthHint(KeySpec keySpec, int found) {
		if (keySpec == KeySpec.SYMMETRIC_DEFAULT && found == KeySpec.SM4.materialBytes()) {
			return " (16 bytes is an SM4 key: create the key with key spec SM4)";
		}
		if (keySpec == KeySpec.SM4 && found == KeySpec.SYMMETRIC_DEFAULT.materialBytes()) {
			return " (32 bytes is an AES-256 key: create the key with key spec AES_256)";
		}
		if (found == 2 * keySpec.materialBytes()) {
			return " (hex text? the material must be raw binary)";
		}
		if (found == Refusals.base64Length(keySpec.materialBytes())) {
			return " (base64 text? the material must be raw binary)";
		}
		return "";
	}

	private static WrappingException notImportable(KeySpec keySpec) {
		String why = switch (keySpec.kind()) {
			case HMAC -> "Huawei Cloud KMS does not import HMAC key material (" + keySpec + ")";
			case EC -> "Huawei Cloud KMS imports EC keys on P-256 (EC_P256) and P-384 (EC_P384) only, not " + keySpec;
			default -> "Huawei Cloud KMS does not import key material for " + keySpec;
		};
		return new WrappingException(Reason.UNSUPPORTED_KEY_SPEC, why + "; importable key specs: " + names());
	}

	/** "AES_256 (SYMMETRIC_DEFAULT), SM4, RSA_2048, ...". */
	private static String names() {
		List<String> names = new ArrayList<>();
		for (KeySpec keySpec : IMPORTABLE) {
			String huawei = CURRENT.providerName(keySpec);
			names.add(huawei.equals(keySpec.name()) ? huawei : huawei + " (" + keySpec + ")");
		}
		return String.join(", ", names);
	}

	@Override
	public String toString() {
		return "HuaweiImportRules[legacyAlgorithms=" + this.legacyAlgorithms + "]";
	}

}
