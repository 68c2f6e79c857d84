package io.keyport.emulator;

import java.time.Instant;

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

		Enabled, Disabled, PendingDeletion, PendingImport

	}

	final String id;

	final String arn;

	final long sequence;

	final Instant creationDate;

	final EmulatedKeySpec spec;

	final String usage;

	final String origin;

	final String description;

	final boolean multiRegion;

	// Guarded by this.

	/**
	 * Whether the key is meant to be usable; the state also needs material and no pending
	 * deletion.
	 */
	boolean enabled = true;

	boolean hasMaterial;

	/** Digest of the first imported material; every reimport must match it. */
	byte[] materialIdentity;

	/**
	 * The emulator's own AES-256 secret of an AWS_KMS symmetric ENCRYPT_DECRYPT key, for
	 * GenerateDataKey and Decrypt; never imported material.
	 */
	byte[] secret;

	/** DER SubjectPublicKeyInfo of asymmetric keys once their material exists. */
	byte[] publicKey;

	String keyMaterialId;

	String expirationModel;

	Instant validTo;

	Instant deletionDate;

	EmulatedKey(String id, String arn, long sequence, Instant creationDate, EmulatedKeySpec spec, String usage,
			String origin, String description, boolean multiRegion) {
		this.id = id;
		this.arn = arn;
		this.sequence = sequence;
		this.creationDate = creationDate;
		this.spec = spec;
		this.usage = usage;
		this.origin = origin;
		this.description = description;
		this.multiRegion = multiRegion;
	}

	boolean isExternal() {
		return ORIGIN_EXTERNAL.equals(this.origin);
	}

	synchronized State state() {
		if (this.deletionDate != null) {
			return State.PendingDeletion;
		}
		if (!this.hasMaterial) {
			return State.PendingImport;
		}
		return this.enabled ? State.Enabled : State.Disabled;
	}

	/**
	 * Material past its ValidTo is deleted when the key is next looked at, as KMS does on
	 * expiry.
	 */
	synchronized void expireMaterial(Instant now) {
		if (this.hasMaterial && this.validTo != null && !now.isBefore(this.validTo)) {
			deleteMaterial();
		}
	}

	/**
	 * The key loses its material and goes back to PendingImport. ExpirationModel stays
	 * (it describes the last import); ValidTo goes since no material is left to expire.
	 */
	synchronized void deleteMaterial() {
		this.hasMaterial = false;
		this.validTo = null;
	}

	synchronized boolean isDeleted(Instant now) {
		return this.deletionDate != null && !now.isBefore(this.deletionDate);
	}

}
