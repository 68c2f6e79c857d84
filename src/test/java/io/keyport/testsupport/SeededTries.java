package io.keyport.testsupport;

import java.security.SecureRandom;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Runs a property check many times on seeded random input, so a failing case can be
 * replayed. Each try gets its own {@link SplittableRandom} from a seed drawn from the
 * run's seed. The run's seed is new each run (so runs explore different input) unless
 * given as {@code -Dkeyport.test.seed=N}; a failure names it and the failing try's seed,
 * which {@code -Dkeyport.test.try-seed=N} replays alone. Both apply to every property in
 * the JVM, so pair them with {@code -Dtest=Class#method}. There is no shrinking: the seed
 * replays the failing input.
 */
public final class SeededTries {

	public static final String SEED_PROPERTY = "keyport.test.seed";

	public static final String TRY_SEED_PROPERTY = "keyport.test.try-seed";

	private SeededTries() {
	}

	/**
	 * Runs {@code check} {@code tries} times (once with a given try seed); the first
	 * failure stops the run.
	 */
	public static void run(int tries, Consumer<SplittableRandom> check) {
		String trySeed = System.getProperty(TRY_SEED_PROPERTY);
		if (trySeed != null) {
			runTry(check, Long.parseLong(trySeed), 1, 1, null);
			return;
		}
		String given = System.getProperty(SEED_PROPERTY);
		run(tries, given != null ? Long.parseLong(given) : new SecureRandom().nextLong(), check);
	}

	/**
	 * Runs {@code check} {@code tries} times from the given run seed: the same seed gives
	 * the same tries.
	 */
	public static void run(int tries, long runSeed, Consumer<SplittableRandom> check) {
		SplittableRandom seeds = new SplittableRandom(runSeed);
		for (int i = 1; i <= tries; i++) {
			runTry(check, seeds.nextLong(), i, tries, runSeed);
		}
	}

	private static void runTry(Consumer<SplittableRandom> check, long trySeed, int i, int tries, Long runSeed) {
		try {
			check.accept(new SplittableRandom(trySeed));
		}
		catch (AssertionError | RuntimeException ex) {
			String replay = "-D" + TRY_SEED_PROPERTY + "=" + trySeed;
			if (runSeed != null) {
				replay += " (this try alone), -D" + SEED_PROPERTY + "=" + runSeed + " (the whole run)";
			}
			throw new AssertionError("try " + i + " of " + tries + " failed (try seed " + trySeed
					+ (runSeed != null ? ", run seed " + runSeed : "") + "); replay with " + replay + ": "
					+ ex.getMessage(), ex);
		}
	}

}
