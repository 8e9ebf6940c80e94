-- 017-growth-drift.sql: the pools' sizes over time and what each refresh
-- changed, and the reports growth and drift on them (issue 14).
--
-- pool_usage: a pool's capacity, allocation and available bytes from the
--   moment they took those values: a row each time they change (the
--   trigger below, whatever wrote them: a refresh, a start, a volume's
--   create or delete), none while they stay as they are, so a flat pool
--   costs nothing. events.retention ages it as it ages the audit trail;
--   a pool's rows go with the pool.
-- events.refresh: the events one refresh wrote (the volumes it found,
--   changed, lost or got back, and its own "pool-refresh" or
--   "pool-start-refresh") share it: the id of the first of them. NULL
--   for every other event, and for those recorded before this migration.
--   A refresh writes its events in one write transaction, so they are
--   the ids from that one on, with no other process's in between.

CREATE TABLE pool_usage (
    id         INTEGER PRIMARY KEY,
    pool_uuid  TEXT NOT NULL,
    ts         INTEGER NOT NULL,
    capacity   INTEGER NOT NULL,
    allocation INTEGER NOT NULL,
    available  INTEGER NOT NULL
);
CREATE INDEX pool_usage_pool ON pool_usage (pool_uuid, ts);
CREATE INDEX pool_usage_ts ON pool_usage (ts);

CREATE TRIGGER pools_usage AFTER UPDATE OF capacity, allocation, available ON pools
WHEN new.capacity IS NOT old.capacity OR new.allocation IS NOT old.allocation OR
     new.available IS NOT old.available
BEGIN
    INSERT INTO pool_usage (pool_uuid, ts, capacity, allocation, available)
    VALUES (new.uuid, CAST(strftime('%s', 'now') AS INTEGER), new.capacity, new.allocation,
            new.available);
END;

-- A pool undefined (or a transient one stopped) takes its history along:
-- a pool defined again starts a new one.
CREATE TRIGGER pools_usage_delete AFTER DELETE ON pools
BEGIN
    DELETE FROM pool_usage WHERE pool_uuid = old.uuid;
END;

ALTER TABLE events ADD COLUMN refresh INTEGER;
CREATE INDEX events_refresh ON events (pool_uuid, refresh) WHERE refresh IS NOT NULL;

-- The pools' allocation day by day (UTC): each day a pool's sizes changed,
-- the sizes it had at the end of it, and growth, the allocation's change
-- since the day before that (NULL for the first day kept). samples: how
-- many changes the day had.
CREATE VIEW report_growth AS
WITH day_last AS (
    SELECT pool_uuid, date(ts, 'unixepoch') AS day, max(id) AS id, count(*) AS samples
    FROM pool_usage GROUP BY pool_uuid, day
)
SELECT p.name AS pool, d.day, u.capacity, u.allocation, u.available,
       u.allocation - lag(u.allocation) OVER (PARTITION BY d.pool_uuid ORDER BY d.day)
           AS growth,
       d.samples, p.uuid AS pool_uuid
FROM day_last d JOIN pool_usage u ON u.id = d.id JOIN pools p ON p.uuid = d.pool_uuid
ORDER BY p.name, d.day;

-- What the last refresh of each pool changed: one row per volume it
-- found, changed, lost, renamed or got back, with the fields that changed
-- (changes: JSON, old -> new, as in report_events), then its own event
-- (detail: the counts; "unchanged" when it changed nothing). A start's refresh that changed nothing writes no
-- event: the pool's rows are then those of the refresh before it.
CREATE VIEW report_drift AS
SELECT p.name AS pool, strftime('%Y-%m-%dT%H:%M:%SZ', e.ts, 'unixepoch') AS time, e.action,
       e.volume_name AS volume, e.volume_uuid, e.detail, e.changes, e.id AS event_id,
       p.uuid AS pool_uuid
FROM pools p JOIN events e
    ON e.pool_uuid = p.uuid
   AND e.refresh = (SELECT max(x.refresh) FROM events x
                     WHERE x.pool_uuid = p.uuid AND x.refresh IS NOT NULL)
ORDER BY p.name, e.id;

-- report_events gains refresh, at the end (a view's columns only grow).
DROP VIEW report_events;
CREATE VIEW report_events AS
SELECT id, strftime('%Y-%m-%dT%H:%M:%SZ', ts, 'unixepoch') AS time, action,
       pool_name AS pool, pool_uuid, volume_name AS volume, volume_uuid, detail, actor,
       uid, user_name, invoker_via, invoker_uid, invoker_name, pid, program, storcat_actor,
       changes, refresh
FROM events
ORDER BY id;
