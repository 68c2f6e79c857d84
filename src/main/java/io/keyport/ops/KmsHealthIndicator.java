package io.keyport.ops;

import java.time.Clock;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

import io.keyport.kms.KmsException;
import io.keyport.kms.KmsProvider;

/**
 * Whether KMS answers: the provider's cheapest call (ListKeys, limit 1), paced like every
 * KMS call and cached, so probes and dashboards never add KMS load; concurrent probes
 * after expiry share one call. It is part of the readiness group only where operators
 * configure it ({@code management.endpoint.health.group.readiness.include}).
 */
@Component("kms")
class KmsHealthIndicator implements HealthIndicator {

	private final KmsProvider kms;

	private final Clock clock;

	private final SingleFlightCache<Health> cache;

	KmsHealthIndicator(KmsProvider kms, Clock clock, OpsProperties properties) {
		this.kms = kms;
		this.clock = clock;
		this.cache = new SingleFlightCache<>(clock, properties.kmsHealthCacheTtl(), this::check);
	}

	@Override
	public Health health() {
		return this.cache.get();
	}

	private Health check() {
		String checkedAt = this.clock.instant().toString();
		try {
			this.kms.checkReachable();
			return Health.up().withDetail("region", this.kms.region()).withDetail("checkedAt", checkedAt).build();
		}
		catch (KmsException ex) {
			return Health.down()
				.withDetail("region", this.kms.region())
				.withDetail("error", ex.errorCode().code())
				.withDetail("checkedAt", checkedAt)
				.build();
		}
	}

	/** How many times KMS was asked, for tests. */
	long checks() {
		return this.cache.computations();
	}

}
