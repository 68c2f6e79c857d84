-- Jobs and replicas whose last import attempt failed in a way KMS may have carried out before V24 were guarded by
-- their last error code; V24 added the flag that guards them now, false for them. Set it, so that a job upgraded in
-- the middle of its retries is neither cancelled, refreshed away nor failed for running out of attempts.
update import_job set import_outcome_unknown = true
where state = 'MATERIAL_WRAPPED' and import_attempts > 0
  and last_error_code in ('kms-internal-error', 'kms-dependency-timeout', 'kms-unavailable');
update import_job_replica set import_outcome_unknown = true
where state = 'MATERIAL_WRAPPED' and import_attempts > 0
  and last_error_code in ('kms-internal-error', 'kms-dependency-timeout', 'kms-unavailable');
