-- 010-target-permissions.sql: the mode, owner and group of a started
-- pool's target directory, as its last refresh found them: libvirt's pool
-- XML shows them in <target><permissions> once the pool has been started
-- (its refresh reads them), and keeps them while the pool is stopped.
-- Like the sizes, they belong to the boot of the host recorded with the
-- pool's state; NULL when never read (or the backend has no directory).
ALTER TABLE pools ADD COLUMN target_mode INTEGER;
ALTER TABLE pools ADD COLUMN target_uid INTEGER;
ALTER TABLE pools ADD COLUMN target_gid INTEGER;
