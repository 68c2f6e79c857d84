package io.keyport.benchmark;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The markdown tables of a run: throughput and latency per mode with the ratios against
 * the goals, then what a Keyport import cost in KMS calls and SQL statements.
 */
final class ResultsReport {

	private static final int TOP_STATEMENTS = 15;

	private ResultsReport() {
	}

	static String render(List<CellResult> results) {
		StringBuilder out = new StringBuilder();
		out.append("| KMS latency | clients | bare imports/s | bare p50 / p95 | Keyport imports/s | Keyport p50 / p95 "
				+ "| ratio wall time | ratio p50 | goal |\n");
		out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
		for (CellResult result : results) {
			Cell cell = result.cell();
			out.append(format("| %d ms | %d | %s | %s | %s | %s | %s | %s | %s |%n", cell.kmsLatency().toMillis(),
					cell.clients(), throughput(result.bare()), latencies(result.bare()), throughput(result.keyport()),
					latencies(result.keyport()), wallTimeRatio(result), p50Ratio(result), goal(result)));
		}
		if (results.stream().anyMatch((r) -> r.keyport() != null)) {
			out.append("\nPer import through Keyport (measured blocks only):\n\n");
			out.append("| KMS latency | clients | Keyport CPU | of it JIT compilers | KMS calls | by operation "
					+ "| SQL statements | transactions |\n");
			out.append("|---:|---:|---:|---:|---:|---|---:|---:|\n");
			for (CellResult result : results) {
				if (result.keyport() == null) {
					continue;
				}
				out.append(format("| %d ms | %d | %s | %s | %.2f | %s | %s | %s |%n",
						result.cell().kmsLatency().toMillis(), result.cell().clients(),
						(result.keyportCpu() != null) ? format("%.1f ms", result.cpuMillisPerImport()) : "n/a",
						(result.keyportCpu() != null) ? format("%.0f %%", 100 * result.keyportCpu().compilerShare())
								: "n/a",
						result.kmsCallsPerImport(), perImport(result),
						result.statements().isEmpty() ? "n/a" : format("%.1f", result.statementsPerImport()),
						result.statements().isEmpty() ? "n/a" : format("%.1f", result.transactionsPerImport())));
			}
		}
		return out.toString();
	}

	/** The most frequent statements of each cell, per import through Keyport. */
	static String statements(List<CellResult> results) {
		StringBuilder out = new StringBuilder();
		for (CellResult result : results) {
			if (result.keyport() == null || result.statements().isEmpty()) {
				continue;
			}
			out.append(format("%n### %s: %d imports through Keyport%n%n", result.cell(), result.keyport().count()));
			out.append("| per import | statement |\n|---:|---|\n");
			result.statements()
				.stream()
				.limit(TOP_STATEMENTS)
				.forEach((s) -> out.append(format("| %.2f | `%s` |%n", s.calls() / (double) result.keyport().count(),
						abbreviate(s.query()))));
		}
		return out.toString();
	}

	private static String perImport(CellResult result) {
		Map<String, Long> calls = result.kmsCallsOfKeyport();
		return calls.entrySet()
			.stream()
			.map((e) -> format("%s %.2f", e.getKey(), e.getValue() / (double) result.keyport().count()))
			.collect(Collectors.joining(", "));
	}

	private static String throughput(ModeResult result) {
		return (result != null) ? format("%.1f", result.throughput()) : "–";
	}

	private static String latencies(ModeResult result) {
		return (result != null) ? millis(result.p50()) + " / " + millis(result.p95()) + " ms" : "–";
	}

	private static String wallTimeRatio(CellResult result) {
		return bothModes(result) ? format("%.2f", result.ratios().wallTime()) : "–";
	}

	private static String p50Ratio(CellResult result) {
		return bothModes(result) ? format("%.2f", result.ratios().p50()) : "–";
	}

	private static String goal(CellResult result) {
		double goal = result.cell().goal();
		if (Double.isNaN(goal)) {
			return "–";
		}
		if (!bothModes(result)) {
			return format("≤ %.1f", goal);
		}
		double ratio = result.ratios().wallTime();
		return format("≤ %.1f: %s", goal, (ratio <= goal) ? "met" : format("missed by %.2f", ratio - goal));
	}

	private static boolean bothModes(CellResult result) {
		return result.bare() != null && result.keyport() != null;
	}

	private static String millis(Duration duration) {
		return format("%.1f", duration.toNanos() / 1e6);
	}

	private static String abbreviate(String query) {
		String oneLine = query.replaceAll("\\s+", " ").replace("`", "'").replace("|", "\\|");
		return (oneLine.length() > 140) ? oneLine.substring(0, 137) + "..." : oneLine;
	}

	private static String format(String pattern, Object... args) {
		return String.format(Locale.ROOT, pattern, args);
	}

}
