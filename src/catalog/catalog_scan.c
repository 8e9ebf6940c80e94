/*
 * catalog_scan.c: what a refresh asks of the catalog (src/core/reconcile.c
 * decides what to do with it).
 *
 * Phase 2 walks the pool's rows in name order from a covering index,
 * inside one read snapshot, and writes only what differs from storage to
 * per-connection temporary tables (which take no lock on the catalog):
 * the names gone, with their identity for rename detection, and the
 * journals of creates and deletes whose process is gone. Phase 3, in one
 * write transaction, asks about those tables and settles them as a set.
 */
#include <config.h>

#include <stdio.h>

#include "catalog_priv.h"

typedef enum {
    SS_SIGS,
    SS_JOURNALS,
    SS_GONE_ADD,
    SS_STALE_GONE_ADD,
    SS_STALE_PRESENT_ADD,
    SS_IS_STALE_PRESENT,
    SS_ANY_GONE,
    SS_FOUND_ADD,
    SS_MOVED_ADD,
    SS_MOVED_ASIDE,
    SS_UNCLAIMED,
    SS_RENAMED,
    SS_RENAMED_MOVED,
    SS_MISSING_EVENTS,
    SS_MARK_MISSING,
    SS_STALE_EVENTS,
    SS_STALE_ATTRS,
    SS_STALE_PATHS,
    SS_STALE_DELETE,
    SS_PRUNE_EVENTS,
    SS_PRUNE_ATTRS,
    SS_PRUNE_PATHS,
    SS_PRUNE_DELETE,
    SS_LAST
} ScanStmt;
_Static_assert(SC_STMT_SCAN_BASE + SS_LAST <= SC_STMT_EVENT_BASE, "scan statements overflow");

#define POOL_ID "(SELECT id FROM pools WHERE uuid = :pool)"
/* The stale journals (and incomplete rows) whose storage is gone. */
#define STALE_GONE                                                           \
    "(SELECT id FROM volumes WHERE id IN (SELECT id FROM temp.stale_gone)"   \
    " AND state IN ('creating', 'deleting', 'incomplete'))"
/* The missing volumes of a pool, to forget. */
#define MISSING "(SELECT id FROM volumes WHERE pool_id = " POOL_ID " AND state = 'missing')"

static const char *const scan_sql[SS_LAST] = {
    /* Covered by the index volumes_pool_sig: no table access. */
    [SS_SIGS] = "SELECT name, state, sig FROM volumes WHERE pool_id = " POOL_ID " ORDER BY name",
    [SS_JOURNALS] = "SELECT id, name, uuid, op_pid, op_boot IS :boot, op_start, state, ident"
                    " FROM volumes"
                    " WHERE pool_id = " POOL_ID " AND state IN ('creating', 'deleting')",
    [SS_GONE_ADD] = "INSERT OR IGNORE INTO temp.gone (name, ident) SELECT name, ident"
                    " FROM volumes WHERE pool_id = " POOL_ID " AND name = :name",
    [SS_STALE_GONE_ADD] = "INSERT OR IGNORE INTO temp.stale_gone (id) VALUES (:id)",
    [SS_STALE_PRESENT_ADD] = "INSERT OR IGNORE INTO temp.stale_present (id) VALUES (:id)",
    [SS_IS_STALE_PRESENT] = "SELECT 1 FROM temp.stale_present WHERE id = :id",
    [SS_ANY_GONE] = "SELECT 1 FROM temp.gone LIMIT 1",
    [SS_FOUND_ADD] = "INSERT OR IGNORE INTO temp.found (name, ident) VALUES (:name, :ident)",
    /* Moved: a row whose name storage shows with another identity, and
     * whose own identity storage shows under another name (partitions
     * renumbered). Named aside (char(1) || uuid: no name of storage's), in
     * temp.gone under that name with the one it had, so that its storage's
     * record finds it by identity whatever the order of the records. */
    [SS_MOVED_ADD] = "INSERT OR IGNORE INTO temp.gone (name, ident, was)"
                     " SELECT char(1) || v.uuid, v.ident, v.name FROM temp.found f"
                     " CROSS JOIN volumes v ON v.pool_id = " POOL_ID " AND v.name = f.name"
                     " WHERE v.state IN ('present', 'missing')"
                     " AND v.ident IS NOT NULL AND f.ident IS NOT v.ident"
                     " AND EXISTS (SELECT 1 FROM temp.found o"
                     "             WHERE o.ident = v.ident AND o.name != v.name)",
    [SS_MOVED_ASIDE] = "UPDATE volumes SET name = char(1) || uuid WHERE pool_id = " POOL_ID
                       " AND name IN (SELECT was FROM temp.gone WHERE was IS NOT NULL)",
    /* A row set aside that no record took (not expected: its identity
     * was found): its uuid and the name it had. */
    [SS_UNCLAIMED] = "SELECT v.uuid, g.was FROM temp.gone g CROSS JOIN volumes v"
                     " ON v.pool_id = " POOL_ID " AND v.name = g.name WHERE g.was IS NOT NULL",
    /* A volume of this pool whose name is gone, or that was set aside,
     * with the same identity; the name it had. */
    [SS_RENAMED] = "SELECT v.uuid, coalesce(g.was, v.name) FROM temp.gone g JOIN volumes v"
                   " ON v.pool_id = " POOL_ID " AND v.name = g.name"
                   " WHERE g.ident = :ident AND v.state IN ('present', 'missing') LIMIT 1",
    [SS_RENAMED_MOVED] = "SELECT v.uuid, g.was FROM temp.gone g JOIN volumes v"
                         " ON v.pool_id = " POOL_ID " AND v.name = g.name"
                         " WHERE g.ident = :ident AND g.was IS NOT NULL"
                         " AND v.state IN ('present', 'missing') LIMIT 1",
    /* The events' changes (sql/016-event-who-changes.sql): the state
     * that changed; a volume forgotten, what it was (json_patch drops
     * the fields it did not have, NULL in json_object). */
    [SS_MISSING_EVENTS] =
        "INSERT INTO events (ts, actor, pool_uuid, pool_name, volume_uuid,"
        " volume_name, action, detail, changes, " SC_EVENT_WHO_COLUMNS ")"
        " SELECT :now, :actor, :pool, :pool_name, uuid, name, :action, :detail,"
        " json_object('state', json_array('present', 'missing')), " SC_EVENT_WHO_VALUES
        " FROM volumes WHERE pool_id = " POOL_ID
        " AND state = 'present' AND name IN (SELECT name FROM temp.gone)",
    [SS_MARK_MISSING] = "UPDATE volumes SET state = 'missing' WHERE pool_id = " POOL_ID
                        " AND state = 'present' AND name IN (SELECT name FROM temp.gone)",
    [SS_STALE_EVENTS] =
        "INSERT INTO events (ts, actor, pool_uuid, pool_name, volume_uuid,"
        " volume_name, action, detail, " SC_EVENT_WHO_COLUMNS ") SELECT :now,"
        " :actor, :pool, :pool_name, uuid, name,"
        " CASE state WHEN 'deleting' THEN :action2 ELSE :action END, :detail, " SC_EVENT_WHO_VALUES
        " FROM volumes WHERE id IN " STALE_GONE,
    /* What ON DELETE CASCADE does when foreign keys are on (they are off
     * in a refresh: scCatalogBeginBulk). */
    [SS_STALE_ATTRS] = "DELETE FROM volume_attrs WHERE volume_id IN " STALE_GONE,
    [SS_STALE_PATHS] = "DELETE FROM volume_paths WHERE volume_id IN " STALE_GONE,
    [SS_STALE_DELETE] = "DELETE FROM volumes WHERE id IN " STALE_GONE,
    [SS_PRUNE_EVENTS] = "INSERT INTO events (ts, actor, pool_uuid, pool_name, volume_uuid,"
                        " volume_name, action, detail, changes, " SC_EVENT_WHO_COLUMNS ")"
                        " SELECT :now, :actor, :pool, :pool_name, uuid, name, :action, :detail,"
                        " json_patch('{}', json_object("
                        "'capacity', json_array(capacity, NULL),"
                        " 'allocation', json_array(allocation, NULL),"
                        " 'format', CASE WHEN format IS NOT NULL THEN json_array(format, NULL) END,"
                        " 'backing', CASE WHEN backing_path IS NOT NULL"
                        " THEN json_array(backing_path, NULL) END,"
                        " 'path', json_array(path, NULL))), " SC_EVENT_WHO_VALUES
                        " FROM volumes WHERE id IN " MISSING,
    [SS_PRUNE_ATTRS] = "DELETE FROM volume_attrs WHERE volume_id IN " MISSING,
    [SS_PRUNE_PATHS] = "DELETE FROM volume_paths WHERE volume_id IN " MISSING,
    [SS_PRUNE_DELETE] = "DELETE FROM volumes WHERE id IN " MISSING,
};

static scStmt *
sstmt(scCatalog *cat, ScanStmt id)
{
    return scCatalogStmt(cat, SC_STMT_SCAN_BASE + (int) id, scan_sql[id]);
}

int
scCatalogScanBegin(scCatalog *cat)
{
    /* Temporary tables live in the connection's temp store: writing them
     * takes no lock on the catalog. Only differences are written there. */
    return scCatalogExec(
        cat,
        "CREATE TEMP TABLE IF NOT EXISTS gone (name TEXT PRIMARY KEY, ident BLOB, was TEXT)"
        " WITHOUT ROWID;"
        "CREATE INDEX IF NOT EXISTS temp.gone_ident ON gone (ident);"
        "CREATE TEMP TABLE IF NOT EXISTS found (name TEXT PRIMARY KEY, ident BLOB) WITHOUT ROWID;"
        "CREATE INDEX IF NOT EXISTS temp.found_ident ON found (ident);"
        "CREATE TEMP TABLE IF NOT EXISTS stale_gone (id INTEGER PRIMARY KEY);"
        "CREATE TEMP TABLE IF NOT EXISTS stale_present (id INTEGER PRIMARY KEY);"
        "DELETE FROM temp.gone; DELETE FROM temp.found; DELETE FROM temp.stale_gone;"
        " DELETE FROM temp.stale_present;",
        "preparing a refresh");
}

int
scCatalogVolSigOpen(scCatalog *cat, const char *pool_uuid)
{
    scStmt *s = sstmt(cat, SS_SIGS);

    assert(!cat->walk);
    if (!s)
        return -1;
    scBindText(s, P_POOL, pool_uuid);
    cat->walk = s;
    return 0;
}

int
scCatalogVolSigNext(scCatalog *cat, scCatalogVolSig *sig)
{
    scStmt *s = cat->walk;
    int rc;

    assert(s);
    if ((rc = scCatalogStep(cat, s, "reading the pool's volumes")) != SQLITE_ROW)
        return rc < 0 ? -1 : 0;
    sig->name = (const char *) sqlite3_column_text(s->st, 0);
    sig->state = scVolStateFromString((const char *) sqlite3_column_text(s->st, 1));
    sig->sig = sqlite3_column_blob(s->st, 2);
    sig->sig_len = (size_t) sqlite3_column_bytes(s->st, 2);
    return 1;
}

void
scCatalogVolSigClose(scCatalog *cat)
{
    if (cat->walk)
        sqlite3_reset(cat->walk->st);
    cat->walk = NULL;
}

int
scCatalogVolJournals(scCatalog *cat, const char *pool_uuid,
                     int (*cb)(const scCatalogJournal *j, void *opaque), void *opaque)
{
    scStmt *s = sstmt(cat, SS_JOURNALS);
    int rc;

    if (!s)
        return -1;
    scBindText(s, P_POOL, pool_uuid);
    while ((rc = scCatalogStep(cat, s, "reading volume journals")) == SQLITE_ROW) {
        sqlite3_stmt *st = s->st;
        scCatalogJournal j = {
            .id = sqlite3_column_int64(st, 0),
            .name = (const char *) sqlite3_column_text(st, 1),
            .uuid = (const char *) sqlite3_column_text(st, 2),
            .pid = scCatalogColumnInt(st, 3, -1),
            .same_boot = sqlite3_column_int(st, 4) != 0,
            .start = (unsigned long long) scCatalogColumnInt(st, 5, 0),
            .state = scVolStateFromString((const char *) sqlite3_column_text(st, 6)),
        };
        j.ident_len = scCatalogColumnBlob(st, 7, j.ident, sizeof(j.ident));
        int r = cb(&j, opaque);
        if (r < 0) {
            sqlite3_reset(st);
            return r;
        }
    }
    sqlite3_reset(s->st);
    return rc < 0 ? -1 : 0;
}

int
scCatalogScanGone(scCatalog *cat, const char *pool_uuid, const char *name)
{
    scStmt *s = sstmt(cat, SS_GONE_ADD);

    if (!s)
        return -1;
    scBindText(s, P_POOL, pool_uuid);
    scBindText(s, P_NAME, name);
    return scCatalogRun(cat, s, "recording a vanished volume");
}

static int
run_id(scCatalog *cat, ScanStmt id, int64_t row, const char *what)
{
    scStmt *s = sstmt(cat, id);

    if (!s)
        return -1;
    scBindInt(s, P_ID, row);
    return scCatalogRun(cat, s, what);
}

int
scCatalogScanStalePresent(scCatalog *cat, int64_t id)
{
    return run_id(cat, SS_STALE_PRESENT_ADD, id, "recording an interrupted operation");
}

int
scCatalogScanStaleGone(scCatalog *cat, int64_t id)
{
    return run_id(cat, SS_STALE_GONE_ADD, id, "recording an interrupted operation");
}

/* 1 if the bound query @s returns a row, 0 if not, -1. */
static int
exists(scCatalog *cat, scStmt *s, const char *what)
{
    int rc = scCatalogStep(cat, s, what);

    sqlite3_reset(s->st);
    return rc < 0 ? -1 : rc == SQLITE_ROW;
}

int
scCatalogScanAnyGone(scCatalog *cat, bool *any)
{
    scStmt *s = sstmt(cat, SS_ANY_GONE);
    int r;

    if (!s || (r = exists(cat, s, "applying a refresh")) < 0)
        return -1;
    *any = r > 0;
    return 0;
}

int
scCatalogScanIsStalePresent(scCatalog *cat, int64_t id)
{
    scStmt *s = sstmt(cat, SS_IS_STALE_PRESENT);

    if (!s)
        return -1;
    scBindInt(s, P_ID, id);
    return exists(cat, s, "applying a refresh");
}

int
scCatalogScanFound(scCatalog *cat, const char *name, const void *ident, size_t ident_len)
{
    scStmt *s = sstmt(cat, SS_FOUND_ADD);

    if (!s)
        return -1;
    scBindText(s, P_NAME, name);
    scBindBlob(s, P_IDENT, ident, ident_len);
    return scCatalogRun(cat, s, "applying a refresh");
}

int
scCatalogScanMoveAside(scCatalog *cat, const char *pool_uuid, bool *any)
{
    scStmt *s = sstmt(cat, SS_MOVED_ADD);

    *any = false;
    if (!s)
        return -1;
    scBindText(s, P_POOL, pool_uuid);
    if (scCatalogRun(cat, s, "applying a refresh") < 0)
        return -1;
    if (sqlite3_changes(cat->db) == 0)
        return 0;
    *any = true;
    if (!(s = sstmt(cat, SS_MOVED_ASIDE)))
        return -1;
    scBindText(s, P_POOL, pool_uuid);
    return scCatalogRun(cat, s, "applying a refresh");
}

/* Step @s (bound) once: a row's uuid into @uuid and a name into *@name
 * (caller frees). 1, 0 no row, -1. */
static int
uuid_and_name(scCatalog *cat, scStmt *s, const char *what, char *uuid, char **name)
{
    int rc, r;

    if ((rc = scCatalogStep(cat, s, what)) < 0)
        return -1;
    r = rc == SQLITE_ROW;
    if (r) {
        snprintf(uuid, SC_UUID_STRING_BUFLEN, "%s", (const char *) sqlite3_column_text(s->st, 0));
        if (scCatalogColumnDup(s->st, 1, name) < 0)
            r = -1;
    }
    sqlite3_reset(s->st);
    return r;
}

int
scCatalogScanUnclaimed(scCatalog *cat, const char *pool_uuid, char *uuid, char **was)
{
    scStmt *s = sstmt(cat, SS_UNCLAIMED);

    *was = NULL;
    if (!s)
        return -1;
    scBindText(s, P_POOL, pool_uuid);
    return uuid_and_name(cat, s, "applying a refresh", uuid, was);
}

int
scCatalogScanFindRenamed(scCatalog *cat, const char *pool_uuid, const void *ident,
                         size_t ident_len, bool moved_only, char *uuid, char **old_name)
{
    scStmt *s;

    *old_name = NULL;
    if (!ident || ident_len == 0)
        return 0;
    if (!(s = sstmt(cat, moved_only ? SS_RENAMED_MOVED : SS_RENAMED)))
        return -1;
    scBindText(s, P_POOL, pool_uuid);
    scBindBlob(s, P_IDENT, ident, ident_len);
    return uuid_and_name(cat, s, "looking for a renamed volume", uuid, old_name);
}

/* Run a set statement bound as (:pool, :now, :actor, :pool_name, :action,
 * :action2, :detail), as far as it has them; count its changes. */
static int
run_set(scCatalog *cat, ScanStmt id, const char *pool_uuid, const char *pool_name,
        const char *actor, const char *action, const char *action2, const char *detail,
        unsigned long long *count)
{
    scStmt *s = sstmt(cat, id);

    if (!s)
        return -1;
    if (s->idx[P_POOL])
        scBindText(s, P_POOL, pool_uuid);
    if (s->idx[P_NOW]) {
        scBindInt(s, P_NOW, scNow());
        scBindText(s, P_ACTOR, actor);
        scBindText(s, P_POOL_NAME, pool_name);
        scBindText(s, P_ACTION, action);
        scBindText(s, P_DETAIL, detail);
    }
    if (s->idx[P_ACTION2])
        scBindText(s, P_ACTION2, action2);
    if (scCatalogRun(cat, s, "applying a refresh") < 0)
        return -1;
    if (count)
        *count += (unsigned long long) sqlite3_changes(cat->db);
    return 0;
}

int
scCatalogScanMarkGone(scCatalog *cat, const char *pool_uuid, const char *pool_name,
                      const char *actor, const char *action, const char *detail,
                      unsigned long long *count)
{
    if (run_set(cat, SS_MISSING_EVENTS, pool_uuid, pool_name, actor, action, NULL, detail,
                NULL) < 0 ||
        run_set(cat, SS_MARK_MISSING, pool_uuid, NULL, NULL, NULL, NULL, NULL, count) < 0)
        return -1;
    return 0;
}

int
scCatalogScanDropStale(scCatalog *cat, const char *pool_uuid, const char *pool_name,
                       const char *actor, const char *create_action, const char *delete_action,
                       const char *detail, unsigned long long *count)
{
    if (run_set(cat, SS_STALE_EVENTS, pool_uuid, pool_name, actor, create_action, delete_action,
                detail, NULL) < 0 ||
        run_set(cat, SS_STALE_ATTRS, NULL, NULL, NULL, NULL, NULL, NULL, NULL) < 0 ||
        run_set(cat, SS_STALE_PATHS, NULL, NULL, NULL, NULL, NULL, NULL, NULL) < 0 ||
        run_set(cat, SS_STALE_DELETE, NULL, NULL, NULL, NULL, NULL, NULL, count) < 0)
        return -1;
    return 0;
}

int
scCatalogScanPruneMissing(scCatalog *cat, const char *pool_uuid, const char *pool_name,
                          const char *actor, const char *action, const char *detail,
                          unsigned long long *count)
{
    /* Explicit deletes of the dependants: foreign keys are off in a bulk
     * refresh (scCatalogBeginBulk). */
    if (run_set(cat, SS_PRUNE_EVENTS, pool_uuid, pool_name, actor, action, NULL, detail,
                NULL) < 0 ||
        run_set(cat, SS_PRUNE_ATTRS, pool_uuid, NULL, NULL, NULL, NULL, NULL, NULL) < 0 ||
        run_set(cat, SS_PRUNE_PATHS, pool_uuid, NULL, NULL, NULL, NULL, NULL, NULL) < 0 ||
        run_set(cat, SS_PRUNE_DELETE, pool_uuid, NULL, NULL, NULL, NULL, NULL, count) < 0)
        return -1;
    return 0;
}

_Static_assert(SC_STMT_SCAN_BASE + SS_LAST <= SC_STMT_HISTORY_BASE, "statement slots overlap");
