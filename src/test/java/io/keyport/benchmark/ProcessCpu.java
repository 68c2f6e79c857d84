package io.keyport.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * CPU time a process has used (user and system, from {@code /proc/<pid>/stat}): on a
 * machine shared with other work, Keyport's CPU per import is steadier than its latency.
 */
final class ProcessCpu {

	private final Path stat;

	private final long nanosPerTick;

	/**
	 * @param clockTicks the kernel's clock ticks per second ({@code getconf CLK_TCK})
	 */
	ProcessCpu(long pid, long clockTicks) {
		this.stat = Path.of("/proc", Long.toString(pid), "stat");
		this.nanosPerTick = 1_000_000_000L / clockTicks;
	}

	Duration used() {
		try {
			return Duration.ofNanos(ticks(Files.readString(this.stat)) * this.nanosPerTick);
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot read " + this.stat, ex);
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

}
