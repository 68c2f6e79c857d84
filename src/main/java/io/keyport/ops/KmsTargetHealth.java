package io.keyport.ops;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.stereotype.Component;

import io.keyport.kms.KmsException;
import io.keyport.kms.KmsTarget;
import io.keyport.kms.KmsTargets;

/**
 * Whether each KMS target answers: its provider's cheapest call (AWS ListKeys, Huawei
 * list-keys, limit 1), paced like every KMS call and cached per target, so probes,
 * dashboards and the target listing never add KMS load; concurrent asks after expiry
 * share one call.
 */
@Component
public class KmsTargetHealth {

	private final Map<String, SingleFlightCache<Reachability>> caches = new LinkedHashMap<>();

	KmsTargetHealth(KmsTargets targets, Clock clock, OpsProperties properties) {
		for (KmsTarget target : targets.all()) {
			this.caches.put(target.name(),
					new SingleFlightCache<>(clock, properties.kmsHealthCacheTtl(), () -> check(target, clock)));
		}
	}

	/** The target's reachability, at most the cache's time-to-live old. */
	public Reachability of(String target) {
		return this.caches.get(target).get();
	}

	/** Every target's, by name. */
	public Map<String, Reachability> all() {
		Map<String, Reachability> all = new LinkedHashMap<>();
		this.caches.forEach((name, cache) -> all.put(name, cache.get()));
		return all;
	}

	/** How many times KMS was asked, for tests. */
	long checks() {
		return this.caches.values().stream().mapToLong(SingleFlightCache::computations).sum();
	}

	private static Reachability check(KmsTarget target, Clock clock) {
		String checkedAt = clock.instant().toString();
		try {
			target.kms().checkReachable();
			return new Reachability(true, null, checkedAt);
		}
		catch (KmsException ex) {
			return new Reachability(false, ex.errorCode().code(), checkedAt);
		}
	}

	/**
	 * @param up whether the last check succeeded
	 * @param error the failure's stable code, or {@code null}
	 * @param checkedAt when the answer was obtained
	 */
	public record Reachability(boolean up, String error, String checkedAt) {

		/** {@code UP} or {@code DOWN}, as health endpoints spell it. */
		public String status() {
			return this.up ? "UP" : "DOWN";
		}

	}

}
