package io.keyport.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The property-test runner replays: one run seed gives the same tries, and a failure
 * names seeds that reproduce it.
 */
class SeededTriesTests {

	@Test
	void sameRunSeedGivesTheSameTriesAndAnotherSeedOthers() {
		assertThat(draws(42L)).hasSize(50).isEqualTo(draws(42L)).isNotEqualTo(draws(43L));
	}

	@Test
	void failureNamesTheTrySeedThatReplaysTheFailingInputAndTheRunSeed() {
		AssertionError failure = catchThrowableOfType(AssertionError.class,
				() -> SeededTries.run(1000, 7L, random -> assertThat(random.nextInt(100)).isNotEqualTo(37)));

		assertThat(failure.getMessage()).contains("-Dkeyport.test.seed=7").contains("of 1000 failed");
		Matcher trySeed = Pattern.compile("-Dkeyport\\.test\\.try-seed=(-?\\d+)").matcher(failure.getMessage());
		assertThat(trySeed.find()).isTrue();
		assertThat(new SplittableRandom(Long.parseLong(trySeed.group(1))).nextInt(100)).isEqualTo(37);
		assertThat(failure.getCause()).isInstanceOf(AssertionError.class);
	}

	static List<Integer> draws(long runSeed) {
		List<Integer> draws = new ArrayList<>();
		SeededTries.run(50, runSeed, random -> draws.add(RandomInputs.size(random, 1000)));
		return draws;
	}

}
