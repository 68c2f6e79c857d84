package io.keyport.kms.huawei;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.keyport.kms.CreateKeyRequest;
import io.keyport.kms.DataKey;
import io.keyport.kms.ExpirationModel;
import io.keyport.kms.ImportParameters;
import io.keyport.kms.ImportRequest;
import io.keyport.kms.ImportResult;
import io.keyport.kms.ImportType;
import io.keyport.kms.KeyMaterialVersion;
import io.keyport.kms.KeyOrigin;
import io.keyport.kms.KeyState;
import io.keyport.kms.KeyUsage;
import io.keyport.kms.KmsErrorCode;
import io.keyport.kms.KmsException;
import io.keyport.kms.KmsRateLimiter;
import io.keyport.kms.KmsKey;
import io.keyport.kms.KmsProvider;
import io.keyport.kms.KmsPublicKey;
import io.keyport.kms.huawei.HuaweiKmsClient.Operation;
import io.keyport.wrapping.EncryptedKeyMaterial;
import io.keyport.wrapping.HuaweiEnvelope;
import io.keyport.wrapping.ImportRules;
import io.keyport.wrapping.KeySpec;
import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.wrapping.WrappingException;
import io.keyport.wrapping.WrappingKeySpec;

/**
 * {@link KmsProvider} on Huawei Cloud KMS (DEW) through {@link HuaweiKmsClient}. Maps
 * Keyport's port onto Huawei's API: key ids are bare UUIDs, and the resource name Keyport
 * keeps as a key's "ARN" is {@code kms:{region}:{domain_id}:KeyId:{key_id}}; keys get
 * their alias at creation; key specs have Huawei's names on the wire; private keys travel
 * as two parts; times come as seconds or milliseconds. Each port call, with its retries,
 * alias lookups and polls, ends within the client's call timeout.
 */
final class HuaweiKmsProvider implements KmsProvider {

	private static final Logger log = LoggerFactory.getLogger(HuaweiKmsProvider.class);

	static final Pattern ALIAS = Pattern.compile("[a-zA-Z0-9:/_-]{1,255}");

	private static final Pattern KEY_ID = Pattern
		.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

	private static final Pattern RESOURCE_NAME = Pattern.compile("kms:([^:]*):([^:]*):KeyId:(.*)");

	/** Times above this are milliseconds (10^11 s is in the year 5138). */
	private static final long MILLISECONDS_ABOVE = 100_000_000_000L;

	private static final String LIST_PAGE_SIZE = "100";

	private static final int MAX_LIST_PAGES = 100;

	private static final Duration FIRST_POLL = Duration.ofMillis(100);

	private static final Duration MAX_POLL = Duration.ofSeconds(1);

	/** Huawei documents parameters for import as valid 24 hours. */
	private static final Duration PARAMETERS_VALIDITY = Duration.ofHours(24);

	/**
	 * How far Huawei's clock may be behind Keyport's for a key found by its alias after a
	 * lost creation to count as this call's: NTP-synchronised hosts are well within it.
	 * An older key is someone else's; a host further off leaves its own key unclaimed
	 * (and the creation's failure stands), which is the safe side.
	 */
	private static final Duration CREATION_CLOCK_SKEW = Duration.ofMinutes(5);

	private final HuaweiKmsClient client;

	private final String region;

	private final ImportRules rules;

	private final Clock clock;

	private final Envelope envelope;

	/** The account (domain) of this target's keys, learnt from Huawei's answers. */
	private volatile String domainId;

	HuaweiKmsProvider(HuaweiKmsClient client, String region, boolean legacyAlgorithms, Clock clock, Envelope envelope) {
		this.client = client;
		this.region = region;
		this.rules = ImportRules.huawei(legacyAlgorithms);
		this.clock = clock;
		this.envelope = envelope;
	}

	@Override
	public String region() {
		return this.region;
	}

	@Override
	public ImportRules importRules() {
		return this.rules;
	}

	/** Huawei's import rules do not differ by region. */
	@Override
	public ImportRules importRules(String region) {
		return this.rules;
	}

	/**
	 * Huawei's key usages: symmetric keys (AES_256, SM4) encrypt, RSA and SM2 keys
	 * encrypt or sign, EC_P256 and EC_P384 only sign, HMAC keys make MACs; no key
	 * agreement.
	 */
	@Override
	public List<KeyUsage> keyUsages(KeySpec keySpec) {
		return switch (keySpec.kind()) {
			case SYMMETRIC -> List.of(KeyUsage.ENCRYPT_DECRYPT);
			case HMAC -> List.of(KeyUsage.GENERATE_VERIFY_MAC);
			case RSA, SM2 -> List.of(KeyUsage.ENCRYPT_DECRYPT, KeyUsage.SIGN_VERIFY);
			case EC, NOT_IMPORTABLE -> List.of(KeyUsage.SIGN_VERIFY);
		};
	}

	/** Huawei takes imports only in pending import: renewing means deleting first. */
	@Override
	public boolean acceptsImportIn(KeyState state) {
		return state == KeyState.PENDING_IMPORT;
	}

	@Override
	public boolean aliasAtCreation() {
		return true;
	}

	@Override
	public boolean acceptsAlias(String alias) {
		return alias != null && ALIAS.matcher(alias).matches();
	}

	@Override
	public Duration longestCall() {
		return this.client.settings().callTimeout();
	}

	/**
	 * Creates the key with origin {@code external} and the alias asked for (or
	 * {@code keyport-<uuid>}), then waits, within the call's deadline, for it to leave
	 * state 1 (waiting for activation) for 5 (pending import). When it has not by then,
	 * the key is returned as it was last seen: it exists either way.
	 */
	@Override
	public KmsKey createExternalKey(CreateKeyRequest request) {
		String operation = Operation.CREATE_KEY.keyportName();
		long deadline = this.client.deadline();
		Instant started = this.clock.instant();
		if (request.multiRegion()) {
			throw unsupported(operation, "multi-Region keys");
		}
		String keySpec = huaweiKeySpec(request.keySpec());
		if (keySpec == null) {
			throw new KmsException(KmsErrorCode.VALIDATION, operation, "key spec " + request.keySpec()
					+ " cannot be created on Huawei KMS; key specs: AES_256 (SYMMETRIC_DEFAULT), SM4, RSA_2048, "
					+ "RSA_3072, RSA_4096, EC_P256 (ECC_NIST_P256), EC_P384 (ECC_NIST_P384), SM2", null);
		}
		String alias = request.alias() != null ? request.alias() : "keyport-" + UUID.randomUUID();
		if (!acceptsAlias(alias)) {
			throw new KmsException(KmsErrorCode.VALIDATION, operation,
					"alias '" + alias + "' is not a Huawei KMS alias: 1 to 255 of the characters a-z A-Z 0-9 : / _ -",
					null);
		}
		ObjectNode body = this.client.body()
			.put("key_alias", alias)
			.put("key_spec", keySpec)
			.put("key_usage", request.keyUsage().name())
			.put("origin", "external");
		if (request.description() != null) {
			body.put("key_description", request.description());
		}
		JsonNode info;
		try {
			info = this.client.call(Operation.CREATE_KEY, body, deadline).path("key_info");
		}
		catch (KmsException ex) {
			// a generated alias is this call's own: taken means an attempt that seemed to
			// fail created the key after all. A failure whose request may have reached
			// Huawei (a timeout, a gateway error) may have created it too, under either
			// alias (a caller's was checked unused just before): looked up by it, so the
			// key is neither left behind nor left without its owner
			boolean generatedAliasTaken = ex.errorCode() == KmsErrorCode.ALREADY_EXISTS && request.alias() == null;
			boolean mayHaveCreated = ex.isTransient() && ex.maybeSent();
			if (!generatedAliasTaken && !mayHaveCreated) {
				throw ex;
			}
			JsonNode found;
			try {
				found = keyOfAlias(alias, Operation.CREATE_KEY, deadline);
			}
			catch (KmsException lookup) {
				if (generatedAliasTaken) {
					throw lookup;
				}
				// not created (or not to be found now): the create's own failure stands
				ex.addSuppressed(lookup);
				throw ex;
			}
			String keyId = HuaweiKmsClient.text(found, "key_id");
			// the alias may have been taken meanwhile by a key created outside Keyport:
			// handed to the caller, it would make the tenant its owner
			String notThisCalls = notCreatedBy(found, keySpec, request, started);
			if (notThisCalls != null) {
				log.warn("Huawei key {} has the alias '{}' but was not created by this call ({}): not taken", keyId,
						alias, notThisCalls);
				ex.addSuppressed(
						new KmsException(
								KmsErrorCode.ALREADY_EXISTS, operation, "a Huawei KMS key has the alias '" + alias
										+ "' but was not created by this call (" + notThisCalls + "): not taken",
								null));
				throw ex;
			}
			log.info("Huawei key {} found by its alias after its creation seemed to fail ({})", keyId,
					ex.errorCode().code());
			info = this.client.body().put("key_id", keyId).put("domain_id", this.domainId);
		}
		String keyId = HuaweiKmsClient.text(info, "key_id");
		if (keyId == null) {
			throw new KmsException(KmsErrorCode.INTERNAL, operation, "Huawei KMS answered without a key id", null);
		}
		rememberDomain(HuaweiKmsClient.text(info, "domain_id"));
		KmsKey created = new KmsKey(keyId, resourceName(keyId, this.domainId), KeyState.CREATING, KeyOrigin.EXTERNAL,
				request.keySpec(), request.keyUsage(), request.description(), null, null, null, null);
		return awaitLeavingCreation(created, deadline);
	}

	/**
	 * Why a key found by the alias of a creation whose answer was lost is not the one it
	 * asked for, or {@code null} when it is: external, of the spec, usage and description
	 * asked for, still without material, and created after the call started (less the
	 * clock skew).
	 */
	private static String notCreatedBy(JsonNode found, String keySpec, CreateKeyRequest request, Instant started) {
		if (origin(HuaweiKmsClient.text(found, "origin")) != KeyOrigin.EXTERNAL) {
			return "origin " + HuaweiKmsClient.text(found, "origin") + ", not external";
		}
		if (!keySpec.equals(HuaweiKmsClient.text(found, "key_spec"))) {
			return "key spec " + HuaweiKmsClient.text(found, "key_spec") + ", not " + keySpec;
		}
		if (!request.keyUsage().name().equals(HuaweiKmsClient.text(found, "key_usage"))) {
			return "key usage " + HuaweiKmsClient.text(found, "key_usage") + ", not " + request.keyUsage();
		}
		String description = HuaweiKmsClient.text(found, "key_description");
		if (!Objects.requireNonNullElse(request.description(), "")
			.equals(Objects.requireNonNullElse(description, ""))) {
			return "another description";
		}
		// a key this call created cannot hold material yet
		KeyState state = state(HuaweiKmsClient.text(found, "key_state"));
		if (state != KeyState.CREATING && state != KeyState.PENDING_IMPORT) {
			return "key state " + HuaweiKmsClient.text(found, "key_state") + ", not waiting for activation or import";
		}
		Instant created = instant(HuaweiKmsClient.text(found, "creation_date"));
		Instant earliest = started.minus(CREATION_CLOCK_SKEW);
		if (created == null || created.isBefore(earliest)) {
			return (created == null ? "no creation date" : "created " + created) + ", before this call started at "
					+ started + " (less " + CREATION_CLOCK_SKEW.toMinutes() + " min for the clocks)";
		}
		return null;
	}

	private KmsKey awaitLeavingCreation(KmsKey created, long deadline) {
		KmsKey last = created;
		Duration pause = Duration.ZERO;
		while (System.nanoTime() + pause.toNanos() < deadline) {
			sleep(pause);
			try {
				last = describe(last.keyId(), deadline);
				if (last.state() != KeyState.CREATING) {
					return last;
				}
			}
			catch (KmsException ex) {
				// the key exists: a describe that fails now must not lose it
				if (!ex.isTransient() && ex.errorCode() != KmsErrorCode.KEY_NOT_FOUND) {
					log.warn("Huawei key {} was created but cannot be described: {}", created.keyId(), ex.getMessage());
					return last;
				}
			}
			pause = pause.isZero() ? FIRST_POLL : min(pause.multipliedBy(2), MAX_POLL);
		}
		log.warn("Huawei key {} was still being created when the call's time ran out", created.keyId());
		return last;
	}

	/** Huawei names aliases only at creation. */
	@Override
	public void createAlias(String alias, String keyId) {
		throw new KmsException(KmsErrorCode.UNSUPPORTED_OPERATION, "CreateAlias",
				"Huawei KMS keys get their alias when they are created", null);
	}

	@Override
	public void deleteAlias(String alias) {
		throw new KmsException(KmsErrorCode.UNSUPPORTED_OPERATION, "DeleteAlias",
				"Huawei KMS keys keep the alias they were created with", null);
	}

	/**
	 * Huawei answers with the key's state only: the deletion date is the pending days
	 * from now.
	 */
	@Override
	public Instant scheduleKeyDeletion(String keyId, int pendingWindowDays) {
		long deadline = this.client.deadline();
		String id = keyId(keyId, Operation.SCHEDULE_KEY_DELETION, deadline);
		this.client.call(Operation.SCHEDULE_KEY_DELETION,
				this.client.body().put("key_id", id).put("pending_days", String.valueOf(pendingWindowDays)), deadline);
		return this.clock.instant().plus(Duration.ofDays(pendingWindowDays));
	}

	/**
	 * @param keyId the key id (UUID), its resource name
	 * ({@code kms:{region}:{domain_id}:KeyId:{key_id}}) or its alias
	 */
	@Override
	public KmsKey describeKey(String keyId) {
		long deadline = this.client.deadline();
		return describe(keyId(keyId, Operation.DESCRIBE_KEY, deadline), deadline);
	}

	private KmsKey describe(String id, long deadline) {
		JsonNode info = this.client.call(Operation.DESCRIBE_KEY, this.client.body().put("key_id", id), deadline)
			.path("key_info");
		return toKey(id, info);
	}

	/**
	 * The wrapping key and token for the algorithm as Huawei names it: OAEP SHA-256 for
	 * symmetric material and for the temporary AES key of a private key
	 * (RSA_AES_KEY_WRAP_SHA_256), SM2_ENCRYPT for SM2 wrapping; the legacy algorithms as
	 * they are. Huawei's wrapping keys are RSA_2048 (or SM2). The token is kept as the
	 * ASCII of Huawei's base64 text, so it goes back exactly as it came.
	 */
	@Override
	public ImportParameters getParametersForImport(String keyId, WrappingAlgorithm algorithm,
			WrappingKeySpec wrappingKeySpec) {
		String operation = Operation.GET_PARAMETERS_FOR_IMPORT.keyportName();
		String wire = wireAlgorithm(algorithm);
		boolean sm2 = "SM2_ENCRYPT".equals(wire);
		if (wire == null) {
			throw new KmsException(KmsErrorCode.VALIDATION, operation,
					"Huawei KMS does not offer " + algorithm
							+ "; algorithms: RSAES_OAEP_SHA_256, RSA_AES_KEY_WRAP_SHA_256 (private keys), SM2PKE",
					null);
		}
		if (wrappingKeySpec != null && wrappingKeySpec != (sm2 ? WrappingKeySpec.SM2 : WrappingKeySpec.RSA_2048)) {
			throw new KmsException(KmsErrorCode.VALIDATION, operation, "Huawei KMS wraps " + algorithm + " with "
					+ (sm2 ? "SM2" : "RSA_2048") + " keys only, not " + wrappingKeySpec, null);
		}
		long deadline = this.client.deadline();
		String id = keyId(keyId, Operation.GET_PARAMETERS_FOR_IMPORT, deadline);
		JsonNode response = this.client.call(Operation.GET_PARAMETERS_FOR_IMPORT,
				this.client.body().put("key_id", id).put("wrapping_algorithm", wire), deadline);
		String publicKey = HuaweiKmsClient.text(response, "public_key");
		String token = HuaweiKmsClient.text(response, "import_token");
		if (publicKey == null || token == null) {
			throw new KmsException(KmsErrorCode.INTERNAL, operation,
					"Huawei KMS answered without a public key or import token", null);
		}
		byte[] publicKeyDer;
		try {
			publicKeyDer = Base64.getMimeDecoder().decode(publicKey);
		}
		catch (IllegalArgumentException ex) {
			throw new KmsException(KmsErrorCode.INTERNAL, operation,
					"Huawei KMS answered a public key that is not base64", null);
		}
		Instant validTo = instant(HuaweiKmsClient.text(response, "expiration_time"));
		return new ImportParameters(resourceName(id, domain(id, deadline)), publicKeyDer,
				token.getBytes(StandardCharsets.US_ASCII),
				validTo != null ? validTo : this.clock.instant().plus(PARAMETERS_VALIDITY));
	}

	/**
	 * Imports as Huawei takes it: a two-part envelope split into
	 * {@code encrypted_key_material} and {@code encrypted_privatekey};
	 * {@code expiration_time} in seconds, for expiring symmetric material only
	 * (asymmetric material never expires on Huawei).
	 */
	@Override
	public ImportResult importKeyMaterial(ImportRequest request) {
		String operation = Operation.IMPORT_KEY_MATERIAL.keyportName();
		// a Huawei key holds one material: a reimport is fine, new material or a
		// material id is not
		if (request.importType() == ImportType.NEW_KEY_MATERIAL || request.keyMaterialId() != null) {
			throw unsupported(operation, "several materials per key (new key material, key material ids)");
		}
		long deadline = this.client.deadline();
		String id = keyId(request.keyId(), Operation.IMPORT_KEY_MATERIAL, deadline);
		ObjectNode body = this.client.body()
			.put("key_id", id)
			.put("import_token", new String(request.importToken(), StandardCharsets.US_ASCII));
		Base64.Encoder base64 = Base64.getEncoder();
		if (request.algorithm() != null && this.envelope.isTwoPart(request.algorithm())) {
			HuaweiEnvelope.Parts parts;
			try {
				parts = this.envelope.split(request.encryptedKeyMaterial(), request.algorithm(),
						request.wrappingKeySpec());
			}
			catch (WrappingException ex) {
				throw new KmsException(KmsErrorCode.INVALID_CIPHERTEXT, operation, ex.getMessage(), null);
			}
			body.put("encrypted_key_material", base64.encodeToString(parts.encryptedKeyMaterial()));
			body.put("encrypted_privatekey", base64.encodeToString(parts.encryptedPrivateKey()));
		}
		else {
			body.put("encrypted_key_material", base64.encodeToString(request.encryptedKeyMaterial().bytes()));
		}
		if (request.expirationModel() == ExpirationModel.KEY_MATERIAL_EXPIRES && request.validTo() != null
				&& request.keySpec() != null && request.keySpec().kind() == KeySpec.Kind.SYMMETRIC) {
			body.put("expiration_time", request.validTo().getEpochSecond());
		}
		this.client.call(Operation.IMPORT_KEY_MATERIAL, body, deadline);
		return new ImportResult(resourceName(id, domain(id, deadline)), null);
	}

	@Override
	public void deleteImportedKeyMaterial(String keyId) {
		long deadline = this.client.deadline();
		String id = keyId(keyId, Operation.DELETE_IMPORTED_KEY_MATERIAL, deadline);
		this.client.call(Operation.DELETE_IMPORTED_KEY_MATERIAL, this.client.body().put("key_id", id), deadline);
	}

	/**
	 * Huawei answers a PEM (with {@code \r\n}); it becomes DER SubjectPublicKeyInfo, also
	 * when the PEM holds a PKCS#1 RSA key. Key spec and usage come from describe-key.
	 */
	@Override
	public KmsPublicKey getPublicKey(String keyId) {
		String operation = Operation.GET_PUBLIC_KEY.keyportName();
		long deadline = this.client.deadline();
		String id = keyId(keyId, Operation.GET_PUBLIC_KEY, deadline);
		JsonNode response = this.client.call(Operation.GET_PUBLIC_KEY, this.client.body().put("key_id", id), deadline);
		String pem = HuaweiKmsClient.text(response, "public_key");
		if (pem == null) {
			throw new KmsException(KmsErrorCode.INTERNAL, operation, "Huawei KMS answered without a public key", null);
		}
		byte[] der = subjectPublicKeyInfo(pem, operation);
		KmsKey key = describe(id, deadline);
		return new KmsPublicKey(key.arn(), der, key.keySpec(), key.keyUsage(),
				algorithms(key.keySpec(), key.keyUsage()));
	}

	/**
	 * Not supported yet: Huawei's create-datakey / decrypt-datakey would serve envelope
	 * custody, but custody keys are on AWS targets for now.
	 */
	@Override
	public DataKey generateDataKey(String keyId, Map<String, String> encryptionContext) {
		throw new KmsException(KmsErrorCode.UNSUPPORTED_OPERATION, "GenerateDataKey",
				"Keyport's Huawei adapter does not create data keys; put the custody key in an AWS target", null);
	}

	@Override
	public DataKey decrypt(String keyId, byte[] ciphertextBlob, Map<String, String> encryptionContext) {
		throw new KmsException(KmsErrorCode.UNSUPPORTED_OPERATION, "Decrypt",
				"Keyport's Huawei adapter does not decrypt data keys; put the custody key in an AWS target", null);
	}

	@Override
	public void checkReachable() {
		this.client.call(Operation.LIST_KEYS, this.client.body().put("limit", "1"), this.client.deadline());
	}

	/**
	 * Huawei keys hold one material: rotation means a new key (answered before any call).
	 */
	@Override
	public void rotateOnDemand(String keyId) {
		throw unsupported("RotateKeyOnDemand", "rotation of imported key material");
	}

	@Override
	public List<KeyMaterialVersion> listKeyMaterials(String keyId) {
		throw unsupported("ListKeyRotations", "several materials per key");
	}

	@Override
	public KmsKey replicateKey(String keyId, String replicaRegion) {
		throw unsupported("ReplicateKey", "multi-Region keys");
	}

	@Override
	public void pacedBy(KmsRateLimiter limiter) {
		this.client.pacedBy(limiter);
	}

	private static KmsException unsupported(String operation, String what) {
		return new KmsException(KmsErrorCode.UNSUPPORTED_OPERATION, operation,
				"Huawei Cloud KMS has no " + what + "; Keyport cannot do this on a Huawei target", null);
	}

	/** The bare key id of an id, a resource name or an alias. */
	private String keyId(String keyId, Operation operation, long deadline) {
		if (keyId == null || keyId.isBlank()) {
			throw new KmsException(KmsErrorCode.INVALID_KEY_ID, operation.keyportName(), "no key id given", null);
		}
		if (KEY_ID.matcher(keyId).matches()) {
			return keyId;
		}
		Matcher name = RESOURCE_NAME.matcher(keyId);
		if (name.matches()) {
			if (!name.group(1).equals(this.region)) {
				throw new KmsException(KmsErrorCode.KEY_NOT_FOUND, operation.keyportName(),
						"key " + keyId + " is not in region " + this.region, null);
			}
			if (!KEY_ID.matcher(name.group(3)).matches()) {
				throw new KmsException(KmsErrorCode.INVALID_KEY_ID, operation.keyportName(),
						"'" + keyId + "' does not end in a Huawei key id", null);
			}
			// the account is learned from Huawei's answers only, never from a caller's
			// name (which would make every later resource name carry it)
			String known = this.domainId;
			if (known != null && !known.equals(name.group(2))) {
				throw new KmsException(KmsErrorCode.KEY_NOT_FOUND, operation.keyportName(),
						"key " + keyId + " is not in this target's account", null);
			}
			return name.group(3);
		}
		if (acceptsAlias(keyId)) {
			return keyIdOfAlias(keyId, operation, deadline);
		}
		throw new KmsException(KmsErrorCode.INVALID_KEY_ID, operation.keyportName(),
				"'" + keyId + "' is neither a Huawei key id, a key's resource name nor an alias", null);
	}

	/**
	 * Huawei has no alias lookup: list-keys (every key spec) is searched page by page.
	 */
	private String keyIdOfAlias(String alias, Operation operation, long deadline) {
		return HuaweiKmsClient.text(keyOfAlias(alias, operation, deadline), "key_id");
	}

	/** The list-keys details of the key with the alias. */
	private JsonNode keyOfAlias(String alias, Operation operation, long deadline) {
		String marker = null;
		for (int page = 0; page < MAX_LIST_PAGES; page++) {
			ObjectNode body = this.client.body().put("limit", LIST_PAGE_SIZE).put("key_spec", "ALL");
			if (marker != null) {
				body.put("marker", marker);
			}
			JsonNode response = this.client.call(Operation.LIST_KEYS, body, deadline);
			for (JsonNode details : response.path("key_details")) {
				if (alias.equals(HuaweiKmsClient.text(details, "key_alias"))) {
					rememberDomain(HuaweiKmsClient.text(details, "domain_id"));
					return details;
				}
			}
			marker = HuaweiKmsClient.text(response, "next_marker");
			if (!"true".equalsIgnoreCase(HuaweiKmsClient.text(response, "truncated")) || marker == null) {
				break;
			}
		}
		throw new KmsException(KmsErrorCode.KEY_NOT_FOUND, operation.keyportName(),
				"no Huawei KMS key has the alias '" + alias + "'", null);
	}

	private String domain(String id, long deadline) {
		if (this.domainId == null) {
			describe(id, deadline);
		}
		return this.domainId;
	}

	private void rememberDomain(String domainId) {
		if (domainId != null && !domainId.isBlank()) {
			this.domainId = domainId;
		}
	}

	private String resourceName(String keyId, String domainId) {
		return "kms:" + this.region + ":" + (domainId != null ? domainId : "") + ":KeyId:" + keyId;
	}

	private KmsKey toKey(String id, JsonNode info) {
		String keyId = HuaweiKmsClient.text(info, "key_id");
		keyId = keyId != null ? keyId : id;
		rememberDomain(HuaweiKmsClient.text(info, "domain_id"));
		KeyState state = state(HuaweiKmsClient.text(info, "key_state"));
		KeyOrigin origin = origin(HuaweiKmsClient.text(info, "origin"));
		// material's expiry means something only while an external key has material
		boolean hasMaterial = origin == KeyOrigin.EXTERNAL && (state == KeyState.ENABLED || state == KeyState.DISABLED);
		Instant validTo = hasMaterial ? instant(HuaweiKmsClient.text(info, "expiration_time")) : null;
		ExpirationModel expirationModel = !hasMaterial ? null
				: validTo != null ? ExpirationModel.KEY_MATERIAL_EXPIRES : ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE;
		return new KmsKey(keyId, resourceName(keyId, this.domainId), state, origin,
				keySpec(HuaweiKmsClient.text(info, "key_spec")), keyUsage(HuaweiKmsClient.text(info, "key_usage")),
				HuaweiKmsClient.text(info, "key_description"), instant(HuaweiKmsClient.text(info, "creation_date")),
				expirationModel, validTo, state == KeyState.PENDING_DELETION
						? instant(HuaweiKmsClient.text(info, "scheduled_deletion_date")) : null);
	}

	/**
	 * Huawei's key states: 1 waiting for activation, 2 enabled, 3 disabled, 4 pending
	 * deletion, 5 pending import, 7 frozen (unusable until Huawei releases it, shown as
	 * UNAVAILABLE); others unknown.
	 */
	static KeyState state(String huaweiState) {
		if (huaweiState == null) {
			return null;
		}
		return switch (huaweiState.trim()) {
			case "1" -> KeyState.CREATING;
			case "2" -> KeyState.ENABLED;
			case "3" -> KeyState.DISABLED;
			case "4" -> KeyState.PENDING_DELETION;
			case "5" -> KeyState.PENDING_IMPORT;
			case "7" -> KeyState.UNAVAILABLE;
			default -> null;
		};
	}

	/** {@code kms} (KMS-generated material) is what AWS calls AWS_KMS. */
	private static KeyOrigin origin(String origin) {
		if (origin == null) {
			return null;
		}
		return switch (origin.toLowerCase(java.util.Locale.ROOT)) {
			case "external" -> KeyOrigin.EXTERNAL;
			case "kms" -> KeyOrigin.AWS_KMS;
			default -> null;
		};
	}

	/**
	 * A time in describe-key or get-parameters-for-import: documented as seconds, shown
	 * as milliseconds in Huawei's examples; a value above 10^11 is taken as milliseconds.
	 * Empty, 0 and unreadable values mean none.
	 */
	static Instant instant(String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			long number = Long.parseLong(value.trim());
			if (number <= 0) {
				return null;
			}
			return number > MILLISECONDS_ABOVE ? Instant.ofEpochMilli(number) : Instant.ofEpochSecond(number);
		}
		catch (NumberFormatException ex) {
			try {
				return Instant.parse(value.trim());
			}
			catch (DateTimeParseException notIso) {
				return null;
			}
		}
	}

	/** Keyport's key spec in Huawei's name, or {@code null} when Huawei has none. */
	static String huaweiKeySpec(KeySpec keySpec) {
		return switch (keySpec) {
			case SYMMETRIC_DEFAULT -> "AES_256";
			case SM4, RSA_2048, RSA_3072, RSA_4096, SM2 -> keySpec.name();
			case ECC_NIST_P256 -> "EC_P256";
			case ECC_NIST_P384 -> "EC_P384";
			default -> null;
		};
	}

	static KeySpec keySpec(String huaweiKeySpec) {
		if (huaweiKeySpec == null) {
			return null;
		}
		return switch (huaweiKeySpec) {
			case "AES_256" -> KeySpec.SYMMETRIC_DEFAULT;
			case "SM4" -> KeySpec.SM4;
			case "RSA_2048" -> KeySpec.RSA_2048;
			case "RSA_3072" -> KeySpec.RSA_3072;
			case "RSA_4096" -> KeySpec.RSA_4096;
			case "EC_P256" -> KeySpec.ECC_NIST_P256;
			case "EC_P384" -> KeySpec.ECC_NIST_P384;
			case "SM2" -> KeySpec.SM2;
			case "HMAC_256" -> KeySpec.HMAC_256;
			case "HMAC_384" -> KeySpec.HMAC_384;
			case "HMAC_512" -> KeySpec.HMAC_512;
			default -> null;
		};
	}

	private static KeyUsage keyUsage(String usage) {
		if (usage == null) {
			return null;
		}
		try {
			return KeyUsage.valueOf(usage);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	/**
	 * Huawei's {@code wrapping_algorithm} for Keyport's algorithm, or {@code null} when
	 * Huawei has none. A private key's two-part envelope names the algorithm of its first
	 * part; SM2 algorithms (SM4 material, SM2 private keys) are SM2_ENCRYPT.
	 */
	static String wireAlgorithm(WrappingAlgorithm algorithm) {
		return switch (algorithm.name()) {
			case "RSAES_OAEP_SHA_256", "RSA_AES_KEY_WRAP_SHA_256" -> "RSAES_OAEP_SHA_256";
			case "RSAES_OAEP_SHA_1", "RSAES_PKCS1_V1_5" -> algorithm.name();
			case String name when name.startsWith("SM2") -> "SM2_ENCRYPT";
			default -> null;
		};
	}

	/** Huawei's algorithm names for what the key does. */
	private static List<String> algorithms(KeySpec keySpec, KeyUsage usage) {
		if (keySpec == null || usage == null) {
			return List.of();
		}
		boolean sign = usage == KeyUsage.SIGN_VERIFY;
		return switch (keySpec.kind()) {
			case RSA -> sign
					? List.of("RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512",
							"RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512")
					: List.of("RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256");
			case EC -> sign ? List.of("ECDSA_SHA_256", "ECDSA_SHA_384", "ECDSA_SHA_512") : List.of();
			case SM2 -> sign ? List.of("SM2DSA_SM3") : List.of("SM2_ENCRYPT");
			default -> List.of();
		};
	}

	/** DER SubjectPublicKeyInfo of a PEM public key, converting PKCS#1 RSA keys. */
	static byte[] subjectPublicKeyInfo(String pem, String operation) {
		try {
			String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
			byte[] der = Base64.getDecoder().decode(base64);
			ASN1Sequence sequence = ASN1Sequence.getInstance(der);
			if (sequence.size() == 2 && sequence.getObjectAt(0) instanceof ASN1Integer) {
				// PKCS#1 RSAPublicKey (modulus, exponent), whatever the PEM label says
				return new SubjectPublicKeyInfo(
						new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE), der)
					.getEncoded("DER");
			}
			return SubjectPublicKeyInfo.getInstance(sequence).getEncoded("DER");
		}
		catch (IOException | IllegalArgumentException ex) {
			throw new KmsException(KmsErrorCode.INTERNAL, operation,
					"Huawei KMS answered a public key that is not a PEM public key", null);
		}
	}

	private static Duration min(Duration a, Duration b) {
		return a.compareTo(b) <= 0 ? a : b;
	}

	private static void sleep(Duration pause) {
		if (pause.isZero()) {
			return;
		}
		try {
			TimeUnit.NANOSECONDS.sleep(pause.toNanos());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new KmsException(KmsErrorCode.UNAVAILABLE, "CreateKey", "interrupted while waiting for the key",
					null);
		}
	}

	/**
	 * How a private key's two-part envelope is split for the wire:
	 * {@link HuaweiEnvelope}, replaceable in tests.
	 */
	interface Envelope {

		Envelope HUAWEI = new Envelope() {

			@Override
			public boolean isTwoPart(WrappingAlgorithm algorithm) {
				return HuaweiEnvelope.isTwoPart(algorithm);
			}

			@Override
			public HuaweiEnvelope.Parts split(EncryptedKeyMaterial material, WrappingAlgorithm algorithm,
					WrappingKeySpec wrappingKeySpec) {
				return HuaweiEnvelope.split(material, algorithm, wrappingKeySpec);
			}

		};

		boolean isTwoPart(WrappingAlgorithm algorithm);

		HuaweiEnvelope.Parts split(EncryptedKeyMaterial material, WrappingAlgorithm algorithm,
				WrappingKeySpec wrappingKeySpec);

	}

}
