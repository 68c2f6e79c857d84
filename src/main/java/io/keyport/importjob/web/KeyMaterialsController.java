package io.keyport.importjob.web;

import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.keyport.importjob.ImportJobState;
import io.keyport.importjob.KeyMaterials;
import io.keyport.kms.ExpirationModel;
import io.keyport.kms.KeyMaterialVersion;
import io.keyport.security.Caller;
import io.keyport.web.ApiException;
import io.keyport.web.ProblemCodes;

/**
 * The materials of a symmetric KMS key after rotations, each with its ValidTo and its
 * Keyport job. Lives with the import jobs (it joins their records); the key is named by
 * its key id, since the KMS key resource's catch-all takes paths with ARNs and aliases.
 */
@RestController
@RequestMapping(path = "/api/v1/kms-keys",
		produces = { MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE })
class KeyMaterialsController {

	private final KeyMaterials materials;

	private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,2048}");

	KeyMaterialsController(KeyMaterials materials) {
		this.materials = materials;
	}

	@GetMapping("/{keyId}/key-materials")
	KeyMaterialsResponse listKeyMaterials(
			@PathVariable @Parameter(schema = @Schema(pattern = "^[A-Za-z0-9_-]+$", maxLength = 2048),
					description = "The key id (ARNs and aliases are not accepted in this path)") String keyId,
			@RequestParam(required = false) @Parameter(
					description = "The KMS target the key lives in; the default target when omitted") String target) {
		if (!KEY_ID.matcher(keyId).matches()) {
			// what the document says, before any KMS call
			throw new ApiException(HttpStatus.BAD_REQUEST, ProblemCodes.INVALID_PARAMETER,
					"Parameter 'keyId' must be a key id: letters, digits, '_' and '-', at most 2048 (ARNs and aliases "
							+ "are not accepted in this path).");
		}
		KeyMaterials.KeyMaterialsView view = this.materials.list(target, keyId, Caller.current());
		return new KeyMaterialsResponse(view.target(), view.key().keyId(), view.key().arn(),
				view.key().currentKeyMaterialId(),
				view.materials()
					.stream()
					.map(m -> new KeyMaterialResponse(m.keyMaterialId(), m.state(), m.imported(), m.expirationModel(),
							m.validTo(), m.rotationDate(), m.rotationType(), m.description(),
							m.jobId() != null ? m.jobId().toString() : null, m.jobState()))
					.toList());
	}

	/**
	 * @param currentKeyMaterialId the material KMS encrypts with now
	 * @param materials every material of the key: current, pending rotation and earlier
	 * ones kept for decryption
	 */
	record KeyMaterialsResponse(String target, String kmsKeyId, String kmsKeyArn, String currentKeyMaterialId,
			List<KeyMaterialResponse> materials) {
	}

	/**
	 * @param state CURRENT, NON_CURRENT, PENDING_ROTATION or
	 * PENDING_MULTI_REGION_IMPORT_AND_ROTATION
	 * @param imported whether the material is in KMS now (it leaves at its ValidTo)
	 * @param validTo this material's own expiry
	 * @param importJobId the Keyport job that last imported this material, if the caller
	 * may see it
	 * @param importJobState that job's state
	 */
	@Schema(name = "KeyMaterial")
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record KeyMaterialResponse(String keyMaterialId, KeyMaterialVersion.State state, boolean imported,
			ExpirationModel expirationModel, Instant validTo, Instant rotationDate,
			KeyMaterialVersion.RotationType rotationType, String description, String importJobId,
			ImportJobState importJobState) {
	}

}
