package io.keyport.wrapping;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.Arrays;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.gm.GMNamedCurves;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.engines.SM2Engine;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.jcajce.provider.asymmetric.util.ECUtil;
import org.bouncycastle.util.BigIntegers;

/**
 * SM2 public-key encryption (GM/T 0003.4) with SM3, in the GM/T 0009 ASN.1 form that
 * OpenSSL 3 writes and reads: {@code SEQUENCE { x INTEGER, y INTEGER, hash OCTET STRING
 * (C3, 32 bytes), ciphertext OCTET STRING (C2) }}.
 */
final class Sm2Pke {

	/** SM3 output, the C3 part. */
	static final int HASH_LENGTH = 32;

	private static final int COORDINATE_LENGTH = 32;

	private static final X9ECParameters CURVE = GMNamedCurves.getByName("sm2p256v1");

	private Sm2Pke() {
	}

	/** Encrypts {@code message} as it is; the caller owns (and overwrites) the array. */
	static byte[] encrypt(PublicKey key, byte[] message, SecureRandom random) {
		byte[] raw = null;
		try {
			ECPublicKeyParameters parameters = (ECPublicKeyParameters) ECUtil.generatePublicKeyParameter(key);
			SM2Engine engine = new SM2Engine(new SM3Digest(), SM2Engine.Mode.C1C3C2);
			engine.init(true, new ParametersWithRandom(parameters, random));
			raw = engine.processBlock(message, 0, message.length);
			return toDer(raw);
		}
		catch (GeneralSecurityException | InvalidCipherTextException | IOException | RuntimeException ex) {
			throw new WrappingInternalException(
					"SM2 encryption of a " + message.length + "-byte message failed: " + ex.getClass().getName(), ex);
		}
		finally {
			if (raw != null) {
				Arrays.fill(raw, (byte) 0);
			}
		}
	}

	/** Bouncy Castle's C1C3C2 (04 ‖ x ‖ y ‖ C3 ‖ C2) as the GM/T 0009 SEQUENCE. */
	private static byte[] toDer(byte[] raw) throws IOException {
		int offset = 1;
		BigInteger x = BigIntegers.fromUnsignedByteArray(raw, offset, COORDINATE_LENGTH);
		offset += COORDINATE_LENGTH;
		BigInteger y = BigIntegers.fromUnsignedByteArray(raw, offset, COORDINATE_LENGTH);
		offset += COORDINATE_LENGTH;
		ASN1EncodableVector fields = new ASN1EncodableVector(4);
		fields.add(new ASN1Integer(x));
		fields.add(new ASN1Integer(y));
		fields.add(new DEROctetString(Arrays.copyOfRange(raw, offset, offset + HASH_LENGTH)));
		offset += HASH_LENGTH;
		fields.add(new DEROctetString(Arrays.copyOfRange(raw, offset, raw.length)));
		return new DERSequence(fields).getEncoded(ASN1Encoding.DER);
	}

	/**
	 * Why {@code der} cannot be an SM2 ciphertext in the GM/T 0009 form, or {@code null}
	 * when it can be. Checks the structure and that C1 is a point on the curve; only the
	 * private key can tell more.
	 */
	static String problem(byte[] der) {
		ASN1Sequence sequence;
		try {
			ASN1Primitive primitive = ASN1Primitive.fromByteArray(der);
			if (!(primitive instanceof ASN1Sequence seq) || !Arrays.equals(seq.getEncoded(ASN1Encoding.DER), der)) {
				return "not a DER SEQUENCE";
			}
			sequence = seq;
		}
		catch (IOException | RuntimeException ex) {
			return "not DER (" + ex.getClass().getSimpleName() + ")";
		}
		if (sequence.size() != 4) {
			return "a SEQUENCE of " + sequence.size() + " elements instead of 4 (x, y, hash, ciphertext)";
		}
		ASN1Encodable[] fields = sequence.toArray();
		if (!(fields[0] instanceof ASN1Integer x) || !(fields[1] instanceof ASN1Integer y)
				|| !(fields[2] instanceof ASN1OctetString hash) || !(fields[3] instanceof ASN1OctetString ciphertext)) {
			return "not the types INTEGER, INTEGER, OCTET STRING, OCTET STRING";
		}
		if (hash.getOctets().length != HASH_LENGTH) {
			return "a hash (C3) of " + hash.getOctets().length + " bytes instead of " + HASH_LENGTH + " (SM3)";
		}
		if (ciphertext.getOctets().length == 0) {
			return "an empty ciphertext (C2)";
		}
		try {
			CURVE.getCurve().validatePoint(x.getValue(), y.getValue());
		}
		catch (IllegalArgumentException ex) {
			return "a C1 that is not a point on the SM2 curve";
		}
		return null;
	}

	/**
	 * Length of the ciphertext (C2), which is the message's length, of an SM2 ciphertext
	 * that {@link #problem} accepted.
	 */
	static int messageLength(byte[] der) {
		try {
			ASN1Sequence sequence = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(der));
			return ASN1OctetString.getInstance(sequence.getObjectAt(3)).getOctets().length;
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

	/**
	 * DER length of a ciphertext of {@code n} bytes, at most (coordinates with a leading
	 * zero byte).
	 */
	static int maxLength(int n) {
		int content = 2 * (2 + COORDINATE_LENGTH + 1) + (2 + HASH_LENGTH) + 1 + lengthOctets(n) + n;
		return 1 + lengthOctets(content) + content;
	}

	/**
	 * Length (header and content) of the DER SEQUENCE that starts {@code bytes}, read
	 * from its header alone, or -1 when the bytes do not start with a SEQUENCE header in
	 * DER's minimal form whose content fits in them. Splits an SM2 ciphertext from what
	 * follows it.
	 */
	static int leadingSequenceLength(byte[] bytes) {
		if (bytes.length < 2 || (bytes[0] & 0xff) != 0x30) {
			return -1;
		}
		int first = bytes[1] & 0xff;
		int header;
		int length;
		if (first < 0x80) {
			header = 2;
			length = first;
		}
		else if (first == 0x81 && bytes.length >= 3) {
			header = 3;
			length = bytes[2] & 0xff;
			if (length < 0x80) {
				return -1;
			}
		}
		else if (first == 0x82 && bytes.length >= 4) {
			header = 4;
			length = ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff);
			if (length < 0x100) {
				return -1;
			}
		}
		else {
			// longer than any ciphertext within the upload limit, indefinite (BER)
			// or truncated
			return -1;
		}
		return (header + length <= bytes.length) ? header + length : -1;
	}

	private static int lengthOctets(int length) {
		return (length < 128) ? 1 : (length < 256) ? 2 : (length < 65536) ? 3 : 4;
	}

}
