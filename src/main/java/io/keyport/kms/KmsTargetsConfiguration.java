package io.keyport.kms;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Builds the {@link KmsTargets}: each configured target's adapter from its provider's
 * {@link KmsProviderFactory}, paced per quota scope (targets in one AWS account and
 * Region share one pace: AWS counts their calls together) and observed with the target's
 * name.
 */
@Configuration(proxyBeanMethods = false)
class KmsTargetsConfiguration {

	@Bean
	KmsTargets kmsTargets(KmsTargetsProperties properties, List<KmsProviderFactory> factories,
			KmsRateLimitProperties rateLimits, ObjectProvider<KmsCallListener> listeners,
			ObjectProvider<ObservationRegistry> observations) {
		Map<String, KmsProviderFactory> byProvider = new TreeMap<>();
		factories.forEach(factory -> byProvider.put(factory.provider(), factory));
		List<KmsCallListener> callListeners = listeners.orderedStream().toList();
		ObservationRegistry registry = observations.getIfAvailable(() -> ObservationRegistry.NOOP);
		List<KmsTarget> targets = new ArrayList<>();
		KmsCallsInFlight inFlight = new KmsCallsInFlight(properties.maxCallsInFlight());
		Map<String, KmsRateLimiter> scopes = new TreeMap<>();
		new TreeMap<>(properties.effectiveTargets()).forEach((name, settings) -> {
			KmsProviderFactory factory = byProvider.get(settings.provider());
			if (factory == null) {
				throw new IllegalStateException(KmsTargetSettings.property(name, "provider") + ": '"
						+ settings.provider() + "' is not available; providers: " + byProvider.keySet());
			}
			// a target with a pace of its own keeps it to itself
			String scope = settings.requestsPerSecond() != null ? KmsTarget.ownScope(name)
					: factory.quotaScope(name, settings).orElse(KmsTarget.ownScope(name));
			KmsRateLimiter limiter = settings.requestsPerSecond() != null
					? KmsRateLimiter.total(settings.requestsPerSecond(), rateLimits.maxWait())
					: scopes.computeIfAbsent(scope, s -> factory.defaultLimiter(rateLimits));
			KmsProvider adapter = factory.create(name, settings);
			adapter.pacedBy(limiter);
			targets.add(new KmsTarget(name, settings.provider(),
					new PacedKmsProvider(name, adapter, limiter, callListeners, registry, inFlight), limiter, scope));
		});
		return new KmsTargets(targets, properties.effectiveDefault());
	}

}
