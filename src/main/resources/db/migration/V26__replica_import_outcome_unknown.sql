-- As import_job.import_outcome_unknown (V24), for a replica's own import: a replica whose import failed in a way KMS
-- may have carried out is not failed for running out of attempts; it is retried until KMS answers or its token lapses.
alter table import_job_replica add column import_outcome_unknown boolean not null default false;
