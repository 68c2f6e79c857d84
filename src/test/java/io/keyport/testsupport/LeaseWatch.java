package io.keyport.testsupport;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.springframework.jdbc.core.JdbcTemplate;

import io.keyport.emulator.MutableClock;

/**
 * Runs a job's work with a slow KMS call in it and lets more than a lease's time pass
 * while that call runs: then tells whether the job's lease was extended past that moment
 * before the work ended (polling the job's row, so the next call must be slow enough for
 * a poll to see it).
 */
public final class LeaseWatch {

	/** More than the lease (2 minutes in the tests). */
	private static final Duration LAPSE = Duration.ofMinutes(3);

	private LeaseWatch() {
	}

	/**
	 * @param slowCallStarted true once the slow call reached the emulator
	 * @param work the job's work, run on another thread; its result must be positive
	 * @return whether the lease was extended past the lapse while the work went on
	 */
	public static boolean extendedAfterALapse(MutableClock clock, JdbcTemplate jdbc, String jobId,
			BooleanSupplier slowCallStarted, Supplier<Integer> work) throws Exception {
		CompletableFuture<Integer> running = CompletableFuture.supplyAsync(work);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (!slowCallStarted.getAsBoolean() && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		clock.advance(LAPSE);
		Instant lapsed = clock.instant();
		boolean extended = false;
		while (!running.isDone()) {
			Timestamp until = jdbc.queryForObject("select lease_until from import_job where id = ?::uuid",
					Timestamp.class, jobId);
			extended |= until != null && until.toInstant().isAfter(lapsed);
			Thread.sleep(20);
		}
		if (running.get(30, TimeUnit.SECONDS) <= 0) {
			throw new AssertionError("the work found nothing to do");
		}
		return extended;
	}

}
