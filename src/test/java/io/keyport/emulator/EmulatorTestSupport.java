package io.keyport.emulator;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AlgorithmSpec;

/**
 * Client-side helpers for the emulator tests: SDK clients and key-material wrapping
 * written with plain JDK crypto, independently of the emulator's unwrapping code.
 */
final class EmulatorTestSupport {

	static final SecureRandom RANDOM = new SecureRandom();

	private EmulatorTestSupport() {
	}

	/**
	 * A real SDK client against the emulator, without retries so every fault reaches the
	 * test.
	 */
	static KmsClient client(KmsEmulator emulator) {
		return KmsClient.builder()
			.endpointOverride(emulator.endpoint())
			.region(Region.of(emulator.region()))
			.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
			.httpClientBuilder(ApacheHttpClient.builder())
			.overrideConfiguration((config) -> config.retryStrategy(AwsRetryStrategy.doNotRetry()))
			.build();
	}

	static byte[] random(int length) {
		byte[] bytes = new byte[length];
		RANDOM.nextBytes(bytes);
		return bytes;
	}

	static PublicKey rsaPublicKey(SdkBytes spki) throws GeneralSecurityException {
		return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(spki.asByteArray()));
	}

	/** Wraps material as AWS specifies for the algorithm. */
	static byte[] wrap(AlgorithmSpec algorithm, SdkBytes wrappingKey, byte[] material) throws GeneralSecurityException {
		PublicKey key = rsaPublicKey(wrappingKey);
		return switch (algorithm) {
			case RSAES_OAEP_SHA_1 -> oaep(key, "SHA-1", MGF1ParameterSpec.SHA1, material);
			case RSAES_OAEP_SHA_256 -> oaep(key, "SHA-256", MGF1ParameterSpec.SHA256, material);
			case RSA_AES_KEY_WRAP_SHA_1 -> rsaAesKeyWrap(key, "SHA-1", MGF1ParameterSpec.SHA1, material);
			case RSA_AES_KEY_WRAP_SHA_256 -> rsaAesKeyWrap(key, "SHA-256", MGF1ParameterSpec.SHA256, material);
			default -> throw new IllegalArgumentException("Not a wrapping algorithm of AWS: " + algorithm);
		};
	}

	static byte[] oaep(PublicKey key, String hash, MGF1ParameterSpec mgf1, byte[] plaintext)
			throws GeneralSecurityException {
		Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
		cipher.init(Cipher.ENCRYPT_MODE, key, new OAEPParameterSpec(hash, "MGF1", mgf1, PSource.PSpecified.DEFAULT));
		return cipher.doFinal(plaintext);
	}

	static byte[] rsaAesKeyWrap(PublicKey key, String hash, MGF1ParameterSpec mgf1, byte[] material)
			throws GeneralSecurityException {
		byte[] aesKey = random(32);
		byte[] rsaBlock = oaep(key, hash, mgf1, aesKey);
		Cipher kwp = Cipher.getInstance("AES/KWP/NoPadding");
		kwp.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(aesKey, "AES"));
		return concat(rsaBlock, kwp.doFinal(material));
	}

	static byte[] concat(byte[] first, byte[] second) {
		byte[] result = Arrays.copyOf(first, first.length + second.length);
		System.arraycopy(second, 0, result, first.length, second.length);
		return result;
	}

}
