package io.keyport.kmskey.web;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.Hidden;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.keyport.idempotency.IdempotentRequests;
import io.keyport.kms.ExpirationModel;
import io.keyport.kms.KeyOrigin;
import io.keyport.kms.KeyState;
import io.keyport.kms.KeyUsage;
import io.keyport.kms.KmsKey;
import io.keyport.kms.KmsPublicKey;
import io.keyport.kmskey.KmsKeys;
import io.keyport.kmskey.NewKey;
import io.keyport.security.Caller;
import io.keyport.web.ApiException;
import io.keyport.wrapping.KeySpec;
import io.keyport.wrapping.PublicKeyFormats;
import io.keyport.web.ProblemCodes;

/**
 * Self-service creation of KMS keys that wait for imported material, what KMS says about
 * a key, and the public key of an asymmetric key. Keys are named by key id, key ARN,
 * alias name ({@code alias/...}) or alias ARN; the ARN and alias forms contain slashes
 * and may be written into the path as they are.
 */
@RestController
@RequestMapping(path = "/api/v1/kms-keys",
		produces = { MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE })
class KmsKeyController {

	static final MediaType PEM = MediaType.parseMediaType("application/x-pem-file");

	private static final String PUBLIC_KEY_SUFFIX = "/public-key";

	/**
	 * The key materials' path ({@code KeyMaterialsController}) takes key ids only: a
	 * reference with slashes before it lands in the catch-all.
	 */
	private static final String KEY_MATERIALS_SUFFIX = "/key-materials";

	/**
	 * Key ids, ARNs, alias names and alias ARNs use these characters (AWS's KeyId and
	 * AliasName patterns).
	 */
	/**
	 * The document's form of {@link #KEY_REFERENCE} (JSON Schema patterns are
	 * unanchored).
	 */
	static final String KEY_REFERENCE_PATTERN = "^[A-Za-z0-9:/_-]+$";

	static final Pattern KEY_REFERENCE = Pattern.compile("[A-Za-z0-9:/_-]{1,2048}");

	static final String NOTICE = "Outside KMS this public key is not protected by KMS: key policies and IAM "
			+ "permissions, the key's usage and algorithm restrictions, disabling or deleting the key, and CloudTrail "
			+ "logging do not apply to its use. Share it together with keySpec, keyUsage and algorithms.";

	private final KmsKeys keys;

	private final IdempotentRequests idempotentRequests;

	KmsKeyController(KmsKeys keys, IdempotentRequests idempotentRequests) {
		this.keys = keys;
		this.idempotentRequests = idempotentRequests;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Create a KMS key that waits for imported material",
			description = "With an Idempotency-Key header, a retry of the same request replays the first answer "
					+ "instead of creating a second key.",
			responses = @ApiResponse(responseCode = "201", description = "The key was created",
					content = @Content(schema = @Schema(implementation = KmsKeyResponse.class))))
	ResponseEntity<?> createKmsKey(@Valid @RequestBody CreateKmsKeyRequest request,
			@RequestHeader(name = IdempotentRequests.HEADER, required = false) String idempotencyKey) {
		Caller caller = Caller.current();
		String target = this.keys.targetName(request.target());
		NewKey command = NewKey.of(target, this.keys.keySpecNamed(target, request.keySpec()), request.keyUsage(),
				request.description(), request.alias());
		if (idempotencyKey == null) {
			return create(command, caller);
		}
		return this.idempotentRequests.run(caller.tenant(), idempotencyKey, "createKmsKey", command,
				() -> create(command, caller));
	}

	private ResponseEntity<KmsKeyResponse> create(NewKey command, Caller caller) {
		KmsKey key = this.keys.create(command, caller);
		return ResponseEntity.created(URI.create("/api/v1/kms-keys/" + key.keyId() + targetQuery(command.target())))
			.body(response(command.target(), key, command.alias()));
	}

	@GetMapping("/{keyId}")
	@Operation(summary = "What KMS says about a key (DescribeKey)", description = "keyId is a key id, key ARN, alias "
			+ "name (alias/...) or alias ARN; the forms with slashes may be written into the path unencoded.")
	KmsKeyResponse describeKmsKey(
			@PathVariable @Parameter(schema = @Schema(pattern = KEY_REFERENCE_PATTERN, maxLength = 2048)) String keyId,
			@RequestParam(required = false) @Parameter(description = TARGET_PARAMETER) String target) {
		return describeReference(target, keyId);
	}

	@GetMapping(path = "/{keyId}/public-key",
			produces = { MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_OCTET_STREAM_VALUE,
					"application/x-pem-file", MediaType.APPLICATION_PROBLEM_JSON_VALUE })
	@Operation(summary = "The public key of an asymmetric KMS key (GetPublicKey)",
			description = "JSON by default; the DER SubjectPublicKeyInfo with Accept: application/octet-stream, PEM with "
					+ "Accept: application/x-pem-file (both as attachments). keyId is a key id, key ARN, alias name "
					+ "(alias/...) or alias ARN; the forms with slashes may be written into the path unencoded.",
			responses = @ApiResponse(responseCode = "200", description = "The public key",
					content = {
							@Content(mediaType = "application/json",
									schema = @Schema(implementation = PublicKeyResponse.class)),
							@Content(mediaType = "application/octet-stream",
									schema = @Schema(type = "string", format = "binary")),
							@Content(mediaType = "application/x-pem-file", schema = @Schema(type = "string")) }))
	ResponseEntity<?> getPublicKey(
			@PathVariable @Parameter(schema = @Schema(pattern = KEY_REFERENCE_PATTERN, maxLength = 2048)) String keyId,
			@RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept,
			@RequestParam(required = false) @Parameter(description = TARGET_PARAMETER) String target) {
		return publicKeyOf(target, keyId, accept);
	}

	/**
	 * ARNs and alias names carry slashes: what the single-segment mappings above cannot
	 * match lands here.
	 */
	@Hidden
	@GetMapping(path = "/{*reference}",
			produces = { MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_OCTET_STREAM_VALUE,
					"application/x-pem-file", MediaType.APPLICATION_PROBLEM_JSON_VALUE })
	ResponseEntity<?> byReference(@PathVariable String reference,
			@RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept,
			@RequestParam(required = false) String target) throws HttpRequestMethodNotSupportedException {
		String path = reference.startsWith("/") ? reference.substring(1) : reference;
		if (path.isEmpty()) {
			// GET on the collection itself: there is no key listing
			throw new HttpRequestMethodNotSupportedException("GET", List.of("POST"));
		}
		if (path.endsWith(PUBLIC_KEY_SUFFIX)) {
			return publicKeyOf(target, path.substring(0, path.length() - PUBLIC_KEY_SUFFIX.length()), accept);
		}
		if (path.endsWith(KEY_MATERIALS_SUFFIX)) {
			// the materials of a key ARN or alias name, which that path does not take
			// (as the document says, before any KMS call); like public-key, the suffix
			// names the sub-resource, so an alias whose own name ends in /key-materials
			// is described by its key id or key ARN
			throw new ApiException(HttpStatus.BAD_REQUEST, ProblemCodes.INVALID_PARAMETER,
					"Parameter 'keyId' must be a key id: letters, digits, '_' and '-', at most 2048 (ARNs and aliases "
							+ "are not accepted in this path).");
		}
		return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(describeReference(target, path));
	}

	private KmsKeyResponse describeReference(String target, String reference) {
		String name = this.keys.targetName(target);
		return response(name, this.keys.visibleKey(name, checkedReference(reference), Caller.current()), null);
	}

	private KmsKeyResponse response(String target, KmsKey key, String alias) {
		return KmsKeyResponse.of(target, key, this.keys.providerKeySpec(target, key.keySpec()), alias);
	}

	/** Keys of another than the default target are found again with their target. */
	private String targetQuery(String target) {
		return this.keys.targetName(null).equals(target) ? "" : "?target=" + target;
	}

	private ResponseEntity<?> publicKeyOf(String target, String reference, String accept) {
		String name = this.keys.targetName(target);
		KmsKeys.PublicKey found = this.keys.publicKey(name, checkedReference(reference), Caller.current());
		KmsKey key = found.key();
		KmsPublicKey publicKey = found.published();
		byte[] der = publicKey.publicKeyDer();
		String filename = "publicKey_" + key.keyId();
		return switch (format(accept)) {
			case DER -> file(der, MediaType.APPLICATION_OCTET_STREAM, filename + ".der");
			case PEM -> file(PublicKeyFormats.pem(der).getBytes(StandardCharsets.US_ASCII), PEM, filename + ".pem");
			case JSON -> ResponseEntity.ok()
				.contentType(MediaType.APPLICATION_JSON)
				.body(new PublicKeyResponse(name, key.keyId(), key.arn(),
						publicKey.keySpec() != null ? publicKey.keySpec() : key.keySpec(), publicKey.keyUsage(),
						publicKey.algorithms(), PublicKeyFormats.pem(der), PublicKeyFormats.sha256Fingerprint(der),
						NOTICE));
		};
	}

	static String checkedReference(String reference) {
		if (!KEY_REFERENCE.matcher(reference).matches()) {
			throw new ApiException(HttpStatus.BAD_REQUEST, ProblemCodes.INVALID_PARAMETER,
					"Parameter 'keyId' must be a key ID, key ARN, "
							+ "alias name (alias/...) or alias ARN: letters, digits, ':', '/', '_' and '-', at most 2048.");
		}
		return reference;
	}

	private enum Format {

		JSON, DER, PEM

	}

	/** The first acceptable format by quality; JSON for a missing Accept or wildcards. */
	private static Format format(String accept) {
		if (accept == null || accept.isBlank()) {
			return Format.JSON;
		}
		List<MediaType> types;
		try {
			types = MediaType.parseMediaTypes(accept);
		}
		catch (RuntimeException ex) {
			return Format.JSON;
		}
		List<MediaType> byQuality = new ArrayList<>(types);
		byQuality.sort(Comparator.comparingDouble(MediaType::getQualityValue).reversed());
		for (MediaType type : byQuality) {
			if (type.isWildcardType() || MediaType.APPLICATION_JSON.isCompatibleWith(type)) {
				return Format.JSON;
			}
			if (MediaType.APPLICATION_OCTET_STREAM.equalsTypeAndSubtype(type)) {
				return Format.DER;
			}
			if (PEM.equalsTypeAndSubtype(type)) {
				return Format.PEM;
			}
		}
		return Format.JSON;
	}

	private static ResponseEntity<byte[]> file(byte[] body, MediaType type, String filename) {
		return ResponseEntity.ok()
			.contentType(type)
			.header(HttpHeaders.CONTENT_DISPOSITION,
					ContentDisposition.attachment().filename(filename).build().toString())
			.body(body);
	}

	static final String TARGET_PARAMETER = "The KMS target the key lives in (GET /api/v1/kms-targets); the "
			+ "default target when omitted";

	/**
	 * @param keySpec required; Keyport's names (SYMMETRIC_DEFAULT, ECC_NIST_P256, ...) or
	 * the target provider's own (Huawei: AES_256, SM4, EC_P256, ...)
	 * @param keyUsage defaults to ENCRYPT_DECRYPT (GENERATE_VERIFY_MAC for HMAC,
	 * SIGN_VERIFY for ECC)
	 * @param alias optional alias name for the new key: {@code alias/...} on AWS; on
	 * Huawei 1 to 255 of {@code [a-zA-Z0-9:/_-]}, generated when omitted
	 * @param target the KMS target to create the key in; the default target when omitted
	 */
	record CreateKmsKeyRequest(@NotNull @Size(max = 64) String keySpec, KeyUsage keyUsage,
			@Size(max = 8192) String description, @Size(max = 256) String alias, @Size(max = 63) String target) {
	}

	/**
	 * @param target the KMS target the key lives in
	 * @param providerKeySpec the key spec in the target provider's own name (AES_256 on
	 * Huawei)
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record KmsKeyResponse(String keyId, String arn, KeyState keyState, KeyOrigin origin, KeySpec keySpec,
			KeyUsage keyUsage, String description, Instant creationDate, ExpirationModel expirationModel,
			Instant validTo, Instant deletionDate, String alias, String target, String providerKeySpec) {

		static KmsKeyResponse of(String target, KmsKey key, String providerKeySpec, String alias) {
			return new KmsKeyResponse(key.keyId(), key.arn(), key.state(), key.origin(), key.keySpec(), key.keyUsage(),
					key.description(), key.creationDate(), key.expirationModel(), key.validTo(), key.deletionDate(),
					alias, target, providerKeySpec);
		}

	}

	/**
	 * The public key and what is needed to use it correctly outside KMS.
	 *
	 * @param algorithms the encryption, signing or key agreement algorithms KMS allows
	 * for the key
	 * @param publicKeyPem the DER SubjectPublicKeyInfo as PEM
	 * @param sha256Fingerprint lower-case hex SHA-256 of the DER SubjectPublicKeyInfo
	 * @param notice what KMS's protections do not cover once the public key is used
	 * outside KMS
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record PublicKeyResponse(String target, String keyId, String keyArn, KeySpec keySpec, KeyUsage keyUsage,
			List<String> algorithms, String publicKeyPem, String sha256Fingerprint, String notice) {
	}

}
