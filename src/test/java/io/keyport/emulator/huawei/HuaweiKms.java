package io.keyport.emulator.huawei;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import io.keyport.emulator.ImportCrypto;
import io.keyport.emulator.WrappingKeyPool;

/**
 * The Huawei KMS operations and their state, independent of HTTP. Requests and responses
 * are the snake_case JSON members of Huawei's KMS API v1.0.
 */
final class HuaweiKms {

	private static final SecureRandom RANDOM = new SecureRandom();

	static final Pattern ALIAS = Pattern.compile("[a-zA-Z0-9:/_-]{1,255}");

	private static final Pattern BASE64_TOKEN = Pattern.compile("[0-9a-zA-Z+/=]{200,6144}");

	private static final Pattern BASE64_RSA_BLOCK = Pattern.compile("[0-9a-zA-Z+/=]{344,360}");

	private static final Pattern BASE64_SM2_CIPHERTEXT = Pattern.compile("[0-9a-zA-Z+/=]{1,512}");

	private static final Pattern BASE64_PRIVATE_KEY = Pattern.compile("[0-9a-zA-Z+/=]{1,6144}");

	private static final Pattern SEQUENCE = Pattern.compile("[0-9a-zA-Z]{36}");

	private static final Pattern DIGITS = Pattern.compile("[0-9]{1,10}");

	static final List<String> CURRENT_ALGORITHMS = List.of("RSAES_OAEP_SHA_256", "SM2_ENCRYPT");

	static final List<String> LEGACY_ALGORITHMS = List.of("RSAES_PKCS1_V1_5", "RSAES_OAEP_SHA_1");

	/**
	 * Values above this are not seconds (they would be past the year 5000): a client
	 * sending milliseconds.
	 */
	private static final long MAX_EPOCH_SECONDS = 100_000_000_000L;

	/** Expired tokens are kept this long so they still answer KMS.2601. */
	private static final Duration TOKEN_RETENTION = Duration.ofDays(7);

	private record ImportParameters(String keyId, KeyPair wrappingKey, String algorithm, Instant expiresAt) {
	}

	private final String region;

	private final String domainId;

	private final Supplier<Instant> clock;

	private final WrappingKeyPool wrappingKeys;

	private volatile Duration parametersValidity = Duration.ofHours(24);

	private volatile boolean legacyAlgorithms;

	private volatile boolean sm2Encrypt = true;

	private volatile int describesBeforeActive = 1;

	private volatile boolean pkcs1PublicKeys;

	private final Map<String, HuaweiKey> keys = new ConcurrentHashMap<>();

	/** Alias to key id. */
	private final Map<String, String> aliases = new ConcurrentHashMap<>();

	private final Map<String, ImportParameters> importParameters = new ConcurrentHashMap<>();

	private final AtomicLong keySequence = new AtomicLong();

	private final AtomicLong issuedTokens = new AtomicLong();

	HuaweiKms(String region, String domainId, Supplier<Instant> clock, WrappingKeyPool wrappingKeys) {
		this.region = region;
		this.domainId = domainId;
		this.clock = clock;
		this.wrappingKeys = wrappingKeys;
	}

	Map<String, Function<HuaweiRequest, Map<String, Object>>> operations() {
		return Map.ofEntries(Map.entry("create-key", this::createKey), Map.entry("describe-key", this::describeKey),
				Map.entry("list-keys", this::listKeys),
				Map.entry("get-parameters-for-import", this::getParametersForImport),
				Map.entry("import-key-material", this::importKeyMaterial),
				Map.entry("delete-imported-key-material", this::deleteImportedKeyMaterial),
				Map.entry("get-publickey", this::getPublicKey),
				Map.entry("schedule-key-deletion", this::scheduleKeyDeletion),
				Map.entry("cancel-key-deletion", this::cancelKeyDeletion), Map.entry("enable-key", this::enableKey),
				Map.entry("disable-key", this::disableKey));
	}

	// Settings

	Duration parametersValidity() {
		return this.parametersValidity;
	}

	void setParametersValidity(Duration validity) {
		if (validity.isNegative() || validity.isZero()) {
			throw new IllegalArgumentException("Validity must be positive");
		}
		this.parametersValidity = validity;
	}

	void setLegacyAlgorithms(boolean legacy) {
		this.legacyAlgorithms = legacy;
	}

	boolean legacyAlgorithms() {
		return this.legacyAlgorithms;
	}

	void setSm2Encrypt(boolean sm2Encrypt) {
		this.sm2Encrypt = sm2Encrypt;
	}

	void setDescribesBeforeActive(int describes) {
		if (describes < 0) {
			throw new IllegalArgumentException("describes must not be negative");
		}
		this.describesBeforeActive = describes;
	}

	void setPkcs1PublicKeys(boolean pkcs1) {
		this.pkcs1PublicKeys = pkcs1;
	}

	void reset() {
		this.keys.clear();
		this.aliases.clear();
		this.importParameters.clear();
		this.pkcs1PublicKeys = false;
	}

	// Test read-back

	/** The key's state code, or null when no such key exists (any more). */
	String keyState(String keyId) {
		HuaweiKey key = this.keys.get(keyId);
		if (key == null || key.isDeleted(now())) {
			return null;
		}
		key.expireMaterial(now());
		return key.state();
	}

	/** Digest of the key's current material, null without material. */
	String materialDigest(String keyId) {
		HuaweiKey key = this.keys.get(keyId);
		if (key == null) {
			return null;
		}
		key.expireMaterial(now());
		synchronized (key) {
			return key.hasMaterial && key.materialIdentity != null ? HuaweiKmsEmulator.digest(key.materialIdentity)
					: null;
		}
	}

	Instant materialExpiry(String keyId) {
		HuaweiKey key = this.keys.get(keyId);
		if (key == null) {
			return null;
		}
		key.expireMaterial(now());
		synchronized (key) {
			return key.materialExpiry;
		}
	}

	void setFrozen(String keyId, boolean frozen) {
		HuaweiKey key = this.keys.get(keyId);
		if (key == null) {
			throw new IllegalArgumentException("No key " + keyId);
		}
		synchronized (key) {
			key.frozen = frozen;
		}
	}

	// create-key

	private Map<String, Object> createKey(HuaweiRequest request) {
		String alias = request.requiredString("key_alias");
		if (!ALIAS.matcher(alias).matches()) {
			throw HuaweiKmsError.of("KMS.1101", "Invalid key alias: it must match ^[a-zA-Z0-9:/_-]{1,255}$.");
		}
		String specName = request.string("key_spec");
		specName = (specName != null) ? specName : "AES_256";
		HuaweiKeySpec spec = HuaweiKeySpec.find(specName);
		if (spec == null) {
			throw HuaweiKmsError.invalid("Unsupported key_spec " + specName + ".");
		}
		String usage = request.string("key_usage");
		usage = (usage != null) ? usage : spec.defaultUsage();
		if (!spec.usages().contains(usage)) {
			throw HuaweiKmsError
				.invalid("key_usage " + usage + " is not valid for a " + spec + " key; valid: " + spec.usages() + ".");
		}
		String description = request.string("key_description");
		description = (description != null) ? description : "";
		if (description.length() > 255) {
			throw HuaweiKmsError.invalid("key_description must be at most 255 characters.");
		}
		String origin = request.string("origin");
		origin = (origin != null) ? origin : HuaweiKey.ORIGIN_KMS;
		if (!origin.equals(HuaweiKey.ORIGIN_KMS) && !origin.equals(HuaweiKey.ORIGIN_EXTERNAL)) {
			throw HuaweiKmsError.invalid("origin must be kms or external (lower case), not " + origin + ".");
		}
		String id = UUID.randomUUID().toString();
		HuaweiKey key = new HuaweiKey(id, alias, spec, usage, description, origin, now(),
				this.keySequence.incrementAndGet());
		synchronized (key) {
			key.describesBeforeActive = this.describesBeforeActive;
			key.creating = key.describesBeforeActive > 0;
			if (!key.isExternal()) {
				key.hasMaterial = true;
			}
		}
		synchronized (this.aliases) {
			String holder = this.aliases.get(alias);
			if (holder != null && find(holder, false) != null) {
				throw HuaweiKmsError.of("KMS.1104", "The key alias " + alias + " already exists.");
			}
			this.aliases.put(alias, id);
			this.keys.put(id, key);
		}
		return response("key_info", response("key_id", id, "domain_id", this.domainId));
	}

	// describe-key, list-keys

	private Map<String, Object> describeKey(HuaweiRequest request) {
		HuaweiKey key = find(request.keyId());
		synchronized (key) {
			if (key.creating) {
				if (key.describesBeforeActive <= 0) {
					key.creating = false;
				}
				else {
					key.describesBeforeActive--;
				}
			}
			return response("key_info", details(key));
		}
	}

	private Map<String, Object> listKeys(HuaweiRequest request) {
		int limit = 1000;
		String limitValue = request.string("limit");
		if (limitValue != null) {
			if (!DIGITS.matcher(limitValue).matches() || Long.parseLong(limitValue) < 1
					|| Long.parseLong(limitValue) > 1000) {
				throw HuaweiKmsError.invalid("limit must be a string holding a number from 1 to 1000.");
			}
			limit = Integer.parseInt(limitValue);
		}
		long after = 0;
		String marker = request.string("marker");
		if (marker != null && !marker.isEmpty()) {
			if (!DIGITS.matcher(marker).matches()) {
				throw HuaweiKmsError.invalid("Invalid marker " + marker + ".");
			}
			after = Long.parseLong(marker);
		}
		String specName = request.string("key_spec");
		specName = (specName != null) ? specName : "AES_256";
		HuaweiKeySpec spec = specName.equals("ALL") ? null : HuaweiKeySpec.find(specName);
		if (spec == null && !specName.equals("ALL")) {
			throw HuaweiKmsError.invalid("Unsupported key_spec " + specName + ".");
		}
		String stateFilter = request.string("key_state");
		Instant now = now();
		long start = after;
		List<HuaweiKey> matching = this.keys.values()
			.stream()
			.filter((key) -> !key.isDeleted(now))
			.filter((key) -> spec == null || key.spec == spec)
			.peek((key) -> key.expireMaterial(now))
			.filter((key) -> stateFilter == null || stateFilter.equals(key.state()))
			.sorted(Comparator.comparingLong((HuaweiKey key) -> key.sequence))
			.toList();
		List<HuaweiKey> remaining = matching.stream().filter((key) -> key.sequence > start).toList();
		List<HuaweiKey> page = remaining.subList(0, Math.min(limit, remaining.size()));
		boolean truncated = remaining.size() > page.size();
		List<String> ids = new ArrayList<>();
		List<Map<String, Object>> details = new ArrayList<>();
		for (HuaweiKey key : page) {
			ids.add(key.id);
			synchronized (key) {
				details.add(details(key));
			}
		}
		return response("keys", ids, "key_details", details, "next_marker",
				truncated ? Long.toString(page.get(page.size() - 1).sequence) : "", "truncated",
				Boolean.toString(truncated), "total", matching.size());
	}

	// get-parameters-for-import

	private Map<String, Object> getParametersForImport(HuaweiRequest request) {
		String keyId = request.keyId();
		String algorithm = request.requiredString("wrapping_algorithm");
		if (!offeredAlgorithms().contains(algorithm)) {
			throw HuaweiKmsError.invalid("Unsupported wrapping_algorithm " + algorithm + "; this region offers "
					+ offeredAlgorithms() + ".");
		}
		sequence(request);
		HuaweiKey key = find(keyId);
		synchronized (key) {
			requireExternal(key);
			String state = key.state();
			if (!state.equals("5") && !state.equals("2") && !state.equals("3")) {
				throw HuaweiKmsError.of("KMS.0209",
						"The key is in state " + state + "; import parameters are issued in states 2, 3 and 5 only.");
			}
		}
		// SM2 key generation is fast enough per call, unlike RSA (pooled).
		KeyPair wrappingKey = algorithm.equals("SM2_ENCRYPT") ? ImportCrypto.generateSm2WrappingKey()
				: this.wrappingKeys.next(2048);
		// Huawei's token is an opaque blob of a few hundred base64 characters.
		byte[] token = randomBytes(192);
		Instant now = now();
		// Whole seconds: the answer is in seconds and the token must not outlive it.
		Instant expiresAt = now.plus(this.parametersValidity).truncatedTo(ChronoUnit.SECONDS);
		this.importParameters.put(HexFormat.of().formatHex(token),
				new ImportParameters(key.id, wrappingKey, algorithm, expiresAt));
		if (this.issuedTokens.incrementAndGet() % 256 == 0) {
			Instant cutoff = now.minus(TOKEN_RETENTION);
			this.importParameters.values().removeIf((parameters) -> parameters.expiresAt().isBefore(cutoff));
		}
		return response("key_id", key.id, "public_key", base64(wrappingKey.getPublic().getEncoded()), "import_token",
				base64(token), "expiration_time", expiresAt.getEpochSecond());
	}

	List<String> offeredAlgorithms() {
		List<String> algorithms = new ArrayList<>();
		algorithms.add("RSAES_OAEP_SHA_256");
		if (this.sm2Encrypt) {
			algorithms.add("SM2_ENCRYPT");
		}
		if (this.legacyAlgorithms) {
			algorithms.addAll(LEGACY_ALGORITHMS);
		}
		return algorithms;
	}

	// import-key-material

	private Map<String, Object> importKeyMaterial(HuaweiRequest request) {
		String keyId = request.keyId();
		String tokenValue = request.matching("import_token", BASE64_TOKEN);
		String materialValue = request.requiredString("encrypted_key_material");
		String privateKeyValue = request.string("encrypted_privatekey");
		if (privateKeyValue != null && !BASE64_PRIVATE_KEY.matcher(privateKeyValue).matches()) {
			throw HuaweiKmsError.invalid("Parameter encrypted_privatekey does not match ^[0-9a-zA-Z+/=]{1,6144}$.");
		}
		Long expirationSeconds = request.number("expiration_time");
		sequence(request);
		Instant now = now();
		Instant expiration = null;
		if (expirationSeconds != null) {
			if (expirationSeconds > MAX_EPOCH_SECONDS) {
				throw HuaweiKmsError.invalid("expiration_time is a time in seconds since the epoch, not milliseconds.");
			}
			expiration = Instant.ofEpochSecond(expirationSeconds);
			if (!expiration.isAfter(now)) {
				throw HuaweiKmsError.invalid("expiration_time must be in the future.");
			}
		}
		byte[] token = decode("import_token", tokenValue);

		HuaweiKey key = find(keyId);
		synchronized (key) {
			requireExternal(key);
			if (!key.state().equals("5")) {
				throw HuaweiKmsError.of("KMS.0310",
						"Key material can be imported only in state 5 (pending import); the key is in state "
								+ key.state() + ".");
			}
		}
		if (key.spec.isSymmetric() && privateKeyValue != null) {
			throw HuaweiKmsError.invalid("encrypted_privatekey is only for asymmetric keys.");
		}
		if (!key.spec.isSymmetric() && privateKeyValue == null) {
			throw HuaweiKmsError.of("KMS.2608",
					"A " + key.spec + " key needs its private key in encrypted_privatekey.");
		}
		if (!key.spec.isSymmetric() && expiration != null) {
			throw HuaweiKmsError.invalid("Asymmetric key material never expires: expiration_time is not allowed.");
		}
		ImportParameters parameters = this.importParameters.get(HexFormat.of().formatHex(token));
		if (parameters == null) {
			throw HuaweiKmsError.of("KMS.2605", "The import token failed verification.");
		}
		if (!parameters.keyId().equals(key.id)) {
			throw HuaweiKmsError.of("KMS.2603", "The import token was issued for another key.");
		}
		if (!now.isBefore(parameters.expiresAt())) {
			throw HuaweiKmsError.of("KMS.2601", "The import token has expired; get new import parameters.");
		}
		boolean sm2 = parameters.algorithm().equals("SM2_ENCRYPT");
		if (!(sm2 ? BASE64_SM2_CIPHERTEXT : BASE64_RSA_BLOCK).matcher(materialValue).matches()) {
			throw HuaweiKmsError.invalid("Parameter encrypted_key_material does not match "
					+ (sm2 ? BASE64_SM2_CIPHERTEXT : BASE64_RSA_BLOCK).pattern() + ".");
		}
		byte[] encrypted = decode("encrypted_key_material", materialValue);

		// The expensive unwrap runs outside the key's lock.
		HuaweiImportCrypto.Validated validated;
		byte[] decrypted = HuaweiImportCrypto.decrypt(parameters.algorithm(), parameters.wrappingKey().getPrivate(),
				encrypted);
		byte[] privateKey = null;
		try {
			if (key.spec.isSymmetric()) {
				validated = HuaweiImportCrypto.validate(key.spec, decrypted);
			}
			else {
				privateKey = HuaweiImportCrypto.unwrapPrivateKey(parameters.algorithm(), decrypted,
						decode("encrypted_privatekey", privateKeyValue));
				validated = HuaweiImportCrypto.validate(key.spec, privateKey);
			}
		}
		finally {
			HuaweiImportCrypto.erase(decrypted);
			HuaweiImportCrypto.erase(privateKey);
		}

		synchronized (key) {
			key.expireMaterial(now());
			if (!key.state().equals("5")) {
				throw HuaweiKmsError.of("KMS.0310", "The key is in state " + key.state() + ".");
			}
			if (key.materialIdentity != null && !MessageDigest.isEqual(key.materialIdentity, validated.identity())) {
				throw HuaweiKmsError.of("KMS.2606",
						"The key material differs from the material imported into this key before.");
			}
			key.materialIdentity = validated.identity();
			key.publicKey = validated.publicKey();
			key.hasMaterial = true;
			key.enabled = true;
			key.materialExpiry = expiration;
		}
		return null;
	}

	// delete-imported-key-material

	private Map<String, Object> deleteImportedKeyMaterial(HuaweiRequest request) {
		HuaweiKey key = find(request.keyId());
		sequence(request);
		synchronized (key) {
			requireExternal(key);
			if (!key.spec.isSymmetric()) {
				throw HuaweiKmsError.of("KMS.2702", "The imported material of an asymmetric key cannot be deleted.");
			}
			String state = key.state();
			if (!state.equals("2") && !state.equals("3")) {
				throw HuaweiKmsError.of("KMS.2701",
						"Key material can be deleted in states 2 and 3 only; the key is in state " + state + ".");
			}
			key.deleteMaterial();
		}
		return null;
	}

	// get-publickey

	private Map<String, Object> getPublicKey(HuaweiRequest request) {
		HuaweiKey key = find(request.keyId());
		synchronized (key) {
			if (key.spec.isSymmetric()) {
				throw HuaweiKmsError.invalid("A " + key.spec + " key has no public key.");
			}
			if (!key.state().equals("2")) {
				throw HuaweiKmsError.of("KMS.0210", "The key is in state " + key.state() + ".");
			}
			if (key.publicKey == null) {
				throw HuaweiKmsError.of("KMS.0210", "The key has no material.");
			}
			byte[] der = key.publicKey;
			if (this.pkcs1PublicKeys && key.spec.name().startsWith("RSA_")) {
				// One documented example wraps PKCS#1 under the PUBLIC KEY header.
				der = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(der).getPublicKeyData().getOctets();
			}
			return response("key_id", key.id, "public_key", pem(der));
		}
	}

	/**
	 * PEM with {@code \r\n} line breaks and no line break after the footer, as KMS
	 * answers.
	 */
	static String pem(byte[] der) {
		String base64 = Base64.getMimeEncoder(64, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
		return "-----BEGIN PUBLIC KEY-----\r\n" + base64 + "\r\n-----END PUBLIC KEY-----";
	}

	// schedule-key-deletion, cancel-key-deletion, enable-key, disable-key

	private Map<String, Object> scheduleKeyDeletion(HuaweiRequest request) {
		HuaweiKey key = find(request.keyId());
		String days = request.requiredString("pending_days");
		if (!DIGITS.matcher(days).matches() || Long.parseLong(days) < 7 || Long.parseLong(days) > 1096) {
			throw HuaweiKmsError.invalid("pending_days must be a string holding a number from 7 to 1096.");
		}
		synchronized (key) {
			if (key.state().equals("4")) {
				throw HuaweiKmsError.of("KMS.0210", "The key is already pending deletion.");
			}
			key.deletionDate = now().plus(Duration.ofDays(Long.parseLong(days)));
			return response("key_id", key.id, "key_state", key.state());
		}
	}

	private Map<String, Object> cancelKeyDeletion(HuaweiRequest request) {
		HuaweiKey key = find(request.keyId());
		synchronized (key) {
			if (!key.state().equals("4")) {
				throw HuaweiKmsError.of("KMS.0210", "The key is not pending deletion.");
			}
			// Huawei leaves a key whose deletion was cancelled disabled.
			key.deletionDate = null;
			key.enabled = false;
			return response("key_id", key.id, "key_state", key.state());
		}
	}

	private Map<String, Object> enableKey(HuaweiRequest request) {
		return setEnabled(request, true);
	}

	private Map<String, Object> disableKey(HuaweiRequest request) {
		return setEnabled(request, false);
	}

	private Map<String, Object> setEnabled(HuaweiRequest request, boolean enabled) {
		HuaweiKey key = find(request.keyId());
		synchronized (key) {
			String state = key.state();
			if (!state.equals("2") && !state.equals("3")) {
				throw HuaweiKmsError.of("KMS.0210", "The key is in state " + state + ".");
			}
			key.enabled = enabled;
			return response("key_info", response("key_id", key.id, "key_state", key.state()));
		}
	}

	// Lookup

	private HuaweiKey find(String keyId) {
		return find(keyId, true);
	}

	/**
	 * The key, with deletion and material expiry applied as the clock implies; KMS.0207
	 * (or null) when it does not exist.
	 */
	private HuaweiKey find(String keyId, boolean required) {
		HuaweiKey key = this.keys.get(keyId);
		Instant now = now();
		if (key != null && key.isDeleted(now)) {
			this.keys.remove(keyId, key);
			this.aliases.remove(key.alias, key.id);
			key = null;
		}
		if (key == null) {
			if (required) {
				throw HuaweiKmsError.of("KMS.0207", "The key " + keyId + " does not exist.");
			}
			return null;
		}
		key.expireMaterial(now);
		return key;
	}

	private static void requireExternal(HuaweiKey key) {
		if (!key.isExternal()) {
			throw HuaweiKmsError.of("KMS.0309", "The key's origin is not external.");
		}
	}

	private static void sequence(HuaweiRequest request) {
		String sequence = request.string("sequence");
		if (sequence != null && !SEQUENCE.matcher(sequence).matches()) {
			throw HuaweiKmsError.invalid("sequence must be 36 letters or digits.");
		}
	}

	/**
	 * key_info of describe-key and list-keys: every value a string; called holding the
	 * key's lock.
	 */
	private Map<String, Object> details(HuaweiKey key) {
		return response("key_id", key.id, "domain_id", this.domainId, "key_alias", key.alias, "realm", this.region,
				"key_spec", key.spec.name(), "key_usage", key.usage, "key_description", key.description,
				"creation_date", millis(key.creationDate), "scheduled_deletion_date", millis(key.deletionDate),
				"key_state", key.state(), "default_key_flag", "0", "key_type", "1", "expiration_time",
				key.hasMaterial ? millis(key.materialExpiry) : "", "origin", key.origin, "key_rotation_enabled",
				"false", "sys_enterprise_project_id", "0", "keystore_id", "0", "key_label", "", "partition_type", "1");
	}

	private static String millis(Instant instant) {
		return (instant != null) ? Long.toString(instant.toEpochMilli()) : "";
	}

	private static byte[] decode(String field, String value) {
		try {
			return Base64.getDecoder().decode(value);
		}
		catch (IllegalArgumentException ex) {
			throw HuaweiKmsError.invalid("Parameter " + field + " is not valid base64.");
		}
	}

	static Map<String, Object> response(Object... namesAndValues) {
		Map<String, Object> response = new LinkedHashMap<>();
		for (int i = 0; i < namesAndValues.length; i += 2) {
			response.put((String) namesAndValues[i], namesAndValues[i + 1]);
		}
		return response;
	}

	private static String base64(byte[] bytes) {
		return Base64.getEncoder().encodeToString(bytes);
	}

	private Instant now() {
		return this.clock.get();
	}

	private static byte[] randomBytes(int length) {
		byte[] bytes = new byte[length];
		RANDOM.nextBytes(bytes);
		return bytes;
	}

}
