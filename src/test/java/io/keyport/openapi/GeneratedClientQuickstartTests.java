package io.keyport.openapi;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.web.server.LocalServerPort;

import io.keyport.client.ApiClient;
import io.keyport.client.api.KeyportApi;
import io.keyport.client.model.CreateImportJobRequest;
import io.keyport.client.model.CreateKmsKeyRequest;
import io.keyport.client.model.ImportJobEvent;
import io.keyport.client.model.ImportJobResponse;
import io.keyport.client.model.KmsKeyResponse;
import io.keyport.testsupport.IntegrationTest;
import io.keyport.testsupport.PlaintextRegistry;
import io.keyport.testsupport.Tokens;
import io.keyport.testsupport.ValidatingHttpClient;
import io.keyport.wrapping.OpenSsl;
import io.keyportdev.localauth.LocalAuthorizationServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The README's quickstart through a Java client that openapi-generator makes from the
 * committed document at build time ({@code io.keyport.client}, test sources only): what a
 * platform team gets when it integrates from the document alone.
 */
class GeneratedClientQuickstartTests extends IntegrationTest {

	@LocalServerPort
	int port;

	@TempDir
	Path dir;

	@Test
	void generatedClientRunsTheReadmeQuickstartFromKeyToHistory() throws Exception {
		assumeTrue(OpenSsl.available(), "openssl is not on the PATH; the quickstart wraps with it");
		String token = Tokens.of(LocalAuthorizationServer.PLATFORM_A, "keyport:read keyport:import keyport:keys");
		ApiClient client = new ApiClient();
		client.updateBaseUri("http://127.0.0.1:" + this.port);
		// every exchange, the raw upload's too, checked against the document
		client.setHttpClientBuilder(ValidatingHttpClient.newBuilder());
		client.setRequestInterceptor((request) -> request.header("Authorization", "Bearer " + token))
			.setReadTimeout(Duration.ofSeconds(30));
		KeyportApi api = new KeyportApi(client);

		// 1. a KMS key that waits for imported material
		KmsKeyResponse key = api
			.createKmsKey(new CreateKmsKeyRequest().keySpec("SYMMETRIC_DEFAULT").description("quickstart"), null);
		assertThat(key.getKeyId()).isNotBlank();

		// 2. an import job: Keyport checks the key and downloads a wrapping key and token
		ImportJobResponse job = api.createImportJob(new CreateImportJobRequest().kmsKeyId(key.getKeyId())
			.wrappingAlgorithm(CreateImportJobRequest.WrappingAlgorithmEnum.RSAES_OAEP_SHA_256)
			.wrappingKeySpec(CreateImportJobRequest.WrappingKeySpecEnum.RSA_2048), null);
		assertThat(job.getState()).isEqualTo(ImportJobResponse.StateEnum.PARAMETERS_FETCHED);
		UUID jobId = UUID.fromString(job.getId());

		// 3. the wrapping public key (DER), 32 bytes of material wrapped as the AWS docs
		// show
		File wrappingKey = api.getWrappingKey(jobId);
		Files.move(wrappingKey.toPath(), this.dir.resolve("WrappingPublicKey.bin"));
		OpenSsl.run(this.dir, "rand", "-out", "PlaintextKeyMaterial.bin", "32");
		PlaintextRegistry.register(Files.readAllBytes(this.dir.resolve("PlaintextKeyMaterial.bin")));
		OpenSsl.run(this.dir, "pkeyutl", "-encrypt", "-in", "PlaintextKeyMaterial.bin", "-out",
				"EncryptedKeyMaterial.bin", "-inkey", "WrappingPublicKey.bin", "-keyform", "DER", "-pubin", "-pkeyopt",
				"rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha256");
		Files.delete(this.dir.resolve("PlaintextKeyMaterial.bin"));

		// 4. upload the wrapped material as raw bytes. The generator makes a method for
		// the
		// first media type only (JSON, base64); and whatever the document says, its
		// native library cannot send a raw body: a binary schema becomes a File that it
		// serializes with Jackson (the file's path as a JSON string). So the raw upload
		// goes through the client's own HttpClient, base URI and token (validated like
		// the rest). Then job, key and history through the client
		HttpResponse<byte[]> upload = send(client, HttpRequest
			.newBuilder(URI.create(client.getBaseUri() + "/api/v1/import-jobs/" + jobId + "/encrypted-key-material"))
			.header("Content-Type", "application/octet-stream")
			.header("Accept", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofFile(this.dir.resolve("EncryptedKeyMaterial.bin"))));
		assertThat(upload.statusCode()).isEqualTo(200);
		ImportJobResponse imported = client.getObjectMapper().readValue(upload.body(), ImportJobResponse.class);
		assertThat(imported.getState()).isEqualTo(ImportJobResponse.StateEnum.IMPORTED);

		assertThat(api.getImportJob(jobId).getState()).isEqualTo(ImportJobResponse.StateEnum.IMPORTED);
		assertThat(api.describeKmsKey(key.getKeyId(), null).getKeyState())
			.isEqualTo(KmsKeyResponse.KeyStateEnum.ENABLED);
		List<ImportJobEvent> history = api.listEvents(jobId);
		assertThat(history).isNotEmpty();
		assertThat(history.getFirst().getFrom()).isNull();
		assertThat(history.getLast().getTo()).isEqualTo(ImportJobEvent.ToEnum.IMPORTED);
		assertThat(history).allSatisfy((event) -> assertThat(event.getCause()).isNotBlank());
	}

	/** A request the generated client cannot express, sent the way it sends its own. */
	private static HttpResponse<byte[]> send(ApiClient client, HttpRequest.Builder request)
			throws IOException, InterruptedException {
		client.getRequestInterceptor().accept(request);
		return client.getHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
	}

}
