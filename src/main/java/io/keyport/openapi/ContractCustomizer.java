package io.keyport.openapi;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.OpenAPI;
import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import io.keyport.support.Sentences;

/**
 * Turns what springdoc reads from the controllers into the contract: tags, summaries,
 * descriptions, scopes, real success statuses, every problem answer with its codes,
 * headers, binary media types, nullability, closed schemas and examples. It edits the
 * document as a JSON tree (the OpenAPI 3.1 form) and hands the result back to springdoc,
 * so the served document, and the committed {@code openapi/keyport-v1.json} generated
 * from it, have one source: the code.
 */
@Component
final class ContractCustomizer implements OpenApiCustomizer {

	/** Keeps BigDecimal limits (maximum 1000000) as written, not as 1E+6. */
	private static final ObjectMapper JSON = Json31.mapper()
		.copy()
		.setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

	private static final String PROBLEM_JSON = "application/problem+json";

	private static final String TYPE_BASE = "https://keyport.io/problems/";

	@Override
	public void customise(OpenAPI openApi) {
		ObjectNode document = JSON.valueToTree(openApi);
		info(document);
		components(document);
		schemas((ObjectNode) document.with("components").with("schemas"));
		operations(document);
		OpenAPI edited;
		try {
			edited = JSON.treeToValue(document, OpenAPI.class);
		}
		catch (JsonProcessingException ex) {
			throw new IllegalStateException("the curated OpenAPI document does not read back", ex);
		}
		openApi.setInfo(edited.getInfo());
		openApi.setTags(edited.getTags());
		openApi.setPaths(edited.getPaths());
		openApi.setComponents(edited.getComponents());
		openApi.setSecurity(edited.getSecurity());
	}

	private static void info(ObjectNode document) {
		ObjectNode info = document.with("info");
		info.put("description", """
				Keyport imports BYOK key material into cloud KMS (AWS KMS, Huawei Cloud KMS): create a key with \
				origin EXTERNAL, start an import job, download the wrapping key, upload the wrapped (or plaintext) \
				material, follow the job's history.

				Every call needs an OAuth2 access token (client credentials) with the scope the operation names; \
				the tenant comes from a claim of the token. Errors are RFC 9457 `application/problem+json` with a \
				stable `code` member; the `Problem` schema lists every code with its status and meaning, and each \
				operation lists the codes it can answer with.""");
		ObjectNode license = info.with("license");
		license.put("name", "Proprietary");
		license.put("url", "https://keyport.io/license");
		ArrayNode tags = document.putArray("tags");
		OperationContracts.TAGS
			.forEach((name, description) -> tags.addObject().put("name", name).put("description", description));
	}

	private static void components(ObjectNode document) {
		ObjectNode components = document.with("components");
		ObjectNode headers = components.with("headers");
		header(headers, "X-Request-Id", "The request's id, also in Keyport's logs and audit trail", false, "string");
		header(headers, "Location", "The URL of the created resource", true, "string");
		header(headers, "Idempotent-Replayed",
				"true when the answer is the stored answer to an earlier request with the same Idempotency-Key", false,
				"string");
		header(headers, "Retry-After", "Seconds to wait before retrying", false, "integer");
		header(headers, "Content-Disposition", "attachment with the file name to save the body as", false, "string");
		header(headers, "Content-Disposition-Inline",
				"inline;filename=f.txt where the request path could pass for a file name (Spring's guard against "
						+ "reflected file downloads)",
				false, "string");
		header(headers, "WWW-Authenticate", "Bearer: the call needs a bearer token", true, "string");
		((ObjectNode) headers.get("Idempotent-Replayed").get("schema")).putArray("enum").add("true");
		ObjectNode schemes = components.with("securitySchemes");
		if (schemes.has("bearer")) {
			((ObjectNode) schemes.get("bearer")).put("description",
					"OAuth2 access token (JWT) from the configured issuer. Scopes: keyport:read (read jobs, keys, "
							+ "options, targets), keyport:import (run import jobs), keyport:keys (create keys), "
							+ "keyport:admin (assign owners, audit trail, read everything). The tenant comes from "
							+ "the token's tenant claim.");
		}
	}

	private static void header(ObjectNode headers, String name, String description, boolean required, String type) {
		ObjectNode header = headers.putObject(name);
		header.put("description", description);
		if (required) {
			header.put("required", true);
		}
		header.putObject("schema").put("type", type);
	}

	// --- schemas

	/** Properties every answer of the schema carries. */
	private static final Map<String, List<String>> REQUIRED = Map.ofEntries(
			Map.entry("AuditEntry",
					List.of("id", "occurredAt", "tenant", "subject", "clientId", "operation", "jobId", "kmsKeyArn",
							"remoteAddr", "requestId", "outcome", "detail", "kmsTarget")),
			Map.entry("AuditEventPage", List.of("items", "page", "size")),
			Map.entry("ExpiringKey", List.of("kmsKeyId", "kmsKeyArn", "validTo", "remaining", "jobId")),
			Map.entry("ExpiringKeysResponse", List.of("within", "keys")),
			Map.entry("ImportJobError", List.of("code", "message")),
			Map.entry("ImportJobEvent", List.of("sequence", "from", "to", "cause", "errorCode", "actor", "occurredAt")),
			Map.entry("ImportJobPage", List.of("items", "page", "size", "totalItems", "totalPages")),
			Map.entry("ImportJobResponse",
					List.of("id", "state", "kmsKeyId", "kmsKeyArn", "keySpec", "wrappingAlgorithm", "wrappingKeySpec",
							"expiration", "parameters", "importAttempts", "createdAt", "updatedAt", "version", "target",
							"refreshPolicy")),
			Map.entry("ImportParameters", List.of("downloads")), Map.entry("MaterialExpiration", List.of("model")),
			Map.entry("KeyOwnerResponse", List.of("keyId", "arn", "tenant", "assigned", "target")),
			Map.entry("KmsKeyResponse", List.of("keyId", "arn", "keyState", "keySpec", "target")),
			Map.entry("KmsTargetList", List.of("items", "defaultTarget")),
			Map.entry("KmsTargetResponse", List.of("name", "provider", "region", "isDefault", "importRules", "health")),
			Map.entry("TargetHealth", List.of("status")),
			Map.entry("Option", List.of("wrappingAlgorithm", "wrappingKeySpec", "recommended")),
			Map.entry("PublicKeyResponse",
					List.of("target", "keyId", "keyArn", "keySpec", "publicKeyPem", "sha256Fingerprint", "notice")),
			Map.entry("WrappingOptionsResponse",
					List.of("keySpec", "region", "partition", "options", "providerKeySpec", "target")));

	/** Properties that are present but may be {@code null}. */
	private static final Map<String, List<String>> NULLABLE = Map.of("AuditEntry",
			List.of("tenant", "subject", "clientId", "jobId", "kmsKeyArn", "remoteAddr", "requestId", "detail",
					"kmsTarget"),
			"ExpiringKey", List.of("kmsKeyArn", "jobId"), "ImportJobError", List.of("message"), "ImportJobEvent",
			List.of("from", "cause", "errorCode", "actor"), "KmsTargetResponse",
			List.of("region", "importRules", "health"), "WrappingOptionsResponse",
			List.of("region", "partition", "providerKeySpec"));

	private static void schemas(ObjectNode schemas) {
		schemas.set("Problem", problem(schemas));
		Iterator<Map.Entry<String, JsonNode>> all = schemas.fields();
		while (all.hasNext()) {
			Map.Entry<String, JsonNode> entry = all.next();
			ObjectNode schema = (ObjectNode) entry.getValue();
			// closed: an undocumented field is a contract break (requests refuse unknown
			// fields too)
			schema.put("additionalProperties", false);
			List<String> required = REQUIRED.get(entry.getKey());
			if (required != null) {
				ArrayNode list = schema.putArray("required");
				required.forEach(list::add);
			}
			for (String name : NULLABLE.getOrDefault(entry.getKey(), List.of())) {
				ObjectNode properties = (ObjectNode) schema.get("properties");
				properties.set(name, nullable((ObjectNode) properties.get(name)));
			}
		}
		SchemaNotes.apply(schemas, ContractCustomizer::readAny);
		base64(schemas, "KeyMaterialRequest", "keyMaterial", "The plaintext key material, base64 (RFC 4648)");
		base64(schemas, "EncryptedKeyMaterialRequest", "encryptedKeyMaterial",
				"The wrapped key material, base64 (RFC 4648)");
	}

	private static void base64(ObjectNode schemas, String schema, String property, String description) {
		ObjectNode node = (ObjectNode) schemas.get(schema).get("properties").get(property);
		node.put("contentEncoding", "base64");
		node.put("description", description);
	}

	private static ObjectNode nullable(ObjectNode property) {
		if (property.has("$ref")) {
			ObjectNode either = JsonNodeFactory.instance.objectNode();
			ArrayNode anyOf = either.putArray("anyOf");
			anyOf.add(property);
			anyOf.addObject().put("type", "null");
			return either;
		}
		JsonNode type = property.get("type");
		ArrayNode types = JsonNodeFactory.instance.arrayNode();
		if (type != null && type.isArray()) {
			type.forEach(types::add);
		}
		else if (type != null) {
			types.add(type.asText());
		}
		types.add("null");
		property.set("type", types);
		if (property.has("enum")) {
			((ArrayNode) property.get("enum")).addNull();
		}
		return property;
	}

	private static ObjectNode problem(ObjectNode schemas) {
		StringBuilder table = new StringBuilder(
				"A stable, machine-readable code. Every code the API answers with:\n\n| code | status | meaning |\n"
						+ "| --- | --- | --- |\n");
		ProblemCatalog.CODES.values()
			.forEach(entry -> table.append("| `")
				.append(entry.code())
				.append("` | ")
				.append(String.join(", ", ProblemCatalog.statuses(entry.code()).stream().map(String::valueOf).toList()))
				.append(" | ")
				.append(entry.meaning())
				.append(" |\n"));
		ObjectNode problem = read(
				"""
						{"type": "object",
						 "description": "An RFC 9457 problem with Keyport's members. title is fixed per code; detail is a sentence for the end user. Key on code, never on detail.",
						 "required": ["type", "title", "status", "detail", "code"],
						 "properties": {
						  "type": {"type": "string", "format": "uri", "description": "https://keyport.io/problems/{code}"},
						  "title": {"type": "string", "description": "A short human title, fixed per code"},
						  "status": {"type": "integer", "format": "int32", "description": "The HTTP status"},
						  "detail": {"type": "string", "description": "What went wrong and what to do, for the end user"},
						  "instance": {"type": "string", "format": "uri-reference", "description": "The request path"},
						  "code": {"type": "string"},
						  "jobId": {"type": "string", "format": "uuid", "description": "The import job concerned"},
						  "state": {"type": "string", "description": "The import job's state when the request was refused"},
						  "kmsOperation": {"type": "string", "description": "The KMS operation that failed"},
						  "targets": {"type": "array", "items": {"type": "string"}, "description": "The configured KMS targets"},
						  "custodian": {"type": "string", "description": "The custodian concerned (custody-* codes)"},
						  "errors": {"type": "array", "description": "Which fields or parameters break which constraint",
						   "items": {"type": "object", "additionalProperties": false, "required": ["message"],
						    "properties": {"field": {"type": "string"}, "parameter": {"type": "string"},
						     "message": {"type": "string"}}}}}}""");
		((ObjectNode) problem.get("properties").get("code")).put("description", table.toString());
		JsonNode states = schemas.path("ImportJobEvent").path("properties").path("to").path("enum");
		if (states.isArray()) {
			((ObjectNode) problem.get("properties").get("state")).set("enum", states.deepCopy());
		}
		return problem;
	}

	// --- operations

	private static void operations(ObjectNode document) {
		boolean oauth2 = document.path("components").path("securitySchemes").has("oauth2");
		Iterator<Map.Entry<String, JsonNode>> paths = document.with("paths").fields();
		while (paths.hasNext()) {
			Map.Entry<String, JsonNode> path = paths.next();
			Iterator<Map.Entry<String, JsonNode>> methods = path.getValue().fields();
			while (methods.hasNext()) {
				ObjectNode operation = (ObjectNode) methods.next().getValue();
				OperationContracts.Contract contract = OperationContracts.CONTRACTS
					.get(operation.path("operationId").asText());
				if (contract == null) {
					throw new IllegalStateException("no contract for operation " + operation.path("operationId")
							+ " of " + path.getKey() + "; add it to OperationContracts");
				}
				operation(operation, contract, oauth2);
			}
		}
	}

	private static void operation(ObjectNode operation, OperationContracts.Contract contract, boolean oauth2) {
		operation.putArray("tags").add(contract.tag());
		operation.put("summary", contract.summary());
		operation.put("description", contract.description() + "\n\nRequires scope "
				+ String.join(" or ", contract.scopes().stream().map(s -> "`" + s + "`").toList()) + ".");
		ArrayNode security = operation.putArray("security");
		// an oauth2 scheme (client credentials) states the scopes; the plain bearer
		// scheme names them as roles, which OpenAPI 3.1 allows. Any one
		// alternative suffices.
		for (String scheme : oauth2 ? List.of("oauth2", "bearer") : List.of("bearer")) {
			for (String scope : contract.scopes()) {
				security.addObject().putArray(scheme).add(scope);
			}
		}
		parameters(operation);
		requestBody(operation, contract);
		ObjectNode generated = (ObjectNode) operation.get("responses");
		JsonNode success = generated.path("200").isMissingNode() ? generated.path("201") : generated.path("200");
		ObjectNode responses = operation.putObject("responses");
		responses.set(String.valueOf(contract.success()), success(contract, success));
		errors(contract).forEach((status, codes) -> responses.set(String.valueOf(status), problem(status, codes)));
	}

	private static void parameters(ObjectNode operation) {
		JsonNode parameters = operation.get("parameters");
		if (parameters == null) {
			return;
		}
		ArrayNode kept = JsonNodeFactory.instance.arrayNode();
		for (JsonNode parameter : parameters) {
			String name = parameter.path("name").asText();
			if ("header".equals(parameter.path("in").asText()) && "Accept".equals(name)) {
				// OpenAPI ignores an Accept parameter; the response media types say it
				continue;
			}
			ObjectNode copy = (ObjectNode) parameter.deepCopy();
			String description = PARAMETERS.get(name);
			if (description != null) {
				copy.put("description", description);
			}
			if ("Idempotency-Key".equals(name)) {
				((ObjectNode) copy.get("schema")).put("minLength", 1).put("maxLength", 255).put("pattern", "^[!-~]+$");
				copy.put("example", "3f1c2a9e-create-payments-key");
			}
			if ("query".equals(parameter.path("in").asText()) && !parameter.path("required").asBoolean(false)
					&& converted(parameter.path("schema"))) {
				// Spring reads an empty value (?state=) of a converted parameter
				// as absent
				copy.put("allowEmptyValue", true);
			}
			kept.add(copy);
		}
		operation.set("parameters", kept);
	}

	/** A number, enum or formatted value, which Spring converts from the text. */
	private static boolean converted(JsonNode schema) {
		return !"string".equals(schema.path("type").asText("string")) || schema.has("enum") || schema.has("format");
	}

	private static final Map<String, String> PARAMETERS = Map.ofEntries(
			Map.entry("Idempotency-Key",
					"Makes a retry safe: the same key with the same request answers the first answer again for 24 "
							+ "hours (Idempotent-Replayed: true); with another request it is refused"),
			Map.entry("id", "The import job's id"), Map.entry("keyId", "A key id, an ARN or an alias name (alias/...)"),
			Map.entry("target", "The KMS target; the default target when omitted"),
			Map.entry("page", "The page, from 0"), Map.entry("size", "Items per page"),
			Map.entry("state", "Only jobs in this state"), Map.entry("kmsKeyId", "Only jobs or events of this key"),
			Map.entry("tenant", "Only events of this tenant"), Map.entry("from", "Only events at or after this time"),
			Map.entry("to", "Only events before this time"),
			Map.entry("within", "The window as an ISO-8601 duration, for example P30D; positive and at most P366D"),
			Map.entry("keySpec", "The key spec of the KMS key to import into"),
			Map.entry("region", "The region to ask for (AWS partitions differ); the target's region when omitted"));

	private static void requestBody(ObjectNode operation, OperationContracts.Contract contract) {
		JsonNode content = operation.path("requestBody").path("content");
		if (!(content instanceof ObjectNode media)) {
			return;
		}
		if (media.has("application/octet-stream")) {
			media.set("application/octet-stream",
					read("""
							{"schema": {"type": "string", "format": "binary", "contentMediaType": "application/octet-stream"}}"""));
		}
		if (media.has("application/x-pem-file")) {
			media.set("application/x-pem-file",
					read("""
							{"schema": {"type": "string", "contentMediaType": "application/x-pem-file"},
							 "example": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC...\\n-----END PRIVATE KEY-----\\n"}"""));
		}
		String example = Examples.REQUESTS.get(contract.operationId());
		if (example != null && media.has("application/json")) {
			((ObjectNode) media.get("application/json")).set("example", readAny(example));
		}
	}

	private static ObjectNode success(OperationContracts.Contract contract, JsonNode generated) {
		ObjectNode response = JsonNodeFactory.instance.objectNode();
		response.put("description", contract.successDescription());
		ObjectNode headers = response.putObject("headers");
		headers.putObject("X-Request-Id").put("$ref", "#/components/headers/X-Request-Id");
		if (contract.success() == 201) {
			headers.putObject("Location").put("$ref", "#/components/headers/Location");
			headers.putObject("Idempotent-Replayed").put("$ref", "#/components/headers/Idempotent-Replayed");
		}
		ObjectNode content = response.putObject("content");
		Iterator<Map.Entry<String, JsonNode>> media = generated.path("content").fields();
		while (media.hasNext()) {
			Map.Entry<String, JsonNode> type = media.next();
			switch (type.getKey()) {
				case PROBLEM_JSON -> {
					// springdoc offers the success schema as problem+json too; problems
					// have their
					// own answers
				}
				case "application/json" -> {
					ObjectNode json = content.putObject("application/json");
					JsonNode schema = type.getValue().path("schema");
					json.set("schema", "object".equals(schema.path("type").asText()) && !schema.has("properties")
							? read("{\"$ref\": \"#/components/schemas/ImportJobResponse\"}") : schema);
					String example = Examples.RESPONSES.get(contract.operationId());
					if (example != null) {
						json.set("example", readAny(example));
					}
				}
				case "application/x-pem-file" -> {
					content.set("application/x-pem-file",
							read("""
									{"schema": {"type": "string", "contentMediaType": "application/x-pem-file"},
									 "example": "-----BEGIN PUBLIC KEY-----\\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA...\\n-----END PUBLIC KEY-----\\n"}"""));
					headers.putObject("Content-Disposition").put("$ref", "#/components/headers/Content-Disposition");
				}
				default -> {
					content.set(type.getKey(), read("""
							{"schema": {"type": "string", "format": "binary", "contentMediaType": "%s"}}"""
						.formatted(type.getKey())));
					headers.putObject("Content-Disposition").put("$ref", "#/components/headers/Content-Disposition");
				}
			}
		}
		return response;
	}

	/** The operation's codes by status. */
	private static Map<Integer, List<String>> errors(OperationContracts.Contract contract) {
		Map<Integer, List<String>> byStatus = new java.util.TreeMap<>();
		for (String code : contract.codes()) {
			for (int status : ProblemCatalog.statuses(code)) {
				byStatus.computeIfAbsent(status, s -> new ArrayList<>()).add(code);
			}
		}
		return byStatus;
	}

	private static ObjectNode problem(int status, List<String> codes) {
		ObjectNode response = JsonNodeFactory.instance.objectNode();
		StringBuilder description = new StringBuilder(HttpStatus.valueOf(status).getReasonPhrase())
			.append(". Problem codes:\n");
		codes.forEach(code -> description.append("\n- `")
			.append(code)
			.append("`: ")
			.append(ProblemCatalog.entry(code).meaning()));
		response.put("description", description.toString());
		ObjectNode headers = response.putObject("headers");
		headers.putObject("X-Request-Id").put("$ref", "#/components/headers/X-Request-Id");
		if (status != 401 && status != 403) {
			headers.putObject("Content-Disposition").put("$ref", "#/components/headers/Content-Disposition-Inline");
		}
		if (status == 401) {
			headers.putObject("WWW-Authenticate").put("$ref", "#/components/headers/WWW-Authenticate");
		}
		// a busy job (409), a rate or quota (429) and an outage (503) say when to retry
		if (status == 409 || status == 429 || status == 503) {
			headers.putObject("Retry-After").put("$ref", "#/components/headers/Retry-After");
		}
		ObjectNode media = response.putObject("content").putObject(PROBLEM_JSON);
		ObjectNode schema = media.putObject("schema");
		schema.putArray("allOf").addObject().put("$ref", "#/components/schemas/Problem");
		ArrayNode allowed = schema.putObject("properties").putObject("code").putArray("enum");
		Set<String> sorted = new TreeSet<>(codes);
		sorted.forEach(allowed::add);
		String first = codes.get(0);
		media.putObject("example")
			.put("type", TYPE_BASE + first)
			.put("title", ProblemCatalog.title(first))
			.put("status", status)
			.put("detail", Sentences.sentence(ProblemCatalog.entry(first).meaning()))
			.put("code", first);
		response.putArray("x-problem-codes").addAll(allowed);
		return response;
	}

	private static ObjectNode read(String json) {
		return (ObjectNode) readAny(json);
	}

	private static JsonNode readAny(String json) {
		try {
			return JSON.readTree(json);
		}
		catch (JsonProcessingException ex) {
			throw new IllegalStateException("bad JSON in the contract: " + json, ex);
		}
	}

}
