package io.keyport.idempotency;

import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Drops {@code Idempotency-Key} records past their retention, on a schedule of its own. A
 * record found expired is also dropped when its key is used again, so this only keeps the
 * table small. Off where background work is off ({@code keyport.lifecycle.enabled=false},
 * as in the tests).
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@ConditionalOnProperty(name = "keyport.lifecycle.enabled", havingValue = "true", matchIfMissing = true)
class IdempotencyHousekeeping {

	private static final Logger log = LoggerFactory.getLogger(IdempotencyHousekeeping.class);

	private final IdempotentRequests requests;

	IdempotencyHousekeeping(IdempotentRequests requests) {
		this.requests = requests;
	}

	@Scheduled(fixedDelay = 10, initialDelay = 1, timeUnit = TimeUnit.MINUTES)
	void purgeExpired() {
		try {
			int purged = this.requests.purgeExpired();
			if (purged > 0) {
				log.debug("Purged {} expired Idempotency-Key records", purged);
			}
		}
		catch (RuntimeException ex) {
			// the next run tries again; a failed run must not stop the schedule
			log.warn("Purging expired Idempotency-Key records failed: {}", ex.toString());
		}
	}

}
