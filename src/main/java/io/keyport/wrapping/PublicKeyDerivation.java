package io.keyport.wrapping;

import java.io.IOException;
import java.math.BigInteger;
import java.util.Arrays;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

import io.keyport.wrapping.Der.MalformedException;
import io.keyport.wrapping.Der.Reader;
import io.keyport.wrapping.Der.Tlv;
import io.keyport.wrapping.WrappingException.Reason;

/**
 * The public key KMS will derive from imported private key material, as GetPublicKey
 * returns it.
 */
final class PublicKeyDerivation {

	private PublicKeyDerivation() {
	}

	/** DER SubjectPublicKeyInfo of the key in a DER PKCS#8 of the key spec. */
	static byte[] publicKey(byte[] pkcs8, KeySpec spec) {
		Pkcs8.check(pkcs8, spec);
		try {
			Reader top = new Reader(pkcs8);
			Reader info = top.inside(top.next(Der.SEQUENCE, "PrivateKeyInfo"));
			info.next(Der.INTEGER, "version");
			Tlv algorithm = info.next(Der.SEQUENCE, "AlgorithmIdentifier");
			Reader privateKey = info.inside(info.next(Der.OCTET_STRING, "privateKey"));
			Tlv outerPublicKey = null;
			while (info.hasMore()) {
				Tlv field = info.next("PrivateKeyInfo field");
				if (field.tag() == Der.implicitPrimitive(1)) {
					outerPublicKey = field;
				}
			}
			byte[] derived = (spec.kind() == KeySpec.Kind.RSA) ? rsaPublicKey(pkcs8, privateKey)
					: ecPublicKey(pkcs8, info.inside(algorithm), privateKey);
			if (outerPublicKey != null) {
				checkOuterPublicKey(pkcs8, outerPublicKey, derived, spec);
			}
			return derived;
		}
		catch (MalformedException ex) {
			// Pkcs8.check accepted it, so this cannot happen
			throw new WrappingException(Reason.INVALID_KEY_MATERIAL,
					"the private key cannot be read: " + ex.getMessage());
		}
	}

	/**
	 * A OneAsymmetricKey (PKCS#8 version 1) may carry its public key beside the private
	 * key: a KMS or a later reader may take it as the key's, so it must be the one the
	 * private key gives.
	 */
	private static void checkOuterPublicKey(byte[] pkcs8, Tlv outer, byte[] derivedSpki, KeySpec spec) {
		byte[] claimed = Arrays.copyOfRange(pkcs8, outer.offset() + 1, outer.end());
		SubjectPublicKeyInfo derived = SubjectPublicKeyInfo.getInstance(derivedSpki);
		boolean same;
		if (spec.kind() == KeySpec.Kind.RSA) {
			same = Arrays.equals(claimed, derived.getPublicKeyData().getBytes());
		}
		else {
			ASN1ObjectIdentifier curveOid = ASN1ObjectIdentifier.getInstance(derived.getAlgorithm().getParameters());
			X9ECParameters curve = CustomNamedCurves.getByOID(curveOid);
			try {
				same = curve.getCurve()
					.decodePoint(claimed)
					.equals(curve.getCurve().decodePoint(derived.getPublicKeyData().getBytes()));
			}
			catch (IllegalArgumentException ex) {
				throw invalid("the public key beside the private key (PKCS#8 publicKey) is not a point on "
						+ Oids.describe(curveOid));
			}
		}
		if (!same) {
			throw invalid("the public key beside the private key (PKCS#8 publicKey) does not belong to it (a "
					+ "corrupted or assembled key)");
		}
	}

	/**
	 * SubjectPublicKeyInfo { rsaEncryption NULL, BIT STRING { RSAPublicKey { n, e } } },
	 * copied from the key, once the key's values are checked to belong together.
	 */
	private static byte[] rsaPublicKey(byte[] pkcs8, Reader privateKey) throws MalformedException {
		Reader fields = privateKey.inside(privateKey.next(Der.SEQUENCE, "RSAPrivateKey"));
		fields.next(Der.INTEGER, "version");
		Tlv modulus = fields.next(Der.INTEGER, "modulus");
		Tlv exponent = fields.next(Der.INTEGER, "public exponent");
		checkRsaConsistency(pkcs8, modulus, exponent, fields);
		int rsaPublicKey = DerWriter.length(modulus) + DerWriter.length(exponent);
		int bits = 1 + DerWriter.header(rsaPublicKey) + rsaPublicKey;
		int content = Pkcs8Conversion.RSA_ALGORITHM.length + DerWriter.header(bits) + bits;
		byte[] out = new byte[DerWriter.header(content) + content];
		int pos = DerWriter.writeHeader(out, 0, Der.SEQUENCE, content);
		pos = DerWriter.put(out, pos, Pkcs8Conversion.RSA_ALGORITHM, 0, Pkcs8Conversion.RSA_ALGORITHM.length);
		pos = DerWriter.writeHeader(out, pos, Der.BIT_STRING, bits);
		out[pos++] = 0;
		pos = DerWriter.writeHeader(out, pos, Der.SEQUENCE, rsaPublicKey);
		pos = DerWriter.put(out, pos, pkcs8, modulus.start(), DerWriter.length(modulus));
		DerWriter.put(out, pos, pkcs8, exponent.start(), DerWriter.length(exponent));
		return out;
	}

	/**
	 * n = p·q, and the private and CRT values fit them: a key that fails this signs
	 * wrongly, and an RSA-CRT signature made with a wrong value gives away the key's
	 * factors to whoever sees it. Bouncy Castle and the JDK both compute with
	 * {@link BigInteger}, which cannot be overwritten; these live only inside this
	 * method, as the EC scalar does below.
	 */
	private static void checkRsaConsistency(byte[] pkcs8, Tlv modulus, Tlv exponent, Reader fields)
			throws MalformedException {
		BigInteger n = integer(pkcs8, modulus);
		BigInteger e = integer(pkcs8, exponent);
		BigInteger d = integer(pkcs8, fields.next(Der.INTEGER, "private exponent"));
		BigInteger p = integer(pkcs8, fields.next(Der.INTEGER, "prime1"));
		BigInteger q = integer(pkcs8, fields.next(Der.INTEGER, "prime2"));
		BigInteger dP = integer(pkcs8, fields.next(Der.INTEGER, "exponent1"));
		BigInteger dQ = integer(pkcs8, fields.next(Der.INTEGER, "exponent2"));
		BigInteger qInv = integer(pkcs8, fields.next(Der.INTEGER, "coefficient"));
		BigInteger pMinus1 = p.subtract(BigInteger.ONE);
		BigInteger qMinus1 = q.subtract(BigInteger.ONE);
		if (p.compareTo(BigInteger.ONE) <= 0 || q.compareTo(BigInteger.ONE) <= 0 || !p.multiply(q).equals(n)) {
			throw invalid("the RSA primes do not multiply to its modulus (a corrupted or assembled key)");
		}
		// e·d = 1 modulo p - 1 and q - 1 is e·d = 1 modulo lcm(p - 1, q - 1), whether d
		// was reduced modulo that or modulo (p - 1)(q - 1)
		if (!d.mod(pMinus1).equals(dP) || !d.mod(qMinus1).equals(dQ)
				|| !e.multiply(dP).mod(pMinus1).equals(BigInteger.ONE)
				|| !e.multiply(dQ).mod(qMinus1).equals(BigInteger.ONE)) {
			throw invalid("the RSA private exponents do not belong to its public exponent and primes (a corrupted "
					+ "or assembled key)");
		}
		if (!qInv.multiply(q).mod(p).equals(BigInteger.ONE)) {
			throw invalid("the RSA coefficient is not the inverse of its second prime (a corrupted or assembled key)");
		}
	}

	private static BigInteger integer(byte[] der, Tlv tlv) {
		return new BigInteger(der, tlv.offset(), tlv.length());
	}

	/**
	 * The point d·G on the key's curve, uncompressed, as KMS returns it; an embedded
	 * public key must be that point. Bouncy Castle's EC arithmetic takes the scalar as a
	 * {@link BigInteger}, which cannot be overwritten and stays in the heap until
	 * collected (the JDK's EC key classes would hold one too); it lives only inside this
	 * method.
	 */
	private static byte[] ecPublicKey(byte[] pkcs8, Reader algorithm, Reader privateKey) throws MalformedException {
		algorithm.next(Der.OID, "algorithm");
		Tlv curveTlv = algorithm.next(Der.OID, "curve");
		ASN1ObjectIdentifier curveOid = ASN1ObjectIdentifier
			.getInstance(Arrays.copyOfRange(pkcs8, curveTlv.start(), curveTlv.end()));
		X9ECParameters curve = CustomNamedCurves.getByOID(curveOid);
		if (curve == null) {
			throw new WrappingInternalException("no curve parameters for " + Oids.describe(curveOid), null);
		}
		Reader fields = privateKey.inside(privateKey.next(Der.SEQUENCE, "ECPrivateKey"));
		fields.next(Der.INTEGER, "version");
		Tlv scalar = fields.next(Der.OCTET_STRING, "privateKey");
		Tlv embedded = null;
		while (fields.hasMore()) {
			Tlv field = fields.next("ECPrivateKey field");
			if (field.tag() == Der.explicit(1)) {
				embedded = fields.inside(field).next(Der.BIT_STRING, "publicKey");
			}
		}
		BigInteger d = new BigInteger(1, pkcs8, scalar.offset(), scalar.length());
		// SM2 signing inverts 1 + d, so GB/T 32918 allows d up to n - 2 only
		BigInteger limit = Oids.SM2P256V1.equals(curveOid) ? curve.getN().subtract(BigInteger.ONE) : curve.getN();
		if (d.signum() == 0 || d.compareTo(limit) >= 0) {
			throw invalid("the EC private scalar is out of range for " + Oids.describe(curveOid));
		}
		ECPoint point = new FixedPointCombMultiplier().multiply(curve.getG(), d).normalize();
		if (embedded != null) {
			ECPoint claimed;
			try {
				claimed = curve.getCurve()
					.decodePoint(Arrays.copyOfRange(pkcs8, embedded.offset() + 1, embedded.end()));
			}
			catch (IllegalArgumentException ex) {
				throw invalid(
						"the public key embedded in the EC private key is not a point on " + Oids.describe(curveOid));
			}
			if (!claimed.equals(point)) {
				throw invalid("the public key embedded in the EC private key does not belong to its private scalar "
						+ "(a corrupted or assembled key)");
			}
		}
		try {
			return new SubjectPublicKeyInfo(new AlgorithmIdentifier(Oids.EC_PUBLIC_KEY, curveOid),
					point.getEncoded(false))
				.getEncoded(ASN1Encoding.DER);
		}
		catch (IOException ex) {
			throw new WrappingInternalException("cannot encode an EC public key", ex);
		}
	}

	private static WrappingException invalid(String message) {
		return new WrappingException(Reason.INVALID_KEY_MATERIAL, message);
	}

}
