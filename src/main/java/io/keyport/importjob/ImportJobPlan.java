package io.keyport.importjob;

import java.time.Instant;

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
 * @param rotation a rotation job's plan, else {@code null}
 */
public record ImportJobPlan(String target, String kmsKeyId, String kmsKeyArn, KeyState keyState, KeySpec keySpec,
		WrappingAlgorithm wrappingAlgorithm, WrappingKeySpec wrappingKeySpec, ExpirationPolicy expiration,
		RefreshPolicy refreshPolicy, Instant dueBy, boolean deletesCurrentMaterialFirst, Rotation rotation) {
}
