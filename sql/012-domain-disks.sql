-- 012-domain-disks.sql: the guest disks of libvirt domains (issue 14).
--
-- domains: one row per domain imported from its XML
--   (scConnectDomainImportXML, `storcat domain-import`); importing it again
--   replaces its row and its disks, scConnectDomainForget drops them.
-- attachments: each <disk> of a domain's <devices>, as written and as
--   storcat resolved it:
--     target       <target dev>: "vda" (NULL when the XML has none)
--     device       disk, cdrom, floppy, lun
--     source_type  the <disk type>: file, block, volume, network, dir, ...
--     source       as written: a path, "POOL/VOLUME", "PROTOCOL:NAME";
--                  NULL for an empty drive
--     path         the canonical path (symlinks, "..", "//" resolved) of a
--                  file, block or dir disk; a pool volume's path when it
--                  was catalogued at import
--     alt_path     another spelling of the same storage, when there is a
--                  useful one: a device-mapper node's /dev/mapper name
--                  (/dev/VG/LV, /dev/disk/by-id/dm-... and /dev/dm-3 all
--                  lead to /dev/dm-3), else the path as written, folded
--     volume_uuid  the catalogued volume it resolved to at import, if any
--     readonly     <readonly/>
--   A volume's users are the attachments that resolved to it, or whose
--   path or alt_path is its path or one of its aliases (volume_paths): so
--   a volume catalogued after the domain was imported is found too.
--   attachments_path and attachments_alt_path serve that match,
--   attachments_volume the first.

CREATE TABLE domains (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    uuid        TEXT,
    source      TEXT,                       -- the file it was imported from, if told
    imported_at INTEGER NOT NULL
);

CREATE TABLE attachments (
    id          INTEGER PRIMARY KEY,
    domain_id   INTEGER NOT NULL REFERENCES domains (id) ON DELETE CASCADE,
    target      TEXT,
    device      TEXT NOT NULL,
    source_type TEXT NOT NULL,
    source      TEXT,
    path        TEXT,
    alt_path    TEXT,
    volume_uuid TEXT,
    readonly    INTEGER NOT NULL DEFAULT 0 CHECK (readonly IN (0, 1))
);
CREATE INDEX attachments_domain ON attachments (domain_id);
CREATE INDEX attachments_path ON attachments (path) WHERE path IS NOT NULL;
CREATE INDEX attachments_alt_path ON attachments (alt_path) WHERE alt_path IS NOT NULL;
CREATE INDEX attachments_volume ON attachments (volume_uuid) WHERE volume_uuid IS NOT NULL;
