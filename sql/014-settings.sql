-- 014-settings.sql: settings kept in the catalog, and the trail's age
-- (issue 14).
--
-- settings: what the catalog itself keeps for every process using it
--   (scConnectSetCatalogOption, `storcat config`): "events.retention".
--   A name absent has its default.
-- events_ts: the events by time, for pruning the trail to its retention
--   and for listings from a time on.

CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE INDEX events_ts ON events (ts);
