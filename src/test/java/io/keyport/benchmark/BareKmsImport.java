package io.keyport.benchmark;

import java.net.URI;
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

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AlgorithmSpec;
import software.amazon.awssdk.services.kms.model.ExpirationModelType;
import software.amazon.awssdk.services.kms.model.GetParametersForImportResponse;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.OriginType;
import software.amazon.awssdk.services.kms.model.WrappingKeySpec;

/**
 * The AWS documentation's manual import as a script would make it with the AWS SDK for
 * Java v2: CreateKey (origin EXTERNAL), GetParametersForImport (RSAES_OAEP_SHA_256,
 * RSA_2048), RSA-OAEP wrap of 32 fresh bytes with the JDK, ImportKeyMaterial. One SDK
 * client with the default retry policy and Apache HTTP client, as Keyport uses.
 */
final class BareKmsImport implements ImportFlow, AutoCloseable {

	private static final SecureRandom RANDOM = new SecureRandom();

	private final KmsClient kms;

	BareKmsImport(URI endpoint, String region, int clients) {
		// an access key of its own, so the emulator's log tells these calls from
		// Keyport's
		this.kms = KmsClient.builder()
			.endpointOverride(endpoint)
			.region(Region.of(region))
			.credentialsProvider(
					StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIABENCHMARKBARE", "benchmark")))
			.httpClientBuilder(ApacheHttpClient.builder().maxConnections(Math.max(50, clients)))
			.build();
	}

	@Override
	public String name() {
		return "bare";
	}

	@Override
	public void importOne() throws GeneralSecurityException {
		String keyId = this.kms
			.createKey((r) -> r.origin(OriginType.EXTERNAL)
				.keySpec(KeySpec.SYMMETRIC_DEFAULT)
				.keyUsage(KeyUsageType.ENCRYPT_DECRYPT)
				.description("benchmark"))
			.keyMetadata()
			.keyId();
		GetParametersForImportResponse parameters = this.kms.getParametersForImport((r) -> r.keyId(keyId)
			.wrappingAlgorithm(AlgorithmSpec.RSAES_OAEP_SHA_256)
			.wrappingKeySpec(WrappingKeySpec.RSA_2048));
		byte[] wrapped = wrap(parameters.publicKey().asByteArray());
		this.kms.importKeyMaterial((r) -> r.keyId(keyId)
			.importToken(parameters.importToken())
			.encryptedKeyMaterial(SdkBytes.fromByteArrayUnsafe(wrapped))
			.expirationModel(ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE));
	}

	private static byte[] wrap(byte[] spki) throws GeneralSecurityException {
		PublicKey wrappingKey = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(spki));
		Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
		cipher.init(Cipher.ENCRYPT_MODE, wrappingKey,
				new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
		byte[] material = new byte[32];
		try {
			RANDOM.nextBytes(material);
			return cipher.doFinal(material);
		}
		finally {
			Arrays.fill(material, (byte) 0);
		}
	}

	@Override
	public void close() {
		this.kms.close();
	}

}
