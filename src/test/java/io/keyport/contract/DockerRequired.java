package io.keyport.contract;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Runs the contract tests only where Testcontainers finds a Docker engine, and says why
 * they are skipped otherwise. Evaluated before the Spring context is built, so nothing
 * starts (or waits for a daemon) when there is none.
 */
final class DockerRequired implements ExecutionCondition {

	private static Boolean available;

	@Override
	public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
		if (dockerAvailable()) {
			return ConditionEvaluationResult
				.enabled("a Docker engine answers: LocalStack and PostgreSQL run in containers");
		}
		return ConditionEvaluationResult.disabled("No Docker engine found by Testcontainers: the LocalStack contract "
				+ "tests need one for their LocalStack and PostgreSQL containers, so they are skipped here "
				+ "(the emulator-based integration tests cover the same scenarios)");
	}

	private static synchronized boolean dockerAvailable() {
		if (available == null) {
			// false, never an exception, when no strategy finds a daemon
			available = DockerClientFactory.instance().isDockerAvailable();
		}
		return available;
	}

}
