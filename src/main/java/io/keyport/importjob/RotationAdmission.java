package io.keyport.importjob;

import java.time.Instant;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.keyport.kms.ExpirationModel;
import io.keyport.kms.KeyMaterialVersion;
import io.keyport.kms.KeyState;
import io.keyport.kms.KmsKey;
import io.keyport.kms.KmsTarget;
import io.keyport.support.DescribedFailure.Kind;
import io.keyport.support.Sentences;
import io.keyport.wrapping.KeySpec;

/**
 * The checks of a rotation job before any GetParametersForImport, the same for a job and
 * its dry run: what AWS would refuse later (a provider or key that cannot rotate, a key
 * without material yet, material already pending rotation) is refused now with its own
 * code. Reads the key's materials (ListKeyRotations, not the import quota) with no
 * transaction open.
 */
@Component
class RotationAdmission {

	/** The first key of the advisory lock that serializes rotation jobs per key. */
	private static final int ADVISORY_LOCK_CLASS = 0x6b70726f; // "kpro"

	private final JdbcTemplate jdbc;

	RotationAdmission(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	void check(KmsTarget target, KmsKey key, Rotation rotation, ExpirationPolicy expiration, Instant now) {
		if (rotation.when() == Rotation.When.AT && !rotation.at().isAfter(now)) {
			throw new ImportJobException(ImportJobException.INVALID_ROTATION, Kind.INVALID, null, null,
					"Field 'rotation.at' must be in the future (it was " + Sentences.time(rotation.at()) + ").");
		}
		if (rotation.when() == Rotation.When.AT && expiration != null
				&& expiration.model() == ExpirationModel.KEY_MATERIAL_EXPIRES
				&& !rotation.at().isBefore(expiration.validTo())) {
			// the material would expire before it became current: the rotation
			// could only fail
			throw new ImportJobException(ImportJobException.INVALID_ROTATION, Kind.INVALID, null, null,
					"Field 'rotation.at' (" + Sentences.time(rotation.at()) + ") must be before the material's "
							+ "'expiration.validTo' (" + Sentences.time(expiration.validTo()) + "): material that "
							+ "expires first is never rotated to.");
		}
		if (!target.kms().supportsRotation()) {
			throw unsupported("Target '" + target.name() + "' cannot rotate imported key material; only AWS KMS "
					+ "keeps several imported materials in one key.");
		}
		if (key.keySpec() != KeySpec.SYMMETRIC_DEFAULT) {
			throw unsupported("Key " + key.arn() + " has key spec " + key.keySpec() + "; only symmetric encryption "
					+ "keys (SYMMETRIC_DEFAULT) take new material for a rotation, asymmetric and HMAC material never "
					+ "changes.");
		}
		if (key.isMultiRegion()) {
			throw unsupported("Key " + key.arn() + " is a multi-Region key; Keyport rotates single-Region keys only.");
		}
		if (key.state() == KeyState.PENDING_IMPORT) {
			throw new ImportJobException(ImportJobException.ROTATION_KEY_WITHOUT_MATERIAL, Kind.CONFLICT, null, null,
					"Key " + key.arn() + " is PENDING_IMPORT: it has no current material to rotate from. Import its "
							+ "material first (a job without importType), then rotate to new material.");
		}
		refuseSecondRotationJob(key.arn());
		KeyMaterialVersion pending = target.kms()
			.listKeyMaterials(key.arn())
			.stream()
			.filter(m -> m.state() == KeyMaterialVersion.State.PENDING_ROTATION
					|| m.state() == KeyMaterialVersion.State.PENDING_MULTI_REGION_IMPORT_AND_ROTATION)
			.findFirst()
			.orElse(null);
		if (pending != null) {
			throw pending("Key " + key.arn() + " already has material pending rotation (" + pending.keyMaterialId()
					+ "); KMS takes one at a time. Rotate to it or delete it first.");
		}
	}

	/**
	 * Run again in the transaction that stores a new rotation job, after taking a lock on
	 * the key: two requests admitted at the same moment (each checked before the other's
	 * job was stored) cannot both store a job, which KMS would refuse the second's
	 * material for only after its download.
	 */
	void checkStillAloneInTransaction(String arn) {
		// a transaction-scoped advisory lock per key (hash collisions only serialize)
		this.jdbc.queryForList("select pg_advisory_xact_lock(?, ?)", ADVISORY_LOCK_CLASS, arn.hashCode());
		refuseSecondRotationJob(arn);
	}

	private void refuseSecondRotationJob(String arn) {
		Map<String, Object> pendingJob = this.jdbc
			.queryForList(
					"""
							select id, state from import_job where kms_key_arn = ? and import_type = 'NEW_KEY_MATERIAL'
							  and state in ('PARAMETERS_FETCHED', 'MATERIAL_WRAPPED', 'PARAMETERS_EXPIRED', 'IMPORTED_PENDING_ROTATION')
							order by created_at limit 1""",
					arn)
			.stream()
			.findFirst()
			.orElse(null);
		if (pendingJob != null) {
			Object id = pendingJob.get("id");
			// material KMS holds pending rotation cannot be cancelled away, only
			// rotated to
			throw pending("Rotation job " + id + " already brings key " + arn + " new material; "
					+ ("IMPORTED_PENDING_ROTATION".equals(pendingJob.get("state"))
							? "KMS holds it pending rotation: rotate to it first (POST /api/v1/import-jobs/" + id
									+ "/rotation)."
							: "finish (rotate) or cancel it first."));
		}
	}

	private static ImportJobException unsupported(String detail) {
		return new ImportJobException(ImportJobException.ROTATION_UNSUPPORTED, Kind.INVALID, null, null, detail);
	}

	private static ImportJobException pending(String detail) {
		return new ImportJobException(ImportJobException.ROTATION_ALREADY_PENDING, Kind.CONFLICT, null, null, detail);
	}

}
