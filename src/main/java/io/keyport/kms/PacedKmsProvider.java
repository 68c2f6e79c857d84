package io.keyport.kms;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keyport.wrapping.ImportRules;
import io.keyport.wrapping.KeySpec;
import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.wrapping.WrappingKeySpec;

/**
 * Puts every call of a provider adapter through the {@link KmsRateLimiter} and tells the
 * {@link KmsCallListener}s how it ended. Provider-neutral: it wraps whichever adapter is
 * configured.
 */
public final class PacedKmsProvider implements KmsProvider {

	private static final Logger log = LoggerFactory.getLogger(PacedKmsProvider.class);

	private final String target;

	private final KmsProvider delegate;

	private final KmsRateLimiter limiter;

	private final List<KmsCallListener> listeners;

	private final ObservationRegistry observations;

	/** Calls of every target in flight, or {@code null} for no bound. */
	private final KmsCallsInFlight inFlight;

	public PacedKmsProvider(String target, KmsProvider delegate, KmsRateLimiter limiter,
			List<KmsCallListener> listeners, ObservationRegistry observations) {
		this(target, delegate, limiter, listeners, observations, null);
	}

	public PacedKmsProvider(String target, KmsProvider delegate, KmsRateLimiter limiter,
			List<KmsCallListener> listeners, ObservationRegistry observations, KmsCallsInFlight inFlight) {
		this.target = target;
		this.delegate = delegate;
		this.limiter = limiter;
		this.listeners = List.copyOf(listeners);
		this.observations = observations;
		this.inFlight = inFlight;
	}

	/** The pace this target's calls keep. */
	public KmsRateLimiter limiter() {
		return this.limiter;
	}

	@Override
	public String region() {
		return this.delegate.region();
	}

	@Override
	public ImportRules importRules() {
		return this.delegate.importRules();
	}

	@Override
	public ImportRules importRules(String region) {
		return this.delegate.importRules(region);
	}

	@Override
	public List<KeyUsage> keyUsages(KeySpec keySpec) {
		return this.delegate.keyUsages(keySpec);
	}

	@Override
	public boolean acceptsImportIn(KeyState state) {
		return this.delegate.acceptsImportIn(state);
	}

	@Override
	public boolean aliasAtCreation() {
		return this.delegate.aliasAtCreation();
	}

	@Override
	public boolean acceptsAlias(String alias) {
		return this.delegate.acceptsAlias(alias);
	}

	/** Not a KMS call: neither paced nor audited. */
	@Override
	public Optional<String> accountId() {
		return this.delegate.accountId();
	}

	@Override
	public Duration longestCall() {
		return this.delegate.longestCall().plus(this.limiter.maxWait());
	}

	@Override
	public KmsKey createExternalKey(CreateKeyRequest request) {
		return call("CreateKey", null, () -> this.delegate.createExternalKey(request));
	}

	@Override
	public void createAlias(String alias, String keyId) {
		call("CreateAlias", keyId, () -> {
			this.delegate.createAlias(alias, keyId);
			return null;
		});
	}

	@Override
	public void deleteAlias(String alias) {
		call("DeleteAlias", alias, () -> {
			this.delegate.deleteAlias(alias);
			return null;
		});
	}

	@Override
	public Instant scheduleKeyDeletion(String keyId, int pendingWindowDays) {
		return call("ScheduleKeyDeletion", keyId, () -> this.delegate.scheduleKeyDeletion(keyId, pendingWindowDays));
	}

	@Override
	public KmsKey describeKey(String keyId) {
		return call("DescribeKey", keyId, () -> this.delegate.describeKey(keyId));
	}

	@Override
	public ImportParameters getParametersForImport(String keyId, WrappingAlgorithm algorithm,
			WrappingKeySpec wrappingKeySpec) {
		return call("GetParametersForImport", keyId,
				() -> this.delegate.getParametersForImport(keyId, algorithm, wrappingKeySpec));
	}

	@Override
	public ImportResult importKeyMaterial(ImportRequest request) {
		return call("ImportKeyMaterial", request.keyId(), () -> this.delegate.importKeyMaterial(request));
	}

	@Override
	public void deleteImportedKeyMaterial(String keyId) {
		call("DeleteImportedKeyMaterial", keyId, () -> {
			this.delegate.deleteImportedKeyMaterial(keyId);
			return null;
		});
	}

	@Override
	public KmsPublicKey getPublicKey(String keyId) {
		return call("GetPublicKey", keyId, () -> this.delegate.getPublicKey(keyId));
	}

	@Override
	public DataKey generateDataKey(String keyId, Map<String, String> encryptionContext) {
		return call("GenerateDataKey", keyId, () -> this.delegate.generateDataKey(keyId, encryptionContext));
	}

	@Override
	public DataKey decrypt(String keyId, byte[] ciphertextBlob, Map<String, String> encryptionContext) {
		return call("Decrypt", keyId, () -> this.delegate.decrypt(keyId, ciphertextBlob, encryptionContext));
	}

	@Override
	public void checkReachable() {
		call("ListKeys", null, () -> {
			this.delegate.checkReachable();
			return null;
		});
	}

	@Override
	public boolean supportsRotation() {
		return this.delegate.supportsRotation();
	}

	@Override
	public boolean supportsMultiRegion() {
		return this.delegate.supportsMultiRegion();
	}

	@Override
	public boolean supportsDataKeys() {
		return this.delegate.supportsDataKeys();
	}

	@Override
	public void rotateOnDemand(String keyId) {
		call("RotateKeyOnDemand", keyId, () -> {
			this.delegate.rotateOnDemand(keyId);
			return null;
		});
	}

	@Override
	public List<KeyMaterialVersion> listKeyMaterials(String keyId) {
		return call("ListKeyRotations", keyId, () -> this.delegate.listKeyMaterials(keyId));
	}

	@Override
	public KmsKey replicateKey(String keyId, String replicaRegion) {
		return call("ReplicateKey", keyId, () -> this.delegate.replicateKey(keyId, replicaRegion));
	}

	/**
	 * One paced, observed call: the observation {@code keyport.kms.calls} (a timer per
	 * operation and outcome, and a span where tracing is on; the key only as a
	 * high-cardinality value), then the listeners.
	 */
	private <T> T call(String operation, String keyId, Supplier<T> call) {
		long start = System.nanoTime();
		KmsErrorCode error = null;
		Observation observation = Observation.createNotStarted("keyport.kms.calls", this.observations)
			.contextualName("kms " + operation)
			.lowCardinalityKeyValue("operation", operation)
			.lowCardinalityKeyValue("target", this.target)
			.highCardinalityKeyValue("kms.key", keyId != null ? keyId : "none")
			.start();
		boolean entered = false;
		try (Observation.Scope scope = observation.openScope()) {
			if (this.inFlight != null) {
				// before the pace's wait: a thread waiting for a permit is held as long
				this.inFlight.enter(operation);
				entered = true;
			}
			this.limiter.acquireCall(operation);
			T result = call.get();
			if (keyId == null && result instanceof KmsKey key) {
				keyId = key.arn();
			}
			return result;
		}
		catch (KmsException ex) {
			error = ex.errorCode();
			throw ex;
		}
		catch (RuntimeException ex) {
			error = KmsErrorCode.INTERNAL;
			throw ex;
		}
		finally {
			if (entered) {
				this.inFlight.exit();
			}
			this.limiter.endCall();
			KmsCallListener.KmsCall outcome = new KmsCallListener.KmsCall(this.target, operation, keyId, error,
					Duration.ofNanos(System.nanoTime() - start));
			observation.lowCardinalityKeyValue("outcome", outcome.outcome()).stop();
			notify(outcome);
		}
	}

	private void notify(KmsCallListener.KmsCall call) {
		for (KmsCallListener listener : this.listeners) {
			try {
				listener.onCall(call);
			}
			catch (RuntimeException ex) {
				// a failing listener must not turn a KMS outcome into another one
				log.warn("KMS call listener {} failed", listener.getClass().getSimpleName(), ex);
			}
		}
	}

}
