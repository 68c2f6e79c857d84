-- Huawei imports only into keys without material, so an import into a key that holds some deletes it first; the key
-- is unusable until the import succeeds, and Huawei takes back only the same material. A job does that only when its
-- creator accepted it ("deleteCurrentMaterial": true); a job without that consent meets such a key with a refusal,
-- never a deletion. Jobs created before this column did not ask, so they do not have it.
alter table import_job add column delete_current_material boolean not null default false;
