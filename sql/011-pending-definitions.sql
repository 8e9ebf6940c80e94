-- 011-pending-definitions.sql: a definition given to an active pool
-- (libvirt's newDef): the running pool keeps the definition it started
-- with (xml and the columns derived from it) until it stops; the new one
-- waits here, with what the duplicate checks need of it, and replaces
-- them when the pool stops (or, after a reboot, before its next
-- operation). All NULL when nothing is pending.
ALTER TABLE pools ADD COLUMN pending_xml TEXT;
ALTER TABLE pools ADD COLUMN pending_type TEXT;
ALTER TABLE pools ADD COLUMN pending_target_path TEXT;
ALTER TABLE pools ADD COLUMN pending_target_key TEXT;
ALTER TABLE pools ADD COLUMN pending_source_key TEXT;
