package io.keyport.benchmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * CPU time a process has used (user and system, from {@code /proc/<pid>/stat}): on a
 * machine shared with other work, Keyport's CPU per import is steadier than its latency.
 * Also the part its JIT compiler threads used: while they are busy, the service is still
 * warming up and its CPU per import is not yet the steady state's.
 */
final class ProcessCpu {

	private final Path process;

	private final long nanosPerTick;

	/**
	 * @param clockTicks the kernel's clock ticks per second ({@code getconf CLK_TCK})
	 */
	ProcessCpu(long pid, long clockTicks) {
		this.process = Path.of("/proc", Long.toString(pid));
		this.nanosPerTick = 1_000_000_000L / clockTicks;
	}

	Usage usage() {
		long compiler = 0;
		try (Stream<Path> tasks = Files.list(this.process.resolve("task"))) {
			for (Path task : tasks.toList()) {
				String stat = readThread(task.resolve("stat"));
				if (stat != null && compilerThread(stat)) {
					compiler += ticks(stat);
				}
			}
			long all = ticks(Files.readString(this.process.resolve("stat")));
			return new Usage(Duration.ofNanos(all * this.nanosPerTick), Duration.ofNanos(compiler * this.nanosPerTick));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read the CPU time of " + this.process, ex);
		}
	}

	/**
	 * A thread may end between listing and reading: its file is gone, or (ended between
	 * opening and reading) reading it fails with ESRCH. HotSpot ends idle compiler
	 * threads as the JIT settles, so this happens in a long run.
	 */
	private static String readThread(Path stat) throws IOException {
		try {
			return Files.readString(stat);
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		catch (IOException ex) {
			if ("No such process".equals(ex.getMessage()) || Files.notExists(stat)) {
				return null;
			}
			throw ex;
		}
	}

	/**
	 * utime + stime, fields 14 and 15; counted after the command name, which is in
	 * parentheses and may hold spaces.
	 */
	static long ticks(String stat) {
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		// fields[0] is field 3 (state)
		return Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]);
	}

	/**
	 * HotSpot's C1 and C2 compiler threads ("C2 CompilerThread0", which the kernel cuts
	 * to 15 characters).
	 */
	static boolean compilerThread(String stat) {
		String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
		return name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler");
	}

	/** CPU time used by the whole process and by its JIT compiler threads. */
	record Usage(Duration process, Duration compiler) {

		/**
		 * The usage between the two readings. The compilers' part is summed over the
		 * threads alive at each reading, so it can shrink when a compiler thread ends;
		 * that is counted as none.
		 */
		Usage since(Usage earlier) {
			Duration compiler = this.compiler.minus(earlier.compiler);
			return new Usage(this.process.minus(earlier.process), compiler.isNegative() ? Duration.ZERO : compiler);
		}

		Usage plus(Usage other) {
			return new Usage(this.process.plus(other.process), this.compiler.plus(other.compiler));
		}

		/** The compilers' share of the process's CPU time (0 when it used none). */
		double compilerShare() {
			return this.process.isZero() ? 0 : (double) this.compiler.toNanos() / this.process.toNanos();
		}

	}

}
