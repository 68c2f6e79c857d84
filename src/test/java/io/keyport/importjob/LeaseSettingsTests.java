package io.keyport.importjob;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/** The lease must outlast one job's KMS work: the wait for a pacing permit plus the call's timeout. */
class LeaseSettingsTests {

	@Test
	void defaultsPass() {
		assertThatNoException()
			.isThrownBy(() -> LeaseSettings.check(Duration.ofMinutes(2), Duration.ofSeconds(25)));
	}

	@Test
	void leaseNoLongerThanCallTimeoutPlusPacingWaitIsRefusedAtStartup() {
		assertThatIllegalStateException()
			.isThrownBy(() -> LeaseSettings.check(Duration.ofSeconds(25), Duration.ofSeconds(25)))
			.withMessageContaining("keyport.import-jobs.lease-duration")
			.withMessageContaining("api-call-timeout")
			.withMessageContaining("max-wait");
	}

}
