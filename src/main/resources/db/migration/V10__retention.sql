-- Retention (keyport.retention.*): audit entries, finished jobs and old job history are deleted once older than their
-- retention, in bounded batches. History and audit stay append-only: an update is always refused, and a delete only
-- removes a row older than the cutoff the deleting transaction declared with
-- set_config('keyport.retention_cutoff', <timestamp>, true). A delete without a declared cutoff, or of a row at or
-- after it, is refused as before. This guards against accidents in Keyport's code, not against a database user who
-- may drop triggers.
create or replace function audit_event_append_only() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE'
            and old.occurred_at < nullif(current_setting('keyport.retention_cutoff', true), '')::timestamptz then
        return old;
    end if;
    raise exception 'audit_event is append-only (% refused)', tg_op;
end;
$$;

create or replace function import_job_event_append_only() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE'
            and old.occurred_at < nullif(current_setting('keyport.retention_cutoff', true), '')::timestamptz then
        return old;
    end if;
    raise exception 'import_job_event is append-only (% refused)', tg_op;
end;
$$;

-- "finished jobs, oldest first": a batch reads O(batch) entries (audit_event_time already serves audit entries)
create index import_job_finished on import_job (updated_at, id)
    where state in ('SUPERSEDED', 'FAILED', 'CANCELLED');
-- "job history older than T, oldest first"
create index import_job_event_time on import_job_event (occurred_at, id);
