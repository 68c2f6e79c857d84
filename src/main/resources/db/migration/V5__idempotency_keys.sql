-- Idempotency-Key for job creation: a platform retrying a POST after a timeout gets the first answer, not a second job.
create table idempotency_key (
    tenant            varchar(128)  not null,
    idempotency_key   varchar(255)  not null,
    operation         varchar(64)   not null,
    request_hash      bytea         not null,
    state             varchar(16)   not null,
    response_status   integer,
    response_location varchar(512),
    response_body     text,
    created_at        timestamptz   not null,
    expires_at        timestamptz   not null,
    primary key (tenant, idempotency_key),
    constraint idempotency_key_state_check check (state in ('IN_FLIGHT', 'COMPLETED'))
);

create index idempotency_key_expiry on idempotency_key (expires_at);
