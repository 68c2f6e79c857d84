package io.keyport.wrapping;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import javax.crypto.Cipher;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.keyport.wrapping.WrappingAlgorithm.Hash;

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
 * The Huawei import matrix: every key spec × wrapping algorithm × wrapping key spec, with
 * the target's legacy algorithms off and on, either wraps (and is unwrapped back
 * independently, the two-part envelopes split as the adapter splits them) or is refused
 * with its documented code before any KMS call. The expectation is written down here from
 * the Huawei documentation (seed 003, the KMS API reference), independently of the rules.
 */
class HuaweiImportMatrixTests {

	private static final KeyPair SM2_WRAPPING = TestKeys.generateEc("sm2p256v1");

	private static final Set<KeySpec> IMPORTABLE = Set.of(KeySpec.SYMMETRIC_DEFAULT, KeySpec.SM4, KeySpec.RSA_2048,
			KeySpec.RSA_3072, KeySpec.RSA_4096, KeySpec.ECC_NIST_P256, KeySpec.ECC_NIST_P384, KeySpec.SM2);

	private final KeyMaterialWrapper wrapper = new KeyMaterialWrapper();

	static Stream<Arguments> cells() {
		List<Arguments> cells = new ArrayList<>();
		for (boolean legacy : new boolean[] { false, true }) {
			for (KeySpec keySpec : KeySpec.values()) {
				for (WrappingAlgorithm algorithm : WrappingAlgorithm.values()) {
					for (WrappingKeySpec wrappingKeySpec : WrappingKeySpec.values()) {
						cells.add(Arguments.of(keySpec, algorithm, wrappingKeySpec, legacy));
					}
				}
			}
		}
		return cells.stream();
	}

	/**
	 * The documented refusal of a cell, {@code null} when it imports. Huawei's wrapping
	 * key is RSA_2048 (SM2 for SM2_ENCRYPT); AES_256 under RSAES_OAEP_SHA_256; SM4 also
	 * under SM2_ENCRYPT (SM2PKE); RSA and EC private keys in the RSA two-part envelope
	 * (RSA_AES_KEY_WRAP_SHA_256), SM2 private keys in the SM2 one (SM2_SM4_KEY_WRAP);
	 * RSAES_OAEP_SHA_1 and RSAES_PKCS1_V1_5 for symmetric material where the target
	 * enables legacy algorithms; no HMAC, P-521, secp256k1, Ed25519, ML-DSA import.
	 */
	static String expectedRefusal(KeySpec keySpec, WrappingAlgorithm algorithm, WrappingKeySpec wrappingKeySpec,
			boolean legacy) {
		if (!IMPORTABLE.contains(keySpec)) {
			return "unsupported-key-spec";
		}
		boolean legacyAlgorithm = algorithm == RSAES_OAEP_SHA_1 || algorithm == RSAES_PKCS1_V1_5;
		if (algorithm == RSA_AES_KEY_WRAP_SHA_1 || (legacyAlgorithm && !legacy)) {
			return "unsupported-wrapping-algorithm";
		}
		boolean symmetric = keySpec == KeySpec.SYMMETRIC_DEFAULT || keySpec == KeySpec.SM4;
		boolean imports = switch (wrappingKeySpec) {
			case RSA_2048 -> (symmetric && (algorithm == RSAES_OAEP_SHA_256 || legacyAlgorithm))
					|| (!symmetric && keySpec != KeySpec.SM2 && algorithm == RSA_AES_KEY_WRAP_SHA_256);
			case SM2 -> (keySpec == KeySpec.SM4 && algorithm == SM2PKE)
					|| (keySpec == KeySpec.SM2 && algorithm == SM2_SM4_KEY_WRAP);
			default -> false;
		};
		return imports ? null : "incompatible-wrapping-algorithm";
	}

	@ParameterizedTest(name = "legacy {3}: {0} with {1} under {2}")
	@MethodSource("cells")
	void cellWrapsAndUnwrapsOrIsRefusedWithItsDocumentedCode(KeySpec keySpec, WrappingAlgorithm algorithm,
			WrappingKeySpec wrappingKeySpec, boolean legacy) throws Exception {
		ImportRules rules = ImportRules.huawei(legacy);
		String refusal = expectedRefusal(keySpec, algorithm, wrappingKeySpec, legacy);
		if (refusal != null) {
			assertThatThrownBy(() -> new ImportSpec(keySpec, algorithm, wrappingKeySpec, rules))
				.isInstanceOfSatisfying(WrappingException.class, (ex) -> {
					assertThat(ex.code()).isEqualTo(refusal);
					// the message names what would work instead
					assertThat(ex.getMessage()).containsAnyOf("RSAES_OAEP_SHA_256", "RSA_AES_KEY_WRAP_SHA_256",
							"SM2PKE", "SM2_SM4_KEY_WRAP", "AES_256");
				});
			assertThat(rules.compatibleAlgorithms(keySpec, wrappingKeySpec)).doesNotContain(algorithm);
			return;
		}
		ImportSpec spec = new ImportSpec(keySpec, algorithm, wrappingKeySpec, rules);
		assertThat(rules.compatibleAlgorithms(keySpec, wrappingKeySpec)).contains(algorithm);
		assertThat(rules.wrappingOptions(keySpec)).contains(new WrappingOption(algorithm, wrappingKeySpec));
		byte[] material = material(keySpec);
		WrappingPublicKey wrappingKey = (wrappingKeySpec == WrappingKeySpec.SM2)
				? WrappingPublicKey.fromDer(SM2_WRAPPING.getPublic().getEncoded())
				: TestKeys.wrappingKey(WrappingKeySpec.RSA_2048);

		EncryptedKeyMaterial wrapped = this.wrapper.wrap(TestKeys.material(material), spec, wrappingKey);

		this.wrapper.checkEncrypted(wrapped, spec, wrappingKey);
		byte[] unwrapped = unwrap(wrapped, algorithm, wrappingKeySpec);
		assertSameKey(keySpec, unwrapped, material);
	}

	private static byte[] unwrap(EncryptedKeyMaterial wrapped, WrappingAlgorithm algorithm,
			WrappingKeySpec wrappingKeySpec) throws Exception {
		PrivateKey rsa = TestKeys.rsa(WrappingKeySpec.RSA_2048).getPrivate();
		if (HuaweiEnvelope.isTwoPart(algorithm)) {
			// as the adapter sends it: encrypted_key_material, encrypted_privatekey
			HuaweiEnvelope.Parts parts = HuaweiEnvelope.split(wrapped, algorithm, wrappingKeySpec);
			assertThat(parts.encryptedKeyMaterial().length + parts.encryptedPrivateKey().length)
				.isEqualTo(wrapped.length());
			if (algorithm == SM2_SM4_KEY_WRAP) {
				byte[] sm4Key = Sm2PkeTests.decrypt(SM2_WRAPPING.getPrivate(), parts.encryptedKeyMaterial());
				assertThat(sm4Key).hasSize(16);
				assertThat(Unwrap.sm2Sm4KeyWrap(SM2_WRAPPING.getPrivate(), wrapped.bytes()))
					.isEqualTo(Unwrap.sm4Kwp(sm4Key, parts.encryptedPrivateKey()));
				return Unwrap.sm4Kwp(sm4Key, parts.encryptedPrivateKey());
			}
			assertThat(parts.encryptedKeyMaterial()).hasSize(256);
			byte[] aesKey = Unwrap.oaep(rsa, Hash.SHA_256, parts.encryptedKeyMaterial());
			assertThat(aesKey).hasSize(32);
			return Unwrap.kwp(aesKey, parts.encryptedPrivateKey());
		}
		return switch (algorithm) {
			case RSAES_OAEP_SHA_256, RSAES_OAEP_SHA_1 -> Unwrap.oaep(rsa, algorithm.oaepHash(), wrapped.bytes());
			case RSAES_PKCS1_V1_5 -> {
				Cipher cipher = Cipher.getInstance("RSA/ECB/PKCS1Padding");
				cipher.init(Cipher.DECRYPT_MODE, rsa);
				yield cipher.doFinal(wrapped.bytes());
			}
			case SM2PKE -> Sm2PkeTests.decrypt(SM2_WRAPPING.getPrivate(), wrapped.bytes());
			default -> throw new AssertionError(algorithm + " is not expected to import");
		};
	}

	/**
	 * Symmetric and RSA material arrives as it was; EC and SM2 private keys as the same
	 * private scalar with the public key embedded (Huawei needs it there).
	 */
	static void assertSameKey(KeySpec keySpec, byte[] unwrapped, byte[] material) throws Exception {
		if (keySpec.kind() != KeySpec.Kind.EC && keySpec.kind() != KeySpec.Kind.SM2) {
			assertThat(unwrapped).isEqualTo(material);
			return;
		}
		ECPrivateKey received = ECPrivateKey.getInstance(PrivateKeyInfo.getInstance(unwrapped).parsePrivateKey());
		ECPrivateKey sent = ECPrivateKey.getInstance(PrivateKeyInfo.getInstance(material).parsePrivateKey());
		assertThat(received.getKey()).isEqualTo(sent.getKey());
		assertThat(received.getPublicKey()).as("embedded public key").isNotNull();
		assertThat(KeyMaterialFormats.derivePublicKey(TestKeys.material(unwrapped), keySpec))
			.isEqualTo(KeyMaterialFormats.derivePublicKey(TestKeys.material(material), keySpec));
	}

	private static byte[] material(KeySpec keySpec) {
		return switch (keySpec) {
			case SYMMETRIC_DEFAULT -> TestKeys.random(32);
			case SM4 -> TestKeys.random(16);
			default -> WrapRoundTripTests.privateKeyMaterial(keySpec);
		};
	}

}
