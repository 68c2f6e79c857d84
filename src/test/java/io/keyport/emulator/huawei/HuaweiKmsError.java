package io.keyport.emulator.huawei;

/**
 * A Huawei error as it goes on the wire. KMS errors are {@code {"error": {"error_code",
 * "error_msg"}}}; API gateway errors ({@code APIG.*}) are top-level {@code {"error_code",
 * "error_msg", "request_id"}}. The HTTP status is the one Huawei answers with for the
 * code.
 */
final class HuaweiKmsError extends RuntimeException {

	private final String code;

	private final int status;

	HuaweiKmsError(String code, int status, String message) {
		super(message, null, false, false);
		this.code = code;
		this.status = status;
	}

	/** An error with the status Huawei uses for the code. */
	static HuaweiKmsError of(String code, String message) {
		return new HuaweiKmsError(code, statusOf(code), message);
	}

	String code() {
		return this.code;
	}

	int status() {
		return this.status;
	}

	boolean isGateway() {
		return this.code.startsWith("APIG");
	}

	static int statusOf(String code) {
		return switch (code) {
			case "KMS.0207", "APIG.0101" -> 404;
			case "APIG.0301" -> 401;
			case "APIG.0308" -> 429;
			case "KMS.0306", "KMS.0307" -> 403;
			case "KMS.0101", "KMS.0102", "KMS.0103" -> 500;
			case "KMS.0104" -> 503;
			default -> 400;
		};
	}

	static HuaweiKmsError missing(String field) {
		return of("KMS.0204", "Missing parameter: " + field + ".");
	}

	static HuaweiKmsError invalid(String message) {
		return of("KMS.0308", message);
	}

	static HuaweiKmsError signature(String message) {
		return of("APIG.0301", "Incorrect IAM authentication information: " + message);
	}

}
