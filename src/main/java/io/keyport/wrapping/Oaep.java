package io.keyport.wrapping;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.spec.MGF1ParameterSpec;

import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

import io.keyport.wrapping.WrappingAlgorithm.Hash;

/**
 * RSA-OAEP as AWS KMS does it: the same hash for the label and for MGF1, empty label. The
 * parameters are always passed explicitly, because SunJCE's
 * {@code OAEPWithSHA-256AndMGF1Padding} alone means MGF1 with SHA-1.
 */
final class Oaep {

	/**
	 * The transformation to combine with {@link #parameters(Hash)}; it fixes nothing by
	 * itself.
	 */
	static final String TRANSFORMATION = "RSA/ECB/OAEPPadding";

	private Oaep() {
	}

	static OAEPParameterSpec parameters(Hash hash) {
		return new OAEPParameterSpec(hash.jcaName(), "MGF1", new MGF1ParameterSpec(hash.jcaName()),
				PSource.PSpecified.DEFAULT);
	}

	/** With a label; KMS never uses one, conformance tests do. */
	static OAEPParameterSpec parameters(Hash hash, byte[] label) {
		if (label.length == 0) {
			return parameters(hash);
		}
		return new OAEPParameterSpec(hash.jcaName(), "MGF1", new MGF1ParameterSpec(hash.jcaName()),
				new PSource.PSpecified(label));
	}

	/** The largest message RSA-OAEP can carry: k − 2·hLen − 2 (RFC 8017, 7.1.1). */
	static int capacity(int modulusBytes, Hash hash) {
		return modulusBytes - 2 * hash.length() - 2;
	}

	static int capacity(WrappingKeySpec spec, Hash hash) {
		return capacity(spec.modulusBytes(), hash);
	}

	/** Encrypts {@code message} as it is; the caller owns (and overwrites) the array. */
	static byte[] encrypt(PublicKey key, Hash hash, byte[] message) {
		try {
			Cipher cipher = Cipher.getInstance(TRANSFORMATION);
			cipher.init(Cipher.ENCRYPT_MODE, key, parameters(hash));
			return cipher.doFinal(message);
		}
		catch (GeneralSecurityException | RuntimeException ex) {
			throw new WrappingInternalException("RSA-OAEP encryption with " + hash.jcaName() + " of a " + message.length
					+ "-byte message failed in the JCA provider: " + ex.getClass().getName(), ex);
		}
	}

}
