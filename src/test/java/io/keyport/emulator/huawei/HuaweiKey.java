package io.keyport.emulator.huawei;

import java.time.Instant;

/**
 * One Huawei KMS key. Identity and configuration are immutable; the lifecycle fields are
 * guarded by the key's monitor. No plaintext is kept: symmetric keys keep a digest of
 * their material to recognise reimports, asymmetric keys their public key.
 */
final class HuaweiKey {

	static final String ORIGIN_EXTERNAL = "external";

	static final String ORIGIN_KMS = "kms";

	final String id;

	final String alias;

	final HuaweiKeySpec spec;

	final String usage;

	final String description;

	final String origin;

	final Instant creationDate;

	final long sequence;

	// Guarded by this.

	/**
	 * State "1" (waiting for activation) until this many describe-key calls have seen it.
	 */
	int describesBeforeActive;

	boolean creating;

	boolean enabled = true;

	boolean frozen;

	boolean hasMaterial;

	/** Digest of the first imported material (or public key); reimports must match it. */
	byte[] materialIdentity;

	/** DER SubjectPublicKeyInfo of an asymmetric key once its material exists. */
	byte[] publicKey;

	/** When the material expires; null: never (or no material). */
	Instant materialExpiry;

	Instant deletionDate;

	HuaweiKey(String id, String alias, HuaweiKeySpec spec, String usage, String description, String origin,
			Instant creationDate, long sequence) {
		this.id = id;
		this.alias = alias;
		this.spec = spec;
		this.usage = usage;
		this.description = description;
		this.origin = origin;
		this.creationDate = creationDate;
		this.sequence = sequence;
	}

	boolean isExternal() {
		return ORIGIN_EXTERNAL.equals(this.origin);
	}

	/**
	 * Huawei's state code: 1 creating, 2 enabled, 3 disabled, 4 pending deletion, 5
	 * pending import, 7 frozen.
	 */
	synchronized String state() {
		if (this.frozen) {
			return "7";
		}
		if (this.deletionDate != null) {
			return "4";
		}
		if (this.creating) {
			return "1";
		}
		if (!this.hasMaterial) {
			return "5";
		}
		return this.enabled ? "2" : "3";
	}

	/**
	 * Material past its expiration time is gone, as KMS deletes it; the key waits for
	 * import again.
	 */
	synchronized void expireMaterial(Instant now) {
		if (this.hasMaterial && this.materialExpiry != null && !now.isBefore(this.materialExpiry)) {
			deleteMaterial();
		}
	}

	synchronized void deleteMaterial() {
		this.hasMaterial = false;
		this.materialExpiry = null;
	}

	synchronized boolean isDeleted(Instant now) {
		return this.deletionDate != null && !now.isBefore(this.deletionDate);
	}

}
