package io.keyport.emulator;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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

import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.util.BigIntegers;

import io.keyport.emulator.EmulatedKey.State;

/**
 * The KMS operations and their state, independent of HTTP. Requests and responses are
 * JSON members as named in the AWS KMS API reference.
 */
final class EmulatedKms {

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final Pattern KEY_ID = Pattern
		.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}");

	private static final int MAX_BLOB = 6144;

	private static final Duration MAX_VALID_TO = Duration.ofDays(365);

	/**
	 * Expired tokens are kept this long so they still answer ExpiredImportTokenException.
	 */
	private static final Duration TOKEN_RETENTION = Duration.ofDays(7);

	static final List<String> WRAPPING_ALGORITHMS = List.of("RSAES_PKCS1_V1_5", "RSAES_OAEP_SHA_1",
			"RSAES_OAEP_SHA_256", "RSA_AES_KEY_WRAP_SHA_1", "RSA_AES_KEY_WRAP_SHA_256", "SM2PKE");

	static final List<String> WRAPPING_KEY_SPECS = List.of("RSA_2048", "RSA_3072", "RSA_4096", "SM2");

	private record ImportParameters(String keyId, KeyPair wrappingKey, String algorithm, Instant validTo) {
	}

	private final String region;

	private final String accountId;

	private final Supplier<Instant> clock;

	private final WrappingKeyPool wrappingKeys;

	private volatile Duration parametersValidity = Duration.ofHours(24);

	/**
	 * Test hook: GetPublicKey answers with a key of the same spec that is not the key's
	 * own.
	 */
	private volatile boolean foreignPublicKeys;

	private final Map<String, EmulatedKey> keys = new ConcurrentHashMap<>();

	private final Map<String, ImportParameters> importParameters = new ConcurrentHashMap<>();

	/** Alias name ({@code alias/...}) to key id. */
	private final Map<String, Alias> aliases = new ConcurrentHashMap<>();

	private record Alias(String keyId, Instant creationDate) {
	}

	private final AtomicLong keySequence = new AtomicLong();

	private final AtomicLong issuedTokens = new AtomicLong();

	EmulatedKms(String region, String accountId, Supplier<Instant> clock, WrappingKeyPool wrappingKeys) {
		this.region = region;
		this.accountId = accountId;
		this.clock = clock;
		this.wrappingKeys = wrappingKeys;
	}

	Map<String, Function<JsonRequest, Map<String, Object>>> operations() {
		return Map.ofEntries(Map.entry("CreateKey", this::createKey), Map.entry("DescribeKey", this::describeKey),
				Map.entry("ListKeys", this::listKeys),
				Map.entry("GetParametersForImport", this::getParametersForImport),
				Map.entry("ImportKeyMaterial", this::importKeyMaterial),
				Map.entry("DeleteImportedKeyMaterial", this::deleteImportedKeyMaterial),
				Map.entry("GetPublicKey", this::getPublicKey),
				Map.entry("ScheduleKeyDeletion", this::scheduleKeyDeletion),
				Map.entry("CancelKeyDeletion", this::cancelKeyDeletion), Map.entry("EnableKey", this::enableKey),
				Map.entry("DisableKey", this::disableKey), Map.entry("CreateAlias", this::createAlias),
				Map.entry("DeleteAlias", this::deleteAlias), Map.entry("ListAliases", this::listAliases),
				Map.entry("RotateKeyOnDemand", this::rotateKeyOnDemand),
				Map.entry("ListKeyRotations", this::listKeyRotations), Map.entry("ReplicateKey", this::replicateKey),
				Map.entry("GenerateDataKey",
						request -> EmulatedDataKeys.generate(findKeyOrAlias(request.requiredString("KeyId")), request)),
				Map.entry("Decrypt",
						request -> EmulatedDataKeys.decrypt(
								(request.string("KeyId") != null) ? findKeyOrAlias(request.string("KeyId")) : null,
								request, this::find)));
	}

	/**
	 * This account's KMS in another region, created on first use; ReplicateKey puts
	 * replicas there. Set by the emulator that owns the regions.
	 */
	private volatile Function<String, EmulatedKms> otherRegions = (region) -> {
		throw KmsServiceError.unsupported("This KMS emulator has no other regions.");
	};

	void connectRegions(Function<String, EmulatedKms> otherRegions) {
		this.otherRegions = otherRegions;
	}

	String region() {
		return this.region;
	}

	Duration parametersValidity() {
		return this.parametersValidity;
	}

	/** How long a replica ReplicateKey puts here stays Creating (none by default). */
	private volatile Duration replicaCreation = Duration.ZERO;

	void setReplicaCreation(Duration creation) {
		this.replicaCreation = creation;
	}

	void setParametersValidity(Duration validity) {
		if (validity.isNegative() || validity.isZero()) {
			throw new IllegalArgumentException("Validity must be positive");
		}
		this.parametersValidity = validity;
	}

	void answerWithForeignPublicKeys(boolean foreign) {
		this.foreignPublicKeys = foreign;
	}

	/**
	 * Keys (id or ARN) whose GetParametersForImport answers carry a public key that is
	 * not valid DER.
	 */
	private final java.util.Set<String> corruptWrappingKeys = java.util.concurrent.ConcurrentHashMap.newKeySet();

	void answerWithCorruptWrappingKey(String keyId, boolean corrupt) {
		if (corrupt) {
			this.corruptWrappingKeys.add(keyId);
		}
		else {
			this.corruptWrappingKeys.remove(keyId);
		}
	}

	void reset() {
		this.foreignPublicKeys = false;
		this.corruptWrappingKeys.clear();
		this.keys.clear();
		this.importParameters.clear();
		this.aliases.clear();
	}

	private boolean isChinaRegion() {
		return this.region.startsWith("cn-");
	}

	// CreateKey

	private Map<String, Object> createKey(JsonRequest request) {
		String keySpec = request.enumValue("KeySpec", EmulatedKeySpec.API_KEY_SPECS);
		String customerMasterKeySpec = request.enumValue("CustomerMasterKeySpec", EmulatedKeySpec.API_KEY_SPECS);
		if (keySpec != null && customerMasterKeySpec != null) {
			throw KmsServiceError
				.validation("You cannot specify KeySpec and CustomerMasterKeySpec in the same request. "
						+ "CustomerMasterKeySpec is deprecated.");
		}
		String specName = (keySpec != null) ? keySpec
				: (customerMasterKeySpec != null) ? customerMasterKeySpec : "SYMMETRIC_DEFAULT";
		EmulatedKeySpec spec = EmulatedKeySpec.find(specName);
		if (spec == null) {
			throw KmsServiceError.unsupported("KeySpec " + specName + " is not supported by the KMS emulator.");
		}
		if (spec == EmulatedKeySpec.SM2 && !isChinaRegion()) {
			throw KmsServiceError.unsupported("KeySpec SM2 is supported only in China Regions.");
		}
		String origin = request.enumValue("Origin",
				List.of("AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"));
		origin = (origin != null) ? origin : EmulatedKey.ORIGIN_AWS_KMS;
		if (!origin.equals(EmulatedKey.ORIGIN_AWS_KMS) && !origin.equals(EmulatedKey.ORIGIN_EXTERNAL)
				|| request.string("CustomKeyStoreId") != null) {
			throw KmsServiceError.unsupported("Custom key stores are not supported by the KMS emulator.");
		}
		String usage = request.enumValue("KeyUsage", EmulatedKeySpec.ALL_USAGES);
		usage = (usage != null) ? usage : spec.defaultUsage();
		if (!spec.allowedUsages().contains(usage)) {
			throw KmsServiceError.validation("KeyUsage " + usage + " is not compatible with KeySpec " + spec
					+ ". Valid values are " + spec.allowedUsages().stream().sorted().toList() + ".");
		}
		String description = request.string("Description");
		description = (description != null) ? description : "";
		if (description.length() > 8192) {
			throw KmsServiceError.validation("1 validation error detected: Value at 'description' failed to satisfy "
					+ "constraint: Member must have length less than or equal to 8192");
		}
		boolean multiRegion = Boolean.TRUE.equals(request.bool("MultiRegion"));
		String id = multiRegion ? "mrk-" + HexFormat.of().formatHex(randomBytes(16)) : UUID.randomUUID().toString();
		EmulatedKey key = new EmulatedKey(id, arn(id), this.keySequence.incrementAndGet(), now(), spec, usage, origin,
				description, multiRegion ? new EmulatedMultiRegionKey(this.region, arn(id)) : null);
		if (!key.isExternal()) {
			key.materials.add(generatedMaterial());
			if (spec.family() == EmulatedKeySpec.Family.ECC) {
				key.publicKey = generateEcPublicKey(spec);
			}
			if (spec == EmulatedKeySpec.SYMMETRIC_DEFAULT && "ENCRYPT_DECRYPT".equals(usage)) {
				key.secret = EmulatedDataKeys.newKeySecret();
			}
		}
		this.keys.put(id, key);
		synchronized (key) {
			return response("KeyMetadata", metadata(key));
		}
	}

	// DescribeKey, ListKeys

	private Map<String, Object> describeKey(JsonRequest request) {
		EmulatedKey key = findKeyOrAlias(request.requiredString("KeyId"));
		synchronized (key) {
			return response("KeyMetadata", metadata(key));
		}
	}

	private Map<String, Object> listKeys(JsonRequest request) {
		Integer limit = request.integer("Limit");
		if (limit != null && (limit < 1 || limit > 1000)) {
			throw KmsServiceError.validation("1 validation error detected: Value '" + limit
					+ "' at 'limit' failed to satisfy constraint: Member must have value between 1 and 1000");
		}
		int pageSize = (limit != null) ? limit : 100;
		String marker = request.string("Marker");
		long after = (marker != null) ? decodeMarker(marker) : 0;
		Instant now = now();
		List<EmulatedKey> remaining = this.keys.values()
			.stream()
			.filter((key) -> key.sequence > after && !key.isDeleted(now))
			.sorted(Comparator.comparingLong((EmulatedKey key) -> key.sequence))
			.toList();
		List<EmulatedKey> page = remaining.subList(0, Math.min(pageSize, remaining.size()));
		List<Map<String, Object>> entries = new ArrayList<>();
		for (EmulatedKey key : page) {
			entries.add(response("KeyId", key.id, "KeyArn", key.arn));
		}
		Map<String, Object> response = response("Keys", entries, "Truncated", remaining.size() > page.size());
		if (remaining.size() > page.size()) {
			response.put("NextMarker", encodeMarker(page.get(page.size() - 1).sequence));
		}
		return response;
	}

	private static String encodeMarker(long sequence) {
		return Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(("k" + sequence).getBytes(StandardCharsets.US_ASCII));
	}

	private static long decodeMarker(String marker) {
		try {
			String decoded = new String(Base64.getUrlDecoder().decode(marker), StandardCharsets.US_ASCII);
			if (decoded.startsWith("k")) {
				return Long.parseLong(decoded.substring(1));
			}
		}
		catch (IllegalArgumentException ex) {
			// reported below
		}
		throw KmsServiceError.invalidMarker("Invalid marker: " + marker);
	}

	// GetParametersForImport

	private Map<String, Object> getParametersForImport(JsonRequest request) {
		String keyId = request.requiredString("KeyId");
		String algorithm = request.requiredEnum("WrappingAlgorithm", WRAPPING_ALGORITHMS);
		String wrappingKeySpec = request.requiredEnum("WrappingKeySpec", WRAPPING_KEY_SPECS);
		if (algorithm.equals("RSAES_PKCS1_V1_5")) {
			// Still in the enum, but AWS has refused it since 2023-10-10.
			throw KmsServiceError.validation("The RSAES_PKCS1_V1_5 wrapping algorithm is no longer supported. "
					+ "Use RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, RSA_AES_KEY_WRAP_SHA_1 or RSA_AES_KEY_WRAP_SHA_256.");
		}
		boolean sm2 = algorithm.equals("SM2PKE") || wrappingKeySpec.equals("SM2");
		if (sm2 && !isChinaRegion()) {
			throw KmsServiceError
				.validation("The SM2PKE wrapping algorithm and the SM2 wrapping key spec are supported "
						+ "only in China Regions.");
		}
		if (sm2) {
			if (!algorithm.equals("SM2PKE") || !wrappingKeySpec.equals("SM2")) {
				throw KmsServiceError.validation("The SM2PKE wrapping algorithm requires the SM2 wrapping key spec.");
			}
		}
		if (algorithm.startsWith("RSA_AES_KEY_WRAP") && isChinaRegion()) {
			throw KmsServiceError.validation(algorithm + " is not supported in China Regions.");
		}
		EmulatedKey key = find(keyId);
		synchronized (key) {
			requireExternal(key);
			if (key.state() == State.PendingDeletion) {
				throw pendingDeletion(key);
			}
		}
		// SM2 key generation is fast enough to do per call, unlike RSA
		KeyPair wrappingKey;
		if (sm2) {
			wrappingKey = ImportCrypto.generateSm2WrappingKey();
		}
		else {
			synchronized (key) {
				wrappingKey = this.wrappingKeys.next(Integer.parseInt(wrappingKeySpec.substring(4)),
						key.lastWrappingKey);
				key.lastWrappingKey = wrappingKey;
			}
		}
		byte[] token = randomBytes(48);
		Instant now = now();
		Instant validTo = now.plus(this.parametersValidity);
		this.importParameters.put(HexFormat.of().formatHex(token),
				new ImportParameters(key.id, wrappingKey, algorithm, validTo));
		if (this.issuedTokens.incrementAndGet() % 256 == 0) {
			Instant cutoff = now.minus(TOKEN_RETENTION);
			this.importParameters.values().removeIf((parameters) -> parameters.validTo().isBefore(cutoff));
		}
		byte[] publicKey = wrappingKey.getPublic().getEncoded();
		if (this.corruptWrappingKeys.contains(key.id) || this.corruptWrappingKeys.contains(key.arn)) {
			publicKey = Arrays.copyOf(publicKey, publicKey.length / 2);
		}
		return response("KeyId", key.arn, "ImportToken", base64(token), "PublicKey", base64(publicKey),
				"ParametersValidTo", epochSeconds(validTo));
	}

	// ImportKeyMaterial

	private Map<String, Object> importKeyMaterial(JsonRequest request) {
		String keyId = request.requiredString("KeyId");
		byte[] token = request.requiredBlob("ImportToken", MAX_BLOB);
		byte[] encrypted = request.requiredBlob("EncryptedKeyMaterial", MAX_BLOB);
		String expirationModel = request.enumValue("ExpirationModel",
				List.of(EmulatedKey.EXPIRES, EmulatedKey.DOES_NOT_EXPIRE));
		expirationModel = (expirationModel != null) ? expirationModel : EmulatedKey.EXPIRES;
		Instant validTo = request.timestamp("ValidTo");
		String importType = request.enumValue("ImportType", List.of("NEW_KEY_MATERIAL", "EXISTING_KEY_MATERIAL"));
		String description = request.string("KeyMaterialDescription");
		String keyMaterialId = request.string("KeyMaterialId");
		if (description != null && description.length() > 256) {
			throw KmsServiceError.validation("1 validation error detected: Value at 'keyMaterialDescription' failed to "
					+ "satisfy constraint: Member must have length less than or equal to 256");
		}
		Instant now = now();
		if (expirationModel.equals(EmulatedKey.EXPIRES)) {
			if (validTo == null) {
				throw KmsServiceError
					.validation("A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES");
			}
			if (!validTo.isAfter(now)) {
				throw KmsServiceError.validation("The validTo date must be in the future.");
			}
			if (validTo.isAfter(now.plus(MAX_VALID_TO))) {
				throw KmsServiceError.validation("The validTo date must be at most 365 days in the future.");
			}
		}
		else if (validTo != null) {
			throw KmsServiceError
				.validation("A validTo date must not be set if the ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE");
		}

		EmulatedKey key = find(keyId);
		synchronized (key) {
			requireExternal(key);
			if (key.state() == State.PendingDeletion) {
				throw pendingDeletion(key);
			}
		}
		ImportParameters parameters = this.importParameters.get(HexFormat.of().formatHex(token));
		if (parameters == null || !parameters.keyId().equals(key.id)) {
			throw KmsServiceError.invalidImportToken("Import token is invalid for the specified key " + key.arn + ".");
		}
		if (!now.isBefore(parameters.validTo())) {
			throw KmsServiceError.expiredImportToken("The import token expired at " + parameters.validTo()
					+ ". Use GetParametersForImport to get a new import token and public key.");
		}

		// The expensive unwrap runs outside the key's lock.
		ImportCrypto.ValidatedMaterial material;
		byte[] plaintext = ImportCrypto.unwrap(parameters.algorithm(), parameters.wrappingKey().getPrivate(),
				encrypted);
		try {
			material = ImportCrypto.validate(key.spec, plaintext, isChinaRegion() ? 16 : 32);
		}
		finally {
			Arrays.fill(plaintext, (byte) 0);
		}

		synchronized (key) {
			key.expireMaterial(now());
			if (key.state() == State.PendingDeletion) {
				throw pendingDeletion(key);
			}
			EmulatedKey.Material target = materialToImport(key, importType, keyMaterialId, material.identity());
			if (key.multiRegionKey != null && !key.multiRegionKey.acceptsMaterial(material.identity())) {
				throw KmsServiceError.incorrectKeyMaterial("The key material is not the same key material that was "
						+ "imported into the other keys of the multi-Region key " + key.id + ".");
			}
			if (target == null) {
				// the first material: it becomes the key's current material
				target = new EmulatedKey.Material(keyMaterialId(key.id, material.identity()), material.identity(),
						key.materials.isEmpty() ? EmulatedKey.Material.State.CURRENT
								: EmulatedKey.Material.State.PENDING_ROTATION);
				key.materials.add(target);
				if (target.state == EmulatedKey.Material.State.CURRENT) {
					key.publicKey = material.publicKey();
				}
			}
			if (target.state == EmulatedKey.Material.State.CURRENT) {
				if (key.state() == State.PendingImport) {
					key.enabled = true;
				}
				key.expirationModel = expirationModel;
			}
			target.imported = true;
			target.expirationModel = expirationModel;
			// KMS keeps ValidTo in whole seconds (what DescribeKey reports)
			target.validTo = validTo != null ? validTo.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) : null;
			if (description != null) {
				target.description = description;
			}
			Map<String, Object> response = response("KeyId", key.arn);
			if (key.spec == EmulatedKeySpec.SYMMETRIC_DEFAULT) {
				response.put("KeyMaterialId", target.id);
			}
			return response;
		}
	}

	/**
	 * The material an import goes to, as AWS decides it: {@code null} for material the
	 * key does not have yet (its first, or new material for a rotation), else the
	 * existing material it must equal.
	 */
	private static EmulatedKey.Material materialToImport(EmulatedKey key, String importType, String keyMaterialId,
			byte[] identity) {
		boolean symmetric = key.spec == EmulatedKeySpec.SYMMETRIC_DEFAULT;
		if (keyMaterialId != null && !symmetric) {
			throw KmsServiceError.validation("KeyMaterialId is valid only for symmetric encryption KMS keys; " + key.arn
					+ " has key spec " + key.spec + ".");
		}
		if ("NEW_KEY_MATERIAL".equals(importType) && keyMaterialId != null) {
			throw KmsServiceError.validation("You cannot specify a KeyMaterialId with ImportType NEW_KEY_MATERIAL.");
		}
		EmulatedKey.Material matching = key.materials.stream()
			.filter((m) -> m.identity != null && MessageDigest.isEqual(m.identity, identity))
			.findFirst()
			.orElse(null);
		if (key.materials.isEmpty()) {
			// a replica's first import brings material its multi-Region key already has
			boolean existsInKey = key.multiRegionKey != null && key.multiRegionKey.hasMaterial();
			if (keyMaterialId != null && existsInKey && !keyMaterialId.equals(keyMaterialId(key.id, identity))) {
				throw KmsServiceError.incorrectKeyMaterial(
						"Key material " + keyMaterialId + " is not the key material imported into " + key.arn + ".");
			}
			if (!existsInKey && ("EXISTING_KEY_MATERIAL".equals(importType) || keyMaterialId != null)) {
				throw KmsServiceError
					.incorrectKeyMaterial("No key material was previously imported into " + key.arn + " to reimport.");
			}
			return null;
		}
		if ("NEW_KEY_MATERIAL".equals(importType)) {
			if (matching != null || !symmetric) {
				// asymmetric and HMAC material never changes after the first import
				throw KmsServiceError.incorrectKeyMaterial(
						"The key material is already associated with " + key.arn + "; it is not new key material.");
			}
			if (key.multiRegion) {
				throw KmsServiceError.unsupported("Importing new key material into multi-Region keys for rotation is "
						+ "not supported by the KMS emulator.");
			}
			if (key.pendingRotation() != null) {
				throw KmsServiceError.invalidState(key.arn + " already has key material pending rotation ("
						+ key.pendingRotation().id + "). Rotate or delete it first.");
			}
			return null;
		}
		// EXISTING_KEY_MATERIAL, stated or implied: the named material, else the current
		EmulatedKey.Material expected = (keyMaterialId != null) ? key.material(keyMaterialId) : key.current();
		if (keyMaterialId != null && expected == null) {
			throw KmsServiceError
				.incorrectKeyMaterial("Key material " + keyMaterialId + " is not associated with " + key.arn + ".");
		}
		if (expected == null || matching != expected) {
			throw KmsServiceError.incorrectKeyMaterial("The key material is not the same key material that was "
					+ "previously imported into " + key.arn + ".");
		}
		return expected;
	}

	/** Material KMS generated (origin AWS_KMS), current and in KMS. */
	private static EmulatedKey.Material generatedMaterial() {
		EmulatedKey.Material material = new EmulatedKey.Material(HexFormat.of().formatHex(randomBytes(32)), null,
				EmulatedKey.Material.State.CURRENT);
		material.imported = true;
		return material;
	}

	/**
	 * 64 hex characters derived from the key id and the material (as AWS computes it), so
	 * the same material in the same key, or in the members of a multi-Region key, always
	 * has the same id.
	 */
	static String keyMaterialId(String keyId, byte[] identity) {
		byte[] prefix = ("kms-emulator:key-material-id:" + keyId + ":").getBytes(StandardCharsets.US_ASCII);
		byte[] input = Arrays.copyOf(prefix, prefix.length + identity.length);
		System.arraycopy(identity, 0, input, prefix.length, identity.length);
		return HexFormat.of().formatHex(ImportCrypto.sha256(input));
	}

	// DeleteImportedKeyMaterial

	private Map<String, Object> deleteImportedKeyMaterial(JsonRequest request) {
		EmulatedKey key = find(request.requiredString("KeyId"));
		String keyMaterialId = request.string("KeyMaterialId");
		synchronized (key) {
			requireExternal(key);
			EmulatedKey.Material material = (keyMaterialId != null) ? key.material(keyMaterialId) : key.current();
			if (keyMaterialId != null && material == null) {
				throw KmsServiceError
					.notFound("Key material " + keyMaterialId + " does not exist for " + key.arn + ".");
			}
			// Allowed in every state: a key pending deletion keeps that state, others go
			// to PendingImport when their current material goes.
			if (material != null) {
				key.deleteMaterial(material);
			}
			Map<String, Object> response = response("KeyId", key.arn);
			if (key.spec == EmulatedKeySpec.SYMMETRIC_DEFAULT && material != null) {
				response.put("KeyMaterialId", material.id);
			}
			return response;
		}
	}

	// GetPublicKey

	private Map<String, Object> getPublicKey(JsonRequest request) {
		EmulatedKey key = findKeyOrAlias(request.requiredString("KeyId"));
		synchronized (key) {
			if (!key.spec.isAsymmetric()) {
				throw KmsServiceError.unsupported(key.arn + " key spec " + key.spec
						+ " is not valid for this operation. Only asymmetric KMS keys have a public key.");
			}
			switch (key.state()) {
				case Creating -> throw KmsServiceError.invalidState(key.arn + " is creating.");
				case PendingDeletion -> throw pendingDeletion(key);
				case PendingImport -> throw KmsServiceError.invalidState(key.arn + " is pending import.");
				case Disabled -> throw KmsServiceError.disabled(key.arn + " is disabled.");
				case Enabled -> {
				}
			}
			if (key.publicKey == null) {
				// An AWS_KMS RSA key: borrow a pooled public key of the size, nothing is
				// ever signed with it.
				key.publicKey = this.wrappingKeys.next(key.spec.bits()).getPublic().getEncoded();
			}
			byte[] publicKey = key.publicKey;
			if (this.foreignPublicKeys) {
				publicKey = (key.spec.family() == EmulatedKeySpec.Family.RSA)
						? this.wrappingKeys.next(key.spec.bits()).getPublic().getEncoded()
						: generateEcPublicKey(key.spec);
			}
			Map<String, Object> response = response("KeyId", key.arn, "PublicKey", base64(publicKey),
					"CustomerMasterKeySpec", key.spec.name(), "KeySpec", key.spec.name(), "KeyUsage", key.usage);
			putAlgorithms(response, key);
			return response;
		}
	}

	// ScheduleKeyDeletion, CancelKeyDeletion, EnableKey, DisableKey

	private Map<String, Object> scheduleKeyDeletion(JsonRequest request) {
		EmulatedKey key = find(request.requiredString("KeyId"));
		Integer window = request.integer("PendingWindowInDays");
		int days = (window != null) ? window : 30;
		if (days < 7 || days > 30) {
			throw KmsServiceError.validation("1 validation error detected: Value '" + days
					+ "' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value between 7 and 30");
		}
		synchronized (key) {
			if (key.state() == State.PendingDeletion) {
				throw pendingDeletion(key);
			}
			key.deletionDate = now().plus(Duration.ofDays(days));
			return response("KeyId", key.arn, "DeletionDate", epochSeconds(key.deletionDate), "KeyState",
					State.PendingDeletion.name(), "PendingWindowInDays", days);
		}
	}

	private Map<String, Object> cancelKeyDeletion(JsonRequest request) {
		EmulatedKey key = find(request.requiredString("KeyId"));
		synchronized (key) {
			if (key.state() != State.PendingDeletion) {
				throw KmsServiceError.invalidState(key.arn + " is not pending deletion.");
			}
			// AWS leaves a key whose deletion was cancelled Disabled (PendingImport
			// without material).
			key.deletionDate = null;
			key.enabled = false;
			return response("KeyId", key.arn);
		}
	}

	private Map<String, Object> enableKey(JsonRequest request) {
		return setEnabled(request, true);
	}

	private Map<String, Object> disableKey(JsonRequest request) {
		return setEnabled(request, false);
	}

	private Map<String, Object> setEnabled(JsonRequest request, boolean enabled) {
		EmulatedKey key = find(request.requiredString("KeyId"));
		synchronized (key) {
			switch (key.state()) {
				case PendingDeletion -> throw pendingDeletion(key);
				case PendingImport -> throw KmsServiceError.invalidState(key.arn + " is pending import.");
				default -> key.enabled = enabled;
			}
			return response();
		}
	}

	// CreateAlias, DeleteAlias, ListAliases

	private static final Pattern ALIAS_NAME = Pattern.compile("alias/[a-zA-Z0-9/_-]+");

	private Map<String, Object> createAlias(JsonRequest request) {
		String aliasName = request.requiredString("AliasName");
		String targetKeyId = request.requiredString("TargetKeyId");
		if (aliasName.length() > 256 || !ALIAS_NAME.matcher(aliasName).matches()) {
			throw KmsServiceError.validation("1 validation error detected: Value '" + aliasName + "' at 'aliasName' "
					+ "failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$");
		}
		if (aliasName.startsWith("alias/aws/")) {
			throw KmsServiceError
				.validation("Alias names that begin with alias/aws/ are reserved for AWS managed keys.");
		}
		// the target is a key id or key ARN, never another alias
		EmulatedKey key = find(targetKeyId);
		synchronized (key) {
			if (key.state() == State.PendingDeletion) {
				throw pendingDeletion(key);
			}
		}
		if (this.aliases.putIfAbsent(aliasName, new Alias(key.id, now())) != null) {
			throw KmsServiceError.alreadyExists("An alias with the name " + aliasArn(aliasName) + " already exists");
		}
		return response();
	}

	private Map<String, Object> deleteAlias(JsonRequest request) {
		String aliasName = request.requiredString("AliasName");
		if (this.aliases.remove(aliasName) == null) {
			throw KmsServiceError.notFound("Alias " + aliasArn(aliasName) + " is not found.");
		}
		return response();
	}

	private Map<String, Object> listAliases(JsonRequest request) {
		String keyId = request.string("KeyId");
		String filter = (keyId != null) ? find(keyId).id : null;
		Instant now = now();
		List<Map<String, Object>> entries = new ArrayList<>();
		this.aliases.entrySet()
			.stream()
			.filter((entry) -> filter == null || entry.getValue().keyId().equals(filter))
			.filter((entry) -> {
				EmulatedKey key = this.keys.get(entry.getValue().keyId());
				return key != null && !key.isDeleted(now);
			})
			.sorted(Map.Entry.comparingByKey())
			.forEach((entry) -> entries
				.add(response("AliasName", entry.getKey(), "AliasArn", aliasArn(entry.getKey()), "TargetKeyId",
						entry.getValue().keyId(), "CreationDate", epochSeconds(entry.getValue().creationDate()),
						"LastUpdatedDate", epochSeconds(entry.getValue().creationDate()))));
		return response("Aliases", entries, "Truncated", false);
	}

	private String aliasArn(String aliasName) {
		return "arn:aws:kms:" + this.region + ":" + this.accountId + ":" + aliasName;
	}

	// RotateKeyOnDemand, ListKeyRotations

	private Map<String, Object> rotateKeyOnDemand(JsonRequest request) {
		EmulatedKey key = find(request.requiredString("KeyId"));
		synchronized (key) {
			if (key.spec != EmulatedKeySpec.SYMMETRIC_DEFAULT) {
				throw KmsServiceError.unsupported(key.arn + " key spec " + key.spec + " is not valid for this "
						+ "operation. On-demand rotation is supported only on symmetric encryption KMS keys.");
			}
			if (key.multiRegionKey != null && !key.multiRegionKey.isPrimary(this.region)) {
				throw KmsServiceError.unsupported(key.arn + " is a multi-Region replica key. Rotate its primary key "
						+ key.multiRegionKey.primary().arn() + " instead.");
			}
			switch (key.state()) {
				case PendingDeletion -> throw pendingDeletion(key);
				case PendingImport -> throw KmsServiceError.invalidState(key.arn + " is pending import.");
				case Disabled -> throw KmsServiceError.disabled(key.arn + " is disabled.");
				case Enabled -> {
				}
			}
			EmulatedKey.Material next;
			if (key.isExternal()) {
				next = key.pendingRotation();
				if (next == null) {
					throw KmsServiceError.invalidState(key.arn + " has no key material pending rotation. Import new "
							+ "key material with ImportType NEW_KEY_MATERIAL first.");
				}
				if (!next.imported) {
					throw KmsServiceError.invalidState("The key material pending rotation (" + next.id + ") of "
							+ key.arn + " is not imported. Reimport it first.");
				}
				key.expirationModel = next.expirationModel;
			}
			else {
				next = generatedMaterial();
				key.materials.add(next);
			}
			key.current().state = EmulatedKey.Material.State.NON_CURRENT;
			next.state = EmulatedKey.Material.State.CURRENT;
			next.rotationDate = now();
			next.rotationType = "ON_DEMAND";
			return response("KeyId", key.arn);
		}
	}

	private Map<String, Object> listKeyRotations(JsonRequest request) {
		EmulatedKey key = find(request.requiredString("KeyId"));
		String include = request.enumValue("IncludeKeyMaterial", List.of("ALL_KEY_MATERIAL", "ROTATIONS_ONLY"));
		Integer limit = request.integer("Limit");
		if (limit != null && (limit < 1 || limit > 1000)) {
			throw KmsServiceError.validation("1 validation error detected: Value '" + limit
					+ "' at 'limit' failed to satisfy constraint: Member must have value between 1 and 1000");
		}
		int pageSize = (limit != null) ? limit : 100;
		String marker = request.string("Marker");
		int from = (marker != null) ? (int) decodeMarker(marker) : 0;
		synchronized (key) {
			if (key.spec != EmulatedKeySpec.SYMMETRIC_DEFAULT) {
				throw KmsServiceError.unsupported(key.arn + " key spec " + key.spec
						+ " is not valid for this operation. Only symmetric encryption KMS keys have rotations.");
			}
			// ROTATIONS_ONLY (the default) lists the materials that became current by a
			// rotation; ALL_KEY_MATERIAL every material, the initial and pending ones too
			List<EmulatedKey.Material> listed = "ALL_KEY_MATERIAL".equals(include) ? key.materials
					: key.materials.stream().filter((m) -> m.rotationDate != null).toList();
			int to = Math.min(listed.size(), from + pageSize);
			List<Map<String, Object>> entries = new ArrayList<>();
			for (EmulatedKey.Material material : listed.subList(Math.min(from, to), to)) {
				entries.add(rotationsListEntry(key, material));
			}
			Map<String, Object> response = response("Rotations", entries, "Truncated", to < listed.size());
			if (to < listed.size()) {
				response.put("NextMarker", encodeMarker(to));
			}
			return response;
		}
	}

	private static Map<String, Object> rotationsListEntry(EmulatedKey key, EmulatedKey.Material material) {
		Map<String, Object> entry = response("KeyId", key.id, "KeyMaterialId", material.id, "KeyMaterialState",
				material.state.name());
		if (key.isExternal()) {
			if (material.description != null) {
				entry.put("KeyMaterialDescription", material.description);
			}
			entry.put("ImportState", material.imported ? "IMPORTED" : "PENDING_IMPORT");
			if (material.expirationModel != null) {
				entry.put("ExpirationModel", material.expirationModel);
			}
			if (material.validTo != null) {
				entry.put("ValidTo", epochSeconds(material.validTo));
			}
		}
		if (material.rotationDate != null) {
			entry.put("RotationDate", epochSeconds(material.rotationDate));
			entry.put("RotationType", material.rotationType);
		}
		return entry;
	}

	// ReplicateKey

	private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");

	private static final String DEFAULT_KEY_POLICY = "{\"Version\":\"2012-10-17\",\"Id\":\"key-default-1\","
			+ "\"Statement\":[{\"Sid\":\"Enable IAM User Permissions\",\"Effect\":\"Allow\","
			+ "\"Principal\":{\"AWS\":\"arn:aws:iam::%s:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}";

	private Map<String, Object> replicateKey(JsonRequest request) {
		String keyId = request.requiredString("KeyId");
		String replicaRegion = request.requiredString("ReplicaRegion");
		String description = request.string("Description");
		if (!REGION.matcher(replicaRegion).matches()) {
			throw KmsServiceError.validation("1 validation error detected: Value '" + replicaRegion
					+ "' at 'replicaRegion' failed to satisfy constraint: Member must satisfy regular expression "
					+ "pattern: ^([a-z]+-){2,3}\\d+$");
		}
		EmulatedKey primary = find(keyId);
		EmulatedKms target;
		EmulatedKey replica;
		synchronized (primary) {
			EmulatedMultiRegionKey group = primary.multiRegionKey;
			if (group == null) {
				throw KmsServiceError.unsupported(primary.arn + " is not a multi-Region key. Only multi-Region "
						+ "primary keys can be replicated.");
			}
			if (!group.isPrimary(this.region)) {
				throw KmsServiceError.unsupported(primary.arn + " is a multi-Region replica key. Replicate its "
						+ "primary key " + group.primary().arn() + " instead.");
			}
			if (primary.state() == State.PendingDeletion) {
				throw pendingDeletion(primary);
			}
			if (replicaRegion.startsWith("cn-") != isChinaRegion()) {
				throw KmsServiceError.validation("The replica Region " + replicaRegion
						+ " is not in the partition of the primary key's Region " + this.region + ".");
			}
			if (group.hasMemberIn(replicaRegion)) {
				throw KmsServiceError.alreadyExists("A multi-Region key with the key ID " + primary.id
						+ " already exists in " + replicaRegion + ".");
			}
			target = this.otherRegions.apply(replicaRegion);
			replica = target.addReplica(primary, (description != null) ? description : primary.description);
			group.addReplica(replicaRegion, replica.arn);
		}
		synchronized (replica) {
			return response("ReplicaKeyMetadata", target.metadata(replica), "ReplicaPolicy",
					DEFAULT_KEY_POLICY.formatted(this.accountId), "ReplicaTags", List.of());
		}
	}

	/**
	 * A replica of a primary key of another region: same id, spec, usage and origin; an
	 * EXTERNAL replica waits for its own import, others share the primary's material.
	 * Called holding the primary's lock.
	 */
	private EmulatedKey addReplica(EmulatedKey primary, String description) {
		EmulatedKey replica = new EmulatedKey(primary.id, arn(primary.id), this.keySequence.incrementAndGet(), now(),
				primary.spec, primary.usage, primary.origin, description, primary.multiRegionKey);
		if (!this.replicaCreation.isZero()) {
			// "a transient key state of Creating", PendingImport (or Enabled) "after a
			// few
			// seconds" (ReplicateKey)
			replica.creatingUntilNanos = System.nanoTime() + this.replicaCreation.toNanos();
		}
		if (!primary.isExternal()) {
			EmulatedKey.Material current = primary.current();
			EmulatedKey.Material copy = new EmulatedKey.Material(current.id, current.identity,
					EmulatedKey.Material.State.CURRENT);
			copy.imported = true;
			replica.materials.add(copy);
			replica.publicKey = primary.publicKey;
		}
		if (this.keys.putIfAbsent(replica.id, replica) != null) {
			throw KmsServiceError
				.alreadyExists("A key with the key ID " + primary.id + " already exists in " + this.region + ".");
		}
		return replica;
	}

	// Key lookup

	/**
	 * Resolves a key id, key ARN, alias name ({@code alias/...}) or alias ARN, as the
	 * operations that document alias names do (DescribeKey, GetPublicKey). The import
	 * operations take key ids and ARNs only.
	 */
	private EmulatedKey findKeyOrAlias(String keyId) {
		String aliasName = null;
		if (keyId.startsWith("alias/")) {
			aliasName = keyId;
		}
		else if (keyId.startsWith("arn:")) {
			String[] parts = keyId.split(":", 6);
			if (parts.length == 6 && parts[5].startsWith("alias/") && parts[2].equals("kms")) {
				if (!parts[3].equals(this.region) || !parts[4].equals(this.accountId)) {
					throw KmsServiceError.notFound("Alias " + keyId + " is not found.");
				}
				aliasName = parts[5];
			}
		}
		if (aliasName == null) {
			return lookup(keyId);
		}
		Alias alias = this.aliases.get(aliasName);
		if (alias == null) {
			throw KmsServiceError.notFound("Alias " + aliasArn(aliasName) + " is not found.");
		}
		return lookup(alias.keyId());
	}

	/**
	 * Resolves a key id or key ARN for an operation a key still being created refuses
	 * (every one but DescribeKey and those that check the state themselves).
	 */
	private EmulatedKey find(String keyId) {
		EmulatedKey key = lookup(keyId);
		if (key.state() == State.Creating) {
			throw KmsServiceError.invalidState(key.arn + " is creating.");
		}
		return key;
	}

	/**
	 * Resolves a key id or key ARN. Deleted keys (past their DeletionDate) disappear and
	 * expired material is deleted here, so every operation sees the state the clock
	 * implies.
	 */
	private EmulatedKey lookup(String keyId) {
		String id = keyId;
		if (keyId.startsWith("arn:")) {
			String[] parts = keyId.split(":", 6);
			if (parts.length != 6 || !parts[2].equals("kms") || parts[3].isEmpty() || parts[4].isEmpty()
					|| !(parts[5].startsWith("key/") || parts[5].startsWith("alias/"))) {
				throw KmsServiceError.invalidArn("Invalid arn " + keyId);
			}
			if (!parts[3].equals(this.region)) {
				throw KmsServiceError.notFound("Invalid arn " + parts[3]);
			}
			if (parts[5].startsWith("alias/")) {
				throw KmsServiceError.notFound("Alias " + keyId + " is not found.");
			}
			if (!parts[4].equals(this.accountId)) {
				throw KmsServiceError.notFound("Key '" + keyId + "' does not exist");
			}
			id = parts[5].substring("key/".length());
		}
		else if (keyId.startsWith("alias/")) {
			throw KmsServiceError
				.notFound("Alias arn:aws:kms:" + this.region + ":" + this.accountId + ":" + keyId + " is not found.");
		}
		if (!KEY_ID.matcher(id).matches()) {
			throw KmsServiceError.notFound("Invalid keyId '" + id + "'");
		}
		EmulatedKey key = this.keys.get(id);
		Instant now = now();
		if (key != null && key.isDeleted(now)) {
			this.keys.remove(id, key);
			key = null;
		}
		if (key == null) {
			throw KmsServiceError.notFound("Key '" + arn(id) + "' does not exist");
		}
		key.expireMaterial(now);
		return key;
	}

	private static void requireExternal(EmulatedKey key) {
		if (!key.isExternal()) {
			throw KmsServiceError
				.unsupported(key.arn + " origin is " + key.origin + " which is not valid for this operation.");
		}
	}

	private static KmsServiceError pendingDeletion(EmulatedKey key) {
		return KmsServiceError.invalidState(key.arn + " is pending deletion.");
	}

	// Response helpers

	/**
	 * KeyMetadata as DescribeKey and CreateKey return it; called holding the key's lock.
	 */
	private Map<String, Object> metadata(EmulatedKey key) {
		State state = key.state();
		Map<String, Object> metadata = response("AWSAccountId", this.accountId, "KeyId", key.id, "Arn", key.arn,
				"CreationDate", epochSeconds(key.creationDate), "Enabled", state == State.Enabled, "Description",
				key.description, "KeyUsage", key.usage, "KeyState", state.name());
		if (key.deletionDate != null) {
			metadata.put("DeletionDate", epochSeconds(key.deletionDate));
		}
		if (key.validTo() != null) {
			metadata.put("ValidTo", epochSeconds(key.validTo()));
		}
		metadata.put("Origin", key.origin);
		if (key.isExternal() && key.expirationModel != null) {
			metadata.put("ExpirationModel", key.expirationModel);
		}
		metadata.put("KeyManager", "CUSTOMER");
		metadata.put("CustomerMasterKeySpec", key.spec.name());
		metadata.put("KeySpec", key.spec.name());
		putAlgorithms(metadata, key);
		metadata.put("MultiRegion", key.multiRegion);
		if (key.multiRegionKey != null) {
			EmulatedMultiRegionKey group = key.multiRegionKey;
			metadata.put("MultiRegionConfiguration",
					response("MultiRegionKeyType", group.isPrimary(this.region) ? "PRIMARY" : "REPLICA", "PrimaryKey",
							response("Arn", group.primary().arn(), "Region", group.primary().region()), "ReplicaKeys",
							group.replicas()
								.stream()
								.map((replica) -> response("Arn", replica.arn(), "Region", replica.region()))
								.toList()));
		}
		EmulatedKey.Material current = key.current();
		if (key.spec == EmulatedKeySpec.SYMMETRIC_DEFAULT && current != null) {
			metadata.put("CurrentKeyMaterialId", current.id);
		}
		return metadata;
	}

	private static void putAlgorithms(Map<String, Object> target, EmulatedKey key) {
		putIfNotEmpty(target, "EncryptionAlgorithms", key.spec.encryptionAlgorithms(key.usage));
		putIfNotEmpty(target, "SigningAlgorithms", key.spec.signingAlgorithms(key.usage));
		putIfNotEmpty(target, "KeyAgreementAlgorithms", key.spec.keyAgreementAlgorithms(key.usage));
		putIfNotEmpty(target, "MacAlgorithms", key.spec.macAlgorithms());
	}

	private static void putIfNotEmpty(Map<String, Object> target, String name, List<String> values) {
		if (!values.isEmpty()) {
			target.put(name, values);
		}
	}

	private static Map<String, Object> response(Object... namesAndValues) {
		Map<String, Object> response = new LinkedHashMap<>();
		for (int i = 0; i < namesAndValues.length; i += 2) {
			response.put((String) namesAndValues[i], namesAndValues[i + 1]);
		}
		return response;
	}

	/**
	 * AWS JSON timestamps: epoch seconds as a number, here with millisecond precision.
	 */
	static BigDecimal epochSeconds(Instant instant) {
		return BigDecimal.valueOf(instant.toEpochMilli(), 3);
	}

	private static String base64(byte[] bytes) {
		return Base64.getEncoder().encodeToString(bytes);
	}

	private String arn(String id) {
		return "arn:aws:kms:" + this.region + ":" + this.accountId + ":key/" + id;
	}

	private Instant now() {
		return this.clock.get();
	}

	private static byte[] randomBytes(int length) {
		byte[] bytes = new byte[length];
		RANDOM.nextBytes(bytes);
		return bytes;
	}

	private static byte[] generateEcPublicKey(EmulatedKeySpec spec) {
		X9ECParameters parameters = CustomNamedCurves.getByOID(spec.curve());
		BigInteger d = BigIntegers.createRandomInRange(BigInteger.ONE, parameters.getN().subtract(BigInteger.ONE),
				RANDOM);
		ECPoint point = new FixedPointCombMultiplier().multiply(parameters.getG(), d).normalize();
		return ImportCrypto.encode(new SubjectPublicKeyInfo(
				new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, spec.curve()), point.getEncoded(false)));
	}

}
