package io.keyport.kms.aws;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wire and header loggers of the SDK's HTTP client stay off whatever level is set,
 * the way an operator would set it, while every other logger keeps the level it is given.
 */
class WireLogGuardTests {

	private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

	private final LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());

	private final Logger wire = this.context.getLogger("org.apache.http.wire");

	private final Logger headers = this.context.getLogger("org.apache.http.headers");

	private final Logger other = this.context.getLogger("org.apache.http.impl.conn");

	@BeforeEach
	void installGuard() {
		new WireLogGuard().afterPropertiesSet();
	}

	@AfterEach
	void resetOtherLevels() {
		this.logging.setLogLevel("org.apache.http", null);
		this.logging.setLogLevel("org.apache.http.impl.conn", null);
		this.logging.setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.INFO);
	}

	@Test
	void wireAndHeaderLoggersStayOffWhenSetToDebugOrTraceDirectly() {
		this.logging.setLogLevel("org.apache.http.wire", LogLevel.DEBUG);
		this.logging.setLogLevel("org.apache.http.headers", LogLevel.TRACE);

		assertThat(this.wire.getLevel()).isEqualTo(Level.OFF);
		assertThat(this.wire.isDebugEnabled()).isFalse();
		assertThat(this.headers.isTraceEnabled()).isFalse();
	}

	@Test
	void wireLoggerStaysOffWhenItsParentOrTheRootIsSetToTraceOrItsLevelIsCleared() {
		this.logging.setLogLevel("org.apache.http.wire", null);
		this.logging.setLogLevel("org.apache.http", LogLevel.TRACE);
		this.logging.setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.TRACE);

		assertThat(this.wire.isDebugEnabled()).isFalse();
		assertThat(this.headers.isDebugEnabled()).isFalse();
		assertThat(this.other.isTraceEnabled()).as("a sibling logger is left alone").isTrue();
	}

	@Test
	void childOfTheWireLoggerIsHeldOffToo() {
		Logger child = this.context.getLogger("org.apache.http.wire.extra");
		this.logging.setLogLevel("org.apache.http.wire.extra", LogLevel.DEBUG);

		assertThat(child.isDebugEnabled()).isFalse();
	}

	@Test
	void wireLoggerIsOffAgainAfterTheLoggingContextIsResetAndReconfigured() {
		// a context of its own: resetting the test JVM's would drop the appenders other
		// tests read
		LoggerContext own = new LoggerContext();
		own.start();
		WireLogGuard.install(own);
		own.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.TRACE);

		own.reset();
		own.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.TRACE);

		assertThat(own.getLogger("org.apache.http.wire").isDebugEnabled()).isFalse();
		assertThat(own.getLogger("org.apache.http.headers").isDebugEnabled()).isFalse();
		assertThat(own.getLogger("org.apache.http.impl.conn").isTraceEnabled()).isTrue();
		WireLogGuard.install(own);
		assertThat(own.getCopyOfListenerList()).as("installed once").hasSize(1);
	}

	@Test
	void otherLoggersKeepTheLevelTheyAreGiven() {
		this.logging.setLogLevel("org.apache.http.impl.conn", LogLevel.DEBUG);

		assertThat(this.other.getLevel()).isEqualTo(Level.DEBUG);
	}

}
