package io.keyport.retention;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Runs {@link RetentionRun} on its own schedule, where background work runs
 * ({@code keyport.lifecycle.enabled}, off in the tests) and retention is on. The first
 * run is a minute after start, so frequent deployments do not postpone it.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@ConditionalOnExpression("${keyport.lifecycle.enabled:true} and ${keyport.retention.enabled:true}")
class RetentionScheduler {

	private static final Logger log = LoggerFactory.getLogger(RetentionScheduler.class);

	private final RetentionRun run;

	RetentionScheduler(RetentionRun run) {
		this.run = run;
	}

	@Scheduled(fixedDelayString = "${keyport.retention.interval:1h}", initialDelay = 60_000)
	void run() {
		try {
			RetentionRun.Summary summary = this.run.runOnce();
			if (!summary.skipped()) {
				log.info("Retention run: {}", summary);
			}
		}
		catch (RuntimeException ex) {
			// the next run tries again; a failed run must not stop the schedule
			log.error("Retention run failed", ex);
		}
	}

}
