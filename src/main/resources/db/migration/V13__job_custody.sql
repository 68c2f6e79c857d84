-- Custody per job (io.keyport.custody): the custodian's name, chosen at creation, and the opaque reference id of the
-- material it keeps once a plaintext upload handed it over (never material). Jobs with custody and expiring material
-- are re-imported from custody before their ValidTo; custody_renewals counts those re-imports.
alter table import_job add column custodian text;
alter table import_job add column custody_id text;
alter table import_job add column custody_renewals integer not null default 0;
alter table import_job add constraint import_job_custody_id_needs_custodian check (custody_id is null or custodian is not null);
-- The renewal claim: imported jobs in custody with expiring material, per target by ValidTo.
create index import_job_custody_renewal_due on import_job (kms_target, material_valid_to)
    where state = 'IMPORTED' and custody_id is not null and material_valid_to is not null;
