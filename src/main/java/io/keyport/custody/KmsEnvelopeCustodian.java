package io.keyport.custody;

import java.util.Map;
import java.util.UUID;

import io.keyport.kms.DataKey;
import io.keyport.kms.KmsErrorCode;
import io.keyport.kms.KmsException;
import io.keyport.kms.KmsTarget;
import io.keyport.wrapping.KeyMaterialWrapper;

/**
 * Keeps material sealed under a fresh AES-256 data key per material from a custody KMS
 * key (GenerateDataKey); only the data key's ciphertext blob is stored. A wrap decrypts
 * the data key (Decrypt) for that moment only. The encryption context binds the blob to
 * the custodian and the material's id.
 */
final class KmsEnvelopeCustodian extends SealingCustodian {

	static final String TYPE = "kms-envelope";

	private final KmsTarget target;

	private final String keyId;

	KmsEnvelopeCustodian(String name, KmsTarget target, String keyId, SealedMaterialStore store,
			KeyMaterialWrapper wrapper) {
		super(name, store, wrapper);
		this.target = target;
		this.keyId = keyId;
	}

	@Override
	public String type() {
		return TYPE;
	}

	@Override
	SealingKey newKey(UUID id, String keySpec) {
		DataKey dataKey;
		try {
			dataKey = this.target.kms().generateDataKey(this.keyId, context(id, keySpec));
		}
		catch (KmsException ex) {
			throw translate(ex, "GenerateDataKey");
		}
		// the plaintext buffer is handed over and overwritten by the caller
		return new SealingKey(dataKey.plaintext(), this.target.name(), dataKey.keyId(), dataKey.ciphertextBlob());
	}

	@Override
	byte[] keyOf(SealedMaterialStore.Row row) {
		try {
			// the key that encrypted the blob (its ARN), not today's configured alias
			return this.target.kms()
				.decrypt(row.kmsKeyId(), row.encryptedDataKey(), context(row.id(), row.keySpec()))
				.plaintext();
		}
		catch (KmsException ex) {
			throw translate(ex, "Decrypt");
		}
	}

	private Map<String, String> context(UUID id, String keySpec) {
		return Map.of("keyport:custodian", name(), "keyport:custody-id", id.toString(), "keyport:key-spec", keySpec);
	}

	private CustodyException translate(KmsException ex, String operation) {
		CustodyException.Reason reason = ex.isTransient() ? CustodyException.Reason.UNAVAILABLE
				: (ex.errorCode() == KmsErrorCode.INVALID_CIPHERTEXT) ? CustodyException.Reason.INTEGRITY
						: CustodyException.Reason.REFUSED;
		return new CustodyException(reason, name(), "custody KMS key of custodian " + name() + " (target "
				+ this.target.name() + ") refused " + operation + ": " + ex.errorCode().code(), ex);
	}

}
