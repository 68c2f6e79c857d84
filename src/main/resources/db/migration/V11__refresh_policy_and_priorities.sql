-- Quota spent where it matters (issue 14). A job's refresh policy: EAGER, the scheduler keeps its parameters valid (as
-- before: the default); ON_DEMAND, the scheduler never downloads parameters for it, a client's ask after they lapsed
-- does. Chosen at creation, never changed.
alter table import_job add column refresh_policy varchar(16) not null default 'EAGER';
alter table import_job add constraint import_job_refresh_policy_check check (refresh_policy in ('EAGER', 'ON_DEMAND'));
-- optional: when the client means to import; such jobs are refreshed first when the budget is short
alter table import_job add column due_by timestamptz;
-- the last read of the job or its wrapping key, or upload, by a client (minute precision)
alter table import_job add column last_client_activity_at timestamptz;
-- the order of EAGER refreshes when the budget is short: 0 a due date, 1 recent client activity, 2 neither. Stored so
-- the claim's ORDER BY walks an index; client activity sets 1, the lifecycle puts it back to 2 once the activity is no
-- longer recent (keyport.refresh-policy.recent-activity)
alter table import_job add column refresh_priority integer not null default 2;
alter table import_job add constraint import_job_refresh_priority_check check (refresh_priority between 0 and 2);

-- The EAGER refresh claim (V9's claim shape): one arm per KMS target and priority, reading the arm's jobs in the order
-- of their due time and stopping at the batch. The due time, as the claim has it: expired parameters are due at once
-- (or when a backoff ends), whatever their ValidTo; waiting and wrapped jobs at their ValidTo (or when a backoff ends),
-- so jobs backed off after failures are not read again on every run.
create index import_job_eager_refresh on import_job (kms_target, refresh_priority,
    (case when state = 'PARAMETERS_EXPIRED' then coalesce(work_not_before, '-infinity')
        else greatest(parameters_valid_to, work_not_before) end))
    where refresh_policy = 'EAGER' and state in ('PARAMETERS_FETCHED', 'PARAMETERS_EXPIRED', 'MATERIAL_WRAPPED');
-- ON_DEMAND jobs waiting for material: abandoned after the job lifetime, without any KMS call (per target, as the
-- claim reads them)
create index import_job_on_demand_waiting on import_job (kms_target, waiting_since)
    where refresh_policy = 'ON_DEMAND' and state in ('PARAMETERS_FETCHED', 'PARAMETERS_EXPIRED');
-- ON_DEMAND jobs wrapped under a token that lapsed: back to waiting, without any KMS call
create index import_job_on_demand_token_lapsed on import_job (kms_target, greatest(parameters_valid_to, work_not_before))
    where refresh_policy = 'ON_DEMAND' and state = 'MATERIAL_WRAPPED';
-- No claim reads V9's refresh indexes any more (the EAGER and ON_DEMAND indexes above have their jobs): not kept up
drop index import_job_refresh_due;
drop index import_job_expired_due;
-- recent activity that is getting old: put back to priority 2
create index import_job_recent_activity on import_job (last_client_activity_at) where refresh_priority = 1;
