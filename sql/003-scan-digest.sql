-- 003-scan-digest.sql: remembering what the last refresh saw.

-- scan_digest: a digest of the (name, stat signature) of every volume the
-- last refresh found, so that a refresh of an unchanged pool can stop after
-- the scan. Any write to the pool's volumes clears it (the triggers), so a
-- digest is only ever compared with the state it was computed from.
ALTER TABLE pools ADD COLUMN scan_digest TEXT;

CREATE TRIGGER volumes_digest_insert AFTER INSERT ON volumes
WHEN (SELECT scan_digest FROM pools WHERE id = NEW.pool_id) IS NOT NULL BEGIN
    UPDATE pools SET scan_digest = NULL WHERE id = NEW.pool_id;
END;
CREATE TRIGGER volumes_digest_update AFTER UPDATE ON volumes
WHEN (SELECT scan_digest FROM pools WHERE id = NEW.pool_id) IS NOT NULL
  OR (SELECT scan_digest FROM pools WHERE id = OLD.pool_id) IS NOT NULL BEGIN
    UPDATE pools SET scan_digest = NULL WHERE id IN (OLD.pool_id, NEW.pool_id);
END;
CREATE TRIGGER volumes_digest_delete AFTER DELETE ON volumes
WHEN (SELECT scan_digest FROM pools WHERE id = OLD.pool_id) IS NOT NULL BEGIN
    UPDATE pools SET scan_digest = NULL WHERE id = OLD.pool_id;
END;
