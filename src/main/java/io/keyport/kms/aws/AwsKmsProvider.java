package io.keyport.kms.aws;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AlgorithmSpec;
import software.amazon.awssdk.services.kms.model.AlreadyExistsException;
import software.amazon.awssdk.services.kms.model.ConflictException;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.IncorrectKeyException;
import software.amazon.awssdk.services.kms.model.InvalidKeyUsageException;
import software.amazon.awssdk.services.kms.model.KeyUnavailableException;
import software.amazon.awssdk.services.kms.model.DependencyTimeoutException;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.ExpiredImportTokenException;
import software.amazon.awssdk.services.kms.model.GetParametersForImportResponse;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.ImportKeyMaterialResponse;
import software.amazon.awssdk.services.kms.model.IncorrectKeyMaterialException;
import software.amazon.awssdk.services.kms.model.InvalidArnException;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.InvalidImportTokenException;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KmsInternalException;
import software.amazon.awssdk.services.kms.model.IncludeKeyMaterial;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.LimitExceededException;
import software.amazon.awssdk.services.kms.model.ListKeyRotationsResponse;
import software.amazon.awssdk.services.kms.model.MultiRegionKey;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.kms.model.OriginType;
import software.amazon.awssdk.services.kms.model.RotationsListEntry;
import software.amazon.awssdk.services.kms.model.UnsupportedOperationException;

import io.keyport.kms.CreateKeyRequest;
import io.keyport.kms.DataKey;
import io.keyport.kms.ExpirationModel;
import io.keyport.kms.ImportParameters;
import io.keyport.kms.ImportRequest;
import io.keyport.kms.ImportResult;
import io.keyport.kms.KeyMaterialVersion;
import io.keyport.kms.KeyOrigin;
import io.keyport.kms.KeyState;
import io.keyport.kms.KeyUsage;
import io.keyport.kms.KmsErrorCode;
import io.keyport.kms.KmsException;
import io.keyport.kms.KmsKey;
import io.keyport.kms.KmsProvider;
import io.keyport.kms.KmsPublicKey;
import io.keyport.kms.MultiRegionConfiguration;
import io.keyport.wrapping.KeySpec;
import io.keyport.wrapping.ImportRules;
import io.keyport.wrapping.Partition;
import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.wrapping.WrappingKeySpec;

/**
 * {@link KmsProvider} on AWS KMS with the SDK v2 sync client. The only place that knows
 * SDK types: requests are built from Keyport's values and SDK exceptions become
 * {@link KmsException}s that keep AWS's meaning.
 */
class AwsKmsProvider implements KmsProvider {

	/** AWS alias names; {@code alias/aws/} is reserved for AWS managed keys. */
	private static final Pattern ALIAS = Pattern.compile("alias/(?!aws/)[A-Za-z0-9/_-]{1,250}");

	private final KmsClient kms;

	private final KmsClient notRetried;

	private final Region region;

	private final Duration longestCall;

	private final Supplier<Optional<String>> account;

	private volatile String accountId;

	AwsKmsProvider(KmsClient kms) {
		this(kms, kms, Optional::empty);
	}

	/**
	 * @param account asks STS for the account of the client's credentials; called until
	 * it answers, then remembered
	 */
	/**
	 * @param notRetried the same client without the SDK's retries, for the calls a
	 * repetition is not safe for: none takes an idempotency token, so a CreateKey or
	 * ReplicateKey repeated after a lost answer makes a second key, and a repeated
	 * CreateAlias, deletion or rotation is refused for what the first did (Keyport finds
	 * out what a lost answer did and retries on its own); each GetParametersForImport
	 * attempt would spend the account's 0.25 requests/s outside Keyport's pace
	 */
	AwsKmsProvider(KmsClient kms, KmsClient notRetried, Supplier<Optional<String>> account) {
		this.account = account;
		this.kms = kms;
		this.notRetried = notRetried;
		// the region the client really uses: configured, or resolved by the SDK's chain
		// when it was built
		this.region = kms.serviceClientConfiguration().region();
		// without an API call timeout a call may hang indefinitely: no lease could
		// outlast it (a day stands for that)
		this.longestCall = kms.serviceClientConfiguration()
			.overrideConfiguration()
			.apiCallTimeout()
			.orElse(Duration.ofDays(1));
	}

	@Override
	public Optional<String> accountId() {
		String known = this.accountId;
		if (known == null) {
			known = this.account.get().orElse(null);
			this.accountId = known;
		}
		return Optional.ofNullable(known);
	}

	@Override
	public Duration longestCall() {
		return this.longestCall;
	}

	@Override
	public String region() {
		return this.region.id();
	}

	/**
	 * The AWS partition of the client's region, whose import rules apply ({@code cn-*}
	 * regions are China's).
	 */
	public Partition partition() {
		return Partition.ofRegion(this.region.id());
	}

	@Override
	public ImportRules importRules() {
		return ImportRules.aws(partition());
	}

	@Override
	public ImportRules importRules(String region) {
		return ImportRules.awsRegion(region);
	}

	@Override
	public boolean acceptsAlias(String alias) {
		return ALIAS.matcher(alias).matches();
	}

	@Override
	public KmsKey createExternalKey(CreateKeyRequest request) {
		return call("CreateKey",
				() -> toKey(this.notRetried
					.createKey(r -> r.origin(OriginType.EXTERNAL)
						.keySpec(request.keySpec().name())
						.keyUsage(request.keyUsage().name())
						.description(request.description())
						.multiRegion(request.multiRegion() ? Boolean.TRUE : null))
					.keyMetadata()));
	}

	@Override
	public void createAlias(String alias, String keyId) {
		call("CreateAlias", () -> this.notRetried.createAlias(r -> r.aliasName(alias).targetKeyId(keyId)));
	}

	@Override
	public void deleteAlias(String alias) {
		call("DeleteAlias", () -> this.kms.deleteAlias(r -> r.aliasName(alias)));
	}

	@Override
	public Instant scheduleKeyDeletion(String keyId, int pendingWindowDays) {
		return call("ScheduleKeyDeletion",
				() -> this.notRetried.scheduleKeyDeletion(r -> r.keyId(keyId).pendingWindowInDays(pendingWindowDays)))
			.deletionDate();
	}

	@Override
	public KmsKey describeKey(String keyId) {
		return call("DescribeKey", () -> toKey(this.kms.describeKey(r -> r.keyId(keyId)).keyMetadata()));
	}

	@Override
	public ImportParameters getParametersForImport(String keyId, WrappingAlgorithm algorithm,
			WrappingKeySpec wrappingKeySpec) {
		GetParametersForImportResponse response = call("GetParametersForImport",
				() -> this.notRetried.getParametersForImport(r -> r.keyId(keyId)
					.wrappingAlgorithm(AlgorithmSpec.fromValue(algorithm.name()))
					.wrappingKeySpec(wrappingKeySpec.name())));
		return new ImportParameters(response.keyId(), response.publicKey().asByteArray(),
				response.importToken().asByteArray(), response.parametersValidTo());
	}

	@Override
	public ImportResult importKeyMaterial(ImportRequest request) {
		ImportKeyMaterialResponse response = call("ImportKeyMaterial", () -> this.kms
			.importKeyMaterial(r -> r.keyId(request.keyId())
				.importToken(SdkBytes.fromByteArray(request.importToken()))
				.encryptedKeyMaterial(SdkBytes.fromByteArray(request.encryptedKeyMaterial().bytes()))
				.expirationModel(request.expirationModel().name())
				.validTo(request.expirationModel() == ExpirationModel.KEY_MATERIAL_EXPIRES ? request.validTo() : null)
				.importType((request.importType() != null) ? request.importType().name() : null)
				.keyMaterialId(request.keyMaterialId())
				.keyMaterialDescription(request.keyMaterialDescription())));
		return new ImportResult(response.keyId(), response.keyMaterialId());
	}

	@Override
	public void deleteImportedKeyMaterial(String keyId) {
		call("DeleteImportedKeyMaterial", () -> this.notRetried.deleteImportedKeyMaterial(r -> r.keyId(keyId)));
	}

	@Override
	public KmsPublicKey getPublicKey(String keyId) {
		GetPublicKeyResponse response = call("GetPublicKey", () -> this.kms.getPublicKey(r -> r.keyId(keyId)));
		List<String> algorithms = !response.encryptionAlgorithmsAsStrings().isEmpty()
				? response.encryptionAlgorithmsAsStrings() : !response.signingAlgorithmsAsStrings().isEmpty()
						? response.signingAlgorithmsAsStrings() : response.keyAgreementAlgorithmsAsStrings();
		return new KmsPublicKey(response.keyId(), response.publicKey().asByteArray(),
				enumOrNull(KeySpec.class, response.keySpecAsString()),
				enumOrNull(KeyUsage.class, response.keyUsageAsString()), List.copyOf(algorithms));
	}

	/**
	 * The SDK keeps the plaintext in its response's {@code SdkBytes}, which cannot be
	 * overwritten; Keyport's copy can.
	 */
	@Override
	public DataKey generateDataKey(String keyId, Map<String, String> encryptionContext) {
		GenerateDataKeyResponse response = call("GenerateDataKey", () -> this.kms
			.generateDataKey(r -> r.keyId(keyId).keySpec(DataKeySpec.AES_256).encryptionContext(encryptionContext)));
		return new DataKey(response.keyId(), response.plaintext().asByteArray(),
				response.ciphertextBlob().asByteArray());
	}

	@Override
	public DataKey decrypt(String keyId, byte[] ciphertextBlob, Map<String, String> encryptionContext) {
		DecryptResponse response = call("Decrypt",
				() -> this.kms.decrypt(r -> r.keyId(keyId)
					.ciphertextBlob(SdkBytes.fromByteArray(ciphertextBlob))
					.encryptionContext(encryptionContext)));
		return new DataKey(response.keyId(), response.plaintext().asByteArray(), ciphertextBlob);
	}

	@Override
	public void checkReachable() {
		call("ListKeys", () -> this.kms.listKeys(r -> r.limit(1)));
	}

	@Override
	public boolean supportsRotation() {
		return true;
	}

	@Override
	public boolean supportsMultiRegion() {
		return true;
	}

	@Override
	public boolean supportsDataKeys() {
		return true;
	}

	@Override
	public void rotateOnDemand(String keyId) {
		call("RotateKeyOnDemand", () -> this.notRetried.rotateKeyOnDemand(r -> r.keyId(keyId)));
	}

	@Override
	public List<KeyMaterialVersion> listKeyMaterials(String keyId) {
		List<KeyMaterialVersion> materials = new ArrayList<>();
		String marker = null;
		do {
			String page = marker;
			ListKeyRotationsResponse response = call("ListKeyRotations", () -> this.kms.listKeyRotations(
					r -> r.keyId(keyId).includeKeyMaterial(IncludeKeyMaterial.ALL_KEY_MATERIAL).marker(page)));
			response.rotations().forEach((entry) -> materials.add(toMaterial(entry)));
			marker = Boolean.TRUE.equals(response.truncated()) ? response.nextMarker() : null;
		}
		while (marker != null);
		return List.copyOf(materials);
	}

	@Override
	public KmsKey replicateKey(String keyId, String replicaRegion) {
		return call("ReplicateKey", () -> toKey(
				this.notRetried.replicateKey(r -> r.keyId(keyId).replicaRegion(replicaRegion)).replicaKeyMetadata()));
	}

	private static KeyMaterialVersion toMaterial(RotationsListEntry e) {
		return new KeyMaterialVersion(e.keyMaterialId(), e.keyMaterialDescription(),
				enumOrNull(KeyMaterialVersion.State.class, e.keyMaterialStateAsString()),
				// only EXTERNAL keys report an import state; generated material is
				// always in
				e.importStateAsString() == null || "IMPORTED".equals(e.importStateAsString()),
				enumOrNull(ExpirationModel.class, e.expirationModelAsString()), e.validTo(), e.rotationDate(),
				enumOrNull(KeyMaterialVersion.RotationType.class, e.rotationTypeAsString()));
	}

	private static KmsKey toKey(KeyMetadata m) {
		return new KmsKey(m.keyId(), m.arn(), toState(m.keyStateAsString()),
				enumOrNull(KeyOrigin.class, m.originAsString()), enumOrNull(KeySpec.class, m.keySpecAsString()),
				enumOrNull(KeyUsage.class, m.keyUsageAsString()), m.description(), m.creationDate(),
				enumOrNull(ExpirationModel.class, m.expirationModelAsString()), m.validTo(), m.deletionDate(),
				m.currentKeyMaterialId(), toMultiRegion(m));
	}

	private static MultiRegionConfiguration toMultiRegion(KeyMetadata m) {
		if (!Boolean.TRUE.equals(m.multiRegion()) || m.multiRegionConfiguration() == null) {
			return null;
		}
		var configuration = m.multiRegionConfiguration();
		return new MultiRegionConfiguration(
				enumOrNull(MultiRegionConfiguration.Role.class, configuration.multiRegionKeyTypeAsString()),
				toRegionalKey(configuration.primaryKey()),
				configuration.replicaKeys().stream().map(AwsKmsProvider::toRegionalKey).toList());
	}

	private static MultiRegionConfiguration.RegionalKey toRegionalKey(MultiRegionKey key) {
		return (key != null) ? new MultiRegionConfiguration.RegionalKey(key.arn(), key.region()) : null;
	}

	/** AWS spells states in PascalCase ({@code PendingImport}). */
	private static KeyState toState(String awsState) {
		if (awsState == null) {
			return null;
		}
		String constant = awsState.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
		return enumOrNull(KeyState.class, constant);
	}

	private static <E extends Enum<E>> E enumOrNull(Class<E> type, String value) {
		if (value == null) {
			return null;
		}
		try {
			return Enum.valueOf(type, value);
		}
		catch (IllegalArgumentException ex) {
			// a value newer than Keyport knows: shown as unknown rather than failing the
			// whole call
			return null;
		}
	}

	private static <T> T call(String operation, Supplier<T> call) {
		try {
			return call.get();
		}
		catch (SdkException ex) {
			throw translate(operation, ex);
		}
		catch (AssumedRoleCredentials.Failure ex) {
			// STS refused or failed: KMS was never called
			throw KmsException.notSent(ex.code(), operation, ex.getMessage(), ex.getCause());
		}
	}

	/**
	 * Whether no attempt of the call reached KMS: the last failure and every earlier
	 * attempt's found no connection. The SDK keeps an earlier attempt only as the text of
	 * a suppressed exception, so that is read; any other text counts as maybe sent.
	 */
	static boolean neverConnected(SdkException ex) {
		if (!(ex instanceof SdkClientException) || !connectFailure(ex)) {
			return false;
		}
		for (Throwable attempt : ex.getSuppressed()) {
			if (!connectFailure(attempt)
					&& (attempt.getMessage() == null || !CONNECT_FAILED.matcher(attempt.getMessage()).find())) {
				return false;
			}
		}
		return true;
	}

	private static boolean connectFailure(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof ConnectException || cause instanceof UnknownHostException
					|| cause instanceof NoRouteToHostException
					|| "org.apache.http.conn.ConnectTimeoutException".equals(cause.getClass().getName())) {
				return true;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return false;
	}

	/**
	 * An attempt that found no connection as the SDK describes it: Apache's refused or
	 * timed-out connect, or a host name that did not resolve.
	 */
	private static final Pattern CONNECT_FAILED = Pattern.compile("Unable to execute HTTP request: (Connect to \\S+ .*"
			+ "failed: |[^\\s:]+: (Name or service not known|Temporary failure in name resolution|nodename nor servname))");

	/** AWS's common errors for requests whose identity KMS rejects. */
	private static final Set<String> CREDENTIAL_ERRORS = Set.of("AccessDeniedException", "UnrecognizedClientException",
			"InvalidSignatureException", "IncompleteSignature", "IncompleteSignatureException",
			"MissingAuthenticationToken", "MissingAuthenticationTokenException", "InvalidClientTokenId",
			"ExpiredTokenException", "ExpiredToken", "SignatureDoesNotMatch");

	static KmsException translate(String operation, SdkException ex) {
		KmsErrorCode code = switch (ex) {
			case NotFoundException e -> KmsErrorCode.KEY_NOT_FOUND;
			case InvalidArnException e -> KmsErrorCode.INVALID_KEY_ID;
			case KmsInvalidStateException e -> KmsErrorCode.INVALID_KEY_STATE;
			case DisabledException e -> KmsErrorCode.INVALID_KEY_STATE;
			case UnsupportedOperationException e -> KmsErrorCode.UNSUPPORTED_OPERATION;
			case AlreadyExistsException e -> KmsErrorCode.ALREADY_EXISTS;
			// another rotation of the key is in progress: its state does not allow
			// this now
			case ConflictException e -> KmsErrorCode.INVALID_KEY_STATE;
			case ExpiredImportTokenException e -> KmsErrorCode.EXPIRED_IMPORT_TOKEN;
			case InvalidImportTokenException e -> KmsErrorCode.INVALID_IMPORT_TOKEN;
			case InvalidCiphertextException e -> KmsErrorCode.INVALID_CIPHERTEXT;
			// Decrypt with a key that did not encrypt the blob
			case IncorrectKeyException e -> KmsErrorCode.INVALID_CIPHERTEXT;
			case InvalidKeyUsageException e -> KmsErrorCode.UNSUPPORTED_OPERATION;
			case KeyUnavailableException e -> KmsErrorCode.UNAVAILABLE;
			case IncorrectKeyMaterialException e -> KmsErrorCode.INCORRECT_KEY_MATERIAL;
			case LimitExceededException e -> KmsErrorCode.LIMIT_EXCEEDED;
			case DependencyTimeoutException e -> KmsErrorCode.DEPENDENCY_TIMEOUT;
			case KmsInternalException e -> KmsErrorCode.INTERNAL;
			case AwsServiceException e when e.isThrottlingException() -> KmsErrorCode.THROTTLED;
			case AwsServiceException e when e.statusCode() >= 500 -> KmsErrorCode.UNAVAILABLE;
			// the request's credentials or signature were rejected (most with HTTP 400):
			// Keyport's access is broken, not the caller's input
			case AwsServiceException e when e.statusCode() == 403 || CREDENTIAL_ERRORS.contains(errorCode(e)) ->
				KmsErrorCode.ACCESS_DENIED;
			case AwsServiceException e -> KmsErrorCode.VALIDATION;
			case SdkClientException e -> KmsErrorCode.UNAVAILABLE;
			default -> KmsErrorCode.INTERNAL;
		};
		return neverConnected(ex) ? KmsException.notSent(code, operation, message(ex), ex)
				: new KmsException(code, operation, message(ex), ex);
	}

	private static String errorCode(AwsServiceException e) {
		return e.awsErrorDetails() != null ? e.awsErrorDetails().errorCode() : null;
	}

	private static String message(SdkException ex) {
		if (ex instanceof AwsServiceException service && service.awsErrorDetails() != null
				&& service.awsErrorDetails().errorMessage() != null) {
			return service.awsErrorDetails().errorMessage();
		}
		return ex.getMessage();
	}

}
