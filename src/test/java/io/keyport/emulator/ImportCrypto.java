package io.keyport.emulator;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.engines.SM2Engine;
import org.bouncycastle.jcajce.provider.asymmetric.util.ECUtil;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.util.BigIntegers;

/**
 * Unwraps imported key material the way AWS KMS documents it and checks the plaintext
 * against the key spec. Works on the JDK providers, Bouncy Castle's lightweight API and a
 * private Bouncy Castle provider instance (SM2 key generation) only, so nothing is
 * registered globally and the emulator shares no code with the wrapping code it checks.
 */
public final class ImportCrypto {

	private static final int AES_KEY_BYTES = 32;

	private ImportCrypto() {
	}

	/**
	 * What is kept of validated material: an identity to compare reimports with, and the
	 * public key.
	 */
	public record ValidatedMaterial(byte[] identity, byte[] publicKey) {
	}

	/**
	 * Decrypts the uploaded blob with the wrapping private key. Every failure is an
	 * {@code InvalidCiphertextException}, as in AWS: a wrong algorithm, hash, MGF1 hash,
	 * public key or concatenation cannot be told apart.
	 */
	public static byte[] unwrap(String algorithm, PrivateKey privateKey, byte[] encrypted) {
		if (algorithm.equals("SM2PKE")) {
			return sm2(privateKey, encrypted);
		}
		RSAPrivateKey wrappingKey = (RSAPrivateKey) privateKey;
		int modulusBytes = (wrappingKey.getModulus().bitLength() + 7) / 8;
		return switch (algorithm) {
			case "RSAES_OAEP_SHA_1" -> oaep("SHA-1", MGF1ParameterSpec.SHA1, wrappingKey, encrypted, modulusBytes);
			case "RSAES_OAEP_SHA_256" ->
				oaep("SHA-256", MGF1ParameterSpec.SHA256, wrappingKey, encrypted, modulusBytes);
			case "RSA_AES_KEY_WRAP_SHA_1" ->
				rsaAesKeyWrap("SHA-1", MGF1ParameterSpec.SHA1, wrappingKey, encrypted, modulusBytes);
			case "RSA_AES_KEY_WRAP_SHA_256" ->
				rsaAesKeyWrap("SHA-256", MGF1ParameterSpec.SHA256, wrappingKey, encrypted, modulusBytes);
			default -> throw new IllegalStateException("Unexpected wrapping algorithm " + algorithm);
		};
	}

	/**
	 * A fresh SM2 wrapping key pair (China regions); the provider instance stays private
	 * to the emulator.
	 */
	public static KeyPair generateSm2WrappingKey() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", Bc.PROVIDER);
			generator.initialize(new ECGenParameterSpec("sm2p256v1"));
			return generator.generateKeyPair();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Cannot generate an SM2 wrapping key", ex);
		}
	}

	/**
	 * SM2PKE (GM/T 0003.4, SM3) in the GM/T 0009 ASN.1 form: SEQUENCE of x, y, the SM3
	 * hash (C3) and the ciphertext (C2), which Bouncy Castle's engine takes as 04 ‖ x ‖ y
	 * ‖ C3 ‖ C2.
	 */
	private static byte[] sm2(PrivateKey key, byte[] encrypted) {
		byte[] raw = null;
		try {
			ASN1Primitive primitive = ASN1Primitive.fromByteArray(encrypted);
			if (!(primitive instanceof ASN1Sequence sequence) || sequence.size() != 4
					|| !Arrays.equals(sequence.getEncoded(ASN1Encoding.DER), encrypted)) {
				throw cannotDecrypt();
			}
			BigInteger x = ASN1Integer.getInstance(sequence.getObjectAt(0)).getPositiveValue();
			BigInteger y = ASN1Integer.getInstance(sequence.getObjectAt(1)).getPositiveValue();
			byte[] c3 = ASN1OctetString.getInstance(sequence.getObjectAt(2)).getOctets();
			byte[] c2 = ASN1OctetString.getInstance(sequence.getObjectAt(3)).getOctets();
			if (c3.length != 32 || c2.length == 0 || x.bitLength() > 256 || y.bitLength() > 256) {
				throw cannotDecrypt();
			}
			raw = new byte[1 + 64 + c3.length + c2.length];
			raw[0] = 4;
			BigIntegers.asUnsignedByteArray(x, raw, 1, 32);
			BigIntegers.asUnsignedByteArray(y, raw, 33, 32);
			System.arraycopy(c3, 0, raw, 65, c3.length);
			System.arraycopy(c2, 0, raw, 65 + c3.length, c2.length);
			SM2Engine engine = new SM2Engine(new SM3Digest(), SM2Engine.Mode.C1C3C2);
			engine.init(false, ECUtil.generatePrivateKeyParameter(key));
			return engine.processBlock(raw, 0, raw.length);
		}
		catch (IOException | GeneralSecurityException | InvalidCipherTextException | IllegalArgumentException
				| IllegalStateException | ClassCastException ex) {
			throw cannotDecrypt();
		}
		finally {
			if (raw != null) {
				Arrays.fill(raw, (byte) 0);
			}
		}
	}

	/**
	 * Bouncy Castle as a private provider instance, never registered globally; created on
	 * first SM2 use.
	 */
	private static final class Bc {

		static final BouncyCastleProvider PROVIDER = new BouncyCastleProvider();

	}

	private static byte[] oaep(String hash, MGF1ParameterSpec mgf1, RSAPrivateKey key, byte[] block, int modulusBytes) {
		// Exactly one RSA block, as BoringSSL-style implementations require; a short
		// block means the
		// client dropped leading zero bytes.
		if (block.length != modulusBytes) {
			throw cannotDecrypt();
		}
		try {
			Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
			// Label hash and MGF1 hash are the same, as AWS specifies: the transformation
			// string alone
			// would pair the label hash with an SHA-1 MGF1.
			cipher.init(Cipher.DECRYPT_MODE, key,
					new OAEPParameterSpec(hash, "MGF1", mgf1, PSource.PSpecified.DEFAULT));
			return cipher.doFinal(block);
		}
		catch (GeneralSecurityException ex) {
			throw cannotDecrypt();
		}
	}

	private static byte[] rsaAesKeyWrap(String hash, MGF1ParameterSpec mgf1, RSAPrivateKey key, byte[] encrypted,
			int modulusBytes) {
		// RSA-OAEP block of the AES key, then the RFC 5649 wrap of the material, no
		// separator.
		if (encrypted.length <= modulusBytes) {
			throw cannotDecrypt();
		}
		byte[] aesKey = oaep(hash, mgf1, key, Arrays.copyOf(encrypted, modulusBytes), modulusBytes);
		try {
			if (aesKey.length != AES_KEY_BYTES) {
				throw cannotDecrypt();
			}
			Cipher kwp = Cipher.getInstance("AES/KWP/NoPadding");
			kwp.init(Cipher.DECRYPT_MODE, new SecretKeySpec(aesKey, "AES"));
			return kwp.doFinal(encrypted, modulusBytes, encrypted.length - modulusBytes);
		}
		catch (GeneralSecurityException ex) {
			throw cannotDecrypt();
		}
		finally {
			Arrays.fill(aesKey, (byte) 0);
		}
	}

	private static KmsServiceError cannotDecrypt() {
		return KmsServiceError
			.invalidCiphertext("The EncryptedKeyMaterial could not be decrypted with the wrapping key "
					+ "and wrapping algorithm of the import token.");
	}

	/**
	 * Checks plaintext material against the key spec. Unusable material is an
	 * {@code IncorrectKeyMaterialException}: the API reference documents that exception
	 * for key material that is "invalid, or does not meet expectations", while
	 * ValidationException is left for request parameters.
	 * @param symmetricLength length of SYMMETRIC_DEFAULT material (16 in China regions,
	 * 32 elsewhere)
	 */
	public static ValidatedMaterial validate(EmulatedKeySpec spec, byte[] material, int symmetricLength) {
		return switch (spec.family()) {
			case SYMMETRIC -> raw(spec, material, symmetricLength);
			case HMAC -> raw(spec, material, spec.materialLength());
			case RSA -> rsa(spec, privateKeyInfo(spec, material));
			case ECC -> ec(spec, privateKeyInfo(spec, material));
		};
	}

	private static ValidatedMaterial raw(EmulatedKeySpec spec, byte[] material, int length) {
		if (material.length != length) {
			throw KmsServiceError.incorrectKeyMaterial("The key material for a " + spec + " key must be " + length
					+ " bytes long, not " + material.length + ".");
		}
		return new ValidatedMaterial(sha256(material), null);
	}

	private static PrivateKeyInfo privateKeyInfo(EmulatedKeySpec spec, byte[] material) {
		try {
			// fromByteArray refuses trailing bytes after the outer SEQUENCE.
			return PrivateKeyInfo.getInstance(ASN1Primitive.fromByteArray(material));
		}
		catch (IOException | RuntimeException ex) {
			throw KmsServiceError.incorrectKeyMaterial(
					"The key material for a " + spec + " key must be a DER-encoded PKCS#8 PrivateKeyInfo.");
		}
	}

	private static ValidatedMaterial rsa(EmulatedKeySpec spec, PrivateKeyInfo info) {
		AlgorithmIdentifier algorithm = info.getPrivateKeyAlgorithm();
		ASN1Encodable parameters = algorithm.getParameters();
		if (!PKCSObjectIdentifiers.rsaEncryption.equals(algorithm.getAlgorithm())
				|| (parameters != null && !DERNull.INSTANCE.equals(parameters))) {
			throw KmsServiceError
				.incorrectKeyMaterial("The key material for a " + spec + " key must be an RSA private key.");
		}
		org.bouncycastle.asn1.pkcs.RSAPrivateKey key;
		try {
			key = org.bouncycastle.asn1.pkcs.RSAPrivateKey.getInstance(info.parsePrivateKey());
		}
		catch (IOException | RuntimeException ex) {
			throw KmsServiceError.incorrectKeyMaterial("The RSA private key in the key material cannot be parsed.");
		}
		BigInteger n = key.getModulus();
		BigInteger e = key.getPublicExponent();
		BigInteger d = key.getPrivateExponent();
		BigInteger p = key.getPrime1();
		BigInteger q = key.getPrime2();
		if (n.bitLength() != spec.bits()) {
			throw KmsServiceError.incorrectKeyMaterial("The key material for a " + spec + " key must be a "
					+ spec.bits() + "-bit RSA private key, not " + n.bitLength() + " bits.");
		}
		BigInteger one = BigInteger.ONE;
		if (!p.multiply(q).equals(n) || e.compareTo(one) <= 0 || !e.multiply(d).mod(p.subtract(one)).equals(one)
				|| !e.multiply(d).mod(q.subtract(one)).equals(one)) {
			throw KmsServiceError.incorrectKeyMaterial("The RSA private key in the key material is inconsistent.");
		}
		byte[] publicKey;
		try {
			publicKey = encode(new SubjectPublicKeyInfo(
					new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
					new RSAPublicKey(n, e).getEncoded(ASN1Encoding.DER)));
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot encode an RSA public key", ex);
		}
		// Identity of an asymmetric key is its public key: the same private key encoded
		// differently is
		// the same key material.
		return new ValidatedMaterial(sha256(publicKey), publicKey);
	}

	private static ValidatedMaterial ec(EmulatedKeySpec spec, PrivateKeyInfo info) {
		AlgorithmIdentifier algorithm = info.getPrivateKeyAlgorithm();
		if (!X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm.getAlgorithm())
				|| !(algorithm.getParameters() instanceof ASN1ObjectIdentifier curve) || !curve.equals(spec.curve())) {
			throw KmsServiceError.incorrectKeyMaterial("The key material for a " + spec
					+ " key must be an EC private key on the named curve " + spec.curve().getId() + ".");
		}
		X9ECParameters parameters = CustomNamedCurves.getByOID(curve);
		ECPrivateKey key;
		try {
			key = ECPrivateKey.getInstance(info.parsePrivateKey());
		}
		catch (IOException | RuntimeException ex) {
			throw KmsServiceError.incorrectKeyMaterial("The EC private key in the key material cannot be parsed.");
		}
		BigInteger d = key.getKey();
		if (d.signum() <= 0 || d.compareTo(parameters.getN()) >= 0) {
			throw KmsServiceError.incorrectKeyMaterial("The EC private key in the key material is out of range.");
		}
		ASN1Encodable embeddedCurve = key.getParametersObject();
		if (embeddedCurve != null && !curve.equals(embeddedCurve)) {
			throw KmsServiceError.incorrectKeyMaterial("The EC private key names another curve than its algorithm.");
		}
		ECPoint point = new FixedPointCombMultiplier().multiply(parameters.getG(), d).normalize();
		if (key.getPublicKey() != null) {
			try {
				ECPoint embedded = parameters.getCurve().decodePoint(key.getPublicKey().getOctets());
				if (!embedded.equals(point)) {
					throw KmsServiceError.incorrectKeyMaterial(
							"The public key embedded in the EC private key does not match the private key.");
				}
			}
			catch (IllegalArgumentException ex) {
				throw KmsServiceError.incorrectKeyMaterial("The public key embedded in the EC private key is invalid.");
			}
		}
		byte[] publicKey = encode(new SubjectPublicKeyInfo(
				new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), point.getEncoded(false)));
		return new ValidatedMaterial(sha256(publicKey), publicKey);
	}

	public static byte[] encode(SubjectPublicKeyInfo info) {
		try {
			return info.getEncoded(ASN1Encoding.DER);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot encode a public key", ex);
		}
	}

	public static byte[] sha256(byte[] data) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(data);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
