-- A multi-Region key's replicas are keys of their own, each with the ValidTo of its last import: after a custody renewal
-- that reached the primary but not a replica, the replica's material expires first. The expiring-keys view and its
-- gauge list every member, read through this index: the replicas whose material expires within the window only.
create index import_job_replica_material_due on import_job_replica (material_valid_to) where state = 'IMPORTED';
