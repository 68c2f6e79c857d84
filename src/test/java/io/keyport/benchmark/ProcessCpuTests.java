package io.keyport.benchmark;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessCpuTests {

	@Test
	void ticksAreUserPlusSystemTimeCountedAfterACommandNameWithSpaces() {
		String stat = "4242 (java main) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 56 0 0 20 0 40 0 777 0 0";
		assertThat(ProcessCpu.ticks(stat)).isEqualTo(1234 + 56);
	}

	@Test
	void compilerThreadsAreHotSpotsC1AndC2ThreadsByTheirShortenedNames() {
		assertThat(ProcessCpu.compilerThread("4243 (C2 CompilerThre) S 1 4242 4242 0 -1 0 0 0 0 0 900 10 0 0"))
			.isTrue();
		assertThat(ProcessCpu.compilerThread("4244 (C1 CompilerThre) S 1 4242 4242 0 -1 0 0 0 0 0 90 1 0 0")).isTrue();
		assertThat(ProcessCpu.compilerThread("4245 (http-nio-8080-e) S 1 4242 4242 0 -1 0 0 0 0 0 90 1 0 0")).isFalse();
		assertThat(ProcessCpu.compilerThread("4246 (VM Thread) S 1 4242 4242 0 -1 0 0 0 0 0 90 1 0 0")).isFalse();
	}

	@Test
	void compilerShareIsTheCompilersPartOfTheProcessCpuSinceAnEarlierReading() {
		ProcessCpu.Usage earlier = new ProcessCpu.Usage(Duration.ofSeconds(10), Duration.ofSeconds(4));
		ProcessCpu.Usage later = new ProcessCpu.Usage(Duration.ofSeconds(30), Duration.ofSeconds(5));
		assertThat(later.since(earlier).compilerShare()).isEqualTo(0.05);
		assertThat(new ProcessCpu.Usage(Duration.ZERO, Duration.ZERO).compilerShare()).isZero();
	}

	@Test
	void compilerTimeLostWithACompilerThreadThatEndedCountsAsNone() {
		ProcessCpu.Usage earlier = new ProcessCpu.Usage(Duration.ofSeconds(10), Duration.ofSeconds(4));
		ProcessCpu.Usage later = new ProcessCpu.Usage(Duration.ofSeconds(30), Duration.ofSeconds(3));
		assertThat(later.since(earlier).compiler()).isZero();
		assertThat(later.since(earlier).process()).isEqualTo(Duration.ofSeconds(20));
	}

	@Test
	void readingWhileThreadsStartAndEndNeverFails() throws InterruptedException {
		ProcessCpu cpu = new ProcessCpu(ProcessHandle.current().pid(), 100);
		java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
		Thread churn = Thread.ofPlatform().start(() -> {
			while (running.get()) {
				Thread.ofPlatform().start(() -> {
				});
			}
		});
		try {
			for (int i = 0; i < 300; i++) {
				assertThat(cpu.usage().process()).isPositive();
			}
		}
		finally {
			running.set(false);
			churn.join();
		}
	}

	@Test
	void theRunningJvmHasCompilerThreadsWhoseTimeIsPartOfTheProcesss() {
		ProcessCpu.Usage usage = new ProcessCpu(ProcessHandle.current().pid(), 100).usage();
		assertThat(usage.process()).isPositive();
		assertThat(usage.compiler()).isLessThanOrEqualTo(usage.process());
	}

}
