package io.keyport.importjob;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plaintext key material must not survive anywhere: after plaintext imports (successful
 * and refused, symmetric keys and private keys as PEM and DER), with verbose web, SQL and
 * SDK logging on, neither the log output, any database table nor any response holds the
 * material, or a private key's secret numbers, in hex or base64.
 */
@ExtendWith(OutputCaptureExtension.class)
@org.springframework.test.annotation.DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "logging.level.org.springframework.web=TRACE", "logging.level.io.keyport=TRACE",
				"logging.level.org.hibernate.SQL=DEBUG", "logging.level.org.hibernate.orm.jdbc.bind=TRACE",
				"logging.level.software.amazon.awssdk.request=DEBUG", "logging.level.org.apache.http.wire=DEBUG" })
class KeyMaterialHygieneTests extends IntegrationTest {

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	private static final io.keyport.testsupport.LazyKmsKey CUSTODY_KEY = new io.keyport.testsupport.LazyKmsKey(
			"keyport hygiene custody key");

	@org.springframework.test.context.DynamicPropertySource
	static void custodian(org.springframework.test.context.DynamicPropertyRegistry registry) {
		registry.add("keyport.custody.vault.type", () -> "kms-envelope");
		registry.add("keyport.custody.vault.key-id", CUSTODY_KEY::arn);
	}

	static final List<String> VERBOSE_LOGGERS = List.of("org.springframework.web", "io.keyport", "org.hibernate.SQL",
			"org.hibernate.orm.jdbc.bind", "software.amazon.awssdk.request", "org.apache.http.wire");

	/** Log levels are JVM-wide: put them back so later test classes are not flooded. */
	@org.junit.jupiter.api.AfterAll
	static void restoreLogLevels() {
		org.springframework.boot.logging.LoggingSystem system = org.springframework.boot.logging.LoggingSystem
			.get(KeyMaterialHygieneTests.class.getClassLoader());
		VERBOSE_LOGGERS.forEach(logger -> system.setLogLevel(logger, null));
	}

	@Test
	void plaintextMaterialAppearsInNoLogNoTableAndNoResponse(CapturedOutput output) {
		ApiClient api = new ApiClient(this.port);
		SecureRandom random = new SecureRandom();
		List<byte[]> materials = new ArrayList<>();
		List<String> responses = new ArrayList<>();

		for (String keySpec : List.of("SYMMETRIC_DEFAULT", "HMAC_256", "HMAC_512")) {
			String keyId = api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", keySpec)))
				.json()
				.get("keyId")
				.asString();
			String jobId = api.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyId)))
				.json()
				.get("id")
				.asString();
			int length = switch (keySpec) {
				case "HMAC_512" -> 64;
				default -> 32;
			};
			// first a refused upload (one byte short), then the real one
			byte[] wrongLength = new byte[length - 1];
			random.nextBytes(wrongLength);
			materials.add(wrongLength);
			responses
				.add(api
					.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
							ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(wrongLength))))
					.text());
			byte[] material = new byte[length];
			random.nextBytes(material);
			materials.add(material);
			ApiClient.Response imported = api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
					ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(material))));
			assertThat(imported.json().get("state").asString()).isEqualTo("IMPORTED");
			responses.add(imported.text());
			responses.add(api.get("/api/v1/import-jobs/" + jobId + "/events").text());
		}

		// private keys: a SEC1 PEM as the raw body and an RSA PKCS#8 in JSON; neither the
		// DER nor the secret
		// numbers may show up anywhere, nor may the PEM text
		java.security.KeyPair ec = ImportMatrix.privateKey(io.keyport.wrapping.KeySpec.ECC_NIST_P256);
		java.security.KeyPair rsa = ImportMatrix.privateKey(io.keyport.wrapping.KeySpec.RSA_2048);
		byte[] sec1 = sec1(ec);
		byte[] pem = AsymmetricImportApiTests.pem("EC PRIVATE KEY", sec1);
		materials.add(sec1);
		materials.add(ec.getPrivate().getEncoded());
		materials.add(unsigned(((java.security.interfaces.ECPrivateKey) ec.getPrivate()).getS()));
		materials.add(rsa.getPrivate().getEncoded());
		materials.add(unsigned(((java.security.interfaces.RSAPrivateCrtKey) rsa.getPrivate()).getPrivateExponent()));
		materials.add(unsigned(((java.security.interfaces.RSAPrivateCrtKey) rsa.getPrivate()).getPrimeP()));
		String ecJob = job(api, "ECC_NIST_P256", "RSAES_OAEP_SHA_256");
		ApiClient.Response ecImported = api.post("/api/v1/import-jobs/" + ecJob + "/key-material", pem,
				"application/x-pem-file");
		assertThat(ecImported.json().get("state").asString()).isEqualTo("IMPORTED");
		responses.add(ecImported.text());
		responses.add(api.get("/api/v1/import-jobs/" + ecJob + "/events").text());
		String rsaJob = job(api, "RSA_2048", "RSA_AES_KEY_WRAP_SHA_256");
		ApiClient.Response rsaImported = api.postJson("/api/v1/import-jobs/" + rsaJob + "/key-material", ApiClient
			.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(rsa.getPrivate().getEncoded()))));
		assertThat(rsaImported.json().get("state").asString()).isEqualTo("IMPORTED");
		responses.add(rsaImported.text());
		responses.add(api.get("/api/v1/import-jobs/" + rsaJob + "/events").text());

		String database = dumpEveryTable();
		assertThat(database).contains("IMPORTED"); // the dump really holds the jobs
		assertThat(output.getAll()).contains("key-material"); // the trace logging really
																// ran
		for (byte[] material : materials) {
			for (String form : forms(material)) {
				assertThat(output.getAll()).as("log output").doesNotContainIgnoringCase(form);
				assertThat(database).as("database").doesNotContainIgnoringCase(form);
				assertThat(responses).as("responses").noneMatch(r -> r.toLowerCase().contains(form.toLowerCase()));
			}
		}
	}

	/**
	 * Material in custody (issue 15): uploaded to a KMS-envelope custodian, sealed and
	 * re-wrapped; neither the material nor the data key that seals it (learnt here by the
	 * test's own Decrypt of the stored blob) is in the log output, a table or a response,
	 * with the HTTP wire log on.
	 */
	@Test
	void custodyMaterialAndItsDataKeyAppearInNoLogNoTableAndNoResponse(CapturedOutput output) {
		ApiClient api = new ApiClient(this.port);
		String keyId = api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT")))
			.json()
			.get("keyId")
			.asString();
		String jobId = api
			.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyId, "custody", "vault")))
			.json()
			.get("id")
			.asString();
		byte[] material = new byte[32];
		new SecureRandom().nextBytes(material);
		io.keyport.testsupport.PlaintextRegistry.register(material);
		List<String> responses = new ArrayList<>();
		ApiClient.Response imported = api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(material))));
		assertThat(imported.json().get("state").asString()).as(imported.text()).isEqualTo("IMPORTED");
		assertThat(imported.json().get("custodyMaterialHeld").asBoolean()).isTrue();
		responses.add(imported.text());
		responses.add(api.get("/api/v1/import-jobs/" + jobId + "/events").text());
		String custodyId = this.jdbc.queryForObject("select custody_id from import_job where id = ?::uuid",
				String.class, jobId);
		Map<String, Object> row = this.jdbc.queryForMap(
				"select kms_key_id, encrypted_data_key, key_spec from custody_material where id = ?::uuid", custodyId);
		byte[] dataKey = io.keyport.testsupport.TestInfrastructure.kmsClient()
			.decrypt(r -> r.keyId((String) row.get("kms_key_id"))
				.ciphertextBlob(
						software.amazon.awssdk.core.SdkBytes.fromByteArray((byte[]) row.get("encrypted_data_key")))
				.encryptionContext(Map.of("keyport:custodian", "vault", "keyport:custody-id", custodyId,
						"keyport:key-spec", (String) row.get("key_spec"))))
			.plaintext()
			.asByteArray();
		assertThat(dataKey).hasSize(32);

		String database = dumpEveryTable();
		assertThat(database).contains(custodyId);
		assertThat(output.getAll()).contains("material kept by custodian vault", "software.amazon.awssdk.request");
		for (byte[] secret : List.of(material, dataKey)) {
			for (String form : forms(secret)) {
				assertThat(output.getAll()).as("log output").doesNotContainIgnoringCase(form);
				assertThat(database).as("database").doesNotContainIgnoringCase(form);
				assertThat(responses).as("responses").noneMatch(r -> r.toLowerCase().contains(form.toLowerCase()));
			}
		}
	}

	/**
	 * Real material sent in forms the JSON endpoints must refuse (base64 without padding,
	 * URL-safe base64, JSON cut off inside the value, the value without quotes, to both
	 * plaintext and encrypted-material endpoints): each is a 400 with its code, and
	 * neither the response, the output nor the log file of the run holds the material.
	 * Registered for the suite-wide scan as well.
	 */
	@Test
	void invalidBase64AndTruncatedJsonWithRealMaterialLeaveNoTrace(CapturedOutput output) throws Exception {
		ApiClient api = new ApiClient(this.port);
		String jobId = job(api, "SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_256");
		String plaintext = "/api/v1/import-jobs/" + jobId + "/key-material";
		String encrypted = "/api/v1/import-jobs/" + jobId + "/encrypted-key-material";
		List<byte[]> materials = new ArrayList<>();
		List<String> responses = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			byte[] unpadded = materialWhoseBase64(32, b -> b.endsWith("="));
			byte[] urlSafe = materialWhoseBase64(32, b -> b.contains("+") || b.contains("/"));
			byte[] truncated = materialWhoseBase64(32, b -> true);
			byte[] unquoted = materialWhoseBase64(32, b -> true);
			materials.addAll(List.of(unpadded, urlSafe, truncated, unquoted));
			String path = i == 0 ? plaintext : encrypted;
			String field = i == 0 ? "keyMaterial" : "encryptedKeyMaterial";
			java.util.function.Function<String, ApiClient.Response> send = body -> upload(api, path, body);
			ApiClient.Response noPadding = send
				.apply("{\"" + field + "\":\"" + Base64.getEncoder().withoutPadding().encodeToString(unpadded) + "\"}");
			ApiClient.Response urlAlphabet = send
				.apply("{\"" + field + "\":\"" + Base64.getUrlEncoder().encodeToString(urlSafe) + "\"}");
			ApiClient.Response cutOff = send
				.apply("{\"" + field + "\":\"" + Base64.getEncoder().encodeToString(truncated));
			ApiClient.Response notAString = send
				.apply("{\"" + field + "\":" + Base64.getEncoder().encodeToString(unquoted) + "}");
			for (ApiClient.Response response : List.of(noPadding, urlAlphabet, cutOff, notAString)) {
				assertThat(response.status()).as(response.text()).isEqualTo(400);
				responses.add(response.text());
			}
			assertThat(noPadding.json().get("code").asString()).isEqualTo("invalid-base64");
			assertThat(urlAlphabet.json().get("code").asString()).isEqualTo("invalid-base64");
			assertThat(cutOff.json().get("code").asString()).isEqualTo("malformed-request-body");
			assertThat(notAString.json().get("code").asString()).isEqualTo("malformed-request-body");
		}
		materials.forEach(io.keyport.testsupport.PlaintextRegistry::register);
		assertThat(api.get("/api/v1/import-jobs/" + jobId).json().get("state").asString())
			.isEqualTo("PARAMETERS_FETCHED");

		assertThat(output.getAll()).contains("key-material"); // the trace logging really
																// ran
		String logFile = java.nio.file.Files
			.readString(java.nio.file.Path.of("target", "test-logs", "keyport-tests.log"));
		for (byte[] material : materials) {
			for (String form : forms(material)) {
				assertThat(output.getAll()).as("log output").doesNotContainIgnoringCase(form);
				assertThat(logFile).as("log file").doesNotContainIgnoringCase(form);
				assertThat(responses).as("responses").noneMatch(r -> r.toLowerCase().contains(form.toLowerCase()));
			}
		}
	}

	private static ApiClient.Response upload(ApiClient api, String path, String body) {
		return path.endsWith("/encrypted-key-material") ? api.putJson(path, body) : api.postJson(path, body);
	}

	/**
	 * Random material whose standard base64 has the property (so each case really
	 * exercises its defect).
	 */
	static byte[] materialWhoseBase64(int length, java.util.function.Predicate<String> property) {
		SecureRandom random = new SecureRandom();
		while (true) {
			byte[] material = new byte[length];
			random.nextBytes(material);
			if (property.test(Base64.getEncoder().encodeToString(material))) {
				return material;
			}
		}
	}

	static String job(ApiClient api, String keySpec, String algorithm) {
		String keyId = api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", keySpec)))
			.json()
			.get("keyId")
			.asString();
		return api
			.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyId, "wrappingAlgorithm", algorithm)))
			.json()
			.get("id")
			.asString();
	}

	static byte[] sec1(java.security.KeyPair pair) {
		try {
			return org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded())
				.parsePrivateKey()
				.toASN1Primitive()
				.getEncoded();
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	/** The magnitude of a secret number, without a sign byte. */
	static byte[] unsigned(java.math.BigInteger value) {
		return org.bouncycastle.util.BigIntegers.asUnsignedByteArray(value);
	}

	/**
	 * Hex, base64 (standard and URL-safe, without padding so it also matches inside
	 * longer strings).
	 */
	static List<String> forms(byte[] material) {
		String base64 = Base64.getEncoder().withoutPadding().encodeToString(material);
		String base64Url = Base64.getUrlEncoder().withoutPadding().encodeToString(material);
		return List.of(HexFormat.of().formatHex(material), base64.substring(0, base64.length() - 1),
				base64Url.substring(0, base64Url.length() - 1));
	}

	/**
	 * Every row of every table in the schema, as JSON text (bytea columns appear as hex).
	 */
	String dumpEveryTable() {
		List<String> tables = this.jdbc
			.queryForList("select table_name from information_schema.tables where table_schema = 'public' "
					+ "and table_type = 'BASE TABLE'", String.class);
		assertThat(tables).contains("import_job", "import_job_event");
		StringBuilder dump = new StringBuilder();
		for (String table : tables) {
			this.jdbc.queryForList("select row_to_json(t)::text from \"" + table + "\" t", String.class)
				.forEach(row -> dump.append(row).append('\n'));
		}
		return dump.toString();
	}

}
