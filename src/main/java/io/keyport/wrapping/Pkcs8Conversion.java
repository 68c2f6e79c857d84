package io.keyport.wrapping;

import java.util.Arrays;

import io.keyport.wrapping.Der.MalformedException;
import io.keyport.wrapping.Der.Reader;
import io.keyport.wrapping.Der.Tlv;

/**
 * DER private keys in PKCS#1 or SEC1 (and EC PKCS#8 that repeats its curve) rewritten as
 * the unencrypted DER PKCS#8 that KMS imports, equal to what
 * {@code openssl pkcs8 -topk8 -outform der -nocrypt} writes. DER is rebuilt by copying
 * elements with {@link DerWriter}, so every copy of the secret is an array the caller
 * overwrites.
 */
final class Pkcs8Conversion {

	/** AlgorithmIdentifier { rsaEncryption, NULL }. */
	static final byte[] RSA_ALGORITHM = { 0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7,
			0x0d, 0x01, 0x01, 0x01, 0x05, 0x00 };

	/** INTEGER 0, the PrivateKeyInfo version. */
	private static final byte[] VERSION_0 = { 0x02, 0x01, 0x00 };

	private Pkcs8Conversion() {
	}

	/**
	 * The DER PKCS#8 form of a private key. Returns {@code input} itself when it is
	 * already DER PKCS#8 in OpenSSL's layout or not recognisable (the structural check
	 * then says what is wrong); otherwise a new array the caller owns.
	 */
	static byte[] toPkcs8(byte[] input, KeySpec spec) {
		if (input.length == 0 || input[0] == Der.SEQUENCE) {
			return fromDer(input, spec);
		}
		if (PemPrivateKeys.isPem(input)) {
			return PemPrivateKeys.toPkcs8(input, spec);
		}
		return input;
	}

	/**
	 * PKCS#8 as it is; PKCS#1 and SEC1 converted; anything else unchanged for the
	 * structural check to explain.
	 */
	static byte[] fromDer(byte[] der, KeySpec spec) {
		try {
			Reader top = new Reader(der);
			Tlv sequence = top.next(Der.SEQUENCE, "private key SEQUENCE");
			if (top.hasMore()) {
				return der;
			}
			Reader fields = top.inside(sequence);
			int version = Der.smallInteger(der, fields.next(Der.INTEGER, "version"));
			if (!fields.hasMore()) {
				return der;
			}
			int next = fields.peekTag();
			if (next == Der.SEQUENCE && spec.kind() != KeySpec.Kind.RSA) {
				return withoutInnerCurve(der, fields);
			}
			if (version == 0 && next == Der.INTEGER && spec.kind() == KeySpec.Kind.RSA) {
				return fromPkcs1(der);
			}
			if (version == 1 && next == Der.OCTET_STRING && spec.kind() != KeySpec.Kind.RSA) {
				return fromSec1(der, spec);
			}
			return der;
		}
		catch (MalformedException ex) {
			return der;
		}
	}

	/** PrivateKeyInfo { 0, rsaEncryption NULL, OCTET STRING { RSAPrivateKey } }. */
	static byte[] fromPkcs1(byte[] pkcs1) throws MalformedException {
		Reader top = new Reader(pkcs1);
		Reader fields = top.inside(top.next(Der.SEQUENCE, "RSAPrivateKey SEQUENCE"));
		top.requireEnd("the RSAPrivateKey");
		fields.next(Der.INTEGER, "RSAPrivateKey version");
		fields.next(Der.INTEGER, "RSA modulus");
		int octets = DerWriter.header(pkcs1.length) + pkcs1.length;
		int content = VERSION_0.length + RSA_ALGORITHM.length + octets;
		byte[] out = new byte[DerWriter.header(content) + content];
		int pos = DerWriter.writeHeader(out, 0, Der.SEQUENCE, content);
		pos = DerWriter.put(out, pos, VERSION_0, 0, VERSION_0.length);
		pos = DerWriter.put(out, pos, RSA_ALGORITHM, 0, RSA_ALGORITHM.length);
		pos = DerWriter.writeHeader(out, pos, Der.OCTET_STRING, pkcs1.length);
		DerWriter.put(out, pos, pkcs1, 0, pkcs1.length);
		return out;
	}

	/**
	 * PrivateKeyInfo { 0, id-ecPublicKey curve, OCTET STRING { ECPrivateKey without its
	 * parameters } }: the curve moves into the AlgorithmIdentifier, as OpenSSL does;
	 * without one in the key, the key spec's curve is assumed only when the key carries
	 * its public key, which the derivation then checks on that curve (P-256, secp256k1
	 * and SM2 scalars are all 32 bytes: a bare scalar could be any of them).
	 */
	static byte[] fromSec1(byte[] sec1, KeySpec spec) throws MalformedException {
		Reader top = new Reader(sec1);
		Tlv sequence = top.next(Der.SEQUENCE, "ECPrivateKey SEQUENCE");
		top.requireEnd("the ECPrivateKey");
		EcFields ec = ecFields(sec1, top.inside(sequence));
		byte[] curve = ec.curve();
		if (curve == null) {
			if (spec.kind() != KeySpec.Kind.EC && spec.kind() != KeySpec.Kind.SM2) {
				throw new MalformedException("the EC key does not name its curve");
			}
			if (ec.publicKey() == null) {
				// a refusal of its own, not a malformed structure left to the
				// PKCS#8 check
				throw new WrappingException(WrappingException.Reason.INVALID_KEY_MATERIAL,
						"the EC key names neither its curve nor its public key, so which curve it is on cannot be "
								+ "checked; upload it as PKCS#8, or as SEC1 with its curve (openssl ec -param_enc "
								+ "named_curve)");
			}
			curve = Der.encoded(Pkcs8.curveOid(spec));
		}
		return ecPkcs8(sec1, ec, curve);
	}

	/**
	 * An EC PKCS#8 whose inner ECPrivateKey repeats the curve (Bouncy Castle writes it
	 * so) is rewritten without it, in OpenSSL's layout: the same key, 9 to 12 bytes
	 * shorter, which decides whether a P-384 key fits RSAES_OAEP_SHA_256 under RSA_2048
	 * (at most 190 bytes; OpenSSL's form is 185). Anything else stays as it is.
	 */
	private static byte[] withoutInnerCurve(byte[] der, Reader fields) throws MalformedException {
		Reader algorithm = fields.inside(fields.next(Der.SEQUENCE, "AlgorithmIdentifier"));
		Tlv privateKey = fields.next(Der.OCTET_STRING, "privateKey");
		if (fields.hasMore()) {
			// attributes or a OneAsymmetricKey public key: not touched
			return der;
		}
		Tlv oid = algorithm.next(Der.OID, "algorithm OID");
		if (!Der.isOid(der, oid, Oids.EC_PUBLIC_KEY) || !algorithm.hasMore() || algorithm.peekTag() != Der.OID) {
			return der;
		}
		Tlv curveTlv = algorithm.next(Der.OID, "curve");
		Reader inner = fields.inside(privateKey);
		Tlv sequence = inner.next(Der.SEQUENCE, "ECPrivateKey SEQUENCE");
		inner.requireEnd("the ECPrivateKey");
		EcFields ec = ecFields(der, inner.inside(sequence));
		byte[] curve = Arrays.copyOfRange(der, curveTlv.start(), curveTlv.end());
		if (ec.curve() == null || !Arrays.equals(ec.curve(), curve)) {
			// no repetition to drop, or a contradiction the structural check reports
			return der;
		}
		return ecPkcs8(der, ec, curve);
	}

	/**
	 * The fields of an ECPrivateKey, in place; the curve OID (a public value) copied when
	 * present.
	 */
	private record EcFields(Tlv version, Tlv scalar, byte[] curve, Tlv publicKey) {
	}

	private static EcFields ecFields(byte[] buffer, Reader fields) throws MalformedException {
		Tlv version = fields.next(Der.INTEGER, "ECPrivateKey version");
		if (Der.smallInteger(buffer, version) != 1) {
			throw new MalformedException("the ECPrivateKey version is not 1");
		}
		Tlv scalar = fields.next(Der.OCTET_STRING, "ECPrivateKey privateKey");
		byte[] curve = null;
		if (fields.hasMore() && fields.peekTag() == Der.explicit(0)) {
			Reader parameters = fields.inside(fields.next("ECPrivateKey parameters"));
			if (parameters.hasMore() && parameters.peekTag() != Der.OID) {
				throw new MalformedException("the key has explicit curve parameters; KMS needs a named curve "
						+ "(openssl ec -param_enc named_curve)");
			}
			Tlv oid = parameters.next(Der.OID, "curve OID");
			parameters.requireEnd("the ECPrivateKey parameters");
			curve = Arrays.copyOfRange(buffer, oid.start(), oid.end());
		}
		Tlv publicKey = null;
		if (fields.hasMore() && fields.peekTag() == Der.explicit(1)) {
			publicKey = fields.next("ECPrivateKey publicKey");
		}
		fields.requireEnd("the ECPrivateKey fields");
		return new EcFields(version, scalar, curve, publicKey);
	}

	/**
	 * An EC or SM2 private key in DER PKCS#8 (that {@link Pkcs8#check} accepts) with its
	 * public key embedded in the ECPrivateKey, as OpenSSL writes it and Huawei Cloud KMS
	 * requires: {@code pkcs8} itself when it is there already, else a new array the
	 * caller owns, in OpenSSL's layout (PKCS#8 attributes and a curve repeated inside the
	 * ECPrivateKey are not carried over). The point is derived from the private scalar
	 * ({@link PublicKeyDerivation}); the private key stays the same.
	 * @throws WrappingException with {@code INVALID_KEY_MATERIAL} when it is not such a
	 * key
	 */
	static byte[] withEcPublicKey(byte[] pkcs8, KeySpec spec) {
		byte[] spki = PublicKeyDerivation.publicKey(pkcs8, spec);
		try {
			Reader top = new Reader(pkcs8);
			Reader info = top.inside(top.next(Der.SEQUENCE, "PrivateKeyInfo"));
			info.next(Der.INTEGER, "version");
			Reader algorithm = info.inside(info.next(Der.SEQUENCE, "AlgorithmIdentifier"));
			Reader privateKey = info.inside(info.next(Der.OCTET_STRING, "privateKey"));
			algorithm.next(Der.OID, "algorithm OID");
			Tlv curveTlv = algorithm.next(Der.OID, "curve");
			Tlv sequence = privateKey.next(Der.SEQUENCE, "ECPrivateKey SEQUENCE");
			EcFields ec = ecFields(pkcs8, privateKey.inside(sequence));
			if (ec.publicKey() != null) {
				return pkcs8;
			}
			// SubjectPublicKeyInfo { AlgorithmIdentifier, BIT STRING }: the BIT STRING
			// (public) becomes the ECPrivateKey's [1] publicKey
			Reader spkiTop = new Reader(spki);
			Reader spkiFields = spkiTop.inside(spkiTop.next(Der.SEQUENCE, "SubjectPublicKeyInfo"));
			spkiFields.next(Der.SEQUENCE, "AlgorithmIdentifier");
			Tlv bits = spkiFields.next(Der.BIT_STRING, "subjectPublicKey");
			int bitsLength = DerWriter.length(bits);
			byte[] publicKey = new byte[DerWriter.header(bitsLength) + bitsLength];
			int pos = DerWriter.writeHeader(publicKey, 0, Der.explicit(1), bitsLength);
			DerWriter.put(publicKey, pos, spki, bits.start(), bitsLength);
			byte[] curve = Arrays.copyOfRange(pkcs8, curveTlv.start(), curveTlv.end());
			return ecPkcs8(pkcs8, ec.version(), ec.scalar(), curve, publicKey);
		}
		catch (MalformedException ex) {
			// Pkcs8.check accepted it, so this cannot happen
			throw new WrappingException(WrappingException.Reason.INVALID_KEY_MATERIAL,
					"expected " + Pkcs8.expectation(spec) + "; " + ex.getMessage());
		}
	}

	private static byte[] ecPkcs8(byte[] source, EcFields ec, byte[] curve) {
		// the public key is public: a copy of it is no secret left behind
		byte[] publicKey = (ec.publicKey() != null)
				? Arrays.copyOfRange(source, ec.publicKey().start(), ec.publicKey().end()) : null;
		return ecPkcs8(source, ec.version(), ec.scalar(), curve, publicKey);
	}

	/**
	 * PrivateKeyInfo { 0, { id-ecPublicKey, curve }, OCTET STRING { ECPrivateKey { 1, d,
	 * [1] publicKey } } }, the version and scalar copied from {@code source},
	 * {@code publicKey} the whole [1] element or {@code null}.
	 */
	private static byte[] ecPkcs8(byte[] source, Tlv version, Tlv scalar, byte[] curve, byte[] publicKey) {
		byte[] ecAlgorithm = Der.encoded(Oids.EC_PUBLIC_KEY);
		int algorithm = ecAlgorithm.length + curve.length;
		int innerContent = DerWriter.length(version) + DerWriter.length(scalar)
				+ ((publicKey != null) ? publicKey.length : 0);
		int inner = DerWriter.header(innerContent) + innerContent;
		int content = VERSION_0.length + DerWriter.header(algorithm) + algorithm + DerWriter.header(inner) + inner;
		byte[] out = new byte[DerWriter.header(content) + content];
		int pos = DerWriter.writeHeader(out, 0, Der.SEQUENCE, content);
		pos = DerWriter.put(out, pos, VERSION_0, 0, VERSION_0.length);
		pos = DerWriter.writeHeader(out, pos, Der.SEQUENCE, algorithm);
		pos = DerWriter.put(out, pos, ecAlgorithm, 0, ecAlgorithm.length);
		pos = DerWriter.put(out, pos, curve, 0, curve.length);
		pos = DerWriter.writeHeader(out, pos, Der.OCTET_STRING, inner);
		pos = DerWriter.writeHeader(out, pos, Der.SEQUENCE, innerContent);
		pos = DerWriter.put(out, pos, source, version.start(), DerWriter.length(version));
		pos = DerWriter.put(out, pos, source, scalar.start(), DerWriter.length(scalar));
		if (publicKey != null) {
			DerWriter.put(out, pos, publicKey, 0, publicKey.length);
		}
		return out;
	}

}
