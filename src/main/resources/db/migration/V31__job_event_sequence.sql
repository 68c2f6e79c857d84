-- A history entry's sequence is its place in its own job's history (1, 2, 3, ...), no longer the table's global
-- identity: a tenant reading its job's history learned from the gaps how much every other tenant did in between.
-- The job counts its entries (last_event_sequence, checked by the job's optimistic lock like every change of it).
-- Entries written before this migration are numbered in their order; where retention had already deleted a live
-- job's older entries, its numbering starts at the oldest entry kept.
alter table import_job add column last_event_sequence integer not null default 0;
alter table import_job_event add column job_sequence integer;

-- the history is append-only; its numbering is written once, here, with the guard off
alter table import_job_event disable trigger import_job_event_no_update;
update import_job_event e set job_sequence = n.sequence
from (select id, row_number() over (partition by job_id order by id) as sequence from import_job_event) n
where e.id = n.id;
alter table import_job_event enable trigger import_job_event_no_update;

update import_job j set last_event_sequence = m.sequence
from (select job_id, max(job_sequence) as sequence from import_job_event group by job_id) m
where j.id = m.job_id;

-- During a rolling update, instances of the earlier version append entries without a sequence: numbered here after
-- the job's last entry, and the job's count follows, so the new version's next entry continues from them. The
-- current version always gives the sequence itself.
create function import_job_event_sequence() returns trigger language plpgsql as $$
begin
    if new.job_sequence is null then
        update import_job set last_event_sequence = last_event_sequence + 1 where id = new.job_id
        returning last_event_sequence into new.job_sequence;
    end if;
    return new;
end;
$$;
create trigger import_job_event_sequence before insert on import_job_event
    for each row execute function import_job_event_sequence();

alter table import_job_event alter column job_sequence set not null;
