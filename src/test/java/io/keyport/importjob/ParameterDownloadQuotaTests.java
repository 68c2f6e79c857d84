package io.keyport.importjob;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.keyport.kms.KmsRateLimitProperties;
import io.keyport.kms.KmsRateLimiter;
import io.keyport.kms.KmsTarget;
import io.keyport.security.Caller;
import io.keyport.support.DescribedFailure;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The split of GetParametersForImport between tenants, without Spring: who gets a permit,
 * who is told to wait.
 */
class ParameterDownloadQuotaTests {

	/**
	 * 0.2/s in all: 0.1/s for requests, 0.05/s (one every 20 s) for one tenant after a
	 * burst of 3.
	 */
	static final KmsRateLimitProperties DEFAULTS = new KmsRateLimitProperties(0.2, 4, 50, 4, Duration.ofSeconds(10),
			0.5, 0.5, 3);

	static Caller of(String tenant) {
		return new Caller("client-" + tenant, "client-" + tenant, tenant, Set.of());
	}

	@Test
	void aTenantOverItsShareIsRefusedAtOnceWithTheWaitWhileOthersStillGetTheirs() {
		ParameterDownloadShare quota = new ParameterDownloadShare(DEFAULTS.getParametersForImport(), DEFAULTS);

		for (int i = 0; i < 3; i++) {
			quota.acquire(of("tenant-a"), null);
		}
		assertThatExceptionOfType(ImportJobException.class).isThrownBy(() -> quota.acquire(of("tenant-a"), null))
			.satisfies(e -> {
				assertThat(e.code()).isEqualTo("kms-quota-exceeded");
				assertThat(e.kind()).isEqualTo(DescribedFailure.Kind.TOO_MANY_REQUESTS);
				assertThat(e.retryAfter()).isBetween(Duration.ofSeconds(19), Duration.ofSeconds(20));
			});
		assertThatCode(() -> quota.acquire(of("tenant-b"), null)).doesNotThrowAnyException();
	}

	@Test
	void checkingTheShareTakesNoPermitButRefusesLikeAcquiringWhenItIsUsedUp() {
		ParameterDownloadShare quota = new ParameterDownloadShare(DEFAULTS.getParametersForImport(), DEFAULTS);
		for (int i = 0; i < 10; i++) {
			quota.check(of("tenant-a"));
		}
		// the burst of 3 is still whole after ten checks
		for (int i = 0; i < 3; i++) {
			quota.acquire(of("tenant-a"), null);
		}
		assertThatExceptionOfType(ImportJobException.class).isThrownBy(() -> quota.check(of("tenant-a")))
			.satisfies(e -> {
				assertThat(e.code()).isEqualTo("kms-quota-exceeded");
				assertThat(e.retryAfter()).isBetween(Duration.ofSeconds(19), Duration.ofSeconds(20));
			});
	}

	@Test
	void requestsTogetherNeverTakeTheSchedulersShare() {
		ParameterDownloadShare quota = new ParameterDownloadShare(DEFAULTS.getParametersForImport(), DEFAULTS);
		for (int i = 0; i < 3; i++) {
			quota.acquire(of("tenant-a"), null);
			quota.acquire(of("tenant-b"), null);
		}

		// tenant C has its own permits, but the requests' share (0.1/s, a burst of 6) is
		// used up
		assertThatExceptionOfType(ImportJobException.class).isThrownBy(() -> quota.acquire(of("tenant-c"), null))
			.satisfies(e -> assertThat(e.retryAfter()).isBetween(Duration.ofSeconds(9), Duration.ofSeconds(10)));
	}

	@Test
	void noPacingMeansNoQuota() {
		ParameterDownloadShare quota = new ParameterDownloadShare(0,
				new KmsRateLimitProperties(0, 4, 50, 4, Duration.ofSeconds(10), 0.5, 0.5, 3));
		for (int i = 0; i < 100; i++) {
			quota.acquire(of("tenant-a"), null);
		}
	}

	@Test
	void aJobsDownloadsAreTakenAtEveryTargetOrNoneSoARefusalForAReplicaSpendsNothingOfThePrimarysShare() {
		ParameterDownloadQuota quota = new ParameterDownloadQuota(DEFAULTS);
		KmsTarget primary = target("primary");
		KmsTarget replica = target("replica");
		// the tenant's burst of 3 at the replica's Region is used up by jobs there alone
		for (int i = 0; i < 3; i++) {
			quota.acquire(replica, of("tenant-a"), null);
		}

		for (int i = 0; i < 5; i++) {
			assertThatExceptionOfType(ImportJobException.class)
				.isThrownBy(() -> quota.acquireAll(List.of(primary, replica), of("tenant-a")))
				.satisfies(e -> assertThat(e.code()).isEqualTo("kms-quota-exceeded"));
		}

		// five refused jobs later the primary's burst is still whole
		for (int i = 0; i < 3; i++) {
			quota.acquire(primary, of("tenant-a"), null);
		}
		assertThatExceptionOfType(ImportJobException.class)
			.isThrownBy(() -> quota.acquire(primary, of("tenant-a"), null));
	}

	@Test
	void permitsGivenBackForDownloadsNeverMadeAreTakenAgainButNeverBeyondTheBurst() {
		ParameterDownloadQuota quota = new ParameterDownloadQuota(DEFAULTS);
		KmsTarget primary = target("primary");
		KmsTarget replica = target("replica");
		quota.acquireAll(List.of(primary, replica), of("tenant-a"));
		quota.giveBackAll(List.of(primary, replica), of("tenant-a"));
		// given back twice: the second must not raise the burst above 3
		quota.giveBackAll(List.of(primary), of("tenant-a"));

		for (int i = 0; i < 3; i++) {
			quota.acquire(primary, of("tenant-a"), null);
		}
		assertThatExceptionOfType(ImportJobException.class)
			.isThrownBy(() -> quota.acquire(primary, of("tenant-a"), null));
	}

	private static KmsTarget target(String name) {
		return new KmsTarget(name, "aws", null, new KmsRateLimiter(
				Map.of("GetParametersForImport", DEFAULTS.getParametersForImport()), 0, Duration.ofSeconds(10)));
	}

}
