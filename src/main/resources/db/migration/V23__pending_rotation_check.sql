-- A rotation job waiting to rotate (IMPORTED_PENDING_ROTATION) holds material in its key, with its own ValidTo: it is
-- watched as an imported job is, so its material's expiry or deletion is seen. Its own claim index, per target by the
-- next check as for imported jobs (V9).
create index import_job_pending_rotation_check_due on import_job (kms_target, greatest(next_check_at, work_not_before))
    where state = 'IMPORTED_PENDING_ROTATION';
update import_job set next_check_at = coalesce(next_check_at, least(material_valid_to, now()), now())
    where state = 'IMPORTED_PENDING_ROTATION' and next_check_at is null;
