package io.keyport.emulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One KMS key. Identity and configuration are immutable; the lifecycle fields are guarded
 * by the key's monitor. No imported plaintext material is kept: symmetric and HMAC keys
 * keep a digest to recognise reimports, asymmetric keys their public key.
 */
final class EmulatedKey {

	static final String ORIGIN_AWS_KMS = "AWS_KMS";

	static final String ORIGIN_EXTERNAL = "EXTERNAL";

	static final String EXPIRES = "KEY_MATERIAL_EXPIRES";

	static final String DOES_NOT_EXPIRE = "KEY_MATERIAL_DOES_NOT_EXPIRE";

	enum State {

		Creating, Enabled, Disabled, PendingDeletion, PendingImport

	}

	/**
	 * A new replica is Creating until then ({@link System#nanoTime()}); 0 for a key that
	 * never was. Real time, not the emulator's clock, which tests hold still.
	 */
	volatile long creatingUntilNanos;

	final String id;

	final String arn;

	final long sequence;

	final Instant creationDate;

	final EmulatedKeySpec spec;

	final String usage;

	final String origin;

	final String description;

	final boolean multiRegion;

	/**
	 * The multi-Region key this key belongs to (primary or replica), shared by its
	 * members in every region; {@code null} for single-Region keys.
	 */
	final EmulatedMultiRegionKey multiRegionKey;

	// Guarded by this.

	/**
	 * Whether the key is meant to be usable; the state also needs material and no pending
	 * deletion.
	 */
	boolean enabled = true;

	/**
	 * Every material the key has had, oldest first: at most one current, at most one
	 * pending rotation, the others non-current (kept for decryption).
	 */
	final List<Material> materials = new ArrayList<>();

	/**
	 * The emulator's own AES-256 secret of an AWS_KMS symmetric ENCRYPT_DECRYPT key, for
	 * GenerateDataKey and Decrypt; never imported material.
	 */
	byte[] secret;

	/** DER SubjectPublicKeyInfo of asymmetric keys once their material exists. */
	byte[] publicKey;

	/**
	 * The RSA wrapping key pair of the key's latest parameters: the next set gets
	 * another, as every AWS parameter set has its own, so material wrapped under an
	 * earlier set's public key never imports with a later set's token.
	 */
	java.security.KeyPair lastWrappingKey;

	/** ExpirationModel of the last import of the current material. */
	String expirationModel;

	Instant deletionDate;

	/** One key material (AWS: a KeyMaterialId), known by its digest only. */
	static final class Material {

		enum State {

			CURRENT, NON_CURRENT, PENDING_ROTATION

		}

		final String id;

		/** Digest of the material; a reimport must match it. */
		final byte[] identity;

		State state;

		/** Whether the material is in KMS now (ImportState IMPORTED). */
		boolean imported;

		String description;

		String expirationModel;

		Instant validTo;

		/** When it became current by a rotation, else {@code null}. */
		Instant rotationDate;

		String rotationType;

		Material(String id, byte[] identity, State state) {
			this.id = id;
			this.identity = identity;
			this.state = state;
		}

	}

	EmulatedKey(String id, String arn, long sequence, Instant creationDate, EmulatedKeySpec spec, String usage,
			String origin, String description, EmulatedMultiRegionKey multiRegionKey) {
		this.id = id;
		this.arn = arn;
		this.sequence = sequence;
		this.creationDate = creationDate;
		this.spec = spec;
		this.usage = usage;
		this.origin = origin;
		this.description = description;
		this.multiRegion = multiRegionKey != null;
		this.multiRegionKey = multiRegionKey;
	}

	boolean isExternal() {
		return ORIGIN_EXTERNAL.equals(this.origin);
	}

	synchronized Material current() {
		return find(Material.State.CURRENT);
	}

	synchronized Material pendingRotation() {
		return find(Material.State.PENDING_ROTATION);
	}

	synchronized Material material(String keyMaterialId) {
		return this.materials.stream().filter((m) -> m.id.equals(keyMaterialId)).findFirst().orElse(null);
	}

	private Material find(Material.State state) {
		return this.materials.stream().filter((m) -> m.state == state).findFirst().orElse(null);
	}

	/** Whether the current material is in KMS, so the key can be used. */
	synchronized boolean hasMaterial() {
		Material current = current();
		return current != null && current.imported;
	}

	/** ValidTo of the current material while it is in KMS. */
	synchronized Instant validTo() {
		Material current = current();
		return (current != null && current.imported) ? current.validTo : null;
	}

	synchronized State state() {
		if (this.creatingUntilNanos != 0 && System.nanoTime() - this.creatingUntilNanos < 0) {
			return State.Creating;
		}
		if (this.deletionDate != null) {
			return State.PendingDeletion;
		}
		if (!hasMaterial()) {
			return State.PendingImport;
		}
		return this.enabled ? State.Enabled : State.Disabled;
	}

	/**
	 * Material past its ValidTo is deleted when the key is next looked at, as KMS does on
	 * expiry: the current material's expiry makes the key PendingImport, another
	 * material's only that material (ImportState PENDING_IMPORT).
	 */
	synchronized void expireMaterial(Instant now) {
		for (Material material : this.materials) {
			if (material.imported && material.validTo != null && !now.isBefore(material.validTo)) {
				deleteMaterial(material);
			}
		}
	}

	/**
	 * The material leaves KMS (it stays listed for a reimport). Its ExpirationModel stays
	 * (it describes the last import); ValidTo goes since nothing is left to expire.
	 */
	synchronized void deleteMaterial(Material material) {
		material.imported = false;
		material.validTo = null;
	}

	synchronized boolean isDeleted(Instant now) {
		return this.deletionDate != null && !now.isBefore(this.deletionDate);
	}

}
