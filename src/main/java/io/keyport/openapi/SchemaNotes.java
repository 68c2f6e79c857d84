package io.keyport.openapi;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Descriptions and examples of schema properties whose meaning the name and type do not
 * carry on their own (springdoc reads none from the records).
 */
final class SchemaNotes {

	/**
	 * @param example the example's JSON text
	 */
	record Note(String schema, String property, String description, String example) {
	}

	private static final String POLICY = "Who keeps the wrapping key and import token valid. EAGER: the scheduler "
			+ "refreshes them before they lapse (about one GetParametersForImport a day while the job waits). "
			+ "ON_DEMAND: the scheduler never downloads them; once they lapsed, GET .../wrapping-key, GET "
			+ ".../import-parameters.zip or a plaintext upload downloads new ones right then (waiting a bounded time "
			+ "for the KMS quota, else 429 kms-quota-exceeded or 503 with Retry-After); an upload of material wrapped "
			+ "under the lapsed key is refused (409 parameters-expired).";

	static final List<Note> NOTES = List.of(
			new Note("CreateImportJobRequest", "refreshPolicy",
					POLICY + " Omitted: the tenant's default (keyport.refresh-policy.*, EAGER unless configured).",
					"\"ON_DEMAND\""),
			new Note("CreateImportJobRequest", "dueBy",
					"Optional: when the material is expected, in the future. When the scheduler's KMS budget is short, "
							+ "EAGER jobs with a due date are refreshed first, then jobs with recent client activity.",
					"\"2026-12-01T12:00:00Z\""),
			new Note("ImportJobResponse", "refreshPolicy", POLICY, "\"EAGER\""),
			new Note("ImportJobResponse", "dueBy",
					"When the client means to import, as given at creation; absent when none was given.",
					"\"2026-12-01T12:00:00Z\""));

	private SchemaNotes() {
	}

	static void apply(ObjectNode schemas, java.util.function.Function<String, JsonNode> read) {
		for (Note note : NOTES) {
			JsonNode schema = schemas.get(note.schema());
			if (schema == null || !(schema.path("properties").get(note.property()) instanceof ObjectNode property)) {
				throw new IllegalStateException(
						"schema note for missing property " + note.schema() + "." + note.property());
			}
			property.put("description", note.description());
			property.set("example", read.apply(note.example()));
		}
	}

}
