/*
 * catalog.c: the SQLite catalog, and the only code in storcat that speaks
 * SQL (with catalog_pool.c, catalog_vol.c and catalog_scan.c): opening and
 * migrating a catalog, the statement cache and its named parameters,
 * transactions, and the audit trail.
 *
 * One file per catalog, in WAL mode so that readers never wait for a
 * writer; write transactions begin IMMEDIATE so that a writer waits (up to
 * the busy timeout) for the lock at BEGIN rather than failing at COMMIT.
 * The schema lives in sql/NNN-*.sql, embedded at build time; its version is
 * PRAGMA user_version. Statements are prepared on first use, kept for the
 * life of the connection, and always bound by name, never pasted together.
 */
#include <config.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "catalog_priv.h"

#define BUSY_TIMEOUT_MS 30000

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

static const char *const param_names[P_LAST] = {
    [P_BOOT] = ":boot", [P_ID] = ":id", [P_UUID] = ":uuid", [P_POOL] = ":pool", [P_POOL_ID] = ":pool_id",
    [P_NAME] = ":name", [P_TYPE] = ":type", [P_XML] = ":xml", [P_NOW] = ":now",
    [P_STATE] = ":state", [P_OP] = ":op", [P_PID] = ":pid", [P_AUTOSTART] = ":autostart",
    [P_TARGET_PATH] = ":target_path", [P_TARGET_KEY] = ":target_key",
    [P_SOURCE_KEY] = ":source_key", [P_RUNTIME] = ":runtime", [P_DIR] = ":dir",
    [P_TOKEN] = ":token", [P_CAPACITY] = ":capacity", [P_ALLOCATION] = ":allocation",
    [P_AVAILABLE] = ":available", [P_PHYSICAL] = ":physical", [P_KEY] = ":key",
    [P_PATH] = ":path", [P_FORMAT] = ":format", [P_BACKING_PATH] = ":backing_path",
    [P_BACKING_FORMAT] = ":backing_format", [P_MODE] = ":mode", [P_UID] = ":uid",
    [P_GID] = ":gid", [P_ATIME] = ":atime", [P_MTIME] = ":mtime", [P_CTIME] = ":ctime",
    [P_BTIME] = ":btime", [P_SIG] = ":sig", [P_IDENT] = ":ident", [P_VALUE] = ":value",
    [P_ACTOR] = ":actor", [P_POOL_NAME] = ":pool_name", [P_VOL_UUID] = ":vol_uuid",
    [P_VOL_NAME] = ":vol_name", [P_ACTION] = ":action", [P_DETAIL] = ":detail",
    [P_ACTION2] = ":action2", [P_EXTENTS] = ":extents",
};

/* Prepare @sql into @s and find the index of each of its parameters; a
 * parameter that is not a known name is a bug, reported as one. */
static int
prepare(scCatalog *cat, scStmt *s, const char *sql)
{
    int rc = sqlite3_prepare_v3(cat->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st, NULL);
    int n;

    if (rc != SQLITE_OK) {
        scCatalogReport(cat, rc, "preparing a statement");
        return -1;
    }
    memset(s->idx, 0, sizeof(s->idx));
    n = sqlite3_bind_parameter_count(s->st);
    for (int i = 1; i <= n; i++) {
        const char *name = sqlite3_bind_parameter_name(s->st, i);
        int p;
        for (p = 0; p < P_LAST; p++)
            if (name && strcmp(name, param_names[p]) == 0)
                break;
        if (p == P_LAST || i > SCHAR_MAX) {
            scReportError(SC_FROM_CATALOG, SC_ERR_INTERNAL_ERROR,
                          "catalog statement parameter %d ('%s') is not a known name", i,
                          name ? name : "?");
            sqlite3_finalize(s->st);
            s->st = NULL;
            return -1;
        }
        s->idx[p] = (signed char) i;
    }
    return 0;
}

scStmt *
scCatalogStmt(scCatalog *cat, int slot, const char *sql)
{
    scStmt *s;

    assert(slot >= 0 && slot < SC_STMT_MAX);
    s = &cat->stmt[slot];
    if (!s->st && prepare(cat, s, sql) < 0)
        return NULL;
    sqlite3_reset(s->st);
    sqlite3_clear_bindings(s->st);
    if (s->idx[P_BOOT])
        sqlite3_bind_text(s->st, s->idx[P_BOOT], cat->boot_id, -1, SQLITE_STATIC);
    return s;
}

void
scBindText(scStmt *s, scParam p, const char *value)
{
    assert(s->idx[p] > 0);
    if (value)
        sqlite3_bind_text(s->st, s->idx[p], value, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s->st, s->idx[p]);
}

void
scBindInt(scStmt *s, scParam p, long long value)
{
    assert(s->idx[p] > 0);
    sqlite3_bind_int64(s->st, s->idx[p], value);
}

void
scBindIntOr(scStmt *s, scParam p, long long value, bool known)
{
    assert(s->idx[p] > 0);
    if (known)
        sqlite3_bind_int64(s->st, s->idx[p], value);
    else
        sqlite3_bind_null(s->st, s->idx[p]);
}

void
scBindBlob(scStmt *s, scParam p, const void *data, size_t len)
{
    assert(s->idx[p] > 0);
    if (data && len)
        sqlite3_bind_blob(s->st, s->idx[p], data, (int) len, SQLITE_STATIC);
    else
        sqlite3_bind_null(s->st, s->idx[p]);
}

/* Step @s; returns SQLITE_ROW or SQLITE_DONE, or -1 with the error
 * reported (and the statement reset). */
int
scCatalogStep(scCatalog *cat, scStmt *s, const char *what)
{
    int rc;

    if (scCatalogFailCountdown > 0 && --scCatalogFailCountdown == 0) {
        sqlite3_reset(s->st);
        scReportError(SC_FROM_CATALOG, SC_ERR_CATALOG, "catalog '%s': %s failed: injected failure",
                      cat->path, what);
        return -1;
    }
    rc = sqlite3_step(s->st);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return rc;
    scCatalogReport(cat, rc, what);
    sqlite3_reset(s->st);
    return -1;
}

int
scCatalogRun(scCatalog *cat, scStmt *s, const char *what)
{
    if (scCatalogStep(cat, s, what) < 0)
        return -1;
    sqlite3_reset(s->st);
    return 0;
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
        sqlite3_finalize(cat->stmt[i].st);
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


int
scCatalogReadBegin(scCatalog *cat)
{
    assert(cat->depth == 0);
    return scCatalogExec(cat, "BEGIN DEFERRED", "starting a read transaction");
}

int
scCatalogReadEnd(scCatalog *cat, bool ok)
{
    if (!ok) {
        sqlite3_exec(cat->db, "ROLLBACK", NULL, NULL, NULL);
        return 0;
    }
    return scCatalogExec(cat, "COMMIT", "ending a read transaction");
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

/* ---- columns and the audit trail ------------------------------------- */

int
scCatalogColumnDup(sqlite3_stmt *st, int col, char **out)
{
    const char *s = (const char *) sqlite3_column_text(st, col);

    *out = NULL;
    if (!s)
        return 0;
    return (*out = scStrdup(s)) ? 0 : -1;
}

long long
scCatalogColumnInt(sqlite3_stmt *st, int col, long long null_value)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        return null_value;
    return sqlite3_column_int64(st, col);
}

size_t
scCatalogColumnBlob(sqlite3_stmt *st, int col, void *buf, size_t max)
{
    const void *b = sqlite3_column_blob(st, col);
    size_t n = (size_t) sqlite3_column_bytes(st, col);

    if (!b)
        return 0;
    if (n > max)
        n = max;
    memcpy(buf, b, n);
    return n;
}

int
scCatalogEventAdd(scCatalog *cat, const char *actor, const char *pool_uuid,
                  const char *pool_name, const char *action, const char *detail)
{
    scStmt *s = scCatalogStmt(cat, SC_STMT_EVENT,
                              "INSERT INTO events (ts, actor, pool_uuid, pool_name, action, detail)"
                              " VALUES (:now, :actor, :pool, :pool_name, :action, :detail)");

    if (!s)
        return -1;
    scBindInt(s, P_NOW, scCatalogNow());
    scBindText(s, P_ACTOR, actor);
    scBindText(s, P_POOL, pool_uuid);
    scBindText(s, P_POOL_NAME, pool_name);
    scBindText(s, P_ACTION, action);
    scBindText(s, P_DETAIL, detail);
    return scCatalogRun(cat, s, "recording an event");
}
