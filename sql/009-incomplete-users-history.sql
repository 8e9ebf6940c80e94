-- 008-incomplete-users-history.sql: the catalog protects what it knows
-- (issue 9): interrupted creates, who uses a volume, identities kept
-- across a pool's redefinition.
--
-- volumes.state gains 'incomplete': storage that an interrupted create or
--   clone left and that storcat cannot tell is its own partial work (no
--   identity journaled for it, or another one): kept and shown, refused as
--   a clone source, never a volume. SQLite cannot change a CHECK in place,
--   so the table is rebuilt with the same columns, rows and ids. Foreign
--   keys are on during a migration (the pragma cannot change inside its
--   transaction): dropping the old table deletes the rows of volume_paths
--   and volume_attrs that refer to it, so they are kept aside and put
--   back. Its indexes and triggers are made again as they were.
-- volumes_backing: the volumes that use a path as their backing file
--   (SC_STORAGE_VOL_CHECK_USERS asks before a base is deleted, shrunk,
--   wiped or uploaded over); partial, so only overlays pay for it.
-- volume_history: the identity (pool UUID, volume UUID, key, path, name)
--   of each volume of a pool when the pool is undefined, so that a pool
--   defined again with that UUID gives a volume found with the same key
--   its old UUID. No unique constraint: a history, not an inventory;
--   never seen by lookups or listings.

CREATE TEMP TABLE keep_paths AS SELECT path, volume_id FROM volume_paths;
CREATE TEMP TABLE keep_attrs AS SELECT volume_id, name, value FROM volume_attrs;

CREATE TABLE volumes_new (
    id             INTEGER PRIMARY KEY,
    pool_id        INTEGER NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    uuid           TEXT NOT NULL UNIQUE,    -- storcat's stable identity
    name           TEXT NOT NULL,
    key            TEXT NOT NULL UNIQUE,
    path           TEXT NOT NULL UNIQUE,
    type           TEXT NOT NULL CHECK (
                       type = 'file' OR type = 'block' OR type = 'dir' OR type = 'network' OR
                       type = 'netdir' OR type = 'ploop'),
    format         TEXT,
    capacity       INTEGER NOT NULL DEFAULT 0 CHECK (capacity >= 0),
    allocation     INTEGER NOT NULL DEFAULT 0 CHECK (allocation >= 0),
    backing_path   TEXT,
    backing_format TEXT,
    mode           INTEGER,
    uid            INTEGER,
    gid            INTEGER,
    mtime_ns       INTEGER,
    ctime_ns       INTEGER,
    state          TEXT NOT NULL DEFAULT 'present' CHECK (
                       state = 'present' OR state = 'missing' OR state = 'creating' OR
                       state = 'deleting' OR state = 'incomplete'),
    first_seen     INTEGER NOT NULL,
    last_seen      INTEGER NOT NULL,
    op_pid         INTEGER,                 -- the process of a journal (op or creating/deleting)
    op_boot        TEXT,
    sig            BLOB,                    -- the backend's change signature
    ident          BLOB,                    -- the backend's identity (a create's, once made)
    physical       INTEGER NOT NULL DEFAULT 0 CHECK (physical >= 0),
    atime_ns       INTEGER,
    btime_ns       INTEGER,
    op             TEXT CHECK (
                       op IS NULL OR op = 'wiping' OR op = 'resizing' OR op = 'uploading'),
    op_start       INTEGER,
    UNIQUE (pool_id, name)
);
INSERT INTO volumes_new (id, pool_id, uuid, name, key, path, type, format, capacity, allocation,
                         backing_path, backing_format, mode, uid, gid, mtime_ns, ctime_ns, state,
                         first_seen, last_seen, op_pid, op_boot, sig, ident, physical, atime_ns,
                         btime_ns, op, op_start)
    SELECT id, pool_id, uuid, name, key, path, type, format, capacity, allocation, backing_path,
           backing_format, mode, uid, gid, mtime_ns, ctime_ns, state, first_seen, last_seen,
           op_pid, op_boot, sig, ident, physical, atime_ns, btime_ns, op, op_start
    FROM volumes;
DROP TABLE volumes;
ALTER TABLE volumes_new RENAME TO volumes;
INSERT INTO volume_paths (path, volume_id) SELECT path, volume_id FROM temp.keep_paths;
INSERT INTO volume_attrs (volume_id, name, value) SELECT volume_id, name, value
    FROM temp.keep_attrs;
DROP TABLE temp.keep_paths;
DROP TABLE temp.keep_attrs;

CREATE INDEX volumes_pool_sig ON volumes (pool_id, name, state, sig);
CREATE TRIGGER volumes_digest_insert AFTER INSERT ON volumes
WHEN (SELECT change_token FROM pools WHERE id = NEW.pool_id) IS NOT NULL BEGIN
    UPDATE pools SET change_token = NULL WHERE id = NEW.pool_id;
END;
CREATE TRIGGER volumes_digest_update AFTER UPDATE ON volumes
WHEN (SELECT change_token FROM pools WHERE id = NEW.pool_id) IS NOT NULL
  OR (SELECT change_token FROM pools WHERE id = OLD.pool_id) IS NOT NULL BEGIN
    UPDATE pools SET change_token = NULL WHERE id IN (OLD.pool_id, NEW.pool_id);
END;
CREATE TRIGGER volumes_digest_delete AFTER DELETE ON volumes
WHEN (SELECT change_token FROM pools WHERE id = OLD.pool_id) IS NOT NULL BEGIN
    UPDATE pools SET change_token = NULL WHERE id = OLD.pool_id;
END;

CREATE INDEX volumes_backing ON volumes (backing_path) WHERE backing_path IS NOT NULL;

CREATE TABLE volume_history (
    id          INTEGER PRIMARY KEY,
    pool_uuid   TEXT NOT NULL,             -- the pool undefined
    volume_uuid TEXT NOT NULL,             -- the identity kept
    key         TEXT NOT NULL,
    path        TEXT NOT NULL,
    name        TEXT NOT NULL,
    kept_at     INTEGER NOT NULL           -- when the pool was undefined
);
CREATE INDEX volume_history_pool_key ON volume_history (pool_uuid, key);
