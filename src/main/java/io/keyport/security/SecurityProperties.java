package io.keyport.security;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * API protection. The token issuer itself is Spring Boot's standard
 * {@code spring.security.oauth2.resourceserver.jwt.issuer-uri} (or {@code jwk-set-uri}).
 *
 * @param tenantClaim JWT claim that names the caller's tenant; required: a token without
 * it (or with a blank, over-long or odd value) is refused with 403
 * {@code invalid-tenant-claim}
 * @param maxRequestBody largest request body accepted; larger ones are answered 413
 * @param requestsPerSecond API requests per second allowed per client (0 disables the
 * limit)
 * @param burst requests a client may make at once before the per-second rate applies
 */
@Validated
@ConfigurationProperties("keyport.security")
public record SecurityProperties(@DefaultValue("tenant") @NotBlank String tenantClaim,
		@DefaultValue("64KB") DataSize maxRequestBody, @DefaultValue("20") @Min(0) double requestsPerSecond,
		@DefaultValue("40") @Min(1) int burst) {
}
