-- A multi-Region job in custody renews each member (the primary and every replica) when its own ValidTo comes within
-- the renewal margin. A renewal that failed on a replica after the primary succeeded keeps the primary's new ValidTo,
-- and the job stays due for the replica. renewal_due_at is the earliest ValidTo of the members (the job's own for a
-- single-Region job); the aggregate sets it on every save of an imported custody job with expiring material, and
-- clears it otherwise.
alter table import_job add column renewal_due_at timestamptz;

update import_job j
set renewal_due_at = least(j.material_valid_to,
    (select min(r.material_valid_to) from import_job_replica r where r.job_id = j.id and r.state = 'IMPORTED'))
where j.state = 'IMPORTED' and j.custody_id is not null and j.expiration_model = 'KEY_MATERIAL_EXPIRES';

-- The renewal claim, per target by the earliest member's ValidTo (was by the primary's, V13).
drop index import_job_custody_renewal_due;
create index import_job_custody_renewal_due on import_job (kms_target, renewal_due_at)
    where state = 'IMPORTED' and custody_id is not null and renewal_due_at is not null;
