package io.keyport.wrapping;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;

import io.keyport.wrapping.Der.MalformedException;
import io.keyport.wrapping.Der.Reader;
import io.keyport.wrapping.Der.Tlv;
import io.keyport.wrapping.WrappingException.Reason;

/**
 * Structural checks of asymmetric private key material: an unencrypted DER PKCS#8
 * PrivateKeyInfo of the algorithm and size or curve the KMS key spec requires. It reads
 * the live buffer in place and never copies or decodes the secret parts; whether the
 * numbers form a valid key is left to KMS.
 */
final class Pkcs8 {

	private static final String CONVERT = "convert with 'openssl pkcs8 -topk8 -outform der -nocrypt'";

	private Pkcs8() {
	}

	/**
	 * What an EC key spec requires: its curve and the length of its private scalar and
	 * field elements.
	 */
	private record Curve(ASN1ObjectIdentifier oid, int bytes) {
	}

	static void check(byte[] der, KeySpec spec) {
		try {
			checkPrivateKeyInfo(der, spec);
		}
		catch (MalformedException ex) {
			throw new WrappingException(Reason.INVALID_KEY_MATERIAL,
					"expected " + expectation(spec) + "; found " + der.length + " bytes: " + ex.getMessage());
		}
	}

	private static void checkPrivateKeyInfo(byte[] der, KeySpec spec) throws MalformedException {
		if (der.length > 0 && der[0] == '-') {
			throw new MalformedException("it looks like PEM text; KMS needs the binary DER, " + CONVERT);
		}
		Reader top = new Reader(der);
		Tlv info = top.next(Der.SEQUENCE, "PrivateKeyInfo SEQUENCE");
		top.requireEnd("the PrivateKeyInfo");
		Reader fields = top.inside(info);
		if (fields.hasMore() && fields.peekTag() == Der.SEQUENCE) {
			throw new MalformedException("it looks like an encrypted PKCS#8 (EncryptedPrivateKeyInfo); KMS needs it "
					+ "unencrypted, " + CONVERT);
		}
		Tlv version = fields.next(Der.INTEGER, "PrivateKeyInfo version");
		int versionValue = Der.smallInteger(der, version);
		if (versionValue != 0 && versionValue != 1) {
			throw new MalformedException("the PrivateKeyInfo version is not 0 or 1");
		}
		if (fields.hasMore() && fields.peekTag() != Der.SEQUENCE) {
			throw new MalformedException("it looks like a PKCS#1 or SEC1 private key, not PKCS#8; " + CONVERT);
		}
		Tlv algorithmIdentifier = fields.next(Der.SEQUENCE, "AlgorithmIdentifier");
		Tlv privateKey = fields.next(Der.OCTET_STRING, "privateKey OCTET STRING");
		if (fields.hasMore() && fields.peekTag() == Der.explicit(0)) {
			fields.next("attributes");
		}
		if (versionValue == 1 && fields.hasMore() && fields.peekTag() == Der.explicit(1)) {
			// RFC 5958: [1] IMPLICIT BIT STRING, primitive in DER
			throw new MalformedException("the OneAsymmetricKey publicKey is a constructed [1]; DER encodes it as a "
					+ "primitive [1] IMPLICIT BIT STRING");
		}
		if (versionValue == 1 && fields.hasMore() && fields.peekTag() == Der.implicitPrimitive(1)) {
			Tlv publicKey = fields.next("publicKey");
			if (publicKey.length() < 2 || der[publicKey.offset()] != 0) {
				throw new MalformedException("the OneAsymmetricKey publicKey BIT STRING is malformed");
			}
		}
		fields.requireEnd("the PrivateKeyInfo fields");

		Reader algorithm = fields.inside(algorithmIdentifier);
		Tlv oid = algorithm.next(Der.OID, "algorithm OID");
		Tlv parameters = algorithm.hasMore() ? algorithm.next("algorithm parameters") : null;
		algorithm.requireEnd("the AlgorithmIdentifier");

		switch (spec.kind()) {
			case RSA -> {
				if (!Der.isOid(der, oid, Oids.RSA_ENCRYPTION)) {
					throw new MalformedException(
							"the PKCS#8 algorithm is " + Der.describeOid(der, oid) + foundCurve(der, oid, parameters));
				}
				if (parameters != null && (parameters.tag() != Der.NULL || parameters.length() != 0)) {
					throw new MalformedException("the rsaEncryption parameters are not NULL");
				}
				checkRsaPrivateKey(der, fields.inside(privateKey), spec);
			}
			case EC, SM2 -> {
				Curve curve = curve(spec);
				if (!Der.isOid(der, oid, Oids.EC_PUBLIC_KEY)) {
					throw new MalformedException("the PKCS#8 algorithm is " + Der.describeOid(der, oid));
				}
				if (parameters == null || parameters.tag() != Der.OID) {
					throw new MalformedException("the EC key does not name its curve (named curve OID required)");
				}
				if (!Der.isOid(der, parameters, curve.oid())) {
					throw new MalformedException("the key is on " + Der.describeOid(der, parameters));
				}
				checkEcPrivateKey(der, fields.inside(privateKey), curve);
			}
			default -> throw new IllegalArgumentException(spec + " is not an asymmetric key spec");
		}
	}

	private static void checkRsaPrivateKey(byte[] der, Reader outer, KeySpec spec) throws MalformedException {
		Tlv sequence = outer.next(Der.SEQUENCE, "RSAPrivateKey SEQUENCE");
		outer.requireEnd("the RSAPrivateKey");
		Reader fields = outer.inside(sequence);
		Tlv version = fields.next(Der.INTEGER, "RSAPrivateKey version");
		if (Der.smallInteger(der, version) != 0) {
			throw new MalformedException("the RSAPrivateKey is not a two-prime key (version 0)");
		}
		Tlv modulus = fields.next(Der.INTEGER, "RSA modulus");
		int bits = Der.positiveBitLength(der, modulus, "the RSA modulus");
		Tlv publicExponent = fields.next(Der.INTEGER, "RSA public exponent");
		Der.positiveBitLength(der, publicExponent, "the RSA public exponent");
		if (!Der.isOdd(der, publicExponent)) {
			throw new MalformedException("the RSA public exponent is even");
		}
		String[] names = { "private exponent", "prime1", "prime2", "exponent1", "exponent2", "coefficient" };
		for (String name : names) {
			Der.positiveBitLength(der, fields.next(Der.INTEGER, "RSA " + name), "the RSA " + name);
		}
		fields.requireEnd("the RSAPrivateKey fields");
		if (bits != spec.keyBits()) {
			throw new MalformedException("the RSA modulus has " + bits + " bits");
		}
	}

	private static void checkEcPrivateKey(byte[] der, Reader outer, Curve curve) throws MalformedException {
		Tlv sequence = outer.next(Der.SEQUENCE, "ECPrivateKey SEQUENCE");
		outer.requireEnd("the ECPrivateKey");
		Reader fields = outer.inside(sequence);
		Tlv version = fields.next(Der.INTEGER, "ECPrivateKey version");
		if (Der.smallInteger(der, version) != 1) {
			throw new MalformedException("the ECPrivateKey version is not 1");
		}
		Tlv scalar = fields.next(Der.OCTET_STRING, "ECPrivateKey privateKey");
		if (scalar.length() != curve.bytes()) {
			// RFC 5915: exactly ceiling(log2(n)/8) bytes; OpenSSL, Bouncy Castle and the
			// JDK all pad to it
			throw new MalformedException(
					"the private scalar is " + scalar.length() + " bytes, the curve needs " + curve.bytes());
		}
		if (fields.hasMore() && fields.peekTag() == Der.explicit(0)) {
			Tlv parameters = fields.next("ECPrivateKey parameters");
			Reader inner = fields.inside(parameters);
			Tlv oid = inner.next(Der.OID, "ECPrivateKey curve OID");
			inner.requireEnd("the ECPrivateKey parameters");
			if (!Der.isOid(der, oid, curve.oid())) {
				throw new MalformedException("the ECPrivateKey names another curve, " + Der.describeOid(der, oid));
			}
		}
		if (fields.hasMore() && fields.peekTag() == Der.explicit(1)) {
			Tlv publicKey = fields.next("ECPrivateKey publicKey");
			Reader inner = fields.inside(publicKey);
			Tlv bits = inner.next(Der.BIT_STRING, "ECPrivateKey publicKey BIT STRING");
			inner.requireEnd("the ECPrivateKey publicKey");
			checkPoint(der, bits, curve);
		}
		fields.requireEnd("the ECPrivateKey fields");
	}

	private static void checkPoint(byte[] der, Tlv bits, Curve curve) throws MalformedException {
		int length = bits.length();
		if (length < 2 || der[bits.offset()] != 0) {
			throw new MalformedException("the EC public key BIT STRING is malformed");
		}
		int format = der[bits.offset() + 1];
		int pointLength = length - 1;
		boolean uncompressed = format == 0x04 && pointLength == 1 + 2 * curve.bytes();
		boolean compressed = (format == 0x02 || format == 0x03) && pointLength == 1 + curve.bytes();
		if (!uncompressed && !compressed) {
			throw new MalformedException(
					"the EC public key is not a point encoding for this curve (" + pointLength + " bytes)");
		}
	}

	private static String foundCurve(byte[] der, Tlv oid, Tlv parameters) {
		if (Der.isOid(der, oid, Oids.EC_PUBLIC_KEY) && parameters != null && parameters.tag() == Der.OID) {
			return " on " + Der.describeOid(der, parameters);
		}
		return "";
	}

	private static Curve curve(KeySpec spec) {
		return switch (spec) {
			case ECC_NIST_P256 -> new Curve(Oids.SECP256R1, 32);
			case ECC_NIST_P384 -> new Curve(Oids.SECP384R1, 48);
			case ECC_NIST_P521 -> new Curve(Oids.SECP521R1, 66);
			case ECC_SECG_P256K1 -> new Curve(Oids.SECP256K1, 32);
			case SM2 -> new Curve(Oids.SM2P256V1, 32);
			default -> throw new IllegalArgumentException(spec + " is not an EC key spec");
		};
	}

	/** The named curve of an EC or SM2 key spec. */
	static ASN1ObjectIdentifier curveOid(KeySpec spec) {
		return curve(spec).oid();
	}

	/**
	 * What the key spec needs, for messages: "an unencrypted DER PKCS#8 RSA private key
	 * with a 2048-bit modulus".
	 */
	static String expectation(KeySpec spec) {
		return switch (spec.kind()) {
			case RSA -> "an unencrypted DER PKCS#8 rsaEncryption private key with a " + spec.keyBits()
					+ "-bit modulus for " + spec;
			case EC, SM2 -> "an unencrypted DER PKCS#8 id-ecPublicKey private key on "
					+ Oids.describe(curve(spec).oid()) + " for " + spec;
			default -> throw new IllegalArgumentException(spec + " is not an asymmetric key spec");
		};
	}

}
