package io.keyport.contract;

import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.model.KeyState;
import tools.jackson.databind.JsonNode;

import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A representative subset of the import scenarios, against LocalStack instead of the
 * emulator: what passes here works with a second, independent KMS implementation. Where
 * LocalStack departs from AWS's documentation the test accepts exactly the departure
 * listed in docs/deployment.md ("Known LocalStack differences") and nothing else.
 */
class LocalStackImportContractTests extends LocalStackContractTest {

	final SecureRandom random = new SecureRandom();

	@Test
	void materialWrappedByTheClientImportsIntoANewExternalKeyAndEnablesIt() throws Exception {
		String keyId = createExternalKey();
		JsonNode job = createJob(keyId);
		String jobId = job.get("id").asString();
		assertThat(job.get("state").asString()).isEqualTo("PARAMETERS_FETCHED");
		// AWS: 24 hours; LocalStack: 100 days (a documented difference), so only "in the
		// future" is common ground
		assertThat(Instant.parse(job.get("parameters").get("validTo").asString())).isAfter(Instant.now());

		byte[] wrappingKey = wrappingKey(jobId);
		assertThat(((RSAPublicKey) rsaPublicKey(wrappingKey)).getModulus().bitLength()).isEqualTo(2048);
		Response imported = this.api.putBytes("/api/v1/import-jobs/" + jobId + "/encrypted-key-material",
				oaepSha256(wrappingKey, randomBytes(32)));

		assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
		assertThat(imported.json().get("state").asString()).isEqualTo("IMPORTED");
		JsonNode key = this.api.get("/api/v1/kms-keys/" + keyId).json();
		assertThat(key.get("keyState").asString()).isEqualTo("ENABLED");
		assertThat(key.get("expirationModel").asString()).isEqualTo("KEY_MATERIAL_DOES_NOT_EXPIRE");
		// LocalStack's own view, not only Keyport's reading of it
		assertThat(kms.describeKey(r -> r.keyId(keyId)).keyMetadata().keyState()).isEqualTo(KeyState.ENABLED);
		assertThat(events(jobId)).containsExactly("PARAMETERS_FETCHED", "MATERIAL_WRAPPED", "IMPORTED");
	}

	@Test
	void plaintextMaterialWrappedByKeyportIsUnwrappedByLocalStack() {
		String keyId = createExternalKey();
		String jobId = createJob(keyId).get("id").asString();

		Response imported = this.api.postJson("/api/v1/import-jobs/" + jobId + "/key-material",
				ApiClient.json(Map.of("keyMaterial", Base64.getEncoder().encodeToString(randomBytes(32)))));

		assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
		assertThat(imported.json().get("state").asString()).isEqualTo("IMPORTED");
		assertThat(kms.describeKey(r -> r.keyId(keyId)).keyMetadata().keyState()).isEqualTo(KeyState.ENABLED);
	}

	@Test
	void keyWhoseOriginIsNotExternalIsRefusedAndNoJobIsWritten() {
		String keyId = kms.createKey(r -> r.description("keyport contract: origin AWS_KMS")).keyMetadata().keyId();
		int before = jobCount();
		// made outside Keyport: an administrator gives it to the tenant first
		assertThat(
				this.api.as(io.keyport.testsupport.Tokens.of(io.keyportdev.localauth.LocalAuthorizationServer.OPERATOR))
					.putJson("/api/v1/kms-keys/" + keyId + "/owner", ApiClient.json(Map.of("tenant", "tenant-a")))
					.status())
			.isEqualTo(200);

		Response response = this.api.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyId)));

		assertProblem(response, 422, "kms-key-not-external");
		assertThat(response.json().get("detail").asString()).contains("EXTERNAL");
		assertThat(jobCount()).isEqualTo(before);
	}

	@Test
	void unknownKeyIsRefusedAndNoJobIsWritten() {
		int before = jobCount();
		Response response = this.api.postJson("/api/v1/import-jobs",
				ApiClient.json(Map.of("kmsKeyId", "11111111-2222-3333-4444-555555555555")));
		assertProblem(response, 404, "kms-key-not-found");
		assertThat(jobCount()).isEqualTo(before);
	}

	@Test
	void tamperedCiphertextNeverEnablesTheKey() throws Exception {
		String keyId = createExternalKey();
		String jobId = createJob(keyId).get("id").asString();
		byte[] wrapped = oaepSha256(wrappingKey(jobId), randomBytes(32));
		wrapped[17] ^= 0x40;

		Response response = this.api.putBytes("/api/v1/import-jobs/" + jobId + "/encrypted-key-material", wrapped);

		JsonNode job = this.api.get("/api/v1/import-jobs/" + jobId).json();
		if (response.status() == 422) {
			// AWS: InvalidCiphertextException; the job waits for material again
			assertProblem(response, 422, "kms-invalid-ciphertext");
			assertThat(job.get("state").asString()).isEqualTo("PARAMETERS_FETCHED");
			assertThat(job.get("lastError").get("code").asString()).isEqualTo("kms-invalid-ciphertext");
		}
		else {
			// the documented LocalStack difference: its unwrap error escapes as
			// InternalError (HTTP 500), which
			// Keyport reads as transient and keeps the wrapped material for a retry
			assertProblem(response, 503, "kms-unavailable");
			assertThat(response.header("Retry-After")).isNotBlank();
			assertThat(job.get("state").asString()).isEqualTo("MATERIAL_WRAPPED");
			assertThat(job.get("lastError").get("code").asString()).isEqualTo("kms-unavailable");
		}
		assertThat(this.api.get("/api/v1/kms-keys/" + keyId).json().get("keyState").asString())
			.isEqualTo("PENDING_IMPORT");
		assertThat(kms.describeKey(r -> r.keyId(keyId)).keyMetadata().keyState()).isEqualTo(KeyState.PENDING_IMPORT);
	}

	// --- helpers
	// -----------------------------------------------------------------------------------------------

	String createExternalKey() {
		Response response = this.api.postJson("/api/v1/kms-keys",
				ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT", "description", "keyport contract test")));
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		assertThat(response.json().get("origin").asString()).isEqualTo("EXTERNAL");
		assertThat(response.json().get("keyState").asString()).isEqualTo("PENDING_IMPORT");
		return response.json().get("keyId").asString();
	}

	JsonNode createJob(String keyId) {
		Response response = this.api.postJson("/api/v1/import-jobs", ApiClient
			.json(Map.of("kmsKeyId", keyId, "wrappingAlgorithm", "RSAES_OAEP_SHA_256", "wrappingKeySpec", "RSA_2048")));
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		return response.json();
	}

	byte[] wrappingKey(String jobId) {
		Response response = this.api.get("/api/v1/import-jobs/" + jobId + "/wrapping-key", "application/octet-stream");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body();
	}

	List<String> events(String jobId) {
		List<String> states = new ArrayList<>();
		this.api.get("/api/v1/import-jobs/" + jobId + "/events")
			.json()
			.forEach(e -> states.add(e.get("to").asString()));
		return states;
	}

	int jobCount() {
		return this.jdbc.queryForObject("select count(*) from import_job", Integer.class);
	}

	static void assertProblem(Response response, int status, String code) {
		assertThat(response.status()).as(response.toString()).isEqualTo(status);
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
		assertThat(response.json().get("code").asString()).as(response.toString()).isEqualTo(code);
	}

	byte[] randomBytes(int length) {
		byte[] bytes = new byte[length];
		this.random.nextBytes(bytes);
		return bytes;
	}

	static java.security.PublicKey rsaPublicKey(byte[] spki) throws Exception {
		return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(spki));
	}

	/**
	 * RSAES_OAEP_SHA_256 as AWS documents it (SHA-256 for OAEP and MGF1), with the JDK,
	 * independent of Keyport.
	 */
	static byte[] oaepSha256(byte[] spki, byte[] material) throws Exception {
		Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
		cipher.init(Cipher.ENCRYPT_MODE, rsaPublicKey(spki),
				new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
		return cipher.doFinal(material);
	}

}
