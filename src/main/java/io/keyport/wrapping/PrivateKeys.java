package io.keyport.wrapping;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

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
 * Private keys in the formats people have them (PEM with {@code PRIVATE KEY}, {@code RSA PRIVATE KEY} or
 * {@code EC PRIVATE KEY}; DER PKCS#8, PKCS#1 or SEC1) turned into the unencrypted DER PKCS#8 that KMS imports, and the
 * public key that KMS will derive from them. Everything works on byte arrays: PEM text is never turned into a
 * {@code String} (only its ASCII labels are), base64 is decoded from the bytes, and DER is rebuilt by copying
 * elements, so every copy of the secret is an array the caller or this class overwrites. The output equals what
 * {@code openssl pkcs8 -topk8 -outform der -nocrypt} writes for the same key.
 */
final class PrivateKeys {

	private static final byte[] PEM_BEGIN = "-----BEGIN ".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] PEM_DASHES = "-----".getBytes(StandardCharsets.US_ASCII);

	/** AlgorithmIdentifier { rsaEncryption, NULL }. */
	private static final byte[] RSA_ALGORITHM = { 0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
			(byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00 };

	/** INTEGER 0, the PrivateKeyInfo version. */
	private static final byte[] VERSION_0 = { 0x02, 0x01, 0x00 };

	private static final int MAX_LABEL = 64;

	private static final String CONVERT_HINT = "KMS needs an unencrypted private key";

	private PrivateKeys() {
	}

	/**
	 * The DER PKCS#8 form of a private key. Returns {@code input} itself when it is already DER PKCS#8 in OpenSSL's
	 * layout or not recognisable (the structural check then says what is wrong); otherwise a new array the caller
	 * owns.
	 */
	static byte[] toPkcs8(byte[] input, KeySpec spec) {
		if (input.length == 0 || input[0] == Der.SEQUENCE) {
			return fromDer(input, spec);
		}
		if (indexOf(input, PEM_BEGIN, 0) >= 0) {
			return fromPem(input, spec);
		}
		return input;
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
			return (spec.kind() == KeySpec.Kind.RSA) ? rsaPublicKey(pkcs8, privateKey)
					: ecPublicKey(pkcs8, info.inside(algorithm), privateKey);
		}
		catch (MalformedException ex) {
			// Pkcs8.check accepted it, so this cannot happen
			throw new WrappingException(Reason.INVALID_KEY_MATERIAL, "the private key cannot be read: " + ex.getMessage());
		}
	}

	// PEM

	private record Block(String label, int start, int end) {
	}

	private static byte[] fromPem(byte[] pem, KeySpec spec) {
		Block key = null;
		int from = 0;
		int begin;
		while ((begin = indexOf(pem, PEM_BEGIN, from)) >= 0) {
			int labelStart = begin + PEM_BEGIN.length;
			int labelEnd = indexOf(pem, PEM_DASHES, labelStart);
			if (labelEnd < 0 || labelEnd - labelStart > MAX_LABEL || !isLabel(pem, labelStart, labelEnd)) {
				throw invalid("PEM: a '-----BEGIN' line is malformed");
			}
			// labels are public ASCII words, never key material
			String label = new String(pem, labelStart, labelEnd - labelStart, StandardCharsets.US_ASCII);
			byte[] endLine = ("-----END " + label + "-----").getBytes(StandardCharsets.US_ASCII);
			int bodyStart = labelEnd + PEM_DASHES.length;
			int bodyEnd = indexOf(pem, endLine, bodyStart);
			if (bodyEnd < 0) {
				throw invalid("PEM: the '" + label + "' block has no matching '-----END " + label + "-----' line");
			}
			from = bodyEnd + endLine.length;
			switch (label) {
				case "EC PARAMETERS" -> {
					// 'openssl ecparam -genkey' writes the curve before the key
				}
				case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY" -> {
					if (key != null) {
						throw invalid("PEM: more than one private key (" + key.label() + ", " + label
								+ "); upload one key");
					}
					key = new Block(label, bodyStart, bodyEnd);
				}
				case "ENCRYPTED PRIVATE KEY" -> throw invalid("PEM: an encrypted PKCS#8 key (ENCRYPTED PRIVATE KEY); "
						+ CONVERT_HINT + ", e.g. 'openssl pkcs8 -in key.pem -nocrypt -topk8 -out plain.pem' (asks for "
						+ "the passphrase)");
				case "PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE" -> throw invalid("PEM: a " + label.toLowerCase(
						java.util.Locale.ROOT) + ", not a private key; KMS imports the private key and derives the "
						+ "public key itself");
				default -> throw invalid("PEM: an unexpected '" + label + "' block; expected PRIVATE KEY, "
						+ "RSA PRIVATE KEY or EC PRIVATE KEY");
			}
		}
		if (key == null) {
			throw invalid("PEM: no private key block (BEGIN PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
		}
		byte[] der = decodeBase64(pem, key);
		boolean keep = false;
		try {
			byte[] result = switch (key.label()) {
				case "RSA PRIVATE KEY" -> fromPkcs1(der);
				case "EC PRIVATE KEY" -> fromSec1(der, spec);
				default -> fromDer(der, spec);
			};
			keep = (result == der);
			return result;
		}
		catch (MalformedException ex) {
			throw invalid("PEM: the " + key.label() + " block is not a DER "
					+ (key.label().startsWith("RSA") ? "PKCS#1 RSAPrivateKey" : "SEC1 ECPrivateKey") + ": "
					+ ex.getMessage());
		}
		finally {
			if (!keep) {
				Arrays.fill(der, (byte) 0);
			}
		}
	}

	/** The block's base64, decoded from the bytes; header lines (Proc-Type, DEK-Info) mean encryption. */
	private static byte[] decodeBase64(byte[] pem, Block block) {
		for (int i = block.start(); i < block.end(); i++) {
			if (pem[i] == ':') {
				throw invalid("PEM: the " + block.label() + " block has header lines (Proc-Type: 4,ENCRYPTED); "
						+ CONVERT_HINT + ", e.g. 'openssl pkey -in key.pem -out plain.pem' (asks for the passphrase)");
			}
		}
		for (int i = block.start(); i < block.end(); i++) {
			if (!isBase64OrSpace(pem[i] & 0xff)) {
				throw invalid("PEM: the " + block.label() + " block holds characters that are not base64");
			}
		}
		ByteBuffer decoded;
		try {
			// the MIME decoder skips the line breaks; it reads the array in place, without a String
			decoded = Base64.getMimeDecoder().decode(ByteBuffer.wrap(pem, block.start(), block.end() - block.start()));
		}
		catch (IllegalArgumentException ex) {
			throw invalid("PEM: the " + block.label() + " block is not valid base64");
		}
		byte[] buffer = decoded.array();
		try {
			return Arrays.copyOfRange(buffer, decoded.arrayOffset() + decoded.position(),
					decoded.arrayOffset() + decoded.limit());
		}
		finally {
			Arrays.fill(buffer, (byte) 0);
		}
	}

	private static boolean isBase64OrSpace(int c) {
		return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/'
				|| c == '=' || c == '\r' || c == '\n' || c == ' ' || c == '\t';
	}

	private static boolean isLabel(byte[] pem, int start, int end) {
		for (int i = start; i < end; i++) {
			int c = pem[i] & 0xff;
			if (!((c >= 'A' && c <= 'Z') || c == ' ' || (c >= '0' && c <= '9'))) {
				return false;
			}
		}
		return end > start;
	}

	// DER

	/** PKCS#8 as it is; PKCS#1 and SEC1 converted; anything else unchanged for the structural check to explain. */
	private static byte[] fromDer(byte[] der, KeySpec spec) {
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
	private static byte[] fromPkcs1(byte[] pkcs1) throws MalformedException {
		Reader top = new Reader(pkcs1);
		Reader fields = top.inside(top.next(Der.SEQUENCE, "RSAPrivateKey SEQUENCE"));
		top.requireEnd("the RSAPrivateKey");
		fields.next(Der.INTEGER, "RSAPrivateKey version");
		fields.next(Der.INTEGER, "RSA modulus");
		int octets = header(pkcs1.length) + pkcs1.length;
		int content = VERSION_0.length + RSA_ALGORITHM.length + octets;
		byte[] out = new byte[header(content) + content];
		int pos = writeHeader(out, 0, Der.SEQUENCE, content);
		pos = put(out, pos, VERSION_0, 0, VERSION_0.length);
		pos = put(out, pos, RSA_ALGORITHM, 0, RSA_ALGORITHM.length);
		pos = writeHeader(out, pos, Der.OCTET_STRING, pkcs1.length);
		put(out, pos, pkcs1, 0, pkcs1.length);
		return out;
	}

	/**
	 * PrivateKeyInfo { 0, id-ecPublicKey curve, OCTET STRING { ECPrivateKey without its parameters } }: the curve
	 * moves into the AlgorithmIdentifier, as OpenSSL does; without one in the key, the key spec's curve is assumed.
	 */
	private static byte[] fromSec1(byte[] sec1, KeySpec spec) throws MalformedException {
		Reader top = new Reader(sec1);
		Tlv sequence = top.next(Der.SEQUENCE, "ECPrivateKey SEQUENCE");
		top.requireEnd("the ECPrivateKey");
		EcFields ec = ecFields(sec1, top.inside(sequence));
		byte[] curve = ec.curve();
		if (curve == null) {
			if (spec.kind() != KeySpec.Kind.EC && spec.kind() != KeySpec.Kind.SM2) {
				throw new MalformedException("the EC key does not name its curve");
			}
			curve = Der.encoded(Pkcs8.curveOid(spec));
		}
		return ecPkcs8(sec1, ec, curve);
	}

	/**
	 * An EC PKCS#8 whose inner ECPrivateKey repeats the curve (Bouncy Castle writes it so) is rewritten without it,
	 * in OpenSSL's layout: the same key, 9 to 12 bytes shorter, which decides whether a P-384 key fits RSAES_OAEP_SHA_256
	 * under RSA_2048 (at most 190 bytes; OpenSSL's form is 185). Anything else stays as it is.
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

	/** The fields of an ECPrivateKey, in place; the curve OID (a public value) copied when present. */
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

	/** PrivateKeyInfo { 0, { id-ecPublicKey, curve }, OCTET STRING { ECPrivateKey { 1, d, [1] publicKey } } }. */
	private static byte[] ecPkcs8(byte[] source, EcFields ec, byte[] curve) {
		byte[] ecAlgorithm = Der.encoded(Oids.EC_PUBLIC_KEY);
		int algorithm = ecAlgorithm.length + curve.length;
		int innerContent = length(ec.version()) + length(ec.scalar())
				+ ((ec.publicKey() != null) ? length(ec.publicKey()) : 0);
		int inner = header(innerContent) + innerContent;
		int content = VERSION_0.length + header(algorithm) + algorithm + header(inner) + inner;
		byte[] out = new byte[header(content) + content];
		int pos = writeHeader(out, 0, Der.SEQUENCE, content);
		pos = put(out, pos, VERSION_0, 0, VERSION_0.length);
		pos = writeHeader(out, pos, Der.SEQUENCE, algorithm);
		pos = put(out, pos, ecAlgorithm, 0, ecAlgorithm.length);
		pos = put(out, pos, curve, 0, curve.length);
		pos = writeHeader(out, pos, Der.OCTET_STRING, inner);
		pos = writeHeader(out, pos, Der.SEQUENCE, innerContent);
		pos = put(out, pos, source, ec.version().start(), length(ec.version()));
		pos = put(out, pos, source, ec.scalar().start(), length(ec.scalar()));
		if (ec.publicKey() != null) {
			put(out, pos, source, ec.publicKey().start(), length(ec.publicKey()));
		}
		return out;
	}

	// public keys

	/** SubjectPublicKeyInfo { rsaEncryption NULL, BIT STRING { RSAPublicKey { n, e } } }, copied from the key. */
	private static byte[] rsaPublicKey(byte[] pkcs8, Reader privateKey) throws MalformedException {
		Reader fields = privateKey.inside(privateKey.next(Der.SEQUENCE, "RSAPrivateKey"));
		fields.next(Der.INTEGER, "version");
		Tlv modulus = fields.next(Der.INTEGER, "modulus");
		Tlv exponent = fields.next(Der.INTEGER, "public exponent");
		int rsaPublicKey = length(modulus) + length(exponent);
		int bits = 1 + header(rsaPublicKey) + rsaPublicKey;
		int content = RSA_ALGORITHM.length + header(bits) + bits;
		byte[] out = new byte[header(content) + content];
		int pos = writeHeader(out, 0, Der.SEQUENCE, content);
		pos = put(out, pos, RSA_ALGORITHM, 0, RSA_ALGORITHM.length);
		pos = writeHeader(out, pos, Der.BIT_STRING, bits);
		out[pos++] = 0;
		pos = writeHeader(out, pos, Der.SEQUENCE, rsaPublicKey);
		pos = put(out, pos, pkcs8, modulus.start(), length(modulus));
		put(out, pos, pkcs8, exponent.start(), length(exponent));
		return out;
	}

	/**
	 * The point d·G on the key's curve, uncompressed, as KMS returns it; an embedded public key must be that point.
	 * Bouncy Castle's EC arithmetic takes the scalar as a {@link BigInteger}, which cannot be overwritten and stays in
	 * the heap until collected (the JDK's EC key classes would hold one too); it lives only inside this method.
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
		if (d.signum() == 0 || d.compareTo(curve.getN()) >= 0) {
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
				throw invalid("the public key embedded in the EC private key is not a point on "
						+ Oids.describe(curveOid));
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

	// DER writing

	private static int length(Tlv tlv) {
		return tlv.end() - tlv.start();
	}

	/** Header size of an element with {@code length} content bytes (lengths below 16 MiB). */
	private static int header(int length) {
		return (length < 0x80) ? 2 : (length < 0x100) ? 3 : (length < 0x10000) ? 4 : 5;
	}

	private static int writeHeader(byte[] out, int pos, int tag, int length) {
		out[pos++] = (byte) tag;
		int size = header(length) - 2;
		if (size == 0) {
			out[pos++] = (byte) length;
			return pos;
		}
		out[pos++] = (byte) (0x80 | size);
		for (int shift = 8 * (size - 1); shift >= 0; shift -= 8) {
			out[pos++] = (byte) (length >>> shift);
		}
		return pos;
	}

	private static int put(byte[] out, int pos, byte[] from, int offset, int length) {
		System.arraycopy(from, offset, out, pos, length);
		return pos + length;
	}

	private static int indexOf(byte[] haystack, byte[] needle, int from) {
		outer: for (int i = from; i <= haystack.length - needle.length; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (haystack[i + j] != needle[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

	private static WrappingException invalid(String message) {
		return new WrappingException(Reason.INVALID_KEY_MATERIAL, message);
	}

}
