-- 002-volumes.sql: what the volume engine needs beyond the first schema.
--
-- target_real: the pool's target directory with symlinks resolved, where
--   its volumes' canonical paths start; set when the pool starts.
-- op_pid/op_boot: the process (and host boot) running a create or delete
--   journaled as state 'creating'/'deleting', so that a refresh can tell an
--   operation in progress from one that crashed.
-- volumes_pool_sig: a covering index for reconcile's comparison of the
--   stat signature, pool by pool, name by name.

ALTER TABLE pools ADD COLUMN target_real TEXT;
CREATE INDEX pools_target_real ON pools (target_real);

ALTER TABLE volumes ADD COLUMN op_pid INTEGER;
ALTER TABLE volumes ADD COLUMN op_boot TEXT;

CREATE INDEX volumes_pool_sig ON volumes (pool_id, name, state, dev, ino, size, mtime_ns,
                                          ctime_ns);
