/*
 * catalog_pool.c: the catalog's pools: definitions, states, the journal
 * of an operation in progress, and the runtime state a started pool's
 * backend returned (with the directories its volumes' paths lie in).
 *
 * A pool's state, runtime and journal belong to one boot of the host: a
 * state recorded under another boot reads as inactive, a journal written
 * under another boot is stale.
 */
#include <config.h>

#include <stdio.h>
#include <unistd.h>

#include "catalog_priv.h"

SC_ENUM_IMPL(scPoolState, SC_STORAGE_POOL_STATE_LAST, "inactive", "building", "running",
             "degraded", "inaccessible")
SC_ENUM_IMPL(scPoolOp, SC_POOL_OP_LAST, "", "building", "starting", "stopping", "deleting")

typedef enum {
    PS_BY_NAME,
    PS_BY_UUID,
    PS_BY_TARGET,
    PS_ALL,
    PS_INSERT,
    PS_UPDATE,
    PS_CLASH_TARGET,
    PS_CLASH_SOURCE,
    PS_DELETE,
    PS_SET_AUTOSTART,
    PS_SET_STATE,
    PS_SET_OP,
    PS_SET_RUNTIME,
    PS_DIRS_CLEAR,
    PS_DIR_ADD,
    PS_DIRS,
    PS_BY_DIR,
    PS_SET_SIZES,
    PS_GET_TOKEN,
    PS_SET_TOKEN,
    PS_BY_PREFIX,
    PS_SUM_VOLUMES,
    PS_GET_FREE,
    PS_SET_FREE,
    PS_SET_PERMS,
    PS_SET_PENDING,
    PS_APPLY_PENDING,
    PS_INACTIVE,
    PS_LAST
} PoolStmt;
_Static_assert(SC_STMT_POOL_BASE + PS_LAST <= SC_STMT_VOL_BASE, "pool statements overflow");

/* The columns of scCatalogPool, in order. A state recorded under another
 * boot of the host reads as inactive: mounts and sessions did not survive;
 * so does its runtime state, and its sizes read 0 (as libvirt's after a
 * restart; within a boot a stopped pool keeps them). */
#define POOL_COLUMNS                                                         \
    "id, uuid, name, type, target_path, xml, "                              \
    "CASE WHEN boot_id IS :boot THEN state ELSE 'inactive' END, "           \
    "autostart, CASE WHEN boot_id IS :boot THEN capacity ELSE 0 END, "     \
    "CASE WHEN boot_id IS :boot THEN allocation ELSE 0 END, "               \
    "CASE WHEN boot_id IS :boot THEN available ELSE 0 END, "                \
    "CASE WHEN boot_id IS :boot THEN runtime END, op, op_pid, op_boot IS :boot, op_start, "   \
    "transient, refreshed_at, "                                              \
    "CASE WHEN boot_id IS :boot THEN target_mode END, "                       \
    "CASE WHEN boot_id IS :boot THEN target_uid END, "                        \
    "CASE WHEN boot_id IS :boot THEN target_gid END, pending_xml"

/* A new definition replaces what a refresh learned with the old one, as
 * libvirt's new definition object has no sizes, no target permissions
 * but the defined ones, and no free extents until the pool's next
 * refresh; that refresh reads every volume again (no change token). */
#define NEW_DEF_SIZES                                                        \
    "capacity = 0, allocation = 0, available = 0, free_extents = NULL, "      \
    "target_mode = NULL, target_uid = NULL, target_gid = NULL, change_token = NULL"

static const char *const pool_sql[PS_LAST] = {
    [PS_BY_NAME] = "SELECT " POOL_COLUMNS " FROM pools WHERE name = :name",
    [PS_BY_UUID] = "SELECT " POOL_COLUMNS " FROM pools WHERE uuid = :uuid",
    /* Several disk or iSCSI pools can share /dev: prefer an active one. */
    [PS_BY_TARGET] = "SELECT " POOL_COLUMNS " FROM pools WHERE target_path = :target_path"
                     " ORDER BY boot_id IS :boot AND state != 'inactive' DESC, name LIMIT 1",
    [PS_ALL] = "SELECT " POOL_COLUMNS " FROM pools ORDER BY name",
    [PS_INSERT] = "INSERT INTO pools (uuid, name, type, target_path, target_key, source_key,"
                  " xml, transient, defined_at, updated_at) VALUES (:uuid, :name, :type,"
                  " :target_path, :target_key, :source_key, :xml, :transient, :now, :now)",
    [PS_UPDATE] = "UPDATE pools SET name = :name, type = :type, target_path = :target_path,"
                  " target_key = :target_key, source_key = :source_key, xml = :xml,"
                  " transient = :transient, pending_xml = NULL, pending_type = NULL,"
                  " pending_target_path = NULL, pending_target_key = NULL,"
                  " pending_source_key = NULL, " NEW_DEF_SIZES ", updated_at = :now"
                  " WHERE uuid = :uuid",
    /* A pool's pending definition holds its keys too. */
    [PS_CLASH_TARGET] = "SELECT name FROM pools WHERE (target_key = :key OR"
                        " pending_target_key = :key) AND uuid != :uuid",
    [PS_CLASH_SOURCE] = "SELECT name FROM pools WHERE (source_key = :key OR"
                        " pending_source_key = :key) AND uuid != :uuid",
    [PS_DELETE] = "DELETE FROM pools WHERE uuid = :uuid",
    [PS_SET_AUTOSTART] = "UPDATE pools SET autostart = :autostart, updated_at = :now"
                         " WHERE uuid = :uuid",
    [PS_SET_STATE] = "UPDATE pools SET state = :state, boot_id = :boot, updated_at = :now"
                     " WHERE uuid = :uuid",
    [PS_SET_OP] = "UPDATE pools SET op = :op, op_pid = :pid, op_start = :start,"
                  " op_boot = CASE WHEN :pid IS NULL THEN NULL ELSE :boot END WHERE uuid = :uuid",
    [PS_SET_RUNTIME] = "UPDATE pools SET runtime = :runtime WHERE uuid = :uuid",
    [PS_DIRS_CLEAR] = "DELETE FROM pool_dirs WHERE pool_id = (SELECT id FROM pools"
                      " WHERE uuid = :uuid)",
    [PS_DIR_ADD] = "INSERT OR IGNORE INTO pool_dirs (dir, pool_id)"
                   " SELECT :dir, id FROM pools WHERE uuid = :uuid",
    [PS_DIRS] = "SELECT d.dir FROM pool_dirs d JOIN pools p ON p.id = d.pool_id"
                " WHERE p.uuid = :uuid ORDER BY d.id",
    [PS_BY_DIR] = "SELECT p.uuid FROM pool_dirs d JOIN pools p ON p.id = d.pool_id"
                  " WHERE d.dir = :dir AND p.boot_id IS :boot AND p.state != 'inactive'"
                  " ORDER BY p.name",
    [PS_SET_SIZES] = "UPDATE pools SET capacity = :capacity, allocation = :allocation,"
                     " available = :available, refreshed_at = :now WHERE uuid = :uuid",
    [PS_GET_TOKEN] = "SELECT change_token FROM pools WHERE uuid = :uuid",
    [PS_SET_TOKEN] = "UPDATE pools SET change_token = :token WHERE uuid = :uuid",
    /* A runtime "dir" that is not absolute is the prefix of a backend's own
     * path form (iscsi-direct's "ip-HOST:PORT-iscsi-IQN-lun-"): few rows,
     * scanned. */
    [PS_BY_PREFIX] = "SELECT DISTINCT p.uuid, p.name FROM pool_dirs d JOIN pools p"
                     " ON p.id = d.pool_id WHERE substr(d.dir, 1, 1) != '/'"
                     " AND substr(:path, 1, length(d.dir)) = d.dir AND p.boot_id IS :boot"
                     " AND p.state != 'inactive' ORDER BY p.name",
    [PS_SUM_VOLUMES] = "SELECT coalesce(sum(capacity), 0), coalesce(sum(allocation), 0)"
                       " FROM volumes WHERE pool_id = (SELECT id FROM pools WHERE uuid = :uuid)"
                       " AND state = 'present'",
    [PS_GET_FREE] = "SELECT CASE WHEN boot_id IS :boot THEN free_extents END FROM pools"
                    " WHERE uuid = :uuid",
    [PS_SET_FREE] = "UPDATE pools SET free_extents = :extents WHERE uuid = :uuid",
    [PS_SET_PERMS] = "UPDATE pools SET target_mode = :mode, target_uid = :uid, target_gid = :gid"
                     " WHERE uuid = :uuid",
    [PS_SET_PENDING] = "UPDATE pools SET pending_xml = :xml, pending_type = :type,"
                       " pending_target_path = :target_path, pending_target_key = :target_key,"
                       " pending_source_key = :source_key, transient = :transient,"
                       " updated_at = :now WHERE uuid = :uuid AND name = :name",
    [PS_APPLY_PENDING] = "UPDATE pools SET xml = pending_xml, type = pending_type,"
                         " target_path = pending_target_path, target_key = pending_target_key,"
                         " source_key = pending_source_key, pending_xml = NULL,"
                         " pending_type = NULL, pending_target_path = NULL,"
                         " pending_target_key = NULL, pending_source_key = NULL, " NEW_DEF_SIZES
                         ", updated_at = :now WHERE uuid = :uuid AND pending_xml IS NOT NULL",
    /* The pools whose volumes libvirt's lookups skip (as PS_BY_DIR's
     * negation: a state of another boot is inactive). */
    [PS_INACTIVE] = "SELECT id, uuid, name FROM pools"
                    " WHERE NOT (boot_id IS :boot AND state != 'inactive')",
};

static scStmt *
pstmt(scCatalog *cat, PoolStmt id)
{
    return scCatalogStmt(cat, SC_STMT_POOL_BASE + (int) id, pool_sql[id]);
}

void
scCatalogPoolClear(scCatalogPool *row)
{
    if (!row)
        return;
    free(row->name);
    free(row->type);
    free(row->target_path);
    free(row->xml);
    free(row->runtime);
    free(row->pending_xml);
    memset(row, 0, sizeof(*row));
}

static unsigned long long
col_size(sqlite3_stmt *st, int col)
{
    sqlite3_int64 v = sqlite3_column_int64(st, col);
    return v > 0 ? (unsigned long long) v : 0;
}

static int
read_pool_row(sqlite3_stmt *st, scCatalogPool *row)
{
    const char *uuid = (const char *) sqlite3_column_text(st, 1);
    const char *op = (const char *) sqlite3_column_text(st, 12);

    memset(row, 0, sizeof(*row));
    row->id = sqlite3_column_int64(st, 0);
    snprintf(row->uuid, sizeof(row->uuid), "%s", uuid ? uuid : "");
    if (scCatalogColumnDup(st, 2, &row->name) < 0 || scCatalogColumnDup(st, 3, &row->type) < 0 ||
        scCatalogColumnDup(st, 4, &row->target_path) < 0 ||
        scCatalogColumnDup(st, 5, &row->xml) < 0 || scCatalogColumnDup(st, 11, &row->runtime) < 0) {
        scCatalogPoolClear(row);
        return -1;
    }
    row->state = scPoolStateFromString((const char *) sqlite3_column_text(st, 6));
    if (row->state < 0)
        row->state = SC_STORAGE_POOL_INACTIVE;
    row->autostart = sqlite3_column_int(st, 7) != 0;
    row->capacity = col_size(st, 8);
    row->allocation = col_size(st, 9);
    row->available = col_size(st, 10);
    row->op = op ? scPoolOpFromString(op) : SC_POOL_OP_NONE;
    if (row->op < 0)
        row->op = SC_POOL_OP_NONE;
    row->op_pid = scCatalogColumnInt(st, 13, -1);
    row->op_this_boot = sqlite3_column_int(st, 14) != 0;
    row->op_start = (unsigned long long) scCatalogColumnInt(st, 15, 0);
    row->transient = sqlite3_column_int(st, 16) != 0;
    row->refreshed_at = scCatalogColumnInt(st, 17, 0);
    row->target_mode = scCatalogColumnInt(st, 18, -1);
    row->target_uid = scCatalogColumnInt(st, 19, -1);
    row->target_gid = scCatalogColumnInt(st, 20, -1);
    if (scCatalogColumnDup(st, 21, &row->pending_xml) < 0) {
        scCatalogPoolClear(row);
        return -1;
    }
    return 0;
}

int
scCatalogPoolGet(scCatalog *cat, scCatalogPoolKey by, const char *value, scCatalogPool *row)
{
    static const PoolStmt ids[] = {
        [SC_POOL_BY_NAME] = PS_BY_NAME,
        [SC_POOL_BY_UUID] = PS_BY_UUID,
        [SC_POOL_BY_TARGET_PATH] = PS_BY_TARGET,
    };
    static const scParam params[] = {
        [SC_POOL_BY_NAME] = P_NAME,
        [SC_POOL_BY_UUID] = P_UUID,
        [SC_POOL_BY_TARGET_PATH] = P_TARGET_PATH,
    };
    scStmt *s;
    int rc, ret;

    /* The row is always safe to clear, found or not. */
    memset(row, 0, sizeof(*row));
    if (!(s = pstmt(cat, ids[by])))
        return -1;
    scBindText(s, params[by], value);
    if ((rc = scCatalogStep(cat, s, "looking up a pool")) < 0)
        return -1;
    ret = rc == SQLITE_ROW ? (read_pool_row(s->st, row) < 0 ? -1 : 1) : 0;
    sqlite3_reset(s->st);
    return ret;
}

int
scCatalogPoolForEach(scCatalog *cat, scCatalogPoolCb cb, void *opaque)
{
    scStmt *s = pstmt(cat, PS_ALL);
    int rc;

    if (!s)
        return -1;
    while ((rc = scCatalogStep(cat, s, "listing pools")) == SQLITE_ROW) {
        scCatalogPool row;
        int r;
        if (read_pool_row(s->st, &row) < 0) {
            sqlite3_reset(s->st);
            return -1;
        }
        r = cb(&row, opaque);
        scCatalogPoolClear(&row);
        if (r < 0) {
            sqlite3_reset(s->st);
            return r;
        }
    }
    sqlite3_reset(s->st);
    return rc < 0 ? -1 : 0;
}

int
scCatalogPoolFindClash(scCatalog *cat, const char *uuid, const char *column, const char *key,
                       char **other)
{
    scStmt *s;
    int rc, ret = 0;

    *other = NULL;
    if (!key)
        return 0;
    if (!(s = pstmt(cat, strcmp(column, "target_key") == 0 ? PS_CLASH_TARGET : PS_CLASH_SOURCE)))
        return -1;
    scBindText(s, P_UUID, uuid);
    scBindText(s, P_KEY, key);
    if ((rc = scCatalogStep(cat, s, "checking pool sources")) < 0)
        return -1;
    if (rc == SQLITE_ROW)
        ret = scCatalogColumnDup(s->st, 0, other) < 0 ? -1 : 1;
    sqlite3_reset(s->st);
    return ret;
}

static int run_pool_write(scCatalog *cat, scStmt *s, const char *uuid, const char *what);

int
scCatalogPoolPut(scCatalog *cat, const scCatalogPoolDef *def)
{
    scCatalogPool row;
    scStmt *s;
    int found;

    if ((found = scCatalogPoolGet(cat, SC_POOL_BY_UUID, def->uuid, &row)) < 0)
        return -1;
    scCatalogPoolClear(&row);
    if (!(s = pstmt(cat, def->pending ? PS_SET_PENDING : found ? PS_UPDATE : PS_INSERT)))
        return -1;
    scBindText(s, P_UUID, def->uuid);
    scBindText(s, P_NAME, def->name);
    scBindText(s, P_TYPE, def->type);
    scBindText(s, P_TARGET_PATH, def->target_path);
    scBindText(s, P_TARGET_KEY, def->target_key);
    scBindText(s, P_SOURCE_KEY, def->source_key);
    scBindText(s, P_XML, def->xml);
    scBindInt(s, P_TRANSIENT, def->transient);
    scBindInt(s, P_NOW, scNow());
    if (def->pending)
        return run_pool_write(cat, s, def->uuid, "recording a pool's pending definition");
    return scCatalogRun(cat, s, found ? "updating a pool" : "inserting a pool");
}

int
scCatalogPoolApplyPending(scCatalog *cat, const char *uuid)
{
    scStmt *s = pstmt(cat, PS_APPLY_PENDING);

    if (!s)
        return -1;
    scBindText(s, P_UUID, uuid);
    scBindInt(s, P_NOW, scNow());
    if (scCatalogRun(cat, s, "applying a pool's pending definition") < 0)
        return -1;
    return sqlite3_changes(cat->db) > 0 ? 1 : 0;
}

/* Run a one-row UPDATE/DELETE keyed by :uuid; 0 rows is "no pool". */
static int
run_pool_write(scCatalog *cat, scStmt *s, const char *uuid, const char *what)
{
    scBindText(s, P_UUID, uuid);
    if (scCatalogRun(cat, s, what) < 0)
        return -1;
    if (sqlite3_changes(cat->db) == 0) {
        scReportError(SC_FROM_CATALOG, SC_ERR_NO_STORAGE_POOL,
                      "pool with uuid '%s' is no longer defined in catalog '%s'", uuid,
                      cat->path);
        return -1;
    }
    return 0;
}

int
scCatalogPoolDelete(scCatalog *cat, const char *uuid)
{
    scStmt *s = pstmt(cat, PS_DELETE);

    return s ? run_pool_write(cat, s, uuid, "deleting a pool") : -1;
}

int
scCatalogPoolSetAutostart(scCatalog *cat, const char *uuid, bool autostart)
{
    scStmt *s = pstmt(cat, PS_SET_AUTOSTART);

    if (!s)
        return -1;
    scBindInt(s, P_AUTOSTART, autostart ? 1 : 0);
    scBindInt(s, P_NOW, scNow());
    return run_pool_write(cat, s, uuid, "setting autostart");
}

int
scCatalogPoolSetState(scCatalog *cat, const char *uuid, int state)
{
    scStmt *s = pstmt(cat, PS_SET_STATE);
    const char *str = scPoolStateToString(state);

    if (!s)
        return -1;
    assert(str);
    scBindText(s, P_STATE, str);
    scBindInt(s, P_NOW, scNow());
    return run_pool_write(cat, s, uuid, "recording the pool state");
}

int
scCatalogPoolSetOp(scCatalog *cat, const char *uuid, int op)
{
    scStmt *s = pstmt(cat, PS_SET_OP);

    if (!s)
        return -1;
    assert(op >= 0 && op < SC_POOL_OP_LAST);
    scBindText(s, P_OP, op == SC_POOL_OP_NONE ? NULL : scPoolOpToString(op));
    scBindIntOr(s, P_PID, (long long) getpid(), op != SC_POOL_OP_NONE);
    scBindIntOr(s, P_START, (long long) scCatalogSelfStart(), op != SC_POOL_OP_NONE);
    return run_pool_write(cat, s, uuid, "journaling a pool operation");
}

int
scCatalogPoolSetRuntime(scCatalog *cat, const char *uuid, const char *runtime,
                        char *const *dirs)
{
    scStmt *s = pstmt(cat, PS_SET_RUNTIME);

    if (!s)
        return -1;
    scBindText(s, P_RUNTIME, runtime);
    if (run_pool_write(cat, s, uuid, "recording the pool's runtime state") < 0 ||
        !(s = pstmt(cat, PS_DIRS_CLEAR)))
        return -1;
    scBindText(s, P_UUID, uuid);
    if (scCatalogRun(cat, s, "recording the pool's directories") < 0)
        return -1;
    for (size_t i = 0; dirs && dirs[i]; i++) {
        if (!(s = pstmt(cat, PS_DIR_ADD)))
            return -1;
        scBindText(s, P_UUID, uuid);
        scBindText(s, P_DIR, dirs[i]);
        if (scCatalogRun(cat, s, "recording the pool's directories") < 0)
            return -1;
    }
    return 0;
}

int
scCatalogPoolGetDirs(scCatalog *cat, const char *uuid, char ***dirs)
{
    scStmt *s = pstmt(cat, PS_DIRS);
    char **v = NULL;
    size_t n = 0;
    int rc;

    *dirs = NULL;
    if (!s)
        return -1;
    scBindText(s, P_UUID, uuid);
    while ((rc = scCatalogStep(cat, s, "reading the pool's directories")) == SQLITE_ROW) {
        char **w = reallocarray(v, n + 2, sizeof(*v));
        if (!w) {
            scReportOOM();
            rc = -1;
            break;
        }
        v = w;
        v[n + 1] = NULL;
        if (scCatalogColumnDup(s->st, 0, &v[n]) < 0) {
            rc = -1;
            break;
        }
        n++;
    }
    sqlite3_reset(s->st);
    if (rc < 0) {
        for (size_t i = 0; i < n; i++)
            free(v[i]);
        free(v);
        return -1;
    }
    *dirs = v;
    return 0;
}

int
scCatalogPoolsByDir(scCatalog *cat, const char *dir, int (*cb)(const char *uuid, void *opaque),
                    void *opaque)
{
    scStmt *s = pstmt(cat, PS_BY_DIR);
    int rc, r = 0;

    if (!s)
        return -1;
    scBindText(s, P_DIR, dir);
    while ((rc = scCatalogStep(cat, s, "looking up pools by directory")) == SQLITE_ROW &&
           (r = cb((const char *) sqlite3_column_text(s->st, 0), opaque)) == 0)
        ;
    sqlite3_reset(s->st);
    return rc < 0 ? -1 : r;
}

int
scCatalogPoolSetSizes(scCatalog *cat, const char *uuid, const scStoragePoolInfo *info)
{
    scStmt *s = pstmt(cat, PS_SET_SIZES);

    if (!s)
        return -1;
    scBindInt(s, P_CAPACITY, (long long) info->capacity);
    scBindInt(s, P_ALLOCATION, (long long) info->allocation);
    scBindInt(s, P_AVAILABLE, (long long) info->available);
    scBindInt(s, P_NOW, scNow());
    return run_pool_write(cat, s, uuid, "recording the pool's sizes");
}

int
scCatalogPoolGetToken(scCatalog *cat, const char *uuid, char **token)
{
    scStmt *s = pstmt(cat, PS_GET_TOKEN);
    int rc, ret = 0;

    *token = NULL;
    if (!s)
        return -1;
    scBindText(s, P_UUID, uuid);
    if ((rc = scCatalogStep(cat, s, "reading the pool's change token")) < 0)
        return -1;
    if (rc == SQLITE_ROW)
        ret = scCatalogColumnDup(s->st, 0, token);
    sqlite3_reset(s->st);
    return ret;
}

int
scCatalogPoolSetToken(scCatalog *cat, const char *uuid, const char *token)
{
    scStmt *s = pstmt(cat, PS_SET_TOKEN);

    if (!s)
        return -1;
    scBindText(s, P_TOKEN, token);
    return run_pool_write(cat, s, uuid, "recording the pool's change token");
}

int
scCatalogPoolsByPrefix(scCatalog *cat, const char *path,
                       int (*cb)(const char *uuid, void *opaque), void *opaque)
{
    scStmt *s = pstmt(cat, PS_BY_PREFIX);
    int rc, r = 0;

    if (!s)
        return -1;
    scBindText(s, P_PATH, path);
    while ((rc = scCatalogStep(cat, s, "looking up pools by path prefix")) == SQLITE_ROW &&
           (r = cb((const char *) sqlite3_column_text(s->st, 0), opaque)) == 0)
        ;
    sqlite3_reset(s->st);
    return rc < 0 ? -1 : r;
}

int
scCatalogPoolSumVolumes(scCatalog *cat, const char *uuid, scStoragePoolInfo *info)
{
    scStmt *s = pstmt(cat, PS_SUM_VOLUMES);
    int rc;

    if (!s)
        return -1;
    scBindText(s, P_UUID, uuid);
    if ((rc = scCatalogStep(cat, s, "summing the pool's volumes")) < 0)
        return -1;
    if (rc == SQLITE_ROW) {
        info->capacity = (unsigned long long) scCatalogColumnInt(s->st, 0, 0);
        info->allocation = (unsigned long long) scCatalogColumnInt(s->st, 1, 0);
        info->available = 0;
    }
    sqlite3_reset(s->st);
    return 0;
}

int
scCatalogPoolGetFreeExtents(scCatalog *cat, const char *uuid, char **text)
{
    scStmt *s = pstmt(cat, PS_GET_FREE);
    int rc, ret = 0;

    *text = NULL;
    if (!s)
        return -1;
    scBindText(s, P_UUID, uuid);
    if ((rc = scCatalogStep(cat, s, "reading the pool's free extents")) < 0)
        return -1;
    if (rc == SQLITE_ROW)
        ret = scCatalogColumnDup(s->st, 0, text);
    sqlite3_reset(s->st);
    return ret;
}

int
scCatalogPoolSetFreeExtents(scCatalog *cat, const char *uuid, const char *text)
{
    scStmt *s = pstmt(cat, PS_SET_FREE);

    if (!s)
        return -1;
    scBindText(s, P_EXTENTS, text);
    return run_pool_write(cat, s, uuid, "recording the pool's free extents");
}

int
scCatalogPoolSetPerms(scCatalog *cat, const char *uuid, long long mode, long long uid,
                      long long gid)
{
    scStmt *s = pstmt(cat, PS_SET_PERMS);

    if (!s)
        return -1;
    scBindIntOr(s, P_MODE, mode, mode >= 0);
    scBindIntOr(s, P_UID, uid, mode >= 0);
    scBindIntOr(s, P_GID, gid, mode >= 0);
    return run_pool_write(cat, s, uuid, "recording the pool's target permissions");
}

/* ---- the inactive pools, cached ------------------------------------------ */

void
scCatalogInactiveClear(scCatalog *cat)
{
    for (size_t i = 0; i < cat->ninactive; i++)
        free(cat->inactive[i].name);
    free(cat->inactive);
    cat->inactive = NULL;
    cat->ninactive = 0;
    cat->inactive_loaded = false;
}

/* Read the inactive pools again; the data version is read after the
 * query, so that it is the one of the snapshot the query saw. 0 or -1. */
static int
inactive_load(scCatalog *cat)
{
    scStmt *s = pstmt(cat, PS_INACTIVE);
    size_t alloc = 0;
    int rc;

    scCatalogInactiveClear(cat);
    if (!s)
        return -1;
    while ((rc = scCatalogStep(cat, s, "reading the inactive pools")) == SQLITE_ROW) {
        scInactivePool *p;
        if (cat->ninactive == alloc) {
            alloc = alloc ? alloc * 2 : 8;
            if (!(p = reallocarray(cat->inactive, alloc, sizeof(*p)))) {
                scReportOOM();
                rc = -1;
                break;
            }
            cat->inactive = p;
        }
        p = &cat->inactive[cat->ninactive];
        p->id = sqlite3_column_int64(s->st, 0);
        snprintf(p->uuid, sizeof(p->uuid), "%s", (const char *) sqlite3_column_text(s->st, 1));
        if (scCatalogColumnDup(s->st, 2, &p->name) < 0) {
            rc = -1;
            break;
        }
        cat->ninactive++;
    }
    sqlite3_reset(s->st);
    if (rc < 0 || scCatalogDataVersion(cat, &cat->inactive_version) < 0) {
        scCatalogInactiveClear(cat);
        return -1;
    }
    cat->inactive_loaded = true;
    return 0;
}

int
scCatalogPoolInactive(scCatalog *cat, long long pool_id, const char *pool_uuid, const char **name)
{
    unsigned int version;

    *name = NULL;
    if (scCatalogDataVersion(cat, &version) < 0)
        return -1;
    if ((!cat->inactive_loaded || version != cat->inactive_version) && inactive_load(cat) < 0)
        return -1;
    for (size_t i = 0; i < cat->ninactive; i++) {
        const scInactivePool *p = &cat->inactive[i];
        if (pool_id ? p->id == pool_id : strcmp(p->uuid, pool_uuid) == 0) {
            *name = p->name;
            return 1;
        }
    }
    return 0;
}
