-- import_in_flight: an import was sent (or is about to be) and its answer is not recorded yet. A retry or the token's
-- lapse that still finds it set knows the instance that sent it died: the outcome is unknown.
-- unconfirmed_import_at: when a job gave up an import whose outcome stayed unknown (its token lapsed), so KMS may hold
-- the job's material. While set, material kept in custody is neither replaced nor destroyed, and the job is not
-- abandoned.
alter table import_job add column import_in_flight boolean not null default false;
alter table import_job add column unconfirmed_import_at timestamptz;
