package io.keyport.emulator;

/**
 * An AWS KMS error as it goes on the wire: {@code __type}, {@code message} and the HTTP
 * status. The status codes follow the KMS service model (what the SDK registers for each
 * exception).
 */
public final class KmsServiceError extends RuntimeException {

	private final String type;

	private final int status;

	KmsServiceError(String type, int status, String message) {
		super(message, null, false, false);
		this.type = type;
		this.status = status;
	}

	String type() {
		return this.type;
	}

	int status() {
		return this.status;
	}

	static KmsServiceError validation(String message) {
		return new KmsServiceError("ValidationException", 400, message);
	}

	static KmsServiceError serialization(String message) {
		return new KmsServiceError("SerializationException", 400, message);
	}

	static KmsServiceError notFound(String message) {
		return new KmsServiceError("NotFoundException", 400, message);
	}

	static KmsServiceError invalidArn(String message) {
		return new KmsServiceError("InvalidArnException", 400, message);
	}

	static KmsServiceError invalidState(String message) {
		return new KmsServiceError("KMSInvalidStateException", 400, message);
	}

	static KmsServiceError unsupported(String message) {
		return new KmsServiceError("UnsupportedOperationException", 400, message);
	}

	static KmsServiceError disabled(String message) {
		return new KmsServiceError("DisabledException", 400, message);
	}

	static KmsServiceError invalidImportToken(String message) {
		return new KmsServiceError("InvalidImportTokenException", 400, message);
	}

	static KmsServiceError expiredImportToken(String message) {
		return new KmsServiceError("ExpiredImportTokenException", 400, message);
	}

	static KmsServiceError invalidCiphertext(String message) {
		return new KmsServiceError("InvalidCiphertextException", 400, message);
	}

	static KmsServiceError incorrectKeyMaterial(String message) {
		return new KmsServiceError("IncorrectKeyMaterialException", 400, message);
	}

	static KmsServiceError alreadyExists(String message) {
		return new KmsServiceError("AlreadyExistsException", 400, message);
	}

	static KmsServiceError invalidMarker(String message) {
		return new KmsServiceError("InvalidMarkerException", 400, message);
	}

	static KmsServiceError internal(String message) {
		return new KmsServiceError("KMSInternalException", 500, message);
	}

}
