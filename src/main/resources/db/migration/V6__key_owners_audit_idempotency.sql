-- Keys are owned: a key nobody owns no longer exists for tenants. Every key already used by a job keeps the tenant of
-- its earliest job as owner, so nothing that worked before disappears.
insert into kms_key_owner (kms_key_arn, tenant, claimed_by, claimed_at)
select distinct on (kms_key_arn) kms_key_arn, tenant, created_by, created_at
from import_job
order by kms_key_arn, created_at, id
on conflict (kms_key_arn) do nothing;

-- Idempotency: each in-flight record belongs to the request that wrote it; a late request whose record was taken
-- over (abandoned after 5 minutes) can no longer complete or delete the new owner's record.
alter table idempotency_key add column owner_token varchar(36);
