package io.keyport.emulator;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AlgorithmSpec;
import software.amazon.awssdk.services.kms.model.AlreadyExistsException;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.ExpirationModelType;
import software.amazon.awssdk.services.kms.model.GetParametersForImportResponse;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.kms.model.OriginType;
import software.amazon.awssdk.services.kms.model.UnsupportedOperationException;
import software.amazon.awssdk.services.kms.model.WrappingKeySpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Aliases as the KMS API reference describes them: CreateAlias, ListAliases and
 * DeleteAlias; DescribeKey and GetPublicKey accept alias names and alias ARNs, while the
 * import operations take key ids and key ARNs only. And SM2 keys, which exist in China
 * regions only.
 */
class KmsEmulatorAliasTests {

	private static KmsEmulator emulator;

	private static KmsClient kms;

	@BeforeAll
	static void startEmulator() {
		emulator = KmsEmulator.start(0);
		kms = EmulatorTestSupport.client(emulator);
	}

	@AfterAll
	static void stopEmulator() {
		kms.close();
		emulator.close();
	}

	@AfterEach
	void resetEmulator() {
		emulator.reset();
	}

	@Test
	void describeKeyAndGetPublicKeyResolveAliasNamesAndAliasArns() throws Exception {
		String keyId = createExternalKey(KeySpec.ECC_NIST_P256, KeyUsageType.SIGN_VERIFY);
		kms.createAlias((request) -> request.aliasName("alias/signing/p256").targetKeyId(keyId));
		String aliasArn = "arn:aws:kms:" + emulator.region() + ":" + emulator.accountId() + ":alias/signing/p256";
		KeyPair pair = ec("secp256r1");
		importEcKey(keyId, pair);

		for (String reference : new String[] { "alias/signing/p256", aliasArn }) {
			assertThat(kms.describeKey((request) -> request.keyId(reference)).keyMetadata().keyId()).isEqualTo(keyId);
			GetPublicKeyResponse publicKey = kms.getPublicKey((request) -> request.keyId(reference));
			assertThat(publicKey.publicKey().asByteArray()).isEqualTo(pair.getPublic().getEncoded());
			assertThat(publicKey.keyId()).endsWith(":key/" + keyId);
		}
		AliasListEntry entry = kms.listAliases((request) -> request.keyId(keyId)).aliases().get(0);
		assertThat(entry.aliasName()).isEqualTo("alias/signing/p256");
		assertThat(entry.aliasArn()).isEqualTo(aliasArn);
		assertThat(entry.targetKeyId()).isEqualTo(keyId);
	}

	@Test
	void importOperationsTakeKeyIdsAndArnsNotAliases() {
		String keyId = createExternalKey(KeySpec.SYMMETRIC_DEFAULT, null);
		kms.createAlias((request) -> request.aliasName("alias/import-target").targetKeyId(keyId));

		assertThatExceptionOfType(NotFoundException.class)
			.isThrownBy(() -> kms.getParametersForImport((request) -> request.keyId("alias/import-target")
				.wrappingAlgorithm(AlgorithmSpec.RSAES_OAEP_SHA_256)
				.wrappingKeySpec(WrappingKeySpec.RSA_2048)));
	}

	@Test
	void aliasesAreUniqueReservedUnderAwsAndGoneWhenDeleted() {
		String keyId = createExternalKey(KeySpec.SYMMETRIC_DEFAULT, null);
		kms.createAlias((request) -> request.aliasName("alias/once").targetKeyId(keyId));

		assertThatExceptionOfType(AlreadyExistsException.class)
			.isThrownBy(() -> kms.createAlias((request) -> request.aliasName("alias/once").targetKeyId(keyId)));
		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> kms.createAlias((request) -> request.aliasName("alias/aws/mine").targetKeyId(keyId)))
			.satisfies((ex) -> assertThat(ex.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
		assertThatExceptionOfType(NotFoundException.class).isThrownBy(() -> kms.createAlias(
				(request) -> request.aliasName("alias/nowhere").targetKeyId("11111111-2222-3333-4444-555555555555")));

		kms.deleteAlias((request) -> request.aliasName("alias/once"));

		assertThatExceptionOfType(NotFoundException.class)
			.isThrownBy(() -> kms.describeKey((request) -> request.keyId("alias/once")));
		assertThat(kms.listAliases().aliases()).isEmpty();
	}

	@Test
	void sm2KeysExistOnlyInChinaRegionsAndImportWithOaepOrSm2PkeThere() throws Exception {
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> createExternalKey(KeySpec.SM2, KeyUsageType.SIGN_VERIFY));

		try (KmsEmulator china = KmsEmulator.builder().region("cn-north-1").start();
				KmsClient chinaKms = EmulatorTestSupport.client(china)) {
			String keyId = chinaKms
				.createKey((request) -> request.origin(OriginType.EXTERNAL)
					.keySpec(KeySpec.SM2)
					.keyUsage(KeyUsageType.ENCRYPT_DECRYPT))
				.keyMetadata()
				.keyId();
			KeyPair pair = ec("sm2p256v1");
			GetParametersForImportResponse parameters = chinaKms
				.getParametersForImport((request) -> request.keyId(keyId)
					.wrappingAlgorithm(AlgorithmSpec.RSAES_OAEP_SHA_256)
					.wrappingKeySpec(WrappingKeySpec.RSA_2048));
			byte[] encrypted = EmulatorTestSupport.wrap(AlgorithmSpec.RSAES_OAEP_SHA_256, parameters.publicKey(),
					pair.getPrivate().getEncoded());
			chinaKms.importKeyMaterial((request) -> request.keyId(keyId)
				.importToken(parameters.importToken())
				.encryptedKeyMaterial(SdkBytes.fromByteArray(encrypted))
				.expirationModel(ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE));

			GetPublicKeyResponse publicKey = chinaKms.getPublicKey((request) -> request.keyId(keyId));
			assertThat(publicKey.publicKey().asByteArray()).isEqualTo(pair.getPublic().getEncoded());
			assertThat(publicKey.encryptionAlgorithmsAsStrings()).containsExactly("SM2PKE");

			// reimport of the same material under an SM2 wrapping key with SM2PKE
			GetParametersForImportResponse sm2 = chinaKms.getParametersForImport((request) -> request.keyId(keyId)
				.wrappingAlgorithm(AlgorithmSpec.SM2_PKE)
				.wrappingKeySpec(WrappingKeySpec.SM2));
			byte[] sm2Encrypted = sm2Encrypt(sm2.publicKey().asByteArray(), pair.getPrivate().getEncoded());
			chinaKms.importKeyMaterial((request) -> request.keyId(keyId)
				.importToken(sm2.importToken())
				.encryptedKeyMaterial(SdkBytes.fromByteArray(sm2Encrypted))
				.expirationModel(ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE));
			// a flipped ciphertext byte fails SM3's check: InvalidCiphertextException, as
			// for RSA
			GetParametersForImportResponse again = chinaKms.getParametersForImport((request) -> request.keyId(keyId)
				.wrappingAlgorithm(AlgorithmSpec.SM2_PKE)
				.wrappingKeySpec(WrappingKeySpec.SM2));
			byte[] broken = sm2Encrypt(again.publicKey().asByteArray(), pair.getPrivate().getEncoded());
			broken[broken.length - 1] ^= 1;
			assertThatExceptionOfType(software.amazon.awssdk.services.kms.model.InvalidCiphertextException.class)
				.isThrownBy(() -> chinaKms.importKeyMaterial((request) -> request.keyId(keyId)
					.importToken(again.importToken())
					.encryptedKeyMaterial(SdkBytes.fromByteArray(broken))
					.expirationModel(ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE)));
		}
	}

	/**
	 * SM2 encryption with SM3 as GM/T 0009 DER (x, y, C3, C2), the form OpenSSL writes.
	 */
	private static byte[] sm2Encrypt(byte[] spki, byte[] message) throws Exception {
		org.bouncycastle.crypto.params.AsymmetricKeyParameter key = org.bouncycastle.crypto.util.PublicKeyFactory
			.createKey(spki);
		org.bouncycastle.crypto.engines.SM2Engine engine = new org.bouncycastle.crypto.engines.SM2Engine(
				new org.bouncycastle.crypto.digests.SM3Digest(), org.bouncycastle.crypto.engines.SM2Engine.Mode.C1C3C2);
		engine.init(true,
				new org.bouncycastle.crypto.params.ParametersWithRandom(key, new java.security.SecureRandom()));
		byte[] raw = engine.processBlock(message, 0, message.length);
		org.bouncycastle.asn1.ASN1EncodableVector fields = new org.bouncycastle.asn1.ASN1EncodableVector();
		fields.add(new org.bouncycastle.asn1.ASN1Integer(
				new java.math.BigInteger(1, java.util.Arrays.copyOfRange(raw, 1, 33))));
		fields.add(new org.bouncycastle.asn1.ASN1Integer(
				new java.math.BigInteger(1, java.util.Arrays.copyOfRange(raw, 33, 65))));
		fields.add(new org.bouncycastle.asn1.DEROctetString(java.util.Arrays.copyOfRange(raw, 65, 97)));
		fields.add(new org.bouncycastle.asn1.DEROctetString(java.util.Arrays.copyOfRange(raw, 97, raw.length)));
		return new org.bouncycastle.asn1.DERSequence(fields).getEncoded("DER");
	}

	private static void importEcKey(String keyId, KeyPair pair) throws Exception {
		GetParametersForImportResponse parameters = kms.getParametersForImport((request) -> request.keyId(keyId)
			.wrappingAlgorithm(AlgorithmSpec.RSAES_OAEP_SHA_256)
			.wrappingKeySpec(WrappingKeySpec.RSA_2048));
		byte[] encrypted = EmulatorTestSupport.wrap(AlgorithmSpec.RSAES_OAEP_SHA_256, parameters.publicKey(),
				pair.getPrivate().getEncoded());
		kms.importKeyMaterial((request) -> request.keyId(keyId)
			.importToken(parameters.importToken())
			.encryptedKeyMaterial(SdkBytes.fromByteArray(encrypted))
			.expirationModel(ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE));
	}

	private static String createExternalKey(KeySpec spec, KeyUsageType usage) {
		return kms.createKey((request) -> request.origin(OriginType.EXTERNAL).keySpec(spec).keyUsage(usage))
			.keyMetadata()
			.keyId();
	}

	private static KeyPair ec(String curve) throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", new BouncyCastleProvider());
		generator.initialize(new ECGenParameterSpec(curve));
		return generator.generateKeyPair();
	}

}
