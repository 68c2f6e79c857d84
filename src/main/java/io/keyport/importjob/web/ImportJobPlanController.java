package io.keyport.importjob.web;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.Valid;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.keyport.importjob.ImportJobPlan;
import io.keyport.kms.ImportType;
import io.keyport.importjob.ImportJobService;
import io.keyport.importjob.RefreshPolicy;
import io.keyport.importjob.web.ImportJobRequests.CreateImportJobRequest;
import io.keyport.importjob.web.ImportJobResponse.MaterialExpiration;
import io.keyport.kms.KeyState;
import io.keyport.security.Caller;
import io.keyport.wrapping.KeySpec;
import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.wrapping.WrappingKeySpec;

/**
 * A dry run of job creation: the same request body and the same checks and refusals as
 * {@code POST /api/v1/import-jobs}, answered with what would happen, without downloading
 * parameters, spending the KMS quota or storing anything.
 */
@RestController
@RequestMapping(path = "/api/v1/import-job-plans",
		produces = { MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE })
class ImportJobPlanController {

	private final ImportJobService jobs;

	ImportJobPlanController(ImportJobService jobs) {
		this.jobs = jobs;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<ImportJobPlanResponse> planImportJob(@Valid @RequestBody CreateImportJobRequest request) {
		ImportJobPlan plan = this.jobs.plan(ImportJobController.command(request), Caller.current());
		return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(ImportJobPlanResponse.of(plan));
	}

	/**
	 * What creating the job would do now.
	 *
	 * @param keyState the key's state now
	 * @param deletesCurrentMaterialFirst whether the import would first delete the key's
	 * current material (a provider that imports only into keys without material)
	 * @param kmsCalls the KMS calls the job would make, in order: GetParametersForImport
	 * at its creation, then (DeleteImportedKeyMaterial and) ImportKeyMaterial when the
	 * material arrives; with replicas, ReplicateKey for each replica to create, one
	 * GetParametersForImport per replica at creation and one ImportKeyMaterial per
	 * replica after the primary's
	 * @param replicas the replicas the job would import into (absent for a single key)
	 * material arrives (a rotation job: ImportKeyMaterial with NEW_KEY_MATERIAL, then
	 * RotateKeyOnDemand)
	 * @param importType NEW_KEY_MATERIAL for a rotation job
	 * @param rotation a rotation job's plan
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record ImportJobPlanResponse(String target, String kmsKeyId, String kmsKeyArn, KeyState keyState, KeySpec keySpec,
			WrappingAlgorithm wrappingAlgorithm, WrappingKeySpec wrappingKeySpec, MaterialExpiration expiration,
			RefreshPolicy refreshPolicy, Instant dueBy, boolean deletesCurrentMaterialFirst, List<String> kmsCalls,
			List<PlannedReplicaResponse> replicas, ImportType importType, ImportJobResponse.RotationState rotation) {

		static ImportJobPlanResponse of(ImportJobPlan plan) {
			List<String> calls = new ArrayList<>();
			plan.replicas()
				.stream()
				.filter(ImportJobPlan.PlannedReplica::created)
				.forEach(r -> calls.add("ReplicateKey"));
			calls.add("GetParametersForImport");
			plan.replicas().forEach(r -> calls.add("GetParametersForImport"));
			if (plan.deletesCurrentMaterialFirst()) {
				calls.add("DeleteImportedKeyMaterial");
			}
			calls.add("ImportKeyMaterial");
			plan.replicas().forEach(r -> calls.add("ImportKeyMaterial"));
			if (plan.rotation() != null) {
				calls.add("RotateKeyOnDemand");
			}
			return new ImportJobPlanResponse(plan.target(), plan.kmsKeyId(), plan.kmsKeyArn(), plan.keyState(),
					plan.keySpec(), plan.wrappingAlgorithm(), plan.wrappingKeySpec(),
					new MaterialExpiration(plan.expiration().model(), plan.expiration().validTo()),
					plan.refreshPolicy(), plan.dueBy(), plan.deletesCurrentMaterialFirst(), List.copyOf(calls),
					plan.replicas().isEmpty() ? null
							: plan.replicas()
								.stream()
								.map(r -> new PlannedReplicaResponse(r.target(), r.region(), r.kmsKeyArn(),
										r.keyState(), r.created()))
								.toList(),
					plan.rotation() != null ? ImportType.NEW_KEY_MATERIAL : null,
					plan.rotation() != null
							? new ImportJobResponse.RotationState(plan.rotation().when(), plan.rotation().at(), null)
							: null);
		}

	}

	/**
	 * A replica the job would import into.
	 *
	 * @param kmsKeyArn absent when the job would create the replica
	 * @param keyState the replica's state now; absent when it would be created
	 * @param created whether the job would create the replica (ReplicateKey)
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record PlannedReplicaResponse(String target, String region, String kmsKeyArn, KeyState keyState, boolean created) {

	}

}
