package io.keyport.ops;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import jakarta.servlet.Filter;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.security.web.FilterChainProxy;
import org.springframework.security.web.ObservationFilterChainDecorator;
import org.springframework.test.util.ReflectionTestUtils;
import org.springframework.util.ReflectionUtils;

import io.keyport.testsupport.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Security's observations (a span per filter, authentication and authorization on
 * every request) are off by default: they cost CPU on every request (docs/performance.md)
 * and add nothing the request's own observation does not show. The request and KMS-call
 * observations stay.
 */
class ObservationCostTests extends IntegrationTest {

	@Autowired
	ObservationRegistry registry;

	@Autowired
	@Qualifier("springSecurityFilterChain")
	Filter springSecurityFilterChain;

	@Test
	void securityChainIsNotObservedButRequestsAndKmsCallsAre() {
		assertThat(Observation.start("spring.security.filterchains", this.registry).isNoop()).isTrue();
		assertThat(Observation.start("spring.security.authorizations", this.registry).isNoop()).isTrue();
		assertThat(Observation.start("http.server.requests", this.registry).isNoop()).isFalse();
		assertThat(Observation.start("keyport.kms.calls", this.registry).isNoop()).isFalse();
	}

	@Test
	void securityFiltersAreNotWrappedInObservations() {
		// Spring Security 7 registers a composite around the proxy that holds the
		// decorator
		Object proxy = this.springSecurityFilterChain;
		if (ReflectionUtils.findField(proxy.getClass(), "springSecurityFilterChain") != null) {
			proxy = ReflectionTestUtils.getField(proxy, "springSecurityFilterChain");
		}
		assertThat(proxy).isInstanceOf(FilterChainProxy.class);
		Object decorator = ReflectionTestUtils.getField(proxy, "filterChainDecorator");
		assertThat(decorator).isNotNull().isNotInstanceOf(ObservationFilterChainDecorator.class);
	}

}
