package io.keyport.importjob;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * A thin trigger: runs {@link ImportJobLifecycle#runOnce()} at a fixed delay. Tests call
 * the lifecycle directly.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@ConditionalOnProperty(name = "keyport.lifecycle.enabled", havingValue = "true", matchIfMissing = true)
class ImportJobScheduler {

	private static final Logger log = LoggerFactory.getLogger(ImportJobScheduler.class);

	private final ImportJobLifecycle lifecycle;

	ImportJobScheduler(ImportJobLifecycle lifecycle) {
		this.lifecycle = lifecycle;
	}

	@Scheduled(fixedDelayString = "${keyport.lifecycle.interval:10s}",
			initialDelayString = "${keyport.lifecycle.interval:10s}")
	void run() {
		try {
			ImportJobLifecycle.RunSummary summary = this.lifecycle.runOnce();
			if (summary.parameterRefreshes() + summary.importAttempts() + summary.importedChecks()
					+ summary.onDemandSettled() + summary.replicaTurns() + summary.rotations() > 0) {
				log.info("Lifecycle run: {}", summary);
			}
		}
		catch (RuntimeException ex) {
			// the next run tries again; a failed run must not stop the schedule
			log.error("Lifecycle run failed", ex);
		}
	}

}
