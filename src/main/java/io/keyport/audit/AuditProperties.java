package io.keyport.audit;

import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Audit trail settings.
 *
 * @param defaultPageSize page size of audit event listings when none is asked for
 * @param maxPageSize largest page size a caller may ask for
 */
@Validated
@ConfigurationProperties("keyport.audit")
public record AuditProperties(@DefaultValue("50") @Min(1) int defaultPageSize,
		@DefaultValue("500") @Min(1) int maxPageSize) {

}
