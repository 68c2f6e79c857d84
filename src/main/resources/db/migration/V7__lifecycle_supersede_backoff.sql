-- A key has one current import: earlier jobs on the key leave the watch as SUPERSEDED (terminal).
alter table import_job drop constraint import_job_state_check;
alter table import_job add constraint import_job_state_check check (state in ('PARAMETERS_FETCHED',
    'MATERIAL_WRAPPED', 'IMPORTED', 'PARAMETERS_EXPIRED', 'MATERIAL_EXPIRED', 'SUPERSEDED', 'FAILED', 'CANCELLED'));

-- When the job last started waiting for material (creation, or a re-import after expiry): abandonment counts from here.
alter table import_job add column waiting_since timestamptz;
update import_job set waiting_since = created_at;
alter table import_job alter column waiting_since set not null;

-- The public key of the private key Keyport wrapped (public data): reconciliation compares it with KMS's.
alter table import_job add column expected_public_key bytea;

-- Background work that failed on this job: how often in a row, and not to be tried again before when.
alter table import_job add column work_failures integer not null default 0;
alter table import_job add column work_not_before timestamptz;

-- Imported jobs are watched on next_check_at alone, which is never later than the material's ValidTo.
update import_job set next_check_at = least(coalesce(next_check_at, material_valid_to), material_valid_to)
    where state = 'IMPORTED' and material_valid_to is not null;
update import_job set next_check_at = updated_at where state = 'IMPORTED' and next_check_at is null;

-- "the other jobs on this key imported before this one"
create index import_job_key_imported on import_job (kms_key_arn, imported_at);
