package io.keyport.kms.huawei;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.keyport.emulator.huawei.HuaweiKmsEmulator;
import io.keyport.kms.CreateKeyRequest;
import io.keyport.kms.ExpirationModel;
import io.keyport.kms.ImportParameters;
import io.keyport.kms.ImportRequest;
import io.keyport.kms.KeyState;
import io.keyport.kms.KeyUsage;
import io.keyport.kms.KmsErrorCode;
import io.keyport.kms.KmsException;
import io.keyport.kms.KmsKey;
import io.keyport.kms.KmsProvider;
import io.keyport.kms.KmsRateLimiter;
import io.keyport.kms.KmsTargetSettings;
import io.keyport.kms.PacedKmsProvider;
import io.keyport.wrapping.EncryptedKeyMaterial;
import io.keyport.wrapping.KeySpec;
import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.wrapping.WrappingKeySpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The adapter end to end against the Huawei KMS emulator over HTTP: signed requests, real
 * unwrapping of what it sends, Huawei's states, times and error codes.
 */
class HuaweiKmsProviderEmulatorTests {

	private static final SecureRandom RANDOM = new SecureRandom();

	/** Quick retries, but patient attempts: the emulator shares a busy machine. */
	private static final HuaweiKmsClient.Settings SETTINGS = new HuaweiKmsClient.Settings(Duration.ofSeconds(5),
			Duration.ofSeconds(10), Duration.ofSeconds(30), 4, Duration.ofMillis(10), Duration.ofMillis(50),
			Duration.ofSeconds(60));

	private static HuaweiKmsEmulator emulator;

	private KmsProvider kms;

	@BeforeAll
	static void startEmulator() {
		emulator = HuaweiKmsEmulator.builder().port(0).describesBeforeActive(2).start();
	}

	@AfterAll
	static void stopEmulator() {
		emulator.close();
	}

	@BeforeEach
	void newProvider() {
		emulator.faults().clear();
		this.kms = provider(HuaweiKmsEmulator.DEFAULT_SECRET_KEY);
	}

	@Test
	void everyHuaweiRequestOfACallBeyondItsFirstTakesAPermitOfItsOwn() {
		KmsKey key = this.kms
			.createExternalKey(new CreateKeyRequest(KeySpec.SYMMETRIC_DEFAULT, KeyUsage.ENCRYPT_DECRYPT, null, null));
		// one permit, the next far beyond a wait of zero
		KmsRateLimiter onePermit = KmsRateLimiter.total(0.001, Duration.ZERO);
		KmsProvider fresh = provider(HuaweiKmsEmulator.DEFAULT_SECRET_KEY);
		fresh.pacedBy(onePermit);
		KmsProvider paced = new PacedKmsProvider("hw-paced", fresh, onePermit, List.of(), ObservationRegistry.NOOP);
		long downloads = emulator.requests("get-parameters-for-import").size();

		// a bare key id on a new adapter: get-parameters-for-import, then describe-key
		// for
		// the account's domain id (the resource name): two requests, one permit
		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> paced.getParametersForImport(key.keyId(), WrappingAlgorithm.RSAES_OAEP_SHA_256,
					WrappingKeySpec.RSA_2048))
			.satisfies(ex -> assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.THROTTLED));
		assertThat(emulator.requests("get-parameters-for-import")).hasSize((int) downloads + 1);

		// a call of one request needs one permit
		KmsRateLimiter another = KmsRateLimiter.total(0.001, Duration.ZERO);
		KmsProvider single = provider(HuaweiKmsEmulator.DEFAULT_SECRET_KEY);
		single.pacedBy(another);
		assertThat(new PacedKmsProvider("hw-single", single, another, List.of(), ObservationRegistry.NOOP)
			.describeKey(key.keyId())
			.state()).isEqualTo(KeyState.PENDING_IMPORT);
	}

	@Test
	void symmetricMaterialImportsWithItsExpiryInSecondsAndRenewsByDeletingFirst() throws Exception {
		KmsKey key = this.kms
			.createExternalKey(new CreateKeyRequest(KeySpec.SYMMETRIC_DEFAULT, KeyUsage.ENCRYPT_DECRYPT, "e2e", null));
		assertThat(key.state()).isEqualTo(KeyState.PENDING_IMPORT);
		assertThat(key.arn())
			.isEqualTo("kms:ap-southeast-1:" + HuaweiKmsEmulator.DEFAULT_DOMAIN_ID + ":KeyId:" + key.keyId());
		byte[] material = random(32);
		Instant validTo = Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS);

		importSymmetric(key, material, ExpirationModel.KEY_MATERIAL_EXPIRES, validTo);

		KmsKey imported = this.kms.describeKey(key.arn());
		assertThat(imported.state()).isEqualTo(KeyState.ENABLED);
		assertThat(imported.validTo()).isEqualTo(validTo);
		assertThat(imported.expirationModel()).isEqualTo(ExpirationModel.KEY_MATERIAL_EXPIRES);
		assertThat(emulator.materialDigest(key.keyId())).isEqualTo(HuaweiKmsEmulator.materialDigest(material));
		assertThat(emulator.requests("import-key-material").getLast().expirationTime())
			.isEqualTo(validTo.getEpochSecond());
		assertThat(this.kms.acceptsImportIn(imported.state())).isFalse();

		this.kms.deleteImportedKeyMaterial(key.keyId());
		assertThat(this.kms.describeKey(key.keyId()).state()).isEqualTo(KeyState.PENDING_IMPORT);
		importSymmetric(key, material, ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE, null);
		KmsKey renewed = this.kms.describeKey(key.keyId());
		assertThat(renewed.state()).isEqualTo(KeyState.ENABLED);
		assertThat(renewed.expirationModel()).isEqualTo(ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE);
		assertThat(emulator.requests("import-key-material").getLast().expirationTime()).isNull();
	}

	@Test
	void anRsaPrivateKeyImportsAsTwoPartsAndItsPublicKeyComesBack() throws Exception {
		KmsKey key = this.kms
			.createExternalKey(new CreateKeyRequest(KeySpec.RSA_3072, KeyUsage.SIGN_VERIFY, null, null));
		KeyPair pair = keyPair("RSA", 3072);

		importPrivateKey(key, pair);

		assertThat(this.kms.describeKey(key.keyId()).state()).isEqualTo(KeyState.ENABLED);
		assertThat(emulator.requests("import-key-material").getLast().hasPrivateKey()).isTrue();
		assertThat(emulator.requests("import-key-material").getLast().expirationTime()).isNull();
		assertThat(this.kms.getPublicKey(key.keyId()).publicKeyDer()).isEqualTo(pair.getPublic().getEncoded());
		emulator.answerPublicKeysAsPkcs1(true);
		try {
			assertThat(this.kms.getPublicKey(key.arn()).publicKeyDer()).isEqualTo(pair.getPublic().getEncoded());
		}
		finally {
			emulator.answerPublicKeysAsPkcs1(false);
		}
	}

	@Test
	void anEcPrivateKeyWithItsPublicKeyImports() throws Exception {
		KmsKey key = this.kms.createExternalKey(
				new CreateKeyRequest(KeySpec.ECC_NIST_P256, KeyUsage.SIGN_VERIFY, null, "e2e-ec-" + UUID.randomUUID()));
		KeyPair pair = keyPair("EC", 0);

		importPrivateKey(key, pair);

		KmsKey imported = this.kms.describeKey(key.keyId());
		assertThat(imported.state()).isEqualTo(KeyState.ENABLED);
		assertThat(imported.keySpec()).isEqualTo(KeySpec.ECC_NIST_P256);
		assertThat(this.kms.getPublicKey(key.keyId()).publicKeyDer()).isEqualTo(pair.getPublic().getEncoded());
	}

	@Test
	void aKeyIsFoundByItsAlias() {
		String alias = "e2e/alias-" + UUID.randomUUID();
		KmsKey key = this.kms
			.createExternalKey(new CreateKeyRequest(KeySpec.SM4, KeyUsage.ENCRYPT_DECRYPT, null, alias));

		assertThat(this.kms.describeKey(alias).keyId()).isEqualTo(key.keyId());
		assertThat(this.kms.describeKey(alias).keySpec()).isEqualTo(KeySpec.SM4);
		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> this.kms
				.createExternalKey(new CreateKeyRequest(KeySpec.SM4, KeyUsage.ENCRYPT_DECRYPT, null, alias)))
			.satisfies(ex -> assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.ALREADY_EXISTS));
	}

	@Test
	void anUnknownKeyIsNotFound() {
		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> this.kms.describeKey(UUID.randomUUID().toString()))
			.satisfies(ex -> assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.KEY_NOT_FOUND));
	}

	@Test
	void withTheEmulatorThrottlingEveryThirdCallEveryCallStillSucceeds() throws Exception {
		emulator.faults().throttleEvery(3);
		for (int i = 0; i < 3; i++) {
			KmsKey key = this.kms.createExternalKey(
					new CreateKeyRequest(KeySpec.SYMMETRIC_DEFAULT, KeyUsage.ENCRYPT_DECRYPT, null, null));
			importSymmetric(key, random(32), ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE, null);
			assertThat(this.kms.describeKey(key.keyId()).state()).isEqualTo(KeyState.ENABLED);
		}
	}

	@Test
	void aWrongSecretKeyFailsClearlyOnceWithoutARetryStorm() {
		KmsProvider wrong = provider("not-the-secret-key");
		long before = emulator.signatureFailures();

		for (int i = 0; i < 5; i++) {
			assertThatExceptionOfType(KmsException.class).isThrownBy(wrong::checkReachable).satisfies(ex -> {
				assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.ACCESS_DENIED);
				assertThat(ex.getMessage()).contains("APIG.0301")
					.contains("AK/SK")
					.doesNotContain("not-the-secret-key");
			});
		}

		assertThat(emulator.signatureFailures() - before).isEqualTo(1);
	}

	@Test
	void aCreateThatSucceededButSeemedToFailIsFoundByItsGeneratedAlias() {
		emulator.faults().failNextAfterExecution("create-key", 1, "KMS.0101", 500);

		KmsKey key = this.kms
			.createExternalKey(new CreateKeyRequest(KeySpec.SYMMETRIC_DEFAULT, KeyUsage.ENCRYPT_DECRYPT, null, null));

		assertThat(key.state()).isEqualTo(KeyState.PENDING_IMPORT);
		assertThat(emulator.requests("create-key").getLast().keyAlias())
			.isEqualTo(emulator.requests("create-key").get(emulator.requests("create-key").size() - 2).keyAlias());
	}

	private void importSymmetric(KmsKey key, byte[] material, ExpirationModel model, Instant validTo)
			throws GeneralSecurityException {
		ImportParameters parameters = this.kms.getParametersForImport(key.keyId(), WrappingAlgorithm.RSAES_OAEP_SHA_256,
				WrappingKeySpec.RSA_2048);
		byte[] wrapped = oaepSha256(parameters.publicKeyDer(), material);
		this.kms
			.importKeyMaterial(new ImportRequest(key.arn(), parameters.importToken(), EncryptedKeyMaterial.of(wrapped),
					model, validTo, key.keySpec(), WrappingAlgorithm.RSAES_OAEP_SHA_256, WrappingKeySpec.RSA_2048));
	}

	/** Keyport's RSA_AES_KEY_WRAP_SHA_256 blob: OAEP(AES key) || AES-KWP(PKCS#8). */
	private void importPrivateKey(KmsKey key, KeyPair pair) throws GeneralSecurityException {
		ImportParameters parameters = this.kms.getParametersForImport(key.arn(),
				WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256, WrappingKeySpec.RSA_2048);
		byte[] aesKey = random(32);
		Cipher kwp = Cipher.getInstance("AES/KWP/NoPadding");
		kwp.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(aesKey, "AES"));
		byte[] blob = concat(oaepSha256(parameters.publicKeyDer(), aesKey),
				kwp.doFinal(pair.getPrivate().getEncoded()));
		this.kms.importKeyMaterial(new ImportRequest(key.keyId(), parameters.importToken(),
				EncryptedKeyMaterial.of(blob), ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE, null, key.keySpec(),
				WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256, WrappingKeySpec.RSA_2048));
	}

	private static KmsProvider provider(String secretKey) {
		KmsTargetSettings settings = new KmsTargetSettings("huawei", emulator.region(), emulator.endpoint(), null, null,
				emulator.projectId(), null, null, null, false, null);
		Map<String, String> env = Map.of("HUAWEICLOUD_SDK_AK", HuaweiKmsEmulator.DEFAULT_ACCESS_KEY,
				"HUAWEICLOUD_SDK_SK", secretKey);
		return new HuaweiKmsProviderFactory(env::get, Clock.systemUTC(), SETTINGS,
				HuaweiKmsProviderTests.SPLIT_AFTER_RSA_BLOCK)
			.create("hw-e2e", settings);
	}

	private static byte[] oaepSha256(byte[] spki, byte[] plaintext) throws GeneralSecurityException {
		PublicKey wrappingKey = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(spki));
		Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
		oaep.init(Cipher.ENCRYPT_MODE, wrappingKey,
				new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
		return oaep.doFinal(plaintext);
	}

	private static KeyPair keyPair(String algorithm, int bits) throws GeneralSecurityException {
		// Bouncy Castle's EC PKCS#8 carries the public key, which Huawei needs
		KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm,
				new org.bouncycastle.jce.provider.BouncyCastleProvider());
		if (bits > 0) {
			generator.initialize(bits);
		}
		else {
			generator.initialize(new ECGenParameterSpec("secp256r1"));
		}
		return generator.generateKeyPair();
	}

	private static byte[] random(int length) {
		byte[] bytes = new byte[length];
		RANDOM.nextBytes(bytes);
		return bytes;
	}

	private static byte[] concat(byte[] a, byte[] b) {
		byte[] joined = Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, joined, a.length, b.length);
		return joined;
	}

}
