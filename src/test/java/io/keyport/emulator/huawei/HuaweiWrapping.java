package io.keyport.emulator.huawei;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.engines.RFC5649WrapEngine;
import org.bouncycastle.crypto.engines.SM2Engine;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Client-side wrapping for the emulator tests, written from Huawei's documentation with
 * JDK crypto and Bouncy Castle's lightweight API, independently of the emulator's
 * unwrapping.
 */
final class HuaweiWrapping {

	static final SecureRandom RANDOM = new SecureRandom();

	private static final BouncyCastleProvider BC = new BouncyCastleProvider();

	private HuaweiWrapping() {
	}

	/** The two parts of a private-key import. */
	record Envelope(String encryptedKeyMaterial, String encryptedPrivateKey) {
	}

	static byte[] random(int length) {
		byte[] bytes = new byte[length];
		RANDOM.nextBytes(bytes);
		return bytes;
	}

	static String base64(byte[] bytes) {
		return Base64.getEncoder().encodeToString(bytes);
	}

	static PublicKey rsaPublicKey(String base64Der) throws GeneralSecurityException {
		return KeyFactory.getInstance("RSA")
			.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64Der)));
	}

	/** RSAES_OAEP_SHA_256 with MGF1 SHA-256. */
	static byte[] oaepSha256(String wrappingKey, byte[] plaintext) throws GeneralSecurityException {
		return oaep(wrappingKey, "SHA-256", MGF1ParameterSpec.SHA256, plaintext);
	}

	static byte[] oaep(String wrappingKey, String hash, MGF1ParameterSpec mgf1, byte[] plaintext)
			throws GeneralSecurityException {
		Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
		cipher.init(Cipher.ENCRYPT_MODE, rsaPublicKey(wrappingKey),
				new OAEPParameterSpec(hash, "MGF1", mgf1, PSource.PSpecified.DEFAULT));
		return cipher.doFinal(plaintext);
	}

	static byte[] pkcs1(String wrappingKey, byte[] plaintext) throws GeneralSecurityException {
		Cipher cipher = Cipher.getInstance("RSA/ECB/PKCS1Padding");
		cipher.init(Cipher.ENCRYPT_MODE, rsaPublicKey(wrappingKey));
		return cipher.doFinal(plaintext);
	}

	/**
	 * OAEP-SHA-256 of a fresh AES key of {@code aesKeyLength} bytes, AES-KWP of the
	 * PKCS#8.
	 */
	static Envelope rsaEnvelope(String wrappingKey, byte[] pkcs8, int aesKeyLength) throws GeneralSecurityException {
		byte[] aesKey = random(aesKeyLength);
		try {
			Cipher kwp = Cipher.getInstance("AES/KWP/NoPadding");
			kwp.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(aesKey, "AES"));
			return new Envelope(base64(oaepSha256(wrappingKey, aesKey)), base64(kwp.doFinal(pkcs8)));
		}
		finally {
			Arrays.fill(aesKey, (byte) 0);
		}
	}

	/** SM2_ENCRYPT of a fresh SM4 key, SM4-KWP (RFC 5649 with SM4) of the PKCS#8. */
	static Envelope sm2Envelope(String wrappingKey, byte[] pkcs8) throws Exception {
		byte[] sm4Key = random(16);
		RFC5649WrapEngine engine = new RFC5649WrapEngine(new SM4Engine());
		engine.init(true, new KeyParameter(sm4Key));
		return new Envelope(base64(sm2Encrypt(wrappingKey, sm4Key)), base64(engine.wrap(pkcs8, 0, pkcs8.length)));
	}

	/**
	 * SM2 public-key encryption (SM3), in the GM/T 0009 ASN.1 form: SEQUENCE of x, y, C3,
	 * C2.
	 */
	static byte[] sm2Encrypt(String wrappingKey, byte[] plaintext) throws IOException, InvalidCipherTextException {
		SM2Engine engine = new SM2Engine(new SM3Digest(), SM2Engine.Mode.C1C3C2);
		engine.init(true,
				new ParametersWithRandom(PublicKeyFactory.createKey(Base64.getDecoder().decode(wrappingKey)), RANDOM));
		byte[] raw = engine.processBlock(plaintext, 0, plaintext.length);
		ASN1EncodableVector vector = new ASN1EncodableVector();
		vector.add(new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(raw, 1, 33))));
		vector.add(new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(raw, 33, 65))));
		vector.add(new DEROctetString(Arrays.copyOfRange(raw, 65, 97)));
		vector.add(new DEROctetString(Arrays.copyOfRange(raw, 97, raw.length)));
		return new DERSequence(vector).getEncoded(ASN1Encoding.DER);
	}

	static KeyPair rsaKeyPair(int bits) throws GeneralSecurityException {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(bits);
		return generator.generateKeyPair();
	}

	/** An EC key pair; its PKCS#8 (Bouncy Castle's encoding) carries the public key. */
	static KeyPair ecKeyPair(String curve) throws GeneralSecurityException {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", BC);
		generator.initialize(new ECGenParameterSpec(curve));
		return generator.generateKeyPair();
	}

	/** The same EC private key without the optional public key in its ECPrivateKey. */
	static byte[] withoutPublicKey(byte[] pkcs8, int orderBits) throws IOException {
		PrivateKeyInfo info = PrivateKeyInfo.getInstance(pkcs8);
		ECPrivateKey key = ECPrivateKey.getInstance(info.parsePrivateKey());
		ECPrivateKey bare = new ECPrivateKey(orderBits, key.getKey(), null);
		return new PrivateKeyInfo(info.getPrivateKeyAlgorithm(), bare).getEncoded(ASN1Encoding.DER);
	}

}
