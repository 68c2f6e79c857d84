package io.keyport.emulator.huawei;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Faults injected into operations, changeable while the emulator runs. Operations are
 * named as in the path ({@code "import-key-material"}); {@link #ALL_OPERATIONS} applies a
 * rule to every operation. Faults apply to calls whose signature verified. Each rule
 * counts the calls it sees on its own, so "every 3rd call" means the 3rd, 6th, ... call
 * after the rule was set.
 */
public final class HuaweiFaults {

	/** Wildcard operation name for rules that apply to every operation. */
	public static final String ALL_OPERATIONS = "*";

	/** Huawei's API gateway throttling answer: HTTP 429, top-level {@code APIG.0308}. */
	public static final String THROTTLED = "APIG.0308";

	private record Rule(String code, int status, String message, int every, AtomicLong remaining,
			boolean afterExecution, AtomicLong calls) {

		/**
		 * Whether this call is answered with the fault; every matching rule counts it.
		 */
		boolean fires() {
			if (this.remaining != null) {
				return this.remaining.getAndUpdate((n) -> Math.max(0, n - 1)) > 0;
			}
			return this.calls.incrementAndGet() % this.every == 0;
		}

	}

	private final Map<String, List<Rule>> rules = new ConcurrentHashMap<>();

	private final Map<String, Duration> latencies = new ConcurrentHashMap<>();

	HuaweiFaults() {
	}

	/** Answers every {@code n}th call (any operation) with 429 {@code APIG.0308}. */
	public HuaweiFaults throttleEvery(int n) {
		return throttleEvery(ALL_OPERATIONS, n);
	}

	/** Answers every {@code n}th call of the operation with 429 {@code APIG.0308}. */
	public HuaweiFaults throttleEvery(String operation, int n) {
		return add(operation,
				new Rule(THROTTLED, 429, "The throttling threshold has been reached: policy user over ratelimit",
						positive(n), null, false, new AtomicLong()));
	}

	/**
	 * Answers every {@code n}th call of the operation with an error code and status,
	 * without executing it. {@code APIG.*} codes are answered in the gateway's form.
	 */
	public HuaweiFaults failEvery(String operation, int n, String errorCode, int httpStatus) {
		return add(operation, new Rule(Objects.requireNonNull(errorCode), httpStatus, "Injected " + errorCode,
				positive(n), null, false, new AtomicLong()));
	}

	/**
	 * Answers the next {@code count} calls of the operation with the error, without
	 * executing them.
	 */
	public HuaweiFaults failNext(String operation, int count, String errorCode, int httpStatus) {
		return add(operation, new Rule(Objects.requireNonNull(errorCode), httpStatus, "Injected " + errorCode, 1,
				new AtomicLong(positive(count)), false, new AtomicLong()));
	}

	/**
	 * Executes the next {@code count} successful calls of the operation, then answers
	 * with the error: the change happened but the client does not know.
	 */
	public HuaweiFaults failNextAfterExecution(String operation, int count, String errorCode, int httpStatus) {
		return add(operation, new Rule(Objects.requireNonNull(errorCode), httpStatus, "Injected " + errorCode, 1,
				new AtomicLong(positive(count)), true, new AtomicLong()));
	}

	/** Delays every call of the operation; {@link Duration#ZERO} removes the delay. */
	public HuaweiFaults latency(String operation, Duration latency) {
		if (latency.isZero() || latency.isNegative()) {
			this.latencies.remove(operation);
		}
		else {
			this.latencies.put(operation, latency);
		}
		return this;
	}

	/** Removes every rule and latency. */
	public HuaweiFaults clear() {
		this.rules.clear();
		this.latencies.clear();
		return this;
	}

	/** Removes the rules and latency of one operation (or of the wildcard). */
	public HuaweiFaults clear(String operation) {
		this.rules.remove(operation);
		this.latencies.remove(operation);
		return this;
	}

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
		HuaweiKmsError error = null;
		for (String key : List.of(operation, ALL_OPERATIONS)) {
			for (Rule rule : this.rules.getOrDefault(key, List.of())) {
				if (rule.afterExecution() == afterExecution && rule.fires() && error == null) {
					error = new HuaweiKmsError(rule.code(), rule.status(), rule.message());
				}
			}
		}
		if (error != null) {
			throw error;
		}
	}

	private HuaweiFaults add(String operation, Rule rule) {
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
