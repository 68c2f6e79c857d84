package io.keyport.importjob.web;

import io.keyport.importjob.ImportJobException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;

import org.springframework.data.domain.Page;
import org.springframework.http.CacheControl;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.keyport.idempotency.IdempotentRequests;
import io.keyport.importjob.CreateImportJob;
import io.keyport.importjob.ExpirationPolicy;
import io.keyport.importjob.ImportJobId;
import io.keyport.importjob.ImportJobProperties;
import io.keyport.importjob.ImportJobService;
import io.keyport.importjob.ImportJobState;
import io.keyport.importjob.ImportJobView;
import io.keyport.importjob.ImportParametersDownload;
import io.keyport.importjob.KeyRotations;
import io.keyport.importjob.Rotation;
import io.keyport.importjob.web.ImportJobRequests.CreateImportJobRequest;
import io.keyport.importjob.web.ImportJobRequests.EncryptedKeyMaterialRequest;
import io.keyport.importjob.web.ImportJobRequests.KeyMaterialRequest;
import io.keyport.importjob.web.ImportJobRequests.RotationRequest;
import io.keyport.kms.ExpirationModel;
import io.keyport.kms.ImportType;
import io.keyport.security.Caller;
import io.keyport.web.ApiException;
import io.keyport.web.Base64JsonBody;
import io.keyport.wrapping.EncryptedKeyMaterial;
import io.keyport.wrapping.KeyMaterial;
import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.wrapping.WrappingKeySpec;
import io.keyport.web.QueryText;
import io.keyport.wrapping.WrappingPublicKey;

/**
 * REST API v1 for import jobs. Responses that carry parameters or material-related data
 * are never cached.
 * <p>
 * Longer than 300 lines on purpose: every endpoint of the import-job resource, each with
 * its media types and OpenAPI annotations, and the raw-body readers that keep material
 * out of converters; the logic is in {@code ImportJobService}.
 */
@RestController
@RequestMapping(path = "/api/v1/import-jobs",
		produces = { MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE })
class ImportJobController {

	private static final String EMPTY_KEY_MATERIAL = "empty-key-material";

	static final MediaType PEM = MediaType.parseMediaType("application/x-pem-file");

	private static final DateTimeFormatter FILE_TIMESTAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
		.withZone(ZoneOffset.UTC);

	/** Far above any importable private key, even as PEM with comments. */
	private static final int MAX_PLAINTEXT_MATERIAL = 16 * 1024;

	private final ImportJobService jobs;

	private final IdempotentRequests idempotentRequests;

	private final ImportJobProperties properties;

	private final KeyRotations rotations;

	ImportJobController(ImportJobService jobs, IdempotentRequests idempotentRequests, ImportJobProperties properties,
			KeyRotations rotations) {
		this.jobs = jobs;
		this.rotations = rotations;
		this.idempotentRequests = idempotentRequests;
		this.properties = properties;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<?> createImportJob(@Valid @RequestBody CreateImportJobRequest request,
			@RequestHeader(name = IdempotentRequests.HEADER, required = false) String idempotencyKey) {
		if (idempotencyKey == null) {
			return create(command(request));
		}
		// compared with defaults applied, as a retry may name them or leave them out
		CreateImportJob command = this.jobs.withDefaults(command(request), Caller.current());
		return this.idempotentRequests.run(Caller.current().tenant(), idempotencyKey, "createImportJob", command,
				() -> create(command));
	}

	/**
	 * The request as a command, defaults applied. The normalized command is what a retry
	 * is compared by: " abc " and "abc" name the same key, and a blank target names none
	 * (the default target, as {@code KmsTargets.get} reads it).
	 */
	static CreateImportJob command(CreateImportJobRequest request) {
		return new CreateImportJob(request.kmsKeyId().trim(),
				request.wrappingAlgorithm() != null ? request.wrappingAlgorithm()
						: WrappingAlgorithm.RSAES_OAEP_SHA_256,
				request.wrappingKeySpec() != null ? request.wrappingKeySpec() : WrappingKeySpec.RSA_2048,
				expiration(request.expiration()),
				request.target() != null && !request.target().isBlank() ? request.target().trim() : null,
				request.refreshPolicy(), request.dueBy(), request.custody() != null ? request.custody().trim() : null,
				request.replicas() != null ? request.replicas().stream().map(String::trim).toList() : List.of(),
				rotation(request), Boolean.TRUE.equals(request.deleteCurrentMaterial()));
	}

	/**
	 * A rotation job's plan: NEW_KEY_MATERIAL with an optional rotation (ON_IMPORT when
	 * absent); a rotation without NEW_KEY_MATERIAL, AT without a time or a time without
	 * AT is refused.
	 */
	private static Rotation rotation(CreateImportJobRequest request) {
		RotationRequest rotation = request.rotation();
		if (request.importType() != ImportType.NEW_KEY_MATERIAL) {
			if (rotation != null) {
				throw new InvalidRequestException(ImportJobException.INVALID_ROTATION,
						"Field 'rotation' is for rotation jobs only: set 'importType' to NEW_KEY_MATERIAL");
			}
			return null;
		}
		if (rotation == null) {
			return Rotation.ON_IMPORT;
		}
		if ((rotation.when() == Rotation.When.AT) != (rotation.at() != null)) {
			throw new InvalidRequestException(ImportJobException.INVALID_ROTATION,
					"Field 'rotation.at' is required with 'rotation.when' AT and refused otherwise");
		}
		return new Rotation(rotation.when(), rotation.at());
	}

	private ResponseEntity<ImportJobResponse> create(CreateImportJob command) {
		ImportJobView job = this.jobs.create(command, Caller.current());
		return ResponseEntity.created(URI.create("/api/v1/import-jobs/" + job.id()))
			.cacheControl(CacheControl.noStore())
			.body(ImportJobResponse.of(job));
	}

	@GetMapping("/{id}")
	ResponseEntity<ImportJobResponse> getImportJob(@PathVariable UUID id) {
		return ok(this.jobs.get(new ImportJobId(id), Caller.current()));
	}

	@GetMapping
	ImportJobResponse.ImportJobPage listImportJobs(@RequestParam(required = false) ImportJobState state,
			@RequestParam(required = false) @Pattern(regexp = QueryText.NO_NUL,
					message = QueryText.NO_NUL_MESSAGE) String kmsKeyId,
			@RequestParam(defaultValue = "0") @Min(0) @Max(1_000_000) int page,
			// the document shows the default configuration's sizes; the running service
			// applies the configured ones
			@RequestParam(defaultValue = "${keyport.import-jobs.default-page-size:20}") @Min(1) @Parameter(
					schema = @Schema(type = "integer", format = "int32", defaultValue = "20",
							maximum = "100")) int size) {
		checkPageSize(size);
		Page<ImportJobView> result = this.jobs.list(state, kmsKeyId, page, size, Caller.current());
		return new ImportJobResponse.ImportJobPage(result.map(ImportJobResponse::of).getContent(), page, size,
				result.getTotalElements(), result.getTotalPages());
	}

	/** The configured largest page; answered like the other parameter checks. */
	private void checkPageSize(int size) {
		if (size > this.properties.maxPageSize()) {
			throw ApiException.parameterAbove("size", this.properties.maxPageSize());
		}
	}

	@GetMapping("/{id}/events")
	List<ImportJobResponse.EventResponse> listEvents(@PathVariable UUID id) {
		return this.jobs.events(new ImportJobId(id), Caller.current())
			.stream()
			.map(ImportJobResponse.EventResponse::of)
			.toList();
	}

	@GetMapping(path = "/{id}/wrapping-key", produces = { MediaType.APPLICATION_OCTET_STREAM_VALUE,
			"application/x-pem-file", MediaType.APPLICATION_PROBLEM_JSON_VALUE })
	ResponseEntity<byte[]> getWrappingKey(@PathVariable UUID id,
			@RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept) {
		ImportParametersDownload download = this.jobs.importParameters(new ImportJobId(id), Caller.current());
		boolean pem = prefersPem(accept);
		byte[] body = pem
				? WrappingPublicKey.fromDer(download.wrappingPublicKeyDer()).pem().getBytes(StandardCharsets.US_ASCII)
				: download.wrappingPublicKeyDer();
		return ResponseEntity.ok()
			.cacheControl(CacheControl.noStore())
			.contentType(pem ? PEM : MediaType.APPLICATION_OCTET_STREAM)
			.header(HttpHeaders.CONTENT_DISPOSITION,
					ContentDisposition.attachment()
						.filename("wrappingKey_" + download.job().kmsKeyId() + (pem ? ".pem" : ".der"))
						.build()
						.toString())
			.body(body);
	}

	/**
	 * Whether the caller's Accept prefers PEM to DER, by quality (the first listed of
	 * equal quality wins); DER for wildcards, anything else and no Accept.
	 */
	static boolean prefersPem(String accept) {
		if (accept == null || accept.isBlank()) {
			return false;
		}
		List<MediaType> byQuality = new ArrayList<>(MediaType.parseMediaTypes(accept));
		// a stable sort: equal qualities keep the caller's order
		byQuality.sort(Comparator.comparingDouble(MediaType::getQualityValue).reversed());
		for (MediaType type : byQuality) {
			if (type.getQualityValue() == 0) {
				break;
			}
			if (PEM.equalsTypeAndSubtype(type)) {
				return true;
			}
			if (type.isWildcardType() || MediaType.APPLICATION_OCTET_STREAM.equalsTypeAndSubtype(type)
					|| (type.isWildcardSubtype() && "application".equals(type.getType()))) {
				return false;
			}
		}
		return false;
	}

	/**
	 * The AWS console's ImportParameters.zip layout: wrapping key, import token and a
	 * README.
	 */
	@GetMapping(path = "/{id}/import-parameters.zip",
			produces = { "application/zip", MediaType.APPLICATION_PROBLEM_JSON_VALUE })
	ResponseEntity<byte[]> importParametersZip(@PathVariable UUID id) {
		ImportParametersDownload download = this.jobs.importParameters(new ImportJobId(id), Caller.current());
		ImportJobView job = download.job();
		String suffix = job.kmsKeyId() + "_" + FILE_TIMESTAMP.format(job.parametersFetchedAt());
		ByteArrayOutputStream zip = new ByteArrayOutputStream();
		try (ZipOutputStream out = new ZipOutputStream(zip)) {
			entry(out, "wrappingKey_" + suffix, download.wrappingPublicKeyDer());
			entry(out, "importToken_" + suffix, download.importToken());
			entry(out, "README_" + suffix + ".txt", readme(job).getBytes(StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		finally {
			Arrays.fill(download.importToken(), (byte) 0);
		}
		return ResponseEntity.ok()
			.cacheControl(CacheControl.noStore())
			.contentType(MediaType.parseMediaType("application/zip"))
			.header(HttpHeaders.CONTENT_DISPOSITION,
					ContentDisposition.attachment().filename("ImportParameters.zip").build().toString())
			.body(zip.toByteArray());
	}

	@PutMapping(path = "/{id}/encrypted-key-material", consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
	ResponseEntity<ImportJobResponse> uploadEncryptedRaw(@PathVariable UUID id,
			@RequestBody(required = false) byte[] body) {
		return ok(this.jobs.importEncrypted(new ImportJobId(id), encrypted(body), Caller.current()));
	}

	/**
	 * JSON {@code {encryptedKeyMaterial: base64}}, decoded from the raw body without
	 * Jackson (see Base64JsonBody).
	 */
	@PutMapping(path = "/{id}/encrypted-key-material", consumes = MediaType.APPLICATION_JSON_VALUE)
	// springdoc merges the two PUT methods' bodies by taking one annotation: it names
	// both media types
	// qualified: Spring's @RequestBody is imported too
	@io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
			content = {
					@Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
							schema = @Schema(implementation = EncryptedKeyMaterialRequest.class)),
					@Content(mediaType = MediaType.APPLICATION_OCTET_STREAM_VALUE,
							schema = @Schema(type = "string", format = "byte")) })
	ResponseEntity<ImportJobResponse> uploadEncryptedJson(@PathVariable UUID id, HttpServletRequest request)
			throws IOException {
		// read with room above the limit, so an oversized value gets the same 422 as a
		// raw upload
		byte[] body = Base64JsonBody.read(request, "encryptedKeyMaterial", 2 * EncryptedKeyMaterial.MAX_LENGTH);
		try {
			return ok(this.jobs.importEncrypted(new ImportJobId(id), encrypted(body), Caller.current()));
		}
		finally {
			Arrays.fill(body, (byte) 0);
		}
	}

	/**
	 * Plaintext over TLS: wrapped here, the buffer overwritten after use, never stored or
	 * logged. {@code keyMaterial} is the base64 of raw symmetric or HMAC bytes, or of a
	 * private key file (DER PKCS#8, PKCS#1 or SEC1, or PEM).
	 */
	@PostMapping(path = "/{id}/key-material", consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "uploadPlaintext")
	// springdoc merges the two POST methods' bodies by taking one annotation: both name
	// all three media types
	// qualified: Spring's @RequestBody is imported too
	@io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, description = "The plaintext key material",
			content = {
					@Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
							schema = @Schema(implementation = KeyMaterialRequest.class)),
					@Content(mediaType = "application/octet-stream",
							schema = @Schema(type = "string", format = "binary")),
					@Content(mediaType = "application/x-pem-file", schema = @Schema(type = "string")) })
	ResponseEntity<ImportJobResponse> uploadPlaintext(@PathVariable UUID id, HttpServletRequest request)
			throws IOException {
		// decoded from the raw body without Jackson: the base64 text never becomes a
		// String or a pooled char buffer
		byte[] material = Base64JsonBody.read(request, "keyMaterial", MAX_PLAINTEXT_MATERIAL);
		if (material.length == 0) {
			throw new InvalidRequestException(EMPTY_KEY_MATERIAL, "The request carries no key material");
		}
		return ok(
				this.jobs.importPlaintext(new ImportJobId(id), KeyMaterial.takeOwnership(material), Caller.current()));
	}

	/**
	 * Plaintext as the raw body: a private key file as it is
	 * ({@code application/x-pem-file} for PEM, {@code application/octet-stream} for DER
	 * or raw symmetric and HMAC bytes). Read straight into one array that is overwritten
	 * after use, with no converter or String in between.
	 */
	@PostMapping(path = "/{id}/key-material",
			consumes = { MediaType.APPLICATION_OCTET_STREAM_VALUE, "application/x-pem-file" })
	@Operation(operationId = "uploadPlaintext", summary = "Plaintext key material: Keyport wraps it, then imports",
			description = "JSON {keyMaterial: base64}, or the raw file: application/x-pem-file for a PEM private key "
					+ "(PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY), application/octet-stream for DER (PKCS#8, PKCS#1, "
					+ "SEC1) or raw symmetric and HMAC bytes. Private keys are imported as unencrypted DER PKCS#8.")
	// qualified: Spring's @RequestBody is imported too
	@io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, description = "The plaintext key material",
			content = {
					@Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
							schema = @Schema(implementation = KeyMaterialRequest.class)),
					@Content(mediaType = "application/octet-stream",
							schema = @Schema(type = "string", format = "binary")),
					@Content(mediaType = "application/x-pem-file", schema = @Schema(type = "string")) })
	ResponseEntity<ImportJobResponse> uploadPlaintextFile(@PathVariable UUID id, HttpServletRequest request)
			throws IOException {
		return ok(this.jobs.importPlaintext(new ImportJobId(id), KeyMaterial.takeOwnership(plaintextBody(request)),
				Caller.current()));
	}

	/**
	 * Material generated by the job's custodian and wrapped there (for a PKCS#11 HSM the
	 * plaintext never leaves the token), then imported. No body.
	 */
	@PostMapping("/{id}/generated-key-material")
	ResponseEntity<ImportJobResponse> generateKeyMaterial(@PathVariable UUID id) {
		return ok(this.jobs.importGenerated(new ImportJobId(id), Caller.current()));
	}

	/**
	 * The material the job's custodian keeps, imported again (after it expired and the
	 * job was refreshed with a new ValidTo, or was deleted from the key). No body.
	 */
	@PostMapping("/{id}/custody-reimport")
	ResponseEntity<ImportJobResponse> reimportFromCustody(@PathVariable UUID id) {
		return ok(this.jobs.reimportFromCustody(new ImportJobId(id), Caller.current()));
	}

	/**
	 * New parameters; with {@code expiration} also a new ValidTo for the next import
	 * (needed to import the same material again after it expired). Without a body the
	 * current expiration stays.
	 */
	@PostMapping("/{id}/refresh-parameters")
	ResponseEntity<ImportJobResponse> refreshParameters(@PathVariable UUID id,
			@Valid @RequestBody(required = false) ImportJobRequests.RefreshParametersRequest request) {
		ExpirationPolicy expiration = request != null && request.expiration() != null ? expiration(request.expiration())
				: null;
		return ok(this.jobs.refreshParameters(new ImportJobId(id), expiration, Caller.current()));
	}

	/**
	 * Makes a rotation job's material, imported and pending rotation, the key's current
	 * material (RotateKeyOnDemand).
	 */
	@PostMapping("/{id}/rotation")
	ResponseEntity<ImportJobResponse> rotateImportJob(@PathVariable UUID id) {
		return ok(this.rotations.rotateOnRequest(new ImportJobId(id), Caller.current()));
	}

	@PostMapping("/{id}/cancel")
	ResponseEntity<ImportJobResponse> cancelImportJob(@PathVariable UUID id) {
		return ok(this.jobs.cancel(new ImportJobId(id), Caller.current()));
	}

	private static ResponseEntity<ImportJobResponse> ok(ImportJobView job) {
		return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(ImportJobResponse.of(job));
	}

	/**
	 * The body in an array of exactly its length; the oversized read buffer is
	 * overwritten. Tomcat's own input buffer held the same bytes and is only overwritten
	 * when reused (see the README's security notes).
	 */
	private static byte[] plaintextBody(HttpServletRequest request) throws IOException {
		byte[] buffer = new byte[MAX_PLAINTEXT_MATERIAL + 1];
		try (InputStream in = request.getInputStream()) {
			int length = in.readNBytes(buffer, 0, buffer.length);
			if (length > MAX_PLAINTEXT_MATERIAL) {
				throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, "request-too-large", "Key material is limited to "
						+ MAX_PLAINTEXT_MATERIAL + " bytes (an RSA-4096 private key in PEM is about 3300).");
			}
			if (length == 0) {
				throw new InvalidRequestException(EMPTY_KEY_MATERIAL, "The request carries no key material");
			}
			return Arrays.copyOf(buffer, length);
		}
		finally {
			Arrays.fill(buffer, (byte) 0);
		}
	}

	private static EncryptedKeyMaterial encrypted(byte[] body) {
		if (body == null || body.length == 0) {
			throw new InvalidRequestException("empty-encrypted-key-material",
					"The request carries no encrypted key material");
		}
		if (body.length > EncryptedKeyMaterial.MAX_LENGTH) {
			throw new InvalidRequestException("invalid-encrypted-key-material", "Encrypted key material is "
					+ body.length + " bytes; KMS accepts at most " + EncryptedKeyMaterial.MAX_LENGTH);
		}
		return EncryptedKeyMaterial.of(body);
	}

	private static ExpirationPolicy expiration(ImportJobRequests.Expiration expiration) {
		if (expiration == null) {
			return ExpirationPolicy.doesNotExpire();
		}
		if (expiration.model() == ExpirationModel.KEY_MATERIAL_EXPIRES && expiration.validTo() == null) {
			throw new InvalidRequestException(ImportJobException.INVALID_VALID_TO,
					"expiration.validTo is required when expiration.model is KEY_MATERIAL_EXPIRES");
		}
		if (expiration.model() == ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE && expiration.validTo() != null) {
			throw new InvalidRequestException(ImportJobException.INVALID_VALID_TO,
					"expiration.validTo must not be set when expiration.model is KEY_MATERIAL_DOES_NOT_EXPIRE");
		}
		return new ExpirationPolicy(expiration.model(), expiration.validTo());
	}

	private static void entry(ZipOutputStream out, String name, byte[] content) throws IOException {
		out.putNextEntry(new ZipEntry(name));
		out.write(content);
		out.closeEntry();
	}

	private static String readme(ImportJobView job) {
		return """
				This archive holds the parameters for importing key material into AWS KMS key
				  %s

				wrappingKey_* : the wrapping public key (DER-encoded X.509 SubjectPublicKeyInfo, %s)
				importToken_* : the import token to send with the encrypted key material

				Wrapping algorithm: %s
				Parameters downloaded: %s
				The wrapping key and import token expire at: %s
				Import job: %s

				Encrypt (wrap) the key material with the wrapping key and the wrapping algorithm above, then upload
				the result before the expiry, for example with
				  PUT /api/v1/import-jobs/%s/encrypted-key-material
				or with "aws kms import-key-material" and this import token.
				""".formatted(job.kmsKeyArn(), job.wrappingKeySpec(), job.wrappingAlgorithm(),
				job.parametersFetchedAt(), job.parametersValidTo(), job.id(), job.id());
	}

}
