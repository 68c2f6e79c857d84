package io.keyport.importjob.web;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.keyport.importjob.ExpiringKeys;
import io.keyport.security.Caller;
import io.keyport.web.ApiException;
import io.keyport.web.ProblemCodes;

/**
 * Keys whose imported material expires soon: re-import before then, or workloads using
 * them stop.
 */
@RestController
@RequestMapping(path = "/api/v1/expiring-keys",
		produces = { MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE })
class ExpiringKeysController {

	/** A year is as far as AWS lets material be valid. */
	private static final Duration MAX_WINDOW = Duration.ofDays(366);

	/**
	 * The durations {@link Duration#parse} reads, without signs: days, then a time part,
	 * at least one of them. Range (positive, at most {@link #MAX_WINDOW}) is checked on
	 * parsing.
	 */
	static final String WITHIN_PATTERN = "^P(?!$)([0-9]+D)?(T(?=[0-9])([0-9]+H)?([0-9]+M)?([0-9]+([.,][0-9]{0,9})?S)?)?$";

	private final ExpiringKeys expiringKeys;

	ExpiringKeysController(ExpiringKeys expiringKeys) {
		this.expiringKeys = expiringKeys;
	}

	/**
	 * @param within ISO-8601 duration such as {@code P7D} or {@code PT12H}; defaults to
	 * the configured lead time
	 */
	@GetMapping
	ExpiringKeysResponse listExpiringKeys(
			@RequestParam(required = false) @Parameter(schema = @Schema(pattern = WITHIN_PATTERN)) String within) {
		Duration window = within != null ? parse(within) : this.expiringKeys.defaultWindow();
		Caller caller = Caller.current();
		// every tenant sees its own keys; administrators see all
		List<ExpiringKey> keys = this.expiringKeys.within(window, caller.isAdmin() ? null : caller.tenant())
			.stream()
			.map(k -> new ExpiringKey(k.kmsKeyId(), k.kmsKeyArn(), k.validTo(), k.remaining().toString(),
					k.jobId().toString(), k.keyMaterialId()))
			.toList();
		return new ExpiringKeysResponse(window.toString(), keys);
	}

	private static Duration parse(String within) {
		try {
			Duration window = Duration.parse(within);
			if (window.isNegative() || window.isZero() || window.compareTo(MAX_WINDOW) > 0) {
				throw new ApiException(HttpStatus.BAD_REQUEST, ProblemCodes.INVALID_PARAMETER,
						"Parameter 'within' must be a positive duration of at most P366D.");
			}
			return window;
		}
		catch (DateTimeParseException ex) {
			throw new ApiException(HttpStatus.BAD_REQUEST, ProblemCodes.INVALID_PARAMETER,
					"Parameter 'within' must be an ISO-8601 duration such as P7D or PT12H.");
		}
	}

	record ExpiringKeysResponse(String within, List<ExpiringKey> keys) {
	}

	/**
	 * One material that expires in one key: a key holding several (rotation) is listed
	 * once per material, each with its own ValidTo and job; a multi-Region job's replicas
	 * are listed each with its own ARN and ValidTo.
	 *
	 * @param remaining ISO-8601 duration until the material expires
	 * @param keyMaterialId KMS's id of the expiring material (AWS, symmetric keys)
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record ExpiringKey(String kmsKeyId, String kmsKeyArn, Instant validTo, String remaining, String jobId,
			String keyMaterialId) {
	}

}
