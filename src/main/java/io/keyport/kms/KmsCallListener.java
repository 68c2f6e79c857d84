package io.keyport.kms;

import java.time.Duration;

/**
 * Told of every KMS call after it ends (audit trail, metrics). Must not throw, and never
 * sees material or tokens.
 */
public interface KmsCallListener {

	void onCall(KmsCall call);

	/**
	 * One finished call.
	 *
	 * @param target the name of the KMS target called
	 * @param keyId the key as the call named it (id, ARN or alias)
	 * @param error the failure's code, or {@code null} on success
	 */
	record KmsCall(String target, String operation, String keyId, KmsErrorCode error, Duration elapsed) {

		public boolean succeeded() {
			return this.error == null;
		}

		/** {@code ok} or the error's stable code. */
		public String outcome() {
			return this.error == null ? "ok" : this.error.code();
		}

	}

}
