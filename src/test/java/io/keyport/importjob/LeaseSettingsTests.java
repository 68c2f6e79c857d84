package io.keyport.importjob;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * The lease must outlast one job's KMS work: the wait for a pacing permit plus the call's
 * timeout.
 */
class LeaseSettingsTests {

	@Test
	void defaultsPass() {
		assertThatNoException().isThrownBy(() -> LeaseSettings.check(Duration.ofMinutes(2), Duration.ofSeconds(25)));
	}

	@Test
	void leaseNoLongerThanCallTimeoutPlusPacingWaitIsRefusedAtStartup() {
		assertThatIllegalStateException()
			.isThrownBy(() -> LeaseSettings.check(Duration.ofSeconds(25), Duration.ofSeconds(25)))
			.withMessageContaining("keyport.lifecycle.lease-duration")
			.withMessageContaining("api-call-timeout")
			.withMessageContaining("max-wait");
	}

	/**
	 * A re-import into a Huawei key makes two calls (describe, delete) before its lease
	 * is extended for the import: a lease covering one call could lapse in the second.
	 * The Huawei defaults (30 s timeout, 10 s wait) pass with the 2-minute lease.
	 */
	@Test
	void leaseThatCoversOneCallButNotTwoIsRefusedAtStartup() {
		assertThatNoException().isThrownBy(() -> LeaseSettings.check(Duration.ofMinutes(2), Duration.ofSeconds(40)));
		assertThatNoException().isThrownBy(() -> LeaseSettings.check(Duration.ofSeconds(51), Duration.ofSeconds(25)));
		assertThatIllegalStateException()
			.isThrownBy(() -> LeaseSettings.check(Duration.ofSeconds(50), Duration.ofSeconds(25)))
			.withMessageContaining("keyport.lifecycle.lease-duration")
			.withMessageContaining("api-call-timeout")
			.withMessageContaining("max-wait");
	}

	@Test
	void leaseNoLongerThanOnDemandWaitPlusTheLongestCallIsRefusedAtStartup() {
		assertThatNoException().isThrownBy(() -> LeaseSettings.checkOnDemand(Duration.ofMinutes(2),
				Duration.ofSeconds(25), Duration.ofSeconds(10)));
		assertThatIllegalStateException()
			.isThrownBy(() -> LeaseSettings.checkOnDemand(Duration.ofSeconds(30), Duration.ofSeconds(25),
					Duration.ofSeconds(10)))
			.withMessageContaining("keyport.lifecycle.lease-duration")
			.withMessageContaining("keyport.refresh-policy.on-demand-wait");
	}

	/**
	 * The lease settings are one group now; the former name would otherwise be ignored
	 * without a word.
	 */
	@Test
	void formerLeaseDurationNameIsRefusedAtStartupNamingTheNewOne() {
		assertThatIllegalStateException().isThrownBy(() -> LeaseSettings.checkNotFormerName(true))
			.withMessageContaining("keyport.import-jobs.lease-duration")
			.withMessageContaining("keyport.lifecycle.lease-duration");
		assertThatNoException().isThrownBy(() -> LeaseSettings.checkNotFormerName(false));
	}

}
