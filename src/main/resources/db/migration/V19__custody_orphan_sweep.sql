-- The sweep of custody material no job refers to (CustodyOrphans) looks each sealed row's id up among the jobs'
-- references: one index probe per row instead of a scan of every job.
create index import_job_custody_reference on import_job (custody_id) where custody_id is not null;
