-- Import jobs and their append-only history.
-- Plaintext key material never has a column. The import token and the wrapped material are held only while a job
-- needs them and are set to NULL once it is imported, failed or cancelled.

create table import_job (
    id                     uuid primary key,
    version                bigint        not null,
    state                  varchar(32)   not null,
    kms_key_id             varchar(2048) not null,
    kms_key_arn            varchar(2048) not null,
    key_spec               varchar(32)   not null,
    wrapping_algorithm     varchar(32)   not null,
    wrapping_key_spec      varchar(16)   not null,
    expiration_model       varchar(32)   not null,
    material_valid_to      timestamptz,
    wrapping_public_key    bytea,
    import_token           bytea,
    parameters_fetched_at  timestamptz,
    parameters_valid_to    timestamptz,
    parameter_downloads    integer       not null default 0,
    encrypted_key_material bytea,
    import_attempts        integer       not null default 0,
    next_attempt_at        timestamptz,
    last_error_code        varchar(64),
    last_error_message     varchar(1000),
    key_material_id        varchar(128),
    imported_at            timestamptz,
    created_at             timestamptz   not null,
    updated_at             timestamptz   not null,
    created_by             varchar(256)  not null,
    constraint import_job_state_check check (state in ('PARAMETERS_FETCHED', 'MATERIAL_WRAPPED', 'IMPORTED',
        'PARAMETERS_EXPIRED', 'MATERIAL_EXPIRED', 'FAILED', 'CANCELLED')),
    constraint import_job_expiration_check check (
        (expiration_model = 'KEY_MATERIAL_EXPIRES' and material_valid_to is not null)
        or (expiration_model = 'KEY_MATERIAL_DOES_NOT_EXPIRE' and material_valid_to is null)),
    constraint import_job_wrapped_check check (state <> 'MATERIAL_WRAPPED' or encrypted_key_material is not null),
    constraint import_job_waiting_check check (state <> 'PARAMETERS_FETCHED'
        or (import_token is not null and wrapping_public_key is not null and parameters_valid_to is not null))
);

-- "jobs in state S due before T": parameters to refresh, imports to retry, material to watch
create index import_job_state_parameters_due on import_job (state, parameters_valid_to);
create index import_job_state_attempt_due on import_job (state, next_attempt_at);
create index import_job_state_material_due on import_job (state, material_valid_to);
-- listing: newest first, optionally by key
create index import_job_created on import_job (created_at desc, id);
create index import_job_key on import_job (kms_key_arn, created_at desc);

create table import_job_event (
    id           bigint generated always as identity primary key,
    job_id       uuid          not null references import_job (id),
    from_state   varchar(32),
    to_state     varchar(32)   not null,
    cause        varchar(2000) not null,
    error_code   varchar(64),
    actor        varchar(256)  not null,
    occurred_at  timestamptz   not null
);

create index import_job_event_job on import_job_event (job_id, id);

-- History is append-only: refuse changes to what was written.
create function import_job_event_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'import_job_event is append-only (% refused)', tg_op;
end;
$$;

create trigger import_job_event_no_update before update or delete on import_job_event
    for each row execute function import_job_event_append_only();
