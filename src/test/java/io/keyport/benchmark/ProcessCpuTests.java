package io.keyport.benchmark;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessCpuTests {

	@Test
	void ticksAreUserPlusSystemTimeCountedAfterACommandNameWithSpaces() {
		String stat = "4242 (java main) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 56 0 0 20 0 40 0 777 0 0";
		assertThat(ProcessCpu.ticks(stat)).isEqualTo(1234 + 56);
	}

}
