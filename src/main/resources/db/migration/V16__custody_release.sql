-- Custody release (io.keyport.importjob.CustodyReleases): jobs that ended (cancelled, failed, superseded) while their
-- custodian still keeps material for them, per target by when they ended, for the lifecycle's claim. The custodian
-- destroys the material and the job forgets its reference; retention keeps such a job until then.
create index import_job_custody_release_due on import_job (kms_target, greatest(updated_at, work_not_before))
    where state in ('SUPERSEDED', 'FAILED', 'CANCELLED') and custody_id is not null;
