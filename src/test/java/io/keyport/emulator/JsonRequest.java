package io.keyport.emulator;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Locale;

import tools.jackson.databind.JsonNode;

/**
 * Typed access to the members of an AWS JSON 1.1 request body. Type mismatches are
 * {@code SerializationException}s and missing or out-of-range members are
 * {@code ValidationException}s with the wording AWS uses ("1 validation error detected:
 * ...").
 */
record JsonRequest(JsonNode body) {

	String string(String member) {
		JsonNode node = value(member);
		if (node == null) {
			return null;
		}
		if (!node.isString()) {
			throw KmsServiceError.serialization("Expected a string for " + member);
		}
		return node.stringValue();
	}

	String requiredString(String member) {
		String value = string(member);
		if (value == null) {
			throw missing(member);
		}
		if (value.isEmpty()) {
			throw KmsServiceError.validation("1 validation error detected: Value '' at '" + fieldName(member)
					+ "' failed to satisfy constraint: Member must have length greater than or equal to 1");
		}
		return value;
	}

	String enumValue(String member, Collection<String> allowed) {
		String value = string(member);
		if (value != null && !allowed.contains(value)) {
			throw KmsServiceError
				.validation("1 validation error detected: Value '" + value + "' at '" + fieldName(member)
						+ "' failed to satisfy constraint: Member must satisfy enum value set: " + allowed);
		}
		return value;
	}

	String requiredEnum(String member, Collection<String> allowed) {
		String value = enumValue(member, allowed);
		if (value == null) {
			throw missing(member);
		}
		return value;
	}

	byte[] requiredBlob(String member, int maxLength) {
		String encoded = string(member);
		if (encoded == null) {
			throw missing(member);
		}
		byte[] decoded;
		try {
			decoded = Base64.getDecoder().decode(encoded);
		}
		catch (IllegalArgumentException ex) {
			throw KmsServiceError.serialization("Invalid base64 in " + member);
		}
		if (decoded.length < 1 || decoded.length > maxLength) {
			throw KmsServiceError.validation("1 validation error detected: Value at '" + fieldName(member)
					+ "' failed to satisfy constraint: Member must have length between 1 and " + maxLength);
		}
		return decoded;
	}

	/** AWS JSON timestamps are epoch seconds, possibly fractional. */
	Instant timestamp(String member) {
		JsonNode node = value(member);
		if (node == null) {
			return null;
		}
		if (!node.isNumber()) {
			throw KmsServiceError.serialization("Expected epoch seconds for " + member);
		}
		BigDecimal seconds = node.decimalValue();
		long whole = seconds.longValue();
		long nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
		return Instant.ofEpochSecond(whole, nanos);
	}

	Integer integer(String member) {
		JsonNode node = value(member);
		if (node == null) {
			return null;
		}
		if (!node.isIntegralNumber() || !node.canConvertToInt()) {
			throw KmsServiceError.serialization("Expected an integer for " + member);
		}
		return node.intValue();
	}

	Boolean bool(String member) {
		JsonNode node = value(member);
		if (node == null) {
			return null;
		}
		if (!node.isBoolean()) {
			throw KmsServiceError.serialization("Expected a boolean for " + member);
		}
		return node.booleanValue();
	}

	private JsonNode value(String member) {
		JsonNode node = this.body.get(member);
		return (node == null || node.isNull()) ? null : node;
	}

	static KmsServiceError missing(String member) {
		return KmsServiceError.validation("1 validation error detected: Value null at '" + fieldName(member)
				+ "' failed to satisfy constraint: Member must not be null");
	}

	/** AWS names members lowerCamelCase in validation messages. */
	static String fieldName(String member) {
		return member.substring(0, 1).toLowerCase(Locale.ROOT) + member.substring(1);
	}

}
