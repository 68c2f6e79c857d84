package io.keyport.kms;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

class KmsRateLimiterTests {

	@Test
	void refusesACallWhosePermitIsFurtherAwayThanTheMaximumWait() {
		// 0.2/s: one permit, the next one 5 s later
		KmsRateLimiter limiter = new KmsRateLimiter(Map.of("GetParametersForImport", 0.2), 100, Duration.ofSeconds(1));
		assertThatNoException().isThrownBy(() -> limiter.acquire("GetParametersForImport"));
		assertThat(limiter.available("GetParametersForImport")).isFalse();
		assertThatExceptionOfType(KmsException.class).isThrownBy(() -> limiter.acquire("GetParametersForImport"))
			.satisfies(ex -> {
				assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.THROTTLED);
				assertThat(ex.isTransient()).isTrue();
				assertThat(ex.operation()).isEqualTo("GetParametersForImport");
				// refused before anything was sent: KMS cannot have carried it out
				assertThat(ex.maybeSent()).isFalse();
			});
	}

	@Test
	void aCallsPermitPaysForItsFirstRequestOnlyAndEndsWithTheCall() {
		// 0.2/s: one permit, the next one 5 s later
		KmsRateLimiter limiter = KmsRateLimiter.total(0.2, Duration.ZERO);
		limiter.acquireCall("GetPublicKey");
		// the call's first request: paid
		assertThatNoException().isThrownBy(() -> limiter.acquireRequest("GetPublicKey"));
		// its second (a describe-key): a permit of its own, none left; the call's first
		// request may have been carried out
		assertThatExceptionOfType(KmsException.class).isThrownBy(() -> limiter.acquireRequest("DescribeKey"))
			.satisfies(ex -> assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.THROTTLED))
			.satisfies(ex -> assertThat(ex.maybeSent()).isTrue());
		limiter.endCall();

		KmsRateLimiter unused = KmsRateLimiter.total(0.2, Duration.ZERO);
		unused.acquireCall("DescribeKey");
		unused.endCall();
		// a call whose adapter never asked leaves nothing paid for the next request
		assertThatExceptionOfType(KmsException.class).isThrownBy(() -> unused.acquireRequest("DescribeKey"));
	}

	@Test
	void callsInARowAreUnlimitedWhenEachPermitComesWithinTheWaitElseWhatTheBucketHoldsNow() {
		// 0.25/s: a permit every 4 s, within a wait of 10 s
		assertThat(new KmsRateLimiter(Map.of("GetParametersForImport", 0.25), 5, Duration.ofSeconds(10))
			.callsInARow("GetParametersForImport")).isEqualTo(Long.MAX_VALUE);
		// 0.025/s: a permit every 40 s; the bucket holds one, a wait of 10 s adds none
		KmsRateLimiter slow = new KmsRateLimiter(Map.of("GetParametersForImport", 0.025), 5, Duration.ofSeconds(10));
		assertThat(slow.callsInARow("GetParametersForImport")).isOne();
		slow.acquire("GetParametersForImport");
		assertThat(slow.callsInARow("GetParametersForImport")).isZero();
	}

	@Test
	void callsWithinABoundedWaitAreRefusedOnceTheirPermitIsFurtherAwayThanThatWait() {
		// 0.2/s: one permit, the next one 5 s later, within the 10 s a caller waits
		KmsRateLimiter limiter = new KmsRateLimiter(Map.of("GetParametersForImport", 0.2), 100, Duration.ofSeconds(10));
		limiter.acquire("GetParametersForImport");
		long start = System.nanoTime();
		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> limiter.waitingAtMost(Duration.ofMillis(100), () -> {
				limiter.acquire("GetParametersForImport");
				return null;
			}))
			.satisfies(ex -> assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.THROTTLED))
			.satisfies(ex -> assertThat(ex.maybeSent()).isFalse());
		// refused at once, not after the permit's 5 s
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
		// other operations within the same bound go through: their permits are there
		assertThat(limiter.waitingAtMost(Duration.ZERO, () -> {
			limiter.acquire("ImportKeyMaterial");
			return "sent";
		})).isEqualTo("sent");
	}

	@Test
	void operationsArePacedIndependently() {
		KmsRateLimiter limiter = new KmsRateLimiter(Map.of("GetParametersForImport", 0.2), 5, Duration.ZERO);
		limiter.acquire("GetParametersForImport");
		// other operations have their own buckets (5 permits for the default rate)
		for (int i = 0; i < 5; i++) {
			limiter.acquire("ImportKeyMaterial");
		}
		assertThatExceptionOfType(KmsException.class).isThrownBy(() -> limiter.acquire("ImportKeyMaterial"));
		assertThat(limiter.available("DescribeKey")).isTrue();
	}

	@Test
	void zeroRateMeansUnpaced() {
		KmsRateLimiter limiter = new KmsRateLimiter(Map.of(), 0, Duration.ZERO);
		for (int i = 0; i < 10_000; i++) {
			limiter.acquire("DescribeKey");
		}
		assertThat(limiter.available("DescribeKey")).isTrue();
	}

	@Test
	void defaultsStayUnderAwsQuotas() {
		KmsRateLimitProperties defaults = new org.springframework.boot.context.properties.bind.Binder(
				new org.springframework.boot.context.properties.source.MapConfigurationPropertySource(Map.of()))
			.bindOrCreate("keyport.kms.rate-limits", KmsRateLimitProperties.class);
		assertThat(defaults.getParametersForImport()).isLessThan(0.25);
		assertThat(defaults.importKeyMaterial()).isLessThan(5);
	}

}
