package io.keyport.openapi;

import java.util.Map;

/**
 * Examples the document shows for request bodies and successful answers, by operation.
 * Each is valid against its schema (Redocly checks them).
 */
final class Examples {

	private static final String KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab";

	private static final String ARN = "arn:aws:kms:eu-central-1:111122223333:key/" + KEY_ID;

	private static final String JOB_ID = "0b9b1f5e-3f0e-4a55-9d2e-6a8f3c1d2e4f";

	private static final String JOB = """
			{"id": "%s", "state": "PARAMETERS_FETCHED", "kmsKeyId": "%s", "kmsKeyArn": "%s",
			 "keySpec": "SYMMETRIC_DEFAULT", "wrappingAlgorithm": "RSAES_OAEP_SHA_256", "wrappingKeySpec": "RSA_2048",
			 "expiration": {"model": "KEY_MATERIAL_DOES_NOT_EXPIRE"},
			 "parameters": {"fetchedAt": "2026-11-27T10:00:00Z", "validTo": "2026-11-28T10:00:00Z", "downloads": 0},
			 "importAttempts": 0, "createdAt": "2026-11-27T10:00:00Z", "updatedAt": "2026-11-27T10:00:00Z",
			 "createdBy": "platform-a", "version": 0, "target": "aws", "refreshPolicy": "EAGER"}""".formatted(JOB_ID,
			KEY_ID, ARN);

	private static final String IMPORTED_JOB = JOB.replace("\"PARAMETERS_FETCHED\"", "\"IMPORTED\"")
		.replace("\"importAttempts\": 0", "\"importAttempts\": 1, \"importedAt\": \"2026-11-27T10:05:00Z\"")
		.replace("\"downloads\": 0", "\"downloads\": 1")
		.replace("\"version\": 0", "\"version\": 3");

	private static final String KEY = """
			{"keyId": "%s", "arn": "%s", "keyState": "PENDING_IMPORT", "origin": "EXTERNAL",
			 "keySpec": "SYMMETRIC_DEFAULT", "keyUsage": "ENCRYPT_DECRYPT", "description": "payments master key",
			 "creationDate": "2026-11-27T09:59:00Z", "alias": "alias/payments", "target": "aws",
			 "providerKeySpec": "SYMMETRIC_DEFAULT"}""".formatted(KEY_ID, ARN);

	/** Request examples by operation id and media type. */
	static final Map<String, String> REQUESTS = Map.of("createKmsKey", """
			{"keySpec": "SYMMETRIC_DEFAULT", "keyUsage": "ENCRYPT_DECRYPT", "alias": "alias/payments",
			 "description": "payments master key"}""", "createImportJob", """
			{"kmsKeyId": "%s", "wrappingAlgorithm": "RSAES_OAEP_SHA_256", "wrappingKeySpec": "RSA_2048",
			 "expiration": {"model": "KEY_MATERIAL_EXPIRES", "validTo": "2027-11-27T00:00:00Z"},
			 "refreshPolicy": "EAGER", "dueBy": "2026-12-01T12:00:00Z"}""".formatted(KEY_ID), "assignOwner", """
			{"tenant": "tenant-a"}""", "refreshParameters", """
			{"expiration": {"model": "KEY_MATERIAL_EXPIRES", "validTo": "2027-11-27T00:00:00Z"}}""", "uploadPlaintext",
			"""
					{"keyMaterial": "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA="}""", "uploadEncryptedRaw", """
					{"encryptedKeyMaterial": "bXkgd3JhcHBlZCBrZXkgbWF0ZXJpYWw="}""");

	/** Examples of the JSON answer of each operation's success. */
	static final Map<String, String> RESPONSES = Map
		.ofEntries(Map.entry("createKmsKey", KEY),
				Map.entry("describeKmsKey", KEY.replace("PENDING_IMPORT", "ENABLED")),
				Map.entry("getPublicKey",
						"""
								{"target": "aws", "keyId": "%s", "keyArn": "%s", "keySpec": "RSA_2048",
								 "keyUsage": "SIGN_VERIFY", "algorithms": ["RSASSA_PSS_SHA_256"],
								 "publicKeyPem": "-----BEGIN PUBLIC KEY-----\\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA...\\n-----END PUBLIC KEY-----\\n",
								 "sha256Fingerprint": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
								 "notice": "Verifications outside KMS are not logged by KMS"}"""
							.formatted(KEY_ID, ARN)),
				Map.entry("assignOwner",
						"""
								{"keyId": "%s", "arn": "%s", "tenant": "tenant-a", "assigned": true, "target": "aws"}"""
							.formatted(KEY_ID, ARN)),
				Map.entry("createImportJob", JOB), Map.entry("getImportJob", JOB),
				Map.entry("refreshParameters", JOB.replace("\"downloads\": 0", "\"downloads\": 1")),
				Map.entry("cancelImportJob", JOB.replace("\"PARAMETERS_FETCHED\"", "\"CANCELLED\"")),
				Map.entry("uploadPlaintext", IMPORTED_JOB), Map.entry("uploadEncryptedRaw", IMPORTED_JOB),
				Map.entry("rotateImportJob",
						IMPORTED_JOB.replace("\"version\": 3", "\"version\": 5, \"importType\": \"NEW_KEY_MATERIAL\", "
								+ "\"rotation\": {\"when\": \"BY_API\", \"rotatedAt\": \"2026-11-28T09:00:00Z\"}")),
				Map.entry("listKeyMaterials",
						"""
								{"target": "aws", "kmsKeyId": "%s", "kmsKeyArn": "%s",
								 "currentKeyMaterialId": "6a1f0c2e9b7d4e3f8a5b1c0d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f",
								 "materials": [
								  {"keyMaterialId": "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
								   "state": "NON_CURRENT", "imported": true, "expirationModel": "KEY_MATERIAL_EXPIRES",
								   "validTo": "2027-02-01T00:00:00Z", "importJobId": "%s", "importJobState": "IMPORTED"},
								  {"keyMaterialId": "6a1f0c2e9b7d4e3f8a5b1c0d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f",
								   "state": "CURRENT", "imported": true, "expirationModel": "KEY_MATERIAL_EXPIRES",
								   "validTo": "2027-06-01T00:00:00Z", "rotationDate": "2026-11-28T09:00:00Z",
								   "rotationType": "ON_DEMAND", "description": "Keyport import job 7c2d4e6f-1a3b-4c5d-8e9f-0a1b2c3d4e5f",
								   "importJobId": "7c2d4e6f-1a3b-4c5d-8e9f-0a1b2c3d4e5f", "importJobState": "IMPORTED"}]}"""
							.formatted(KEY_ID, ARN, JOB_ID)),
				Map.entry("listImportJobs", """
						{"items": [%s], "page": 0, "size": 20, "totalItems": 1, "totalPages": 1}""".formatted(JOB)),
				Map.entry(
						"listEvents",
						"""
								[{"sequence": 1, "from": null, "to": "PARAMETERS_FETCHED", "cause": "created", "errorCode": null,
								  "actor": "platform-a", "occurredAt": "2026-11-27T10:00:00Z"},
								 {"sequence": 2, "from": "PARAMETERS_FETCHED", "to": "MATERIAL_WRAPPED", "cause": "material uploaded",
								  "errorCode": null, "actor": "platform-a", "occurredAt": "2026-11-27T10:05:00Z"},
								 {"sequence": 3, "from": "MATERIAL_WRAPPED", "to": "IMPORTED", "cause": "imported", "errorCode": null,
								  "actor": "platform-a", "occurredAt": "2026-11-27T10:05:01Z"}]"""),
				Map.entry("options", """
						{"keySpec": "SYMMETRIC_DEFAULT", "region": "eu-central-1", "partition": "aws", "target": "aws",
						 "providerKeySpec": "SYMMETRIC_DEFAULT",
						 "options": [{"wrappingAlgorithm": "RSAES_OAEP_SHA_256", "wrappingKeySpec": "RSA_4096",
						              "recommended": true},
						             {"wrappingAlgorithm": "RSAES_OAEP_SHA_1", "wrappingKeySpec": "RSA_2048",
						              "recommended": false}]}"""),
				Map.entry("listAuditEvents",
						"""
								{"items": [{"id": 42, "occurredAt": "2026-11-27T10:05:01Z", "tenant": "tenant-a",
								            "subject": "platform-a", "clientId": "platform-a", "operation": "IMPORT_KEY_MATERIAL",
								            "jobId": "%s", "kmsKeyArn": "%s", "remoteAddr": "10.0.0.7",
								            "requestId": "5f0c8a4e2b9d4c1e", "outcome": "SUCCESS", "detail": null,
								            "kmsTarget": "aws"}],
								 "page": 0, "size": 50}"""
							.formatted(JOB_ID, ARN)),
				Map.entry("listExpiringKeys",
						"""
								{"within": "P30D", "keys": [{"kmsKeyId": "%s", "kmsKeyArn": "%s",
								 "validTo": "2026-12-20T00:00:00Z", "remaining": "P22DT14H", "jobId": "%s"}]}"""
							.formatted(KEY_ID, ARN, JOB_ID)),
				Map.entry("list", """
						{"defaultTarget": "aws", "items": [{"name": "aws", "provider": "aws", "region": "eu-central-1",
						 "isDefault": true, "importRules": "aws",
						 "health": {"status": "UP", "checkedAt": "2026-11-27T10:00:00Z"}}]}"""));

	private Examples() {
	}

}
