/*
 * catalog_history.c: the identities of the volumes of undefined pools
 * (table volume_history, sql/008-incomplete-users-history.sql).
 *
 * When a pool is undefined, each of its volumes' identity (pool UUID,
 * volume UUID, key, path, name) is kept; a pool defined again with that
 * UUID gives a volume that its refreshes find with a kept key the old
 * UUID back, and that entry goes. Nothing else reads the table: lookups
 * and listings never see it. No unique constraint: it is a history, and a
 * UUID given back is checked to be free in the volumes table first.
 */
#include <config.h>

#include <stdio.h>

#include "catalog_priv.h"

typedef enum {
    HS_KEEP,
    HS_ANY,
    HS_FIND,
    HS_DROP,
    HS_COUNT,
    HS_COUNT_ALL,
    HS_PRUNE,
    HS_PRUNE_ALL,
    HS_LAST
} HistoryStmt;

_Static_assert(SC_STMT_HISTORY_BASE + HS_LAST <= SC_STMT_DOMAIN_BASE, "statement slots overlap");

static const char *const history_sql[HS_LAST] = {
    /* Real volumes only: a journal or an incomplete row never was one. */
    [HS_KEEP] = "INSERT INTO volume_history (pool_uuid, volume_uuid, key, path, name, kept_at)"
                " SELECT :pool, uuid, key, path, name, :now FROM volumes"
                " WHERE pool_id = (SELECT id FROM pools WHERE uuid = :pool)"
                " AND state IN ('present', 'missing')",
    [HS_ANY] = "SELECT 1 FROM volume_history WHERE pool_uuid = :pool LIMIT 1",
    /* The newest identity kept for the key whose UUID no volume has now. */
    [HS_FIND] = "SELECT h.id, h.volume_uuid FROM volume_history h WHERE h.pool_uuid = :pool"
                " AND h.key = :key AND NOT EXISTS (SELECT 1 FROM volumes v"
                " WHERE v.uuid = h.volume_uuid) ORDER BY h.id DESC LIMIT 1",
    [HS_DROP] = "DELETE FROM volume_history WHERE id = :id",
    [HS_COUNT] = "SELECT count(*) FROM volume_history WHERE pool_uuid = :pool",
    [HS_COUNT_ALL] = "SELECT count(*) FROM volume_history",
    [HS_PRUNE] = "DELETE FROM volume_history WHERE pool_uuid = :pool",
    [HS_PRUNE_ALL] = "DELETE FROM volume_history",
};

static scStmt *
hstmt(scCatalog *cat, HistoryStmt id)
{
    return scCatalogStmt(cat, SC_STMT_HISTORY_BASE + (int) id, history_sql[id]);
}

int
scCatalogHistoryKeep(scCatalog *cat, const char *pool_uuid, unsigned long long *count)
{
    scStmt *s = hstmt(cat, HS_KEEP);

    if (!s)
        return -1;
    scBindText(s, P_POOL, pool_uuid);
    scBindInt(s, P_NOW, scNow());
    if (scCatalogRun(cat, s, "keeping the identities of a pool's volumes") < 0)
        return -1;
    *count = (unsigned long long) sqlite3_changes(cat->db);
    return 0;
}

int
scCatalogHistoryAny(scCatalog *cat, const char *pool_uuid)
{
    scStmt *s = hstmt(cat, HS_ANY);
    int rc;

    if (!s)
        return -1;
    scBindText(s, P_POOL, pool_uuid);
    rc = scCatalogStep(cat, s, "reading the volume history");
    sqlite3_reset(s->st);
    return rc < 0 ? -1 : rc == SQLITE_ROW;
}

int
scCatalogHistoryTake(scCatalog *cat, const char *pool_uuid, const char *key, char *uuid)
{
    scStmt *s = hstmt(cat, HS_FIND);
    int64_t id;
    int rc;

    if (!s)
        return -1;
    scBindText(s, P_POOL, pool_uuid);
    scBindText(s, P_KEY, key);
    if ((rc = scCatalogStep(cat, s, "reading the volume history")) != SQLITE_ROW) {
        sqlite3_reset(s->st);
        return rc < 0 ? -1 : 0;
    }
    id = sqlite3_column_int64(s->st, 0);
    snprintf(uuid, SC_UUID_STRING_BUFLEN, "%s", (const char *) sqlite3_column_text(s->st, 1));
    sqlite3_reset(s->st);
    if (!(s = hstmt(cat, HS_DROP)))
        return -1;
    scBindInt(s, P_ID, id);
    return scCatalogRun(cat, s, "giving back a volume's identity") < 0 ? -1 : 1;
}

int
scCatalogHistoryCount(scCatalog *cat, const char *pool_uuid)
{
    scStmt *s = hstmt(cat, pool_uuid ? HS_COUNT : HS_COUNT_ALL);
    int n;

    if (!s)
        return -1;
    if (pool_uuid)
        scBindText(s, P_POOL, pool_uuid);
    if (scCatalogStep(cat, s, "counting the volume history") != SQLITE_ROW)
        return -1;
    n = sqlite3_column_int(s->st, 0);
    sqlite3_reset(s->st);
    return n;
}

int
scCatalogHistoryPrune(scCatalog *cat, const char *pool_uuid, unsigned long long *count)
{
    scStmt *s = hstmt(cat, pool_uuid ? HS_PRUNE : HS_PRUNE_ALL);

    if (!s)
        return -1;
    if (pool_uuid)
        scBindText(s, P_POOL, pool_uuid);
    if (scCatalogRun(cat, s, "pruning the volume history") < 0)
        return -1;
    *count = (unsigned long long) sqlite3_changes(cat->db);
    return 0;
}
