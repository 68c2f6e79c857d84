package io.keyport.importjob;

import java.util.EnumSet;
import java.util.Set;

/**
 * States of an import job. The allowed transitions are listed here, in one place;
 * {@link ImportJob} refuses any other.
 */
public enum ImportJobState {

	/** Wrapping key and import token held; waiting for key material. */
	PARAMETERS_FETCHED,

	/** Encrypted material held; the import is pending or being retried. */
	MATERIAL_WRAPPED,

	/**
	 * A multi-Region job: the primary key holds the material, one or more replicas still
	 * wait for their own import (retried on their own, see the job's replicas).
	 */
	REPLICATING,

	/** The material is in the KMS key (and in every replica of a multi-Region job). */
	IMPORTED,

	/**
	 * A rotation job's new material is in the KMS key (imported with ImportType
	 * NEW_KEY_MATERIAL) and waits to become the key's current material; IMPORTED once
	 * rotated (on import, at a set time or on request).
	 */
	IMPORTED_PENDING_ROTATION,

	/**
	 * The wrapping key and token lapsed (or were refused) before an import; new
	 * parameters are needed.
	 */
	PARAMETERS_EXPIRED,

	/**
	 * The imported material passed its ValidTo; the same material must be imported again.
	 */
	MATERIAL_EXPIRED,

	/**
	 * Terminal: a later job imported into the same key (a renewal or re-import), so this
	 * job's material and ValidTo are no longer the key's; the newer job is watched
	 * instead.
	 */
	SUPERSEDED,

	/** Terminal: the job cannot go on (see its error code). */
	FAILED,

	/** Terminal: stopped on request or as abandoned. */
	CANCELLED;

	private Set<ImportJobState> next;

	static {
		// to IMPORTED (also from PARAMETERS_EXPIRED): KMS accepted an import sent
		// while the job was wrapped, after the job had moved on meanwhile; the key
		// holds the material, so that is what the job records
		// to MATERIAL_EXPIRED (also from PARAMETERS_EXPIRED): a job waiting to import
		// again material KMS took, kept in custody, rests there when abandoned
		PARAMETERS_FETCHED.next = EnumSet.of(PARAMETERS_FETCHED, MATERIAL_WRAPPED, REPLICATING, IMPORTED,
				IMPORTED_PENDING_ROTATION, PARAMETERS_EXPIRED, MATERIAL_EXPIRED, FAILED, CANCELLED);
		// back to PARAMETERS_FETCHED when KMS refused the material itself (wrong
		// wrapping, wrong material); MATERIAL_EXPIRED when a job keeping material in
		// custody that KMS may hold is abandoned while wrapped (it rests)
		MATERIAL_WRAPPED.next = EnumSet.of(MATERIAL_WRAPPED, REPLICATING, IMPORTED, IMPORTED_PENDING_ROTATION,
				PARAMETERS_FETCHED, PARAMETERS_EXPIRED, MATERIAL_EXPIRED, FAILED, CANCELLED);
		// a multi-Region job once its primary holds the material: IMPORTED when the
		// last replica is; MATERIAL_EXPIRED when the ValidTo passes first (no
		// replica can take the material after it). Never CANCELLED: the primary key
		// holds the material, and a cancelled job is no longer watched
		REPLICATING.next = EnumSet.of(IMPORTED, MATERIAL_EXPIRED, SUPERSEDED, FAILED);
		// back to REPLICATING when a replica lost the material before its ValidTo
		IMPORTED.next = EnumSet.of(REPLICATING, MATERIAL_EXPIRED, SUPERSEDED, FAILED);
		// rotated: the material became the key's current one; expired or deleted before
		// the rotation: the same material is imported again, then rotated
		IMPORTED_PENDING_ROTATION.next = EnumSet.of(IMPORTED, MATERIAL_EXPIRED, FAILED);
		// IMPORTED from here when KMS accepted an import while the job moved on
		// (recorded, never lost)
		PARAMETERS_EXPIRED.next = EnumSet.of(PARAMETERS_FETCHED, REPLICATING, IMPORTED, IMPORTED_PENDING_ROTATION,
				MATERIAL_EXPIRED, FAILED, CANCELLED);
		// re-import of the same material starts with fresh parameters
		MATERIAL_EXPIRED.next = EnumSet.of(PARAMETERS_FETCHED, SUPERSEDED, FAILED, CANCELLED);
		SUPERSEDED.next = EnumSet.noneOf(ImportJobState.class);
		FAILED.next = EnumSet.noneOf(ImportJobState.class);
		CANCELLED.next = EnumSet.noneOf(ImportJobState.class);
	}

	public boolean canTransitionTo(ImportJobState target) {
		return this.next.contains(target);
	}

	public boolean isTerminal() {
		return this.next.isEmpty();
	}

	/** Targets reachable from this state, for error messages. */
	public Set<ImportJobState> allowedTargets() {
		return EnumSet.copyOf(this.next);
	}

}
