-- Every job and key belongs to one KMS target (keyport.kms.targets.<name>). Rows from before targets existed belong
-- to the implicit AWS target, named "default": name the target holding those keys "default" when configuring targets.
alter table import_job add column kms_target varchar(63) not null default 'default';
alter table import_job alter column kms_target drop default;
-- owners keep the default: ownership is by resource name, the target beside it is informational
alter table kms_key_owner add column kms_target varchar(63) not null default 'default';
-- the target a KMS call went to, or the request named; null for entries without one
alter table audit_event add column kms_target varchar(63);
