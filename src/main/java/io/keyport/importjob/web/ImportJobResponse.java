package io.keyport.importjob.web;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;

import io.keyport.importjob.ImportJobEventView;
import io.keyport.importjob.ImportJobState;
import io.keyport.importjob.ImportJobView;
import io.keyport.importjob.RefreshPolicy;
import io.keyport.importjob.Rotation;
import io.keyport.kms.ExpirationModel;
import io.keyport.kms.ImportType;
import io.keyport.wrapping.KeySpec;
import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.wrapping.WrappingKeySpec;

/**
 * An import job as the API shows it: no token, no material.
 *
 * @param refreshPolicy who keeps the parameters valid
 * @param dueBy when the client means to import, if it said so
 * @param custody the custodian that keeps the material, if the job chose one
 * @param custodyMaterialHeld with custody: whether the custodian holds the material
 * @param custodyRenewals with custody: re-imports of the kept material before its ValidTo
 * @param replicas a multi-Region job's replicas and the progress of each (absent for a
 * single key); the job is IMPORTED only once every replica is
 * @param keyMaterialId KMS's id of this job's material (AWS, symmetric keys); the job's
 * expiration is that material's own ValidTo
 * @param importType NEW_KEY_MATERIAL for a rotation job
 * @param rotation a rotation job's plan and progress
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ImportJobResponse(String id, ImportJobState state, String kmsKeyId, String kmsKeyArn, KeySpec keySpec,
		WrappingAlgorithm wrappingAlgorithm, WrappingKeySpec wrappingKeySpec, MaterialExpiration expiration,
		ParametersState parameters, int importAttempts, Instant nextAttemptAt, ImportJobError lastError,
		String keyMaterialId, Instant importedAt, Instant createdAt, Instant updatedAt, String createdBy, long version,
		String target, RefreshPolicy refreshPolicy, Instant dueBy, String custody, Boolean custodyMaterialHeld,
		Integer custodyRenewals, List<ReplicaResponse> replicas, ImportType importType, RotationState rotation) {

	static ImportJobResponse of(ImportJobView job) {
		return new ImportJobResponse(job.id().toString(), job.state(), job.kmsKeyId(), job.kmsKeyArn(), job.keySpec(),
				job.wrappingAlgorithm(), job.wrappingKeySpec(),
				new MaterialExpiration(job.expiration().model(), job.expiration().validTo()),
				new ParametersState(job.parametersFetchedAt(), job.parametersValidTo(), job.parameterDownloads()),
				job.importAttempts(), job.nextAttemptAt(),
				job.lastErrorCode() != null ? new ImportJobError(job.lastErrorCode(), job.lastErrorMessage()) : null,
				job.keyMaterialId(), job.importedAt(), job.createdAt(), job.updatedAt(), job.createdBy(), job.version(),
				job.target(), job.refreshPolicy(), job.dueBy(), job.custody(),
				job.custody() != null ? job.custodyMaterialHeld() : null,
				job.custody() != null ? job.custodyRenewals() : null,
				job.replicas().isEmpty() ? null : job.replicas().stream().map(ReplicaResponse::of).toList(),
				job.importType(), job.rotation() != null
						? new RotationState(job.rotation().when(), job.rotation().at(), job.rotatedAt()) : null);
	}

	/**
	 * One replica of a multi-Region job and its own progress.
	 *
	 * @param state WAITING_FOR_MATERIAL, MATERIAL_WRAPPED (import pending or retried on
	 * its own at nextAttemptAt), NEEDS_PARAMETERS (its token lapsed: new parameters due),
	 * NEEDS_UPLOAD (new parameters held, the material is not in custody: upload the
	 * plaintext again), IMPORTED or FAILED
	 * @param parametersValidTo until when the replica's own wrapping key and token are
	 * valid
	 */
	@Schema(name = "ImportJobReplica")
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record ReplicaResponse(String target, String region, String kmsKeyArn, @Schema(allowableValues = {
			"WAITING_FOR_MATERIAL", "MATERIAL_WRAPPED", "NEEDS_PARAMETERS", "NEEDS_UPLOAD", "IMPORTED",
			"FAILED" }) String state, Instant parametersValidTo, int importAttempts, Instant nextAttemptAt,
			ImportJobError lastError, String keyMaterialId, Instant importedAt, Instant materialValidTo){

		static ReplicaResponse of(ImportJobView.ReplicaView replica) {
			return new ReplicaResponse(replica.target(), replica.region(), replica.kmsKeyArn(), replica.state(),
					replica.parametersValidTo(), replica.importAttempts(), replica.nextAttemptAt(),
					replica.lastErrorCode() != null
							? new ImportJobError(replica.lastErrorCode(), replica.lastErrorMessage()) : null,
					replica.keyMaterialId(), replica.importedAt(), replica.materialValidTo());
		}

	}

	/**
	 * A rotation job's plan and progress.
	 *
	 * @param when ON_IMPORT, AT or BY_API
	 * @param at when the scheduler rotates the job (AT as requested; ON_IMPORT: its
	 * import, while a rotation after it is retried); absent once rotated
	 * @param rotatedAt when the job's material became the key's current material
	 */
	@Schema(name = "Rotation")
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record RotationState(Rotation.When when, Instant at, Instant rotatedAt) {
	}

	@JsonInclude(JsonInclude.Include.NON_NULL)
	record MaterialExpiration(ExpirationModel model, Instant validTo) {
	}

	/**
	 * The current wrapping key and token: when downloaded, until when valid, how many
	 * downloads so far. Named apart from the KMS port's {@code ImportParameters} (the key
	 * and token themselves); the API keeps its schema name.
	 */
	@Schema(name = "ImportParameters")
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record ParametersState(Instant fetchedAt, Instant validTo, int downloads) {
	}

	record ImportJobError(String code, String message) {
	}

	/**
	 * One entry of a job's history; named apart from the entity, the API keeps its schema
	 * name.
	 */
	@Schema(name = "ImportJobEvent")
	record EventResponse(@Schema(description = "The entry's place in its job's history, from 1. Entries older than "
			+ "the history's retention may be deleted, so a long-lived job's list may start later.") Long sequence,
			ImportJobState from, ImportJobState to, String cause, String errorCode, String actor, Instant occurredAt) {

		static EventResponse of(ImportJobEventView e) {
			return new EventResponse(e.sequence(), e.from(), e.to(), e.cause(), e.errorCode(), e.actor(),
					e.occurredAt());
		}

	}

	record ImportJobPage(List<ImportJobResponse> items, int page, int size, long totalItems, int totalPages) {
	}

}
