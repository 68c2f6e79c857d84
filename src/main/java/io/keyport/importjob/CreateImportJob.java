package io.keyport.importjob;

import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.wrapping.WrappingKeySpec;

/**
 * A request to start importing material into a KMS key.
 *
 * @param target the KMS target the key lives in; {@code null} for the default target
 */
public record CreateImportJob(String kmsKeyId, WrappingAlgorithm wrappingAlgorithm, WrappingKeySpec wrappingKeySpec,
		ExpirationPolicy expiration, String target) {
}
