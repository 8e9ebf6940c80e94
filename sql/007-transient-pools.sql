-- 007-transient-pools.sql: pools made by scStoragePoolCreateXML live only
-- while they run (libvirt's transient pools): the row goes when the pool
-- stops, and one left over by a crash or a reboot is dropped on sight.
ALTER TABLE pools ADD COLUMN transient INTEGER NOT NULL DEFAULT 0;
