package io.keyport.ops;

import java.util.concurrent.Executor;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.core.env.Environment;

import io.keyport.testsupport.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests run on Tomcat's platform threads, not virtual threads (a fifth less CPU per
 * import in the benchmark, docs/performance.md), and the scheduled tasks each have a
 * thread and finish their run at shutdown instead of being interrupted.
 */
class ThreadingTests extends IntegrationTest {

	@Autowired
	WebServerApplicationContext context;

	@Autowired
	Environment environment;

	@Test
	void requestsAreServedByTomcatsPlatformThreadPool() {
		TomcatWebServer server = (TomcatWebServer) this.context.getWebServer();
		Executor executor = server.getTomcat().getConnector().getProtocolHandler().getExecutor();
		// Tomcat's own pool of platform threads; with virtual threads it would be a
		// VirtualThreadExecutor
		assertThat(executor).isInstanceOf(org.apache.tomcat.util.threads.ThreadPoolExecutor.class)
			.isNotInstanceOf(org.apache.tomcat.util.threads.VirtualThreadExecutor.class);
	}

	@Test
	void scheduledTasksHaveAThreadEachAndAreAwaitedAtShutdown() {
		// the schedulers are off in tests (each test drives the lifecycle itself), so the
		// packaged settings are what can be checked here
		assertThat(this.environment.getProperty("spring.task.scheduling.pool.size", Integer.class)).isEqualTo(3);
		assertThat(this.environment.getProperty("spring.task.scheduling.shutdown.await-termination", Boolean.class))
			.isTrue();
	}

}
