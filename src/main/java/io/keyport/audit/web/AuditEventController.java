package io.keyport.audit.web;

import java.time.Instant;
import java.util.List;

import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.keyport.audit.AuditLog;
import io.keyport.audit.AuditLog.AuditEntry;
import io.keyport.audit.AuditProperties;
import io.keyport.web.QueryText;
import io.keyport.web.ApiException;

/** The audit trail, for administrators (scope keyport:admin). */
@RestController
@RequestMapping(path = "/api/v1/audit-events",
		produces = { MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE })
class AuditEventController {

	private final AuditLog auditLog;

	private final AuditProperties properties;

	AuditEventController(AuditLog auditLog, AuditProperties properties) {
		this.auditLog = auditLog;
		this.properties = properties;
	}

	@GetMapping
	AuditEventPage listAuditEvents(
			@RequestParam(required = false) @Pattern(regexp = QueryText.NO_NUL,
					message = QueryText.NO_NUL_MESSAGE) String kmsKeyId,
			@RequestParam(required = false) @Pattern(regexp = QueryText.NO_NUL,
					message = QueryText.NO_NUL_MESSAGE) String tenant,
			@RequestParam(required = false) Instant from, @RequestParam(required = false) Instant to,
			@RequestParam(defaultValue = "0") @Min(0) @Max(1_000_000) int page,
			// the document shows the default configuration's sizes; the running service
			// applies the configured ones
			@RequestParam(defaultValue = "${keyport.audit.default-page-size:50}") @Min(1) @Parameter(schema = @Schema(
					type = "integer", format = "int32", defaultValue = "50", maximum = "500")) int size) {
		checkPageSize(size);
		return new AuditEventPage(this.auditLog.find(kmsKeyId, tenant, from, to, page, size), page, size);
	}

	/** The configured largest page; answered like the other parameter checks. */
	private void checkPageSize(int size) {
		if (size > this.properties.maxPageSize()) {
			throw ApiException.parameterAbove("size", this.properties.maxPageSize());
		}
	}

	record AuditEventPage(List<AuditEntry> items, int page, int size) {
	}

}
