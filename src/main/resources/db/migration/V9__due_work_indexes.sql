-- The lifecycle's claims read each kind of due work per KMS target in the order of one of these indexes and stop
-- after a batch: O(batch) rows per run whatever the table holds. The due time includes work_not_before, so jobs
-- backed off after failures are not read again on every run until their backoff ends.
create index import_job_refresh_due on import_job (state, kms_target, greatest(parameters_valid_to, work_not_before))
    where state in ('PARAMETERS_FETCHED', 'MATERIAL_WRAPPED');
create index import_job_expired_due on import_job (kms_target, coalesce(work_not_before, '-infinity'))
    where state = 'PARAMETERS_EXPIRED';
create index import_job_retry_due on import_job (kms_target, greatest(next_attempt_at, work_not_before))
    where state = 'MATERIAL_WRAPPED';
create index import_job_check_due on import_job (kms_target, greatest(next_check_at, work_not_before))
    where state = 'IMPORTED';
-- The oldest job waiting for material (jobs statistics): the first entry, not every waiting job.
create index import_job_waiting_since on import_job (waiting_since)
    where state in ('PARAMETERS_FETCHED', 'PARAMETERS_EXPIRED');
-- Room on every page for a new row version: claims and lease renewals change no indexed column, so their updates stay
-- on the page (HOT) and write no index entries. Applies to pages written from now on.
alter table import_job set (fillfactor = 85);
