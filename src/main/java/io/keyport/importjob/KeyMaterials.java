package io.keyport.importjob;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

import io.keyport.kms.ExpirationModel;
import io.keyport.kms.KeyMaterialVersion;
import io.keyport.kms.KmsKey;
import io.keyport.kms.KmsTarget;
import io.keyport.kms.KmsTargets;
import io.keyport.kmskey.KmsKeys;
import io.keyport.security.Caller;
import io.keyport.support.DescribedFailure.Kind;
import io.keyport.wrapping.KeySpec;

/**
 * The materials of a symmetric key as KMS lists them (ListKeyRotations), each with its
 * own state and ValidTo and the Keyport job that last imported it: what a key holds after
 * rotations, and which material a job watches.
 */
@Service
public class KeyMaterials {

	private final KmsKeys kmsKeys;

	private final KmsTargets targets;

	private final JdbcTemplate jdbc;

	KeyMaterials(KmsKeys kmsKeys, KmsTargets targets, JdbcTemplate jdbc) {
		this.kmsKeys = kmsKeys;
		this.targets = targets;
		this.jdbc = jdbc;
	}

	/**
	 * @param jobId the job of the caller's tenant (any tenant's for an admin) that last
	 * imported the material, else {@code null}
	 */
	public record Material(String keyMaterialId, KeyMaterialVersion.State state, boolean imported,
			ExpirationModel expirationModel, Instant validTo, Instant rotationDate,
			KeyMaterialVersion.RotationType rotationType, String description, ImportJobId jobId,
			ImportJobState jobState) {
	}

	public record KeyMaterialsView(String target, KmsKey key, List<Material> materials) {
	}

	/** The key's materials, if the caller may see the key and it can hold several. */
	public KeyMaterialsView list(String targetName, String reference, Caller caller) {
		KmsTarget target = this.targets.get(targetName);
		KmsKey key = this.kmsKeys.visibleKey(target.name(), reference, caller);
		if (!target.kms().supportsRotation() || key.keySpec() != KeySpec.SYMMETRIC_DEFAULT || !key.isExternal()) {
			throw new ImportJobException(ImportJobException.ROTATION_UNSUPPORTED, Kind.INVALID, null, null,
					"Key " + key.arn() + " holds one material only: only symmetric encryption keys with imported "
							+ "material in AWS KMS have several (rotation).");
		}
		List<KeyMaterialVersion> versions = target.kms().listKeyMaterials(key.arn());
		Map<String, Object[]> jobs = new HashMap<>();
		// newest import first: the first row per material is its current job
		this.jdbc.query("""
				select id, state, key_material_id from import_job
				where kms_key_arn = ? and key_material_id is not null and (cast(? as varchar) is null or tenant = ?)
				order by imported_at desc nulls last, id desc""", rs -> {
			jobs.putIfAbsent(rs.getString("key_material_id"), new Object[] {
					new ImportJobId(rs.getObject("id", UUID.class)), ImportJobState.valueOf(rs.getString("state")) });
		}, key.arn(), caller.isAdmin() ? null : caller.tenant(), caller.isAdmin() ? null : caller.tenant());
		List<Material> materials = versions.stream().map(v -> {
			Object[] job = jobs.get(v.keyMaterialId());
			return new Material(v.keyMaterialId(), v.state(), v.imported(), v.expirationModel(), v.validTo(),
					v.rotationDate(), v.rotationType(), v.description(), job != null ? (ImportJobId) job[0] : null,
					job != null ? (ImportJobState) job[1] : null);
		}).toList();
		return new KeyMaterialsView(target.name(), key, materials);
	}

}
