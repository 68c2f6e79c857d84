-- Failed downloads of a replica's parameters in a row: the backoff before the next one
-- grows with it (it stayed constant before), and a download that succeeds resets it.
alter table import_job_replica add column parameter_failures integer not null default 0;
