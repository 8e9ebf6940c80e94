-- 004-no-dev-ino-index.sql: rename detection without an index on (dev, ino).
--
-- A refresh finds a renamed volume among the few rows whose names vanished
-- (its temporary table of names gone carries their device and inode), so
-- the index every insert paid for is dropped.
DROP INDEX volumes_dev_ino;
