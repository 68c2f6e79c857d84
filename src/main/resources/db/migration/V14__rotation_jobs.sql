-- Rotation jobs (issue 15, point 3): a job that imports new material (ImportType NEW_KEY_MATERIAL) into a symmetric key
-- that already has some, then makes it the key's current material (RotateKeyOnDemand) right after the import, at a set
-- time or on request. Until then the job is IMPORTED_PENDING_ROTATION; the earlier job's material stays in the key.
alter table import_job drop constraint import_job_state_check;
alter table import_job add constraint import_job_state_check check (state in ('PARAMETERS_FETCHED',
    'MATERIAL_WRAPPED', 'IMPORTED', 'IMPORTED_PENDING_ROTATION', 'PARAMETERS_EXPIRED', 'MATERIAL_EXPIRED', 'SUPERSEDED',
    'FAILED', 'CANCELLED'));
alter table import_job add column import_type text;
alter table import_job add column rotation_when text;
alter table import_job add column rotation_at timestamptz;
alter table import_job add column rotated_at timestamptz;
alter table import_job add constraint import_job_import_type_check
    check (import_type is null or import_type = 'NEW_KEY_MATERIAL');
alter table import_job add constraint import_job_rotation_check check ((import_type is null) = (rotation_when is null)
    and (rotation_when is null or rotation_when in ('ON_IMPORT', 'AT', 'BY_API')));
-- The scheduler's rotation claim: jobs pending rotation with a rotation time, per target by that time.
create index import_job_rotation_due on import_job (kms_target, greatest(rotation_at, work_not_before))
    where state = 'IMPORTED_PENDING_ROTATION' and rotation_at is not null;
-- Each material of a key with its job: the key-materials view and the job's own material in the watch.
create index import_job_key_material on import_job (kms_key_arn, key_material_id) where key_material_id is not null;
