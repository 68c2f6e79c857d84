package io.keyport.importjob;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import io.keyport.emulator.KmsFaults;
import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.IntegrationTest;
import io.keyport.testsupport.Tokens;
import io.keyport.wrapping.KeySpec;
import io.keyportdev.localauth.LocalAuthorizationServer;

import static io.keyport.importjob.ImportJobApiTests.assertProblem;
import static io.keyport.importjob.ImportJobApiTests.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Private keys end to end: PEM, PKCS#1 and SEC1 uploads, the confirmation of an import by
 * the public key KMS publishes, the public-key download by key id, ARN, alias name and
 * alias ARN, and the wrapping options a portal offers.
 */
class AsymmetricImportApiTests extends IntegrationTest {

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	ApiClient api;

	@BeforeEach
	void client() {
		this.api = new ApiClient(this.port);
	}

	// --- uploads and confirmation
	// ------------------------------------------------------------------------------

	@Test
	void importsAPkcs1PemSentAsTheRawBodyAndConfirmsItByThePublishedPublicKey() throws Exception {
		KeyPair pair = ImportMatrix.privateKey(KeySpec.RSA_2048);
		String keyId = createKey("RSA_2048", null);
		String jobId = createJob(keyId, "RSA_AES_KEY_WRAP_SHA_256", "RSA_4096");

		Response imported = this.api.post("/api/v1/import-jobs/" + jobId + "/key-material",
				pem("RSA PRIVATE KEY", pkcs1(pair)), "application/x-pem-file");

		assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
		assertThat(imported.json().get("state").asString()).isEqualTo("IMPORTED");
		JsonNode events = this.api.get("/api/v1/import-jobs/" + jobId + "/events").json();
		assertThat(events).hasSize(4);
		JsonNode confirmation = events.get(3);
		assertThat(confirmation.get("from").asString()).isEqualTo("IMPORTED");
		assertThat(confirmation.get("to").asString()).isEqualTo("IMPORTED");
		assertThat(confirmation.get("cause").asString())
			.isEqualTo("public key confirmed: KMS public key matches the imported private key (SHA-256 "
					+ sha256(pair.getPublic().getEncoded()) + ")");
		assertThat(confirmation.get("errorCode").isNull()).isTrue();
		// the response already shows the job after its confirmation
		assertThat(imported.json().get("version").asLong())
			.isEqualTo(this.api.get("/api/v1/import-jobs/" + jobId).json().get("version").asLong());
	}

	@Test
	void importsSec1PemInJsonAndPkcs1DerAsOctetStream() throws Exception {
		KeyPair ec = ImportMatrix.privateKey(KeySpec.ECC_NIST_P384);
		String ecKey = createKey("ECC_NIST_P384", null);
		String ecJob = createJob(ecKey, "RSAES_OAEP_SHA_256", "RSA_2048");
		byte[] sec1 = PrivateKeyInfo.getInstance(ec.getPrivate().getEncoded())
			.parsePrivateKey()
			.toASN1Primitive()
			.getEncoded();
		Response viaJson = this.api.postJson("/api/v1/import-jobs/" + ecJob + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(pem("EC PRIVATE KEY", sec1)))));
		assertThat(viaJson.status()).as(viaJson.toString()).isEqualTo(200);
		assertThat(lastCause(ecJob)).startsWith("public key confirmed");

		KeyPair rsa = ImportMatrix.privateKey(KeySpec.RSA_2048);
		String rsaKey = createKey("RSA_2048", null);
		String rsaJob = createJob(rsaKey, "RSA_AES_KEY_WRAP_SHA_1", "RSA_2048");
		Response viaOctets = this.api.post("/api/v1/import-jobs/" + rsaJob + "/key-material", pkcs1(rsa),
				"application/octet-stream");
		assertThat(viaOctets.status()).as(viaOctets.toString()).isEqualTo(200);
		assertThat(lastCause(rsaJob)).startsWith("public key confirmed");
	}

	@Test
	void clientWrappedPrivateKeyRecordsTheFingerprintOfThePublishedKey() throws Exception {
		KeyPair pair = ImportMatrix.privateKey(KeySpec.ECC_NIST_P256);
		String keyId = createKey("ECC_NIST_P256", null);
		String jobId = createJob(keyId, "RSAES_OAEP_SHA_256", "RSA_2048");
		byte[] wrappingKey = this.api.get("/api/v1/import-jobs/" + jobId + "/wrapping-key", "application/octet-stream")
			.body();
		byte[] wrapped = ImportJobApiTests.oaep(wrappingKey, "SHA-256", pair.getPrivate().getEncoded());

		Response imported = this.api.putBytes("/api/v1/import-jobs/" + jobId + "/encrypted-key-material", wrapped);

		assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
		assertThat(lastCause(jobId)).isEqualTo("public key not confirmed: the material was wrapped by the client, so "
				+ "Keyport never saw the private key; KMS public key SHA-256 " + sha256(pair.getPublic().getEncoded()));
	}

	@Test
	void publishedPublicKeyThatIsNotTheImportedOneIsRecordedAsMismatch() throws Exception {
		KeyPair pair = ImportMatrix.privateKey(KeySpec.ECC_SECG_P256K1);
		String keyId = createKey("ECC_SECG_P256K1", null);
		String jobId = createJob(keyId, "RSA_AES_KEY_WRAP_SHA_256", "RSA_2048");
		this.emulator.answerGetPublicKeyWithForeignKeys(true);
		Response imported;
		try {
			imported = this.api.postJson("/api/v1/import-jobs/" + jobId + "/key-material", ApiClient
				.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()))));
		}
		finally {
			this.emulator.answerGetPublicKeyWithForeignKeys(false);
		}

		// the import itself happened; the history says that KMS publishes another key
		assertThat(imported.json().get("state").asString()).isEqualTo("IMPORTED");
		JsonNode last = lastEvent(jobId);
		assertThat(last.get("errorCode").asString()).isEqualTo("public-key-mismatch");
		assertThat(last.get("cause").asString())
			.startsWith("public key mismatch: KMS returned a public key with SHA-256 ")
			.endsWith(", the imported private key has " + sha256(pair.getPublic().getEncoded()));
	}

	@Test
	void failedConfirmationIsRecordedButDoesNotUndoTheImport() throws Exception {
		KeyPair pair = ImportMatrix.privateKey(KeySpec.ECC_NIST_P256);
		String keyId = createKey("ECC_NIST_P256", null);
		String jobId = createJob(keyId, "RSAES_OAEP_SHA_1", "RSA_3072");
		this.emulator.faults().failEvery("GetPublicKey", 1, "KMSInternalException", 500);

		Response imported = this.api.postJson("/api/v1/import-jobs/" + jobId + "/key-material", ApiClient
			.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()))));

		assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
		assertThat(imported.json().get("state").asString()).isEqualTo("IMPORTED");
		JsonNode last = lastEvent(jobId);
		assertThat(last.get("cause").asString()).startsWith("public key confirmation failed: GetPublicKey: ");
		assertThat(last.get("errorCode").asString()).isIn("kms-internal-error", "kms-unavailable");
	}

	@Test
	void keyOfAnotherTypeIsRefusedNamingWhatWasFoundAndExpectedBeforeKms() throws Exception {
		KeyPair ec = ImportMatrix.privateKey(KeySpec.ECC_NIST_P384);
		String keyId = createKey("RSA_3072", null);
		String jobId = createJob(keyId, "RSA_AES_KEY_WRAP_SHA_256", "RSA_2048");
		long imports = this.emulator.callCount("ImportKeyMaterial");
		byte[] sec1 = PrivateKeyInfo.getInstance(ec.getPrivate().getEncoded())
			.parsePrivateKey()
			.toASN1Primitive()
			.getEncoded();

		Response response = this.api.post("/api/v1/import-jobs/" + jobId + "/key-material", pem("EC PRIVATE KEY", sec1),
				"application/x-pem-file");

		assertProblem(response, 422, "invalid-key-material");
		assertThat(response.json().get("detail").asString())
			.contains(
					"Expected an unencrypted DER PKCS#8 rsaEncryption private key with a 3072-bit modulus for RSA_3072")
			.contains("found")
			.contains("id-ecPublicKey")
			.contains("P-384");
		assertThat(this.emulator.callCount("ImportKeyMaterial")).isEqualTo(imports);
		assertThat(this.api.get("/api/v1/import-jobs/" + jobId).json().get("state").asString())
			.isEqualTo("PARAMETERS_FETCHED");
	}

	@Test
	void unusableRawBodiesAreRefusedWithTheirCodes() {
		String keyId = createKey("ECC_NIST_P256", null);
		String jobId = createJob(keyId, "RSAES_OAEP_SHA_256", "RSA_2048");
		String path = "/api/v1/import-jobs/" + jobId + "/key-material";

		assertProblem(this.api.post(path, new byte[0], "application/x-pem-file"), 400, "empty-key-material");
		assertProblem(this.api.post(path, new byte[16 * 1024 + 1], "application/octet-stream"), 413,
				"request-too-large");
		byte[] encrypted = pem("ENCRYPTED PRIVATE KEY", new byte[100]);
		Response response = this.api.post(path, encrypted, "application/x-pem-file");
		assertProblem(response, 422, "invalid-key-material");
		assertThat(response.json().get("detail").asString()).contains("KMS needs an unencrypted private key");
		assertProblem(this.api.post(path, new byte[10], "text/plain"), 415, "unsupported-media-type");
	}

	// --- public key download
	// -----------------------------------------------------------------------------------

	@Test
	void publicKeyComesAsJsonDerOrPemForKeyIdArnAliasAndAliasArn() throws Exception {
		KeyPair pair = ImportMatrix.privateKey(KeySpec.ECC_NIST_P521);
		String alias = "alias/keyport-test/p521-" + System.nanoTime();
		JsonNode key = json(this.api.postJson("/api/v1/kms-keys",
				ApiClient.json(Map.of("keySpec", "ECC_NIST_P521", "alias", alias))), 201);
		assertThat(key.get("alias").asString()).isEqualTo(alias);
		String keyId = key.get("keyId").asString();
		String arn = key.get("arn").asString();
		String aliasArn = arn.substring(0, arn.indexOf(":key/")) + ":" + alias;
		// the job may name the key by its alias too
		String jobId = createJob(alias, "RSA_AES_KEY_WRAP_SHA_256", "RSA_2048");
		assertThat(this.api
			.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
					ApiClient.json(
							Map.of("keyMaterial", Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()))))
			.status()).isEqualTo(200);
		byte[] expected = pair.getPublic().getEncoded();

		for (String reference : List.of(keyId, arn, alias, aliasArn)) {
			String path = "/api/v1/kms-keys/" + reference + "/public-key";
			JsonNode json = json(this.api.get(path), 200);
			assertThat(json.get("keyId").asString()).as(reference).isEqualTo(keyId);
			assertThat(json.get("keyArn").asString()).isEqualTo(arn);
			assertThat(json.get("keySpec").asString()).isEqualTo("ECC_NIST_P521");
			assertThat(json.get("keyUsage").asString()).isEqualTo("SIGN_VERIFY");
			assertThat(json.get("algorithms").get(0).asString()).isEqualTo("ECDSA_SHA_512");
			assertThat(fromPem(json.get("publicKeyPem").asString())).isEqualTo(expected);
			assertThat(json.get("sha256Fingerprint").asString()).isEqualTo(sha256(expected));
			assertThat(json.get("notice").asString()).contains("IAM").contains("CloudTrail").contains("disabling");

			Response der = this.api.get(path, "application/octet-stream");
			assertThat(der.status()).isEqualTo(200);
			assertThat(der.header("Content-Type")).startsWith("application/octet-stream");
			assertThat(der.header("Content-Disposition")).contains("publicKey_" + keyId + ".der");
			assertThat(der.body()).isEqualTo(expected);

			Response pem = this.api.get(path, "application/x-pem-file");
			assertThat(pem.header("Content-Type")).startsWith("application/x-pem-file");
			assertThat(pem.header("Content-Disposition")).contains("publicKey_" + keyId + ".pem");
			assertThat(pem.text()).isEqualTo(json.get("publicKeyPem").asString());

			assertThat(json(this.api.get("/api/v1/kms-keys/" + reference), 200).get("keyId").asString())
				.isEqualTo(keyId);
		}
	}

	@Test
	void keysWithoutAPublicKeyAnswerWithAClearProblem() {
		String symmetric = createKey("SYMMETRIC_DEFAULT", null);
		Response response = this.api.get("/api/v1/kms-keys/" + symmetric + "/public-key");
		assertProblem(response, 422, "key-not-asymmetric");
		assertThat(response.json().get("detail").asString()).contains("SYMMETRIC_DEFAULT");
		assertProblem(this.api.get("/api/v1/kms-keys/" + createKey("HMAC_256", null) + "/public-key"), 422,
				"key-not-asymmetric");
		assertProblem(this.api.get("/api/v1/kms-keys/" + createKey("RSA_4096", null) + "/public-key"), 409,
				"kms-key-pending-import");
		assertProblem(this.api.get("/api/v1/kms-keys/alias/no-such-alias/public-key"), 404, "kms-key-not-found");
		assertProblem(this.api.get("/api/v1/kms-keys/not%20a%20key/public-key"), 400, "invalid-parameter");
	}

	@Test
	void aliasIsCheckedBeforeAKeyIsCreatedForIt() {
		String alias = "alias/keyport-test/taken-" + System.nanoTime();
		json(this.api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", "HMAC_256", "alias", alias))), 201);
		long creations = this.emulator.callCount("CreateKey");

		assertProblem(
				this.api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", "HMAC_256", "alias", alias))),
				409, "alias-already-exists");
		assertProblem(
				this.api.postJson("/api/v1/kms-keys",
						ApiClient.json(Map.of("keySpec", "HMAC_256", "alias", "alias/aws/reserved"))),
				400, "invalid-alias");
		assertProblem(this.api.postJson("/api/v1/kms-keys",
				ApiClient.json(Map.of("keySpec", "HMAC_256", "alias", "no-prefix"))), 400, "invalid-alias");
		assertThat(this.emulator.callCount("CreateKey")).isEqualTo(creations);
	}

	@Test
	void keyUsageTheKeySpecCannotHaveIsRefusedNamingTheAllowedUsagesBeforeKms() {
		long creations = this.emulator.callCount("CreateKey");
		long descriptions = this.emulator.callCount("DescribeKey");
		Map<String, String> allowed = Map.of("ECC_NIST_P256", "SIGN_VERIFY, KEY_AGREEMENT", "SYMMETRIC_DEFAULT",
				"ENCRYPT_DECRYPT", "HMAC_256", "GENERATE_VERIFY_MAC", "ECC_SECG_P256K1", "SIGN_VERIFY", "RSA_2048",
				"ENCRYPT_DECRYPT, SIGN_VERIFY");
		for (String[] pair : List.of(new String[] { "ECC_NIST_P256", "ENCRYPT_DECRYPT" },
				new String[] { "SYMMETRIC_DEFAULT", "SIGN_VERIFY" }, new String[] { "HMAC_256", "ENCRYPT_DECRYPT" },
				new String[] { "ECC_SECG_P256K1", "KEY_AGREEMENT" },
				new String[] { "RSA_2048", "GENERATE_VERIFY_MAC" })) {
			Response response = this.api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", pair[0],
					"keyUsage", pair[1], "alias", "alias/keyport-test/usage-" + System.nanoTime())));
			assertProblem(response, 400, "invalid-key-spec");
			assertThat(response.json().get("detail").asString()).as(String.join(" ", pair))
				.contains("keyUsage")
				.contains(pair[0])
				.contains(allowed.get(pair[0]));
			assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo("keyUsage");
		}
		assertThat(this.emulator.callCount("CreateKey")).isEqualTo(creations);
		assertThat(this.emulator.callCount("DescribeKey")).isEqualTo(descriptions);

		// the usages the key spec can have still reach KMS
		json(this.api.postJson("/api/v1/kms-keys",
				ApiClient.json(Map.of("keySpec", "ECC_NIST_P256", "keyUsage", "KEY_AGREEMENT"))), 201);
		json(this.api.postJson("/api/v1/kms-keys",
				ApiClient.json(Map.of("keySpec", "RSA_2048", "keyUsage", "SIGN_VERIFY"))), 201);
	}

	@Test
	void keyWhoseAliasCannotBeCreatedIsScheduledForDeletion() {
		String alias = "alias/keyport-test/unlucky-" + System.nanoTime();
		long deletions = this.emulator.callCount("ScheduleKeyDeletion");
		this.emulator.faults().failEvery("CreateAlias", 1, "LimitExceededException", 400);

		Response response = this.api.postJson("/api/v1/kms-keys",
				ApiClient.json(Map.of("keySpec", "ECC_NIST_P256", "alias", alias)));

		assertProblem(response, 502, "kms-limit-exceeded");
		assertThat(response.json().get("detail").asString()).contains("was scheduled for deletion");
		assertThat(this.emulator.callCount("ScheduleKeyDeletion")).isEqualTo(deletions + 1);
	}

	@Test
	void aKeyWhoseAliasAndDeletionBothFailIsNotSaidToBeScheduledForDeletionAndStaysTheTenants() {
		String alias = "alias/keyport-test/twice-unlucky-" + System.nanoTime();
		Response response;
		try {
			this.emulator.faults().failEvery("CreateAlias", 1, "LimitExceededException", 400);
			this.emulator.faults().failEvery("ScheduleKeyDeletion", 1, KmsFaults.Fault.INTERNAL);
			response = this.api.postJson("/api/v1/kms-keys",
					ApiClient.json(Map.of("keySpec", "ECC_NIST_P256", "alias", alias)));
		}
		finally {
			this.emulator.faults().clear();
		}

		assertProblem(response, 502, "kms-limit-exceeded");
		String detail = response.json().get("detail").asString();
		assertThat(detail).doesNotContain("was scheduled for deletion").contains("scheduling its deletion failed too");
		String arn = detail.replaceAll("(?s).*The key (arn:\\S+) was created.*", "$1");
		JsonNode key = this.api.get("/api/v1/kms-keys/" + arn).json();
		assertThat(key.get("keyState").asString()).isEqualTo("PENDING_IMPORT");
	}

	@Test
	void aKeyWhoseOwnerCannotBeRecordedIsScheduledForDeletionInsteadOfLeftUnownedAndBilled() {
		String requestId = "owner-refused-" + System.nanoTime();
		// the database refuses the owner's row (a failover at that moment)
		this.jdbc.execute("create function refuse_owner() returns trigger language plpgsql as $$ begin "
				+ "raise exception 'connection lost'; end $$");
		this.jdbc.execute("create trigger refuse_owner before insert on kms_key_owner for each row "
				+ "execute function refuse_owner()");
		long deletions = this.emulator.callCount("ScheduleKeyDeletion");
		long creations = this.emulator.callCount("CreateKey");
		Response response;
		try {
			response = this.api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT")),
					Map.of("X-Request-Id", requestId));
		}
		finally {
			this.jdbc.execute("drop trigger refuse_owner on kms_key_owner");
			this.jdbc.execute("drop function refuse_owner()");
		}

		assertThat(response.status()).as(response.toString()).isGreaterThanOrEqualTo(500);
		assertThat(this.emulator.callCount("CreateKey")).isEqualTo(creations + 1);
		assertThat(this.emulator.callCount("ScheduleKeyDeletion")).isEqualTo(deletions + 1);
		String arn = this.jdbc.queryForObject(
				"select kms_key_arn from audit_event where request_id = ? " + "and operation = 'kms:CreateKey'",
				String.class, requestId);
		JsonNode key = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.OPERATOR))
			.get("/api/v1/kms-keys/" + arn)
			.json();
		assertThat(key.get("keyState").asString()).isEqualTo("PENDING_DELETION");
	}

	@Test
	void anAliasCreatedAlthoughItsAnswerWasLostNamesTheNewKeyWhichIsKept() {
		String alias = "alias/keyport-test/lost-answer-" + System.nanoTime();
		long deletions = this.emulator.callCount("ScheduleKeyDeletion");
		this.emulator.faults().failAfterExecutionEvery("CreateAlias", 1, KmsFaults.Fault.INTERNAL);
		Response response;
		try {
			response = this.api.postJson("/api/v1/kms-keys",
					ApiClient.json(Map.of("keySpec", "ECC_NIST_P256", "alias", alias)));
		}
		finally {
			this.emulator.faults().clear();
		}

		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		String keyId = response.json().get("keyId").asString();
		assertThat(this.emulator.callCount("ScheduleKeyDeletion")).isEqualTo(deletions);
		assertThat(this.api.get("/api/v1/kms-keys/" + alias).json().get("keyId").asString()).isEqualTo(keyId);
	}

	@Test
	void sm2KeysAreRefusedOutsideChinaBeforeKms() {
		long creations = this.emulator.callCount("CreateKey");
		Response response = this.api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", "SM2")));
		assertProblem(response, 422, "unsupported-key-spec");
		assertThat(response.json().get("detail").asString()).contains("China");
		assertThat(this.emulator.callCount("CreateKey")).isEqualTo(creations);
	}

	// --- wrapping options
	// --------------------------------------------------------------------------------------

	@Test
	void wrappingOptionsListTheAllowedPairsRecommendedFirst() {
		JsonNode rsa = json(this.api.get("/api/v1/wrapping-options?keySpec=RSA_3072"), 200);
		assertThat(rsa.get("region").asString()).isEqualTo(this.emulator.region());
		assertThat(rsa.get("partition").asString()).isEqualTo("aws");
		assertThat(options(rsa)).containsExactly("RSA_AES_KEY_WRAP_SHA_256/RSA_4096*",
				"RSA_AES_KEY_WRAP_SHA_1/RSA_4096", "RSA_AES_KEY_WRAP_SHA_256/RSA_3072",
				"RSA_AES_KEY_WRAP_SHA_1/RSA_3072", "RSA_AES_KEY_WRAP_SHA_256/RSA_2048",
				"RSA_AES_KEY_WRAP_SHA_1/RSA_2048");

		JsonNode p521 = json(this.api.get("/api/v1/wrapping-options?keySpec=ECC_NIST_P521&region=eu-central-1"), 200);
		assertThat(options(p521)).startsWith("RSAES_OAEP_SHA_256/RSA_4096*")
			.doesNotContain("RSAES_OAEP_SHA_256/RSA_2048", "RSAES_OAEP_SHA_1/RSA_2048")
			.contains("RSA_AES_KEY_WRAP_SHA_256/RSA_2048");

		JsonNode china = json(this.api.get("/api/v1/wrapping-options?keySpec=ECC_NIST_P521&region=cn-north-1"), 200);
		assertThat(china.get("partition").asString()).isEqualTo("aws-cn");
		assertThat(options(china)).containsExactly("RSAES_OAEP_SHA_256/RSA_4096*", "RSAES_OAEP_SHA_1/RSA_4096",
				"RSAES_OAEP_SHA_256/RSA_3072", "RSAES_OAEP_SHA_1/RSA_3072", "SM2PKE/SM2");
		// RSA private keys in China: SM2PKE only, as AWS documents
		assertThat(options(json(this.api.get("/api/v1/wrapping-options?keySpec=RSA_2048&region=cn-north-1"), 200)))
			.containsExactly("SM2PKE/SM2*");
		assertThat(options(json(this.api.get("/api/v1/wrapping-options?keySpec=SM2&region=cn-northwest-1"), 200)))
			.first()
			.isEqualTo("RSAES_OAEP_SHA_256/RSA_4096*");
	}

	@Test
	void wrappingOptionsRefuseWhatCannotBeAskedOrImported() {
		assertProblem(this.api.get("/api/v1/wrapping-options?keySpec=AES_256"), 400, "invalid-key-spec");
		assertProblem(this.api.get("/api/v1/wrapping-options"), 400, "missing-parameter");
		assertProblem(this.api.get("/api/v1/wrapping-options?keySpec=HMAC_256&region=Mars"), 400, "invalid-parameter");
		assertProblem(this.api.get("/api/v1/wrapping-options?keySpec=SM2"), 422, "unsupported-key-spec");
		assertProblem(this.api.get("/api/v1/wrapping-options?keySpec=ML_DSA_65"), 422, "unsupported-key-spec");
	}

	// --- helpers
	// -----------------------------------------------------------------------------------------------

	static List<String> options(JsonNode response) {
		List<String> options = new java.util.ArrayList<>();
		response.get("options")
			.forEach((o) -> options.add(o.get("wrappingAlgorithm").asString() + "/"
					+ o.get("wrappingKeySpec").asString() + (o.get("recommended").asBoolean() ? "*" : "")));
		return options;
	}

	String createKey(String keySpec, String alias) {
		Map<String, Object> body = (alias != null) ? Map.of("keySpec", keySpec, "alias", alias)
				: Map.of("keySpec", keySpec);
		return json(this.api.postJson("/api/v1/kms-keys", ApiClient.json(body)), 201).get("keyId").asString();
	}

	String createJob(String keyId, String algorithm, String wrappingKeySpec) {
		return json(
				this.api.postJson("/api/v1/import-jobs", ApiClient.json(
						Map.of("kmsKeyId", keyId, "wrappingAlgorithm", algorithm, "wrappingKeySpec", wrappingKeySpec))),
				201)
			.get("id")
			.asString();
	}

	JsonNode lastEvent(String jobId) {
		JsonNode events = this.api.get("/api/v1/import-jobs/" + jobId + "/events").json();
		return events.get(events.size() - 1);
	}

	String lastCause(String jobId) {
		return lastEvent(jobId).get("cause").asString();
	}

	static byte[] pkcs1(KeyPair pair) throws Exception {
		return PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded())
			.parsePrivateKey()
			.toASN1Primitive()
			.getEncoded();
	}

	static byte[] pem(String label, byte[] der) {
		String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
		return ("-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n")
			.getBytes(StandardCharsets.US_ASCII);
	}

	static byte[] fromPem(String pem) {
		return Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
	}

	static String sha256(byte[] der) throws Exception {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
	}

}
