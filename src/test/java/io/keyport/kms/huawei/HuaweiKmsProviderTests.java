package io.keyport.kms.huawei;

import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.keyport.kms.CreateKeyRequest;
import io.keyport.kms.ExpirationModel;
import io.keyport.kms.ImportParameters;
import io.keyport.kms.ImportRequest;
import io.keyport.kms.KeyOrigin;
import io.keyport.kms.KeyState;
import io.keyport.kms.KeyUsage;
import io.keyport.kms.KmsErrorCode;
import io.keyport.kms.KmsException;
import io.keyport.kms.KmsKey;
import io.keyport.kms.KmsPublicKey;
import io.keyport.wrapping.EncryptedKeyMaterial;
import io.keyport.wrapping.HuaweiEnvelope;
import io.keyport.wrapping.KeySpec;
import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.wrapping.WrappingKeySpec;

import static io.keyport.kms.huawei.HuaweiStub.gatewayError;
import static io.keyport.kms.huawei.HuaweiStub.kmsError;
import static io.keyport.kms.huawei.HuaweiStub.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class HuaweiKmsProviderTests {

	static final String KEY_ID = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";

	static final String DOMAIN = "b168fe00ff56492495a7d22974df2d0b";

	static final String ARN = "kms:ap-southeast-1:" + DOMAIN + ":KeyId:" + KEY_ID;

	/**
	 * Stands in for the wrapping helper's envelope: RSA_AES_KEY_WRAP_SHA_256 material is
	 * one RSA block (the wrapping key's modulus length) followed by the KWP output.
	 */
	static final HuaweiKmsProvider.Envelope SPLIT_AFTER_RSA_BLOCK = new HuaweiKmsProvider.Envelope() {

		@Override
		public boolean isTwoPart(WrappingAlgorithm algorithm) {
			return algorithm == WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256;
		}

		@Override
		public HuaweiEnvelope.Parts split(EncryptedKeyMaterial material, WrappingAlgorithm algorithm,
				WrappingKeySpec wrappingKeySpec) {
			byte[] bytes = material.bytes();
			int block = wrappingKeySpec.modulusBytes();
			return new HuaweiEnvelope.Parts(Arrays.copyOf(bytes, block),
					Arrays.copyOfRange(bytes, block, bytes.length));
		}

	};

	private final HuaweiStub stub = newStub();

	private final HuaweiKmsProvider provider = new HuaweiKmsProvider(
			new HuaweiKmsClient("hw", this.stub.endpoint(), HuaweiStub.PROJECT, HuaweiKmsClientTests.credentials(),
					HuaweiKmsClientTests.FAST, Clock.systemUTC()),
			"ap-southeast-1", false, Clock.systemUTC(), SPLIT_AFTER_RSA_BLOCK);

	@AfterEach
	void stop() {
		this.stub.close();
	}

	@Test
	void createsAnExternalKeyInHuaweiNamesWithAGeneratedAliasAndWaitsUntilItAwaitsItsImport() {
		this.stub.on("create-key",
				ok("{\"key_info\":{\"key_id\":\"" + KEY_ID + "\",\"domain_id\":\"" + DOMAIN + "\"}}"));
		this.stub.on("describe-key", ok(keyInfo("1", "AES_256", "")), ok(keyInfo("1", "AES_256", "")),
				ok(keyInfo("5", "AES_256", "")));

		KmsKey key = this.provider.createExternalKey(
				new CreateKeyRequest(KeySpec.SYMMETRIC_DEFAULT, KeyUsage.ENCRYPT_DECRYPT, "payments", null));

		HuaweiStub.Request create = this.stub.requests("create-key").getFirst();
		assertThat(create.body().path("key_alias").asString()).matches("keyport-[0-9a-f-]{36}");
		assertThat(create.body().path("key_spec").asString()).isEqualTo("AES_256");
		assertThat(create.body().path("key_usage").asString()).isEqualTo("ENCRYPT_DECRYPT");
		assertThat(create.body().path("origin").asString()).isEqualTo("external");
		assertThat(create.body().path("key_description").asString()).isEqualTo("payments");
		assertThat(this.stub.requests("describe-key")).hasSize(3);
		assertThat(key.keyId()).isEqualTo(KEY_ID);
		assertThat(key.arn()).isEqualTo(ARN);
		assertThat(key.state()).isEqualTo(KeyState.PENDING_IMPORT);
		assertThat(key.origin()).isEqualTo(KeyOrigin.EXTERNAL);
		assertThat(key.keySpec()).isEqualTo(KeySpec.SYMMETRIC_DEFAULT);
		assertThat(key.expirationModel()).isNull();
	}

	@Test
	void createsWithTheCallersAliasAndHuaweisNameOfTheKeySpec() {
		this.stub.on("create-key",
				ok("{\"key_info\":{\"key_id\":\"" + KEY_ID + "\",\"domain_id\":\"" + DOMAIN + "\"}}"));
		this.stub.on("describe-key", ok(keyInfo("5", "EC_P256", "")));

		KmsKey key = this.provider.createExternalKey(
				new CreateKeyRequest(KeySpec.ECC_NIST_P256, KeyUsage.SIGN_VERIFY, null, "team/signing-1"));

		HuaweiStub.Request create = this.stub.requests("create-key").getFirst();
		assertThat(create.body().path("key_alias").asString()).isEqualTo("team/signing-1");
		assertThat(create.body().path("key_spec").asString()).isEqualTo("EC_P256");
		assertThat(create.body().has("key_description")).isFalse();
		assertThat(key.keySpec()).isEqualTo(KeySpec.ECC_NIST_P256);
	}

	@Test
	void refusesKeySpecsAndAliasesHuaweiDoesNotHaveBeforeAnyCall() {
		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> this.provider
				.createExternalKey(new CreateKeyRequest(KeySpec.ECC_NIST_P521, KeyUsage.SIGN_VERIFY, null, null)))
			.satisfies(ex -> assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.VALIDATION))
			.withMessageContaining("EC_P384");
		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> this.provider.createExternalKey(
					new CreateKeyRequest(KeySpec.SYMMETRIC_DEFAULT, KeyUsage.ENCRYPT_DECRYPT, null, "no spaces")))
			.satisfies(ex -> assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.VALIDATION));
		assertThat(this.stub.requests()).isEmpty();
	}

	@Test
	void aliasesAreGivenAtCreationOnly() {
		assertThat(this.provider.aliasAtCreation()).isTrue();
		assertThat(this.provider.acceptsAlias("a:b/c_d-1")).isTrue();
		assertThat(this.provider.acceptsAlias("alias with space")).isFalse();
		assertThat(this.provider.acceptsAlias("x".repeat(256))).isFalse();
		assertThatExceptionOfType(KmsException.class).isThrownBy(() -> this.provider.createAlias("a", KEY_ID))
			.satisfies(ex -> assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.UNSUPPORTED_OPERATION));
		assertThatExceptionOfType(KmsException.class).isThrownBy(() -> this.provider.deleteAlias("a"))
			.satisfies(ex -> assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.UNSUPPORTED_OPERATION));
	}

	@Test
	void rotationAndMultiRegionAreRefusedAsUnsupportedWithoutAnyCall() {
		assertThat(this.provider.supportsRotation()).isFalse();
		assertThat(this.provider.supportsMultiRegion()).isFalse();
		assertThatExceptionOfType(KmsException.class).isThrownBy(() -> this.provider.rotateOnDemand(KEY_ID))
			.satisfies(ex -> assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.UNSUPPORTED_OPERATION));
		assertThatExceptionOfType(KmsException.class).isThrownBy(() -> this.provider.listKeyMaterials(KEY_ID))
			.satisfies(ex -> assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.UNSUPPORTED_OPERATION));
		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> this.provider.replicateKey(KEY_ID, "ap-southeast-3"))
			.satisfies(ex -> assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.UNSUPPORTED_OPERATION));
		assertThatExceptionOfType(KmsException.class).isThrownBy(() -> this.provider.createExternalKey(
				new CreateKeyRequest(KeySpec.SYMMETRIC_DEFAULT, KeyUsage.ENCRYPT_DECRYPT, null, null).asMultiRegion()))
			.satisfies(ex -> assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.UNSUPPORTED_OPERATION));
		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> this.provider.importKeyMaterial(new io.keyport.kms.ImportRequest(KEY_ID,
					"token".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
					io.keyport.wrapping.EncryptedKeyMaterial.of(new byte[256]),
					io.keyport.kms.ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE, null, KeySpec.SYMMETRIC_DEFAULT,
					io.keyport.wrapping.WrappingAlgorithm.RSAES_OAEP_SHA_256,
					io.keyport.wrapping.WrappingKeySpec.RSA_2048)
				.withMaterial(io.keyport.kms.ImportType.NEW_KEY_MATERIAL, null, null)))
			.satisfies(ex -> assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.UNSUPPORTED_OPERATION));
		assertThat(this.stub.requests()).isEmpty();
	}

	@Test
	void importsOnlyIntoKeysPendingImport() {
		assertThat(this.provider.acceptsImportIn(KeyState.PENDING_IMPORT)).isTrue();
		assertThat(this.provider.acceptsImportIn(KeyState.ENABLED)).isFalse();
		assertThat(this.provider.acceptsImportIn(KeyState.DISABLED)).isFalse();
		assertThat(this.provider.acceptsImportIn(null)).isFalse();
	}

	@Test
	void describeReadsMillisecondAndSecondTimesAndTheExpiryOfImportedMaterial() {
		this.stub.on("describe-key", ok("""
				{"key_info":{"key_id":"%s","domain_id":"%s","key_alias":"a","realm":"ap-southeast-1",
				"key_spec":"AES_256","key_usage":"ENCRYPT_DECRYPT","key_description":"d",
				"creation_date":"1700000000000","scheduled_deletion_date":"","key_state":"2",
				"default_key_flag":"0","key_type":"1","expiration_time":"1800000000","origin":"external",
				"key_rotation_enabled":"false","sys_enterprise_project_id":"0","keystore_id":"0"}}
				""".formatted(KEY_ID, DOMAIN)));

		KmsKey key = this.provider.describeKey(KEY_ID);

		assertThat(key.creationDate()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
		assertThat(key.validTo()).isEqualTo(Instant.ofEpochSecond(1_800_000_000L));
		assertThat(key.expirationModel()).isEqualTo(ExpirationModel.KEY_MATERIAL_EXPIRES);
		assertThat(key.state()).isEqualTo(KeyState.ENABLED);
		assertThat(key.keyUsage()).isEqualTo(KeyUsage.ENCRYPT_DECRYPT);
		assertThat(key.description()).isEqualTo("d");
		assertThat(key.deletionDate()).isNull();
	}

	@Test
	void importedMaterialWithoutExpiryNeverExpires() {
		this.stub.on("describe-key", ok(keyInfo("2", "RSA_2048", "")));

		KmsKey key = this.provider.describeKey(KEY_ID);

		assertThat(key.expirationModel()).isEqualTo(ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE);
		assertThat(key.validTo()).isNull();
	}

	@Test
	void huaweiStatesMapOntoKeyports() {
		assertThat(HuaweiKmsProvider.state("1")).isEqualTo(KeyState.CREATING);
		assertThat(HuaweiKmsProvider.state("4")).isEqualTo(KeyState.PENDING_DELETION);
		assertThat(HuaweiKmsProvider.state("5")).isEqualTo(KeyState.PENDING_IMPORT);
		assertThat(HuaweiKmsProvider.state("7")).isEqualTo(KeyState.UNAVAILABLE);
		assertThat(HuaweiKmsProvider.state("6")).isNull();
		assertThat(HuaweiKmsProvider.instant("0")).isNull();
		assertThat(HuaweiKmsProvider.instant("99999999999")).isEqualTo(Instant.ofEpochSecond(99_999_999_999L));
		assertThat(HuaweiKmsProvider.instant("100000000001")).isEqualTo(Instant.ofEpochMilli(100_000_000_001L));
	}

	@Test
	void describesAKeyByItsResourceName() {
		this.stub.on("describe-key", ok(keyInfo("5", "AES_256", "")));

		KmsKey key = this.provider.describeKey(ARN);

		assertThat(this.stub.requests("describe-key").getFirst().body().path("key_id").asString()).isEqualTo(KEY_ID);
		assertThat(key.arn()).isEqualTo(ARN);
	}

	@Test
	void aResourceNameOfAnotherRegionIsNotFoundHere() {
		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> this.provider.describeKey("kms:cn-north-4:" + DOMAIN + ":KeyId:" + KEY_ID))
			.satisfies(ex -> assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.KEY_NOT_FOUND));
		assertThat(this.stub.requests()).isEmpty();
	}

	@Test
	void aCallersResourceNameNeverSetsTheAccountOfLaterKeysAndAnotherAccountsNameIsNotFound() {
		// a forged account in a name Huawei does not know: its describe fails,
		// and the next key's name carries the account of Huawei's answer
		this.stub.on("describe-key", kmsError(404, "KMS.0207", "The key does not exist"),
				ok(keyInfo("5", "AES_256", "")));
		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> this.provider.describeKey("kms:ap-southeast-1:evil:KeyId:" + KEY_ID));
		assertThat(this.provider.describeKey(KEY_ID).arn()).isEqualTo(ARN);

		// once the account is known, a name of another one is not looked up at all
		int requests = this.stub.requests().size();
		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> this.provider.describeKey("kms:ap-southeast-1:evil:KeyId:" + KEY_ID))
			.satisfies(ex -> assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.KEY_NOT_FOUND));
		assertThat(this.stub.requests()).hasSize(requests);
	}

	@Test
	void aCreationWhoseAnswerWasLostAtTheGatewayIsFoundByItsAliasNotLeftWithoutItsOwner() {
		this.stub.on("create-key", gatewayError(504, "APIG.0201", "Backend timeout"));
		this.stub.on("list-keys", ok(listedUnderAlias("team-x", "external", "AES_256", "ENCRYPT_DECRYPT", "",
				Instant.now().minusSeconds(1))));
		this.stub.on("describe-key", ok(keyInfo("5", "AES_256", "")));

		KmsKey key = this.provider.createExternalKey(
				new CreateKeyRequest(KeySpec.SYMMETRIC_DEFAULT, KeyUsage.ENCRYPT_DECRYPT, null, "team-x"));

		assertThat(key.keyId()).isEqualTo(KEY_ID);
		assertThat(key.state()).isEqualTo(KeyState.PENDING_IMPORT);
		// the creation is not sent again: it may have been carried out
		assertThat(this.stub.requests("create-key")).hasSize(1);
	}

	@Test
	void aKeyOfAnotherSpecFoundByTheAliasOfALostCreationIsNotTakenAndTheCreationsErrorStands() {
		// created outside Keyport meanwhile, under the alias Keyport had found unused
		assertLostCreationNotAnsweredWith(
				listedUnderAlias("team-x", "external", "RSA_2048", "ENCRYPT_DECRYPT", "", Instant.now()),
				"key spec RSA_2048, not AES_256");
	}

	@Test
	void aKeyCreatedBeforeALostCreationStartedIsNotTakenAndTheCreationsErrorStands() {
		assertLostCreationNotAnsweredWith(
				listedUnderAlias("team-x", "external", "AES_256", "ENCRYPT_DECRYPT", "",
						Instant.ofEpochMilli(1_700_000_000_000L)),
				"created 2023-11-14T22:13:20Z, before this call started");
	}

	@Test
	void aKeyOfAnotherOriginUsageDescriptionOrStateFoundAfterALostCreationIsNotTaken() {
		assertLostCreationNotAnsweredWith(
				listedUnderAlias("team-x", "kms", "AES_256", "ENCRYPT_DECRYPT", "", Instant.now()),
				"origin kms, not external");
		assertLostCreationNotAnsweredWith(
				listedUnderAlias("team-x", "external", "AES_256", "SIGN_VERIFY", "", Instant.now()),
				"key usage SIGN_VERIFY, not ENCRYPT_DECRYPT");
		assertLostCreationNotAnsweredWith(
				listedUnderAlias("team-x", "external", "AES_256", "ENCRYPT_DECRYPT", "someone else's", Instant.now()),
				"another description");
		// a key this call created holds no material yet
		assertLostCreationNotAnsweredWith(
				listedUnderAlias("team-x", "external", "AES_256", "ENCRYPT_DECRYPT", "", Instant.now())
					.replace("\"key_state\":\"5\"", "\"key_state\":\"2\""),
				"key state 2");
	}

	private void assertLostCreationNotAnsweredWith(String listKeys, String reason) {
		int describes = this.stub.requests("describe-key").size();
		this.stub.on("create-key", gatewayError(504, "APIG.0201", "Backend timeout"));
		this.stub.on("list-keys", ok(listKeys));
		this.stub.on("describe-key", ok(keyInfo("5", "AES_256", "")));

		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> this.provider.createExternalKey(
					new CreateKeyRequest(KeySpec.SYMMETRIC_DEFAULT, KeyUsage.ENCRYPT_DECRYPT, null, "team-x")))
			.satisfies(ex -> {
				// the creation's own failure, never the key found
				assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.UNAVAILABLE);
				assertThat(ex.getMessage()).contains("APIG.0201").doesNotContain(KEY_ID);
				assertThat(ex.getSuppressed()).singleElement()
					.satisfies(note -> assertThat(note.getMessage())
						.contains("alias 'team-x' but was not created by this call")
						.contains(reason));
			});
		assertThat(this.stub.requests("describe-key")).hasSize(describes);
	}

	@Test
	void aCreationThatFailedAtTheGatewayAndCreatedNothingKeepsItsOwnError() {
		this.stub.on("create-key", gatewayError(504, "APIG.0201", "Backend timeout"));
		this.stub.on("list-keys", ok("""
				{"keys":[],"key_details":[],"truncated":"false","total":0}
				"""));

		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> this.provider.createExternalKey(
					new CreateKeyRequest(KeySpec.SYMMETRIC_DEFAULT, KeyUsage.ENCRYPT_DECRYPT, null, "team-y")))
			.satisfies(ex -> assertThat(ex.isTransient()).isTrue())
			.satisfies(ex -> assertThat(ex.getMessage()).contains("APIG.0201"));
	}

	@Test
	void resolvesAnAliasThroughEveryPageOfListKeys() {
		this.stub.on("list-keys", ok("""
				{"keys":["11111111-1111-1111-1111-111111111111"],
				 "key_details":[{"key_id":"11111111-1111-1111-1111-111111111111","key_alias":"other"}],
				 "next_marker":"1","truncated":"true","total":2}
				"""), ok("""
				{"keys":["%s"],"key_details":[{"key_id":"%s","key_alias":"team/payments","domain_id":"%s"}],
				 "next_marker":"","truncated":"false","total":2}
				""".formatted(KEY_ID, KEY_ID, DOMAIN)));
		this.stub.on("describe-key", ok(keyInfo("2", "AES_256", "")));

		KmsKey key = this.provider.describeKey("team/payments");

		assertThat(key.keyId()).isEqualTo(KEY_ID);
		assertThat(this.stub.requests("list-keys")).hasSize(2).allSatisfy(list -> {
			assertThat(list.body().path("key_spec").asString()).isEqualTo("ALL");
			assertThat(list.body().path("limit").isString()).isTrue();
		});
		assertThat(this.stub.requests("list-keys").get(1).body().path("marker").asString()).isEqualTo("1");
	}

	@Test
	void anUnknownAliasIsNotFound() {
		this.stub.on("list-keys", ok("{\"keys\":[],\"key_details\":[],\"truncated\":\"false\",\"total\":0}"));

		assertThatExceptionOfType(KmsException.class).isThrownBy(() -> this.provider.describeKey("missing"))
			.satisfies(ex -> assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.KEY_NOT_FOUND));
	}

	@Test
	void parametersForAPrivateKeyAskForOaepSha256AndComeBackAsKeyportsParameters() {
		byte[] spki = rsaPublicKey().getEncoded();
		String token = Base64.getEncoder().encodeToString(new byte[300]);
		this.stub.on("get-parameters-for-import", ok("""
				{"key_id":"%s","public_key":"%s","import_token":"%s","expiration_time":1800000000}
				""".formatted(KEY_ID, Base64.getEncoder().encodeToString(spki), token)));
		this.stub.on("describe-key", ok(keyInfo("5", "RSA_2048", "")));

		ImportParameters parameters = this.provider.getParametersForImport(KEY_ID,
				WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256, WrappingKeySpec.RSA_2048);

		assertThat(
				this.stub.requests("get-parameters-for-import").getFirst().body().path("wrapping_algorithm").asString())
			.isEqualTo("RSAES_OAEP_SHA_256");
		assertThat(parameters.keyArn()).isEqualTo(ARN);
		assertThat(parameters.publicKeyDer()).isEqualTo(spki);
		assertThat(parameters.validTo()).isEqualTo(Instant.ofEpochSecond(1_800_000_000L));
		assertThat(new String(parameters.importToken())).isEqualTo(token);
	}

	@Test
	void wrappingAlgorithmsGoOnTheWireInHuaweisNames() {
		assertThat(HuaweiKmsProvider.wireAlgorithm(WrappingAlgorithm.RSAES_OAEP_SHA_256))
			.isEqualTo("RSAES_OAEP_SHA_256");
		assertThat(HuaweiKmsProvider.wireAlgorithm(WrappingAlgorithm.SM2PKE)).isEqualTo("SM2_ENCRYPT");
		assertThat(HuaweiKmsProvider.wireAlgorithm(WrappingAlgorithm.RSAES_PKCS1_V1_5)).isEqualTo("RSAES_PKCS1_V1_5");
		assertThat(HuaweiKmsProvider.wireAlgorithm(WrappingAlgorithm.RSAES_OAEP_SHA_1)).isEqualTo("RSAES_OAEP_SHA_1");
		assertThat(HuaweiKmsProvider.wireAlgorithm(WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_1)).isNull();
		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> this.provider.getParametersForImport(KEY_ID, WrappingAlgorithm.RSAES_OAEP_SHA_256,
					WrappingKeySpec.RSA_4096))
			.withMessageContaining("RSA_2048 keys only");
		assertThat(this.stub.requests()).isEmpty();
	}

	@Test
	void aPrivateKeyTravelsInTwoPartsWithoutExpiry() {
		byte[] rsaBlock = filled(256, 1);
		byte[] wrappedKey = filled(1232, 2);
		byte[] upload = concat(rsaBlock, wrappedKey);
		this.stub.on("import-key-material", ok(""));
		this.stub.on("describe-key", ok(keyInfo("2", "RSA_2048", "")));

		this.provider.importKeyMaterial(new ImportRequest(ARN, "dG9rZW4=".getBytes(), EncryptedKeyMaterial.of(upload),
				ExpirationModel.KEY_MATERIAL_EXPIRES, Instant.ofEpochSecond(1_800_000_000L), KeySpec.RSA_2048,
				WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256, WrappingKeySpec.RSA_2048));

		HuaweiStub.Request request = this.stub.requests("import-key-material").getFirst();
		assertThat(request.body().path("key_id").asString()).isEqualTo(KEY_ID);
		assertThat(request.body().path("import_token").asString()).isEqualTo("dG9rZW4=");
		assertThat(Base64.getDecoder().decode(request.body().path("encrypted_key_material").asString()))
			.isEqualTo(rsaBlock);
		assertThat(Base64.getDecoder().decode(request.body().path("encrypted_privatekey").asString()))
			.isEqualTo(wrappedKey);
		assertThat(request.body().has("expiration_time")).isFalse();
	}

	@Test
	void expiringSymmetricMaterialSendsItsExpiryInSeconds() {
		byte[] block = filled(256, 3);
		this.stub.on("import-key-material", ok("{}"));
		this.stub.on("describe-key", ok(keyInfo("2", "AES_256", "")));

		this.provider.importKeyMaterial(new ImportRequest(KEY_ID, "dG9rZW4=".getBytes(), EncryptedKeyMaterial.of(block),
				ExpirationModel.KEY_MATERIAL_EXPIRES, Instant.parse("2027-01-01T00:00:00.750Z"),
				KeySpec.SYMMETRIC_DEFAULT, WrappingAlgorithm.RSAES_OAEP_SHA_256, WrappingKeySpec.RSA_2048));

		HuaweiStub.Request request = this.stub.requests("import-key-material").getFirst();
		assertThat(request.body().path("expiration_time").isIntegralNumber()).isTrue();
		assertThat(request.body().path("expiration_time").asLong())
			.isEqualTo(Instant.parse("2027-01-01T00:00:00Z").getEpochSecond());
		assertThat(Base64.getDecoder().decode(request.body().path("encrypted_key_material").asString()))
			.isEqualTo(block);
		assertThat(request.body().has("encrypted_privatekey")).isFalse();
	}

	@Test
	void materialThatNeverExpiresSendsNoExpiry() {
		this.stub.on("import-key-material", ok("{}"));
		this.stub.on("describe-key", ok(keyInfo("2", "SM4", "")));

		this.provider.importKeyMaterial(new ImportRequest(KEY_ID, "dG9rZW4=".getBytes(),
				EncryptedKeyMaterial.of(filled(256, 4)), ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE, null,
				KeySpec.SM4, WrappingAlgorithm.RSAES_OAEP_SHA_256, WrappingKeySpec.RSA_2048));

		assertThat(this.stub.requests("import-key-material").getFirst().body().has("expiration_time")).isFalse();
	}

	@Test
	void aPkcs1PublicKeyUnderAPublicKeyLabelBecomesSubjectPublicKeyInfo() throws Exception {
		RSAPublicKey key = rsaPublicKey();
		byte[] pkcs1 = SubjectPublicKeyInfo.getInstance(key.getEncoded()).parsePublicKey().getEncoded();
		String pem = "-----BEGIN PUBLIC KEY-----\r\n" + Base64.getMimeEncoder().encodeToString(pkcs1)
				+ "\r\n-----END PUBLIC KEY-----\r\n";
		this.stub.on("get-publickey",
				ok(tools.jackson.databind.json.JsonMapper.builder()
					.build()
					.writeValueAsString(java.util.Map.of("key_id", KEY_ID, "public_key", pem))));
		this.stub.on("describe-key", ok(keyInfo("2", "RSA_2048", "")));

		KmsPublicKey publicKey = this.provider.getPublicKey(KEY_ID);

		assertThat(publicKey.publicKeyDer()).isEqualTo(key.getEncoded());
		assertThat(publicKey.keyArn()).isEqualTo(ARN);
		assertThat(publicKey.keySpec()).isEqualTo(KeySpec.RSA_2048);
		assertThat(publicKey.keyUsage()).isEqualTo(KeyUsage.SIGN_VERIFY);
		assertThat(publicKey.algorithms()).contains("RSASSA_PSS_SHA_256");
	}

	@Test
	void aSubjectPublicKeyInfoPemStaysAsItIs() throws Exception {
		byte[] spki = rsaPublicKey().getEncoded();
		String pem = "-----BEGIN PUBLIC KEY-----\r\n" + Base64.getMimeEncoder().encodeToString(spki)
				+ "\r\n-----END PUBLIC KEY-----\r\n";
		assertThat(HuaweiKmsProvider.subjectPublicKeyInfo(pem, "GetPublicKey")).isEqualTo(spki);
	}

	@Test
	void schedulesDeletionWithPendingDaysAsAString() {
		this.stub.on("schedule-key-deletion", ok("{\"key_id\":\"" + KEY_ID + "\",\"key_state\":\"4\"}"));

		Instant deletion = this.provider.scheduleKeyDeletion(KEY_ID, 7);

		assertThat(this.stub.requests("schedule-key-deletion").getFirst().body().path("pending_days").asString())
			.isEqualTo("7");
		assertThat(deletion).isAfter(Instant.now().plusSeconds(6 * 86_400));
	}

	@Test
	void deletesImportedMaterialAndChecksReachabilityWithOneKey() {
		this.provider.deleteImportedKeyMaterial(KEY_ID);
		this.provider.checkReachable();

		assertThat(this.stub.requests("delete-imported-key-material").getFirst().body().path("key_id").asString())
			.isEqualTo(KEY_ID);
		assertThat(this.stub.requests("list-keys").getFirst().body().path("limit").asString()).isEqualTo("1");
	}

	@Test
	void huaweiErrorsReachTheCallerWithKeyportsCodeAndHuaweisMessage() {
		this.stub.on("import-key-material", HuaweiStub.kmsError(400, "KMS.2601", "The import token has expired"));

		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> this.provider.importKeyMaterial(new ImportRequest(KEY_ID, "dG9rZW4=".getBytes(),
					EncryptedKeyMaterial.of(filled(256, 5)), ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE, null,
					KeySpec.SYMMETRIC_DEFAULT, WrappingAlgorithm.RSAES_OAEP_SHA_256, WrappingKeySpec.RSA_2048)))
			.satisfies(ex -> {
				assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.EXPIRED_IMPORT_TOKEN);
				assertThat(ex.operation()).isEqualTo("ImportKeyMaterial");
				assertThat(ex.getMessage()).contains("KMS.2601").doesNotContain("dG9rZW4=");
			});
	}

	/** list-keys with one key under the alias, in the fields Huawei lists. */
	private static String listedUnderAlias(String alias, String origin, String keySpec, String keyUsage,
			String description, Instant created) {
		return """
				{"keys":["%1$s"],"key_details":[{"key_id":"%1$s","domain_id":"%2$s","key_alias":"%3$s",
				"key_spec":"%4$s","key_usage":"%5$s","key_description":"%6$s","creation_date":"%7$d",
				"key_state":"5","origin":"%8$s"}],"truncated":"false","total":1}
				""".formatted(KEY_ID, DOMAIN, alias, keySpec, keyUsage, description, created.toEpochMilli(), origin);
	}

	private static String keyInfo(String state, String keySpec, String expiration) {
		return """
				{"key_info":{"key_id":"%s","domain_id":"%s","key_alias":"a","key_spec":"%s",
				"key_usage":"%s","creation_date":"1700000000000","key_state":"%s","expiration_time":"%s",
				"origin":"external"}}
				""".formatted(KEY_ID, DOMAIN, keySpec,
				keySpec.startsWith("RSA") || keySpec.startsWith("EC") ? "SIGN_VERIFY" : "ENCRYPT_DECRYPT", state,
				expiration);
	}

	private static RSAPublicKey rsaPublicKey() {
		return RSA_PUBLIC_KEY;
	}

	private static final RSAPublicKey RSA_PUBLIC_KEY = generateRsaPublicKey();

	private static RSAPublicKey generateRsaPublicKey() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			return (RSAPublicKey) generator.generateKeyPair().getPublic();
		}
		catch (java.security.GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static byte[] filled(int length, int value) {
		byte[] bytes = new byte[length];
		Arrays.fill(bytes, (byte) value);
		return bytes;
	}

	private static byte[] concat(byte[] a, byte[] b) {
		byte[] joined = Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, joined, a.length, b.length);
		return joined;
	}

	private static HuaweiStub newStub() {
		try {
			return new HuaweiStub();
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
