package io.keyport.importjob;

import java.time.Instant;
import java.util.List;

import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.wrapping.WrappingKeySpec;

/**
 * A request to start importing material into a KMS key.
 *
 * @param target the KMS target the key lives in; {@code null} for the default target
 * @param refreshPolicy who keeps the parameters valid; {@code null} for the tenant's
 * default
 * @param dueBy when the client means to import, or {@code null}
 * @param custody the configured custodian that keeps the material for re-imports, or
 * {@code null} (not kept)
 * @param replicas KMS targets naming the replicas of a multi-Region primary key that get
 * the same material in the same job; empty for a single key
 * @param rotation set for a rotation job (new material, ImportType NEW_KEY_MATERIAL, into
 * a key that has some), and how it rotates; {@code null} for an import of the key's
 * material
 * @param deleteCurrentMaterial the caller accepts that the import first deletes the key's
 * current material, where the provider imports only into keys without material (Huawei):
 * the key is unusable until the import succeeds, and takes back only the same material
 */
public record CreateImportJob(String kmsKeyId, WrappingAlgorithm wrappingAlgorithm, WrappingKeySpec wrappingKeySpec,
		ExpirationPolicy expiration, String target, RefreshPolicy refreshPolicy, Instant dueBy, String custody,
		List<String> replicas, Rotation rotation, boolean deleteCurrentMaterial) {

	public CreateImportJob {
		replicas = (replicas != null) ? List.copyOf(replicas) : List.of();
	}

	public CreateImportJob(String kmsKeyId, WrappingAlgorithm wrappingAlgorithm, WrappingKeySpec wrappingKeySpec,
			ExpirationPolicy expiration, String target, RefreshPolicy refreshPolicy, Instant dueBy, String custody,
			List<String> replicas, Rotation rotation) {
		this(kmsKeyId, wrappingAlgorithm, wrappingKeySpec, expiration, target, refreshPolicy, dueBy, custody, replicas,
				rotation, false);
	}

	public CreateImportJob(String kmsKeyId, WrappingAlgorithm wrappingAlgorithm, WrappingKeySpec wrappingKeySpec,
			ExpirationPolicy expiration, String target, RefreshPolicy refreshPolicy, Instant dueBy, String custody,
			List<String> replicas) {
		this(kmsKeyId, wrappingAlgorithm, wrappingKeySpec, expiration, target, refreshPolicy, dueBy, custody, replicas,
				null);
	}

	public CreateImportJob(String kmsKeyId, WrappingAlgorithm wrappingAlgorithm, WrappingKeySpec wrappingKeySpec,
			ExpirationPolicy expiration, String target, RefreshPolicy refreshPolicy, Instant dueBy, String custody,
			Rotation rotation) {
		this(kmsKeyId, wrappingAlgorithm, wrappingKeySpec, expiration, target, refreshPolicy, dueBy, custody, List.of(),
				rotation);
	}

	public CreateImportJob(String kmsKeyId, WrappingAlgorithm wrappingAlgorithm, WrappingKeySpec wrappingKeySpec,
			ExpirationPolicy expiration, String target, RefreshPolicy refreshPolicy, Instant dueBy, String custody) {
		this(kmsKeyId, wrappingAlgorithm, wrappingKeySpec, expiration, target, refreshPolicy, dueBy, custody, List.of(),
				null);
	}

	public CreateImportJob(String kmsKeyId, WrappingAlgorithm wrappingAlgorithm, WrappingKeySpec wrappingKeySpec,
			ExpirationPolicy expiration, String target, RefreshPolicy refreshPolicy, Instant dueBy) {
		this(kmsKeyId, wrappingAlgorithm, wrappingKeySpec, expiration, target, refreshPolicy, dueBy, null);
	}

	public CreateImportJob(String kmsKeyId, WrappingAlgorithm wrappingAlgorithm, WrappingKeySpec wrappingKeySpec,
			ExpirationPolicy expiration, String target) {
		this(kmsKeyId, wrappingAlgorithm, wrappingKeySpec, expiration, target, null, null);
	}

}
