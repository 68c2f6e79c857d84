package io.keyport.kms.web;

import java.net.URI;
import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.keyport.kms.CreateKeyRequest;
import io.keyport.kms.ExpirationModel;
import io.keyport.kms.KeyOrigin;
import io.keyport.kms.KeyState;
import io.keyport.kms.KeyUsage;
import io.keyport.kms.KmsErrorCode;
import io.keyport.kms.KmsException;
import io.keyport.kms.KmsKey;
import io.keyport.kms.KmsProvider;
import io.keyport.security.Caller;
import io.keyport.security.KeyOwnership;
import io.keyport.web.ApiException;
import io.keyport.wrapping.KeySpec;

/** Self-service creation of KMS keys that wait for imported material, and what KMS says about a key. */
@RestController
@RequestMapping(path = "/api/v1/kms-keys", produces = { MediaType.APPLICATION_JSON_VALUE,
		MediaType.APPLICATION_PROBLEM_JSON_VALUE })
class KmsKeyController {

	private final KmsProvider kms;

	private final KeyOwnership ownership;

	KmsKeyController(KmsProvider kms, KeyOwnership ownership) {
		this.kms = kms;
		this.ownership = ownership;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<KmsKeyResponse> createKmsKey(@Valid @RequestBody CreateKmsKeyRequest request) {
		KeySpec spec = request.keySpec();
		if (spec.kind() == KeySpec.Kind.NOT_IMPORTABLE) {
			throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "unsupported-key-spec",
					"Key spec " + spec + " cannot receive imported key material");
		}
		KeyUsage usage = request.keyUsage() != null ? request.keyUsage() : defaultUsage(spec);
		KmsKey key = this.kms.createExternalKey(new CreateKeyRequest(spec, usage, request.description()));
		this.ownership.claim(key.arn(), Caller.current());
		return ResponseEntity.created(URI.create("/api/v1/kms-keys/" + key.keyId())).body(KmsKeyResponse.of(key));
	}

	@GetMapping("/{keyId}")
	KmsKeyResponse describeKmsKey(@PathVariable @Size(max = 2048) @Pattern(regexp = "[A-Za-z0-9:/_-]+") String keyId) {
		KmsKey key;
		try {
			key = this.kms.describeKey(keyId);
		}
		catch (KmsException ex) {
			if (ex.errorCode() == KmsErrorCode.KEY_NOT_FOUND) {
				throw notFound(keyId);
			}
			throw ex;
		}
		if (!this.ownership.visible(key.arn(), Caller.current())) {
			// another tenant's key: answered exactly like a key that does not exist
			throw notFound(keyId);
		}
		return KmsKeyResponse.of(key);
	}

	private static ApiException notFound(String keyId) {
		return new ApiException(HttpStatus.NOT_FOUND, KmsErrorCode.KEY_NOT_FOUND.code(),
				"Key '" + keyId + "' does not exist");
	}

	private static KeyUsage defaultUsage(KeySpec spec) {
		return switch (spec.kind()) {
			case HMAC -> KeyUsage.GENERATE_VERIFY_MAC;
			case EC -> KeyUsage.SIGN_VERIFY;
			default -> KeyUsage.ENCRYPT_DECRYPT;
		};
	}

	/**
	 * @param keySpec required
	 * @param keyUsage defaults to ENCRYPT_DECRYPT (GENERATE_VERIFY_MAC for HMAC, SIGN_VERIFY for ECC)
	 */
	record CreateKmsKeyRequest(@NotNull KeySpec keySpec, KeyUsage keyUsage, @Size(max = 8192) String description) {
	}

	@JsonInclude(JsonInclude.Include.NON_NULL)
	record KmsKeyResponse(String keyId, String arn, KeyState keyState, KeyOrigin origin, KeySpec keySpec,
			KeyUsage keyUsage, String description, Instant creationDate, ExpirationModel expirationModel,
			Instant validTo, Instant deletionDate) {

		static KmsKeyResponse of(KmsKey key) {
			return new KmsKeyResponse(key.keyId(), key.arn(), key.state(), key.origin(), key.keySpec(),
					key.keyUsage(), key.description(), key.creationDate(), key.expirationModel(), key.validTo(),
					key.deletionDate());
		}

	}

}
