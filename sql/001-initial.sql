-- 001-initial.sql: the first catalog schema.
--
-- Pools and volumes as libvirt knows them, plus what storcat learns about
-- real storage, and the audit trail. Sizes are bytes, times are Unix
-- seconds (UTC). Enumerated TEXT columns are checked against the lists that
-- the C code also uses (tests/test_catalog.c checks that they agree). The
-- checks are written as OR chains: SQLite codes an IN list of more than two
-- values as a temporary index built at every insert.

CREATE TABLE pools (
    id           INTEGER PRIMARY KEY,
    uuid         TEXT NOT NULL UNIQUE,      -- lowercase, dashed
    name         TEXT NOT NULL UNIQUE,
    type         TEXT NOT NULL CHECK (
                     type = 'dir' OR type = 'fs' OR type = 'netfs' OR type = 'logical' OR
                     type = 'disk' OR type = 'iscsi' OR type = 'scsi' OR type = 'mpath' OR
                     type = 'rbd' OR type = 'sheepdog' OR type = 'gluster' OR type = 'zfs' OR
                     type = 'vstorage' OR type = 'iscsi-direct'),
    target_path  TEXT,                      -- sanitized <target><path>, if any
    target_key   TEXT UNIQUE,               -- a local directory no two pools may share
    source_key   TEXT UNIQUE,               -- a source no two pools may share
    xml          TEXT NOT NULL,             -- the definition, as formatted by storcat
    state        TEXT NOT NULL DEFAULT 'inactive' CHECK (
                     state = 'inactive' OR state = 'building' OR state = 'running' OR
                     state = 'degraded' OR state = 'inaccessible'),
    boot_id      TEXT,                      -- the host boot that `state` belongs to
    autostart    INTEGER NOT NULL DEFAULT 0 CHECK (autostart IN (0, 1)),
    capacity     INTEGER NOT NULL DEFAULT 0 CHECK (capacity >= 0),
    allocation   INTEGER NOT NULL DEFAULT 0 CHECK (allocation >= 0),
    available    INTEGER NOT NULL DEFAULT 0 CHECK (available >= 0),
    defined_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    refreshed_at INTEGER                    -- last reconcile, NULL if never
);
CREATE INDEX pools_target_path ON pools (target_path);

CREATE TABLE volumes (
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
    dev            INTEGER,                 -- stat signature: reconcile skips
    ino            INTEGER,                 -- files whose signature is unchanged
    size           INTEGER,
    mtime_ns       INTEGER,
    ctime_ns       INTEGER,
    state          TEXT NOT NULL DEFAULT 'present' CHECK (
                       state = 'present' OR state = 'missing' OR state = 'creating' OR
                       state = 'deleting'),
    first_seen     INTEGER NOT NULL,
    last_seen      INTEGER NOT NULL,
    UNIQUE (pool_id, name)
);
CREATE INDEX volumes_dev_ino ON volumes (dev, ino);

-- Every other path a guest disk may use for a volume (/dev/mapper/vg-lv,
-- /dev/disk/by-id/..., a symlinked image directory).
CREATE TABLE volume_paths (
    path      TEXT PRIMARY KEY,
    volume_id INTEGER NOT NULL REFERENCES volumes (id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX volume_paths_volume ON volume_paths (volume_id);

-- Backend metadata: LV attributes, GPT type and PARTUUID, LUN WWN, ...
CREATE TABLE volume_attrs (
    volume_id INTEGER NOT NULL REFERENCES volumes (id) ON DELETE CASCADE,
    name      TEXT NOT NULL,
    value     TEXT,
    PRIMARY KEY (volume_id, name)
) WITHOUT ROWID;

-- The audit trail. Objects are named by UUID and name, not by row id, so
-- that history outlives the pools and volumes it speaks of.
CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    ts          INTEGER NOT NULL,
    actor       TEXT NOT NULL,              -- "user(uid) pid N storcat-cli", ...
    pool_uuid   TEXT,
    pool_name   TEXT,
    volume_uuid TEXT,
    volume_name TEXT,
    action      TEXT NOT NULL,              -- "pool-define", "pool-undefine", ...
    detail      TEXT
);
CREATE INDEX events_pool ON events (pool_uuid, ts);
CREATE INDEX events_volume ON events (volume_uuid, ts);
