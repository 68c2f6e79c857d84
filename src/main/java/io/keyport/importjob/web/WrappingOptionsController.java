package io.keyport.importjob.web;

import java.util.List;
import java.util.regex.Pattern;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.keyport.kms.KmsProvider;
import io.keyport.kms.KmsTarget;
import io.keyport.kms.KmsTargets;
import io.keyport.web.ApiException;
import io.keyport.wrapping.ImportRules;
import io.keyport.wrapping.KeySpec;
import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.wrapping.WrappingException;
import io.keyport.wrapping.WrappingKeySpec;
import io.keyport.wrapping.WrappingOption;
import io.keyport.web.ProblemCodes;

/**
 * Which wrapping choices an import job for a key spec may use, so a portal offers only
 * valid ones. The answer comes from the KMS provider's import rules for the region, the
 * same that refuse an impossible job.
 */
@RestController
@RequestMapping(path = "/api/v1/wrapping-options",
		produces = { MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE })
class WrappingOptionsController {

	/**
	 * AWS region names: cn-north-1, us-gov-west-1, ap-southeast-5, eusc-de-east-1, ...
	 */
	private static final Pattern REGION = Pattern.compile("[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}");

	private final KmsTargets targets;

	WrappingOptionsController(KmsTargets targets) {
		this.targets = targets;
	}

	/**
	 * @param keySpec the KMS key's key spec, in Keyport's names or the target provider's
	 * @param region the region the key lives in; defaults to the target's region
	 * @param target the KMS target whose provider's rules apply; the default target when
	 * omitted
	 */
	@GetMapping
	@Operation(summary = "Allowed wrapping algorithm and wrapping key spec pairs for a key spec, recommended first",
			description = "From the same rules that refuse an impossible import job. region defaults to the configured "
					+ "KMS region; China regions (cn-*) have their own rules.")
	WrappingOptionsResponse options(@RequestParam @Parameter(schema = @Schema(maxLength = 64)) String keySpec,
			@RequestParam(required = false) @Parameter(description = "AWS region, e.g. eu-central-1 or cn-north-1",
					schema = @Schema(pattern = "^[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}$")) String region,
			@RequestParam(required = false) @Parameter(
					description = "The KMS target (GET /api/v1/kms-targets); the default target when omitted",
					schema = @Schema(maxLength = 63)) String target) {
		KmsTarget kmsTarget = this.targets.get(target);
		KmsProvider kms = kmsTarget.kms();
		String effectiveRegion = (region != null) ? region : kms.region();
		if (region != null && !REGION.matcher(region).matches()) {
			throw new ApiException(HttpStatus.BAD_REQUEST, ProblemCodes.INVALID_PARAMETER,
					"Parameter 'region' must be a region name such as eu-central-1 or cn-north-1.");
		}
		ImportRules rules = (region != null) ? kms.importRules(region) : kms.importRules();
		KeySpec spec;
		try {
			spec = rules.keySpecNamed(keySpec);
		}
		catch (WrappingException ex) {
			// which names exist depends on the target's provider, so the document cannot
			// list them: the code of an unknown key spec, as when creating a key
			throw new ApiException(HttpStatus.BAD_REQUEST, "invalid-key-spec",
					"Parameter 'keySpec' is not valid here. " + ex.detail());
		}
		List<WrappingOption> options = rules.wrappingOptions(spec);
		List<Option> items = options.stream()
			.map((option) -> new Option(option.algorithm(), option.wrappingKeySpec(), option.equals(options.get(0))))
			.toList();
		return new WrappingOptionsResponse(spec, effectiveRegion, rules.id(), items, kmsTarget.name(),
				rules.providerName(spec));
	}

	/**
	 * @param partition {@code aws-cn} for the China regions, {@code aws} for the rules of
	 * every other partition
	 * @param options allowed pairs, recommended first
	 * @param target the KMS target whose rules answered
	 * @param providerKeySpec the key spec in the target provider's own name
	 */
	record WrappingOptionsResponse(KeySpec keySpec, String region, String partition, List<Option> options,
			String target, String providerKeySpec) {
	}

	/**
	 * @param recommended true for the first, AWS's recommendation: the longest wrapping
	 * key and SHA-256
	 */
	record Option(WrappingAlgorithm wrappingAlgorithm, WrappingKeySpec wrappingKeySpec, boolean recommended) {
	}

}
