package io.keyport.kmskey.web;

import io.swagger.v3.oas.annotations.Hidden;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.keyport.kmskey.KmsKeys;
import io.keyport.security.Caller;
import io.keyport.web.ApiException;

/**
 * An administrator gives a key that Keyport did not create (made elsewhere in the
 * account) to a tenant, so that tenant can see it and import into it. Requires
 * {@code keyport:admin}; audited like every state-changing call, together with the
 * DescribeKey that proves the key exists. An owned key is never moved to another tenant.
 */
@RestController
@RequestMapping(path = "/api/v1/kms-keys",
		produces = { MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE })
class KmsKeyOwnerController {

	private static final String OWNER_SUFFIX = "/owner";

	private final KmsKeys keys;

	KmsKeyOwnerController(KmsKeys keys) {
		this.keys = keys;
	}

	@PutMapping(path = "/{keyId}/owner", consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Assign a key to a tenant (administrators)", description = "keyId is a key id, key ARN, alias "
			+ "name or alias ARN. A key nobody owns is assigned; assigning a key to the tenant that owns it changes "
			+ "nothing; a key owned by another tenant is refused with 409 key-already-owned.")
	KeyOwnerResponse assignOwner(
			@PathVariable @Parameter(
					schema = @Schema(pattern = KmsKeyController.KEY_REFERENCE_PATTERN, maxLength = 2048)) String keyId,
			@Valid @RequestBody KeyOwnerRequest request,
			@RequestParam(required = false) @Parameter(description = KmsKeyController.TARGET_PARAMETER) String target) {
		return assign(target, keyId, request);
	}

	/** Key ARNs and alias names carry slashes. */
	@Hidden
	@PutMapping(path = "/{*reference}", consumes = MediaType.APPLICATION_JSON_VALUE)
	KeyOwnerResponse assignOwnerByReference(@PathVariable String reference, @Valid @RequestBody KeyOwnerRequest request,
			@RequestParam(required = false) String target) {
		String path = reference.startsWith("/") ? reference.substring(1) : reference;
		if (!path.endsWith(OWNER_SUFFIX)) {
			throw new ApiException(HttpStatus.NOT_FOUND, "not-found", "There is no such resource.");
		}
		return assign(target, path.substring(0, path.length() - OWNER_SUFFIX.length()), request);
	}

	private KeyOwnerResponse assign(String target, String reference, KeyOwnerRequest request) {
		KmsKeyController.checkedReference(reference);
		String name = this.keys.targetName(target);
		KmsKeys.Assigned assigned = this.keys.assignOwner(name, reference, request.tenant(), Caller.current());
		return new KeyOwnerResponse(assigned.key().keyId(), assigned.key().arn(), request.tenant(), assigned.assigned(),
				name);
	}

	/**
	 * @param tenant the tenant that gets the key
	 */
	record KeyOwnerRequest(@NotNull String tenant) {
	}

	/**
	 * @param assigned whether this request assigned the key (false: it already belonged
	 * to the tenant)
	 */
	record KeyOwnerResponse(String keyId, String arn, String tenant, boolean assigned, String target) {
	}

}
