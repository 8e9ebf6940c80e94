/*
 * catalog_vol.c: the catalog's volumes: rows, lookups, the audit events of
 * volume actions, and the set logic of reconcile.
 *
 * Reconcile (scStoragePoolRefresh, reconcile.c) compares a scan of the
 * pool with the pool's rows streamed from a covering index, inside one read
 * snapshot, and writes only what differs to per-connection temporary
 * tables (names gone, interrupted journals). Then one IMMEDIATE
 * transaction probes the new and changed entries and applies them one by
 * one (scCatalogApply*): updates, renames (same device and inode under a
 * name that is gone keep their UUID), new volumes, and the volumes gone
 * from storage marked missing, each with its event.
 */
#include <config.h>

#include <stdio.h>
#include <unistd.h>

#include "catalog_priv.h"
#include "util/util.h"
#include "conf/vol_conf.h"

SC_ENUM_IMPL(scVolState, SC_STORAGE_VOL_STATE_LAST, "present", "missing", "creating",
             "deleting")

typedef enum {
    VS_BY_UUID,
    VS_BY_KEY,
    VS_BY_PATH,
    VS_BY_NAME,
    VS_FIND_UUID,
    VS_FIND_KEY,
    VS_FIND_PATH,
    VS_FIND_NAME,
    VS_LIST,
    VS_LIST_ALL,
    VS_COUNT,
    VS_COUNT_ALL,
    VS_INSERT,
    VS_UPDATE,
    VS_SET_STATE,
    VS_DELETE,
    VS_ADD_PATH,
    VS_ATTRS_CLEAR,
    VS_ATTR_SET,
    VS_ATTRS,
    VS_EVENT,
    VS_SIGS,
    VS_JOURNALS,
    VS_GONE_ADD,
    VS_STALE_GONE_ADD,
    VS_STALE_PRESENT_ADD,
    VS_IS_STALE_PRESENT,
    VS_RENAME_CANDIDATE,
    VS_ANY_GONE,
    VS_MISSING_EVENTS,
    VS_MARK_MISSING,
    VS_STALE_GONE_EVENTS,
    VS_STALE_GONE_DEPENDANTS,
    VS_STALE_GONE_PATHS,
    VS_STALE_GONE_DELETE,
    VS_LAST
} VolStmt;

#define VOL_COLUMNS                                                          \
    "v.id, v.pool_id, v.uuid, p.uuid, p.name, v.name, v.key, v.path, v.type, v.format, "   \
    "v.capacity, v.allocation, v.backing_path, v.backing_format, v.mode, v.uid, v.gid, "   \
    "v.state, v.dev, v.ino, v.size, v.mtime_ns, v.ctime_ns"
#define VOL_FROM " FROM volumes v JOIN pools p ON p.id = v.pool_id "
#define POOL_ID "(SELECT id FROM pools WHERE uuid = ?1)"

/* The columns a record sets, ?3.. in this order (insert and update). */
#define DATA_COLUMNS                                                         \
    "name, key, path, type, format, capacity, allocation, backing_path, backing_format, "  \
    "mode, uid, gid, dev, ino, size, mtime_ns, ctime_ns"
#define DATA_PARAMS "?3, ?4, ?5, ?6, ?7, ?8, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20"

static const char *const vol_sql[VS_LAST] = {
    [VS_BY_UUID] = "SELECT " VOL_COLUMNS VOL_FROM "WHERE v.uuid = ?1",
    [VS_BY_KEY] = "SELECT " VOL_COLUMNS VOL_FROM "WHERE v.key = ?1",
    [VS_BY_PATH] = "SELECT " VOL_COLUMNS VOL_FROM "WHERE v.path = ?1"
                   " UNION ALL SELECT " VOL_COLUMNS VOL_FROM
                   " JOIN volume_paths a ON a.volume_id = v.id WHERE a.path = ?1 LIMIT 1",
    [VS_BY_NAME] = "SELECT " VOL_COLUMNS VOL_FROM "WHERE p.uuid = ?1 AND v.name = ?2",
    /* Lookups for a handle: identity only, one index probe, no join. */
    [VS_FIND_UUID] = "SELECT uuid, name, key, state FROM volumes WHERE uuid = ?1",
    [VS_FIND_KEY] = "SELECT uuid, name, key, state FROM volumes WHERE key = ?1",
    [VS_FIND_PATH] = "SELECT uuid, name, key, state FROM volumes WHERE path = ?1 UNION ALL"
                     " SELECT v.uuid, v.name, v.key, v.state FROM volume_paths a"
                     " JOIN volumes v ON v.id = a.volume_id WHERE a.path = ?1 LIMIT 1",
    [VS_FIND_NAME] = "SELECT uuid, name, key, state FROM volumes"
                     " WHERE pool_id = " POOL_ID " AND name = ?2",
    [VS_LIST] = "SELECT " VOL_COLUMNS VOL_FROM
                "WHERE v.pool_id = " POOL_ID " AND v.state = 'present' ORDER BY v.name",
    [VS_LIST_ALL] = "SELECT " VOL_COLUMNS VOL_FROM
                    "WHERE v.pool_id = " POOL_ID " AND v.state IN ('present', 'missing')"
                    " ORDER BY v.name",
    [VS_COUNT] = "SELECT count(*) FROM volumes WHERE pool_id = " POOL_ID " AND state = 'present'",
    [VS_COUNT_ALL] = "SELECT count(*) FROM volumes WHERE pool_id = " POOL_ID
                     " AND state IN ('present', 'missing')",
    [VS_INSERT] = "INSERT OR FAIL INTO volumes (pool_id, uuid, state, op_pid, op_boot, first_seen, last_seen, "
                  DATA_COLUMNS ") VALUES (" POOL_ID ", ?2, ?21, ?22, ?9, ?23, ?23, " DATA_PARAMS ")",
    [VS_UPDATE] = "UPDATE volumes SET (" DATA_COLUMNS ") = (" DATA_PARAMS "),"
                  " state = 'present', op_pid = NULL, op_boot = NULL, last_seen = ?23"
                  " WHERE uuid = ?2",
    [VS_SET_STATE] = "UPDATE volumes SET state = ?2, op_pid = ?3, op_boot = ?9, last_seen = ?4"
                     " WHERE uuid = ?1",
    [VS_DELETE] = "DELETE FROM volumes WHERE uuid = ?1",
    [VS_ADD_PATH] = "INSERT OR REPLACE INTO volume_paths (path, volume_id)"
                    " SELECT ?2, id FROM volumes WHERE uuid = ?1",
    [VS_ATTRS_CLEAR] = "DELETE FROM volume_attrs WHERE volume_id ="
                       " (SELECT id FROM volumes WHERE uuid = ?1)",
    [VS_ATTR_SET] = "INSERT OR REPLACE INTO volume_attrs (volume_id, name, value)"
                    " SELECT id, ?2, ?3 FROM volumes WHERE uuid = ?1",
    [VS_ATTRS] = "SELECT a.name, a.value FROM volume_attrs a JOIN volumes v"
                 " ON v.id = a.volume_id WHERE v.uuid = ?1 ORDER BY a.name",
    [VS_EVENT] = "INSERT INTO events (ts, actor, pool_uuid, pool_name, volume_uuid, volume_name,"
                 " action, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    /* Covered by the index volumes_pool_sig: no table access. */
    [VS_SIGS] = "SELECT name, state, dev, ino, size, mtime_ns, ctime_ns FROM volumes"
                " WHERE pool_id = " POOL_ID " ORDER BY name",
    [VS_JOURNALS] = "SELECT id, name, uuid, op_pid, op_boot IS ?9 FROM volumes WHERE pool_id = "
                    POOL_ID " AND state IN ('creating', 'deleting')",
    [VS_STALE_PRESENT_ADD] = "INSERT OR IGNORE INTO temp.stale_present (id) VALUES (?1)",
    [VS_IS_STALE_PRESENT] = "SELECT 1 FROM temp.stale_present WHERE id = ?1",
    [VS_GONE_ADD] = "INSERT OR IGNORE INTO temp.gone (name, dev, ino) VALUES (?1, ?2, ?3)",
    [VS_STALE_GONE_ADD] = "INSERT OR IGNORE INTO temp.stale_gone (id) VALUES (?1)",
    /* A volume of this pool whose name is gone, with the same inode. */
    [VS_RENAME_CANDIDATE] = "SELECT v.uuid, v.name FROM temp.gone g JOIN volumes v"
                            " ON v.pool_id = " POOL_ID " AND v.name = g.name"
                            " WHERE g.dev = ?2 AND g.ino = ?3"
                            " AND v.state IN ('present', 'missing') LIMIT 1",
    [VS_ANY_GONE] = "SELECT 1 FROM temp.gone LIMIT 1",
    [VS_MISSING_EVENTS] = "INSERT INTO events (ts, actor, pool_uuid, pool_name, volume_uuid,"
                          " volume_name, action, detail) SELECT ?2, ?3, ?1, ?4, uuid, name,"
                          " 'vol-missing', 'gone from storage' FROM volumes WHERE pool_id = "
                          POOL_ID " AND state = 'present' AND name IN"
                          " (SELECT name FROM temp.gone)",
    [VS_MARK_MISSING] = "UPDATE volumes SET state = 'missing' WHERE pool_id = " POOL_ID
                        " AND state = 'present' AND name IN (SELECT name FROM temp.gone)",
    [VS_STALE_GONE_EVENTS] = "INSERT INTO events (ts, actor, pool_uuid, pool_name, volume_uuid,"
                             " volume_name, action, detail) SELECT ?2, ?3, ?1, ?4, uuid, name,"
                             " CASE state WHEN 'creating' THEN 'vol-create-abandoned'"
                             " ELSE 'vol-delete' END, 'interrupted operation completed by refresh'"
                             " FROM volumes WHERE id IN (SELECT id FROM temp.stale_gone)"
                             " AND state IN ('creating', 'deleting')",
    /* What ON DELETE CASCADE does when foreign keys are on (they are off
     * in a refresh: scCatalogBeginBulk). */
    [VS_STALE_GONE_DEPENDANTS] = "DELETE FROM volume_attrs WHERE volume_id IN (SELECT id FROM"
                                 " volumes WHERE id IN (SELECT id FROM temp.stale_gone)"
                                 " AND state IN ('creating', 'deleting'))",
    [VS_STALE_GONE_PATHS] = "DELETE FROM volume_paths WHERE volume_id IN (SELECT id FROM"
                            " volumes WHERE id IN (SELECT id FROM temp.stale_gone)"
                            " AND state IN ('creating', 'deleting'))",
    [VS_STALE_GONE_DELETE] = "DELETE FROM volumes WHERE id IN (SELECT id FROM temp.stale_gone)"
                             " AND state IN ('creating', 'deleting')",
};

static sqlite3_stmt *
vstmt(scCatalog *cat, VolStmt id)
{
    return scCatalogStmt(cat, SC_STMT_VOL_BASE + (int) id, vol_sql[id]);
}

/* Step a statement that returns no row; 0 or -1. */
static int
run(scCatalog *cat, sqlite3_stmt *st, const char *what)
{
    if (scCatalogStep(cat, st, what) < 0)
        return -1;
    sqlite3_reset(st);
    return 0;
}

void
scCatalogVolClear(scCatalogVol *row)
{
    if (!row)
        return;
    free(row->pool_name);
    free(row->name);
    free(row->key);
    free(row->path);
    free(row->format);
    free(row->backing_path);
    free(row->backing_format);
    memset(row, 0, sizeof(*row));
}

static long long
col_ll(sqlite3_stmt *st, int col, long long null_value)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        return null_value;
    return sqlite3_column_int64(st, col);
}

static int
read_vol_row(sqlite3_stmt *st, scCatalogVol *row)
{
    memset(row, 0, sizeof(*row));
    row->id = sqlite3_column_int64(st, 0);
    row->pool_id = sqlite3_column_int64(st, 1);
    snprintf(row->uuid, sizeof(row->uuid), "%s", (const char *) sqlite3_column_text(st, 2));
    snprintf(row->pool_uuid, sizeof(row->pool_uuid), "%s",
             (const char *) sqlite3_column_text(st, 3));
    if (scCatalogColumnDup(st, 4, &row->pool_name) < 0 ||
        scCatalogColumnDup(st, 5, &row->name) < 0 || scCatalogColumnDup(st, 6, &row->key) < 0 ||
        scCatalogColumnDup(st, 7, &row->path) < 0 || scCatalogColumnDup(st, 9, &row->format) < 0 ||
        scCatalogColumnDup(st, 12, &row->backing_path) < 0 ||
        scCatalogColumnDup(st, 13, &row->backing_format) < 0) {
        scCatalogVolClear(row);
        return -1;
    }
    row->type = scStorageVolTypeFromString((const char *) sqlite3_column_text(st, 8));
    row->capacity = (unsigned long long) col_ll(st, 10, 0);
    row->allocation = (unsigned long long) col_ll(st, 11, 0);
    row->mode = col_ll(st, 14, -1);
    row->uid = col_ll(st, 15, -1);
    row->gid = col_ll(st, 16, -1);
    row->state = scVolStateFromString((const char *) sqlite3_column_text(st, 17));
    row->dev = col_ll(st, 18, -1);
    row->ino = col_ll(st, 19, -1);
    row->size = col_ll(st, 20, -1);
    row->mtime_ns = col_ll(st, 21, -1);
    row->ctime_ns = col_ll(st, 22, -1);
    return 0;
}

/* Run a lookup statement already bound; 1 found, 0 not, -1 error. */
static int
get_one(scCatalog *cat, sqlite3_stmt *st, scCatalogVol *row)
{
    int rc = scCatalogStep(cat, st, "looking up a volume");
    int ret;

    if (rc < 0)
        return -1;
    ret = rc == SQLITE_ROW ? (read_vol_row(st, row) < 0 ? -1 : 1) : 0;
    sqlite3_reset(st);
    return ret;
}

int
scCatalogVolGet(scCatalog *cat, scCatalogVolKey by, const char *value, scCatalogVol *row)
{
    static const VolStmt ids[] = {
        [SC_VOL_BY_UUID] = VS_BY_UUID,
        [SC_VOL_BY_KEY] = VS_BY_KEY,
        [SC_VOL_BY_PATH] = VS_BY_PATH,
    };
    sqlite3_stmt *st;

    memset(row, 0, sizeof(*row));
    if (!(st = vstmt(cat, ids[by])))
        return -1;
    sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
    return get_one(cat, st, row);
}

int
scCatalogVolFind(scCatalog *cat, scCatalogVolKey by, const char *value, const char *pool_uuid,
                 scCatalogVolIdentity *id)
{
    static const VolStmt ids[] = {
        [SC_VOL_BY_UUID] = VS_FIND_UUID,
        [SC_VOL_BY_KEY] = VS_FIND_KEY,
        [SC_VOL_BY_PATH] = VS_FIND_PATH,
    };
    sqlite3_stmt *st = vstmt(cat, pool_uuid ? VS_FIND_NAME : ids[by]);
    int rc;

    if (!st)
        return -1;
    if (pool_uuid) {
        sqlite3_bind_text(st, 1, pool_uuid, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    } else {
        sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
    }
    if ((rc = scCatalogStep(cat, st, "looking up a volume")) != SQLITE_ROW) {
        sqlite3_reset(st);
        return rc < 0 ? -1 : 0;
    }
    snprintf(id->uuid, sizeof(id->uuid), "%s", (const char *) sqlite3_column_text(st, 0));
    snprintf(id->name, sizeof(id->name), "%s", (const char *) sqlite3_column_text(st, 1));
    snprintf(id->key, sizeof(id->key), "%s", (const char *) sqlite3_column_text(st, 2));
    id->state = scVolStateFromString((const char *) sqlite3_column_text(st, 3));
    sqlite3_reset(st);
    return 1;
}

int
scCatalogVolGetByName(scCatalog *cat, const char *pool_uuid, const char *name,
                      scCatalogVol *row)
{
    sqlite3_stmt *st;

    memset(row, 0, sizeof(*row));
    if (!(st = vstmt(cat, VS_BY_NAME)))
        return -1;
    sqlite3_bind_text(st, 1, pool_uuid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    return get_one(cat, st, row);
}

int
scCatalogVolForEach(scCatalog *cat, const char *pool_uuid, bool missing, scCatalogVolCb cb,
                    void *opaque)
{
    sqlite3_stmt *st = vstmt(cat, missing ? VS_LIST_ALL : VS_LIST);
    int rc;

    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, pool_uuid, -1, SQLITE_STATIC);
    while ((rc = scCatalogStep(cat, st, "listing volumes")) == SQLITE_ROW) {
        scCatalogVol row;
        int r;
        if (read_vol_row(st, &row) < 0) {
            sqlite3_reset(st);
            return -1;
        }
        r = cb(&row, opaque);
        scCatalogVolClear(&row);
        if (r < 0) {
            sqlite3_reset(st);
            return r;
        }
    }
    sqlite3_reset(st);
    return rc < 0 ? -1 : 0;
}

int
scCatalogVolCount(scCatalog *cat, const char *pool_uuid, bool missing)
{
    sqlite3_stmt *st = vstmt(cat, missing ? VS_COUNT_ALL : VS_COUNT);
    int n;

    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, pool_uuid, -1, SQLITE_STATIC);
    if (scCatalogStep(cat, st, "counting volumes") != SQLITE_ROW)
        return -1;
    n = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    return n;
}

static void
bind_ll(sqlite3_stmt *st, int idx, long long v, bool known)
{
    if (known)
        sqlite3_bind_int64(st, idx, v);
    else
        sqlite3_bind_null(st, idx);
}

/* Bind a record's columns as ?3..?20. */
static void
bind_data(sqlite3_stmt *st, const scCatalogVolData *d)
{
    sqlite3_bind_text(st, 3, d->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, d->key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, d->path, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, scStorageVolTypeToString(d->type), -1, SQLITE_STATIC);
    scCatalogBindText(st, 7, d->format);
    sqlite3_bind_int64(st, 8, (sqlite3_int64) d->capacity);
    sqlite3_bind_int64(st, 10, (sqlite3_int64) d->allocation);
    scCatalogBindText(st, 11, d->backing_path);
    scCatalogBindText(st, 12, d->backing_format);
    bind_ll(st, 13, d->mode, d->mode >= 0);
    bind_ll(st, 14, d->uid, d->uid >= 0);
    bind_ll(st, 15, d->gid, d->gid >= 0);
    bind_ll(st, 16, d->dev, d->dev >= 0);
    bind_ll(st, 17, d->ino, d->ino >= 0);
    bind_ll(st, 18, d->size, d->size >= 0);
    bind_ll(st, 19, d->mtime_ns, true);
    bind_ll(st, 20, d->ctime_ns, true);
}

/* Replace the detail attributes of volume @uuid (@fresh: it has none). */
static int
set_attrs(scCatalog *cat, const char *uuid, const scCatalogVolData *d, bool fresh)
{
    char cluster[32];
    const char *attrs[][2] = {
        { "compat", d->compat },
        { "lazy_refcounts", d->lazy_refcounts ? "yes" : NULL },
        { "cluster_size", d->cluster_size ? cluster : NULL },
        { "encryption", d->encryption },
    };
    sqlite3_stmt *st;

    snprintf(cluster, sizeof(cluster), "%llu", d->cluster_size);
    if (!fresh) {
        if (!(st = vstmt(cat, VS_ATTRS_CLEAR)))
            return -1;
        sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
        if (run(cat, st, "clearing volume attributes") < 0)
            return -1;
    }
    for (size_t i = 0; i < SC_N_ELEMENTS(attrs); i++) {
        if (!attrs[i][1])
            continue;
        if (!(st = vstmt(cat, VS_ATTR_SET)))
            return -1;
        sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, attrs[i][0], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, attrs[i][1], -1, SQLITE_STATIC);
        if (run(cat, st, "recording volume attributes") < 0)
            return -1;
    }
    return 0;
}

/* A UNIQUE clash on insert/update: say which volume is in the way. */
static void
report_clash(scCatalog *cat, const scCatalogVolData *d)
{
    scCatalogVol other;
    int r = scCatalogVolGet(cat, SC_VOL_BY_PATH, d->path, &other);

    if (r <= 0)
        r = scCatalogVolGet(cat, SC_VOL_BY_KEY, d->key, &other);
    if (r > 0)
        scReportError(SC_FROM_STORAGE, SC_ERR_STORAGE_VOL_EXISTS,
                      "volume '%s': path '%s' is already volume '%s' of pool '%s'", d->name,
                      d->path, other.name, other.pool_name);
    else
        scReportError(SC_FROM_STORAGE, SC_ERR_STORAGE_VOL_EXISTS,
                      "volume '%s' already exists", d->name);
    scCatalogVolClear(&other);
}

/* Step an insert/update of a record, turning a UNIQUE clash into
 * SC_ERR_STORAGE_VOL_EXISTS. */
static int
write_record(scCatalog *cat, sqlite3_stmt *st, const scCatalogVolData *d, const char *what)
{
    int rc;

    if (scCatalogFailCountdown > 0 && --scCatalogFailCountdown == 0) {
        sqlite3_reset(st);
        scReportError(SC_FROM_CATALOG, SC_ERR_CATALOG, "catalog '%s': %s failed: injected failure",
                      cat->path, what);
        return -1;
    }
    rc = sqlite3_step(st);

    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return 0;
    }
    sqlite3_reset(st);
    if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
        report_clash(cat, d);
    else
        scCatalogReport(cat, rc, what);
    return -1;
}

int
scCatalogVolInsert(scCatalog *cat, const char *pool_uuid, const char *uuid, int state,
                   const scCatalogVolData *data)
{
    sqlite3_stmt *st = vstmt(cat, VS_INSERT);
    bool journal = state == SC_STORAGE_VOL_STATE_CREATING ||
                   state == SC_STORAGE_VOL_STATE_DELETING;

    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, pool_uuid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, uuid, -1, SQLITE_STATIC);
    bind_data(st, data);
    sqlite3_bind_text(st, 21, scVolStateToString(state), -1, SQLITE_STATIC);
    bind_ll(st, 22, (long long) getpid(), journal);
    sqlite3_bind_int64(st, 23, scCatalogNow());
    if (write_record(cat, st, data, "inserting a volume") < 0)
        return -1;
    return set_attrs(cat, uuid, data, true);
}

int
scCatalogVolUpdate(scCatalog *cat, const char *uuid, const scCatalogVolData *data)
{
    sqlite3_stmt *st = vstmt(cat, VS_UPDATE);

    if (!st)
        return -1;
    sqlite3_bind_text(st, 2, uuid, -1, SQLITE_STATIC);
    bind_data(st, data);
    sqlite3_bind_int64(st, 23, scCatalogNow());
    if (write_record(cat, st, data, "updating a volume") < 0)
        return -1;
    return set_attrs(cat, uuid, data, false);
}

int
scCatalogVolSetState(scCatalog *cat, const char *uuid, int state)
{
    sqlite3_stmt *st = vstmt(cat, VS_SET_STATE);
    bool journal = state == SC_STORAGE_VOL_STATE_CREATING ||
                   state == SC_STORAGE_VOL_STATE_DELETING;

    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, scVolStateToString(state), -1, SQLITE_STATIC);
    bind_ll(st, 3, (long long) getpid(), journal);
    sqlite3_bind_int64(st, 4, scCatalogNow());
    return run(cat, st, "recording a volume state");
}

int
scCatalogVolDelete(scCatalog *cat, const char *uuid)
{
    sqlite3_stmt *st = vstmt(cat, VS_DELETE);

    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
    return run(cat, st, "deleting a volume");
}

int
scCatalogVolAddPath(scCatalog *cat, const char *uuid, const char *alias)
{
    sqlite3_stmt *st = vstmt(cat, VS_ADD_PATH);

    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, alias, -1, SQLITE_STATIC);
    return run(cat, st, "recording a volume path");
}

int
scCatalogVolAttrs(scCatalog *cat, const char *uuid,
                  int (*cb)(const char *name, const char *value, void *opaque), void *opaque)
{
    sqlite3_stmt *st = vstmt(cat, VS_ATTRS);
    int rc;

    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
    while ((rc = scCatalogStep(cat, st, "reading volume attributes")) == SQLITE_ROW) {
        if (cb((const char *) sqlite3_column_text(st, 0),
               (const char *) sqlite3_column_text(st, 1), opaque) < 0) {
            sqlite3_reset(st);
            return -1;
        }
    }
    sqlite3_reset(st);
    return rc < 0 ? -1 : 0;
}

int
scCatalogVolEventAdd(scCatalog *cat, const char *actor, const char *pool_uuid,
                     const char *pool_name, const char *vol_uuid, const char *vol_name,
                     const char *action, const char *detail)
{
    sqlite3_stmt *st = vstmt(cat, VS_EVENT);

    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, scCatalogNow());
    sqlite3_bind_text(st, 2, actor, -1, SQLITE_STATIC);
    scCatalogBindText(st, 3, pool_uuid);
    scCatalogBindText(st, 4, pool_name);
    scCatalogBindText(st, 5, vol_uuid);
    scCatalogBindText(st, 6, vol_name);
    sqlite3_bind_text(st, 7, action, -1, SQLITE_STATIC);
    scCatalogBindText(st, 8, detail);
    return run(cat, st, "recording an event");
}

/* ---- reconcile ---------------------------------------------------------- */

int
scCatalogScanBegin(scCatalog *cat)
{
    /* Temporary tables live in the connection's temp store: writing them
     * takes no lock on the catalog. Only differences are written there. */
    return scCatalogExec(
        cat,
        "CREATE TEMP TABLE IF NOT EXISTS gone (name TEXT PRIMARY KEY, dev INTEGER,"
        " ino INTEGER) WITHOUT ROWID;"
        "CREATE INDEX IF NOT EXISTS temp.gone_dev_ino ON gone (dev, ino);"
        "CREATE TEMP TABLE IF NOT EXISTS stale_gone (id INTEGER PRIMARY KEY);"
        "CREATE TEMP TABLE IF NOT EXISTS stale_present (id INTEGER PRIMARY KEY);"
        "DROP TABLE IF EXISTS temp.probed;" /* storcat 0.1.0's; gone since */
        "DELETE FROM temp.gone; DELETE FROM temp.stale_gone; DELETE FROM temp.stale_present;",
        "preparing a refresh");
}

int
scCatalogReadBegin(scCatalog *cat)
{
    assert(cat->depth == 0);
    return scCatalogExec(cat, "BEGIN DEFERRED", "starting a refresh");
}

int
scCatalogReadEnd(scCatalog *cat, bool ok)
{
    if (!ok) {
        sqlite3_exec(cat->db, "ROLLBACK", NULL, NULL, NULL);
        return 0;
    }
    return scCatalogExec(cat, "COMMIT", "finishing a refresh scan");
}

int
scCatalogVolSigForEach(scCatalog *cat, const char *pool_uuid,
                       int (*cb)(const scCatalogVolSig *sig, void *opaque), void *opaque)
{
    sqlite3_stmt *st = vstmt(cat, VS_SIGS);
    int rc;

    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, pool_uuid, -1, SQLITE_STATIC);
    while ((rc = scCatalogStep(cat, st, "reading the pool's volumes")) == SQLITE_ROW) {
        scCatalogVolSig sig = {
            .name = (const char *) sqlite3_column_text(st, 0),
            .state = scVolStateFromString((const char *) sqlite3_column_text(st, 1)),
            .dev = col_ll(st, 2, -1),
            .ino = col_ll(st, 3, -1),
            .size = col_ll(st, 4, -1),
            .mtime_ns = col_ll(st, 5, -1),
            .ctime_ns = col_ll(st, 6, -1),
        };
        int r = cb(&sig, opaque);
        if (r < 0) {
            sqlite3_reset(st);
            return r;
        }
    }
    sqlite3_reset(st);
    return rc < 0 ? -1 : 0;
}

int
scCatalogVolJournals(scCatalog *cat, const char *pool_uuid,
                     int (*cb)(int64_t id, const char *name, const char *uuid, long long pid,
                               bool same_boot, void *opaque),
                     void *opaque)
{
    sqlite3_stmt *st = vstmt(cat, VS_JOURNALS);
    int rc;

    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, pool_uuid, -1, SQLITE_STATIC);
    while ((rc = scCatalogStep(cat, st, "reading volume journals")) == SQLITE_ROW) {
        int r = cb(sqlite3_column_int64(st, 0), (const char *) sqlite3_column_text(st, 1),
                   (const char *) sqlite3_column_text(st, 2), col_ll(st, 3, -1),
                   sqlite3_column_int(st, 4) != 0, opaque);
        if (r < 0) {
            sqlite3_reset(st);
            return r;
        }
    }
    sqlite3_reset(st);
    return rc < 0 ? -1 : 0;
}

int
scCatalogScanStalePresent(scCatalog *cat, int64_t id)
{
    sqlite3_stmt *st = vstmt(cat, VS_STALE_PRESENT_ADD);

    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    return run(cat, st, "recording an interrupted operation");
}

/* Is the row @id a stale journal this refresh may take over? 1/0/-1 */
static int
is_stale_present(scCatalog *cat, int64_t id)
{
    sqlite3_stmt *st = vstmt(cat, VS_IS_STALE_PRESENT);
    int rc;

    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    rc = scCatalogStep(cat, st, "applying a refresh");
    sqlite3_reset(st);
    return rc < 0 ? -1 : rc == SQLITE_ROW;
}

int
scCatalogScanGone(scCatalog *cat, const scCatalogVolSig *sig)
{
    sqlite3_stmt *st = vstmt(cat, VS_GONE_ADD);

    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, sig->name, -1, SQLITE_STATIC);
    bind_ll(st, 2, sig->dev, sig->dev >= 0);
    bind_ll(st, 3, sig->ino, sig->ino >= 0);
    return run(cat, st, "recording a vanished volume");
}

int
scCatalogScanStaleGone(scCatalog *cat, int64_t id)
{
    sqlite3_stmt *st = vstmt(cat, VS_STALE_GONE_ADD);

    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    return run(cat, st, "recording an interrupted operation");
}

/* A volume of the pool with the inode of @d under a name that is gone:
 * its uuid into @uuid and a detail for the event. 1 found, 0 not, -1. */
static int
find_renamed(scCatalogApply *a, const scCatalogVolData *d, char *uuid, char **detail)
{
    sqlite3_stmt *st = vstmt(a->cat, VS_RENAME_CANDIDATE);
    int r;

    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, a->pool_uuid, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, d->dev);
    sqlite3_bind_int64(st, 3, d->ino);
    if ((r = scCatalogStep(a->cat, st, "looking for a renamed volume")) < 0)
        return -1;
    if (r == SQLITE_ROW) {
        snprintf(uuid, SC_UUID_STRING_BUFLEN, "%s", (const char *) sqlite3_column_text(st, 0));
        *detail = scAsprintf("renamed from '%s'", (const char *) sqlite3_column_text(st, 1));
    }
    sqlite3_reset(st);
    if (r == SQLITE_ROW && !*detail)
        return -1;
    return r == SQLITE_ROW;
}

int
scCatalogApplyBegin(scCatalogApply *a)
{
    sqlite3_stmt *st = vstmt(a->cat, VS_ANY_GONE);
    int rc;

    if (!st || (rc = scCatalogStep(a->cat, st, "applying a refresh")) < 0)
        return -1;
    a->any_gone = rc == SQLITE_ROW;
    sqlite3_reset(st);
    return 0;
}

/* A record of a name the catalog may know: 1 updated (the same name, or a
 * stale journal taken over), 2 left alone (an operation in progress), 0
 * unknown (go on as for a new name), -1 error. */
static int
apply_known(scCatalogApply *a, const scCatalogVolData *d, char *uuid, const char **action)
{
    scCatalog *cat = a->cat;
    scCatalogVol row;
    int r;

    if ((r = scCatalogVolGetByName(cat, a->pool_uuid, d->name, &row)) <= 0)
        return r;
    /* A create or delete in progress in another process (or one that
     * began after this refresh's snapshot) is its business. */
    if ((row.state == SC_STORAGE_VOL_STATE_CREATING ||
         row.state == SC_STORAGE_VOL_STATE_DELETING) &&
        (r = is_stale_present(cat, row.id)) <= 0) {
        scCatalogVolClear(&row);
        return r < 0 ? -1 : 2;
    }
    snprintf(uuid, SC_UUID_STRING_BUFLEN, "%s", row.uuid);
    *action = row.state == SC_STORAGE_VOL_STATE_MISSING    ? "vol-reappeared"
              : row.state == SC_STORAGE_VOL_STATE_CREATING ? "vol-create-recovered"
              : row.state == SC_STORAGE_VOL_STATE_DELETING ? "vol-delete-interrupted"
                                                           : "vol-changed";
    if (row.state == SC_STORAGE_VOL_STATE_MISSING)
        a->stats->reappeared++;
    else
        a->stats->changed++;
    scCatalogVolClear(&row);
    return scCatalogVolUpdate(cat, uuid, d) < 0 ? -1 : 1;
}

int
scCatalogApplyRecord(scCatalogApply *a, const scCatalogVolData *d, bool known)
{
    char uuid[SC_UUID_STRING_BUFLEN];
    _cleanup_free_ char *detail = NULL;
    const char *action = NULL;
    int r = 0;

    if (known && (r = apply_known(a, d, uuid, &action)) != 0) {
        if (r != 1)
            return r < 0 ? -1 : 0;
    } else if (a->any_gone && (r = find_renamed(a, d, uuid, &detail)) != 0) {
        if (r < 0 || scCatalogVolUpdate(a->cat, uuid, d) < 0)
            return -1;
        action = "vol-renamed";
        a->stats->renamed++;
    } else {
        unsigned char raw[SC_UUID_BUFLEN];
        scUUIDGenerate(raw);
        scUUIDFormat(raw, uuid);
        if (scCatalogVolInsert(a->cat, a->pool_uuid, uuid, SC_STORAGE_VOL_STATE_PRESENT, d) < 0)
            return -1;
        a->stats->added++;
        if (a->inventory)
            return 0;
        action = "vol-discovered";
    }
    return scCatalogVolEventAdd(a->cat, a->actor, a->pool_uuid, a->pool_name, uuid, d->name,
                                action, detail);
}

/* Run a set statement bound as (?1 pool, ?2 now, ?3 actor, ?4 pool name). */
static int
run_set(scCatalogApply *a, VolStmt id, const char *what, unsigned long long *count)
{
    sqlite3_stmt *st = vstmt(a->cat, id);

    if (!st)
        return -1;
    if (sqlite3_bind_parameter_count(st) >= 1)
        sqlite3_bind_text(st, 1, a->pool_uuid, -1, SQLITE_STATIC);
    if (sqlite3_bind_parameter_count(st) >= 2) {
        sqlite3_bind_int64(st, 2, scCatalogNow());
        sqlite3_bind_text(st, 3, a->actor, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, a->pool_name, -1, SQLITE_STATIC);
    }
    if (run(a->cat, st, what) < 0)
        return -1;
    if (count)
        *count += (unsigned long long) sqlite3_changes(a->cat->db);
    return 0;
}

int
scCatalogApplyEnd(scCatalogApply *a)
{
    scReconcileStats *stats = a->stats;

    if (run_set(a, VS_MISSING_EVENTS, "recording missing volumes", NULL) < 0 ||
        run_set(a, VS_MARK_MISSING, "marking missing volumes", &stats->missing) < 0 ||
        run_set(a, VS_STALE_GONE_EVENTS, "finishing interrupted operations", NULL) < 0 ||
        run_set(a, VS_STALE_GONE_DEPENDANTS, "finishing interrupted operations", NULL) < 0 ||
        run_set(a, VS_STALE_GONE_PATHS, "finishing interrupted operations", NULL) < 0 ||
        run_set(a, VS_STALE_GONE_DELETE, "finishing interrupted operations", &stats->purged) < 0)
        return -1;
    return 0;
}

int
scCatalogDataVersion(scCatalog *cat, unsigned int *version)
{
    int rc = sqlite3_file_control(cat->db, "main", SQLITE_FCNTL_DATA_VERSION, version);

    if (rc != SQLITE_OK) {
        scCatalogReport(cat, rc, "reading the catalog's data version");
        return -1;
    }
    return 0;
}
