package io.keyport.audit.web;

import java.time.Instant;
import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.keyport.audit.AuditLog;
import io.keyport.audit.AuditLog.AuditEntry;

/** The audit trail, for administrators (scope keyport:admin). */
@RestController
@RequestMapping(path = "/api/v1/audit-events",
		produces = { MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE })
class AuditEventController {

	private final AuditLog auditLog;

	AuditEventController(AuditLog auditLog) {
		this.auditLog = auditLog;
	}

	@GetMapping
	AuditEventPage listAuditEvents(@RequestParam(required = false) String kmsKeyId,
			@RequestParam(required = false) String tenant,
			@RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
			@RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to,
			@RequestParam(defaultValue = "0") @Min(0) @Max(1_000_000) int page,
			@RequestParam(defaultValue = "50") @Min(1) @Max(500) int size) {
		return new AuditEventPage(this.auditLog.find(kmsKeyId, tenant, from, to, page, size), page, size);
	}

	record AuditEventPage(List<AuditEntry> items, int page, int size) {
	}

}
