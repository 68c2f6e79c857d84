package io.keyport.wrapping;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.Arrays;

import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.engines.SM2Engine;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.jcajce.provider.asymmetric.util.ECUtil;
import org.bouncycastle.util.BigIntegers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.keyport.wrapping.WrappingException.Reason;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * SM2PKE in the AWS China regions: GM/T 0009 DER C1C3C2, as OpenSSL 3 writes and reads
 * it.
 */
class Sm2PkeTests {

	private final WrapCalls wrapper = new WrapCalls();

	private static final KeyPair WRAPPING = TestKeys.generateEc("sm2p256v1");

	@ParameterizedTest
	@EnumSource(value = KeySpec.class,
			names = { "SM2", "ECC_NIST_P256", "ECC_NIST_P521", "ECC_SECG_P256K1", "RSA_2048", "RSA_4096" })
	void privateKeysWrapAndDecryptToTheMaterial(KeySpec keySpec) throws Exception {
		byte[] material = WrapRoundTripTests.privateKeyMaterial(keySpec);
		WrappingPublicKey key = WrappingPublicKey.fromDer(WRAPPING.getPublic().getEncoded());
		EncryptedKeyMaterial wrapped = this.wrapper.wrap(TestKeys.material(material.clone()), keySpec, key,
				WrappingAlgorithm.SM2PKE, Partition.CHINA);
		this.wrapper.checkEncrypted(wrapped, key, WrappingAlgorithm.SM2PKE);
		assertThat(wrapped.length()).isLessThanOrEqualTo(Sm2Pke.maxLength(material.length));
		assertThat(decrypt(WRAPPING.getPrivate(), wrapped.bytes())).isEqualTo(material);
	}

	@Test
	void outsideChinaAndForSymmetricMaterialItIsRefused() {
		WrappingPublicKey key = WrappingPublicKey.fromDer(WRAPPING.getPublic().getEncoded());
		byte[] sm2 = WrapRoundTripTests.privateKeyMaterial(KeySpec.ECC_NIST_P256);
		assertThatThrownBy(() -> this.wrapper.wrap(TestKeys.material(sm2), KeySpec.ECC_NIST_P256, key,
				WrappingAlgorithm.SM2PKE, Partition.STANDARD))
			.isInstanceOfSatisfying(WrappingException.class,
					(ex) -> assertThat(ex.reason()).isEqualTo(Reason.UNSUPPORTED_WRAPPING_ALGORITHM));
		assertThatThrownBy(() -> this.wrapper.wrap(TestKeys.material(TestKeys.random(16)), KeySpec.SYMMETRIC_DEFAULT,
				key, WrappingAlgorithm.SM2PKE, Partition.CHINA))
			.isInstanceOfSatisfying(WrappingException.class,
					(ex) -> assertThat(ex.reason()).isEqualTo(Reason.INCOMPATIBLE_WRAPPING_ALGORITHM));
	}

	@Test
	void implausibleCiphertextsAreRefusedWithoutTheirBytes() throws Exception {
		WrappingPublicKey key = WrappingPublicKey.fromDer(WRAPPING.getPublic().getEncoded());
		EncryptedKeyMaterial wrapped = this.wrapper.wrap(
				TestKeys.material(WrapRoundTripTests.privateKeyMaterial(KeySpec.SM2)), KeySpec.SM2, key,
				WrappingAlgorithm.SM2PKE, Partition.CHINA);
		byte[] bytes = wrapped.bytes();
		// raw C1C3C2 (04 ‖ x ‖ y ‖ C3 ‖ C2), as some libraries write it, is not what is
		// uploaded
		assertRefused(key, TestKeys.random(200), "not DER");
		byte[] offCurve = bytes.clone();
		ASN1Sequence sequence = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(bytes));
		int yAt = indexOf(bytes, ((ASN1Integer) sequence.getObjectAt(1)).getEncoded());
		offCurve[yAt + 10] ^= 1;
		assertRefused(key, offCurve, "not a point on the SM2 curve");
		byte[] truncated = Arrays.copyOf(bytes, bytes.length - 1);
		assertRefused(key, truncated, "not DER");
	}

	@Test
	void openSslDecryptsKeyportOutputAndKeyportChecksOpenSslOutput(@TempDir Path dir) throws Exception {
		assumeTrue(OpenSsl.available(), "openssl is not on the PATH");
		assumeTrue(OpenSsl.tryRun(dir, "genpkey", "-algorithm", "SM2", "-out", "sm2.pem").exitCode() == 0,
				"this openssl has no SM2");
		OpenSsl.run(dir, "pkey", "-in", "sm2.pem", "-pubout", "-outform", "DER", "-out", "sm2pub.der");
		OpenSsl.run(dir, "pkey", "-in", "sm2.pem", "-pubout", "-out", "sm2pub.pem");
		WrappingPublicKey key = WrappingPublicKey.fromDer(Files.readAllBytes(dir.resolve("sm2pub.der")));
		assertThat(key.spec()).isEqualTo(WrappingKeySpec.SM2);
		byte[] material = WrapRoundTripTests.privateKeyMaterial(KeySpec.RSA_2048);

		// Keyport → OpenSSL
		EncryptedKeyMaterial wrapped = this.wrapper.wrap(TestKeys.material(material.clone()), KeySpec.RSA_2048, key,
				WrappingAlgorithm.SM2PKE, Partition.CHINA);
		Files.write(dir.resolve("c.bin"), wrapped.bytes());
		OpenSsl.run(dir, "pkeyutl", "-decrypt", "-inkey", "sm2.pem", "-in", "c.bin", "-out", "m.bin");
		assertThat(Files.readAllBytes(dir.resolve("m.bin"))).isEqualTo(material);

		// OpenSSL → Keyport's check and an independent decryption
		Files.write(dir.resolve("m2.bin"), TestKeys.random(16));
		OpenSsl.run(dir, "pkeyutl", "-encrypt", "-pubin", "-inkey", "sm2pub.pem", "-in", "m2.bin", "-out", "c2.bin");
		byte[] openSsl = Files.readAllBytes(dir.resolve("c2.bin"));
		this.wrapper.checkEncrypted(EncryptedKeyMaterial.of(openSsl), key, WrappingAlgorithm.SM2PKE);
		OpenSsl.run(dir, "pkcs8", "-topk8", "-nocrypt", "-outform", "DER", "-in", "sm2.pem", "-out", "sm2.der");
		PrivateKey privateKey = java.security.KeyFactory.getInstance("EC", TestKeys.BC)
			.generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(Files.readAllBytes(dir.resolve("sm2.der"))));
		assertThat(decrypt(privateKey, openSsl)).isEqualTo(Files.readAllBytes(dir.resolve("m2.bin")));
	}

	private void assertRefused(WrappingPublicKey key, byte[] bytes, String detail) {
		assertThatThrownBy(
				() -> this.wrapper.checkEncrypted(EncryptedKeyMaterial.of(bytes), key, WrappingAlgorithm.SM2PKE))
			.isInstanceOfSatisfying(WrappingException.class, (ex) -> {
				assertThat(ex.reason()).isEqualTo(Reason.INVALID_ENCRYPTED_KEY_MATERIAL);
				assertThat(ex.getMessage()).contains(detail);
			});
	}

	private static int indexOf(byte[] haystack, byte[] needle) {
		outer: for (int i = 0; i <= haystack.length - needle.length; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (haystack[i + j] != needle[j]) {
					continue outer;
				}
			}
			return i;
		}
		throw new AssertionError("not found");
	}

	/**
	 * GM/T 0009 DER back to 04 ‖ x ‖ y ‖ C3 ‖ C2 for Bouncy Castle's engine; independent
	 * of {@link Sm2Pke}.
	 */
	static byte[] decrypt(PrivateKey key, byte[] der) throws Exception {
		ASN1Sequence sequence = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(der));
		BigInteger x = ASN1Integer.getInstance(sequence.getObjectAt(0)).getValue();
		BigInteger y = ASN1Integer.getInstance(sequence.getObjectAt(1)).getValue();
		byte[] c3 = ASN1OctetString.getInstance(sequence.getObjectAt(2)).getOctets();
		byte[] c2 = ASN1OctetString.getInstance(sequence.getObjectAt(3)).getOctets();
		byte[] raw = org.bouncycastle.util.Arrays.concatenate(new byte[] { 4 }, BigIntegers.asUnsignedByteArray(32, x),
				BigIntegers.asUnsignedByteArray(32, y), org.bouncycastle.util.Arrays.concatenate(c3, c2));
		SM2Engine engine = new SM2Engine(new SM3Digest(), SM2Engine.Mode.C1C3C2);
		engine.init(false, (ECPrivateKeyParameters) ECUtil.generatePrivateKeyParameter(key));
		return engine.processBlock(raw, 0, raw.length);
	}

}
