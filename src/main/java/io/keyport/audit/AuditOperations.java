package io.keyport.audit;

import java.util.Map;

/**
 * The names API calls are recorded under: fixed constants per route, so renaming a Java
 * method never changes the audit trail. A route missing here is recorded as
 * {@code api:<METHOD> <route>}; {@code AuditOperationsTests} keeps every state-changing
 * route named.
 */
public final class AuditOperations {

	/** A request refused before it reached an operation (401, 403, 413, 429). */
	public static final String REFUSED = "api:refused";

	public static final String CREATE_KMS_KEY = "api:createKmsKey";

	public static final String ASSIGN_KMS_KEY_OWNER = "api:assignKmsKeyOwner";

	public static final String CREATE_IMPORT_JOB = "api:createImportJob";

	/** A dry run of job creation: audited, since it reads the key at KMS. */
	public static final String PLAN_IMPORT_JOB = "api:planImportJob";

	public static final String UPLOAD_ENCRYPTED_KEY_MATERIAL = "api:uploadEncryptedKeyMaterial";

	public static final String UPLOAD_KEY_MATERIAL = "api:uploadKeyMaterial";

	/** Material generated and wrapped by the job's custodian, then imported. */
	public static final String GENERATE_KEY_MATERIAL = "api:generateKeyMaterial";

	/** The material the job's custodian keeps, imported again. */
	public static final String REIMPORT_FROM_CUSTODY = "api:reimportFromCustody";

	public static final String REFRESH_PARAMETERS = "api:refreshParameters";

	public static final String CANCEL_IMPORT_JOB = "api:cancelImportJob";

	public static final String ROTATE_IMPORT_JOB = "api:rotateImportJob";

	/** Method and route (the mapping's pattern, not the request's path) to operation. */
	static final Map<String, String> ROUTES = Map.ofEntries(Map.entry("POST /api/v1/kms-keys", CREATE_KMS_KEY),
			Map.entry("PUT /api/v1/kms-keys/{keyId}/owner", ASSIGN_KMS_KEY_OWNER),
			Map.entry("PUT /api/v1/kms-keys/{*reference}", ASSIGN_KMS_KEY_OWNER),
			Map.entry("POST /api/v1/import-jobs", CREATE_IMPORT_JOB),
			Map.entry("PUT /api/v1/import-jobs/{id}/encrypted-key-material", UPLOAD_ENCRYPTED_KEY_MATERIAL),
			Map.entry("POST /api/v1/import-jobs/{id}/key-material", UPLOAD_KEY_MATERIAL),
			Map.entry("POST /api/v1/import-jobs/{id}/generated-key-material", GENERATE_KEY_MATERIAL),
			Map.entry("POST /api/v1/import-jobs/{id}/custody-reimport", REIMPORT_FROM_CUSTODY),
			Map.entry("POST /api/v1/import-jobs/{id}/refresh-parameters", REFRESH_PARAMETERS),
			Map.entry("POST /api/v1/import-jobs/{id}/cancel", CANCEL_IMPORT_JOB),
			Map.entry("POST /api/v1/import-job-plans", PLAN_IMPORT_JOB),
			Map.entry("POST /api/v1/import-jobs/{id}/rotation", ROTATE_IMPORT_JOB));

	/**
	 * What a successful call answers, for the operations whose services record the
	 * request's own entry with its last change (AuditLog#settleRequestWithNextChange).
	 */
	static final Map<String, String> SUCCESS_OUTCOMES = Map.of(CREATE_KMS_KEY, "201", CREATE_IMPORT_JOB, "201",
			UPLOAD_KEY_MATERIAL, "200", UPLOAD_ENCRYPTED_KEY_MATERIAL, "200", GENERATE_KEY_MATERIAL, "200",
			REIMPORT_FROM_CUSTODY, "200", ASSIGN_KMS_KEY_OWNER, "200");

	private AuditOperations() {
	}

	/**
	 * The outcome a successful call of the operation is recorded with, or {@code null}
	 * when its request is recorded only as it ends.
	 */
	static String successOutcome(String operation) {
		return SUCCESS_OUTCOMES.get(operation);
	}

	/**
	 * The operation of a route; routes without a constant are named by method and route,
	 * never by Java code.
	 */
	public static String of(String method, String route) {
		String key = method + " " + route;
		return ROUTES.getOrDefault(key, "api:" + key);
	}

}
