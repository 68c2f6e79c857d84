-- Multi-Region imports (issue 15, point 4): one job imports the same material into a multi-Region primary key and its
-- replicas. A job whose primary holds the material while a replica still waits is REPLICATING; it becomes IMPORTED once
-- every replica is.
-- (Every state, IMPORTED_PENDING_ROTATION of V14 included.)
alter table import_job drop constraint import_job_state_check;
alter table import_job add constraint import_job_state_check check (state in ('PARAMETERS_FETCHED',
    'MATERIAL_WRAPPED', 'REPLICATING', 'IMPORTED', 'IMPORTED_PENDING_ROTATION', 'PARAMETERS_EXPIRED',
    'MATERIAL_EXPIRED', 'SUPERSEDED', 'FAILED', 'CANCELLED'));

-- One row per replica of a job: its own parameters (each region's GetParametersForImport), its own wrapped copy of the
-- material (never plaintext), and its own progress, retries and error. Owned by the job (deleted with it).
create table import_job_replica (
    id                     uuid          primary key,
    job_id                 uuid          not null references import_job (id) on delete cascade,
    position               integer       not null,
    kms_target             text          not null,
    region                 text          not null,
    kms_key_arn            text          not null,
    state                  varchar(32)   not null,
    wrapping_public_key    bytea,
    import_token           bytea,
    parameters_valid_to    timestamptz,
    encrypted_key_material bytea,
    import_attempts        integer       not null default 0,
    next_attempt_at        timestamptz,
    last_error_code        varchar(64),
    last_error_message     varchar(1000),
    key_material_id        text,
    imported_at            timestamptz,
    material_valid_to      timestamptz,
    constraint import_job_replica_state_check check (state in ('WAITING_FOR_MATERIAL', 'MATERIAL_WRAPPED',
        'NEEDS_PARAMETERS', 'NEEDS_UPLOAD', 'IMPORTED', 'FAILED')),
    constraint import_job_replica_wrapped_check check (state <> 'MATERIAL_WRAPPED' or encrypted_key_material is not null),
    constraint import_job_replica_unique unique (job_id, kms_target)
);

-- The replication claim: REPLICATING jobs per target by their next replica attempt.
create index import_job_replication_due on import_job (kms_target, greatest(next_attempt_at, work_not_before))
    where state = 'REPLICATING';
