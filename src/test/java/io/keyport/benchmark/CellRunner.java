package io.keyport.benchmark;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.keyport.emulator.KmsEmulator;
import io.keyport.emulator.KmsFaults;

/**
 * Runs one cell: sets the emulator's latency, warms both modes up, then measures them in
 * alternating blocks (bare then Keyport, Keyport then bare, ...) so both see the same
 * machine load. Around Keyport's blocks it counts the emulator's calls and Keyport's CPU
 * time; around the whole measurement the application's SQL statements (only Keyport's
 * blocks touch the database).
 */
final class CellRunner {

	/** Blocks in a row under the compilers' share that count as settled. */
	static final int SETTLED_BLOCKS = 2;

	/** Warm-up blocks of a cell at most. */
	static final int CELL_WARMUP_BLOCKS = 8;

	private final KmsEmulator emulator;

	private final BareKmsImport bare;

	private final KeyportApiImport keyport;

	private final PostgresStatements statements;

	private final ProcessCpu keyportCpu;

	private final ProcessCpu driverCpu;

	private final BenchmarkOptions options;

	CellRunner(KmsEmulator emulator, BareKmsImport bare, KeyportApiImport keyport, PostgresStatements statements,
			ProcessCpu keyportCpu, ProcessCpu driverCpu, BenchmarkOptions options) {
		this.keyportCpu = keyportCpu;
		this.driverCpu = driverCpu;
		this.emulator = emulator;
		this.bare = bare;
		this.keyport = keyport;
		this.statements = statements;
		this.options = options;
	}

	/**
	 * Warms each mode up until the process doing its work (Keyport, or this JVM for the
	 * bare calls) has stopped compiling: blocks of imports until its JIT compiler threads
	 * used less than the configured share of its CPU in {@value #SETTLED_BLOCKS} blocks
	 * in a row, or the configured maximum. With a fixed warm-up the first cells measured
	 * a service still compiling itself (the compilers took a fifth to a quarter of
	 * Keyport's CPU after 3,000 imports); one quiet block alone was followed by cells at
	 * 9 to 27 %.
	 */
	void settle(Cell cell) throws InterruptedException {
		warmUntilSettled(cell, this.options.settleBlock(), this.options.settleMax());
	}

	private void warmUntilSettled(Cell cell, int block, int max) throws InterruptedException {
		this.emulator.faults().latency(KmsFaults.ALL_OPERATIONS, cell.kmsLatency());
		for (ImportFlow flow : flows()) {
			ProcessCpu process = (flow == this.keyport) ? this.keyportCpu : this.driverCpu;
			int done = 0;
			int quiet = 0;
			while (done < max) {
				if (process == null) {
					// nothing to watch (no Keyport pid): one block, not the maximum
					ClosedLoop.run(flow, cell.clients(), block);
					break;
				}
				ProcessCpu.Usage before = process.usage();
				ClosedLoop.run(flow, cell.clients(), block);
				done += block;
				double share = process.usage().since(before).compilerShare();
				System.out.printf("Warm-up %s: %,d imports, JIT compilers %.1f %% of its CPU in the last %,d%n",
						flow.name(), done, 100 * share, block);
				quiet = (share < this.options.settleShare()) ? quiet + 1 : 0;
				if (quiet >= SETTLED_BLOCKS) {
					break;
				}
			}
		}
	}

	CellResult run(Cell cell, int warmup) throws InterruptedException, SQLException {
		// each cell's own pattern (clients, KMS latency) settles too: after the first
		// warm-up at 8 clients, the compilers still took 9 to 18 % of Keyport's CPU in
		// the one-client cells that followed a fixed warm-up of 300 imports
		int warmupBlock = Math.max(warmup, cell.clients());
		warmUntilSettled(cell, warmupBlock, CELL_WARMUP_BLOCKS * warmupBlock);
		List<ImportFlow> flows = flows();
		if (this.statements != null) {
			this.statements.reset();
		}
		Map<String, Accumulator> results = new TreeMap<>();
		Map<String, Long> kmsCalls = new TreeMap<>();
		ProcessCpu.Usage cpu = new ProcessCpu.Usage(Duration.ZERO, Duration.ZERO);
		int rounds = this.options.rounds();
		for (int round = 0; round < rounds; round++) {
			int imports = this.options.imports() / rounds + ((round < this.options.imports() % rounds) ? 1 : 0);
			for (int i = 0; i < flows.size(); i++) {
				// bare first in even rounds, Keyport first in odd ones
				ImportFlow flow = flows.get((round % 2 == 0) ? i : flows.size() - 1 - i);
				Map<String, Long> before = this.emulator.callCounts();
				ProcessCpu.Usage cpuBefore = (flow == this.keyport && this.keyportCpu != null) ? this.keyportCpu.usage()
						: null;
				ClosedLoop.Block block = ClosedLoop.run(flow, cell.clients(), imports);
				if (flow == this.keyport) {
					if (cpuBefore != null) {
						cpu = cpu.plus(this.keyportCpu.usage().since(cpuBefore));
					}
					this.emulator.callCounts()
						.forEach((operation, count) -> kmsCalls.merge(operation,
								count - before.getOrDefault(operation, 0L), Long::sum));
				}
				results.computeIfAbsent(flow.name(), (name) -> new Accumulator()).add(block);
			}
		}
		kmsCalls.values().removeIf((count) -> count == 0);
		List<PostgresStatements.Statement> sql = (this.statements != null) ? this.statements.read() : List.of();
		return new CellResult(cell, result(results, this.bare), result(results, this.keyport), kmsCalls, sql,
				(this.keyportCpu != null) ? cpu : null);
	}

	private List<ImportFlow> flows() {
		List<ImportFlow> flows = new ArrayList<>();
		if (this.options.runs("bare")) {
			flows.add(this.bare);
		}
		if (this.options.runs("keyport")) {
			flows.add(this.keyport);
		}
		return flows;
	}

	private static ModeResult result(Map<String, Accumulator> results, ImportFlow flow) {
		Accumulator accumulator = results.get(flow.name());
		return (accumulator != null) ? accumulator.result() : null;
	}

	/** A mode's blocks of one cell, joined. */
	private static final class Accumulator {

		private final List<long[]> latencies = new ArrayList<>();

		private long elapsedNanos;

		void add(ClosedLoop.Block block) {
			this.latencies.add(block.latenciesNanos());
			this.elapsedNanos += block.elapsedNanos();
		}

		ModeResult result() {
			long[] all = this.latencies.stream().flatMapToLong(Arrays::stream).toArray();
			return new ModeResult(all, this.elapsedNanos);
		}

	}

}
