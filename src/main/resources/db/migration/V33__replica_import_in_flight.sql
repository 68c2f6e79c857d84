-- A replica's import is marked as sent before ImportKeyMaterial goes out, as the primary's is (import_in_flight on
-- import_job): an instance that dies before recording KMS's answer leaves the mark, and the next attempt counts the
-- outcome as unknown. Such a replica is then never failed for running out of attempts (a throttled resend must not
-- fail a replica KMS may already hold the material in); it is retried until KMS answers or its token lapses.
alter table import_job_replica add column import_in_flight boolean not null default false;
