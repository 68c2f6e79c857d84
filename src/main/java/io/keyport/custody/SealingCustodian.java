package io.keyport.custody;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.UUID;

import io.keyport.wrapping.EncryptedKeyMaterial;
import io.keyport.wrapping.ImportSpec;
import io.keyport.wrapping.KeyMaterial;
import io.keyport.wrapping.KeyMaterialWrapper;
import io.keyport.wrapping.KeySpec;
import io.keyport.wrapping.MaterialSealing;
import io.keyport.wrapping.WrappingException;
import io.keyport.wrapping.WrappingPublicKey;

/**
 * A custodian that keeps material AES-256-GCM-sealed in {@code custody_material} under a
 * per-material key it gets from somewhere (a KMS data key, a local file's key). Plaintext
 * exists only in byte arrays overwritten in {@code finally}.
 */
abstract class SealingCustodian implements Custodian {

	private static final SecureRandom RANDOM = new SecureRandom();

	private final String name;

	private final SealedMaterialStore store;

	private final KeyMaterialWrapper wrapper;

	SealingCustodian(String name, SealedMaterialStore store, KeyMaterialWrapper wrapper) {
		this.name = name;
		this.store = store;
		this.wrapper = wrapper;
	}

	/**
	 * A sealing key for a new material, with what must be stored to get it back.
	 *
	 * @param key 32 bytes the caller overwrites after use
	 */
	record SealingKey(byte[] key, String kmsTarget, String kmsKeyId, byte[] encryptedDataKey) {

		@Override
		public String toString() {
			return "SealingKey[redacted]";
		}

	}

	/** A fresh sealing key for material {@code id}. */
	abstract SealingKey newKey(UUID id, String keySpec);

	/** The sealing key of a stored row; 32 bytes the caller overwrites after use. */
	abstract byte[] keyOf(SealedMaterialStore.Row row);

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public CustodyReference store(KeyMaterial material, KeySpec keySpec) {
		UUID id = UUID.randomUUID();
		SealingKey key = newKey(id, keySpec.name());
		byte[] nonce = new byte[MaterialSealing.NONCE_LENGTH];
		RANDOM.nextBytes(nonce);
		byte[] ciphertext;
		try {
			ciphertext = MaterialSealing.seal(material, key.key(), nonce,
					SealedMaterialStore.additionalData(this.name, id, keySpec.name()));
		}
		finally {
			Arrays.fill(key.key(), (byte) 0);
		}
		this.store.insert(new SealedMaterialStore.Row(id, this.name, keySpec.name(), key.kmsTarget(), key.kmsKeyId(),
				key.encryptedDataKey(), nonce, ciphertext));
		return new CustodyReference(this.name, id.toString());
	}

	/**
	 * Random symmetric or HMAC material of the key spec's length, kept like an upload.
	 * Private keys are not generated here (their PKCS#8 would pass through the JDK's
	 * BigIntegers, which cannot be overwritten).
	 */
	@Override
	public CustodyReference generate(KeySpec keySpec, int length) {
		if (!keySpec.isSymmetricOrHmac()) {
			throw new CustodyException(CustodyException.Reason.UNSUPPORTED, this.name,
					"custodian " + this.name + " generates symmetric and HMAC material only, not " + keySpec);
		}
		byte[] bytes = new byte[length];
		RANDOM.nextBytes(bytes);
		try (KeyMaterial material = KeyMaterial.takeOwnership(bytes)) {
			return store(material, keySpec);
		}
	}

	@Override
	public EncryptedKeyMaterial wrapForImport(CustodyReference reference, WrappingPublicKey wrappingKey,
			ImportSpec spec) {
		SealedMaterialStore.Row row = find(reference);
		if (!row.keySpec().equals(spec.keySpec().name())) {
			throw new CustodyException(CustodyException.Reason.UNSUPPORTED, this.name, "custody material "
					+ reference.id() + " was kept for " + row.keySpec() + ", not " + spec.keySpec());
		}
		byte[] key = keyOf(row);
		KeyMaterial material;
		try {
			material = MaterialSealing.open(row.ciphertext(), key, row.nonce(),
					SealedMaterialStore.additionalData(this.name, row.id(), row.keySpec()));
		}
		catch (WrappingException ex) {
			throw new CustodyException(CustodyException.Reason.INTEGRITY, this.name,
					"custody material " + reference.id() + " does not open under its key (changed row or key)");
		}
		finally {
			Arrays.fill(key, (byte) 0);
		}
		try (material) {
			return this.wrapper.wrap(material, spec, wrappingKey);
		}
	}

	@Override
	public void destroy(CustodyReference reference) {
		this.store.delete(this.name, SealedMaterialStore.id(checkOwn(reference)));
	}

	private SealedMaterialStore.Row find(CustodyReference reference) {
		UUID id = SealedMaterialStore.id(checkOwn(reference));
		return this.store.find(this.name, id)
			.orElseThrow(() -> new CustodyException(CustodyException.Reason.MATERIAL_NOT_FOUND, this.name,
					"custodian " + this.name + " has no material " + id));
	}

	CustodyReference checkOwn(CustodyReference reference) {
		if (!this.name.equals(reference.custodian())) {
			throw new CustodyException(CustodyException.Reason.MATERIAL_NOT_FOUND, this.name,
					"reference of custodian " + reference.custodian() + " given to custodian " + this.name);
		}
		return reference;
	}

}
