-- 016-event-who-changes.sql: who wrote each event, field by field, and
-- what it changed, old -> new, and the view report_events (issue 14,
-- Audit).
--
-- Columns only are added to events (the events recorded before this
-- migration have them NULL).
-- actor keeps its one-line summary; the columns say the same apart:
--   uid, user_name       the process's real user id and its name then
--   invoker_via          'sudo' or 'pkexec' when the environment says the
--                        process runs for another user (SUDO_USER or
--                        SUDO_UID, PKEXEC_UID), else NULL
--   invoker_uid,         that user: SUDO_UID or PKEXEC_UID, the name from
--   invoker_name         SUDO_USER or the passwd entry (a claim, recorded,
--                        not trusted: whoever sets the variables can
--                        claim anyone)
--   pid, program         the process and its program
--                        (program_invocation_short_name)
--   storcat_actor        $STORCAT_ACTOR as given (at most 1024 bytes),
--                        control characters and all
--   changes              a JSON object, one member per field the event
--                        changed: {"capacity": [old, new], ...}; null on
--                        a side that did not exist (a create's old, a
--                        delete's new); NULL when the event changes no
--                        field storcat records (storcat(1), The event
--                        object).

ALTER TABLE events ADD COLUMN uid INTEGER;
ALTER TABLE events ADD COLUMN user_name TEXT;
ALTER TABLE events ADD COLUMN invoker_via TEXT;
ALTER TABLE events ADD COLUMN invoker_uid INTEGER;
ALTER TABLE events ADD COLUMN invoker_name TEXT;
ALTER TABLE events ADD COLUMN pid INTEGER;
ALTER TABLE events ADD COLUMN program TEXT;
ALTER TABLE events ADD COLUMN storcat_actor TEXT;
ALTER TABLE events ADD COLUMN changes TEXT;

-- The audit trail under a stable name (storcat(1) REPORTS; its columns
-- only ever grow, as report_*'s), in its total order: who by field, and
-- changes as the JSON text (query it with SQLite's json functions:
-- json_extract(changes, '$.capacity[1])').
CREATE VIEW report_events AS
SELECT id, strftime('%Y-%m-%dT%H:%M:%SZ', ts, 'unixepoch') AS time, action,
       pool_name AS pool, pool_uuid, volume_name AS volume, volume_uuid, detail, actor,
       uid, user_name, invoker_via, invoker_uid, invoker_name, pid, program, storcat_actor,
       changes
FROM events
ORDER BY id;
