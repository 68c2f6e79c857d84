package io.keyport.importjob;

import java.util.Locale;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

import io.keyport.kms.KmsErrorCode;

/**
 * Counters of what happens to jobs: {@code keyport.imports} by outcome and error code,
 * and {@code keyport.parameter.downloads} by cause. Tags are low-cardinality by
 * construction (no key or job ids).
 */
@Component
class ImportJobMetrics {

	/** Why parameters were downloaded. */
	enum DownloadCause {

		JOB_CREATED, ON_REQUEST, ON_DEMAND, REFRESH_BEFORE_EXPIRY, AFTER_EXPIRY, TOKEN_EXPIRED, CUSTODY_RENEWAL,
		REPLICA;

		String tag() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	private final MeterRegistry registry;

	ImportJobMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	void imported(String target) {
		imports(target, "imported", "none");
	}

	/**
	 * A refused import: {@code retry} (transient, the job retries), {@code refused} (the
	 * job waits), {@code failed}.
	 */
	void importFailed(String target, KmsErrorCode error, ImportJobState outcomeState) {
		String outcome = switch (outcomeState) {
			case MATERIAL_WRAPPED -> "retry";
			case FAILED -> "failed";
			default -> "refused";
		};
		imports(target, outcome, error.code());
	}

	void parametersDownloaded(String target, DownloadCause cause) {
		Counter.builder("keyport.parameter.downloads")
			.description("Wrapping key and import token downloads (GetParametersForImport) by cause")
			.tag("cause", cause.tag())
			.tag("target", target)
			.register(this.registry)
			.increment();
	}

	private void imports(String target, String outcome, String errorCode) {
		Counter.builder("keyport.imports")
			.description("ImportKeyMaterial outcomes")
			.tag("target", target)
			.tag("outcome", outcome)
			.tag("error_code", errorCode)
			.register(this.registry)
			.increment();
	}

}
