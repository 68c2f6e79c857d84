package io.keyport.web;

import java.util.Locale;
import java.util.Map;

/**
 * The one source of problem titles: a short human title per {@code code}, the same in
 * every response and in the OpenAPI document. Portals key on {@code code}; the title is
 * stable per code so it can be shown as a heading.
 */
public final class ProblemTitles {

	/** Codes whose title reads better than the code in words. */
	private static final Map<String, String> WRITTEN = Map.ofEntries(Map.entry("invalid-valid-to", "Invalid validTo"),
			Map.entry("invalid-due-by", "Invalid dueBy"), Map.entry("valid-to-passed", "Material expiration passed"),
			Map.entry("custody-unknown-custodian", "Unknown custodian"),
			Map.entry("kms-key-is-replica", "KMS key is a replica"),
			Map.entry("kms-key-not-multi-region", "KMS key not multi-Region"),
			Map.entry("multi-region-unsupported", "Multi-Region keys not supported"),
			Map.entry("replica-other-account", "Replica in another account"),
			Map.entry("replica-other-provider", "Replica in another provider"),
			Map.entry("replica-same-region", "Replica region already taken"),
			Map.entry("rotation-key-without-material", "Key has no material to rotate from"),
			Map.entry("invalid-idempotency-key", "Invalid Idempotency-Key"),
			Map.entry("idempotency-key-in-flight", "Idempotency-Key in flight"),
			Map.entry("idempotency-key-reused", "Idempotency-Key reused"),
			Map.entry("kms-invalid-key-id", "Key ID refused by KMS"),
			Map.entry("kms-invalid-key-state", "Key state refused by KMS"),
			Map.entry("kms-already-exists", "Name already exists in KMS"),
			Map.entry("kms-unsupported-operation", "Operation not supported by KMS"),
			Map.entry("kms-expired-import-token", "Import token expired"),
			Map.entry("kms-invalid-import-token", "Import token refused by KMS"),
			Map.entry("kms-invalid-ciphertext", "KMS could not unwrap the material"),
			Map.entry("kms-incorrect-key-material", "Key material differs from the key's"),
			Map.entry("kms-validation-error", "Request refused by KMS"),
			Map.entry("kms-dependency-timeout", "KMS timed out"));

	private ProblemTitles() {
	}

	/** The title of a code: written above, else the code in words with KMS and ID. */
	public static String title(String code) {
		String written = WRITTEN.get(code);
		if (written != null) {
			return written;
		}
		StringBuilder title = new StringBuilder();
		for (String word : code.split("-")) {
			if (!title.isEmpty()) {
				title.append(' ');
			}
			title.append(switch (word) {
				case "kms" -> "KMS";
				case "id" -> "ID";
				default -> word;
			});
		}
		return title.substring(0, 1).toUpperCase(Locale.ROOT) + title.substring(1);
	}

}
