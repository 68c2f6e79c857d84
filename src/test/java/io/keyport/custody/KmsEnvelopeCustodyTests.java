package io.keyport.custody;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AlgorithmSpec;
import software.amazon.awssdk.services.kms.model.GetParametersForImportResponse;
import software.amazon.awssdk.services.kms.model.ImportKeyMaterialResponse;
import software.amazon.awssdk.services.kms.model.OriginType;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.keyport.testsupport.IntegrationTest;
import io.keyport.testsupport.PlaintextRegistry;
import io.keyport.testsupport.LazyKmsKey;
import io.keyport.testsupport.TestInfrastructure;
import io.keyport.wrapping.EncryptedKeyMaterial;
import io.keyport.wrapping.ImportRules;
import io.keyport.wrapping.ImportSpec;
import io.keyport.wrapping.KeyMaterial;
import io.keyport.wrapping.KeySpec;
import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.wrapping.WrappingKeySpec;
import io.keyport.wrapping.WrappingPublicKey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * KMS-envelope custody against the emulator over HTTP with the real SDK: material kept
 * under a data key of a custody key (Origin AWS_KMS) is wrapped for another key's import
 * parameters and the emulator's ImportKeyMaterial unwraps exactly the stored material;
 * the database row holds only ciphertext; a refused Decrypt is a custody error.
 */
class KmsEnvelopeCustodyTests extends IntegrationTest {

	private static final LazyKmsKey CUSTODY_KEY = new LazyKmsKey("keyport custody key");

	@Autowired
	Custodians custodians;

	@Autowired
	JdbcTemplate jdbc;

	@DynamicPropertySource
	static void custodian(DynamicPropertyRegistry registry) {
		registry.add("keyport.custody.vault.type", () -> "kms-envelope");
		registry.add("keyport.custody.vault.key-id", CUSTODY_KEY::arn);
	}

	@Test
	void storedMaterialIsWrappedForAnEmulatorKeyAndImportedUnchanged() throws Exception {
		byte[] material = random(32);
		PlaintextRegistry.register(material);
		CustodyReference reference = this.custodians.get("vault")
			.store(KeyMaterial.takeOwnership(material.clone()), KeySpec.SYMMETRIC_DEFAULT);
		assertThat(reference.custodian()).isEqualTo("vault");

		String keyArn = kms().createKey(r -> r.origin(OriginType.EXTERNAL)).keyMetadata().arn();
		GetParametersForImportResponse parameters = kms().getParametersForImport(
				r -> r.keyId(keyArn).wrappingAlgorithm(AlgorithmSpec.RSAES_OAEP_SHA_256).wrappingKeySpec("RSA_2048"));
		EncryptedKeyMaterial wrapped = this.custodians.get("vault")
			.wrapForImport(reference, WrappingPublicKey.fromDer(parameters.publicKey().asByteArray()),
					new ImportSpec(KeySpec.SYMMETRIC_DEFAULT, WrappingAlgorithm.RSAES_OAEP_SHA_256,
							WrappingKeySpec.RSA_2048, ImportRules.awsRegion(this.emulator.region())));
		ImportKeyMaterialResponse imported = kms().importKeyMaterial(r -> r.keyId(keyArn)
			.importToken(parameters.importToken())
			.encryptedKeyMaterial(SdkBytes.fromByteArray(wrapped.bytes()))
			.expirationModel("KEY_MATERIAL_DOES_NOT_EXPIRE"));

		// the emulator derives the material id from the digest of what it unwrapped
		assertThat(imported.keyMaterialId()).isEqualTo(emulatorMaterialId(keyArn, material));
		String row = this.jdbc.queryForObject("select row_to_json(c)::text from custody_material c where id = ?",
				String.class, UUID.fromString(reference.id()));
		assertThat(row).contains(CUSTODY_KEY.arn())
			.doesNotContainIgnoringCase(HexFormat.of().formatHex(material).substring(0, 32));
		byte[] ciphertext = this.jdbc.queryForObject("select ciphertext from custody_material where id = ?",
				byte[].class, UUID.fromString(reference.id()));
		assertThat(Arrays.copyOf(ciphertext, 32)).isNotEqualTo(material);
	}

	@Test
	void refusedDecryptOfTheDataKeyIsACustodyRefusal() {
		byte[] material = random(32);
		PlaintextRegistry.register(material);
		Custodian vault = this.custodians.get("vault");
		CustodyReference reference = vault.store(KeyMaterial.takeOwnership(material.clone()),
				KeySpec.SYMMETRIC_DEFAULT);
		String keyArn = kms().createKey(r -> r.origin(OriginType.EXTERNAL)).keyMetadata().arn();
		GetParametersForImportResponse parameters = kms().getParametersForImport(
				r -> r.keyId(keyArn).wrappingAlgorithm(AlgorithmSpec.RSAES_OAEP_SHA_256).wrappingKeySpec("RSA_2048"));
		kms().disableKey(r -> r.keyId(CUSTODY_KEY.arn()));
		try {
			assertThatExceptionOfType(CustodyException.class)
				.isThrownBy(() -> vault.wrapForImport(reference,
						WrappingPublicKey.fromDer(parameters.publicKey().asByteArray()),
						new ImportSpec(KeySpec.SYMMETRIC_DEFAULT, WrappingAlgorithm.RSAES_OAEP_SHA_256,
								WrappingKeySpec.RSA_2048, ImportRules.awsRegion(this.emulator.region()))))
				.satisfies(ex -> {
					assertThat(ex.code()).isEqualTo("custody-refused");
					assertThat(ex.custodian()).isEqualTo("vault");
					assertThat(ex.getMessage()).contains("Decrypt").contains("kms-invalid-key-state");
				});
		}
		finally {
			kms().enableKey(r -> r.keyId(CUSTODY_KEY.arn()));
		}
	}

	@Test
	void changedCiphertextInTheRowIsAnIntegrityFailureNotWrongMaterial() {
		byte[] material = random(32);
		PlaintextRegistry.register(material);
		Custodian vault = this.custodians.get("vault");
		CustodyReference reference = vault.store(KeyMaterial.takeOwnership(material.clone()),
				KeySpec.SYMMETRIC_DEFAULT);
		this.jdbc
			.update("update custody_material set ciphertext = set_byte(ciphertext, 0, get_byte(ciphertext, 0) # 1) "
					+ "where id = ?", UUID.fromString(reference.id()));
		String keyArn = kms().createKey(r -> r.origin(OriginType.EXTERNAL)).keyMetadata().arn();
		GetParametersForImportResponse parameters = kms().getParametersForImport(
				r -> r.keyId(keyArn).wrappingAlgorithm(AlgorithmSpec.RSAES_OAEP_SHA_256).wrappingKeySpec("RSA_2048"));

		assertThatExceptionOfType(CustodyException.class)
			.isThrownBy(() -> vault.wrapForImport(reference,
					WrappingPublicKey.fromDer(parameters.publicKey().asByteArray()),
					new ImportSpec(KeySpec.SYMMETRIC_DEFAULT, WrappingAlgorithm.RSAES_OAEP_SHA_256,
							WrappingKeySpec.RSA_2048, ImportRules.awsRegion(this.emulator.region()))))
			.satisfies(ex -> assertThat(ex.code()).isEqualTo("custody-integrity-failure"));
	}

	@Test
	void destroyedMaterialIsNotFound() {
		Custodian vault = this.custodians.get("vault");
		CustodyReference reference = vault.generate(KeySpec.SYMMETRIC_DEFAULT, 32);
		vault.destroy(reference);

		assertThat(this.jdbc.queryForObject("select count(*) from custody_material where id = ?", Integer.class,
				UUID.fromString(reference.id())))
			.isZero();
	}

	private static KmsClient kms() {
		return TestInfrastructure.kmsClient();
	}

	private static String emulatorMaterialId(String keyArn, byte[] material) {
		return io.keyport.emulator.KmsEmulator.keyMaterialIdOf(keyArn.substring(keyArn.lastIndexOf('/') + 1), material);
	}

	private static byte[] random(int length) {
		byte[] bytes = new byte[length];
		new SecureRandom().nextBytes(bytes);
		return bytes;
	}

}
