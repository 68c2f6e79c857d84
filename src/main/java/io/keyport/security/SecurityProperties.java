package io.keyport.security;

import java.time.Duration;

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
 * @param verifiedTokenTtl how long a bearer token verified once (signature, issuer,
 * times) is accepted again without verifying it anew, never past its own expiry; 0
 * verifies every request
 * @param verifiedTokenCacheSize most verified tokens remembered at once
 */
@Validated
@ConfigurationProperties("keyport.security")
public record SecurityProperties(@DefaultValue("tenant") @NotBlank String tenantClaim,
		@DefaultValue("64KB") DataSize maxRequestBody, @DefaultValue("20") @Min(0) double requestsPerSecond,
		@DefaultValue("40") @Min(1) int burst, @DefaultValue("60s") Duration verifiedTokenTtl,
		@DefaultValue("10000") @Min(1) int verifiedTokenCacheSize) {

}
