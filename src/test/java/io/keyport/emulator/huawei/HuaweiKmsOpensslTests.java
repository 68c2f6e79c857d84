package io.keyport.emulator.huawei;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

import io.keyport.emulator.MutableClock;
import io.keyport.emulator.huawei.HuaweiTestClient.Response;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seed 003's flow against the emulator with the real {@code openssl} as the independent
 * reference: the seed's commands wrap AES_256 material; {@code openssl genpkey} RSA_3072
 * and EC_P256 keys travel in the two-part envelope ({@code openssl enc
 * -id-aes256-wrap-pad}), and get-publickey answers what {@code openssl pkey -pubout}
 * says. Skipped when openssl is not installed.
 */
class HuaweiKmsOpensslTests {

	private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

	private static final MutableClock CLOCK = new MutableClock(START);

	private static HuaweiKmsEmulator emulator;

	private static HuaweiTestClient kms;

	@TempDir
	Path dir;

	@BeforeAll
	static void start() {
		Assumptions.assumeTrue(opensslAvailable(), "openssl is not installed");
		emulator = HuaweiKmsEmulator.builder().port(0).clock(CLOCK).describesBeforeActive(0).start();
		kms = new HuaweiTestClient(emulator, HuaweiKmsEmulator.DEFAULT_ACCESS_KEY, HuaweiKmsEmulator.DEFAULT_SECRET_KEY,
				CLOCK);
	}

	@AfterAll
	static void stop() {
		if (emulator != null) {
			emulator.close();
		}
	}

	@BeforeEach
	void reset() {
		CLOCK.set(START);
		emulator.reset();
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = {
			// seed 003, Table 2, as printed
			"seed command (DER key, MGF1 defaults to the OAEP hash) | -keyform der -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256",
			"explicit MGF1 SHA-256 | -keyform der -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256" })
	void aes256MaterialWrappedWithTheSeedsOpensslCommandImports(String name, String options) throws Exception {
		String keyId = create("AES_256");
		JsonNode parameters = parameters(keyId);
		// seed 003 step 10: PublicKey.b64 -> PublicKey.bin
		Files.writeString(this.dir.resolve("PublicKey.b64"), parameters.path("public_key").asString());
		openssl("enc", "-d", "-base64", "-A", "-in", "PublicKey.b64", "-out", "PublicKey.bin");
		// step 11: material and its wrapping
		openssl("rand", "-out", "PlaintextKeyMaterial.bin", "32");
		List<String> command = new ArrayList<>(List.of("pkeyutl", "-in", "PlaintextKeyMaterial.bin", "-inkey",
				"PublicKey.bin", "-out", "EncryptedKeyMaterial.bin", "-pubin", "-encrypt"));
		command.addAll(List.of(options.trim().split(" ")));
		openssl(command.toArray(String[]::new));
		byte[] material = Files.readAllBytes(this.dir.resolve("PlaintextKeyMaterial.bin"));

		long expiry = START.plus(Duration.ofDays(1)).getEpochSecond();
		Response imported = importMaterial(keyId, parameters,
				base64(Files.readAllBytes(this.dir.resolve("EncryptedKeyMaterial.bin"))), null, expiry);
		assertThat(imported.status()).as(imported.rawBody()).isEqualTo(200);
		assertThat(emulator.keyState(keyId)).isEqualTo("2");
		assertThat(emulator.materialDigest(keyId)).isEqualTo(HuaweiKmsEmulator.materialDigest(material));
		assertThat(emulator.materialExpiry(keyId)).isEqualTo(Instant.ofEpochSecond(expiry));
	}

	@Test
	void opensslOaepWithAnSha1Mgf1IsRefusedAsARsaDecryptionFailure() throws Exception {
		String keyId = create("AES_256");
		JsonNode parameters = parameters(keyId);
		writePem(parameters, "wrapping.pem");
		openssl("rand", "-out", "material.bin", "32");
		openssl("pkeyutl", "-encrypt", "-pubin", "-inkey", "wrapping.pem", "-pkeyopt", "rsa_padding_mode:oaep",
				"-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha1", "-in", "material.bin", "-out",
				"material.enc");
		Response refused = importMaterial(keyId, parameters,
				base64(Files.readAllBytes(this.dir.resolve("material.enc"))), null, null);
		assertThat(refused.status()).isEqualTo(400);
		assertThat(refused.errorCode()).isEqualTo("KMS.0311");
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			value = { "RSA_3072 | -algorithm RSA -pkeyopt rsa_keygen_bits:3072",
					"EC_P256 | -algorithm EC -pkeyopt ec_paramgen_curve:P-256",
					"EC_P384 | -algorithm EC -pkeyopt ec_paramgen_curve:P-384" })
	void opensslPrivateKeyImportsThroughTheTwoPartEnvelopeAndGetPublickeyMatchesPkeyPubout(String spec,
			String genpkeyOptions) throws Exception {
		String keyId = create(spec);
		JsonNode parameters = parameters(keyId);
		writePem(parameters, "wrapping.pem");
		List<String> genpkey = new ArrayList<>(List.of("genpkey", "-out", "private.pem"));
		genpkey.addAll(List.of(genpkeyOptions.trim().split(" ")));
		openssl(genpkey.toArray(String[]::new));
		openssl("pkcs8", "-topk8", "-nocrypt", "-in", "private.pem", "-outform", "DER", "-out", "private.der");
		openssl("rand", "-out", "aes.key", "32");
		openssl("pkeyutl", "-encrypt", "-pubin", "-inkey", "wrapping.pem", "-pkeyopt", "rsa_padding_mode:oaep",
				"-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha256", "-in", "aes.key", "-out",
				"key.enc");
		String aesKeyHex = HexFormat.of().formatHex(Files.readAllBytes(this.dir.resolve("aes.key")));
		openssl("enc", "-id-aes256-wrap-pad", "-K", aesKeyHex, "-iv", "A65959A6", "-in", "private.der", "-out",
				"private.enc");

		Response imported = importMaterial(keyId, parameters, base64(Files.readAllBytes(this.dir.resolve("key.enc"))),
				base64(Files.readAllBytes(this.dir.resolve("private.enc"))), null);
		assertThat(imported.status()).as(imported.rawBody()).isEqualTo(200);
		assertThat(emulator.keyState(keyId)).isEqualTo("2");

		Response publicKey = kms.call("get-publickey", Map.of("key_id", keyId));
		assertThat(publicKey.status()).isEqualTo(200);
		String pem = publicKey.body().path("public_key").asString();
		assertThat(pem).contains("\r\n");
		String expected = new String(openssl("pkey", "-in", "private.pem", "-pubout"), StandardCharsets.US_ASCII);
		assertThat(pem.replace("\r\n", "\n").strip()).isEqualTo(expected.strip());
	}

	@Test
	void everyImportSucceedsWhenTheEmulatorThrottlesEveryThirdCallAndTheClientRetries() throws Exception {
		emulator.faults().throttleEvery(3);
		openssl("rand", "-out", "material.bin", "32");
		byte[] material = Files.readAllBytes(this.dir.resolve("material.bin"));
		for (int i = 0; i < 4; i++) {
			String keyId = retried("create-key",
					Map.of("key_alias", "throttled-" + UUID.randomUUID(), "key_spec", "AES_256", "origin", "external"))
				.body()
				.path("key_info")
				.path("key_id")
				.asString();
			JsonNode parameters = retried("get-parameters-for-import",
					Map.of("key_id", keyId, "wrapping_algorithm", "RSAES_OAEP_SHA_256"))
				.body();
			writePem(parameters, "wrapping.pem");
			openssl("pkeyutl", "-encrypt", "-pubin", "-inkey", "wrapping.pem", "-pkeyopt", "rsa_padding_mode:oaep",
					"-pkeyopt", "rsa_oaep_md:sha256", "-in", "material.bin", "-out", "material.enc");
			retried("import-key-material", importBody(keyId, parameters,
					base64(Files.readAllBytes(this.dir.resolve("material.enc"))), null, null));
			assertThat(emulator.keyState(keyId)).isEqualTo("2");
			assertThat(emulator.materialDigest(keyId)).isEqualTo(HuaweiKmsEmulator.materialDigest(material));
		}
		assertThat(emulator.requests().stream().filter((request) -> request.status() == 429)).hasSizeGreaterThan(2);
	}

	@Test
	void wrongSecretKeyFailsTheSeedFlowAtTheFirstCall() {
		Response response = kms.withSecretKey("not-the-secret")
			.call("create-key", Map.of("key_alias", "never", "origin", "external"));
		assertThat(response.status()).isEqualTo(401);
		assertThat(response.errorCode()).isEqualTo("APIG.0301");
		assertThat(emulator.callCounts()).containsOnlyKeys("create-key");
		assertThat(emulator.requests("create-key")).singleElement()
			.satisfies((request) -> assertThat(request.errorCode()).isEqualTo("APIG.0301"));
	}

	// helpers

	private Response retried(String operation, Map<String, ?> body) {
		for (int attempt = 0; attempt < 5; attempt++) {
			Response response = kms.call(operation, body);
			if (response.status() != 429) {
				assertThat(response.status()).as(response.rawBody()).isEqualTo(200);
				return response;
			}
		}
		throw new AssertionError(operation + " throttled five times in a row");
	}

	private static String create(String spec) {
		Response created = kms.call("create-key",
				Map.of("key_alias", "openssl-" + UUID.randomUUID(), "key_spec", spec, "origin", "external"));
		assertThat(created.status()).as(created.rawBody()).isEqualTo(200);
		return created.body().path("key_info").path("key_id").asString();
	}

	private static JsonNode parameters(String keyId) {
		Response response = kms.call("get-parameters-for-import",
				Map.of("key_id", keyId, "wrapping_algorithm", "RSAES_OAEP_SHA_256"));
		assertThat(response.status()).as(response.rawBody()).isEqualTo(200);
		return response.body();
	}

	private void writePem(JsonNode parameters, String name) throws IOException {
		Files.writeString(this.dir.resolve(name),
				"-----BEGIN PUBLIC KEY-----\n"
						+ Base64.getMimeEncoder(64, new byte[] { '\n' })
							.encodeToString(Base64.getDecoder().decode(parameters.path("public_key").asString()))
						+ "\n-----END PUBLIC KEY-----\n");
	}

	private static Map<String, Object> importBody(String keyId, JsonNode parameters, String encryptedKeyMaterial,
			String encryptedPrivateKey, Long expiration) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("key_id", keyId);
		body.put("import_token", parameters.path("import_token").asString());
		body.put("encrypted_key_material", encryptedKeyMaterial);
		if (encryptedPrivateKey != null) {
			body.put("encrypted_privatekey", encryptedPrivateKey);
		}
		if (expiration != null) {
			body.put("expiration_time", expiration);
		}
		return body;
	}

	private static Response importMaterial(String keyId, JsonNode parameters, String encryptedKeyMaterial,
			String encryptedPrivateKey, Long expiration) {
		return kms.call("import-key-material",
				importBody(keyId, parameters, encryptedKeyMaterial, encryptedPrivateKey, expiration));
	}

	private static String base64(byte[] bytes) {
		return Base64.getEncoder().encodeToString(bytes);
	}

	/** Runs openssl in the test's directory; its standard output. */
	private byte[] openssl(String... arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add("openssl");
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).directory(this.dir.toFile())
			.redirectError(this.dir.resolve("openssl.err").toFile())
			.start();
		byte[] output = process.getInputStream().readAllBytes();
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(() -> arguments[0] + " failed: " + readError()).isZero();
		return output;
	}

	private String readError() {
		try {
			return Files.readString(this.dir.resolve("openssl.err"));
		}
		catch (IOException ex) {
			return "(no error output)";
		}
	}

	private static boolean opensslAvailable() {
		try {
			Process process = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
			process.getInputStream().readAllBytes();
			return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
