package io.keyport.ops;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.Operation;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.keyport.kms.KmsTarget;
import io.keyport.kms.KmsTargets;

/**
 * The KMS targets keys and jobs can name: provider, region, the import rules that apply
 * and whether the target answers. Never credentials, role ARNs or endpoints.
 */
@RestController
@RequestMapping(path = "/api/v1/kms-targets",
		produces = { MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE })
class KmsTargetsController {

	private final KmsTargets targets;

	private final KmsTargetHealth health;

	KmsTargetsController(KmsTargets targets, KmsTargetHealth health) {
		this.targets = targets;
		this.health = health;
	}

	@GetMapping
	@Operation(summary = "The configured KMS targets",
			description = "Keys and jobs name one in their target field (the default one when they name none). "
					+ "Health is the target's last reachability check, cached like the health endpoint's.")
	KmsTargetList list() {
		String defaultName = this.targets.defaultTarget().name();
		List<KmsTargetResponse> items = this.targets.all().stream().map(target -> {
			KmsTargetHealth.Reachability reachability = this.health.of(target.name());
			return new KmsTargetResponse(target.name(), target.provider(), target.region(),
					target.name().equals(defaultName), target.kms().importRules().id(), new TargetHealth(
							reachability.up() ? "UP" : "DOWN", reachability.error(), reachability.checkedAt()));
		}).toList();
		return new KmsTargetList(items, defaultName);
	}

	/**
	 * @param defaultTarget the target of keys and jobs that name none
	 */
	record KmsTargetList(List<KmsTargetResponse> items, String defaultTarget) {
	}

	/**
	 * @param importRules the rule set that applies ({@code aws}, {@code aws-cn},
	 * {@code huawei}); see GET /api/v1/wrapping-options?target=
	 * @param isDefault whether keys and jobs that name no target use this one
	 */
	record KmsTargetResponse(String name, String provider, String region, boolean isDefault, String importRules,
			TargetHealth health) {
	}

	/**
	 * @param status UP or DOWN
	 * @param error the failure's stable code when DOWN
	 * @param checkedAt when the target was last asked
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record TargetHealth(String status, String error, String checkedAt) {
	}

}
