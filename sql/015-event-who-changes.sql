-- 015-event-who-changes.sql: who wrote each event, field by field, and
-- what it changed, old -> new (issue 14, Audit).
--
-- Columns only are added (events is read by older libraries too, which
-- leave these NULL; so are the events recorded before this migration).
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
