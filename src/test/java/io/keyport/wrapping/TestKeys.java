package io.keyport.wrapping;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.EnumMap;
import java.util.Map;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

/** Key pairs for tests, generated once per JVM: RSA-4096 generation takes seconds. */
final class TestKeys {

	static final SecureRandom RANDOM = new SecureRandom();

	static final BouncyCastleProvider BC = new BouncyCastleProvider();

	private static final Map<WrappingKeySpec, KeyPair> RSA = new EnumMap<>(WrappingKeySpec.class);

	private static final Map<String, KeyPair> EC = new java.util.HashMap<>();

	private TestKeys() {
	}

	static synchronized KeyPair rsa(WrappingKeySpec spec) {
		return RSA.computeIfAbsent(spec, s -> generateRsa(s.bits()));
	}

	static WrappingPublicKey wrappingKey(WrappingKeySpec spec) {
		return WrappingPublicKey.fromDer(rsa(spec).getPublic().getEncoded());
	}

	static KeyPair generateRsa(int bits) {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(bits);
			return generator.generateKeyPair();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * An EC key pair from the JDK (P-256/384/521) or, with {@code bc}, from Bouncy Castle
	 * (any named curve).
	 */
	static synchronized KeyPair ec(String curve, boolean bc) {
		return EC.computeIfAbsent(curve + "/" + bc, k -> {
			try {
				KeyPairGenerator generator = bc ? KeyPairGenerator.getInstance("EC", BC)
						: KeyPairGenerator.getInstance("EC");
				generator.initialize(new ECGenParameterSpec(curve));
				return generator.generateKeyPair();
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	/** A fresh Bouncy Castle EC key pair, never cached. */
	static KeyPair generateEc(String curve) {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", BC);
			generator.initialize(new ECGenParameterSpec(curve));
			return generator.generateKeyPair();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static PrivateKey rsaPrivateKey(byte[] pkcs8) throws GeneralSecurityException {
		return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
	}

	static byte[] random(int length) {
		byte[] bytes = new byte[length];
		RANDOM.nextBytes(bytes);
		return bytes;
	}

	/** Material over a copy, so the test keeps the original for comparison. */
	static KeyMaterial material(byte[] bytes) {
		return KeyMaterial.takeOwnership(bytes.clone());
	}

}
