-- Tenants: every job belongs to one; every query is filtered by it.
alter table import_job add column tenant varchar(128) not null default 'default';
alter table import_job alter column tenant drop default;
create index import_job_tenant_created on import_job (tenant, created_at desc, id);

-- The tenant that first used a KMS key through Keyport owns it: other tenants get "not found".
create table kms_key_owner (
    kms_key_arn  varchar(2048) primary key,
    tenant       varchar(128)  not null,
    claimed_by   varchar(256)  not null,
    claimed_at   timestamptz   not null
);

-- Who did what, when, from where, with what outcome: every state-changing API call and every KMS call.
-- Never material, never import tokens.
create table audit_event (
    id           bigint generated always as identity primary key,
    occurred_at  timestamptz   not null,
    tenant       varchar(128),
    subject      varchar(256)  not null,
    client_id    varchar(256),
    operation    varchar(128)  not null,
    job_id       uuid,
    kms_key_arn  varchar(2048),
    remote_addr  varchar(64),
    request_id   varchar(128),
    outcome      varchar(64)   not null,
    detail       varchar(1000)
);

create index audit_event_time on audit_event (occurred_at desc, id desc);
create index audit_event_key on audit_event (kms_key_arn, occurred_at desc);
create index audit_event_tenant on audit_event (tenant, occurred_at desc);

create function audit_event_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit_event is append-only (% refused)', tg_op;
end;
$$;

create trigger audit_event_no_update before update or delete on audit_event
    for each row execute function audit_event_append_only();
