package io.keyport.ops;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

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

	@Test
	void securityChainIsNotObservedButRequestsAndKmsCallsAre() {
		assertThat(Observation.start("spring.security.filterchains", this.registry).isNoop()).isTrue();
		assertThat(Observation.start("spring.security.authorizations", this.registry).isNoop()).isTrue();
		assertThat(Observation.start("http.server.requests", this.registry).isNoop()).isFalse();
		assertThat(Observation.start("keyport.kms.calls", this.registry).isNoop()).isFalse();
	}

}
