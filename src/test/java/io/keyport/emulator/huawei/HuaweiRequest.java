package io.keyport.emulator.huawei;

import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

/** Typed access to the members of a Huawei KMS request body (snake_case JSON). */
record HuaweiRequest(JsonNode body) {

	private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

	String string(String field) {
		JsonNode node = value(field);
		if (node == null) {
			return null;
		}
		if (!node.isString()) {
			throw HuaweiKmsError.invalid("Parameter " + field + " must be a string.");
		}
		return node.stringValue();
	}

	String requiredString(String field) {
		String value = string(field);
		if (value == null || value.isEmpty()) {
			throw HuaweiKmsError.missing(field);
		}
		return value;
	}

	/** A required string matching a pattern (KMS.0308 otherwise). */
	String matching(String field, Pattern pattern) {
		String value = requiredString(field);
		if (!pattern.matcher(value).matches()) {
			throw HuaweiKmsError.invalid("Parameter " + field + " does not match " + pattern.pattern() + ".");
		}
		return value;
	}

	/** {@code key_id}: a UUID, KMS.0205 otherwise. */
	String keyId() {
		String keyId = requiredString("key_id");
		if (keyId.length() != 36 || !UUID.matcher(keyId).matches()) {
			throw HuaweiKmsError.of("KMS.0205", "Invalid key ID: " + keyId + ".");
		}
		return keyId;
	}

	/** An integer number (not a string); null when absent. */
	Long number(String field) {
		JsonNode node = value(field);
		if (node == null) {
			return null;
		}
		if (!node.isIntegralNumber() || !node.canConvertToLong()) {
			throw HuaweiKmsError.invalid("Parameter " + field + " must be an integer number.");
		}
		return node.longValue();
	}

	boolean has(String field) {
		return value(field) != null;
	}

	private JsonNode value(String field) {
		JsonNode node = this.body.get(field);
		return (node == null || node.isNull()) ? null : node;
	}

}
