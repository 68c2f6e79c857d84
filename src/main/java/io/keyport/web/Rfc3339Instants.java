package io.keyport.web;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JacksonModule;
import tools.jackson.databind.deser.std.StdScalarDeserializer;
import tools.jackson.databind.module.SimpleModule;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.format.FormatterRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Times in request bodies are read as the API document declares them: RFC 3339 date-times
 * ({@code 2027-01-01T00:00:00Z}, {@code 2027-01-01T01:00:00.5+01:00}), nothing else.
 * Jackson's own reader also takes surrounding spaces, epoch numbers and times without
 * seconds; a value the document forbids is refused like any malformed field (400
 * {@code malformed-request-body} naming it), not accepted as something else.
 * <p>
 * Query parameters too (400 {@code invalid-parameter}): Spring's ISO reader also takes
 * signed years of up to nine digits, which PostgreSQL cannot compare with (500 before).
 */
@Configuration(proxyBeanMethods = false)
class Rfc3339Instants implements WebMvcConfigurer {

	@Override
	public void addFormatters(FormatterRegistry registry) {
		// added after Spring's own String-to-Instant conversion, so it is the one used
		registry.addConverter(String.class, Instant.class, (text) -> {
			if (text.isEmpty()) {
				// an empty parameter is an absent one, as before
				return null;
			}
			Instant instant = parse(text);
			if (instant == null) {
				throw new IllegalArgumentException("not an RFC 3339 date-time");
			}
			return instant;
		});
	}

	/**
	 * RFC 3339 section 5.6; fractions up to nanoseconds, which is what an Instant holds.
	 */
	private static final Pattern DATE_TIME = Pattern
		.compile("\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})");

	@Bean
	JacksonModule rfc3339InstantModule() {
		return new SimpleModule(Rfc3339Instants.class.getName()).addDeserializer(Instant.class, new Deserializer());
	}

	/** The instant, or {@code null} if the text is not an RFC 3339 date-time. */
	static Instant parse(String text) {
		if (!DATE_TIME.matcher(text).matches()) {
			return null;
		}
		try {
			// case-insensitive, as RFC 3339 allows 't' and 'z'
			return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
		}
		catch (DateTimeParseException ex) {
			// the right shape, but no such date or time (2027-02-30, 25:00)
			return null;
		}
	}

	static final class Deserializer extends StdScalarDeserializer<Instant> {

		Deserializer() {
			super(Instant.class);
		}

		@Override
		public Instant deserialize(JsonParser parser, DeserializationContext context) {
			if (!parser.hasToken(JsonToken.VALUE_STRING)) {
				return (Instant) context.handleUnexpectedToken(Instant.class, parser);
			}
			String text = parser.getString();
			Instant instant = parse(text);
			return instant != null ? instant
					: (Instant) context.handleWeirdStringValue(Instant.class, text, "not an RFC 3339 date-time");
		}

	}

}
