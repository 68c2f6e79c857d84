package io.keyport.importjob;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.web.server.LocalServerPort;

import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.IntegrationTest;
import io.keyport.wrapping.OpenSsl;

import static io.keyport.importjob.ImportJobApiTests.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * OpenSSL as the client, as the AWS developer guide shows it ("Generate key material for
 * testing", "Encrypt the key material"): material made and wrapped with the documented
 * commands imports through the client-side upload into the emulator, and private keys
 * made with {@code openssl genpkey} import as PEM through the plaintext endpoint; in both
 * cases the public key downloaded afterwards is the one {@code openssl pkey -pubout}
 * derives. Skipped without openssl.
 */
class OpenSslImportTests extends IntegrationTest {

	@TempDir
	static Path dir;

	/** Material files per key spec, generated once: RSA-4096 takes seconds. */
	private static final Map<String, Path> MATERIAL = new ConcurrentHashMap<>();

	@LocalServerPort
	int port;

	ApiClient api;

	@BeforeAll
	static void requireOpenSsl() {
		assumeTrue(OpenSsl.available(), "openssl is not on the PATH; skipping the OpenSSL import tests");
	}

	@BeforeEach
	void client() {
		this.api = new ApiClient(this.port);
	}

	/**
	 * Key spec, wrapping algorithm, wrapping key spec: every material type of the guide,
	 * every algorithm.
	 */
	static Stream<Arguments> documentedMaterialAndAlgorithms() {
		List<Arguments> cases = new ArrayList<>();
		for (String keySpec : List.of("SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512")) {
			cases.add(Arguments.of(keySpec, "RSAES_OAEP_SHA_1", "RSA_2048"));
			cases.add(Arguments.of(keySpec, "RSAES_OAEP_SHA_256", "RSA_4096"));
		}
		for (String keySpec : List.of("ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1")) {
			cases.add(Arguments.of(keySpec, "RSAES_OAEP_SHA_1", "RSA_3072"));
			cases.add(Arguments.of(keySpec, "RSAES_OAEP_SHA_256", "RSA_4096"));
			cases.add(Arguments.of(keySpec, "RSA_AES_KEY_WRAP_SHA_1", "RSA_2048"));
			cases.add(Arguments.of(keySpec, "RSA_AES_KEY_WRAP_SHA_256", "RSA_3072"));
		}
		for (String keySpec : List.of("RSA_2048", "RSA_3072", "RSA_4096")) {
			cases.add(Arguments.of(keySpec, "RSA_AES_KEY_WRAP_SHA_1", "RSA_2048"));
			cases.add(Arguments.of(keySpec, "RSA_AES_KEY_WRAP_SHA_256", "RSA_4096"));
		}
		return cases.stream();
	}

	@ParameterizedTest(name = "{0} wrapped by openssl with {1} under {2}")
	@MethodSource("documentedMaterialAndAlgorithms")
	void materialWrappedWithTheDocumentedOpenSslCommandsImports(String keySpec, String algorithm,
			String wrappingKeySpec) throws Exception {
		Path material = material(keySpec);
		String keyId = createKey(keySpec);
		JsonNode job = json(
				this.api.postJson("/api/v1/import-jobs", ApiClient.json(
						Map.of("kmsKeyId", keyId, "wrappingAlgorithm", algorithm, "wrappingKeySpec", wrappingKeySpec))),
				201);
		String jobId = job.get("id").asString();
		Path work = Files.createDirectories(dir.resolve(jobId));
		Files.write(work.resolve("WrappingPublicKey.bin"),
				this.api.get("/api/v1/import-jobs/" + jobId + "/wrapping-key", "application/octet-stream").body());
		String md = algorithm.endsWith("SHA_1") ? "sha1" : "sha256";

		if (algorithm.startsWith("RSAES_OAEP")) {
			// "Encrypt the key material": the documented pkeyutl command, rsa_oaep_md set
			// to the algorithm's hash
			OpenSsl.run(work, "pkeyutl", "-encrypt", "-in", material.toString(), "-out", "EncryptedKeyMaterial.bin",
					"-inkey", "WrappingPublicKey.bin", "-keyform", "DER", "-pubin", "-pkeyopt", "rsa_padding_mode:oaep",
					"-pkeyopt", "rsa_oaep_md:" + md);
		}
		else {
			// RSA_AES_KEY_WRAP: a random AES-256 key wraps the material with AES-KWP,
			// pkeyutl wraps the AES key,
			// and the upload is the RSA block followed by the wrapped material
			OpenSsl.run(work, "rand", "-out", "aes-key.bin", "32");
			String aesKey = HexFormat.of().formatHex(Files.readAllBytes(work.resolve("aes-key.bin")));
			OpenSsl.run(work, "enc", "-id-aes256-wrap-pad", "-K", aesKey, "-iv", "A65959A6", "-in", material.toString(),
					"-out", "key-material-wrapped.bin");
			OpenSsl.run(work, "pkeyutl", "-encrypt", "-in", "aes-key.bin", "-out", "aes-key-wrapped.bin", "-inkey",
					"WrappingPublicKey.bin", "-keyform", "DER", "-pubin", "-pkeyopt", "rsa_padding_mode:oaep",
					"-pkeyopt", "rsa_oaep_md:" + md, "-pkeyopt", "rsa_mgf1_md:" + md);
			Files.write(work.resolve("EncryptedKeyMaterial.bin"),
					concat(Files.readAllBytes(work.resolve("aes-key-wrapped.bin")),
							Files.readAllBytes(work.resolve("key-material-wrapped.bin"))));
		}
		Response imported = this.api.putBytes("/api/v1/import-jobs/" + jobId + "/encrypted-key-material",
				Files.readAllBytes(work.resolve("EncryptedKeyMaterial.bin")));

		assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
		assertThat(imported.json().get("state").asString()).isEqualTo("IMPORTED");
		assertThat(this.api.get("/api/v1/kms-keys/" + keyId).json().get("keyState").asString()).isEqualTo("ENABLED");
		if (keySpec.startsWith("RSA_") || keySpec.startsWith("ECC_")) {
			byte[] openSslPublicKey = openSslPublicKey(keySpec);
			assertThat(this.api.get("/api/v1/kms-keys/" + keyId + "/public-key", "application/octet-stream").body())
				.isEqualTo(openSslPublicKey);
			assertThat(lastCause(jobId))
				.endsWith("KMS public key SHA-256 " + AsymmetricImportApiTests.sha256(openSslPublicKey));
		}
	}

	/**
	 * The acceptance case: private keys made with {@code openssl genpkey} (PEM, PKCS#8)
	 * upload as they are and the public key downloaded afterwards, as DER and as PEM, is
	 * exactly what {@code openssl pkey -pubout} derives.
	 */
	@ParameterizedTest(name = "{0} from openssl genpkey {1}")
	@CsvSource({ "RSA_3072, rsa_keygen_bits:3072, RSA_AES_KEY_WRAP_SHA_256, RSA_4096",
			"ECC_NIST_P384, ec_paramgen_curve:P-384, RSAES_OAEP_SHA_256, RSA_2048",
			"ECC_NIST_P384, ec_paramgen_curve:P-384, RSA_AES_KEY_WRAP_SHA_1, RSA_3072" })
	void openSslGenpkeyPemImportsAndItsPublicKeyIsWhatOpenSslDerives(String keySpec, String option, String algorithm,
			String wrappingKeySpec) throws Exception {
		Path work = Files.createTempDirectory(dir, keySpec);
		String algorithmName = keySpec.startsWith("RSA") ? "RSA" : "EC";
		OpenSsl.run(work, "genpkey", "-algorithm", algorithmName, "-pkeyopt", option, "-out", "private.pem");
		OpenSsl.run(work, "pkey", "-in", "private.pem", "-pubout", "-outform", "DER", "-out", "public.der");
		String openSslPem = OpenSsl.run(work, "pkey", "-in", "private.pem", "-pubout");
		String keyId = createKey(keySpec);
		String jobId = json(
				this.api.postJson("/api/v1/import-jobs", ApiClient.json(
						Map.of("kmsKeyId", keyId, "wrappingAlgorithm", algorithm, "wrappingKeySpec", wrappingKeySpec))),
				201)
			.get("id")
			.asString();

		Response imported = this.api.post("/api/v1/import-jobs/" + jobId + "/key-material",
				Files.readAllBytes(work.resolve("private.pem")), "application/x-pem-file");

		assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
		assertThat(imported.json().get("state").asString()).isEqualTo("IMPORTED");
		byte[] openSslDer = Files.readAllBytes(work.resolve("public.der"));
		assertThat(this.api.get("/api/v1/kms-keys/" + keyId + "/public-key", "application/octet-stream").body())
			.isEqualTo(openSslDer);
		assertThat(this.api.get("/api/v1/kms-keys/" + keyId + "/public-key", "application/x-pem-file").text())
			.isEqualTo(openSslPem);
		assertThat(lastCause(jobId)).isEqualTo("public key confirmed: KMS public key matches the imported private key "
				+ "(SHA-256 " + AsymmetricImportApiTests.sha256(openSslDer) + ")");
	}

	/**
	 * The guide's "Generate key material for testing" commands, run once per key spec.
	 */
	private static synchronized Path material(String keySpec) throws IOException, InterruptedException {
		Path existing = MATERIAL.get(keySpec);
		if (existing != null) {
			return existing;
		}
		Path file;
		switch (keySpec) {
			case "SYMMETRIC_DEFAULT" -> file = rand("PlaintextKeyMaterial.bin", 32);
			case "HMAC_224" -> file = rand("HMAC_224_PlaintextKey.bin", 28);
			case "HMAC_256" -> file = rand("HMAC_256_PlaintextKey.bin", 32);
			case "HMAC_384" -> file = rand("HMAC_384_PlaintextKey.bin", 48);
			case "HMAC_512" -> file = rand("HMAC_512_PlaintextKey.bin", 64);
			default -> {
				String option = switch (keySpec) {
					case "RSA_2048" -> "rsa_keygen_bits:2048";
					case "RSA_3072" -> "rsa_keygen_bits:3072";
					case "RSA_4096" -> "rsa_keygen_bits:4096";
					case "ECC_NIST_P256" -> "ec_paramgen_curve:P-256";
					case "ECC_NIST_P384" -> "ec_paramgen_curve:P-384";
					case "ECC_NIST_P521" -> "ec_paramgen_curve:P-521";
					default -> "ec_paramgen_curve:secp256k1";
				};
				String name = keySpec + "_PrivateKey";
				// genpkey | pkcs8 -topk8 -outform der -nocrypt, as two commands
				OpenSsl.run(dir, "genpkey", "-algorithm", keySpec.startsWith("RSA") ? "rsa" : "ec", "-pkeyopt", option,
						"-out", name + ".pem");
				OpenSsl.run(dir, "pkcs8", "-topk8", "-outform", "der", "-nocrypt", "-in", name + ".pem", "-out",
						name + ".der");
				OpenSsl.run(dir, "pkey", "-in", name + ".pem", "-pubout", "-outform", "DER", "-out",
						keySpec + "_PublicKey.der");
				file = dir.resolve(name + ".der");
			}
		}
		MATERIAL.put(keySpec, file);
		return file;
	}

	private static byte[] openSslPublicKey(String keySpec) throws IOException {
		return Files.readAllBytes(dir.resolve(keySpec + "_PublicKey.der"));
	}

	private static Path rand(String name, int bytes) throws IOException, InterruptedException {
		OpenSsl.run(dir, "rand", "-out", name, String.valueOf(bytes));
		return dir.resolve(name);
	}

	private String createKey(String keySpec) {
		return json(this.api.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", keySpec))), 201).get("keyId")
			.asString();
	}

	private String lastCause(String jobId) {
		JsonNode events = this.api.get("/api/v1/import-jobs/" + jobId + "/events").json();
		return events.get(events.size() - 1).get("cause").asString();
	}

	private static byte[] concat(byte[] first, byte[] second) {
		byte[] all = Arrays.copyOf(first, first.length + second.length);
		System.arraycopy(second, 0, all, first.length, second.length);
		return all;
	}

}
