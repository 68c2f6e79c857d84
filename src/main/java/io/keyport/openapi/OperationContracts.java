package io.keyport.openapi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the document states per operation beyond what springdoc sees in the controllers:
 * resource tag, summary, description, required scopes, success status and the problem
 * codes the operation can answer with (their statuses follow from the catalog). Read from
 * the controllers, the exception handler, the features' exceptions, security, request
 * limits, rate limits and idempotency.
 */
final class OperationContracts {

	static final String IMPORT_JOBS = "Import jobs";

	static final String KMS_KEYS = "KMS keys";

	static final String WRAPPING = "Wrapping";

	static final String AUDIT = "Audit";

	static final String OPERATIONS = "Operations";

	static final Map<String, String> TAGS = new LinkedHashMap<>();

	static {
		TAGS.put(IMPORT_JOBS, "An import job carries one key material import into one KMS key: wrapping key and "
				+ "import token download, upload of plaintext or wrapped material, history.");
		TAGS.put(KMS_KEYS, "KMS keys with origin EXTERNAL that take imported material, their public keys and owners.");
		TAGS.put(WRAPPING, "Which wrapping algorithms and wrapping key specs a key spec can be imported with.");
		TAGS.put(AUDIT, "The audit trail of every change and refusal.");
		TAGS.put(OPERATIONS, "Operational views: configured KMS targets and expiring key material.");
	}

	/**
	 * Every operation answers these (a request the container refuses, security, rate
	 * limit, database, unexpected).
	 */
	static final List<String> COMMON = List.of("bad-request", "unauthorized", "insufficient-scope",
			"invalid-tenant-claim", "not-acceptable", "too-many-requests", "internal-error", "database-unavailable");

	/** Operations with a JSON request body. */
	static final List<String> JSON_BODY = List.of("validation-failed", "malformed-request-body", "unknown-field",
			"invalid-enum-value", "request-too-large", "unsupported-media-type");

	/** Operations with query parameters. */
	static final List<String> QUERY = List.of("invalid-parameter", "validation-failed", "bad-request");

	/** Operations on one job: the id must be a UUID of a job of the tenant. */
	static final List<String> JOB = List.of("invalid-parameter", "import-job-not-found");

	/** Operations that call KMS and pass on its failures. */
	static final List<String> KMS = List.of("kms-access-denied", "kms-limit-exceeded", "kms-throttled",
			"kms-dependency-timeout", "kms-internal-error", "kms-unavailable");

	static final List<String> TARGET = List.of("unknown-kms-target");

	/** Job creation and its plan with replicas of a multi-Region key. */
	static final List<String> MULTI_REGION = List.of("kms-key-not-multi-region", "kms-key-is-replica",
			"multi-region-unsupported", "replica-other-provider", "replica-same-region", "replica-other-account",
			"kms-already-exists");

	/** How a rotation job is refused before any KMS import call (and by its dry run). */
	static final List<String> ROTATION_REFUSALS = List.of("invalid-rotation", "rotation-unsupported",
			"rotation-key-without-material", "rotation-already-pending");

	static final List<String> IDEMPOTENCY = List.of("invalid-idempotency-key", "idempotency-key-reused",
			"idempotency-key-in-flight");

	/**
	 * @param scopes alternatives: any one of them suffices
	 * @param success the status of a successful answer
	 */
	record Contract(String operationId, String tag, String summary, String description, List<String> scopes,
			int success, String successDescription, List<String> codes) {
	}

	static final Map<String, Contract> CONTRACTS = new LinkedHashMap<>();

	static {
		add("createKmsKey", KMS_KEYS, "Create a KMS key for imported material",
				"Creates a key with origin EXTERNAL in the named (or default) KMS target, owned by the caller's tenant, "
						+ "with an optional alias. The key waits in PENDING_IMPORT until an import job brings its "
						+ "material. With an Idempotency-Key a retry answers the first answer again "
						+ "(Idempotent-Replayed: true).",
				List.of("keyport:keys"), 201, "The key was created; Location names it",
				codes(JSON_BODY, TARGET, IDEMPOTENCY, KMS,
						List.of("invalid-alias", "invalid-key-spec", "unsupported-key-spec", "concurrent-modification",
								"alias-already-exists", "kms-already-exists", "kms-validation-error",
								"kms-unsupported-operation", "kms-invalid-key-state")));
		add("describeKmsKey", KMS_KEYS, "Describe a KMS key",
				"The key as KMS describes it, if it belongs to the caller's tenant. The key id may be a key id, an "
						+ "ARN or an alias name (alias/...).",
				List.of("keyport:read", "keyport:admin"), 200, "The key",
				codes(TARGET, KMS, List.of("invalid-parameter", "kms-key-not-found")));
		add("getPublicKey", KMS_KEYS, "Download the public key of an asymmetric KMS key",
				"As JSON with PEM, fingerprint and the algorithms KMS allows (application/json), as DER "
						+ "(application/octet-stream) or as PEM (application/x-pem-file), by the Accept header.",
				List.of("keyport:read", "keyport:admin"), 200, "The public key in the accepted format",
				codes(TARGET, KMS, List.of("invalid-parameter", "kms-key-not-found", "key-not-asymmetric",
						"kms-key-pending-import", "kms-invalid-key-state")));
		add("listKeyMaterials", KMS_KEYS, "List the materials of a symmetric KMS key",
				"Every material of the key as KMS lists it (ListKeyRotations): current, pending rotation and earlier "
						+ "ones kept for decryption, each with its own state and ValidTo and the Keyport job that last "
						+ "imported it. The key is named by its key id.",
				List.of("keyport:read", "keyport:admin"), 200, "The key's materials",
				codes(TARGET, KMS, List.of("invalid-parameter", "kms-key-not-found", "rotation-unsupported",
						"kms-unsupported-operation")));
		add("assignOwner", KMS_KEYS, "Assign a KMS key to a tenant",
				"Gives an existing KMS key (created outside Keyport, or before owners were recorded) to a tenant. "
						+ "Assigning the key to its current owner again changes nothing (assigned: false).",
				List.of("keyport:admin"), 200, "The key's owner",
				codes(JSON_BODY, TARGET, KMS, List.of("invalid-parameter", "kms-key-not-found", "invalid-tenant",
						"key-already-owned", "not-found", "concurrent-modification")));
		add("createImportJob", IMPORT_JOBS, "Start an import job for a KMS key",
				"Checks the key (origin EXTERNAL, a state that accepts material, a key spec Keyport can import) and "
						+ "fetches a wrapping key and import token from KMS. refreshPolicy says who keeps them valid "
						+ "while the job waits (EAGER: the scheduler; ON_DEMAND: a client's ask after they lapsed; the "
						+ "tenant's default when omitted); dueBy, when the material is expected, puts the job ahead "
						+ "when the KMS quota is short. With an Idempotency-Key a retry answers the first answer again "
						+ "(Idempotent-Replayed: true).",
				List.of("keyport:import"), 201, "The job was created; Location names it",
				codes(JSON_BODY, TARGET, IDEMPOTENCY, KMS,
						List.of("kms-key-not-found", "kms-invalid-key-id", "kms-key-not-external",
								"kms-key-state-forbids-import", "unsupported-key-spec", "invalid-valid-to",
								"unsupported-wrapping-algorithm", "incompatible-wrapping-algorithm", "invalid-due-by",
								"wrapping-key-spec-mismatch", "kms-validation-error", "kms-invalid-key-state",
								"kms-unsupported-operation", "kms-quota-exceeded", "concurrent-modification",
								"custody-unknown-custodian", "custody-unsupported"),
						MULTI_REGION, ROTATION_REFUSALS));
		add("planImportJob", IMPORT_JOBS, "Plan an import job (dry run)",
				"The same body, checks and refusals as creating the job (the key's ownership, origin, state and "
						+ "spec, the provider's rules, the expiration, the tenant's share of the "
						+ "GetParametersForImport quota), answered with what the job would be and which KMS calls it "
						+ "would make. Nothing is downloaded (no GetParametersForImport, no quota spent) and nothing "
						+ "is stored.",
				List.of("keyport:import"), 200, "What creating the job would do now",
				codes(JSON_BODY, TARGET, KMS,
						List.of("kms-key-not-found", "kms-invalid-key-id", "kms-key-not-external",
								"kms-key-state-forbids-import", "unsupported-key-spec", "invalid-valid-to",
								"unsupported-wrapping-algorithm", "incompatible-wrapping-algorithm", "invalid-due-by",
								"kms-validation-error", "kms-quota-exceeded", "custody-unknown-custodian",
								"custody-unsupported"),
						MULTI_REGION, ROTATION_REFUSALS));
		add("listImportJobs", IMPORT_JOBS, "List the tenant's import jobs",
				"Newest first, one page at a time, optionally filtered by state and KMS key id.",
				List.of("keyport:read", "keyport:admin"), 200, "One page of jobs", codes(QUERY));
		add("getImportJob", IMPORT_JOBS, "Get an import job", "The job's state, parameters, expiration and last error.",
				List.of("keyport:read", "keyport:admin"), 200, "The job", codes(JOB));
		add("listEvents", IMPORT_JOBS, "List an import job's history",
				"Every state transition of the job in order; the first has no from state.",
				List.of("keyport:read", "keyport:admin"), 200, "The job's events in order", codes(JOB));
		add("getWrappingKey", IMPORT_JOBS, "Download the job's wrapping public key",
				"The wrapping key to wrap the key material with, as DER (application/octet-stream) or PEM "
						+ "(application/x-pem-file) by the Accept header. For an ON_DEMAND job whose parameters "
						+ "lapsed, new ones are downloaded from KMS first (one download however many clients ask at "
						+ "once), waiting a bounded time for the KMS quota: beyond it 429 kms-quota-exceeded, 409 "
						+ "job-busy or 503 kms-throttled with Retry-After; none are downloaded once the material's "
						+ "validTo has passed (409 valid-to-passed: refresh with a new one).",
				List.of("keyport:import"), 200, "The wrapping public key",
				codes(JOB, KMS,
						List.of("no-import-parameters", "parameters-expired", "valid-to-passed", "job-busy",
								"illegal-state-transition", "kms-quota-exceeded", "concurrent-modification",
								"kms-key-not-found", "kms-invalid-key-state", "wrapping-key-spec-mismatch")));
		add("importParametersZip", IMPORT_JOBS, "Download wrapping key and import token as a ZIP",
				"The files the AWS console's import offers: wrappingKey_..., importToken_... and a README, for "
						+ "wrapping the material with OpenSSL or an HSM outside Keyport. An ON_DEMAND job whose "
						+ "parameters lapsed gets new ones first, as for the wrapping key.",
				List.of("keyport:import"), 200, "The ZIP file",
				codes(JOB, KMS,
						List.of("no-import-parameters", "parameters-expired", "valid-to-passed", "job-busy",
								"illegal-state-transition", "kms-quota-exceeded", "concurrent-modification",
								"kms-key-not-found", "kms-invalid-key-state", "wrapping-key-spec-mismatch")));
		add("uploadEncryptedRaw", IMPORT_JOBS, "Upload wrapped key material and import it",
				"The key material wrapped outside Keyport with the job's wrapping key and algorithm, as raw bytes "
						+ "(application/octet-stream) or as JSON {encryptedKeyMaterial: base64}. Keyport imports it "
						+ "into KMS at once; KMS refusals leave the job FAILED or waiting for new parameters. Material "
						+ "uploaded after the parameters lapsed is refused (409 parameters-expired) whatever the refresh "
						+ "policy: it was wrapped under the old wrapping key.",
				List.of("keyport:import"), 200, "The job after the import",
				codes(JOB, JSON_BODY, KMS, importRefusals(), List.of("invalid-base64", "empty-encrypted-key-material",
						"invalid-encrypted-key-material", "custody-requires-plaintext", "replicas-require-plaintext")));
		add("uploadPlaintext", IMPORT_JOBS, "Upload plaintext key material: Keyport wraps it, then imports",
				"JSON {keyMaterial: base64}, or the raw file: application/x-pem-file for a PEM private key (PRIVATE "
						+ "KEY, RSA PRIVATE KEY, EC PRIVATE KEY), application/octet-stream for DER (PKCS#8, PKCS#1, "
						+ "SEC1) or raw symmetric and HMAC bytes. Private keys are imported as unencrypted DER PKCS#8. "
						+ "The plaintext is overwritten after wrapping and never stored. For an ON_DEMAND job whose "
						+ "parameters lapsed, new ones are downloaded first (bounded wait for the KMS quota, as for the "
						+ "wrapping key).",
				List.of("keyport:import"), 200, "The job after the import",
				codes(JOB, JSON_BODY, KMS, importRefusals(), List.of("kms-quota-exceeded", "import-outcome-unknown"),
						List.of("invalid-base64", "empty-key-material", "invalid-key-material-length",
								"invalid-key-material", "key-material-too-large", "invalid-wrapping-key",
								"unsupported-key-spec", "incompatible-wrapping-algorithm",
								"unsupported-wrapping-algorithm"),
						List.of("custody-refused", "custody-unavailable", "custody-unsupported")));
		add("generateKeyMaterial", IMPORT_JOBS, "Generate key material in the job's custodian, then import it",
				"For a job with custody: the custodian generates the material and wraps it for the job's wrapping key "
						+ "(a PKCS#11 HSM inside the token, so the plaintext never leaves it; kms-envelope seals random "
						+ "bytes at once and opens them only for the wrap), and KMS imports it. No body. For an "
						+ "ON_DEMAND job whose parameters lapsed, new ones are downloaded first.",
				List.of("keyport:import"), 200, "The job after the import",
				codes(JOB, KMS, importRefusals(),
						List.of("kms-quota-exceeded", "custody-required", "custody-material-imported",
								"import-outcome-unknown"),
						List.of("custody-refused", "custody-unavailable", "custody-unsupported")));
		add("reimportFromCustody", IMPORT_JOBS, "Import the material the job's custodian keeps again",
				"For a job whose custodian keeps material KMS took before (after it expired and the job was refreshed "
						+ "with a new validTo, or after it was deleted from the key): the custodian wraps the kept "
						+ "material for the job's wrapping key and KMS imports it; KMS takes only that material back. "
						+ "The kept material stays as it is. No body. For an ON_DEMAND job whose parameters lapsed, "
						+ "new ones are downloaded first.",
				List.of("keyport:import"), 200, "The job after the import",
				codes(JOB, KMS, importRefusals(), List.of("kms-quota-exceeded", "custody-required"),
						List.of("custody-refused", "custody-unavailable", "custody-unsupported")));
		add("refreshParameters", IMPORT_JOBS, "Fetch new wrapping key and import token",
				"For a job whose parameters expired or that must import the same material again; with an "
						+ "expiration also a new validTo. Refused moments after the last refresh (refresh-too-soon).",
				List.of("keyport:import"), 200, "The job with new parameters",
				codes(JOB, JSON_BODY, KMS,
						List.of("invalid-valid-to", "invalid-rotation", "valid-to-passed", "refresh-too-soon",
								"job-busy", "import-outcome-unknown", "illegal-state-transition", "kms-quota-exceeded",
								"concurrent-modification", "kms-key-not-found", "kms-invalid-key-id",
								"kms-invalid-key-state", "kms-validation-error", "wrapping-key-spec-mismatch")));
		add("rotateImportJob", IMPORT_JOBS, "Rotate the key to the job's material",
				"For a rotation job (importType NEW_KEY_MATERIAL) whose material is imported and pending rotation: "
						+ "KMS makes it the key's current material (RotateKeyOnDemand); the previous material stays in "
						+ "the key for decryption and its job stays watched with its own ValidTo. A refusal by KMS is "
						+ "recorded on the job (lastError, history) and answered with KMS's code.",
				List.of("keyport:import"), 200, "The rotated job",
				codes(JOB, KMS,
						List.of("rotation-not-pending", "rotation-already-done", "job-busy", "concurrent-modification",
								"kms-key-not-found", "kms-invalid-key-state", "kms-unsupported-operation",
								"kms-validation-error")));
		add("cancelImportJob", IMPORT_JOBS, "Cancel an import job",
				"Ends a job that has not imported yet; its parameters are forgotten.", List.of("keyport:import"), 200,
				"The cancelled job", codes(JOB, List.of("illegal-state-transition", "job-busy",
						"import-outcome-unknown", "concurrent-modification")));
		add("options", WRAPPING, "Wrapping options for a key spec",
				"The wrapping algorithms and wrapping key specs the target accepts for the key spec, the recommended "
						+ "one first.",
				List.of("keyport:read", "keyport:admin"), 200, "The options",
				codes(QUERY, TARGET, List.of("missing-parameter", "invalid-key-spec", "unsupported-key-spec")));
		add("listAuditEvents", AUDIT, "List audit events",
				"Newest first, filtered by key, tenant and time range; every change and every refused request.",
				List.of("keyport:admin"), 200, "One page of audit events", codes(QUERY));
		add("listExpiringKeys", OPERATIONS, "List keys whose material expires soon",
				"Keys of the tenant whose imported material expires within the window (an ISO-8601 duration), with "
						+ "the job that imported it.",
				List.of("keyport:read", "keyport:admin"), 200, "The expiring keys", codes(QUERY));
		add("list", OPERATIONS, "List the configured KMS targets",
				"Keys and jobs name one in their target field (the default one when they name none). Health is the "
						+ "target's last reachability check, cached like the health endpoint's.",
				List.of("keyport:read", "keyport:admin"), 200, "The targets", codes());
	}

	private OperationContracts() {
	}

	/** How KMS refuses an import (the job's key or token, or the material). */
	private static List<String> importRefusals() {
		return List.of("parameters-expired", "valid-to-passed", "no-import-parameters", "job-busy",
				"illegal-state-transition", "concurrent-modification", "import-attempts-exhausted",
				"wrapping-key-spec-mismatch", "kms-key-not-found", "kms-invalid-key-id", "kms-invalid-key-state",
				"kms-expired-import-token", "kms-invalid-import-token", "kms-invalid-ciphertext",
				"kms-incorrect-key-material", "kms-validation-error", "kms-unsupported-operation");
	}

	@SafeVarargs
	private static List<String> codes(List<String>... groups) {
		List<String> codes = new ArrayList<>();
		Stream.concat(Stream.of(COMMON), Stream.of(groups))
			.flatMap(List::stream)
			.filter(code -> !codes.contains(code))
			.forEach(codes::add);
		return codes;
	}

	private static void add(String operationId, String tag, String summary, String description, List<String> scopes,
			int success, String successDescription, List<String> codes) {
		codes.forEach(ProblemCatalog::entry);
		CONTRACTS.put(operationId,
				new Contract(operationId, tag, summary, description, scopes, success, successDescription, codes));
	}

}
