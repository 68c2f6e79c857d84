package io.keyport.wrapping;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

import io.keyport.wrapping.WrappingException.Reason;

/** Parsing and encoding of wrapping public keys. */
final class WrappingKeys {

	private static final String ACCEPTED = "accepted: RSA_2048, RSA_3072 or RSA_4096 (rsaEncryption), "
			+ "or SM2 (id-ecPublicKey on sm2p256v1)";

	/**
	 * AWS's GetParametersForImport response is far below this; the cap keeps the DER
	 * parser's work bounded.
	 */
	private static final int MAX_DER_LENGTH = 16 * 1024;

	private WrappingKeys() {
	}

	static WrappingPublicKey parse(byte[] der) {
		if (der == null || der.length == 0) {
			throw invalid("the wrapping public key is empty; expected a DER SubjectPublicKeyInfo, " + ACCEPTED);
		}
		if (der.length > MAX_DER_LENGTH) {
			throw invalid("the wrapping public key is " + der.length + " bytes, more than any " + ACCEPTED);
		}
		byte[] copy = der.clone();
		SubjectPublicKeyInfo info = decode(copy);
		ASN1ObjectIdentifier algorithm = info.getAlgorithm().getAlgorithm();
		if (Oids.RSA_ENCRYPTION.equals(algorithm)) {
			return rsa(copy);
		}
		if (Oids.EC_PUBLIC_KEY.equals(algorithm)) {
			return ec(copy, info.getAlgorithm().getParameters());
		}
		throw invalid("the wrapping public key is a " + Oids.describe(algorithm) + " key; " + ACCEPTED);
	}

	static String toPem(byte[] der) {
		return PublicKeyFormats.pem(der);
	}

	private static SubjectPublicKeyInfo decode(byte[] der) {
		try {
			// fromByteArray refuses trailing bytes; re-encoding refuses BER and
			// non-minimal DER
			ASN1Primitive primitive = ASN1Primitive.fromByteArray(der);
			SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(primitive);
			if (!Arrays.equals(info.getEncoded(ASN1Encoding.DER), der)) {
				throw invalid("the wrapping public key is not in DER form (BER or non-minimal encoding); " + ACCEPTED);
			}
			return info;
		}
		catch (IOException | RuntimeException ex) {
			if (ex instanceof WrappingException wrapping) {
				throw wrapping;
			}
			throw invalid("the wrapping public key is not a DER SubjectPublicKeyInfo (" + der.length
					+ " bytes could not be " + "parsed: " + ex.getClass().getSimpleName() + "); " + ACCEPTED);
		}
	}

	private static WrappingPublicKey rsa(byte[] der) {
		RSAPublicKey key;
		try {
			key = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
		}
		catch (GeneralSecurityException | RuntimeException ex) {
			throw invalid("the wrapping public key is a malformed RSA key (" + ex.getClass().getSimpleName() + "); "
					+ ACCEPTED);
		}
		int bits = key.getModulus().bitLength();
		WrappingKeySpec spec = switch (bits) {
			case 2048 -> WrappingKeySpec.RSA_2048;
			case 3072 -> WrappingKeySpec.RSA_3072;
			case 4096 -> WrappingKeySpec.RSA_4096;
			default -> throw invalid("the wrapping public key is a " + bits + "-bit RSA key; " + ACCEPTED);
		};
		BigInteger exponent = key.getPublicExponent();
		if (exponent.compareTo(BigInteger.TWO) <= 0 || !exponent.testBit(0)) {
			throw invalid("the wrapping public key is an RSA key with an invalid public exponent (" + exponent
					+ "); expected an odd exponent of at least 3");
		}
		return new WrappingPublicKey(der, key, spec);
	}

	private static WrappingPublicKey ec(byte[] der, ASN1Encodable parameters) {
		if (!(parameters instanceof ASN1ObjectIdentifier curve)) {
			throw invalid(
					"the wrapping public key is an EC key with explicit or missing curve parameters; " + ACCEPTED);
		}
		if (!Oids.SM2P256V1.equals(curve)) {
			throw invalid("the wrapping public key is an EC key on " + Oids.describe(curve) + "; " + ACCEPTED);
		}
		try {
			// the JDK does not know the SM2 curve; Bouncy Castle also checks that the
			// point is on it
			PublicKey key = KeyFactory.getInstance("EC", Bc.PROVIDER).generatePublic(new X509EncodedKeySpec(der));
			return new WrappingPublicKey(der, key, WrappingKeySpec.SM2);
		}
		catch (GeneralSecurityException | RuntimeException ex) {
			throw invalid("the wrapping public key is a malformed SM2 key (" + ex.getClass().getSimpleName() + "); "
					+ ACCEPTED);
		}
	}

	private static WrappingException invalid(String message) {
		return new WrappingException(Reason.INVALID_WRAPPING_KEY, message);
	}

	/**
	 * Bouncy Castle as a private provider instance, never registered globally; created on
	 * first SM2 use.
	 */
	private static final class Bc {

		static final BouncyCastleProvider PROVIDER = new BouncyCastleProvider();

	}

}
