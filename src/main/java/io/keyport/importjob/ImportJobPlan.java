package io.keyport.importjob;

import java.time.Instant;
import java.util.List;

import io.keyport.kms.KeyState;
import io.keyport.wrapping.KeySpec;
import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.wrapping.WrappingKeySpec;

/**
 * What creating an import job would do now: the job it would start, and whether the key's
 * current material would be deleted before the import (providers that import only into
 * keys without material).
 *
 * @param keyState the key's state as KMS (or Keyport, for a key it created a moment ago)
 * knows it
 * @param deletesCurrentMaterialFirst whether the import would first delete the key's
 * current material
 * @param replicas the replicas a multi-Region job would import into, in the order named
 * @param rotation a rotation job's plan, else {@code null}
 */
public record ImportJobPlan(String target, String kmsKeyId, String kmsKeyArn, KeyState keyState, KeySpec keySpec,
		WrappingAlgorithm wrappingAlgorithm, WrappingKeySpec wrappingKeySpec, ExpirationPolicy expiration,
		RefreshPolicy refreshPolicy, Instant dueBy, boolean deletesCurrentMaterialFirst, List<PlannedReplica> replicas,
		Rotation rotation) {

	/**
	 * A replica the job would import into.
	 *
	 * @param kmsKeyArn the replica's ARN, or {@code null} when the job would create it
	 * (ReplicateKey)
	 * @param keyState the replica's state now, or {@code null} when it would be created
	 */
	public record PlannedReplica(String target, String region, String kmsKeyArn, KeyState keyState) {

		public boolean created() {
			return this.kmsKeyArn == null;
		}

	}

}
