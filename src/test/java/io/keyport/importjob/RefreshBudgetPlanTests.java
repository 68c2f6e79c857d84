package io.keyport.importjob;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.keyport.importjob.RefreshBudget.TargetPlan;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plan's verdict with several instances: each has its own budget (its own pace),
 * while the refreshes planned are counted over the whole table, so they are compared with
 * every instance's budget together.
 */
class RefreshBudgetPlanTests {

	/** Production's pace: 0.025/s per pod × 86,400 × a scheduler share of 0.5. */
	private static final double POD_LIMIT = 1080;

	@Test
	void refreshesThreePodsCanMakeAreNotOverBudgetThoughOnePodsBudgetIsSmaller() {
		TargetPlan plan = plan(2000, 3);
		assertThat(plan.fleetDailyLimit()).isEqualTo(3240);
		assertThat(plan.overBudget()).isFalse();
		assertThat(plan.summary()).endsWith("1080 of 1080 left on this instance (3 instances: 3240 a day)");
	}

	@Test
	void refreshesBeyondEveryPodsBudgetTogetherAreOverBudget() {
		assertThat(plan(3241, 3).overBudget()).isTrue();
		assertThat(plan(2000, 1).overBudget()).isTrue();
		assertThat(plan(2000, 1).summary()).endsWith("1080 of 1080 left");
	}

	private static TargetPlan plan(long planned, int instances) {
		return new TargetPlan("aws", POD_LIMIT, 0, POD_LIMIT, planned, Map.of(RefreshPolicy.EAGER, planned), instances,
				java.util.List.of(), planned);
	}

}
