package io.keyport.emulator;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AlgorithmSpec;
import software.amazon.awssdk.services.kms.model.ExpirationModelType;
import software.amazon.awssdk.services.kms.model.ExpiredImportTokenException;
import software.amazon.awssdk.services.kms.model.GetParametersForImportResponse;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.ImportKeyMaterialRequest;
import software.amazon.awssdk.services.kms.model.ImportKeyMaterialResponse;
import software.amazon.awssdk.services.kms.model.IncorrectKeyMaterialException;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.InvalidImportTokenException;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.MacAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.OriginType;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.UnsupportedOperationException;
import software.amazon.awssdk.services.kms.model.WrappingKeySpec;

import static io.keyport.emulator.EmulatorTestSupport.random;
import static io.keyport.emulator.EmulatorTestSupport.wrap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Key import through the real AWS SDK: wrapping algorithms, tokens, material checks,
 * expiry.
 */
class KmsEmulatorTests {

	private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

	private static KmsEmulator emulator;

	private static KmsClient kms;

	private final MutableClock clock = new MutableClock(START);

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

	@BeforeEach
	void useTestClock() {
		emulator.setClock(this.clock);
	}

	@AfterEach
	void resetEmulator() {
		emulator.reset();
		emulator.setParametersValidity(Duration.ofHours(24));
	}

	// Happy paths

	@ParameterizedTest
	@CsvSource({ "RSAES_OAEP_SHA_1, RSA_2048", "RSAES_OAEP_SHA_256, RSA_2048", "RSAES_OAEP_SHA_1, RSA_4096",
			"RSAES_OAEP_SHA_256, RSA_4096" })
	void importsSymmetricMaterialWrappedWithOaep(AlgorithmSpec algorithm, WrappingKeySpec wrappingKeySpec)
			throws Exception {
		String keyId = createExternalKey(KeySpec.SYMMETRIC_DEFAULT, null);
		KeyMetadata before = describe(keyId);
		assertThat(before.keyState()).isEqualTo(KeyState.PENDING_IMPORT);
		assertThat(before.enabled()).isFalse();
		assertThat(before.origin()).isEqualTo(OriginType.EXTERNAL);
		assertThat(before.expirationModel()).isNull();

		GetParametersForImportResponse parameters = parameters(keyId, algorithm, wrappingKeySpec);
		assertThat(parameters.keyId()).isEqualTo(before.arn());
		assertThat(parameters.parametersValidTo()).isEqualTo(START.plus(Duration.ofHours(24)));
		assertThat(((RSAPublicKey) EmulatorTestSupport.rsaPublicKey(parameters.publicKey())).getModulus().bitLength())
			.isEqualTo(Integer.parseInt(wrappingKeySpec.toString().substring(4)));

		ImportKeyMaterialResponse imported = importMaterial(keyId, parameters, algorithm, random(32),
				(request) -> request.expirationModel(ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE));

		assertThat(imported.keyId()).isEqualTo(before.arn());
		assertThat(imported.keyMaterialId()).matches("[0-9a-f]{64}");
		KeyMetadata after = describe(keyId);
		assertThat(after.keyState()).isEqualTo(KeyState.ENABLED);
		assertThat(after.enabled()).isTrue();
		assertThat(after.expirationModel()).isEqualTo(ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE);
		assertThat(after.validTo()).isNull();
		assertThat(after.currentKeyMaterialId()).isEqualTo(imported.keyMaterialId());
	}

	@ParameterizedTest
	@CsvSource({ "HMAC_224, 28, HMAC_SHA_224", "HMAC_256, 32, HMAC_SHA_256", "HMAC_384, 48, HMAC_SHA_384",
			"HMAC_512, 64, HMAC_SHA_512" })
	void importsHmacMaterialOfTheSpecLength(KeySpec spec, int length, MacAlgorithmSpec macAlgorithm) throws Exception {
		String keyId = createExternalKey(spec, null);

		ImportKeyMaterialResponse imported = importMaterial(keyId, AlgorithmSpec.RSAES_OAEP_SHA_256, random(length),
				expiresIn(Duration.ofDays(30)));

		assertThat(imported.keyMaterialId()).isNull();
		KeyMetadata metadata = describe(keyId);
		assertThat(metadata.keyState()).isEqualTo(KeyState.ENABLED);
		assertThat(metadata.keyUsage()).isEqualTo(KeyUsageType.GENERATE_VERIFY_MAC);
		assertThat(metadata.macAlgorithms()).containsExactly(macAlgorithm);
		assertThat(metadata.expirationModel()).isEqualTo(ExpirationModelType.KEY_MATERIAL_EXPIRES);
		assertThat(metadata.validTo()).isEqualTo(START.plus(Duration.ofDays(30)));
	}

	@Test
	void importsEcP256PrivateKeyWithRsaAesKeyWrapAndGetPublicKeyReturnsItsSpki() throws Exception {
		KeyPair ecKey = generate("EC", new ECGenParameterSpec("secp256r1"));
		String keyId = createExternalKey(KeySpec.ECC_NIST_P256, KeyUsageType.SIGN_VERIFY);

		importMaterial(keyId, AlgorithmSpec.RSA_AES_KEY_WRAP_SHA_256, ecKey.getPrivate().getEncoded(), doesNotExpire());

		GetPublicKeyResponse publicKey = kms.getPublicKey((request) -> request.keyId(keyId));
		assertThat(publicKey.publicKey().asByteArray()).isEqualTo(ecKey.getPublic().getEncoded());
		assertThat(publicKey.keySpec()).isEqualTo(KeySpec.ECC_NIST_P256);
		assertThat(publicKey.keyUsage()).isEqualTo(KeyUsageType.SIGN_VERIFY);
		assertThat(publicKey.signingAlgorithms()).containsExactly(SigningAlgorithmSpec.ECDSA_SHA_256);
		assertThat(publicKey.encryptionAlgorithms()).isEmpty();
	}

	@Test
	void importsSecp256k1PrivateKeyWithEmbeddedPublicKey() throws Exception {
		// Bouncy Castle's PKCS#8 carries the optional public key, which the emulator
		// cross-checks.
		KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", new BouncyCastleProvider());
		generator.initialize(new ECGenParameterSpec("secp256k1"));
		KeyPair ecKey = generator.generateKeyPair();
		String keyId = createExternalKey(KeySpec.ECC_SECG_P256_K1, KeyUsageType.SIGN_VERIFY);

		importMaterial(keyId, AlgorithmSpec.RSA_AES_KEY_WRAP_SHA_1, ecKey.getPrivate().getEncoded(), doesNotExpire());

		assertThat(kms.getPublicKey((request) -> request.keyId(keyId)).publicKey().asByteArray())
			.isEqualTo(ecKey.getPublic().getEncoded());
	}

	@Test
	void importsRsa2048PrivateKeyWithRsaAesKeyWrapSha256() throws Exception {
		KeyPair rsaKey = generate("RSA",
				new java.security.spec.RSAKeyGenParameterSpec(2048, java.security.spec.RSAKeyGenParameterSpec.F4));
		String keyId = createExternalKey(KeySpec.RSA_2048, KeyUsageType.ENCRYPT_DECRYPT);

		importMaterial(keyId, AlgorithmSpec.RSA_AES_KEY_WRAP_SHA_256, rsaKey.getPrivate().getEncoded(),
				doesNotExpire());

		GetPublicKeyResponse publicKey = kms.getPublicKey((request) -> request.keyId(keyId));
		assertThat(publicKey.publicKey().asByteArray()).isEqualTo(rsaKey.getPublic().getEncoded());
		assertThat(publicKey.encryptionAlgorithmsAsStrings()).containsExactly("RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256");
	}

	// Tokens

	@Test
	void rejectsExpiredImportToken() throws Exception {
		emulator.setParametersValidity(Duration.ofSeconds(1));
		String keyId = createExternalKey(KeySpec.SYMMETRIC_DEFAULT, null);
		GetParametersForImportResponse parameters = parameters(keyId, AlgorithmSpec.RSAES_OAEP_SHA_256,
				WrappingKeySpec.RSA_2048);
		assertThat(parameters.parametersValidTo()).isEqualTo(START.plusSeconds(1));
		byte[] material = random(32);

		this.clock.advance(Duration.ofSeconds(1));

		assertThatExceptionOfType(ExpiredImportTokenException.class).isThrownBy(
				() -> importMaterial(keyId, parameters, AlgorithmSpec.RSAES_OAEP_SHA_256, material, doesNotExpire()));
		assertThat(describe(keyId).keyState()).isEqualTo(KeyState.PENDING_IMPORT);
	}

	@Test
	void acceptsImportTokenJustBeforeItExpiresAndAgainWithinValidity() throws Exception {
		emulator.setParametersValidity(Duration.ofSeconds(1));
		String keyId = createExternalKey(KeySpec.SYMMETRIC_DEFAULT, null);
		GetParametersForImportResponse parameters = parameters(keyId, AlgorithmSpec.RSAES_OAEP_SHA_256,
				WrappingKeySpec.RSA_2048);
		byte[] material = random(32);
		this.clock.advance(Duration.ofMillis(999));

		importMaterial(keyId, parameters, AlgorithmSpec.RSAES_OAEP_SHA_256, material, doesNotExpire());
		// The material is rewrapped, but the parameter set is reused: allowed while it is
		// valid.
		importMaterial(keyId, parameters, AlgorithmSpec.RSAES_OAEP_SHA_256, material, doesNotExpire());

		assertThat(describe(keyId).keyState()).isEqualTo(KeyState.ENABLED);
	}

	@Test
	void rejectsImportTokenOfAnotherKey() throws Exception {
		String keyId = createExternalKey(KeySpec.SYMMETRIC_DEFAULT, null);
		String otherKeyId = createExternalKey(KeySpec.SYMMETRIC_DEFAULT, null);
		GetParametersForImportResponse otherParameters = parameters(otherKeyId, AlgorithmSpec.RSAES_OAEP_SHA_256,
				WrappingKeySpec.RSA_2048);

		assertThatExceptionOfType(InvalidImportTokenException.class).isThrownBy(() -> importMaterial(keyId,
				otherParameters, AlgorithmSpec.RSAES_OAEP_SHA_256, random(32), doesNotExpire()));
	}

	@Test
	void rejectsUnknownImportToken() throws Exception {
		String keyId = createExternalKey(KeySpec.SYMMETRIC_DEFAULT, null);
		GetParametersForImportResponse parameters = parameters(keyId, AlgorithmSpec.RSAES_OAEP_SHA_256,
				WrappingKeySpec.RSA_2048);
		byte[] encrypted = wrap(AlgorithmSpec.RSAES_OAEP_SHA_256, parameters.publicKey(), random(32));

		assertThatExceptionOfType(InvalidImportTokenException.class)
			.isThrownBy(() -> kms.importKeyMaterial((request) -> request.keyId(keyId)
				.importToken(SdkBytes.fromByteArray(random(48)))
				.encryptedKeyMaterial(SdkBytes.fromByteArray(encrypted))
				.expirationModel(ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE)));
	}

	@ParameterizedTest
	@EnumSource(value = WrappingKeySpec.class, names = { "RSA_2048", "RSA_3072", "RSA_4096" })
	void materialWrappedUnderAnEarlierParameterSetsKeyIsRefusedWithALaterSetsToken(WrappingKeySpec size)
			throws Exception {
		String keyId = createExternalKey(KeySpec.SYMMETRIC_DEFAULT, null);
		GetParametersForImportResponse first = parameters(keyId, AlgorithmSpec.RSAES_OAEP_SHA_256, size);
		GetParametersForImportResponse second = parameters(keyId, AlgorithmSpec.RSAES_OAEP_SHA_256, size);
		assertThat(second.publicKey()).isNotEqualTo(first.publicKey());
		byte[] underFirst = wrap(AlgorithmSpec.RSAES_OAEP_SHA_256, first.publicKey(), random(32));

		assertThatExceptionOfType(InvalidCiphertextException.class)
			.isThrownBy(() -> upload(keyId, second, underFirst, doesNotExpire()));
	}

	// Unwrapping

	@Test
	void rejectsTamperedCiphertext() throws Exception {
		String keyId = createExternalKey(KeySpec.SYMMETRIC_DEFAULT, null);
		GetParametersForImportResponse parameters = parameters(keyId, AlgorithmSpec.RSAES_OAEP_SHA_256,
				WrappingKeySpec.RSA_2048);
		byte[] encrypted = wrap(AlgorithmSpec.RSAES_OAEP_SHA_256, parameters.publicKey(), random(32));
		encrypted[encrypted.length / 2] ^= 0x01;

		assertThatExceptionOfType(InvalidCiphertextException.class)
			.isThrownBy(() -> upload(keyId, parameters, encrypted, doesNotExpire()));
		assertThat(describe(keyId).keyState()).isEqualTo(KeyState.PENDING_IMPORT);
	}

	@Test
	void rejectsMaterialWrappedWithSha1Mgf1ForOaepSha256() throws Exception {
		String keyId = createExternalKey(KeySpec.SYMMETRIC_DEFAULT, null);
		GetParametersForImportResponse parameters = parameters(keyId, AlgorithmSpec.RSAES_OAEP_SHA_256,
				WrappingKeySpec.RSA_2048);
		// The classic bug: the transformation string alone gives an SHA-256 label hash
		// with SHA-1 MGF1.
		Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding");
		cipher.init(Cipher.ENCRYPT_MODE, EmulatorTestSupport.rsaPublicKey(parameters.publicKey()));
		byte[] encrypted = cipher.doFinal(random(32));

		assertThatExceptionOfType(InvalidCiphertextException.class)
			.isThrownBy(() -> upload(keyId, parameters, encrypted, doesNotExpire()));
	}

	@Test
	void rejectsMaterialWrappedWithAnotherAlgorithmThanTheToken() throws Exception {
		String keyId = createExternalKey(KeySpec.SYMMETRIC_DEFAULT, null);
		GetParametersForImportResponse parameters = parameters(keyId, AlgorithmSpec.RSAES_OAEP_SHA_256,
				WrappingKeySpec.RSA_2048);
		byte[] encrypted = wrap(AlgorithmSpec.RSAES_OAEP_SHA_1, parameters.publicKey(), random(32));

		assertThatExceptionOfType(InvalidCiphertextException.class)
			.isThrownBy(() -> upload(keyId, parameters, encrypted, doesNotExpire()));
	}

	@Test
	void rejectsRsaAesKeyWrapUsingRfc3394InsteadOfKeyWrapWithPadding() throws Exception {
		String keyId = createExternalKey(KeySpec.SYMMETRIC_DEFAULT, null);
		GetParametersForImportResponse parameters = parameters(keyId, AlgorithmSpec.RSA_AES_KEY_WRAP_SHA_256,
				WrappingKeySpec.RSA_2048);
		byte[] aesKey = random(32);
		byte[] rsaBlock = EmulatorTestSupport.oaep(EmulatorTestSupport.rsaPublicKey(parameters.publicKey()), "SHA-256",
				MGF1ParameterSpec.SHA256, aesKey);
		// JDK "AESWrap" is RFC 3394 (other IV, no length indicator), not RFC 5649.
		Cipher aesWrap = Cipher.getInstance("AESWrap");
		aesWrap.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(aesKey, "AES"));
		byte[] encrypted = EmulatorTestSupport.concat(rsaBlock, aesWrap.doFinal(random(32)));

		assertThatExceptionOfType(InvalidCiphertextException.class)
			.isThrownBy(() -> upload(keyId, parameters, encrypted, doesNotExpire()));
	}

	@Test
	void rejectsOaepBlockWithoutLeadingZeroBytes() throws Exception {
		String keyId = createExternalKey(KeySpec.SYMMETRIC_DEFAULT, null);
		GetParametersForImportResponse parameters = parameters(keyId, AlgorithmSpec.RSAES_OAEP_SHA_256,
				WrappingKeySpec.RSA_2048);
		byte[] encrypted = wrap(AlgorithmSpec.RSAES_OAEP_SHA_256, parameters.publicKey(), random(32));
		byte[] truncated = java.util.Arrays.copyOfRange(encrypted, 1, encrypted.length);

		assertThatExceptionOfType(InvalidCiphertextException.class)
			.isThrownBy(() -> upload(keyId, parameters, truncated, doesNotExpire()));
	}

	// Material checks

	@ParameterizedTest
	@CsvSource({ "SYMMETRIC_DEFAULT, 16", "SYMMETRIC_DEFAULT, 33", "HMAC_256, 48", "HMAC_512, 32" })
	void rejectsRawMaterialOfWrongLengthAsIncorrectKeyMaterial(KeySpec spec, int length) throws Exception {
		String keyId = createExternalKey(spec, null);

		assertThatExceptionOfType(IncorrectKeyMaterialException.class)
			.isThrownBy(() -> importMaterial(keyId, AlgorithmSpec.RSAES_OAEP_SHA_256, random(length), doesNotExpire()))
			.withMessageContaining("must be");
		assertThat(describe(keyId).keyState()).isEqualTo(KeyState.PENDING_IMPORT);
	}

	@Test
	void rejectsEcPrivateKeyOnAnotherCurve() throws Exception {
		KeyPair p384 = generate("EC", new ECGenParameterSpec("secp384r1"));
		String keyId = createExternalKey(KeySpec.ECC_NIST_P256, KeyUsageType.SIGN_VERIFY);

		assertThatExceptionOfType(IncorrectKeyMaterialException.class).isThrownBy(() -> importMaterial(keyId,
				AlgorithmSpec.RSA_AES_KEY_WRAP_SHA_256, p384.getPrivate().getEncoded(), doesNotExpire()));
	}

	@Test
	void rejectsAsymmetricMaterialThatIsNotPkcs8() throws Exception {
		String keyId = createExternalKey(KeySpec.ECC_NIST_P256, KeyUsageType.SIGN_VERIFY);

		assertThatExceptionOfType(IncorrectKeyMaterialException.class).isThrownBy(
				() -> importMaterial(keyId, AlgorithmSpec.RSA_AES_KEY_WRAP_SHA_256, random(138), doesNotExpire()));
	}

	@Test
	void rejectsDifferentMaterialOnReimport() throws Exception {
		String keyId = createExternalKey(KeySpec.SYMMETRIC_DEFAULT, null);
		importMaterial(keyId, AlgorithmSpec.RSAES_OAEP_SHA_256, random(32), doesNotExpire());

		assertThatExceptionOfType(IncorrectKeyMaterialException.class)
			.isThrownBy(() -> importMaterial(keyId, AlgorithmSpec.RSAES_OAEP_SHA_256, random(32), doesNotExpire()));
		assertThat(describe(keyId).keyState()).isEqualTo(KeyState.ENABLED);
	}

	@Test
	void reimportOfSameMaterialKeepsMaterialIdAndSetsNewExpiration() throws Exception {
		String keyId = createExternalKey(KeySpec.SYMMETRIC_DEFAULT, null);
		byte[] material = random(32);
		ImportKeyMaterialResponse first = importMaterial(keyId, AlgorithmSpec.RSAES_OAEP_SHA_256, material,
				doesNotExpire());

		ImportKeyMaterialResponse second = importMaterial(keyId, AlgorithmSpec.RSAES_OAEP_SHA_1, material,
				expiresIn(Duration.ofDays(10)));

		assertThat(second.keyMaterialId()).isEqualTo(first.keyMaterialId());
		KeyMetadata metadata = describe(keyId);
		assertThat(metadata.keyState()).isEqualTo(KeyState.ENABLED);
		assertThat(metadata.expirationModel()).isEqualTo(ExpirationModelType.KEY_MATERIAL_EXPIRES);
		assertThat(metadata.validTo()).isEqualTo(START.plus(Duration.ofDays(10)));
	}

	// ValidTo and expiry

	@Test
	void validToIsKeptInWholeSecondsLikeKms() throws Exception {
		String keyId = createExternalKey(KeySpec.SYMMETRIC_DEFAULT, null);
		Instant validTo = START.plus(Duration.ofDays(10)).plusMillis(789);
		importMaterial(keyId, AlgorithmSpec.RSAES_OAEP_SHA_256, random(32),
				(request) -> request.expirationModel(ExpirationModelType.KEY_MATERIAL_EXPIRES).validTo(validTo));

		assertThat(describe(keyId).validTo()).isEqualTo(START.plus(Duration.ofDays(10)));
	}

	@Test
	void requiresValidToWhenMaterialExpiresWhichIsTheDefault() throws Exception {
		String keyId = createExternalKey(KeySpec.SYMMETRIC_DEFAULT, null);

		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> importMaterial(keyId, AlgorithmSpec.RSAES_OAEP_SHA_256, random(32), (request) -> {
			}))
			.satisfies((ex) -> assertThat(ex.awsErrorDetails().errorCode()).isEqualTo("ValidationException"))
			.withMessageContaining("A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES");
	}

	@Test
	void rejectsValidToWithMaterialThatDoesNotExpire() throws Exception {
		String keyId = createExternalKey(KeySpec.SYMMETRIC_DEFAULT, null);

		assertValidationException(() -> importMaterial(keyId, AlgorithmSpec.RSAES_OAEP_SHA_256, random(32),
				(request) -> request.expirationModel(ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE)
					.validTo(START.plus(Duration.ofDays(1)))));
	}

	@Test
	void rejectsValidToInThePastOrMoreThan365DaysAhead() throws Exception {
		String keyId = createExternalKey(KeySpec.SYMMETRIC_DEFAULT, null);

		assertValidationException(() -> importMaterial(keyId, AlgorithmSpec.RSAES_OAEP_SHA_256, random(32),
				(request) -> request.validTo(START.minusSeconds(1))));
		assertValidationException(() -> importMaterial(keyId, AlgorithmSpec.RSAES_OAEP_SHA_256, random(32),
				expiresIn(Duration.ofDays(365).plusSeconds(1))));
		assertThatNoException().isThrownBy(() -> importMaterial(keyId, AlgorithmSpec.RSAES_OAEP_SHA_256, random(32),
				expiresIn(Duration.ofDays(365))));
	}

	@Test
	void expiredMaterialIsDeletedAndKeyReturnsToPendingImportUntilSameMaterialIsReimported() throws Exception {
		String keyId = createExternalKey(KeySpec.SYMMETRIC_DEFAULT, null);
		byte[] material = random(32);
		importMaterial(keyId, AlgorithmSpec.RSAES_OAEP_SHA_256, material, expiresIn(Duration.ofHours(1)));
		assertThat(describe(keyId).keyState()).isEqualTo(KeyState.ENABLED);

		this.clock.advance(Duration.ofHours(1));

		KeyMetadata expired = describe(keyId);
		assertThat(expired.keyState()).isEqualTo(KeyState.PENDING_IMPORT);
		assertThat(expired.enabled()).isFalse();
		assertThat(expired.validTo()).isNull();
		assertThat(expired.expirationModel()).isEqualTo(ExpirationModelType.KEY_MATERIAL_EXPIRES);
		assertThatExceptionOfType(IncorrectKeyMaterialException.class)
			.isThrownBy(() -> importMaterial(keyId, AlgorithmSpec.RSAES_OAEP_SHA_256, random(32), doesNotExpire()));

		importMaterial(keyId, AlgorithmSpec.RSAES_OAEP_SHA_256, material, doesNotExpire());
		assertThat(describe(keyId).keyState()).isEqualTo(KeyState.ENABLED);
	}

	// Operation preconditions

	@Test
	void refusesImportOperationsOnKeyWithAwsKmsOrigin() {
		String keyId = kms.createKey((request) -> request.description("generated by KMS")).keyMetadata().keyId();
		String arn = describe(keyId).arn();

		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> parameters(keyId, AlgorithmSpec.RSAES_OAEP_SHA_256, WrappingKeySpec.RSA_2048))
			.withMessageStartingWith(arn + " origin is AWS_KMS which is not valid for this operation.");
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> kms.importKeyMaterial((request) -> request.keyId(keyId)
				.importToken(SdkBytes.fromByteArray(random(48)))
				.encryptedKeyMaterial(SdkBytes.fromByteArray(random(256)))
				.expirationModel(ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE)));
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> kms.deleteImportedKeyMaterial((request) -> request.keyId(keyId)));
	}

	@Test
	void refusesImportWhileKeyIsPendingDeletionAndCancellationLeavesItWithoutMaterial() throws Exception {
		String keyId = createExternalKey(KeySpec.SYMMETRIC_DEFAULT, null);
		GetParametersForImportResponse parameters = parameters(keyId, AlgorithmSpec.RSAES_OAEP_SHA_256,
				WrappingKeySpec.RSA_2048);

		var scheduled = kms.scheduleKeyDeletion((request) -> request.keyId(keyId).pendingWindowInDays(7));

		assertThat(scheduled.deletionDate()).isEqualTo(START.plus(Duration.ofDays(7)));
		assertThat(scheduled.keyState()).isEqualTo(KeyState.PENDING_DELETION);
		assertThat(describe(keyId).deletionDate()).isEqualTo(START.plus(Duration.ofDays(7)));
		assertThatExceptionOfType(KmsInvalidStateException.class)
			.isThrownBy(() -> parameters(keyId, AlgorithmSpec.RSAES_OAEP_SHA_256, WrappingKeySpec.RSA_2048));
		assertThatExceptionOfType(KmsInvalidStateException.class).isThrownBy(
				() -> importMaterial(keyId, parameters, AlgorithmSpec.RSAES_OAEP_SHA_256, random(32), doesNotExpire()));

		kms.cancelKeyDeletion((request) -> request.keyId(keyId));
		assertThat(describe(keyId).keyState()).isEqualTo(KeyState.PENDING_IMPORT);
	}

	@Test
	void deleteImportedKeyMaterialReturnsKeyToPendingImportAndKeepsItsIdentity() throws Exception {
		String keyId = createExternalKey(KeySpec.HMAC_384, null);
		byte[] material = random(48);
		importMaterial(keyId, AlgorithmSpec.RSAES_OAEP_SHA_1, material, doesNotExpire());

		var deleted = kms.deleteImportedKeyMaterial((request) -> request.keyId(keyId));

		assertThat(deleted.keyId()).isEqualTo(describe(keyId).arn());
		assertThat(describe(keyId).keyState()).isEqualTo(KeyState.PENDING_IMPORT);
		assertThatExceptionOfType(IncorrectKeyMaterialException.class)
			.isThrownBy(() -> importMaterial(keyId, AlgorithmSpec.RSAES_OAEP_SHA_1, random(48), doesNotExpire()));
		importMaterial(keyId, AlgorithmSpec.RSAES_OAEP_SHA_1, material, doesNotExpire());
		assertThat(describe(keyId).keyState()).isEqualTo(KeyState.ENABLED);
	}

	@Test
	void getPublicKeyRefusesSymmetricKeysAndAsymmetricKeysWithoutMaterial() {
		String symmetricKeyId = createExternalKey(KeySpec.SYMMETRIC_DEFAULT, null);
		String eccKeyId = createExternalKey(KeySpec.ECC_NIST_P384, KeyUsageType.SIGN_VERIFY);

		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> kms.getPublicKey((request) -> request.keyId(symmetricKeyId)));
		assertThatExceptionOfType(KmsInvalidStateException.class)
			.isThrownBy(() -> kms.getPublicKey((request) -> request.keyId(eccKeyId)));
	}

	@Test
	void refusesPkcs1V15AndSm2WrappingOutsideChina() {
		String keyId = createExternalKey(KeySpec.SYMMETRIC_DEFAULT, null);

		assertValidationException(() -> parameters(keyId, AlgorithmSpec.RSAES_PKCS1_V1_5, WrappingKeySpec.RSA_2048));
		assertValidationException(() -> parameters(keyId, AlgorithmSpec.SM2_PKE, WrappingKeySpec.SM2));
	}

	@ParameterizedTest
	@EnumSource(value = AlgorithmSpec.class,
			names = { "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "RSA_AES_KEY_WRAP_SHA_1", "RSA_AES_KEY_WRAP_SHA_256" })
	void acceptsEveryAwsWrappingAlgorithmWithRsa3072(AlgorithmSpec algorithm) throws Exception {
		String keyId = createExternalKey(KeySpec.SYMMETRIC_DEFAULT, null);
		GetParametersForImportResponse parameters = parameters(keyId, algorithm, WrappingKeySpec.RSA_3072);

		importMaterial(keyId, parameters, algorithm, random(32), doesNotExpire());

		assertThat(describe(keyId).keyState()).isEqualTo(KeyState.ENABLED);
	}

	// Helpers

	private static String createExternalKey(KeySpec spec, KeyUsageType usage) {
		return kms.createKey((request) -> request.origin(OriginType.EXTERNAL).keySpec(spec).keyUsage(usage))
			.keyMetadata()
			.keyId();
	}

	private static KeyMetadata describe(String keyId) {
		return kms.describeKey((request) -> request.keyId(keyId)).keyMetadata();
	}

	private static GetParametersForImportResponse parameters(String keyId, AlgorithmSpec algorithm,
			WrappingKeySpec wrappingKeySpec) {
		return kms.getParametersForImport(
				(request) -> request.keyId(keyId).wrappingAlgorithm(algorithm).wrappingKeySpec(wrappingKeySpec));
	}

	/**
	 * Fetches fresh RSA_2048 parameters, wraps and imports, as a client should for every
	 * import.
	 */
	private static ImportKeyMaterialResponse importMaterial(String keyId, AlgorithmSpec algorithm, byte[] material,
			Consumer<ImportKeyMaterialRequest.Builder> options) throws GeneralSecurityException {
		return importMaterial(keyId, parameters(keyId, algorithm, WrappingKeySpec.RSA_2048), algorithm, material,
				options);
	}

	private static ImportKeyMaterialResponse importMaterial(String keyId, GetParametersForImportResponse parameters,
			AlgorithmSpec algorithm, byte[] material, Consumer<ImportKeyMaterialRequest.Builder> options)
			throws GeneralSecurityException {
		return upload(keyId, parameters, wrap(algorithm, parameters.publicKey(), material), options);
	}

	private static ImportKeyMaterialResponse upload(String keyId, GetParametersForImportResponse parameters,
			byte[] encrypted, Consumer<ImportKeyMaterialRequest.Builder> options) {
		return kms.importKeyMaterial((request) -> {
			request.keyId(keyId)
				.importToken(parameters.importToken())
				.encryptedKeyMaterial(SdkBytes.fromByteArray(encrypted));
			options.accept(request);
		});
	}

	private static Consumer<ImportKeyMaterialRequest.Builder> doesNotExpire() {
		return (request) -> request.expirationModel(ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE);
	}

	private static Consumer<ImportKeyMaterialRequest.Builder> expiresIn(Duration duration) {
		return (request) -> request.expirationModel(ExpirationModelType.KEY_MATERIAL_EXPIRES)
			.validTo(START.plus(duration));
	}

	private static void assertValidationException(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
		assertThatExceptionOfType(KmsException.class).isThrownBy(call).satisfies((ex) -> {
			assertThat(ex.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
			assertThat(ex.statusCode()).isEqualTo(400);
		});
	}

	private static KeyPair generate(String algorithm, java.security.spec.AlgorithmParameterSpec parameters)
			throws GeneralSecurityException {
		KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
		generator.initialize(parameters);
		return generator.generateKeyPair();
	}

}
