package io.keyport.importjob;

import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ImportJobPropertiesTests {

	final ImportJobProperties properties = new ImportJobProperties(Duration.ofSeconds(30), Duration.ofMinutes(15),
			Duration.ofDays(365), 8, 20, 100, Duration.ofMinutes(5));

	@Test
	void retryDelayGrowsExponentiallyWithJitterAndIsCapped() {
		Random random = new Random(42);
		for (int attempt = 1; attempt <= 12; attempt++) {
			long nominal = Math.min(Duration.ofMinutes(15).toMillis(), 30_000L << (attempt - 1));
			Duration delay = this.properties.retryDelay(attempt, random);
			assertThat(delay.toMillis()).as("attempt " + attempt).isBetween(nominal / 2, nominal);
		}
	}

}
