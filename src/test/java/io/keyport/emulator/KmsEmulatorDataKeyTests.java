package io.keyport.emulator;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.IncorrectKeyException;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.OriginType;
import software.amazon.awssdk.services.kms.model.UnsupportedOperationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * GenerateDataKey and Decrypt through the real SDK: keys with emulator-generated material
 * (Origin AWS_KMS) give real AES-GCM blobs that decrypt only with the same key and
 * encryption context.
 */
class KmsEmulatorDataKeyTests {

	private static KmsEmulator emulator;

	private static KmsClient kms;

	@BeforeAll
	static void start() {
		emulator = KmsEmulator.start(0);
		kms = EmulatorTestSupport.client(emulator);
	}

	@AfterAll
	static void stop() {
		kms.close();
		emulator.close();
	}

	@Test
	void dataKeyDecryptsToTheSamePlaintextWithTheSameContext() {
		String keyId = kms.createKey(r -> r.description("custody")).keyMetadata().arn();
		Map<String, String> context = Map.of("purpose", "custody", "id", "1");

		GenerateDataKeyResponse generated = kms
			.generateDataKey(r -> r.keyId(keyId).keySpec(DataKeySpec.AES_256).encryptionContext(context));
		DecryptResponse decrypted = kms
			.decrypt(r -> r.ciphertextBlob(generated.ciphertextBlob()).encryptionContext(context).keyId(keyId));

		assertThat(generated.plaintext().asByteArray()).hasSize(32);
		assertThat(decrypted.plaintext().asByteArray()).isEqualTo(generated.plaintext().asByteArray());
		assertThat(decrypted.keyId()).isEqualTo(keyId);
		// the blob carries no plaintext
		assertThat(new String(generated.ciphertextBlob().asByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1))
			.doesNotContain(
					new String(generated.plaintext().asByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1));
	}

	@Test
	void decryptWithAnotherEncryptionContextOrChangedBlobIsInvalidCiphertext() {
		String keyId = kms.createKey(r -> r.description("custody")).keyMetadata().arn();
		SdkBytes blob = kms
			.generateDataKey(r -> r.keyId(keyId).keySpec(DataKeySpec.AES_256).encryptionContext(Map.of("id", "1")))
			.ciphertextBlob();
		byte[] changed = blob.asByteArray();
		changed[changed.length - 1] ^= 1;

		assertThatExceptionOfType(InvalidCiphertextException.class)
			.isThrownBy(() -> kms.decrypt(r -> r.ciphertextBlob(blob).encryptionContext(Map.of("id", "2"))));
		assertThatExceptionOfType(InvalidCiphertextException.class).isThrownBy(() -> kms
			.decrypt(r -> r.ciphertextBlob(SdkBytes.fromByteArray(changed)).encryptionContext(Map.of("id", "1"))));
	}

	@Test
	void decryptNamingAnotherKeyIsIncorrectKeyAndADisabledKeyRefuses() {
		String keyId = kms.createKey(r -> r.description("custody")).keyMetadata().arn();
		String other = kms.createKey(r -> r.description("other")).keyMetadata().arn();
		SdkBytes blob = kms.generateDataKey(r -> r.keyId(keyId).keySpec(DataKeySpec.AES_256)).ciphertextBlob();

		assertThatExceptionOfType(IncorrectKeyException.class)
			.isThrownBy(() -> kms.decrypt(r -> r.ciphertextBlob(blob).keyId(other)));
		kms.disableKey(r -> r.keyId(keyId));
		assertThatExceptionOfType(DisabledException.class).isThrownBy(() -> kms.decrypt(r -> r.ciphertextBlob(blob)));
	}

	@Test
	void externalKeysHaveNoDataKeysInTheEmulator() {
		String keyId = kms.createKey(r -> r.origin(OriginType.EXTERNAL)).keyMetadata().arn();

		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> kms.generateDataKey(r -> r.keyId(keyId).keySpec(DataKeySpec.AES_256)));
	}

}
