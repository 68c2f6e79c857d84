-- An import attempt that failed with a fault KMS may have carried out (5xx, timeout) leaves the outcome unknown until
-- KMS answers an attempt with the same token. While it is unknown the job is never failed for running out of
-- attempts: failing destroyed the material kept in custody, although the key might hold it. Cleared when the job
-- leaves MATERIAL_WRAPPED.
alter table import_job add column import_outcome_unknown boolean not null default false;
