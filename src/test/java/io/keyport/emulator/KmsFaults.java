package io.keyport.emulator;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Faults injected into operations, changeable while the emulator runs. Operations are
 * named as in {@code X-Amz-Target} ({@code "ImportKeyMaterial"}); {@link #ALL_OPERATIONS}
 * applies a rule to every operation. Each rule counts the calls it sees on its own, so
 * "every 2nd call" means the 2nd, 4th, ... call after the rule was set.
 */
public final class KmsFaults {

	/** Wildcard operation name for rules that apply to every operation. */
	public static final String ALL_OPERATIONS = "*";

	/** Faults AWS KMS answers with, with the HTTP status of the KMS service model. */
	public enum Fault {

		/**
		 * Request rate exceeded: HTTP 400, not a modeled KMS exception; the SDK treats it
		 * as throttling.
		 */
		THROTTLING("ThrottlingException", 400, "Rate exceeded"),

		/** {@code KMSInternalException}, HTTP 500. */
		INTERNAL("KMSInternalException", 500, "An internal error occurred. Try the request again."),

		/**
		 * {@code DependencyTimeoutException}; HTTP 500 as in the KMS service model (the
		 * SDK maps it by {@code __type}, and retries any 5xx). Use
		 * {@link #failEvery(String, int, String, int)} for 503.
		 */
		DEPENDENCY_TIMEOUT("DependencyTimeoutException", 500,
				"The system timed out while trying to fulfill the request. Try the request again.");

		private final String type;

		private final int status;

		private final String message;

		Fault(String type, int status, String message) {
			this.type = type;
			this.status = status;
			this.message = message;
		}

	}

	private record Rule(String type, int status, String message, int every, boolean afterExecution, AtomicLong calls) {

		boolean fires() {
			return this.calls.incrementAndGet() % this.every == 0;
		}

	}

	private final Map<String, List<Rule>> rules = new ConcurrentHashMap<>();

	private final Map<String, Duration> latencies = new ConcurrentHashMap<>();

	KmsFaults() {
	}

	/**
	 * Answers every {@code n}th call of the operation with a {@code ThrottlingException}
	 * (HTTP 400).
	 */
	public KmsFaults throttleEvery(String operation, int n) {
		return failEvery(operation, n, Fault.THROTTLING);
	}

	/**
	 * Answers every {@code n}th call of the operation with the fault, without executing
	 * it.
	 */
	public KmsFaults failEvery(String operation, int n, Fault fault) {
		return add(operation, new Rule(fault.type, fault.status, fault.message, positive(n), false, new AtomicLong()));
	}

	/**
	 * Answers every {@code n}th call with any error type and HTTP status, without
	 * executing it.
	 */
	public KmsFaults failEvery(String operation, int n, String errorType, int httpStatus) {
		return failEvery(operation, n, errorType, httpStatus, "Injected " + errorType);
	}

	/** As {@link #failEvery(String, int, String, int)}, with KMS's message. */
	public KmsFaults failEvery(String operation, int n, String errorType, int httpStatus, String message) {
		return add(operation, new Rule(Objects.requireNonNull(errorType), httpStatus, Objects.requireNonNull(message),
				positive(n), false, new AtomicLong()));
	}

	/**
	 * Executes every {@code n}th successful call of the operation and then answers with
	 * the fault: the change happened but the client does not know, like a response lost
	 * after a timeout.
	 */
	public KmsFaults failAfterExecutionEvery(String operation, int n, Fault fault) {
		return add(operation, new Rule(fault.type, fault.status, fault.message, positive(n), true, new AtomicLong()));
	}

	/**
	 * Delays every call of the operation (before it is executed); {@link Duration#ZERO}
	 * removes the delay.
	 */
	public KmsFaults latency(String operation, Duration latency) {
		if (latency.isZero() || latency.isNegative()) {
			this.latencies.remove(operation);
		}
		else {
			this.latencies.put(operation, latency);
		}
		return this;
	}

	/** Removes every rule and latency. */
	public KmsFaults clear() {
		this.rules.clear();
		this.latencies.clear();
		return this;
	}

	/** Removes the rules and latency of one operation (or of the wildcard). */
	public KmsFaults clear(String operation) {
		this.rules.remove(operation);
		this.latencies.remove(operation);
		return this;
	}

	/** Sleeps the configured latency, then throws the first fault whose turn it is. */
	void beforeExecution(String operation) throws InterruptedException {
		Duration latency = this.latencies.getOrDefault(operation, this.latencies.get(ALL_OPERATIONS));
		if (latency != null) {
			Thread.sleep(latency);
		}
		check(operation, false);
	}

	void afterExecution(String operation) {
		check(operation, true);
	}

	private void check(String operation, boolean afterExecution) {
		KmsServiceError error = null;
		for (String key : List.of(operation, ALL_OPERATIONS)) {
			for (Rule rule : this.rules.getOrDefault(key, List.of())) {
				// Every matching rule counts the call, also when an earlier one already
				// fired.
				if (rule.afterExecution() == afterExecution && rule.fires() && error == null) {
					error = new KmsServiceError(rule.type(), rule.status(), rule.message());
				}
			}
		}
		if (error != null) {
			throw error;
		}
	}

	private KmsFaults add(String operation, Rule rule) {
		this.rules.computeIfAbsent(Objects.requireNonNull(operation), (key) -> new CopyOnWriteArrayList<>()).add(rule);
		return this;
	}

	private static int positive(int n) {
		if (n < 1) {
			throw new IllegalArgumentException("n must be at least 1");
		}
		return n;
	}

}
