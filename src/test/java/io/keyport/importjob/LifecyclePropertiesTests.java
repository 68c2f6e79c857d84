package io.keyport.importjob;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Lifecycle and custody renewal durations as operators write them: a value without a unit
 * is milliseconds in Spring, so {@code job-lifetime=30} meant as 30 days is refused at
 * startup instead of cancelling every waiting job within a run.
 */
class LifecyclePropertiesTests {

	@ParameterizedTest
	@CsvSource({ "keyport.lifecycle.job-lifetime, 30, at least 1h",
			"keyport.lifecycle.expiry-lead-time, 7, at least 1h", "keyport.lifecycle.refresh-margin, 60, at least 1s",
			"keyport.lifecycle.interval, 10, at least 1s", "keyport.lifecycle.drift-check-interval, 5, at least 1s",
			"keyport.lifecycle.refresh-margin, 24h, shorter than the 24 hours",
			"keyport.custody.renewal.before, 7, at least 1h" })
	void durationsThatCanOnlyBeAUnitMistakeAreRefusedNamingTheSetting(String name, String value, String message) {
		Class<?> type = name.startsWith("keyport.custody") ? CustodyRenewalProperties.class : LifecycleProperties.class;
		String prefix = name.startsWith("keyport.custody") ? "keyport.custody.renewal" : "keyport.lifecycle";

		assertThatExceptionOfType(BindException.class).isThrownBy(() -> bind(prefix, type, Map.of(name, value)))
			.havingRootCause()
			.withMessageContaining(name + " (")
			.withMessageContaining(message);
	}

	@Test
	void theDefaultsAndDurationsWithUnitsBind() {
		LifecycleProperties defaults = (LifecycleProperties) bind("keyport.lifecycle", LifecycleProperties.class,
				Map.of("keyport.lifecycle.enabled", "true"));
		assertThat(defaults.jobLifetime()).isEqualTo(Duration.ofDays(30));
		assertThat(defaults.refreshMargin()).isEqualTo(Duration.ofHours(1));
		LifecycleProperties written = (LifecycleProperties) bind("keyport.lifecycle", LifecycleProperties.class,
				Map.of("keyport.lifecycle.job-lifetime", "30d", "keyport.lifecycle.refresh-margin", "3s"));
		assertThat(written.jobLifetime()).isEqualTo(Duration.ofDays(30));
		assertThat(written.refreshMargin()).isEqualTo(Duration.ofSeconds(3));
		CustodyRenewalProperties renewal = (CustodyRenewalProperties) bind("keyport.custody.renewal",
				CustodyRenewalProperties.class, Map.of("keyport.custody.renewal.before", "2h"));
		assertThat(renewal.before()).isEqualTo(Duration.ofHours(2));
	}

	private static Object bind(String prefix, Class<?> type, Map<String, String> properties) {
		return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate(prefix, type);
	}

}
