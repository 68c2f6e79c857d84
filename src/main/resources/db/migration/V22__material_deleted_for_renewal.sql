-- A custody renewal on a KMS that imports only into keys without material (Huawei) deletes the key's material before
-- its import. material_deleted_at records that Keyport did so, written right after the deletion and cleared by the
-- renewal's import: until then the job stays due for renewal, and the check does not mistake the empty key for
-- material deleted outside Keyport (which ends the job MATERIAL_EXPIRED).
alter table import_job add column material_deleted_at timestamptz;
