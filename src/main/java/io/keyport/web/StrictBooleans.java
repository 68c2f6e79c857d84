package io.keyport.web;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JacksonModule;
import tools.jackson.databind.deser.std.StdScalarDeserializer;
import tools.jackson.databind.module.SimpleModule;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Booleans in request bodies are JSON's {@code true} and {@code false}, nothing else: a
 * value of another type is refused like any malformed field (400
 * {@code malformed-request-body} naming it). Jackson's own reader also takes {@code 1},
 * {@code 2} or {@code "true"}, and some booleans are consent
 * ({@code deleteCurrentMaterial} approves deleting a key's current material on Huawei): a
 * number is not a yes.
 */
@Configuration(proxyBeanMethods = false)
class StrictBooleans {

	@Bean
	JacksonModule strictBooleanModule() {
		return new SimpleModule(StrictBooleans.class.getName()).addDeserializer(Boolean.class, new Deserializer())
			.addDeserializer(boolean.class, new Deserializer());
	}

	static final class Deserializer extends StdScalarDeserializer<Boolean> {

		Deserializer() {
			super(Boolean.class);
		}

		@Override
		public Boolean deserialize(JsonParser parser, DeserializationContext context) {
			if (parser.hasToken(JsonToken.VALUE_TRUE)) {
				return Boolean.TRUE;
			}
			if (parser.hasToken(JsonToken.VALUE_FALSE)) {
				return Boolean.FALSE;
			}
			return (Boolean) context.handleUnexpectedToken(Boolean.class, parser);
		}

	}

}
