package io.keyport.wrapping;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.jce.interfaces.ECPointEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.keyport.wrapping.WrappingAlgorithm.Hash;
import io.keyport.wrapping.WrappingException.Reason;

import static io.keyport.wrapping.WrappingAlgorithm.RSAES_OAEP_SHA_1;
import static io.keyport.wrapping.WrappingAlgorithm.RSAES_OAEP_SHA_256;
import static io.keyport.wrapping.WrappingAlgorithm.RSAES_PKCS1_V1_5;
import static io.keyport.wrapping.WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_1;
import static io.keyport.wrapping.WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256;
import static io.keyport.wrapping.WrappingAlgorithm.SM2PKE;
import static io.keyport.wrapping.WrappingAlgorithm.SM2_SM4_KEY_WRAP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Huawei Cloud KMS's rules: its key-spec names, what it imports and refuses (with the
 * alternatives named), the material checks, and the EC public key Keyport embeds before
 * wrapping.
 */
class HuaweiImportRulesTests {

	private static final ImportRules HUAWEI = ImportRules.huawei(false);

	private static final ImportRules HUAWEI_LEGACY = ImportRules.huawei(true);

	private static final String IMPORTABLE_NAMES = "AES_256 (SYMMETRIC_DEFAULT), SM4, RSA_2048, RSA_3072, RSA_4096, "
			+ "EC_P256 (ECC_NIST_P256), EC_P384 (ECC_NIST_P384), SM2";

	@Test
	void keySpecNamedTakesHuaweisNamesAndKeyportsForTheSameKey() {
		assertThat(HUAWEI.keySpecNamed("AES_256")).isEqualTo(KeySpec.SYMMETRIC_DEFAULT);
		assertThat(HUAWEI.keySpecNamed("SYMMETRIC_DEFAULT")).isEqualTo(KeySpec.SYMMETRIC_DEFAULT);
		assertThat(HUAWEI.keySpecNamed("SM4")).isEqualTo(KeySpec.SM4);
		assertThat(HUAWEI.keySpecNamed("EC_P256")).isEqualTo(KeySpec.ECC_NIST_P256);
		assertThat(HUAWEI.keySpecNamed("ECC_NIST_P256")).isEqualTo(KeySpec.ECC_NIST_P256);
		assertThat(HUAWEI.keySpecNamed("EC_P384")).isEqualTo(KeySpec.ECC_NIST_P384);
		assertThat(HUAWEI.keySpecNamed("ECC_NIST_P384")).isEqualTo(KeySpec.ECC_NIST_P384);
		assertThat(HUAWEI.keySpecNamed("SM2")).isEqualTo(KeySpec.SM2);
		for (String rsa : List.of("RSA_2048", "RSA_3072", "RSA_4096")) {
			assertThat(HUAWEI.keySpecNamed(rsa)).isEqualTo(KeySpec.valueOf(rsa));
		}
		// known, so that checkImportable can say why it is refused
		assertThat(HUAWEI.keySpecNamed("HMAC_256")).isEqualTo(KeySpec.HMAC_256);
		assertThat(HUAWEI_LEGACY.keySpecNamed("AES_256")).isEqualTo(KeySpec.SYMMETRIC_DEFAULT);
	}

	@ParameterizedTest
	@ValueSource(strings = { "AES_128", "aes_256", "EC_P521X", "" })
	void keySpecNamedRefusesUnknownNamesListingHuaweisKeySpecs(String name) {
		assertThatThrownBy(() -> HUAWEI.keySpecNamed(name)).isInstanceOfSatisfying(WrappingException.class, (ex) -> {
			assertThat(ex.reason()).isEqualTo(Reason.UNSUPPORTED_KEY_SPEC);
			assertThat(ex.getMessage()).isEqualTo("Key spec '" + name
					+ "' does not exist on Huawei Cloud KMS; importable key specs: " + IMPORTABLE_NAMES);
		});
	}

	@Test
	void providerNameIsHuaweisNameAndNamesRoundTrip() {
		assertThat(HUAWEI.providerName(KeySpec.SYMMETRIC_DEFAULT)).isEqualTo("AES_256");
		assertThat(HUAWEI.providerName(KeySpec.ECC_NIST_P256)).isEqualTo("EC_P256");
		assertThat(HUAWEI.providerName(KeySpec.ECC_NIST_P384)).isEqualTo("EC_P384");
		assertThat(HUAWEI.providerName(KeySpec.SM4)).isEqualTo("SM4");
		assertThat(HUAWEI.providerName(KeySpec.SM2)).isEqualTo("SM2");
		assertThat(HUAWEI.providerName(KeySpec.RSA_3072)).isEqualTo("RSA_3072");
		for (KeySpec keySpec : KeySpec.values()) {
			assertThat(HUAWEI.keySpecNamed(HUAWEI.providerName(keySpec))).isEqualTo(keySpec);
		}
		// AWS keeps Keyport's names and does not know Huawei's
		assertThat(ImportRules.aws(Partition.STANDARD).providerName(KeySpec.SYMMETRIC_DEFAULT))
			.isEqualTo("SYMMETRIC_DEFAULT");
		assertThatThrownBy(() -> ImportRules.aws(Partition.STANDARD).keySpecNamed("AES_256")).isInstanceOfSatisfying(
				WrappingException.class, (ex) -> assertThat(ex.reason()).isEqualTo(Reason.UNSUPPORTED_KEY_SPEC));
	}

	@ParameterizedTest
	@EnumSource(value = KeySpec.class, names = { "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512" })
	void hmacKeysAreNotImportable(KeySpec keySpec) {
		assertNotImportable(keySpec, "Huawei Cloud KMS does not import HMAC key material (" + keySpec
				+ "); importable key specs: " + IMPORTABLE_NAMES);
	}

	@ParameterizedTest
	@EnumSource(value = KeySpec.class, names = { "ECC_NIST_P521", "ECC_SECG_P256K1" })
	void ecKeysOtherThanP256AndP384AreNotImportable(KeySpec keySpec) {
		assertNotImportable(keySpec, "Huawei Cloud KMS imports EC keys on P-256 (EC_P256) and P-384 (EC_P384) only, "
				+ "not " + keySpec + "; importable key specs: " + IMPORTABLE_NAMES);
	}

	@ParameterizedTest
	@EnumSource(value = KeySpec.class, names = { "ECC_NIST_EDWARDS25519", "ML_DSA_44", "ML_DSA_65", "ML_DSA_87" })
	void ed25519AndMlDsaAreNotImportable(KeySpec keySpec) {
		assertNotImportable(keySpec,
				"Huawei Cloud KMS does not import key material for " + keySpec + "; importable key specs: ");
	}

	@Test
	void legacyAlgorithmsAreRefusedNamingTheTargetSettingUnlessTheTargetEnablesThem() {
		for (WrappingAlgorithm legacy : List.of(RSAES_PKCS1_V1_5, RSAES_OAEP_SHA_1)) {
			assertRefused(HUAWEI, KeySpec.SYMMETRIC_DEFAULT, legacy, WrappingKeySpec.RSA_2048,
					Reason.UNSUPPORTED_WRAPPING_ALGORITHM,
					legacy + " is a legacy algorithm, off on this Huawei Cloud target (enable it with the target's "
							+ "legacy-algorithms: true where the region still offers it); for SYMMETRIC_DEFAULT use "
							+ "RSAES_OAEP_SHA_256 with an RSA_2048 wrapping key");
			new ImportSpec(KeySpec.SYMMETRIC_DEFAULT, legacy, WrappingKeySpec.RSA_2048, HUAWEI_LEGACY);
			new ImportSpec(KeySpec.SM4, legacy, WrappingKeySpec.RSA_2048, HUAWEI_LEGACY);
			// symmetric material only: private keys need the two-part envelope
			assertRefused(HUAWEI_LEGACY, KeySpec.ECC_NIST_P256, legacy, WrappingKeySpec.RSA_2048,
					Reason.INCOMPATIBLE_WRAPPING_ALGORITHM,
					"Huawei Cloud KMS imports ECC_NIST_P256 private keys (EC_P256) only in its two-part envelope");
		}
	}

	@Test
	void theWrappingKeyIsAlwaysRsa2048OrSm2() {
		for (WrappingKeySpec larger : List.of(WrappingKeySpec.RSA_3072, WrappingKeySpec.RSA_4096)) {
			assertRefused(HUAWEI, KeySpec.SYMMETRIC_DEFAULT, RSAES_OAEP_SHA_256, larger,
					Reason.INCOMPATIBLE_WRAPPING_ALGORITHM,
					"Huawei Cloud KMS's wrapping key is always RSA_2048, not " + larger
							+ " (get-parameters-for-import has no wrapping key spec); for SYMMETRIC_DEFAULT use "
							+ "RSAES_OAEP_SHA_256 with an RSA_2048 wrapping key");
			assertRefused(HUAWEI, KeySpec.RSA_4096, RSA_AES_KEY_WRAP_SHA_256, larger,
					Reason.INCOMPATIBLE_WRAPPING_ALGORITHM, "always RSA_2048");
		}
		assertRefused(HUAWEI, KeySpec.SM4, SM2PKE, WrappingKeySpec.RSA_2048, Reason.INCOMPATIBLE_WRAPPING_ALGORITHM,
				"SM2PKE (Huawei's SM2_ENCRYPT) needs the SM2 wrapping key spec, got RSA_2048; for SM4 use "
						+ "RSAES_OAEP_SHA_256 with an RSA_2048 wrapping key or SM2PKE with the SM2 wrapping key");
		assertRefused(HUAWEI, KeySpec.SM4, RSAES_OAEP_SHA_256, WrappingKeySpec.SM2,
				Reason.INCOMPATIBLE_WRAPPING_ALGORITHM, "RSAES_OAEP_SHA_256 needs an RSA_2048 wrapping key, got SM2");
	}

	@Test
	void privateKeysTravelOnlyInTheirEnvelopes() {
		assertRefused(HUAWEI, KeySpec.RSA_2048, RSAES_OAEP_SHA_256, WrappingKeySpec.RSA_2048,
				Reason.INCOMPATIBLE_WRAPPING_ALGORITHM,
				"Huawei Cloud KMS imports RSA_2048 private keys (RSA_2048) only in its two-part envelope (a "
						+ "temporary AES key with RSAES_OAEP_SHA_256, the PKCS#8 with AES key wrap), not with "
						+ "RSAES_OAEP_SHA_256; for RSA_2048 use RSA_AES_KEY_WRAP_SHA_256 with an RSA_2048 wrapping key");
		assertRefused(HUAWEI, KeySpec.SM2, SM2PKE, WrappingKeySpec.SM2, Reason.INCOMPATIBLE_WRAPPING_ALGORITHM,
				"Huawei Cloud KMS imports SM2 private keys only in its SM2_ENCRYPT envelope (SM2PKE of a temporary "
						+ "SM4 key, the PKCS#8 with SM4 key wrap), not with SM2PKE; for SM2 use SM2_SM4_KEY_WRAP with "
						+ "the SM2 wrapping key");
		assertRefused(HUAWEI, KeySpec.SM2, RSA_AES_KEY_WRAP_SHA_256, WrappingKeySpec.RSA_2048,
				Reason.INCOMPATIBLE_WRAPPING_ALGORITHM, "for SM2 use SM2_SM4_KEY_WRAP with the SM2 wrapping key");
		assertRefused(HUAWEI, KeySpec.ECC_NIST_P384, SM2_SM4_KEY_WRAP, WrappingKeySpec.SM2,
				Reason.INCOMPATIBLE_WRAPPING_ALGORITHM,
				"for ECC_NIST_P384 use RSA_AES_KEY_WRAP_SHA_256 with an RSA_2048 wrapping key");
		assertRefused(HUAWEI, KeySpec.SYMMETRIC_DEFAULT, RSA_AES_KEY_WRAP_SHA_256, WrappingKeySpec.RSA_2048,
				Reason.INCOMPATIBLE_WRAPPING_ALGORITHM,
				"RSA_AES_KEY_WRAP_SHA_256 wraps private keys only (Huawei's two-part envelope); for SYMMETRIC_DEFAULT "
						+ "use RSAES_OAEP_SHA_256 with an RSA_2048 wrapping key");
		assertRefused(HUAWEI, KeySpec.SYMMETRIC_DEFAULT, SM2PKE, WrappingKeySpec.SM2,
				Reason.INCOMPATIBLE_WRAPPING_ALGORITHM,
				"SM2PKE (SM2_ENCRYPT) carries SM4 material on Huawei Cloud KMS, not AES_256");
		assertRefused(HUAWEI, KeySpec.RSA_3072, RSA_AES_KEY_WRAP_SHA_1, WrappingKeySpec.RSA_2048,
				Reason.UNSUPPORTED_WRAPPING_ALGORITHM,
				"Huawei Cloud KMS has no RSA_AES_KEY_WRAP_SHA_1: its private-key envelope uses RSA-OAEP with SHA-256 "
						+ "only; for RSA_3072 use RSA_AES_KEY_WRAP_SHA_256 with an RSA_2048 wrapping key");
	}

	@Test
	void wrappingOptionsPutTheCurrentAlgorithmsFirstAndTheLegacyOnesLast() {
		assertThat(HUAWEI.wrappingOptions(KeySpec.SYMMETRIC_DEFAULT))
			.containsExactly(option(RSAES_OAEP_SHA_256, WrappingKeySpec.RSA_2048));
		assertThat(HUAWEI.wrappingOptions(KeySpec.SM4))
			.containsExactly(option(RSAES_OAEP_SHA_256, WrappingKeySpec.RSA_2048), option(SM2PKE, WrappingKeySpec.SM2));
		assertThat(HUAWEI_LEGACY.wrappingOptions(KeySpec.SM4)).containsExactly(
				option(RSAES_OAEP_SHA_256, WrappingKeySpec.RSA_2048), option(SM2PKE, WrappingKeySpec.SM2),
				option(RSAES_OAEP_SHA_1, WrappingKeySpec.RSA_2048), option(RSAES_PKCS1_V1_5, WrappingKeySpec.RSA_2048));
		for (KeySpec keySpec : List.of(KeySpec.RSA_2048, KeySpec.RSA_3072, KeySpec.RSA_4096, KeySpec.ECC_NIST_P256,
				KeySpec.ECC_NIST_P384)) {
			assertThat(HUAWEI_LEGACY.wrappingOptions(keySpec))
				.containsExactly(option(RSA_AES_KEY_WRAP_SHA_256, WrappingKeySpec.RSA_2048));
		}
		assertThat(HUAWEI.wrappingOptions(KeySpec.SM2)).containsExactly(option(SM2_SM4_KEY_WRAP, WrappingKeySpec.SM2));
		assertThatThrownBy(() -> HUAWEI.wrappingOptions(KeySpec.HMAC_256)).isInstanceOfSatisfying(
				WrappingException.class, (ex) -> assertThat(ex.reason()).isEqualTo(Reason.UNSUPPORTED_KEY_SPEC));
	}

	@Test
	void compatibleAlgorithmsAndWrappingOptionsAreExactlyWhatCheckCompatibleAccepts() {
		for (ImportRules rules : List.of(HUAWEI, HUAWEI_LEGACY)) {
			for (KeySpec keySpec : KeySpec.values()) {
				List<WrappingOption> accepted = new ArrayList<>();
				for (WrappingKeySpec wrappingKey : WrappingKeySpec.values()) {
					List<WrappingAlgorithm> compatible = rules.compatibleAlgorithms(keySpec, wrappingKey);
					for (WrappingAlgorithm algorithm : WrappingAlgorithm.values()) {
						try {
							rules.checkCompatible(keySpec, algorithm, wrappingKey);
							accepted.add(option(algorithm, wrappingKey));
							assertThat(compatible).contains(algorithm);
						}
						catch (WrappingException ex) {
							assertThat(compatible).doesNotContain(algorithm);
							assertThat(ex.getMessage()).containsAnyOf(algorithm.name(), keySpec.name());
						}
					}
				}
				if (accepted.isEmpty()) {
					assertThatThrownBy(() -> rules.wrappingOptions(keySpec)).isInstanceOf(WrappingException.class);
				}
				else {
					assertThat(rules.wrappingOptions(keySpec)).as("%s under %s", keySpec, rules)
						.containsExactlyInAnyOrderElementsOf(accepted);
				}
			}
		}
	}

	@Test
	void aes256MaterialOf31BytesIsRefusedNamingTheLengthAndTheAlternatives() {
		assertMaterialRefused(KeySpec.SYMMETRIC_DEFAULT, 31, Reason.INVALID_KEY_MATERIAL_LENGTH,
				"expected 32 bytes for SYMMETRIC_DEFAULT (Huawei's AES_256), got 31; Huawei Cloud KMS imports "
						+ "symmetric keys as AES_256 (32 bytes) or SM4 (16 bytes)");
		assertMaterialRefused(KeySpec.SYMMETRIC_DEFAULT, 16, Reason.INVALID_KEY_MATERIAL_LENGTH,
				"got 16 (16 bytes is an SM4 key: create the key with key spec SM4)");
		assertMaterialRefused(KeySpec.SM4, 32, Reason.INVALID_KEY_MATERIAL_LENGTH,
				"expected 16 bytes for SM4 (Huawei's SM4), got 32 (32 bytes is an AES-256 key: create the key with "
						+ "key spec AES_256)");
		assertMaterialRefused(KeySpec.SYMMETRIC_DEFAULT, 64, Reason.INVALID_KEY_MATERIAL_LENGTH, "(hex text?");
		assertMaterialRefused(KeySpec.HMAC_256, 32, Reason.UNSUPPORTED_KEY_SPEC, "does not import HMAC");
		HUAWEI.checkMaterial(TestKeys.material(TestKeys.random(32)), KeySpec.SYMMETRIC_DEFAULT);
		HUAWEI.checkMaterial(TestKeys.material(TestKeys.random(16)), KeySpec.SM4);
	}

	@Test
	void privateKeyMaterialMustBePkcs8OfTheKeySpec() {
		byte[] p384 = WrapRoundTripTests.privateKeyMaterial(KeySpec.ECC_NIST_P384);
		assertThatThrownBy(() -> HUAWEI.checkMaterial(TestKeys.material(p384), KeySpec.ECC_NIST_P256))
			.isInstanceOfSatisfying(WrappingException.class, (ex) -> {
				assertThat(ex.reason()).isEqualTo(Reason.INVALID_KEY_MATERIAL);
				assertThat(ex.getMessage()).contains("P-384 (secp384r1)");
			});
		HUAWEI.checkMaterial(TestKeys.material(WrapRoundTripTests.privateKeyMaterial(KeySpec.RSA_3072)),
				KeySpec.RSA_3072);
	}

	@ParameterizedTest
	@ValueSource(strings = { "secp256r1", "secp384r1", "sm2p256v1" })
	void ecKeyWithoutItsPublicKeyGetsItEmbeddedAndStaysTheSamePrivateKey(String curve) throws Exception {
		KeyPair pair = TestKeys.generateEc(curve);
		KeySpec keySpec = switch (curve) {
			case "secp256r1" -> KeySpec.ECC_NIST_P256;
			case "secp384r1" -> KeySpec.ECC_NIST_P384;
			default -> KeySpec.SM2;
		};
		byte[] withoutPublicKey = pkcs8(pair, false);
		HUAWEI.checkMaterial(TestKeys.material(withoutPublicKey), keySpec);
		try (KeyMaterial material = TestKeys.material(withoutPublicKey);
				KeyMaterial prepared = HUAWEI.prepare(material, keySpec)) {
			assertThat(prepared).isNotSameAs(material);
			// what OpenSSL writes for the key: { 1, d, [1] publicKey }, no inner curve
			assertThat(prepared.bytes()).isEqualTo(pkcs8(pair, true));
			HUAWEI.checkMaterial(prepared, keySpec);
			assertThat(KeyMaterialFormats.derivePublicKey(prepared, keySpec))
				.isEqualTo(KeyMaterialFormats.derivePublicKey(material, keySpec));
		}
	}

	@Test
	void ecKeyThatCarriesItsPublicKeyAndOtherKeysComeBackAsTheSameInstance() {
		byte[] withPublicKey = pkcs8(TestKeys.generateEc("secp256r1"), true);
		try (KeyMaterial ec = TestKeys.material(withPublicKey);
				KeyMaterial rsa = TestKeys.material(WrapRoundTripTests.privateKeyMaterial(KeySpec.RSA_2048));
				KeyMaterial aes = TestKeys.material(TestKeys.random(32))) {
			assertThat(HUAWEI.prepare(ec, KeySpec.ECC_NIST_P256)).isSameAs(ec);
			assertThat(HUAWEI.prepare(rsa, KeySpec.RSA_2048)).isSameAs(rsa);
			assertThat(HUAWEI.prepare(aes, KeySpec.SYMMETRIC_DEFAULT)).isSameAs(aes);
			assertThat(ImportRules.aws(Partition.STANDARD).prepare(ec, KeySpec.ECC_NIST_P256)).isSameAs(ec);
		}
	}

	@Test
	void ecKeyWhosePublicKeyIsAnotherKeysIsRefused() {
		KeyPair one = TestKeys.generateEc("secp256r1");
		KeyPair other = TestKeys.generateEc("secp256r1");
		byte[] assembled = pkcs8(((ECPrivateKey) one.getPrivate()).getS(), (ECPublicKey) other.getPublic(),
				X9ObjectIdentifiers.prime256v1, 256);
		assertThatThrownBy(() -> HUAWEI.prepare(TestKeys.material(assembled), KeySpec.ECC_NIST_P256))
			.isInstanceOfSatisfying(WrappingException.class, (ex) -> {
				assertThat(ex.reason()).isEqualTo(Reason.INVALID_KEY_MATERIAL);
				assertThat(ex.getMessage()).contains("does not belong to its private scalar");
			});
	}

	@Test
	void keyportEmbedsThePublicKeyWhenItWrapsForHuaweiButNotForAws() throws Exception {
		KeyPair pair = TestKeys.generateEc("secp256r1");
		byte[] withoutPublicKey = pkcs8(pair, false);
		WrappingPublicKey wrappingKey = TestKeys.wrappingKey(WrappingKeySpec.RSA_2048);
		KeyMaterialWrapper wrapper = new KeyMaterialWrapper();
		EncryptedKeyMaterial forHuawei = wrapper.wrap(TestKeys.material(withoutPublicKey),
				new ImportSpec(KeySpec.ECC_NIST_P256, RSA_AES_KEY_WRAP_SHA_256, WrappingKeySpec.RSA_2048, HUAWEI),
				wrappingKey);
		EncryptedKeyMaterial forAws = wrapper.wrap(TestKeys.material(withoutPublicKey),
				new ImportSpec(KeySpec.ECC_NIST_P256, RSA_AES_KEY_WRAP_SHA_256, WrappingKeySpec.RSA_2048,
						ImportRules.aws(Partition.STANDARD)),
				wrappingKey);
		java.security.PrivateKey rsa = TestKeys.rsa(WrappingKeySpec.RSA_2048).getPrivate();
		assertThat(Unwrap.rsaAesKeyWrap(rsa, Hash.SHA_256, 256, forHuawei.bytes())).isEqualTo(pkcs8(pair, true));
		assertThat(Unwrap.rsaAesKeyWrap(rsa, Hash.SHA_256, 256, forAws.bytes())).isEqualTo(withoutPublicKey);
	}

	/** PrivateKeyInfo { 0, { id-ecPublicKey, curve }, { 1, d, [1] publicKey? } }. */
	static byte[] pkcs8(KeyPair pair, boolean withPublicKey) {
		ECPublicKey publicKey = (ECPublicKey) pair.getPublic();
		ASN1ObjectIdentifier curve = PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded())
			.getPrivateKeyAlgorithm()
			.getParameters() instanceof ASN1ObjectIdentifier oid ? oid : null;
		int bits = (curve.equals(X9ObjectIdentifiers.prime256v1) || curve.equals(Oids.SM2P256V1)) ? 256 : 384;
		return pkcs8(((ECPrivateKey) pair.getPrivate()).getS(), withPublicKey ? publicKey : null, curve, bits);
	}

	private static byte[] pkcs8(BigInteger d, ECPublicKey publicKey, ASN1ObjectIdentifier curve, int bits) {
		try {
			DERBitString point = null;
			if (publicKey != null) {
				((ECPointEncoder) publicKey).setPointFormat("UNCOMPRESSED");
				point = new DERBitString(
						org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(publicKey.getEncoded())
							.getPublicKeyData()
							.getBytes());
			}
			org.bouncycastle.asn1.sec.ECPrivateKey ec = new org.bouncycastle.asn1.sec.ECPrivateKey(bits, d, point,
					null);
			return new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), ec)
				.getEncoded(ASN1Encoding.DER);
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void assertNotImportable(KeySpec keySpec, String message) {
		for (ImportRules rules : List.of(HUAWEI, HUAWEI_LEGACY)) {
			assertThatThrownBy(() -> rules.checkImportable(keySpec)).isInstanceOfSatisfying(WrappingException.class,
					(ex) -> {
						assertThat(ex.reason()).isEqualTo(Reason.UNSUPPORTED_KEY_SPEC);
						assertThat(ex.getMessage()).startsWith(message);
					});
			for (WrappingAlgorithm algorithm : Set.of(RSAES_OAEP_SHA_256, RSA_AES_KEY_WRAP_SHA_256)) {
				assertRefused(rules, keySpec, algorithm, WrappingKeySpec.RSA_2048, Reason.UNSUPPORTED_KEY_SPEC,
						message);
			}
		}
	}

	private static void assertMaterialRefused(KeySpec keySpec, int length, Reason reason, String message) {
		assertThatThrownBy(() -> HUAWEI.checkMaterial(TestKeys.material(TestKeys.random(length)), keySpec))
			.isInstanceOfSatisfying(WrappingException.class, (ex) -> {
				assertThat(ex.reason()).isEqualTo(reason);
				assertThat(ex.getMessage()).contains(message);
			});
	}

	private static void assertRefused(ImportRules rules, KeySpec keySpec, WrappingAlgorithm algorithm,
			WrappingKeySpec wrappingKey, Reason reason, String message) {
		assertThatThrownBy(() -> new ImportSpec(keySpec, algorithm, wrappingKey, rules))
			.isInstanceOfSatisfying(WrappingException.class, (ex) -> {
				assertThat(ex.reason()).isEqualTo(reason);
				assertThat(ex.getMessage()).contains(message);
			});
	}

	private static WrappingOption option(WrappingAlgorithm algorithm, WrappingKeySpec wrappingKey) {
		return new WrappingOption(algorithm, wrappingKey);
	}

}
