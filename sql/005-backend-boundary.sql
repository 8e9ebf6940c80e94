-- 005-backend-boundary.sql: the catalog of the generic core-backend
-- boundary (backends/backend.h).
--
-- Volumes: the change signature and the identity are opaque blobs that
--   the pool's backend defines (dir: the stat signature, and device +
--   inode + birth time; logical: LV UUID and segments; disk: PARTUUID),
--   replacing the stat columns dev, ino and size; physical and the access
--   and birth times join the timestamps; `op` journals an operation in
--   progress on a present volume (with op_pid/op_boot, as 'creating' and
--   'deleting' rows already are), so that two processes never change one
--   volume at once and a refresh knows a crashed one. Old rows have no
--   signature: the first refresh after the upgrade reads each volume once.
-- Pools: `runtime` is what the backend's start returned (text it defines:
--   the resolved target directory, a mount point, a session); pool_dirs
--   lists the directories where the paths of a started pool's volumes lie
--   (a lookup by path that misses asks the pools of its directory);
--   `op`/op_pid/op_boot journal a build, start, stop or delete in progress;
--   the scan digest becomes the backend's change token.

DROP INDEX volumes_pool_sig;
ALTER TABLE volumes DROP COLUMN dev;
ALTER TABLE volumes DROP COLUMN ino;
ALTER TABLE volumes DROP COLUMN size;
ALTER TABLE volumes ADD COLUMN sig BLOB;
ALTER TABLE volumes ADD COLUMN ident BLOB;
ALTER TABLE volumes ADD COLUMN physical INTEGER NOT NULL DEFAULT 0 CHECK (physical >= 0);
ALTER TABLE volumes ADD COLUMN atime_ns INTEGER;
ALTER TABLE volumes ADD COLUMN btime_ns INTEGER;
ALTER TABLE volumes ADD COLUMN op TEXT CHECK (
    op IS NULL OR op = 'wiping' OR op = 'resizing' OR op = 'uploading');
CREATE INDEX volumes_pool_sig ON volumes (pool_id, name, state, sig);

ALTER TABLE pools RENAME COLUMN scan_digest TO change_token;
ALTER TABLE pools ADD COLUMN runtime TEXT;
ALTER TABLE pools ADD COLUMN op TEXT CHECK (
    op IS NULL OR op = 'building' OR op = 'starting' OR op = 'stopping' OR op = 'deleting');
ALTER TABLE pools ADD COLUMN op_pid INTEGER;
ALTER TABLE pools ADD COLUMN op_boot TEXT;

CREATE TABLE pool_dirs (
    id      INTEGER PRIMARY KEY,           -- the order start gave them in
    dir     TEXT NOT NULL,
    pool_id INTEGER NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    UNIQUE (dir, pool_id)
);
CREATE INDEX pool_dirs_pool ON pool_dirs (pool_id);

-- A started dir pool's runtime state is its resolved target directory.
UPDATE pools SET runtime = target_real WHERE target_real IS NOT NULL;
INSERT INTO pool_dirs (dir, pool_id) SELECT target_real, id FROM pools
    WHERE target_real IS NOT NULL;
DROP INDEX pools_target_real;
ALTER TABLE pools DROP COLUMN target_real;
