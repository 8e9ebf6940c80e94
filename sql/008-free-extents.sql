-- 006-free-extents.sql: what a started pool's backend found free on its
-- source devices (a disk pool's free extents, libvirt's <freeExtent>s in
-- the pool XML), kept with the sizes a refresh or a volume operation
-- records: one "DEVICE START END" line per extent (DEVICE the index of the
-- device in <source>, bytes, END exclusive), or NULL for none. Like the
-- runtime state, it belongs to the boot of the host recorded with the
-- pool's state.

ALTER TABLE pools ADD COLUMN free_extents TEXT;
