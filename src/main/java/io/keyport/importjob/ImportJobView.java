package io.keyport.importjob;

import java.time.Instant;
import java.util.List;

import io.keyport.kms.ImportType;
import io.keyport.wrapping.KeySpec;
import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.wrapping.WrappingKeySpec;

/**
 * Read model of a job: everything but the token and the material.
 *
 * @param refreshPolicy who keeps the parameters valid
 * @param dueBy when the client means to import, or {@code null}
 * @param lastClientActivityAt the last client read or upload (minute precision), or
 * {@code null}
 * @param custody the custodian that keeps the material, or {@code null} (not kept)
 * @param custodyMaterialHeld whether the custodian holds the job's material
 * @param custodyRenewals re-imports of the kept material before its ValidTo
 * @param replicas a multi-Region job's replicas and their progress; empty otherwise
 * @param importType NEW_KEY_MATERIAL for a rotation job, else {@code null}
 * @param rotation a rotation job's plan ({@code at}: when the scheduler rotates it,
 * {@code null} once rotated or on request only), else {@code null}
 * @param rotatedAt when a rotation job's material became the key's current material
 */
public record ImportJobView(ImportJobId id, long version, ImportJobState state, String kmsKeyId, String kmsKeyArn,
		KeySpec keySpec, WrappingAlgorithm wrappingAlgorithm, WrappingKeySpec wrappingKeySpec,
		ExpirationPolicy expiration, Instant parametersFetchedAt, Instant parametersValidTo, int parameterDownloads,
		int importAttempts, Instant nextAttemptAt, String lastErrorCode, String lastErrorMessage, String keyMaterialId,
		Instant importedAt, Instant createdAt, Instant updatedAt, String createdBy, String tenant, String target,
		RefreshPolicy refreshPolicy, Instant dueBy, Instant lastClientActivityAt, String custody,
		boolean custodyMaterialHeld, int custodyRenewals, List<ReplicaView> replicas, ImportType importType,
		Rotation rotation, Instant rotatedAt) {

	/**
	 * One replica of a multi-Region job.
	 *
	 * @param state one of {@link ImportJobReplica.State}'s names
	 */
	public record ReplicaView(String target, String region, String kmsKeyArn, String state, Instant parametersValidTo,
			int importAttempts, Instant nextAttemptAt, String lastErrorCode, String lastErrorMessage,
			String keyMaterialId, Instant importedAt, Instant materialValidTo) {
	}

}
