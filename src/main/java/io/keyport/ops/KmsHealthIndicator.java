package io.keyport.ops;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

import io.keyport.kms.KmsTarget;
import io.keyport.kms.KmsTargets;

/**
 * Whether every KMS target answers ({@link KmsTargetHealth}, cached): DOWN as soon as one
 * does not, with each target's provider, region and outcome in the details, and the first
 * failure's code as {@code error}. It is part of the readiness group only where operators
 * configure it ({@code management.endpoint.health.group.readiness.include}).
 */
@Component("kms")
class KmsHealthIndicator implements HealthIndicator {

	private final KmsTargets targets;

	private final KmsTargetHealth health;

	KmsHealthIndicator(KmsTargets targets, KmsTargetHealth health) {
		this.targets = targets;
		this.health = health;
	}

	@Override
	public Health health() {
		Map<String, Object> details = new LinkedHashMap<>();
		String firstError = null;
		for (KmsTarget target : this.targets.all()) {
			KmsTargetHealth.Reachability reachability = this.health.of(target.name());
			Map<String, Object> detail = new LinkedHashMap<>();
			detail.put("status", reachability.status());
			detail.put("provider", target.provider());
			detail.put("region", target.region());
			if (reachability.error() != null) {
				detail.put("error", reachability.error());
				firstError = firstError != null ? firstError : reachability.error();
			}
			detail.put("checkedAt", reachability.checkedAt());
			details.put(target.name(), detail);
		}
		Health.Builder builder = firstError == null ? Health.up() : Health.down().withDetail("error", firstError);
		return builder.withDetail("targets", details).build();
	}

	/** How many times KMS was asked, for tests. */
	long checks() {
		return this.health.checks();
	}

}
