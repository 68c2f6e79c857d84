package io.keyport.kms.aws;

import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggerContextListener;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * The KMS clients' HTTP wire and header logs are never written, whatever level an
 * operator sets: Apache HttpClient's {@code org.apache.http.wire} logs every response
 * body, so a GenerateDataKey or Decrypt of a kms-envelope custodian would put the
 * plaintext data key that seals custody material into the log (a hygiene test saw it),
 * and {@code org.apache.http.headers} logs the session token of assumed roles.
 * <p>
 * Both loggers are held at {@code OFF}: a Logback context listener sets them back to
 * {@code OFF} whenever anything changes their level (configuration files,
 * {@code logging.level.*}, the loggers endpoint) and after every reset of the context;
 * their children inherit {@code OFF} and are held there too. A turbo filter would do the
 * same but is consulted on every level check of every logger in the application (about 2
 * % of the CPU of an import in the benchmark, docs/performance.md); the listener costs
 * nothing per log call.
 */
@Component
class WireLogGuard implements InitializingBean {

	static final List<String> GUARDED = List.of("org.apache.http.wire", "org.apache.http.headers");

	@Override
	public void afterPropertiesSet() {
		if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
			// another logging backend: its configuration is the operator's to keep quiet
			return;
		}
		install(context);
	}

	static void install(LoggerContext context) {
		synchronized (context) {
			if (context.getCopyOfListenerList().stream().noneMatch(KeepWireLogsOff.class::isInstance)) {
				context.addListener(new KeepWireLogsOff());
			}
			KeepWireLogsOff.silence(context);
		}
	}

	static boolean guarded(String name) {
		return GUARDED.stream().anyMatch((guarded) -> name.equals(guarded) || name.startsWith(guarded + "."));
	}

	/** Sets the guarded loggers back to OFF after every change of their level. */
	static final class KeepWireLogsOff implements LoggerContextListener {

		static void silence(LoggerContext context) {
			for (String name : GUARDED) {
				context.getLogger(name).setLevel(Level.OFF);
			}
		}

		@Override
		public void onLevelChange(Logger logger, Level level) {
			// setLevel(null) reports the inherited level; OFF itself is the guard's
			// own change
			if (level != Level.OFF && guarded(logger.getName())) {
				logger.setLevel(Level.OFF);
			}
		}

		@Override
		public boolean isResetResistant() {
			return true;
		}

		@Override
		public void onReset(LoggerContext context) {
			// a reset clears every level before the configuration is applied again
			silence(context);
		}

		@Override
		public void onStart(LoggerContext context) {
			silence(context);
		}

		@Override
		public void onStop(LoggerContext context) {
		}

	}

}
