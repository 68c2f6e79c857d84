package io.keyport.wrapping;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import io.keyport.wrapping.WrappingException.Reason;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code toImportFormat} and {@code derivePublicKey}: private keys in PEM, PKCS#1 and
 * SEC1 become the DER PKCS#8 KMS imports, their public key is the one KMS will publish,
 * and PEM that holds no usable private key is refused with a reason that never quotes the
 * key. OpenSSL's own output is compared in {@link OpenSslInteropTests}.
 */
class PrivateKeyFormatsTests {

	private final WrapCalls wrapper = new WrapCalls();

	@Test
	void pkcs8DerIsImportedAsItIs() {
		KeyMaterial material = TestKeys.material(TestKeys.rsa(WrappingKeySpec.RSA_2048).getPrivate().getEncoded());
		assertThat(this.wrapper.toImportFormat(material, KeySpec.RSA_2048)).isSameAs(material);
	}

	@ParameterizedTest
	@EnumSource(value = KeySpec.class, names = { "SYMMETRIC_DEFAULT", "HMAC_256" })
	void symmetricAndHmacMaterialIsNeverConverted(KeySpec keySpec) {
		byte[] bytes = pem("PRIVATE KEY", TestKeys.random(32));
		KeyMaterial material = TestKeys.material(bytes);
		assertThat(this.wrapper.toImportFormat(material, keySpec)).isSameAs(material);
		assertThat(this.wrapper.derivePublicKey(material, keySpec)).isNull();
	}

	@ParameterizedTest
	@EnumSource(value = WrappingKeySpec.class, names = { "RSA_2048", "RSA_3072" })
	void rsaPkcs1AsPemOrDerBecomesThePkcs8OfTheSameKey(WrappingKeySpec size) throws Exception {
		KeyPair pair = TestKeys.rsa(size);
		byte[] pkcs8 = pair.getPrivate().getEncoded();
		byte[] pkcs1 = PrivateKeyInfo.getInstance(pkcs8).parsePrivateKey().toASN1Primitive().getEncoded();
		KeySpec keySpec = KeySpec.valueOf(size.name());

		assertThat(convert(pem("RSA PRIVATE KEY", pkcs1), keySpec)).isEqualTo(pkcs8);
		assertThat(convert(pkcs1, keySpec)).isEqualTo(pkcs8);
		assertThat(convert(pem("PRIVATE KEY", pkcs8), keySpec)).isEqualTo(pkcs8);
		try (KeyMaterial material = TestKeys.material(pkcs8)) {
			assertThat(this.wrapper.derivePublicKey(material, keySpec)).isEqualTo(pair.getPublic().getEncoded());
		}
	}

	@ParameterizedTest
	@CsvSource({ "ECC_NIST_P256, secp256r1", "ECC_NIST_P384, secp384r1", "ECC_NIST_P521, secp521r1",
			"ECC_SECG_P256K1, secp256k1", "SM2, sm2p256v1" })
	void sec1WithOrWithoutItsCurveBecomesPkcs8WithTheCurveInTheAlgorithm(KeySpec keySpec, String curve)
			throws Exception {
		KeyPair pair = TestKeys.ec(curve, true);
		ASN1ObjectIdentifier oid = Pkcs8.curveOid(keySpec);
		BigInteger d = ((ECPrivateKey) pair.getPrivate()).getS();
		DERBitString point = new DERBitString(
				SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded()).getPublicKeyData().getBytes());
		int bits = keySpec.keyBits();
		byte[] withCurve = new org.bouncycastle.asn1.sec.ECPrivateKey(bits, d, point, oid).getEncoded();
		byte[] withoutCurve = new org.bouncycastle.asn1.sec.ECPrivateKey(bits, d, point, null).getEncoded();

		for (byte[] input : new byte[][] { pem("EC PRIVATE KEY", withCurve), withCurve, withoutCurve }) {
			byte[] pkcs8 = convert(input, keySpec);
			PrivateKeyInfo info = PrivateKeyInfo.getInstance(pkcs8);
			assertThat(info.getPrivateKeyAlgorithm()).isEqualTo(new AlgorithmIdentifier(Oids.EC_PUBLIC_KEY, oid));
			org.bouncycastle.asn1.sec.ECPrivateKey inner = org.bouncycastle.asn1.sec.ECPrivateKey
				.getInstance(info.parsePrivateKey());
			assertThat(inner.getKey()).isEqualTo(d);
			// as OpenSSL writes it: the curve only in the AlgorithmIdentifier, the public
			// key kept
			assertThat(inner.getParametersObject()).isNull();
			assertThat(inner.getPublicKey().getBytes()).isEqualTo(point.getBytes());
			this.wrapper.checkMaterial(TestKeys.material(pkcs8), keySpec);
			assertThat(this.wrapper.derivePublicKey(TestKeys.material(pkcs8), keySpec))
				.isEqualTo(pair.getPublic().getEncoded());
		}
	}

	@Test
	void bouncyCastlePkcs8RepeatingTheCurveIsShortenedToOpenSslsLayoutAndThenFitsOaepUnderRsa2048() {
		byte[] bc = TestKeys.ec("secp384r1", true).getPrivate().getEncoded();
		assertThat(bc).hasSize(194);
		byte[] converted = convert(bc, KeySpec.ECC_NIST_P384);
		assertThat(converted).hasSize(185);
		assertThat(PrivateKeyInfo.getInstance(converted).getPrivateKeyAlgorithm())
			.isEqualTo(PrivateKeyInfo.getInstance(bc).getPrivateKeyAlgorithm());
		this.wrapper.wrap(TestKeys.material(converted), KeySpec.ECC_NIST_P384,
				TestKeys.wrappingKey(WrappingKeySpec.RSA_2048), WrappingAlgorithm.RSAES_OAEP_SHA_256);
		assertThatThrownBy(() -> this.wrapper.wrap(TestKeys.material(bc), KeySpec.ECC_NIST_P384,
				TestKeys.wrappingKey(WrappingKeySpec.RSA_2048), WrappingAlgorithm.RSAES_OAEP_SHA_256))
			.isInstanceOfSatisfying(WrappingException.class,
					(ex) -> assertThat(ex.reason()).isEqualTo(Reason.KEY_MATERIAL_TOO_LARGE));
	}

	@Test
	void ecParametersBlockBeforeTheKeyIsSkipped() throws Exception {
		KeyPair pair = TestKeys.ec("secp384r1", true);
		byte[] pkcs8 = pair.getPrivate().getEncoded();
		byte[] sec1 = PrivateKeyInfo.getInstance(pkcs8).parsePrivateKey().toASN1Primitive().getEncoded();
		byte[] parameters = Pkcs8.curveOid(KeySpec.ECC_NIST_P384).getEncoded();
		// what 'openssl ecparam -name secp384r1 -genkey' writes
		byte[] file = concat(pem("EC PARAMETERS", parameters), pem("EC PRIVATE KEY", sec1));

		byte[] converted = convert(file, KeySpec.ECC_NIST_P384);

		this.wrapper.checkMaterial(TestKeys.material(converted), KeySpec.ECC_NIST_P384);
		assertThat(this.wrapper.derivePublicKey(TestKeys.material(converted), KeySpec.ECC_NIST_P384))
			.isEqualTo(pair.getPublic().getEncoded());
	}

	@Test
	void jdkEcKeysWithoutAnEmbeddedPublicKeyStillDeriveIt() {
		for (String curve : new String[] { "secp256r1", "secp384r1", "secp521r1" }) {
			KeyPair pair = TestKeys.ec(curve, false);
			KeySpec keySpec = switch (curve) {
				case "secp256r1" -> KeySpec.ECC_NIST_P256;
				case "secp384r1" -> KeySpec.ECC_NIST_P384;
				default -> KeySpec.ECC_NIST_P521;
			};
			assertThat(this.wrapper.derivePublicKey(TestKeys.material(pair.getPrivate().getEncoded()), keySpec))
				.as(curve)
				.isEqualTo(pair.getPublic().getEncoded());
		}
	}

	@Test
	void ecKeyCarryingAnotherKeysPublicKeyIsRefused() throws Exception {
		KeyPair mine = TestKeys.ec("secp256k1", true);
		KeyPair other = TestKeys.generateEc("secp256k1");
		BigInteger d = ((ECPrivateKey) mine.getPrivate()).getS();
		DERBitString foreign = new DERBitString(
				SubjectPublicKeyInfo.getInstance(other.getPublic().getEncoded()).getPublicKeyData().getBytes());
		byte[] sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, d, foreign, null).getEncoded();
		byte[] pkcs8 = convert(sec1, KeySpec.ECC_SECG_P256K1);

		assertThatThrownBy(() -> this.wrapper.derivePublicKey(TestKeys.material(pkcs8), KeySpec.ECC_SECG_P256K1))
			.isInstanceOfSatisfying(WrappingException.class, (ex) -> {
				assertThat(ex.reason()).isEqualTo(Reason.INVALID_KEY_MATERIAL);
				assertThat(ex.getMessage()).contains("does not belong to its private scalar");
			});
	}

	@Test
	void aBareEcScalarNamingNeitherItsCurveNorItsPublicKeyIsRefusedSinceItsCurveCannotBeChecked() throws Exception {
		// a P-256 scalar is 32 bytes, as a secp256k1 or SM2 one: without the curve or the
		// public key it would become another key, on the job's curve
		BigInteger d = ((ECPrivateKey) TestKeys.ec("secp256r1", true).getPrivate()).getS();
		byte[] bare = new org.bouncycastle.asn1.sec.ECPrivateKey(256, d, null, null).getEncoded();

		for (KeySpec spec : List.of(KeySpec.ECC_SECG_P256K1, KeySpec.SM2, KeySpec.ECC_NIST_P256)) {
			assertThatThrownBy(() -> this.wrapper.toImportFormat(TestKeys.material(bare), spec))
				.isInstanceOfSatisfying(WrappingException.class, (ex) -> {
					assertThat(ex.reason()).isEqualTo(Reason.INVALID_KEY_MATERIAL);
					assertThat(ex.getMessage()).contains("names neither its curve nor its public key");
				});
		}
	}

	@Test
	void anSm2ScalarOfNMinusOneIsRefusedAsSm2SigningInvertsOnePlusD() throws Exception {
		org.bouncycastle.asn1.x9.X9ECParameters sm2 = org.bouncycastle.crypto.ec.CustomNamedCurves
			.getByOID(Oids.SM2P256V1);
		BigInteger d = sm2.getN().subtract(BigInteger.ONE);
		DERBitString point = new DERBitString(sm2.getG().multiply(d).normalize().getEncoded(false));
		byte[] sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, d, point, Oids.SM2P256V1).getEncoded();
		byte[] pkcs8 = convert(sec1, KeySpec.SM2);

		assertThatThrownBy(() -> this.wrapper.derivePublicKey(TestKeys.material(pkcs8), KeySpec.SM2))
			.isInstanceOfSatisfying(WrappingException.class, (ex) -> {
				assertThat(ex.reason()).isEqualTo(Reason.INVALID_KEY_MATERIAL);
				assertThat(ex.getMessage()).contains("out of range for SM2");
			});
	}

	@Test
	void rsaKeysWhosePrivateValuesDoNotBelongToTheirModulusAreRefused() throws Exception {
		RSAPrivateKey key = RSAPrivateKey
			.getInstance(PrivateKeyInfo.getInstance(TestKeys.rsa(WrappingKeySpec.RSA_2048).getPrivate().getEncoded())
				.parsePrivateKey());
		RSAPrivateKey otherKey = RSAPrivateKey
			.getInstance(PrivateKeyInfo.getInstance(TestKeys.rsa(WrappingKeySpec.RSA_3072).getPrivate().getEncoded())
				.parsePrivateKey());
		BigInteger n = key.getModulus();
		BigInteger e = key.getPublicExponent();
		BigInteger d = key.getPrivateExponent();
		BigInteger p = key.getPrime1();
		BigInteger q = key.getPrime2();
		BigInteger dP = key.getExponent1();
		BigInteger dQ = key.getExponent2();
		BigInteger qInv = key.getCoefficient();
		assertThat(this.wrapper.derivePublicKey(TestKeys.material(rsaPkcs8(n, e, d, p, q, dP, dQ, qInv)),
				KeySpec.RSA_2048))
			.isEqualTo(TestKeys.rsa(WrappingKeySpec.RSA_2048).getPublic().getEncoded());

		BigInteger otherPrime = otherKey.getPrime1();
		assertRsaRefused(rsaPkcs8(n, e, d, otherPrime, q, dP, dQ, qInv), "do not multiply to its modulus");
		assertRsaRefused(rsaPkcs8(n, e, d, p, q, dP.add(BigInteger.ONE), dQ, qInv), "private exponents");
		assertRsaRefused(rsaPkcs8(n, e, d.add(BigInteger.TWO), p, q, dP, dQ, qInv), "private exponents");
		// a single-bit fault in the CRT coefficient: the Bellcore fault that gives
		// away the factors from one signature
		assertRsaRefused(rsaPkcs8(n, e, d, p, q, dP, dQ, qInv.flipBit(3)), "coefficient");
	}

	@Test
	void aPkcs8PublicKeyBesideThePrivateKeyMustBeItsOwn() throws Exception {
		for (KeyPair pair : List.of(TestKeys.ec("secp256r1", true), TestKeys.rsa(WrappingKeySpec.RSA_2048))) {
			KeySpec spec = pair.getPrivate().getAlgorithm().equals("RSA") ? KeySpec.RSA_2048 : KeySpec.ECC_NIST_P256;
			PrivateKeyInfo info = PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded());
			KeyPair other = spec == KeySpec.RSA_2048 ? TestKeys.rsa(WrappingKeySpec.RSA_3072)
					: TestKeys.generateEc("secp256r1");
			byte[] own = SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded()).getPublicKeyData().getBytes();
			byte[] foreign = SubjectPublicKeyInfo.getInstance(other.getPublic().getEncoded())
				.getPublicKeyData()
				.getBytes();

			byte[] withOwn = new PrivateKeyInfo(info.getPrivateKeyAlgorithm(), info.parsePrivateKey(), null, own)
				.getEncoded();
			assertThat(PrivateKeyInfo.getInstance(withOwn).getVersion().intValueExact()).as("OneAsymmetricKey").isOne();
			assertThat(this.wrapper.derivePublicKey(TestKeys.material(withOwn), spec)).as(spec.name())
				.isEqualTo(pair.getPublic().getEncoded());

			byte[] withForeign = new PrivateKeyInfo(info.getPrivateKeyAlgorithm(), info.parsePrivateKey(), null,
					foreign)
				.getEncoded();
			assertThatThrownBy(() -> this.wrapper.derivePublicKey(TestKeys.material(withForeign), spec)).as(spec.name())
				.isInstanceOfSatisfying(WrappingException.class, (ex) -> {
					assertThat(ex.reason()).isEqualTo(Reason.INVALID_KEY_MATERIAL);
					assertThat(ex.getMessage()).contains("PKCS#8 publicKey) does not belong to it");
				});

			// the same public key as a constructed [1] (BER, not DER)
			byte[] constructed = withOwn.clone();
			int tag = lastTopLevelField(constructed);
			constructed[tag] = (byte) 0xa1;
			assertThatThrownBy(() -> this.wrapper.checkMaterial(TestKeys.material(constructed), spec)).as(spec.name())
				.isInstanceOfSatisfying(WrappingException.class,
						(ex) -> assertThat(ex.getMessage()).contains("publicKey is a constructed [1]"));
		}
	}

	/** The offset of the last field's tag inside the top-level SEQUENCE. */
	private static int lastTopLevelField(byte[] der) {
		int pos = 1 + headerLength(der, 1);
		int last = pos;
		while (pos < der.length) {
			last = pos;
			pos = pos + 1 + headerLength(der, pos + 1) + contentLength(der, pos + 1);
		}
		return last;
	}

	private static int headerLength(byte[] der, int lengthAt) {
		int first = der[lengthAt] & 0xff;
		return first < 0x80 ? 1 : 1 + (first & 0x7f);
	}

	private static int contentLength(byte[] der, int lengthAt) {
		int first = der[lengthAt] & 0xff;
		if (first < 0x80) {
			return first;
		}
		int length = 0;
		for (int i = 1; i <= (first & 0x7f); i++) {
			length = (length << 8) | (der[lengthAt + i] & 0xff);
		}
		return length;
	}

	private void assertRsaRefused(byte[] pkcs8, String message) {
		assertThatThrownBy(() -> this.wrapper.derivePublicKey(TestKeys.material(pkcs8), KeySpec.RSA_2048))
			.isInstanceOfSatisfying(WrappingException.class, (ex) -> {
				assertThat(ex.reason()).isEqualTo(Reason.INVALID_KEY_MATERIAL);
				assertThat(ex.getMessage()).contains(message);
			});
	}

	private static byte[] rsaPkcs8(BigInteger n, BigInteger e, BigInteger d, BigInteger p, BigInteger q, BigInteger dP,
			BigInteger dQ, BigInteger qInv) throws java.io.IOException {
		return new PrivateKeyInfo(new AlgorithmIdentifier(
				org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.rsaEncryption, org.bouncycastle.asn1.DERNull.INSTANCE),
				new RSAPrivateKey(n, e, d, p, q, dP, dQ, qInv))
			.getEncoded();
	}

	@Test
	void keyOfAnotherTypeOrSizeIsRefusedNamingWhatWasFoundAndExpected() throws Exception {
		byte[] p384 = TestKeys.ec("secp384r1", true).getPrivate().getEncoded();
		byte[] sec1 = PrivateKeyInfo.getInstance(p384).parsePrivateKey().toASN1Primitive().getEncoded();
		byte[] converted = convert(pem("EC PRIVATE KEY", sec1), KeySpec.RSA_3072);
		assertThatThrownBy(() -> this.wrapper.checkMaterial(TestKeys.material(converted), KeySpec.RSA_3072))
			.isInstanceOfSatisfying(WrappingException.class, (ex) -> assertThat(ex.getMessage()).contains(
					"expected an unencrypted DER PKCS#8 rsaEncryption private key with a 3072-bit modulus for RSA_3072")
				.contains("the PKCS#8 algorithm is id-ecPublicKey, OID 1.2.840.10045.2.1 on P-384 (secp384r1)"));

		byte[] rsa2048 = TestKeys.rsa(WrappingKeySpec.RSA_2048).getPrivate().getEncoded();
		byte[] pkcs1 = PrivateKeyInfo.getInstance(rsa2048).parsePrivateKey().toASN1Primitive().getEncoded();
		byte[] rsa = convert(pem("RSA PRIVATE KEY", pkcs1), KeySpec.RSA_3072);
		assertThatThrownBy(() -> this.wrapper.checkMaterial(TestKeys.material(rsa), KeySpec.RSA_3072))
			.isInstanceOfSatisfying(WrappingException.class,
					(ex) -> assertThat(ex.getMessage()).contains("with a 3072-bit modulus for RSA_3072")
						.contains("the RSA modulus has 2048 bits"));
	}

	@Test
	void pemWithoutAUsablePrivateKeyIsRefusedWithoutQuotingIt() throws Exception {
		byte[] key = TestKeys.ec("secp256r1", false).getPrivate().getEncoded();
		String base64 = Base64.getEncoder().encodeToString(key);
		byte[] publicKey = TestKeys.ec("secp256r1", false).getPublic().getEncoded();

		assertInvalid(pem("ENCRYPTED PRIVATE KEY", key), "an encrypted PKCS#8 key (ENCRYPTED PRIVATE KEY)", base64);
		byte[] traditionalEncrypted = ("-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
				+ "DEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF\n\n" + base64
				+ "\n-----END EC PRIVATE KEY-----\n")
			.getBytes(StandardCharsets.US_ASCII);
		assertInvalid(traditionalEncrypted, "has header lines (Proc-Type: 4,ENCRYPTED)", base64);
		assertInvalid(pem("PUBLIC KEY", publicKey), "a public key, not a private key", base64);
		assertInvalid(pem("CERTIFICATE", publicKey), "a certificate, not a private key", base64);
		assertInvalid(concat(pem("PRIVATE KEY", key), pem("PRIVATE KEY", key)), "more than one private key", base64);
		assertInvalid(pem("OPENSSH PRIVATE KEY", key), "an unexpected 'OPENSSH PRIVATE KEY' block", base64);
		byte[] truncated = Arrays.copyOf(pem("PRIVATE KEY", key), 60);
		assertInvalid(truncated, "has no matching '-----END PRIVATE KEY-----' line", base64);
		byte[] notBase64 = ("-----BEGIN PRIVATE KEY-----\n" + base64.substring(0, 20) + "*" + base64.substring(20)
				+ "\n-----END PRIVATE KEY-----\n")
			.getBytes(StandardCharsets.US_ASCII);
		assertInvalid(notBase64, "characters that are not base64", base64);
		byte[] sec1Garbage = pem("EC PRIVATE KEY", TestKeys.random(40));
		assertInvalid(sec1Garbage, "the EC PRIVATE KEY block is not a DER SEC1 ECPrivateKey", base64);
	}

	private void assertInvalid(byte[] input, String message, String secret) {
		assertThatThrownBy(() -> this.wrapper.toImportFormat(TestKeys.material(input), KeySpec.ECC_NIST_P256))
			.isInstanceOfSatisfying(WrappingException.class, (ex) -> {
				assertThat(ex.reason()).isEqualTo(Reason.INVALID_KEY_MATERIAL);
				assertThat(ex.getMessage()).contains(message).doesNotContain(secret.substring(10, 40));
			});
	}

	private byte[] convert(byte[] input, KeySpec keySpec) {
		KeyMaterial material = TestKeys.material(input);
		KeyMaterial converted = this.wrapper.toImportFormat(material, keySpec);
		byte[] result = converted.bytes().clone();
		if (converted != material) {
			converted.destroy();
		}
		material.destroy();
		return result;
	}

	static byte[] pem(String label, byte[] der) {
		String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
		return ("-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n")
			.getBytes(StandardCharsets.US_ASCII);
	}

	private static byte[] concat(byte[] first, byte[] second) {
		byte[] all = Arrays.copyOf(first, first.length + second.length);
		System.arraycopy(second, 0, all, first.length, second.length);
		return all;
	}

}
