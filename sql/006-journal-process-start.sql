-- 006-journal-process-start.sql: a journal names its process by pid and
-- start time, so that a pid the kernel gave to another process since
-- (within the same boot) is not taken for the journal's process: a
-- 'creating' row whose process died must not block its name forever.
-- op_start: the process's start time, in clock ticks after boot
-- (/proc/PID/stat); NULL in journals written before.
ALTER TABLE volumes ADD COLUMN op_start INTEGER;
ALTER TABLE pools ADD COLUMN op_start INTEGER;
