package io.keyport.importjob;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LifecycleClaimsTests {

	@Test
	void claimsOfSeveralTargetsAreWorkedInTurnSoEachTargetsPaceAddsUp() {
		// target a paces its calls while b's are sent, instead of all of a's first
		assertThat(LifecycleClaims.inTurn(List.of(List.of("a1", "a2", "a3"), List.of("b1"), List.of("c1", "c2"))))
			.containsExactly("a1", "b1", "c1", "a2", "c2", "a3");
	}

	@Test
	void noTargetsOrEmptyClaimsGiveNothingToWork() {
		assertThat(LifecycleClaims.inTurn(List.<List<String>>of())).isEmpty();
		assertThat(LifecycleClaims.inTurn(List.of(List.<String>of(), List.<String>of()))).isEmpty();
	}

}
