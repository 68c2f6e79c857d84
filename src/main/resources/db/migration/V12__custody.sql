-- Material custody (io.keyport.custody): material a custodian keeps encrypted in the database. Never plaintext:
-- ciphertext is AES-256-GCM under a KMS data key (kms-envelope: the data key's ciphertext blob beside it, decrypted by
-- the custody KMS key only for the moment of a wrap) or under a local file's key (local-file, local runs only).
-- The custodian, id and key spec are the GCM additional data, so a row moved to another id or custodian does not open.
create table custody_material (
    id                 uuid primary key,
    custodian          text        not null,
    key_spec           text        not null,
    kms_target         text,
    kms_key_id         text,
    encrypted_data_key bytea,
    nonce              bytea       not null check (octet_length(nonce) = 12),
    ciphertext         bytea       not null,
    created_at         timestamptz not null,
    check ((kms_key_id is null) = (encrypted_data_key is null))
);
create index custody_material_custodian on custody_material (custodian);
