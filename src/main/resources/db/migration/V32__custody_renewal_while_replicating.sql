-- A multi-Region job in custody is renewed while it replicates too: a replica that lost its material and stalls in its
-- own region (downloads refused, an import retried) must not keep the primary and the other replicas from renewal
-- until the material expires in every region. renewal_due_at is now kept for REPLICATING jobs as well (the aggregate
-- sets it on every save), and the renewal claim's index covers both states.
update import_job j
set renewal_due_at = least(j.material_valid_to,
    (select min(r.material_valid_to) from import_job_replica r where r.job_id = j.id and r.state = 'IMPORTED'))
where j.state = 'REPLICATING' and j.custody_id is not null and j.expiration_model = 'KEY_MATERIAL_EXPIRES';

drop index import_job_custody_renewal_due;
create index import_job_custody_renewal_due on import_job (kms_target, renewal_due_at)
    where state in ('IMPORTED', 'REPLICATING') and custody_id is not null and renewal_due_at is not null;
