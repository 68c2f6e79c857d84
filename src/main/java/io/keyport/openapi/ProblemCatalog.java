package io.keyport.openapi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.keyport.web.ProblemTitles;

/**
 * Every problem {@code code} the API answers with, its statuses and its meaning: the
 * document lists each once (in the {@code Problem} schema) and names per operation and
 * status which codes can come. Codes are the features' constants; they are repeated here
 * as text because the document describes the API from outside.
 */
final class ProblemCatalog {

	record Entry(String code, Set<Integer> statuses, String meaning) {
	}

	static final Map<String, Entry> CODES = new LinkedHashMap<>();

	static {
		// request form
		add("bad-request", "The request could not be processed", 400);
		add("validation-failed", "A body field or parameter breaks a constraint; errors names which", 400);
		add("invalid-parameter", "A path or query parameter cannot be read or is out of range", 400);
		add("missing-parameter", "A required query parameter is missing", 400);
		add("malformed-request-body", "The body is not valid JSON for the operation", 400);
		add("unknown-field", "The body has a field the operation does not know", 400);
		add("invalid-enum-value", "A field has a value outside its enumeration", 400);
		add("invalid-base64", "A base64 field is not standard base64 (RFC 4648)", 400);
		add("invalid-idempotency-key", "Idempotency-Key is not 1 to 255 visible ASCII characters", 400);
		add("unknown-kms-target", "The named KMS target is not configured; targets lists the configured ones", 400);
		add("invalid-alias", "The alias is not a valid alias name for the target's KMS", 400);
		add("invalid-key-spec", "The key spec is not one the target's KMS can create", 400);
		add("invalid-tenant", "The tenant name is not valid", 400);
		add("invalid-valid-to", "The expiration's validTo is missing, in the past or too far ahead, or the target "
				+ "keeps the key's material without expiry (Huawei private keys)", 400, 422);
		add("invalid-rotation", "A rotation job's plan is malformed: rotation without importType NEW_KEY_MATERIAL, "
				+ "at without AT or AT without at (400), or its time is not in the future (422)", 400, 422);
		add("empty-key-material", "The request carries no key material", 400);
		add("empty-encrypted-key-material", "The request carries no encrypted key material", 400);
		add("invalid-encrypted-key-material", "The encrypted key material has an impossible length or form", 400, 422);
		// security
		add("unauthorized", "No valid bearer token", 401);
		add("insufficient-scope", "The token lacks the scope the operation requires", 403);
		add("invalid-tenant-claim", "The token's tenant claim is missing or malformed", 403);
		// resources
		add("not-found", "No such resource", 404);
		add("import-job-not-found", "No import job with this id for the caller's tenant", 404);
		add("kms-key-not-found", "The KMS key does not exist or belongs to another tenant (404); "
				+ "the key of a job went missing in KMS (409, 422)", 404, 409, 422);
		add("not-acceptable", "None of the accepted media types can be produced", 406);
		add("method-not-allowed", "The method is not supported on this path", 405);
		// state conflicts
		add("concurrent-modification", "Another request changed the resource at the same time; read it again", 409);
		add("illegal-state-transition", "The job's state does not allow this step; state names it", 409);
		add("job-busy", "The job is being worked on (an import or a parameter refresh); retry shortly", 409);
		add("parameters-expired", "The job's wrapping key and import token expired; refresh the parameters (an "
				+ "ON_DEMAND job: get the new wrapping key); material wrapped under the old key cannot be imported",
				409);
		add("no-import-parameters", "The job has no current wrapping key and import token", 409);
		add("custody-required", "The job keeps no material in custody, so Keyport cannot generate material for it",
				409);
		add("import-outcome-unknown", "An import attempt with the job's current token failed in a way KMS may have "
				+ "carried out; the job retries it with that token and cannot be cancelled or given new parameters "
				+ "until KMS answers or the token lapses", 409);
		add("custody-material-imported", "KMS took the material the job keeps in custody and takes only that "
				+ "material again, so Keyport generates none; import the kept material again or upload the same material",
				409);
		add("custody-requires-plaintext",
				"The job keeps its material in custody, so it takes only plaintext uploads, never client-wrapped ones",
				409);
		add("replicas-require-plaintext", "The job imports into a multi-Region key and its replicas, so it takes only "
				+ "plaintext uploads (Keyport wraps once per key)", 409);
		add("valid-to-passed", "The material's expiration passed; refresh the parameters with a new validTo", 409);
		add("kms-key-state-forbids-import", "The KMS key's state does not accept key material", 409);
		add("kms-key-pending-import", "The KMS key has no key material yet, so no public key", 409);
		add("rotation-key-without-material",
				"The key has no material yet (PENDING_IMPORT): import its material before rotating to new material",
				409);
		add("rotation-already-pending", "The key already has material pending rotation, or a rotation job on it is "
				+ "not finished; KMS takes one at a time", 409);
		add("rotation-not-pending",
				"The job's material is not pending rotation (not a rotation job, or not imported " + "yet)", 409);
		add("rotation-already-done", "The job was rotated already: its material became the key's current material",
				409);
		add("alias-already-exists", "The alias is taken", 409);
		add("key-already-owned", "The key already belongs to a tenant", 409);
		add("idempotency-key-in-flight", "A request with this Idempotency-Key is still being processed", 409);
		add("request-too-large", "The request body exceeds the size limit", 413);
		add("unsupported-media-type", "The request's content type is not accepted here", 415);
		// semantic refusals
		add("idempotency-key-reused", "The Idempotency-Key was used for a different request", 422);
		add("invalid-due-by", "The job's dueBy is not in the future", 422);
		add("kms-key-not-multi-region", "The job names replicas but the KMS key is a single-Region key", 422);
		add("kms-key-is-replica", "The KMS key is a replica; start the job on its primary key", 422);
		add("multi-region-unsupported",
				"The job's target has no multi-Region keys (Huawei), so it cannot name replicas", 422);
		add("replica-other-provider", "A replica target is of another provider than the key's target", 422);
		add("replica-same-region", "A replica target is in the key's region or another replica's region", 422);
		add("replica-other-account", "A replica target does not see the key's replica in the key's account", 422);
		add("kms-key-not-external", "The KMS key's origin is not EXTERNAL, so it takes no imported material", 422);
		add("unsupported-key-spec", "Keyport cannot import material for this key spec", 422);
		add("key-not-asymmetric", "The key is symmetric or HMAC and has no public key", 422);
		add("unsupported-wrapping-algorithm", "The target cannot wrap with this algorithm", 422);
		add("incompatible-wrapping-algorithm", "The wrapping algorithm does not fit the key spec", 422);
		add("invalid-key-material-length", "The key material's length does not fit the key spec", 422);
		add("invalid-key-material", "The key material is not valid for the key spec", 422);
		add("key-material-too-large", "The key material is too large for the wrapping algorithm", 422);
		add("custody-unknown-custodian", "No custodian of that name is configured", 422);
		add("rotation-unsupported", "The target or the key cannot rotate imported material: only single-Region "
				+ "symmetric keys in AWS KMS hold several materials", 422);
		add("custody-unsupported", "The job's custodian cannot keep this key spec or wrap with this algorithm", 422);
		add("invalid-wrapping-key", "The job's wrapping key cannot be used", 422);
		add("wrapping-key-spec-mismatch",
				"The wrapping key does not match the job's wrapping key spec (422), or KMS returned another one (502)",
				422, 502);
		// KMS answers
		add("kms-invalid-key-id", "KMS refused the key id (422), or the job's key id (409)", 409, 422);
		add("kms-invalid-key-state", "KMS refused because of the key's state", 409);
		add("kms-already-exists", "KMS refused because the name exists", 409);
		add("kms-unsupported-operation", "The target's KMS does not support the operation", 409);
		add("kms-expired-import-token", "KMS refused the expired import token; refresh the parameters", 409);
		add("kms-invalid-import-token", "KMS refused the import token", 409);
		add("kms-invalid-ciphertext", "KMS could not unwrap the encrypted key material", 422);
		add("kms-incorrect-key-material", "KMS refused the material: it differs from the key's earlier material", 422);
		add("kms-validation-error", "KMS refused the request as invalid", 422);
		add("too-many-requests", "The client exceeded its request rate; wait for Retry-After", 429);
		add("refresh-too-soon", "Parameters were refreshed moments ago; wait for Retry-After", 429);
		add("kms-quota-exceeded", "The share of KMS parameter downloads is used up (for an ON_DEMAND job: not "
				+ "available within the bounded wait); wait for Retry-After", 429);
		add("internal-error", "An unexpected error on Keyport's side; it has been logged", 500);
		add("kms-access-denied", "KMS denied Keyport's credentials; an operator must fix the role", 502);
		add("kms-limit-exceeded", "A KMS account limit is reached; an operator must raise it", 502);
		add("custody-refused", "The job's custodian (its custody KMS key or HSM) refused; an operator must check it",
				502);
		add("custody-unavailable", "The job's custodian cannot be reached; retry after Retry-After", 503);
		add("database-unavailable", "The database is not reachable; retry after Retry-After", 503);
		add("kms-throttled", "KMS throttled the request; retry after Retry-After", 503);
		add("kms-dependency-timeout", "KMS timed out; retry after Retry-After", 503);
		add("kms-internal-error", "KMS failed internally; retry after Retry-After", 503);
		add("kms-unavailable", "KMS is not reachable; retry after Retry-After", 503);
		add("import-attempts-exhausted",
				"KMS failed transiently on every attempt, and none of them can have been carried out; the job failed",
				503);
	}

	private ProblemCatalog() {
	}

	private static void add(String code, String meaning, Integer... statuses) {
		CODES.put(code, new Entry(code, Set.of(statuses), meaning));
	}

	static Entry entry(String code) {
		Entry entry = CODES.get(code);
		if (entry == null) {
			throw new IllegalArgumentException("no problem code " + code + " in the catalog");
		}
		return entry;
	}

	/** Title as the API writes it, from the one title source. */
	static String title(String code) {
		return ProblemTitles.title(code);
	}

	static List<Integer> statuses(String code) {
		return entry(code).statuses().stream().sorted().toList();
	}

}
