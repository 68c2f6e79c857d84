-- Fewer index entries per row version (issue 14). No update of a job is a HOT update (each changes an indexed
-- column), so every update writes a new row version and an entry into every index whose predicate the row meets;
-- a full index takes one for every job in every state. The (state, due column) indexes of V1 and V2 serve only the
-- statistics' query for overdue work, one state each: as partial indexes of those states they hold only the jobs
-- in them, and a job's insert and its updates in other states no longer write them. (state, material_valid_to)
-- stays whole: the expiring-keys watch reads it for two states and the jobs-per-state count reads it index-only.
drop index import_job_state_parameters_due;
drop index import_job_state_attempt_due;
drop index import_job_state_check_due;

create index import_job_parameters_due on import_job (parameters_valid_to)
    where state in ('PARAMETERS_FETCHED', 'MATERIAL_WRAPPED');
create index import_job_attempt_due on import_job (next_attempt_at) where state = 'MATERIAL_WRAPPED';
create index import_job_imported_check_due on import_job (next_check_at) where state = 'IMPORTED';
