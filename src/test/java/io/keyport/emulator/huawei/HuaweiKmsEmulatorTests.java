package io.keyport.emulator.huawei;

import java.security.KeyPair;
import java.security.spec.MGF1ParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

import io.keyport.emulator.MutableClock;
import io.keyport.emulator.huawei.HuaweiTestClient.Response;

import static io.keyport.emulator.huawei.HuaweiWrapping.base64;
import static io.keyport.emulator.huawei.HuaweiWrapping.oaepSha256;
import static io.keyport.emulator.huawei.HuaweiWrapping.random;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Huawei KMS emulator over raw signed HTTP: key lifecycle, import parameters, real
 * unwrapping of every documented form, Huawei's error codes, and the test hooks.
 */
class HuaweiKmsEmulatorTests {

	private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

	private static final MutableClock CLOCK = new MutableClock(START);

	private static HuaweiKmsEmulator emulator;

	private static HuaweiTestClient kms;

	@BeforeAll
	static void startEmulator() {
		emulator = HuaweiKmsEmulator.builder().port(0).clock(CLOCK).start();
		kms = new HuaweiTestClient(emulator, HuaweiKmsEmulator.DEFAULT_ACCESS_KEY, HuaweiKmsEmulator.DEFAULT_SECRET_KEY,
				CLOCK);
	}

	@AfterAll
	static void stopEmulator() {
		emulator.close();
	}

	@BeforeEach
	void reset() {
		CLOCK.set(START);
		emulator.reset();
		emulator.setParametersValidity(Duration.ofHours(24));
		emulator.setLegacyAlgorithms(false);
		emulator.setSm2Encrypt(true);
		emulator.setDescribesBeforeActive(1);
	}

	// create-key, describe-key

	@Test
	void createdExternalKeyShowsStateOneOnFirstDescribeThenFiveWithEveryValueAString() {
		Response created = kms.call("create-key", Map.of("key_alias", "byok/app-1", "key_spec", "AES_256", "key_usage",
				"ENCRYPT_DECRYPT", "origin", "external"));
		assertThat(created.status()).isEqualTo(200);
		String keyId = created.body().path("key_info").path("key_id").asString();
		assertThat(keyId).matches("[0-9a-f-]{36}");
		assertThat(created.body().path("key_info").path("domain_id").asString()).isEqualTo(emulator.domainId());
		assertThat(created.requestId()).isNotBlank();
		assertThat(emulator.requests("create-key")).singleElement().satisfies((request) -> {
			assertThat(request.keyId()).isEqualTo(keyId);
			assertThat(request.keyAlias()).isEqualTo("byok/app-1");
			assertThat(request.keySpec()).isEqualTo("AES_256");
		});

		JsonNode first = describe(keyId);
		assertThat(first.path("key_state").asString()).isEqualTo("1");
		JsonNode second = describe(keyId);
		assertThat(second.path("key_state").asString()).isEqualTo("5");
		second.properties().forEach((field) -> assertThat(field.getValue().isString()).as(field.getKey()).isTrue());
		assertThat(second.path("origin").asString()).isEqualTo("external");
		assertThat(second.path("key_alias").asString()).isEqualTo("byok/app-1");
		assertThat(second.path("key_spec").asString()).isEqualTo("AES_256");
		assertThat(second.path("creation_date").asString()).isEqualTo(Long.toString(START.toEpochMilli()));
		assertThat(second.path("expiration_time").asString()).isEmpty();
		assertThat(emulator.keyState(keyId)).isEqualTo("5");
	}

	@Test
	void keysCanStartInPendingImportAtOnce() {
		emulator.setDescribesBeforeActive(0);
		String keyId = create("AES_256");
		assertThat(describe(keyId).path("key_state").asString()).isEqualTo("5");
	}

	@Test
	void aliasIsRequiredValidAndUniquePerRegion() {
		assertError(kms.call("create-key", Map.of("key_spec", "AES_256", "origin", "external")), 400, "KMS.0204");
		assertError(kms.call("create-key", Map.of("key_alias", "bad alias!", "origin", "external")), 400, "KMS.1101");
		kms.call("create-key", Map.of("key_alias", "taken", "origin", "external"));
		assertError(kms.call("create-key", Map.of("key_alias", "taken", "origin", "external")), 400, "KMS.1104");
	}

	@Test
	void createKeyRefusesUpperCaseOriginAndUnknownSpecsAndUsages() {
		assertError(kms.call("create-key", Map.of("key_alias", "a1", "origin", "EXTERNAL")), 400, "KMS.0308");
		assertError(kms.call("create-key", Map.of("key_alias", "a2", "origin", "external", "key_spec", "HMAC_256")),
				400, "KMS.0308");
		assertError(kms.call("create-key",
				Map.of("key_alias", "a3", "origin", "external", "key_spec", "EC_P256", "key_usage", "ENCRYPT_DECRYPT")),
				400, "KMS.0308");
	}

	@Test
	void unknownKeyIs404Kms0207AndAMalformedIdKms0205() {
		Response missing = kms.call("describe-key", Map.of("key_id", UUID.randomUUID().toString()));
		assertError(missing, 404, "KMS.0207");
		assertThat(missing.body().path("error").path("error_msg").asString()).isNotBlank();
		assertError(kms.call("describe-key", Map.of("key_id", "not-a-uuid")), 400, "KMS.0205");
		assertError(kms.call("describe-key", Map.of()), 400, "KMS.0204");
	}

	// get-parameters-for-import

	@Test
	void parametersCarryAnRsa2048KeyATokenOfTheDocumentedFormAndExpiryInSecondsOneDayAhead() throws Exception {
		String keyId = create("AES_256");
		JsonNode parameters = parameters(keyId, "RSAES_OAEP_SHA_256");
		assertThat(parameters.path("key_id").asString()).isEqualTo(keyId);
		assertThat(parameters.path("import_token").asString()).matches("^[0-9a-zA-Z+/=]{200,6144}$");
		assertThat(parameters.path("expiration_time").isIntegralNumber()).isTrue();
		assertThat(parameters.path("expiration_time").longValue())
			.isEqualTo(START.plus(Duration.ofHours(24)).getEpochSecond());
		assertThat(((java.security.interfaces.RSAPublicKey) HuaweiWrapping
			.rsaPublicKey(parameters.path("public_key").asString())).getModulus().bitLength()).isEqualTo(2048);
	}

	@Test
	void legacyAlgorithmsAreOfferedOnlyWhenEnabled() throws Exception {
		String keyId = create("AES_256");
		assertError(parametersCall(keyId, "RSAES_PKCS1_V1_5"), 400, "KMS.0308");
		assertError(parametersCall(keyId, "RSAES_OAEP_SHA_1"), 400, "KMS.0308");
		assertError(parametersCall(keyId, "RSA_AES_KEY_WRAP_SHA_256"), 400, "KMS.0308");

		emulator.setLegacyAlgorithms(true);
		JsonNode parameters = parameters(keyId, "RSAES_PKCS1_V1_5");
		byte[] material = random(32);
		Response imported = importMaterial(keyId, parameters,
				HuaweiWrapping.pkcs1(parameters.path("public_key").asString(), material), null);
		assertThat(imported.status()).isEqualTo(200);
		assertThat(emulator.materialDigest(keyId)).isEqualTo(HuaweiKmsEmulator.materialDigest(material));
	}

	@Test
	void sm2EncryptCanBeTurnedOffForARegion() {
		String keyId = create("SM4");
		emulator.setSm2Encrypt(false);
		assertError(parametersCall(keyId, "SM2_ENCRYPT"), 400, "KMS.0308");
		assertThat(emulator.wrappingAlgorithms()).containsExactly("RSAES_OAEP_SHA_256");
	}

	@Test
	void parametersNeedAnExternalKeyThatIsNotStillBeingCreated() {
		Response created = kms.call("create-key", Map.of("key_alias", "native", "key_spec", "AES_256"));
		String nativeKey = created.body().path("key_info").path("key_id").asString();
		describe(nativeKey);
		assertError(parametersCall(nativeKey, "RSAES_OAEP_SHA_256"), 400, "KMS.0309");

		Response external = kms.call("create-key", Map.of("key_alias", "creating", "origin", "external"));
		assertError(parametersCall(external.body().path("key_info").path("key_id").asString(), "RSAES_OAEP_SHA_256"),
				400, "KMS.0209");
	}

	// import-key-material: symmetric

	@Test
	void aes256MaterialWrappedWithOaepSha256ImportsEnablesTheKeyAndKeepsItsExpiryInSeconds() throws Exception {
		String keyId = create("AES_256");
		JsonNode parameters = parameters(keyId, "RSAES_OAEP_SHA_256");
		byte[] material = random(32);
		long expiry = START.plus(Duration.ofDays(30)).getEpochSecond();
		Response imported = importMaterial(keyId, parameters,
				oaepSha256(parameters.path("public_key").asString(), material), expiry);
		assertThat(imported.status()).isEqualTo(200);
		assertThat(imported.rawBody()).isEmpty();
		JsonNode described = describe(keyId);
		assertThat(described.path("key_state").asString()).isEqualTo("2");
		assertThat(described.path("expiration_time").asString()).isEqualTo(Long.toString(expiry * 1000));
		assertThat(emulator.materialDigest(keyId)).isEqualTo(HuaweiKmsEmulator.materialDigest(material));
		assertThat(emulator.requests("import-key-material")).singleElement().satisfies((request) -> {
			assertThat(request.keyId()).isEqualTo(keyId);
			assertThat(request.expirationTime()).isEqualTo(expiry);
			assertThat(request.status()).isEqualTo(200);
		});
		assertThat(emulator.requests("get-parameters-for-import")).singleElement()
			.satisfies((request) -> assertThat(request.wrappingAlgorithm()).isEqualTo("RSAES_OAEP_SHA_256"));
	}

	@Test
	void materialIsGoneWhenTheClockPassesItsExpirationTime() throws Exception {
		String keyId = create("AES_256");
		byte[] material = random(32);
		importSymmetric(keyId, material, START.plus(Duration.ofHours(2)).getEpochSecond());
		assertThat(emulator.keyState(keyId)).isEqualTo("2");
		CLOCK.advance(Duration.ofHours(2));
		assertThat(describe(keyId).path("key_state").asString()).isEqualTo("5");
		assertThat(emulator.materialDigest(keyId)).isNull();
		// the same material comes back; other material does not
		importSymmetric(keyId, material, null);
		assertThat(emulator.keyState(keyId)).isEqualTo("2");
	}

	@Test
	void oaepWithAnSha1Mgf1IsARsaDecryptionFailure() throws Exception {
		String keyId = create("AES_256");
		JsonNode parameters = parameters(keyId, "RSAES_OAEP_SHA_256");
		byte[] wrong = HuaweiWrapping.oaep(parameters.path("public_key").asString(), "SHA-256", MGF1ParameterSpec.SHA1,
				random(32));
		assertError(importMaterial(keyId, parameters, wrong, null), 400, "KMS.0311");
		assertThat(emulator.keyState(keyId)).isEqualTo("5");
	}

	@ParameterizedTest
	@CsvSource({ "AES_256, 31", "AES_256, 16", "SM4, 32" })
	void symmetricMaterialOfTheWrongLengthIsKms2604(String spec, int length) throws Exception {
		String keyId = create(spec);
		JsonNode parameters = parameters(keyId, "RSAES_OAEP_SHA_256");
		assertError(importMaterial(keyId, parameters,
				oaepSha256(parameters.path("public_key").asString(), random(length)), null), 400, "KMS.2604");
	}

	@Test
	void sm4MaterialImportsUnderSm2Encrypt() throws Exception {
		String keyId = create("SM4");
		JsonNode parameters = parameters(keyId, "SM2_ENCRYPT");
		byte[] material = random(16);
		Response imported = importMaterial(keyId, parameters,
				HuaweiWrapping.sm2Encrypt(parameters.path("public_key").asString(), material), null);
		assertThat(imported.status()).isEqualTo(200);
		assertThat(emulator.materialDigest(keyId)).isEqualTo(HuaweiKmsEmulator.materialDigest(material));
	}

	@Test
	void importIsAcceptedInStateFiveOnlySoRenewalDeletesFirst() throws Exception {
		String keyId = create("AES_256");
		byte[] material = random(32);
		importSymmetric(keyId, material, null);
		JsonNode parameters = parameters(keyId, "RSAES_OAEP_SHA_256");
		byte[] wrapped = oaepSha256(parameters.path("public_key").asString(), material);
		assertError(importMaterial(keyId, parameters, wrapped, null), 400, "KMS.0310");

		assertThat(kms.call("delete-imported-key-material", Map.of("key_id", keyId)).status()).isEqualTo(200);
		assertThat(emulator.keyState(keyId)).isEqualTo("5");
		assertThat(importMaterial(keyId, parameters, wrapped, null).status()).isEqualTo(200);
		assertThat(emulator.keyState(keyId)).isEqualTo("2");
	}

	@Test
	void reimportOfOtherMaterialIsKms2606() throws Exception {
		String keyId = create("AES_256");
		importSymmetric(keyId, random(32), null);
		kms.call("delete-imported-key-material", Map.of("key_id", keyId));
		JsonNode parameters = parameters(keyId, "RSAES_OAEP_SHA_256");
		assertError(importMaterial(keyId, parameters, oaepSha256(parameters.path("public_key").asString(), random(32)),
				null), 400, "KMS.2606");
	}

	@Test
	void tokensThatExpiredBelongToAnotherKeyOrWereNeverIssuedAreRefused() throws Exception {
		String keyId = create("AES_256");
		String otherKey = create("AES_256");
		JsonNode parameters = parameters(keyId, "RSAES_OAEP_SHA_256");
		byte[] wrapped = oaepSha256(parameters.path("public_key").asString(), random(32));

		assertError(importMaterial(otherKey, parameters, wrapped, null), 400, "KMS.2603");
		Map<String, Object> forged = importBody(keyId, parameters, wrapped, null);
		forged.put("import_token", base64(random(192)));
		assertError(kms.call("import-key-material", forged), 400, "KMS.2605");
		forged.put("import_token", "c2hvcnQ=");
		assertError(kms.call("import-key-material", forged), 400, "KMS.0308");

		CLOCK.advance(Duration.ofHours(24));
		assertError(importMaterial(keyId, parameters, wrapped, null), 400, "KMS.2601");
	}

	@Test
	void shortenedValidityAppliesToNewParameters() throws Exception {
		emulator.setParametersValidity(Duration.ofMinutes(10));
		String keyId = create("AES_256");
		JsonNode parameters = parameters(keyId, "RSAES_OAEP_SHA_256");
		assertThat(parameters.path("expiration_time").longValue())
			.isEqualTo(START.plus(Duration.ofMinutes(10)).getEpochSecond());
		byte[] wrapped = oaepSha256(parameters.path("public_key").asString(), random(32));
		CLOCK.advance(Duration.ofMinutes(10));
		assertError(importMaterial(keyId, parameters, wrapped, null), 400, "KMS.2601");
	}

	@Test
	void fieldRulesOfImportKeyMaterialAreEnforced() throws Exception {
		String keyId = create("AES_256");
		JsonNode parameters = parameters(keyId, "RSAES_OAEP_SHA_256");
		byte[] wrapped = oaepSha256(parameters.path("public_key").asString(), random(32));
		Map<String, Object> body = importBody(keyId, parameters, wrapped, null);

		body.put("encrypted_key_material", base64(java.util.Arrays.copyOf(wrapped, 255)));
		assertError(kms.call("import-key-material", body), 400, "KMS.0308");
		body = importBody(keyId, parameters, wrapped, START.plus(Duration.ofDays(1)).toEpochMilli());
		assertError(kms.call("import-key-material", body), 400, "KMS.0308");
		body = importBody(keyId, parameters, wrapped, null);
		body.put("expiration_time", Long.toString(START.plus(Duration.ofDays(1)).getEpochSecond()));
		assertError(kms.call("import-key-material", body), 400, "KMS.0308");
		body = importBody(keyId, parameters, wrapped, START.minusSeconds(1).getEpochSecond());
		assertError(kms.call("import-key-material", body), 400, "KMS.0308");
		body = importBody(keyId, parameters, wrapped, null);
		body.remove("encrypted_key_material");
		assertError(kms.call("import-key-material", body), 400, "KMS.0204");
		assertThat(emulator.keyState(keyId)).isEqualTo("5");
	}

	// import-key-material: private keys

	@Test
	void rsaPrivateKeyImportsThroughTheTwoPartEnvelopeAndItsPublicKeyComesBackAsPem() throws Exception {
		String keyId = create("RSA_2048");
		KeyPair pair = HuaweiWrapping.rsaKeyPair(2048);
		JsonNode parameters = parameters(keyId, "RSAES_OAEP_SHA_256");
		HuaweiWrapping.Envelope envelope = HuaweiWrapping.rsaEnvelope(parameters.path("public_key").asString(),
				pair.getPrivate().getEncoded(), 32);
		assertThat(importEnvelope(keyId, parameters, envelope).status()).isEqualTo(200);
		assertThat(emulator.keyState(keyId)).isEqualTo("2");
		assertThat(emulator.materialDigest(keyId))
			.isEqualTo(HuaweiKmsEmulator.publicKeyDigest(pair.getPublic().getEncoded()));

		Response publicKey = kms.call("get-publickey", Map.of("key_id", keyId));
		assertThat(publicKey.status()).isEqualTo(200);
		String pem = publicKey.body().path("public_key").asString();
		assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----\r\n").endsWith("\r\n-----END PUBLIC KEY-----");
		assertThat(Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "")))
			.isEqualTo(pair.getPublic().getEncoded());
		assertThat(emulator.requests("import-key-material")).singleElement()
			.satisfies((request) -> assertThat(request.hasPrivateKey()).isTrue());

		emulator.answerPublicKeysAsPkcs1(true);
		String pkcs1 = kms.call("get-publickey", Map.of("key_id", keyId)).body().path("public_key").asString();
		assertThat(pkcs1).startsWith("-----BEGIN PUBLIC KEY-----\r\n").isNotEqualTo(pem);
	}

	@Test
	void aes128TemporaryKeyIsAcceptedToo() throws Exception {
		String keyId = create("EC_P256");
		KeyPair pair = HuaweiWrapping.ecKeyPair("secp256r1");
		JsonNode parameters = parameters(keyId, "RSAES_OAEP_SHA_256");
		assertThat(importEnvelope(keyId, parameters, HuaweiWrapping
			.rsaEnvelope(parameters.path("public_key").asString(), pair.getPrivate().getEncoded(), 16)).status())
			.isEqualTo(200);
	}

	@Test
	void privateKeyErrorsHaveHuaweisCodes() throws Exception {
		String keyId = create("RSA_3072");
		JsonNode parameters = parameters(keyId, "RSAES_OAEP_SHA_256");
		String wrappingKey = parameters.path("public_key").asString();
		// no private key part
		assertError(importMaterial(keyId, parameters, oaepSha256(wrappingKey, random(32)), null), 400, "KMS.2608");
		// a 2048-bit key for an RSA_3072 key
		assertError(importEnvelope(keyId, parameters,
				HuaweiWrapping.rsaEnvelope(wrappingKey, HuaweiWrapping.rsaKeyPair(2048).getPrivate().getEncoded(), 32)),
				400, "KMS.2609");
		// an EC key for an RSA key
		assertError(importEnvelope(keyId, parameters, HuaweiWrapping.rsaEnvelope(wrappingKey,
				HuaweiWrapping.ecKeyPair("secp256r1").getPrivate().getEncoded(), 32)), 400, "KMS.2609");
		// a 24-byte temporary key
		HuaweiWrapping.Envelope good = HuaweiWrapping.rsaEnvelope(wrappingKey,
				HuaweiWrapping.rsaKeyPair(3072).getPrivate().getEncoded(), 32);
		assertError(importEnvelope(keyId, parameters,
				new HuaweiWrapping.Envelope(base64(oaepSha256(wrappingKey, random(24))), good.encryptedPrivateKey())),
				400, "KMS.2610");
		// another temporary key than the one the private key was wrapped with
		assertError(importEnvelope(keyId, parameters,
				new HuaweiWrapping.Envelope(base64(oaepSha256(wrappingKey, random(32))), good.encryptedPrivateKey())),
				400, "KMS.2609");
		// expiration is for symmetric material only
		Map<String, Object> body = importBody(keyId, parameters,
				Base64.getDecoder().decode(good.encryptedKeyMaterial()),
				START.plus(Duration.ofDays(1)).getEpochSecond());
		body.put("encrypted_privatekey", good.encryptedPrivateKey());
		assertError(kms.call("import-key-material", body), 400, "KMS.0308");
		assertThat(emulator.keyState(keyId)).isEqualTo("5");
		assertThat(importEnvelope(keyId, parameters, good).status()).isEqualTo(200);
	}

	@Test
	void ecPrivateKeyWithoutItsPublicKeyIsKms2609() throws Exception {
		String keyId = create("EC_P384");
		KeyPair pair = HuaweiWrapping.ecKeyPair("secp384r1");
		JsonNode parameters = parameters(keyId, "RSAES_OAEP_SHA_256");
		String wrappingKey = parameters.path("public_key").asString();
		assertError(
				importEnvelope(keyId, parameters,
						HuaweiWrapping.rsaEnvelope(wrappingKey,
								HuaweiWrapping.withoutPublicKey(pair.getPrivate().getEncoded(), 384), 32)),
				400, "KMS.2609");
		assertThat(importEnvelope(keyId, parameters,
				HuaweiWrapping.rsaEnvelope(wrappingKey, pair.getPrivate().getEncoded(), 32))
			.status()).isEqualTo(200);
	}

	@Test
	void sm2PrivateKeyImportsUnderSm2EncryptWithAnSm4TemporaryKeyAndSm4KeyWrap() throws Exception {
		String keyId = create("SM2");
		KeyPair pair = HuaweiWrapping.ecKeyPair("sm2p256v1");
		JsonNode parameters = parameters(keyId, "SM2_ENCRYPT");
		assertThat(importEnvelope(keyId, parameters,
				HuaweiWrapping.sm2Envelope(parameters.path("public_key").asString(), pair.getPrivate().getEncoded()))
			.status()).isEqualTo(200);
		assertThat(emulator.keyState(keyId)).isEqualTo("2");
		assertThat(emulator.materialDigest(keyId))
			.isEqualTo(HuaweiKmsEmulator.publicKeyDigest(pair.getPublic().getEncoded()));
	}

	// delete-imported-key-material, get-publickey, schedule-key-deletion

	@Test
	void deletingMaterialNeedsStateTwoOrThreeAndASymmetricKey() throws Exception {
		String keyId = create("AES_256");
		assertError(kms.call("delete-imported-key-material", Map.of("key_id", keyId)), 400, "KMS.2701");
		String rsaKey = create("RSA_2048");
		JsonNode parameters = parameters(rsaKey, "RSAES_OAEP_SHA_256");
		importEnvelope(rsaKey, parameters, HuaweiWrapping.rsaEnvelope(parameters.path("public_key").asString(),
				HuaweiWrapping.rsaKeyPair(2048).getPrivate().getEncoded(), 32));
		assertError(kms.call("delete-imported-key-material", Map.of("key_id", rsaKey)), 400, "KMS.2702");
		assertError(kms.call("get-publickey", Map.of("key_id", keyId)), 400, "KMS.0308");
	}

	@Test
	void scheduledDeletionTakesPendingDaysAsAStringAndRemovesTheKeyWhenDue() {
		String keyId = create("AES_256");
		String alias = describe(keyId).path("key_alias").asString();
		assertError(kms.call("schedule-key-deletion", Map.of("key_id", keyId, "pending_days", 7)), 400, "KMS.0308");
		assertError(kms.call("schedule-key-deletion", Map.of("key_id", keyId, "pending_days", "6")), 400, "KMS.0308");
		Response scheduled = kms.call("schedule-key-deletion", Map.of("key_id", keyId, "pending_days", "7"));
		assertThat(scheduled.body().path("key_state").asString()).isEqualTo("4");
		assertThat(describe(keyId).path("scheduled_deletion_date").asString())
			.isEqualTo(Long.toString(START.plus(Duration.ofDays(7)).toEpochMilli()));
		CLOCK.advance(Duration.ofDays(7));
		assertError(kms.call("describe-key", Map.of("key_id", keyId)), 404, "KMS.0207");
		assertThat(emulator.keyState(keyId)).isNull();
		// the alias is free again
		assertThat(kms.call("create-key", Map.of("key_alias", alias, "origin", "external")).status()).isEqualTo(200);
	}

	@Test
	void frozenKeysShowStateSeven() {
		String keyId = create("AES_256");
		emulator.setFrozen(keyId, true);
		assertThat(describe(keyId).path("key_state").asString()).isEqualTo("7");
	}

	// list-keys

	@Test
	void listKeysPagesWithStringLimitAndDefaultsToAes256Keys() {
		String first = create("AES_256");
		String second = create("AES_256");
		String sm4 = create("SM4");
		Response page = kms.call("list-keys", Map.of("limit", "1"));
		assertThat(page.body().path("keys").get(0).asString()).isEqualTo(first);
		assertThat(page.body().path("key_details").get(0).path("key_alias").asString())
			.isEqualTo(describe(first).path("key_alias").asString());
		assertThat(page.body().path("truncated").asString()).isEqualTo("true");
		assertThat(page.body().path("total").intValue()).isEqualTo(2);
		Response next = kms.call("list-keys",
				Map.of("limit", "1", "marker", page.body().path("next_marker").asString()));
		assertThat(next.body().path("keys").get(0).asString()).isEqualTo(second);
		assertThat(next.body().path("truncated").asString()).isEqualTo("false");
		Response all = kms.call("list-keys", Map.of("key_spec", "ALL"));
		assertThat(all.body().path("keys").valueStream().map(JsonNode::asString)).containsExactly(first, second, sm4);
		assertError(kms.call("list-keys", Map.of("limit", 10)), 400, "KMS.0308");
	}

	// signature

	@Test
	void wrongSecretKeyIsA401Apig0301InTheGatewaysFormat() {
		Response response = kms.withSecretKey("wrong-secret").call("list-keys", Map.of());
		assertThat(response.status()).isEqualTo(401);
		assertThat(response.body().path("error_code").asString()).isEqualTo("APIG.0301");
		assertThat(response.body().path("error_msg").asString()).isNotBlank();
		assertThat(response.body().path("request_id").asString()).isEqualTo(response.requestId());
		assertThat(emulator.signatureFailures()).isEqualTo(1);
		assertThat(emulator.callCount("list-keys")).isEqualTo(1);
	}

	@Test
	void unknownAccessKeyStaleDateOtherProjectAndTamperedBodyFailTheSignatureCheck() throws Exception {
		HuaweiTestClient stranger = new HuaweiTestClient(emulator, "UNKNOWNACCESSKEY0001",
				HuaweiKmsEmulator.DEFAULT_SECRET_KEY, CLOCK);
		assertError(stranger.call("list-keys", Map.of()), 401, "APIG.0301");
		HuaweiTestClient late = new HuaweiTestClient(emulator, HuaweiKmsEmulator.DEFAULT_ACCESS_KEY,
				HuaweiKmsEmulator.DEFAULT_SECRET_KEY,
				java.time.Clock.fixed(START.minus(Duration.ofMinutes(16)), java.time.ZoneOffset.UTC));
		assertError(late.call("list-keys", Map.of()), 401, "APIG.0301");
		HuaweiTestClient slightlyLate = new HuaweiTestClient(emulator, HuaweiKmsEmulator.DEFAULT_ACCESS_KEY,
				HuaweiKmsEmulator.DEFAULT_SECRET_KEY,
				java.time.Clock.fixed(START.minus(Duration.ofMinutes(14)), java.time.ZoneOffset.UTC));
		assertThat(slightlyLate.call("list-keys", Map.of()).status()).isEqualTo(200);
		assertError(kms.withProjectId("ffffffffffffffffffffffffffffffff").call("list-keys", Map.of()), 401,
				"APIG.0301");

		// a body changed after signing
		java.net.URI uri = emulator.operationUri("list-keys");
		Map<String, String> headers = Map.of("Content-Type", "application/json;charset=UTF-8", "X-Project-Id",
				emulator.projectId());
		Map<String, String> signature = HuaweiSigning.sign("POST", uri, headers, "{}".getBytes(),
				HuaweiKmsEmulator.DEFAULT_ACCESS_KEY, HuaweiKmsEmulator.DEFAULT_SECRET_KEY, START);
		java.net.http.HttpRequest.Builder tampered = java.net.http.HttpRequest.newBuilder(uri)
			.POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"limit\":\"1\"}"));
		headers.forEach(tampered::header);
		signature.forEach(tampered::header);
		assertError(HuaweiTestClient.send(tampered.build()), 401, "APIG.0301");
		assertThat(emulator.signatureFailures()).isEqualTo(4);
	}

	@Test
	void signedHeadersMustIncludeTheProjectId() {
		java.net.URI uri = emulator.operationUri("list-keys");
		Map<String, String> signature = HuaweiSigning.sign("POST", uri,
				Map.of("Content-Type", "application/json;charset=UTF-8"), "{}".getBytes(),
				HuaweiKmsEmulator.DEFAULT_ACCESS_KEY, HuaweiKmsEmulator.DEFAULT_SECRET_KEY, START);
		java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(uri)
			.POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}"))
			.header("Content-Type", "application/json;charset=UTF-8")
			.header("X-Project-Id", emulator.projectId());
		signature.forEach(request::header);
		assertError(HuaweiTestClient.send(request.build()), 401, "APIG.0301");
		java.net.http.HttpRequest unsigned = java.net.http.HttpRequest.newBuilder(uri)
			.POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}"))
			.build();
		assertError(HuaweiTestClient.send(unsigned), 401, "APIG.0301");
	}

	@Test
	void temporaryCredentialsMustSignTheirSecurityToken() {
		emulator.addCredentials("TEMPORARYACCESSKEY01", "temporary-secret", "security-token-value");
		try {
			HuaweiTestClient temporary = new HuaweiTestClient(emulator, "TEMPORARYACCESSKEY01", "temporary-secret",
					CLOCK);
			assertError(temporary.call("list-keys", Map.of()), 401, "APIG.0301");
			assertError(temporary.call("list-keys", Map.of(), Map.of("X-Security-Token", "another-token")), 401,
					"APIG.0301");
			assertThat(
					temporary.call("list-keys", Map.of(), Map.of("X-Security-Token", "security-token-value")).status())
				.isEqualTo(200);
		}
		finally {
			emulator.removeCredentials("TEMPORARYACCESSKEY01");
		}
	}

	@Test
	void fiveSignatureFailuresLockTheAccessKeyForFiveMinutesWhenLockoutIsOn() {
		emulator.setLockout(5, Duration.ofMinutes(5));
		try {
			HuaweiTestClient wrong = kms.withSecretKey("wrong-secret");
			for (int i = 0; i < 5; i++) {
				assertError(wrong.call("list-keys", Map.of()), 401, "APIG.0301");
			}
			Response locked = kms.call("list-keys", Map.of());
			assertError(locked, 401, "APIG.0301");
			assertThat(locked.body().path("error_msg").asString()).contains("locked");
			CLOCK.advance(Duration.ofMinutes(5));
			assertThat(kms.call("list-keys", Map.of()).status()).isEqualTo(200);
			assertThat(emulator.signatureFailures()).isEqualTo(6);
		}
		finally {
			emulator.setLockout(0, Duration.ofMinutes(5));
		}
	}

	// faults

	@Test
	void throttlingEveryThirdCallAnswers429Apig0308() {
		emulator.faults().throttleEvery(3);
		try {
			assertThat(kms.call("list-keys", Map.of()).status()).isEqualTo(200);
			assertThat(kms.call("list-keys", Map.of()).status()).isEqualTo(200);
			Response throttled = kms.call("list-keys", Map.of());
			assertError(throttled, 429, "APIG.0308");
			assertThat(throttled.body().path("request_id").asString()).isNotBlank();
			assertThat(kms.call("list-keys", Map.of()).status()).isEqualTo(200);
			assertThat(emulator.callCount("list-keys")).isEqualTo(4);
		}
		finally {
			emulator.faults().clear();
		}
	}

	@Test
	void injectedFailuresHitTheNextCallsOfAnOperationOnly() throws Exception {
		String keyId = create("AES_256");
		emulator.faults().failNext("get-parameters-for-import", 2, "KMS.0104", 503);
		assertError(parametersCall(keyId, "RSAES_OAEP_SHA_256"), 503, "KMS.0104");
		assertThat(describe(keyId).path("key_state").asString()).isEqualTo("5");
		assertError(parametersCall(keyId, "RSAES_OAEP_SHA_256"), 503, "KMS.0104");
		assertThat(parametersCall(keyId, "RSAES_OAEP_SHA_256").status()).isEqualTo(200);

		JsonNode parameters = parameters(keyId, "RSAES_OAEP_SHA_256");
		emulator.faults().failNextAfterExecution("import-key-material", 1, "KMS.0101", 500);
		byte[] material = random(32);
		assertError(
				importMaterial(keyId, parameters, oaepSha256(parameters.path("public_key").asString(), material), null),
				500, "KMS.0101");
		// the import happened all the same
		assertThat(emulator.keyState(keyId)).isEqualTo("2");
	}

	@Test
	void unknownOperationsAndMethodsAre404Apig0101() {
		assertError(kms.call("create-grant-nope", Map.of()), 404, "APIG.0101");
		assertError(
				HuaweiTestClient
					.send(java.net.http.HttpRequest.newBuilder(emulator.operationUri("list-keys")).GET().build()),
				404, "APIG.0101");
	}

	@Test
	void malformedJsonIsKms0202() {
		assertError(kms.call("describe-key", Map.of()), 400, "KMS.0204");
		java.net.URI uri = emulator.operationUri("describe-key");
		Map<String, String> headers = Map.of("Content-Type", "application/json;charset=UTF-8", "X-Project-Id",
				emulator.projectId());
		byte[] body = "{\"key_id\":".getBytes();
		Map<String, String> signature = HuaweiSigning.sign("POST", uri, headers, body,
				HuaweiKmsEmulator.DEFAULT_ACCESS_KEY, HuaweiKmsEmulator.DEFAULT_SECRET_KEY, START);
		java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(uri)
			.POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body));
		headers.forEach(request::header);
		signature.forEach(request::header);
		assertError(HuaweiTestClient.send(request.build()), 400, "KMS.0202");
	}

	// helpers

	/** An external key of the spec, described until it waits for import (state 5). */
	static String create(String spec) {
		Response created = kms.call("create-key",
				Map.of("key_alias", "alias-" + UUID.randomUUID(), "key_spec", spec, "origin", "external"));
		assertThat(created.status()).as(created.rawBody()).isEqualTo(200);
		String keyId = created.body().path("key_info").path("key_id").asString();
		for (int i = 0; i < 3 && !describe(keyId).path("key_state").asString().equals("5"); i++) {
			// waiting for activation
		}
		assertThat(emulator.keyState(keyId)).isEqualTo("5");
		return keyId;
	}

	static JsonNode describe(String keyId) {
		Response response = kms.call("describe-key", Map.of("key_id", keyId));
		assertThat(response.status()).as(response.rawBody()).isEqualTo(200);
		return response.body().path("key_info");
	}

	static Response parametersCall(String keyId, String algorithm) {
		return kms.call("get-parameters-for-import", Map.of("key_id", keyId, "wrapping_algorithm", algorithm));
	}

	static JsonNode parameters(String keyId, String algorithm) {
		Response response = parametersCall(keyId, algorithm);
		assertThat(response.status()).as(response.rawBody()).isEqualTo(200);
		return response.body();
	}

	static Map<String, Object> importBody(String keyId, JsonNode parameters, byte[] encrypted, Long expiration) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("key_id", keyId);
		body.put("import_token", parameters.path("import_token").asString());
		body.put("encrypted_key_material", base64(encrypted));
		if (expiration != null) {
			body.put("expiration_time", expiration);
		}
		return body;
	}

	static Response importMaterial(String keyId, JsonNode parameters, byte[] encrypted, Long expiration) {
		return kms.call("import-key-material", importBody(keyId, parameters, encrypted, expiration));
	}

	static Response importEnvelope(String keyId, JsonNode parameters, HuaweiWrapping.Envelope envelope) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("key_id", keyId);
		body.put("import_token", parameters.path("import_token").asString());
		body.put("encrypted_key_material", envelope.encryptedKeyMaterial());
		body.put("encrypted_privatekey", envelope.encryptedPrivateKey());
		return kms.call("import-key-material", body);
	}

	static void importSymmetric(String keyId, byte[] material, Long expiration) throws Exception {
		JsonNode parameters = parameters(keyId, "RSAES_OAEP_SHA_256");
		Response response = importMaterial(keyId, parameters,
				oaepSha256(parameters.path("public_key").asString(), material), expiration);
		assertThat(response.status()).as(response.rawBody()).isEqualTo(200);
	}

	static void assertError(Response response, int status, String code) {
		assertThat(response.status()).as(response.rawBody()).isEqualTo(status);
		assertThat(response.errorCode()).as(response.rawBody()).isEqualTo(code);
		assertThat(response.requestId()).isNotBlank();
	}

}
