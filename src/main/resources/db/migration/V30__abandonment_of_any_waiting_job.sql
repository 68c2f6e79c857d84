-- Jobs waiting for material past their lifetime are abandoned without a KMS call, whatever their refresh policy: the
-- settle claim reads EAGER jobs too, so their abandonment no longer waits for the day's GetParametersForImport budget
-- (the refresh claim, which abandoned them before, takes nothing once the budget is used up).
drop index import_job_on_demand_waiting;
create index import_job_waiting_abandon on import_job (kms_target, waiting_since)
    where state in ('PARAMETERS_FETCHED', 'PARAMETERS_EXPIRED');
