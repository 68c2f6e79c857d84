package io.keyport.kmskey;

import java.util.List;
import java.util.Map;

import io.keyport.support.DescribedFailure;
import io.keyport.support.Sentences;

/**
 * A request about a KMS key cannot be carried out; each code is made by one factory here.
 */
public final class KmsKeyException extends RuntimeException implements DescribedFailure {

	/** The one code for a missing, invalid, unowned or foreign key. */
	static final String KEY_NOT_FOUND = "kms-key-not-found";

	private static final String KEY_NOT_ASYMMETRIC = "key-not-asymmetric";

	private static final String KEY_PENDING_IMPORT = "kms-key-pending-import";

	private static final String INVALID_ALIAS = "invalid-alias";

	private static final String INVALID_KEY_SPEC = "invalid-key-spec";

	private static final String ALIAS_ALREADY_EXISTS = "alias-already-exists";

	private static final String INVALID_TENANT = "invalid-tenant";

	private static final String KEY_ALREADY_OWNED = "key-already-owned";

	private final Kind kind;

	private final String code;

	private final Map<String, Object> members;

	private KmsKeyException(Kind kind, String code, String message) {
		this(kind, code, message, Map.of());
	}

	private KmsKeyException(Kind kind, String code, String message, Map<String, Object> members) {
		super(message);
		this.kind = kind;
		this.code = code;
		this.members = Map.copyOf(members);
	}

	/**
	 * The one answer for a missing, invalid, unowned or foreign key, naming the key as
	 * the caller wrote it, so that key ids cannot be probed.
	 */
	public static KmsKeyException keyNotFound(String reference) {
		return new KmsKeyException(Kind.NOT_FOUND, KEY_NOT_FOUND, "Key '" + reference + "' does not exist.");
	}

	static KmsKeyException notAsymmetric(String keyArn, Object keySpec) {
		return new KmsKeyException(Kind.INVALID, KEY_NOT_ASYMMETRIC, "Key " + keyArn + " is a " + keySpec
				+ " key; only asymmetric keys (RSA, ECC and SM2 key specs) have a public key.");
	}

	static KmsKeyException pendingImport(String keyArn) {
		return new KmsKeyException(Kind.CONFLICT, KEY_PENDING_IMPORT, "Key " + keyArn + " has no key material yet "
				+ "(PENDING_IMPORT); its public key exists once the private key is imported.");
	}

	static KmsKeyException invalidAlias(String provider) {
		return new KmsKeyException(Kind.BAD_REQUEST, INVALID_ALIAS,
				"huawei".equals(provider)
						? "Field 'alias' must be 1 to 255 letters, digits, ':', '/', '_' or '-' (Huawei Cloud KMS)."
						: "Field 'alias' must be 'alias/' followed by letters, "
								+ "digits, '/', '_' or '-' (at most 256 characters), and not start with 'alias/aws/'.");
	}

	static KmsKeyException invalidKeySpec(String message) {
		return new KmsKeyException(Kind.BAD_REQUEST, INVALID_KEY_SPEC, message);
	}

	/**
	 * A key usage the key spec cannot have on the target: a key the target's KMS cannot
	 * create, so 400 {@code invalid-key-spec}, with {@code errors} naming the field. Not
	 * {@code validation-failed}: that code is for constraints the OpenAPI document
	 * states, and which usages a key spec allows depends on the target's provider.
	 */
	static KmsKeyException invalidKeyUsage(Object keyUsage, Object keySpec, List<?> allowed) {
		String message = "must be " + (allowed.size() == 1 ? "" : "one of ") + Sentences.list(allowed)
				+ " for key spec " + keySpec + ", not " + keyUsage;
		return new KmsKeyException(Kind.BAD_REQUEST, INVALID_KEY_SPEC, "Field 'keyUsage' " + message + ".",
				Map.of("errors", List.of(Map.of("field", "keyUsage", "message", message))));
	}

	static KmsKeyException aliasTaken(String alias) {
		return new KmsKeyException(Kind.CONFLICT, ALIAS_ALREADY_EXISTS,
				"The alias " + alias + " is already in use. Choose another alias.");
	}

	static KmsKeyException invalidTenant() {
		return new KmsKeyException(Kind.BAD_REQUEST, INVALID_TENANT,
				"Field 'tenant' must be 1 to 128 letters, digits or '.', '_', ':', '@', '-'.");
	}

	static KmsKeyException ownedByAnother(String keyArn) {
		return new KmsKeyException(Kind.CONFLICT, KEY_ALREADY_OWNED,
				"Key " + keyArn + " already belongs to another tenant; an owned key is never reassigned.");
	}

	@Override
	public Kind kind() {
		return this.kind;
	}

	@Override
	public String code() {
		return this.code;
	}

	@Override
	public Map<String, Object> problemMembers() {
		return this.members;
	}

}
