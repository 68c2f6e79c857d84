package io.keyport.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

import io.keyport.kms.KmsException;
import io.keyport.kms.KmsProvider;

/**
 * Whether KMS answers: the provider's cheapest call (ListKeys, limit 1), paced like every KMS call and cached, so
 * probes and dashboards never add KMS load. It is part of the readiness group only where operators configure it
 * ({@code management.endpoint.health.group.readiness.include}).
 */
@Component("kms")
class KmsHealthIndicator implements HealthIndicator {

	private final KmsProvider kms;

	private final Clock clock;

	private final Duration cacheTtl;

	private volatile Cached cached;

	private record Cached(Instant at, Health health) {
	}

	KmsHealthIndicator(KmsProvider kms, Clock clock, OpsProperties properties) {
		this.kms = kms;
		this.clock = clock;
		this.cacheTtl = properties.kmsHealthCacheTtl();
	}

	@Override
	public Health health() {
		Instant now = this.clock.instant();
		Cached current = this.cached;
		if (current != null && !current.at().plus(this.cacheTtl).isBefore(now) && !current.at().isAfter(now)) {
			return current.health();
		}
		Health health;
		try {
			this.kms.checkReachable();
			health = Health.up().withDetail("region", this.kms.region()).withDetail("checkedAt", now.toString()).build();
		}
		catch (KmsException ex) {
			health = Health.down()
				.withDetail("region", this.kms.region())
				.withDetail("error", ex.errorCode().code())
				.withDetail("checkedAt", now.toString())
				.build();
		}
		this.cached = new Cached(now, health);
		return health;
	}

}
