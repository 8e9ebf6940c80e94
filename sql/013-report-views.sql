-- 013-report-views.sql: the documented report views (issue 14).
--
-- report_*: what `storcat report NAME`, scConnectReport and queries of
--   operators and auditors (`storcat query`, scConnectQuery) read. Their
--   names and columns are a promise (storcat(1) REPORTS): a later
--   migration may add columns at the end, never rename, remove or reorder
--   one. Times are ISO 8601 UTC text, sizes bytes. The tables, and the
--   helper view disk_volumes, are storcat's own business and may change.
-- disk_volumes: the catalogued volume each domain disk is (or NULL): the
--   one it resolved to when imported, else the volume whose path or
--   alias is the disk's path or its other spelling. The views that ask
--   the other way (which disks are this volume) look the disks up by the
--   volume's UUID, path and aliases, each an index of attachments, rather
--   than through it: it has no index to be searched by volume.

CREATE VIEW disk_volumes AS
SELECT a.id AS attachment_id, a.domain_id,
       coalesce((SELECT v.id FROM volumes v WHERE v.uuid = a.volume_uuid),
                (SELECT v.id FROM volumes v WHERE v.path = a.path),
                (SELECT v.id FROM volumes v WHERE v.path = a.alt_path),
                (SELECT p.volume_id FROM volume_paths p WHERE p.path = a.path),
                (SELECT p.volume_id FROM volume_paths p WHERE p.path = a.alt_path))
           AS volume_id
FROM attachments a;

-- Pools: sizes, volumes, overcommit (the sum of the present volumes'
-- capacities over the pool's capacity, NULL when that is 0). state is
-- as last recorded, in the host boot boot_id (a running pool of another
-- boot is not running now).
CREATE VIEW report_pools AS
SELECT p.name AS pool, p.uuid, p.type, p.state, p.boot_id, p.autostart, p.target_path,
       p.capacity, p.allocation, p.available,
       (SELECT count(*) FROM volumes v WHERE v.pool_id = p.id AND v.state = 'present') AS volumes,
       (SELECT count(*) FROM volumes v WHERE v.pool_id = p.id AND v.state = 'missing') AS missing,
       (SELECT coalesce(sum(v.capacity), 0) FROM volumes v
         WHERE v.pool_id = p.id AND v.state = 'present') AS volume_capacity,
       (SELECT coalesce(sum(v.allocation), 0) FROM volumes v
         WHERE v.pool_id = p.id AND v.state = 'present') AS volume_allocation,
       CASE WHEN p.capacity > 0 THEN round(
           (SELECT coalesce(sum(v.capacity), 0) FROM volumes v
             WHERE v.pool_id = p.id AND v.state = 'present') * 1.0 / p.capacity, 3)
       END AS overcommit,
       strftime('%Y-%m-%dT%H:%M:%SZ', p.refreshed_at, 'unixepoch') AS refreshed
FROM pools p
ORDER BY p.name;

-- Every volume (present, missing or incomplete), pool by pool, name by
-- name; users: the domains with a disk that is the volume or an overlay
-- of it ("domain:target", comma-separated), overlays: how many volumes
-- have it as their backing file.
CREATE VIEW report_volumes AS
SELECT p.name AS pool, v.name AS volume, v.uuid, v.key, v.path, v.type, v.format,
       v.capacity, v.allocation, v.physical, v.backing_path, v.backing_format, v.state,
       strftime('%Y-%m-%dT%H:%M:%SZ', v.first_seen, 'unixepoch') AS first_seen,
       strftime('%Y-%m-%dT%H:%M:%SZ', v.last_seen, 'unixepoch') AS last_seen,
       (WITH RECURSIVE up(id, uuid, path, depth) AS (
            SELECT v.id, v.uuid, v.path, 0
            UNION
            SELECT o.id, o.uuid, o.path, up.depth + 1 FROM up
            JOIN volumes o ON o.backing_path = up.path WHERE up.depth < 64)
        SELECT group_concat(d.name || ':' || coalesce(a.target, '-'), ',')
        FROM attachments a JOIN domains d ON d.id = a.domain_id
        WHERE a.id IN (SELECT a.id FROM up JOIN attachments a ON a.volume_uuid = up.uuid
                       UNION SELECT a.id FROM up JOIN attachments a ON a.path = up.path
                       UNION SELECT a.id FROM up JOIN attachments a ON a.alt_path = up.path
                       UNION SELECT a.id FROM up JOIN volume_paths p ON p.volume_id = up.id
                             JOIN attachments a ON a.path = p.path
                       UNION SELECT a.id FROM up JOIN volume_paths p ON p.volume_id = up.id
                             JOIN attachments a ON a.alt_path = p.path)) AS users,
       (SELECT count(*) FROM volumes o WHERE o.backing_path = v.path) AS overlays,
       p.uuid AS pool_uuid
FROM pools p CROSS JOIN volumes v ON v.pool_id = p.id
WHERE v.state IN ('present', 'missing', 'incomplete')
ORDER BY p.name, v.name;

-- Present volumes no domain uses, directly or as a link of the backing
-- chain of a volume one uses, with their size and age (days since first
-- seen).
CREATE VIEW report_unused AS
SELECT p.name AS pool, v.name AS volume, v.uuid, v.path, v.format, v.capacity, v.allocation,
       strftime('%Y-%m-%dT%H:%M:%SZ', v.first_seen, 'unixepoch') AS first_seen,
       CAST((strftime('%s', 'now') - v.first_seen) / 86400 AS INTEGER) AS age_days,
       p.uuid AS pool_uuid
FROM pools p CROSS JOIN volumes v ON v.pool_id = p.id
WHERE v.state = 'present'
  AND NOT EXISTS (
      WITH RECURSIVE up(id, uuid, path, depth) AS (
          SELECT v.id, v.uuid, v.path, 0
          UNION
          SELECT o.id, o.uuid, o.path, up.depth + 1 FROM up
          JOIN volumes o ON o.backing_path = up.path WHERE up.depth < 64)
      SELECT 1 FROM up
      WHERE EXISTS (SELECT 1 FROM attachments a WHERE a.volume_uuid = up.uuid)
         OR EXISTS (SELECT 1 FROM attachments a WHERE a.path = up.path)
         OR EXISTS (SELECT 1 FROM attachments a WHERE a.alt_path = up.path)
         OR EXISTS (SELECT 1 FROM volume_paths p JOIN attachments a ON a.path = p.path
                     WHERE p.volume_id = up.id)
         OR EXISTS (SELECT 1 FROM volume_paths p JOIN attachments a ON a.alt_path = p.path
                     WHERE p.volume_id = up.id))
ORDER BY p.name, v.name;

-- Volumes whose storage vanished, and the domains that still use them
-- ("domain:target", comma-separated; NULL: none).
CREATE VIEW report_missing AS
SELECT p.name AS pool, v.name AS volume, v.uuid, v.path, v.format, v.capacity,
       strftime('%Y-%m-%dT%H:%M:%SZ', v.last_seen, 'unixepoch') AS last_seen,
       (SELECT group_concat(d.name || ':' || coalesce(a.target, '-'), ',')
        FROM attachments a JOIN domains d ON d.id = a.domain_id
        WHERE a.id IN (SELECT a.id FROM attachments a WHERE a.volume_uuid = v.uuid
                       UNION SELECT a.id FROM attachments a WHERE a.path = v.path
                       UNION SELECT a.id FROM attachments a WHERE a.alt_path = v.path
                       UNION SELECT a.id FROM volume_paths p JOIN attachments a
                             ON a.path = p.path WHERE p.volume_id = v.id
                       UNION SELECT a.id FROM volume_paths p JOIN attachments a
                             ON a.alt_path = p.path WHERE p.volume_id = v.id)) AS domains,
       p.uuid AS pool_uuid
FROM pools p CROSS JOIN volumes v ON v.pool_id = p.id
WHERE v.state = 'missing'
ORDER BY p.name, v.name;

-- Disks of domains that are no catalogued volume (network disks, empty
-- drives, files and devices in no pool).
CREATE VIEW report_unmanaged_disks AS
SELECT d.name AS domain, a.target, a.device, a.source_type, a.source, a.path,
       d.source AS domain_source
FROM domains d JOIN attachments a ON a.domain_id = d.id
JOIN disk_volumes dv ON dv.attachment_id = a.id
WHERE dv.volume_id IS NULL
ORDER BY d.name, a.target;

-- Backing chains, one row per link, from each top (an overlay no volume
-- has as its backing file) down: depth 0 is the top. A link is a
-- catalogued volume (link_state its state) or, at the bottom, a backing
-- file no volume is ('uncatalogued'). Whether that file exists on disk
-- is not the view's to say: scConnectReport adds it ("broken").
CREATE VIEW report_chains AS
WITH RECURSIVE link(top, depth, volume_id, path, backing_path) AS (
    SELECT t.id, 0, t.id, t.path, t.backing_path FROM volumes t
    WHERE t.backing_path IS NOT NULL AND t.state IN ('present', 'missing')
      AND NOT EXISTS (SELECT 1 FROM volumes o WHERE o.backing_path = t.path)
    UNION ALL
    SELECT l.top, l.depth + 1, b.id, l.backing_path, b.backing_path
    FROM link l LEFT JOIN volumes b
        ON b.id = coalesce((SELECT x.id FROM volumes x WHERE x.path = l.backing_path),
                           (SELECT vp.volume_id FROM volume_paths vp
                             WHERE vp.path = l.backing_path))
    WHERE l.backing_path IS NOT NULL AND l.volume_id IS NOT NULL AND l.depth < 64
)
SELECT tp.name AS pool, t.name AS chain, t.uuid AS chain_uuid, l.depth,
       p.name AS volume_pool, v.name AS volume, v.uuid, l.path, v.format,
       l.backing_path, v.backing_format,
       CASE WHEN v.id IS NULL THEN 'uncatalogued' ELSE v.state END AS link_state
FROM link l JOIN volumes t ON t.id = l.top JOIN pools tp ON tp.id = t.pool_id
LEFT JOIN volumes v ON v.id = l.volume_id LEFT JOIN pools p ON p.id = v.pool_id
ORDER BY tp.name, t.name, l.depth;
