-- A job allowed to delete its key's current material (Huawei imports only into keys without material) records when it
-- did, until its own import lands: should KMS then refuse the import, the key holds no material, and the job that
-- imported the earlier material learns at its next check that Keyport emptied the key for that job, not someone
-- outside Keyport.
alter table import_job add column emptied_key_at timestamptz;
