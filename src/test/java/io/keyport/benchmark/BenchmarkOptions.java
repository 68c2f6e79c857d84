package io.keyport.benchmark;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings of an {@link ImportBenchmark} run, from {@code --name=value} arguments (set by
 * {@code scripts/benchmark-import.sh}).
 *
 * @param directory where the endpoints file, the go file and the results go
 * @param keyport Keyport's base URL
 * @param latencies KMS latencies of the cells
 * @param clients client counts of the cells
 * @param imports measured imports per mode and cell
 * @param warmup imports per mode before each cell's measurement
 * @param settleBlock imports per block of the warm-up before the first cell, which goes
 * on (mode by mode, at the largest client count and no KMS latency) until the process's
 * JIT compiler threads used less than {@code settleShare} of its CPU in a block
 * @param settleMax imports per mode after which that warm-up stops, settled or not
 * @param settleShare the compilers' share of the process's CPU below which it counts as
 * warm
 * @param rounds measured blocks per mode and cell, the modes alternating
 * @param modes {@code bare}, {@code keyport} or both
 * @param jdbcUrl database to read {@code pg_stat_statements} from, or {@code null}
 * @param keyportPid Keyport's process, for its CPU time; read from {@code keyport.pid} in
 * the directory once the go file is there (see {@link #withKeyportPid})
 * @param clockTicks the kernel's clock ticks per second ({@code getconf CLK_TCK})
 */
record BenchmarkOptions(Path directory, URI keyport, List<Duration> latencies, List<Integer> clients, int imports,
		int warmup, int settleBlock, int settleMax, double settleShare, int rounds, List<String> modes, String jdbcUrl,
		String jdbcUser, String jdbcPassword, String applicationRole, Duration goTimeout, Long keyportPid,
		long clockTicks) {

	static BenchmarkOptions parse(String... args) {
		Map<String, String> values = new HashMap<>();
		for (String arg : args) {
			if (!arg.startsWith("--") || !arg.contains("=")) {
				throw new IllegalArgumentException("arguments are --name=value, not " + arg);
			}
			values.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
		}
		BenchmarkOptions options = new BenchmarkOptions(Path.of(required(values, "dir")),
				URI.create(required(values, "keyport")),
				list(values.getOrDefault("latencies-ms", "0,20")).stream()
					.map((ms) -> Duration.ofMillis(Long.parseLong(ms)))
					.toList(),
				list(values.getOrDefault("clients", "1,8")).stream().map(Integer::valueOf).toList(),
				Integer.parseInt(values.getOrDefault("imports", "200")),
				Integer.parseInt(values.getOrDefault("warmup", "40")),
				Integer.parseInt(values.getOrDefault("settle-block", "1000")),
				Integer.parseInt(values.getOrDefault("settle-max", "30000")),
				Double.parseDouble(values.getOrDefault("settle-share", "0.05")),
				Integer.parseInt(values.getOrDefault("rounds", "4")),
				list(values.getOrDefault("modes", "bare,keyport")), values.get("jdbc-url"), values.get("jdbc-user"),
				values.get("jdbc-password"), values.getOrDefault("app-role", "keyport"),
				Duration.ofSeconds(Long.parseLong(values.getOrDefault("go-timeout-seconds", "300"))), null,
				Long.parseLong(values.getOrDefault("clock-ticks", "100")));
		if (options.imports < options.rounds || options.rounds < 1) {
			throw new IllegalArgumentException("need at least one import per round and one round");
		}
		if (options.settleBlock < 1 || options.settleShare <= 0) {
			throw new IllegalArgumentException("the settling warm-up needs blocks of one import or more and a share");
		}
		if (!List.of("bare", "keyport").containsAll(options.modes) || options.modes.isEmpty()) {
			throw new IllegalArgumentException("modes are bare and/or keyport");
		}
		return options;
	}

	BenchmarkOptions withKeyportPid(Long pid) {
		return new BenchmarkOptions(this.directory, this.keyport, this.latencies, this.clients, this.imports,
				this.warmup, this.settleBlock, this.settleMax, this.settleShare, this.rounds, this.modes, this.jdbcUrl,
				this.jdbcUser, this.jdbcPassword, this.applicationRole, this.goTimeout, pid, this.clockTicks);
	}

	boolean runs(String mode) {
		return this.modes.contains(mode);
	}

	private static String required(Map<String, String> values, String name) {
		String value = values.get(name);
		if (value == null) {
			throw new IllegalArgumentException("--" + name + "= is required");
		}
		return value;
	}

	private static List<String> list(String value) {
		return Arrays.stream(value.split(",")).map(String::strip).filter((s) -> !s.isEmpty()).toList();
	}

}
