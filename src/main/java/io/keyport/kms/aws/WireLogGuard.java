package io.keyport.kms.aws;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * The KMS clients' HTTP wire and header logs are never written, whatever level an
 * operator sets: Apache HttpClient's {@code org.apache.http.wire} logs every response
 * body, so a GenerateDataKey or Decrypt of a kms-envelope custodian would put the
 * plaintext data key that seals custody material into the log (a hygiene test saw it),
 * and {@code org.apache.http.headers} logs the session token of assumed roles. A Logback
 * turbo filter denies both before any level check; it is installed again whenever the
 * logging system was re-initialized (a new application context in the same JVM).
 */
@Component
class WireLogGuard implements InitializingBean {

	static final String NAME = WireLogGuard.class.getName();

	@Override
	public void afterPropertiesSet() {
		if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
			// another logging backend: its configuration is the operator's to keep quiet
			return;
		}
		synchronized (context) {
			if (context.getTurboFilterList().stream().noneMatch(filter -> NAME.equals(filter.getName()))) {
				DenyWireLogs filter = new DenyWireLogs();
				filter.setName(NAME);
				filter.start();
				context.addTurboFilter(filter);
			}
		}
	}

	/** Denies the wire and header loggers of Apache HttpClient 4, the SDK's client. */
	static final class DenyWireLogs extends TurboFilter {

		@Override
		public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
				Throwable t) {
			String name = logger.getName();
			return (name.startsWith("org.apache.http.wire") || name.startsWith("org.apache.http.headers"))
					? FilterReply.DENY : FilterReply.NEUTRAL;
		}

	}

}
