-- Leases let any number of instances work on jobs without doing the same work twice: a job is claimed in a short
-- transaction (FOR UPDATE SKIP LOCKED) by setting owner and lease-until; a lease left by a killed instance lapses.
alter table import_job add column lease_owner varchar(128);
alter table import_job add column lease_until timestamptz;
-- when an imported job is next compared with KMS (drift: material deleted, key pending deletion)
alter table import_job add column next_check_at timestamptz;

create index import_job_state_check_due on import_job (state, next_check_at);
