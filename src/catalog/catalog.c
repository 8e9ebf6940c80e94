/*
 * catalog.c: the SQLite catalog, and the only code in storcat that speaks
 * SQL.
 *
 * One file per catalog, in WAL mode so that readers never wait for a
 * writer; write transactions begin IMMEDIATE so that a writer waits (up to
 * the busy timeout) for the lock at BEGIN rather than failing at COMMIT.
 * The schema lives in sql/NNN-*.sql, embedded at build time; its version is
 * PRAGMA user_version. Statements are prepared on first use, kept for the
 * life of the connection, and always bound, never pasted together.
 */
#include <config.h>

#include <fcntl.h>
#include <stdio.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "catalog_priv.h"

#define BUSY_TIMEOUT_MS 30000

SC_ENUM_IMPL(scPoolState, SC_STORAGE_POOL_STATE_LAST, "inactive", "building", "running",
             "degraded", "inaccessible")

/* Every statement storcat runs, prepared once per connection. */
typedef enum {
    STMT_POOL_BY_NAME,
    STMT_POOL_BY_UUID,
    STMT_POOL_BY_TARGET,
    STMT_POOL_ALL,
    STMT_POOL_INSERT,
    STMT_POOL_UPDATE,
    STMT_POOL_CLASH_TARGET,
    STMT_POOL_CLASH_SOURCE,
    STMT_POOL_DELETE,
    STMT_POOL_SET_AUTOSTART,
    STMT_POOL_SET_STATE,
    STMT_EVENT_ADD,
    STMT_POOL_SET_RUNTIME,
    STMT_POOL_SET_SIZES,
    STMT_POOL_BY_TARGET_REAL,
    STMT_POOL_TARGET_REAL,
    STMT_POOL_GET_DIGEST,
    STMT_POOL_SET_DIGEST,
    STMT_LAST
} StmtId;

/* The columns of scCatalogPool, in order. A state recorded under another
 * boot of the host reads as inactive: mounts and sessions did not survive. */
#define POOL_COLUMNS                                                         \
    "id, uuid, name, type, target_path, xml, "                              \
    "CASE WHEN boot_id IS ?9 THEN state ELSE 'inactive' END, "           \
    "autostart, capacity, allocation, available"

static const char *const stmt_sql[STMT_LAST] = {
    [STMT_POOL_BY_NAME] = "SELECT " POOL_COLUMNS " FROM pools WHERE name = ?1",
    [STMT_POOL_BY_UUID] = "SELECT " POOL_COLUMNS " FROM pools WHERE uuid = ?1",
    /* Several disk or iSCSI pools can share /dev: prefer an active one. */
    [STMT_POOL_BY_TARGET] = "SELECT " POOL_COLUMNS " FROM pools WHERE target_path = ?1"
                            " ORDER BY boot_id IS ?9 AND state != 'inactive' DESC, name"
                            " LIMIT 1",
    [STMT_POOL_ALL] = "SELECT " POOL_COLUMNS " FROM pools ORDER BY name",
    [STMT_POOL_INSERT] = "INSERT INTO pools (uuid, name, type, target_path, target_key,"
                         " source_key, xml, defined_at, updated_at)"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
    [STMT_POOL_UPDATE] = "UPDATE pools SET name = ?2, type = ?3, target_path = ?4,"
                         " target_key = ?5, source_key = ?6, xml = ?7, updated_at = ?8"
                         " WHERE uuid = ?1",
    [STMT_POOL_CLASH_TARGET] = "SELECT name FROM pools WHERE target_key = ?2 AND uuid != ?1",
    [STMT_POOL_CLASH_SOURCE] = "SELECT name FROM pools WHERE source_key = ?2 AND uuid != ?1",
    [STMT_POOL_DELETE] = "DELETE FROM pools WHERE uuid = ?1",
    [STMT_POOL_SET_AUTOSTART] = "UPDATE pools SET autostart = ?2, updated_at = ?3"
                                " WHERE uuid = ?1",
    [STMT_POOL_SET_STATE] = "UPDATE pools SET state = ?2, boot_id = ?9, updated_at = ?3"
                            " WHERE uuid = ?1",
    [STMT_POOL_SET_RUNTIME] = "UPDATE pools SET target_real = ?2 WHERE uuid = ?1",
    [STMT_POOL_SET_SIZES] = "UPDATE pools SET capacity = ?2, allocation = ?3, available = ?4,"
                            " refreshed_at = ?5 WHERE uuid = ?1",
    [STMT_POOL_BY_TARGET_REAL] = "SELECT uuid FROM pools WHERE target_real = ?1 AND boot_id IS ?9"
                                 " AND state != 'inactive' LIMIT 1",
    [STMT_POOL_TARGET_REAL] = "SELECT target_real FROM pools WHERE uuid = ?1",
    [STMT_POOL_GET_DIGEST] = "SELECT scan_digest FROM pools WHERE uuid = ?1",
    [STMT_POOL_SET_DIGEST] = "UPDATE pools SET scan_digest = ?2 WHERE uuid = ?1",
    [STMT_EVENT_ADD] = "INSERT INTO events (ts, actor, pool_uuid, pool_name, action, detail)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
};



int scCatalogFailCountdown;

void
scCatalogReport(scCatalog *cat, int rc, const char *what)
{
    const char *msg = cat->db ? sqlite3_errmsg(cat->db) : sqlite3_errstr(rc);

    if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
        scReportErrorFull(SC_FROM_CATALOG, SC_ERR_CATALOG, 0, rc, __FILE__, __func__, __LINE__,
                          "catalog '%s' stayed locked by another process for %d s while %s",
                          cat->path, BUSY_TIMEOUT_MS / 1000, what);
    else
        scReportErrorFull(SC_FROM_CATALOG, SC_ERR_CATALOG, 0, rc, __FILE__, __func__, __LINE__,
                          "catalog '%s': %s failed: %s", cat->path, what, msg);
}

int64_t
scCatalogNow(void)
{
    return (int64_t) time(NULL);
}

sqlite3_stmt *
scCatalogStmt(scCatalog *cat, int slot, const char *sql)
{
    sqlite3_stmt *st;

    assert(slot >= 0 && slot < SC_STMT_MAX);
    if (!(st = cat->stmt[slot])) {
        int rc = sqlite3_prepare_v3(cat->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
        if (rc != SQLITE_OK) {
            scCatalogReport(cat, rc, "preparing a statement");
            return NULL;
        }
        cat->stmt[slot] = st;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (sqlite3_bind_parameter_name(st, BOOT_PARAM))
        sqlite3_bind_text(st, BOOT_PARAM, cat->boot_id, -1, SQLITE_STATIC);
    return st;
}

static sqlite3_stmt *
stmt_get(scCatalog *cat, StmtId id)
{
    return scCatalogStmt(cat, SC_STMT_POOL_BASE + (int) id, stmt_sql[id]);
}

/* Step @st; returns SQLITE_ROW or SQLITE_DONE, or -1 with the error
 * reported (and the statement reset). */
int
scCatalogStep(scCatalog *cat, sqlite3_stmt *st, const char *what)
{
    int rc;

    if (scCatalogFailCountdown > 0 && --scCatalogFailCountdown == 0) {
        sqlite3_reset(st);
        scReportError(SC_FROM_CATALOG, SC_ERR_CATALOG, "catalog '%s': %s failed: injected failure",
                      cat->path, what);
        return -1;
    }
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return rc;
    scCatalogReport(cat, rc, what);
    sqlite3_reset(st);
    return -1;
}

int
scCatalogExec(scCatalog *cat, const char *sql, const char *what)
{
    int rc;

    if (scCatalogFailCountdown > 0 && --scCatalogFailCountdown == 0) {
        scReportError(SC_FROM_CATALOG, SC_ERR_CATALOG, "catalog '%s': %s failed: injected failure",
                      cat->path, what);
        return -1;
    }
    rc = sqlite3_exec(cat->db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        scCatalogReport(cat, rc, what);
        return -1;
    }
    return 0;
}

/* Read an integer PRAGMA. */
static int
pragma_int(scCatalog *cat, const char *sql, int *out)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(cat->db, sql, -1, &st, NULL);

    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        *out = sqlite3_column_int(st, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_OK) {
        if ((rc & 0xff) == SQLITE_NOTADB)
            scReportErrorFull(SC_FROM_CATALOG, SC_ERR_CATALOG, 0, rc, __FILE__, __func__,
                              __LINE__, "catalog '%s' is not an SQLite database", cat->path);
        else
            scCatalogReport(cat, rc, "reading the catalog header");
        return -1;
    }
    return 0;
}

int
scCatalogSchemaVersion(void)
{
    return (int) scCatalogNumMigrations;
}

/* Refuse a database that is not ours, or newer than we are; leave the
 * current version in *version. */
static int
check_identity(scCatalog *cat, int *version)
{
    int app_id, tables;

    if (pragma_int(cat, "PRAGMA application_id", &app_id) < 0 ||
        pragma_int(cat, "PRAGMA user_version", version) < 0 ||
        pragma_int(cat, "SELECT count(*) FROM sqlite_schema", &tables) < 0)
        return -1;
    if (app_id != SC_CATALOG_APPLICATION_ID && (app_id != 0 || *version != 0 || tables != 0)) {
        scReportError(SC_FROM_CATALOG, SC_ERR_CATALOG,
                      "catalog '%s' is an SQLite database but not a storcat catalog "
                      "(application_id %d)", cat->path, app_id);
        return -1;
    }
    if (*version > scCatalogSchemaVersion()) {
        scReportError(SC_FROM_CATALOG, SC_ERR_CATALOG_VERSION,
                      "catalog '%s' has schema version %d, newer than the %d this storcat "
                      "(%s) knows: upgrade storcat", cat->path, *version,
                      scCatalogSchemaVersion(), PACKAGE_VERSION);
        return -1;
    }
    return 0;
}

/* Bring the schema to the current version in one exclusive transaction.
 * Another process may have migrated meanwhile: the version is read again
 * under the lock. */
static int
migrate(scCatalog *cat)
{
    int version;
    char *sql = NULL;

    if (scCatalogExec(cat, "BEGIN EXCLUSIVE", "locking the catalog to migrate it") < 0)
        return -1;
    if (check_identity(cat, &version) < 0)
        goto rollback;
    for (int v = version; v < scCatalogSchemaVersion(); v++) {
        if (scCatalogExec(cat, scCatalogMigrations[v].sql, scCatalogMigrations[v].name) < 0)
            goto rollback;
    }
    if (!(sql = scAsprintf("PRAGMA user_version = %d; PRAGMA application_id = %d",
                           scCatalogSchemaVersion(), SC_CATALOG_APPLICATION_ID)))
        goto rollback;
    if (scCatalogExec(cat, sql, "recording the schema version") < 0 ||
        scCatalogExec(cat, "COMMIT", "committing the migration") < 0)
        goto rollback;
    free(sql);
    return 0;

rollback:
    free(sql);
    sqlite3_exec(cat->db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
}

/* Create the file with mode 0600 before SQLite does (it would use 0644). */
static int
create_file(const char *path)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

    if (fd < 0) {
        scReportSystemError(SC_FROM_CATALOG, errno, "cannot create catalog '%s'", path);
        return -1;
    }
    close(fd);
    return 0;
}

static int
setup(scCatalog *cat)
{
    int version;

    sqlite3_busy_timeout(cat->db, BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(cat->db, 1);
    if (check_identity(cat, &version) < 0)
        return -1;
    if (cat->readonly) {
        if (version < scCatalogSchemaVersion()) {
            scReportError(SC_FROM_CATALOG, SC_ERR_CATALOG,
                          "catalog '%s' has schema version %d and must be migrated to %d: "
                          "open it read-write once", cat->path, version,
                          scCatalogSchemaVersion());
            return -1;
        }
        return scCatalogExec(cat, "PRAGMA query_only = 1; PRAGMA foreign_keys = ON",
                    "setting up a read-only connection");
    }
    /* A 32 MiB page cache: a refresh that records 100,000 new volumes
     * updates six indexes; with SQLite's default 2 MiB their pages would
     * be spilled to the WAL and read back over and over. */
    if (scCatalogExec(cat, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
                  "PRAGMA foreign_keys = ON; PRAGMA cache_size = -32768",
                  "setting up the connection") < 0)
        return -1;
    if (version < scCatalogSchemaVersion() && migrate(cat) < 0)
        return -1;
    return 0;
}

scCatalog *
scCatalogOpen(const char *path, bool readonly, const char *boot_id)
{
    _cleanup_(scCatalogClosep) scCatalog *cat = NULL;
    int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    struct stat st;
    int rc;

    if (!(cat = scAlloc(sizeof(*cat))) || !(cat->path = scStrdup(path)) ||
        !(cat->boot_id = scStrdup(boot_id ? boot_id : "")))
        return NULL;
    cat->readonly = readonly;

    if (readonly) {
        if (stat(path, &st) < 0) {
            scReportSystemError(SC_FROM_CATALOG, errno, "cannot open catalog '%s'", path);
            return NULL;
        }
        flags |= SQLITE_OPEN_READONLY;
    } else {
        if (create_file(path) < 0)
            return NULL;
        flags |= SQLITE_OPEN_READWRITE;
    }
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        scReportError(SC_FROM_CATALOG, SC_ERR_CATALOG, "catalog '%s' is not a regular file",
                      path);
        return NULL;
    }

    rc = sqlite3_open_v2(path, &cat->db, flags, NULL);
    if (rc != SQLITE_OK) {
        scCatalogReport(cat, rc, "opening");
        return NULL;
    }
    if (setup(cat) < 0)
        return NULL;
    return TAKE_PTR(cat);
}

void
scCatalogClose(scCatalog *cat)
{
    if (!cat)
        return;
    for (size_t i = 0; i < SC_STMT_MAX; i++)
        sqlite3_finalize(cat->stmt[i]);
    if (cat->db)
        sqlite3_close_v2(cat->db);
    free(cat->path);
    free(cat->boot_id);
    free(cat);
}

int
scCatalogBegin(scCatalog *cat)
{
    if (cat->depth++ > 0)
        return 0;
    cat->rollback = false;
    if (scCatalogExec(cat, "BEGIN IMMEDIATE", "starting a transaction") < 0) {
        cat->depth = 0;
        return -1;
    }
    return 0;
}

int
scCatalogBeginBulk(scCatalog *cat)
{
    assert(cat->depth == 0);
    /* The pragma only takes effect outside a transaction. */
    if (scCatalogExec(cat, "PRAGMA foreign_keys = OFF", "starting a transaction") < 0)
        return -1;
    cat->bulk = true;
    if (scCatalogBegin(cat) < 0) {
        cat->bulk = false;
        sqlite3_exec(cat->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
        return -1;
    }
    return 0;
}

/* The end of the outermost transaction: foreign keys back on after a bulk
 * one (outside a transaction that cannot fail but for lack of memory). */
static void
end_bulk(scCatalog *cat)
{
    if (cat->bulk) {
        cat->bulk = false;
        sqlite3_exec(cat->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
    }
}

int
scCatalogEnd(scCatalog *cat, bool ok)
{
    assert(cat->depth > 0);
    if (!ok)
        cat->rollback = true;
    if (--cat->depth > 0)
        return 0;
    if (!cat->rollback) {
        if (scCatalogExec(cat, "COMMIT", "committing") == 0) {
            end_bulk(cat);
            return 0;
        }
    }
    /* Roll back without losing the error that brought us here. */
    sqlite3_exec(cat->db, "ROLLBACK", NULL, NULL, NULL);
    end_bulk(cat);
    return cat->rollback ? 0 : -1;
}

/* ---- pools ---------------------------------------------------------- */

void
scCatalogPoolClear(scCatalogPool *row)
{
    if (!row)
        return;
    free(row->name);
    free(row->type);
    free(row->target_path);
    free(row->xml);
    memset(row, 0, sizeof(*row));
}

int
scCatalogColumnDup(sqlite3_stmt *st, int col, char **out)
{
    const char *s = (const char *) sqlite3_column_text(st, col);

    *out = NULL;
    if (!s)
        return 0;
    return (*out = scStrdup(s)) ? 0 : -1;
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

    memset(row, 0, sizeof(*row));
    row->id = sqlite3_column_int64(st, 0);
    snprintf(row->uuid, sizeof(row->uuid), "%s", uuid ? uuid : "");
    if (scCatalogColumnDup(st, 2, &row->name) < 0 || scCatalogColumnDup(st, 3, &row->type) < 0 ||
        scCatalogColumnDup(st, 4, &row->target_path) < 0 || scCatalogColumnDup(st, 5, &row->xml) < 0) {
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
    return 0;
}

int
scCatalogPoolGet(scCatalog *cat, scCatalogPoolKey by, const char *value, scCatalogPool *row)
{
    static const StmtId ids[] = {
        [SC_POOL_BY_NAME] = STMT_POOL_BY_NAME,
        [SC_POOL_BY_UUID] = STMT_POOL_BY_UUID,
        [SC_POOL_BY_TARGET_PATH] = STMT_POOL_BY_TARGET,
    };
    sqlite3_stmt *st;
    int rc, ret;

    /* The row is always safe to clear, found or not. */
    memset(row, 0, sizeof(*row));
    if (!(st = stmt_get(cat, ids[by])))
        return -1;
    sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
    if ((rc = scCatalogStep(cat, st, "looking up a pool")) < 0)
        return -1;
    ret = rc == SQLITE_ROW ? (read_pool_row(st, row) < 0 ? -1 : 1) : 0;
    sqlite3_reset(st);
    return ret;
}

int
scCatalogPoolForEach(scCatalog *cat, scCatalogPoolCb cb, void *opaque)
{
    sqlite3_stmt *st = stmt_get(cat, STMT_POOL_ALL);
    int rc;

    if (!st)
        return -1;
    while ((rc = scCatalogStep(cat, st, "listing pools")) == SQLITE_ROW) {
        scCatalogPool row;
        int r;
        if (read_pool_row(st, &row) < 0) {
            sqlite3_reset(st);
            return -1;
        }
        r = cb(&row, opaque);
        scCatalogPoolClear(&row);
        if (r < 0) {
            sqlite3_reset(st);
            return r;
        }
    }
    sqlite3_reset(st);
    return rc < 0 ? -1 : 0;
}

int
scCatalogPoolFindClash(scCatalog *cat, const char *uuid, const char *column, const char *key,
                       char **other)
{
    sqlite3_stmt *st;
    int rc, ret = 0;

    *other = NULL;
    if (!key)
        return 0;
    st = stmt_get(cat, strcmp(column, "target_key") == 0 ? STMT_POOL_CLASH_TARGET
                                                         : STMT_POOL_CLASH_SOURCE);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    if ((rc = scCatalogStep(cat, st, "checking pool sources")) < 0)
        return -1;
    if (rc == SQLITE_ROW)
        ret = scCatalogColumnDup(st, 0, other) < 0 ? -1 : 1;
    sqlite3_reset(st);
    return ret;
}

void
scCatalogBindText(sqlite3_stmt *st, int idx, const char *s)
{
    if (s)
        sqlite3_bind_text(st, idx, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, idx);
}

int
scCatalogPoolPut(scCatalog *cat, const scCatalogPoolDef *def)
{
    scCatalogPool row;
    sqlite3_stmt *st;
    int found;

    if ((found = scCatalogPoolGet(cat, SC_POOL_BY_UUID, def->uuid, &row)) < 0)
        return -1;
    scCatalogPoolClear(&row);
    if (!(st = stmt_get(cat, found ? STMT_POOL_UPDATE : STMT_POOL_INSERT)))
        return -1;
    sqlite3_bind_text(st, 1, def->uuid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, def->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, def->type, -1, SQLITE_STATIC);
    scCatalogBindText(st, 4, def->target_path);
    scCatalogBindText(st, 5, def->target_key);
    scCatalogBindText(st, 6, def->source_key);
    sqlite3_bind_text(st, 7, def->xml, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, scCatalogNow());
    if (scCatalogStep(cat, st, found ? "updating a pool" : "inserting a pool") < 0)
        return -1;
    sqlite3_reset(st);
    return 0;
}

/* Run a one-row UPDATE/DELETE keyed by uuid (?1); 0 rows is "no pool". */
static int
run_pool_write(scCatalog *cat, sqlite3_stmt *st, const char *uuid, const char *what)
{
    if (scCatalogStep(cat, st, what) < 0)
        return -1;
    sqlite3_reset(st);
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
    sqlite3_stmt *st = stmt_get(cat, STMT_POOL_DELETE);

    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
    return run_pool_write(cat, st, uuid, "deleting a pool");
}

int
scCatalogPoolSetAutostart(scCatalog *cat, const char *uuid, bool autostart)
{
    sqlite3_stmt *st = stmt_get(cat, STMT_POOL_SET_AUTOSTART);

    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, autostart ? 1 : 0);
    sqlite3_bind_int64(st, 3, scCatalogNow());
    return run_pool_write(cat, st, uuid, "setting autostart");
}

int
scCatalogPoolSetState(scCatalog *cat, const char *uuid, int state)
{
    sqlite3_stmt *st = stmt_get(cat, STMT_POOL_SET_STATE);
    const char *s = scPoolStateToString(state);

    if (!st)
        return -1;
    assert(s);
    sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, s, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, scCatalogNow());
    return run_pool_write(cat, st, uuid, "recording the pool state");
}

int
scCatalogEventAdd(scCatalog *cat, const char *actor, const char *pool_uuid,
                  const char *pool_name, const char *action, const char *detail)
{
    sqlite3_stmt *st = stmt_get(cat, STMT_EVENT_ADD);

    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, scCatalogNow());
    sqlite3_bind_text(st, 2, actor, -1, SQLITE_STATIC);
    scCatalogBindText(st, 3, pool_uuid);
    scCatalogBindText(st, 4, pool_name);
    sqlite3_bind_text(st, 5, action, -1, SQLITE_STATIC);
    scCatalogBindText(st, 6, detail);
    if (scCatalogStep(cat, st, "recording an event") < 0)
        return -1;
    sqlite3_reset(st);
    return 0;
}

int
scCatalogPoolSetRuntime(scCatalog *cat, const char *uuid, const char *target_real)
{
    sqlite3_stmt *st = stmt_get(cat, STMT_POOL_SET_RUNTIME);

    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
    scCatalogBindText(st, 2, target_real);
    return run_pool_write(cat, st, uuid, "recording the pool's directory");
}

int
scCatalogPoolSetSizes(scCatalog *cat, const char *uuid, const scStoragePoolInfo *info)
{
    sqlite3_stmt *st = stmt_get(cat, STMT_POOL_SET_SIZES);

    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64) info->capacity);
    sqlite3_bind_int64(st, 3, (sqlite3_int64) info->allocation);
    sqlite3_bind_int64(st, 4, (sqlite3_int64) info->available);
    sqlite3_bind_int64(st, 5, scCatalogNow());
    return run_pool_write(cat, st, uuid, "recording the pool's sizes");
}

int
scCatalogPoolByTargetReal(scCatalog *cat, const char *dir, char *uuid)
{
    sqlite3_stmt *st = stmt_get(cat, STMT_POOL_BY_TARGET_REAL);
    int rc;

    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, dir, -1, SQLITE_STATIC);
    if ((rc = scCatalogStep(cat, st, "looking up a pool by directory")) < 0)
        return -1;
    if (rc == SQLITE_ROW)
        snprintf(uuid, SC_UUID_STRING_BUFLEN, "%s", (const char *) sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    return rc == SQLITE_ROW;
}

int
scCatalogPoolGetTargetReal(scCatalog *cat, const char *uuid, char **target_real)
{
    sqlite3_stmt *st = stmt_get(cat, STMT_POOL_TARGET_REAL);
    int rc, ret = 0;

    *target_real = NULL;
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
    if ((rc = scCatalogStep(cat, st, "reading the pool's directory")) < 0)
        return -1;
    if (rc == SQLITE_ROW)
        ret = scCatalogColumnDup(st, 0, target_real);
    sqlite3_reset(st);
    return ret;
}

int
scCatalogPoolGetDigest(scCatalog *cat, const char *uuid, char **digest)
{
    sqlite3_stmt *st = stmt_get(cat, STMT_POOL_GET_DIGEST);
    int rc, ret = 0;

    *digest = NULL;
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
    if ((rc = scCatalogStep(cat, st, "reading the pool's scan digest")) < 0)
        return -1;
    if (rc == SQLITE_ROW)
        ret = scCatalogColumnDup(st, 0, digest);
    sqlite3_reset(st);
    return ret;
}

int
scCatalogPoolSetDigest(scCatalog *cat, const char *uuid, const char *digest)
{
    sqlite3_stmt *st = stmt_get(cat, STMT_POOL_SET_DIGEST);

    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
    scCatalogBindText(st, 2, digest);
    return run_pool_write(cat, st, uuid, "recording the pool's scan digest");
}
