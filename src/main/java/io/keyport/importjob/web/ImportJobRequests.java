package io.keyport.importjob.web;

import java.time.Instant;
import java.util.List;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import io.keyport.importjob.RefreshPolicy;
import io.keyport.importjob.Rotation;
import io.keyport.kms.ExpirationModel;
import io.keyport.kms.ImportType;
import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.wrapping.WrappingKeySpec;

/**
 * Request bodies of the import-job API. The two material bodies only describe the JSON
 * for the API document: the controller decodes them from the raw body with
 * {@link io.keyport.web.Base64JsonBody}, never through Jackson.
 */
final class ImportJobRequests {

	/**
	 * A key ID, key ARN, alias name or alias ARN (blanks around it are trimmed): what KMS
	 * takes, and nothing a database text column or a log line cannot hold (a NUL).
	 */
	static final String KEY_REFERENCE = "^\\s*[A-Za-z0-9:/_-]+\\s*$";

	static final String KEY_REFERENCE_MESSAGE = "must be a key ID, key ARN, alias name (alias/...) or alias ARN: letters, digits, "
			+ "':', '/', '_' and '-'";

	private ImportJobRequests() {
	}

	/**
	 * @param kmsKeyId key id or ARN of a KMS key with origin EXTERNAL
	 * @param wrappingAlgorithm defaults to RSAES_OAEP_SHA_256
	 * @param wrappingKeySpec defaults to RSA_2048
	 * @param expiration defaults to material that does not expire
	 * @param target the KMS target the key lives in (GET /api/v1/kms-targets); the
	 * default target when omitted
	 * @param refreshPolicy EAGER (the scheduler keeps the parameters valid) or ON_DEMAND
	 * (new parameters only when a client asks after they lapsed); the tenant's default
	 * when omitted
	 * @param dueBy when the material is expected; EAGER jobs with one are refreshed first
	 * when the KMS quota is short
	 * @param custody a configured custodian that keeps the plaintext uploaded for this
	 * job and re-imports it before its ValidTo; absent: the material is not kept
	 * @param replicas KMS targets (same provider and account, other regions) naming the
	 * replicas of a multi-Region primary key that get the same material in this job; a
	 * region where the key has no replica yet gets one (ReplicateKey); absent: the key
	 * alone
	 * @param importType NEW_KEY_MATERIAL: a rotation job, new material for a symmetric
	 * key that already has some (AWS), made the key's current material as
	 * {@code rotation} says; absent or EXISTING_KEY_MATERIAL: the key's own material, as
	 * before
	 * @param rotation with NEW_KEY_MATERIAL only: when the job rotates; ON_IMPORT when
	 * absent
	 * @param deleteCurrentMaterial true accepts that the import first deletes the key's
	 * current material, where the KMS imports only into keys without material (Huawei):
	 * the key is unusable until the import succeeds, and Huawei takes back only the same
	 * material. Required for such a key that holds material (else 409
	 * kms-key-state-forbids-import); no effect elsewhere. False when absent
	 */
	record CreateImportJobRequest(
			@NotBlank @Size(max = 2048) @Pattern(regexp = KEY_REFERENCE,
					message = KEY_REFERENCE_MESSAGE) @Schema(minLength = 1, pattern = KEY_REFERENCE) String kmsKeyId,
			WrappingAlgorithm wrappingAlgorithm, WrappingKeySpec wrappingKeySpec, @Valid Expiration expiration,
			@Size(max = 63) String target, RefreshPolicy refreshPolicy, Instant dueBy, @Size(max = 63) String custody,
			@Size(max = 16) @ArraySchema(maxItems = 16,
					schema = @Schema(minLength = 1, maxLength = 63,
							pattern = "\\S")) List<@NotBlank @Size(max = 63) String> replicas,
			ImportType importType, @Valid RotationRequest rotation, Boolean deleteCurrentMaterial) {
	}

	/**
	 * @param when ON_IMPORT (right after the import), AT (by the scheduler at {@code at})
	 * or BY_API (only on POST /api/v1/import-jobs/{id}/rotation)
	 * @param at required with AT, in the future; refused otherwise
	 */
	record RotationRequest(@NotNull Rotation.When when, Instant at) {
	}

	/**
	 * @param expiration a new expiration for the next import; absent keeps the current
	 * one
	 */
	record RefreshParametersRequest(@Valid Expiration expiration) {
	}

	/**
	 * @param validTo required with KEY_MATERIAL_EXPIRES, refused otherwise
	 */
	record Expiration(@NotNull ExpirationModel model, Instant validTo) {
	}

	/** Plaintext material, base64 in JSON. */
	record KeyMaterialRequest(@NotNull byte[] keyMaterial) {

		@Override
		public String toString() {
			return "KeyMaterialRequest[redacted]";
		}

	}

	/** Material the client wrapped with the job's wrapping key, base64 in JSON. */
	record EncryptedKeyMaterialRequest(@NotNull byte[] encryptedKeyMaterial) {

		@Override
		public String toString() {
			return "EncryptedKeyMaterialRequest[redacted]";
		}

	}

}
