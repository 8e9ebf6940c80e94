-- 015-volume-keys-per-pool.sql: a volume's key is unique within its pool,
-- no longer across the catalog (issue 10).
--
-- libvirt documents a key as "globally unique, so the same volume will
-- have the same key no matter what host it is accessed from": the same
-- LUN reached through two portals, or through iscsi-direct and the
-- kernel's initiator, is one key in two pools; so is a partition of a disk
-- image and of its copy (same PARTUUID). A catalog-wide UNIQUE (key) made
-- the second pool's refresh fail. The table is rebuilt as 009 rebuilt it
-- (same columns, rows and ids; volume_paths and volume_attrs kept aside,
-- as dropping the old table deletes them), with UNIQUE (key, pool_id):
-- its index serves lookups by key and a pool's own key check.
-- legacy_alter_table keeps the rename from checking the report views
-- (013), which name the table while it does not exist.

CREATE TEMP TABLE keep_paths AS SELECT path, volume_id FROM volume_paths;
CREATE TEMP TABLE keep_attrs AS SELECT volume_id, name, value FROM volume_attrs;

CREATE TABLE volumes_new (
    id             INTEGER PRIMARY KEY,
    pool_id        INTEGER NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    uuid           TEXT NOT NULL UNIQUE,    -- storcat's stable identity
    name           TEXT NOT NULL,
    key            TEXT NOT NULL,
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
    UNIQUE (pool_id, name),
    UNIQUE (key, pool_id)
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
PRAGMA legacy_alter_table = ON;
ALTER TABLE volumes_new RENAME TO volumes;
PRAGMA legacy_alter_table = OFF;
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
