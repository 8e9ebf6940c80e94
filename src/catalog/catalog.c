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
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "catalog_priv.h"
#include "util/util.h"

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

unsigned long long
scCatalogSelfStart(void)
{
    static pid_t pid;
    static unsigned long long start;

    /* Read again in a forked child: another process. */
    if (pid != getpid()) {
        start = scProcessStartTime((long long) getpid());
        pid = getpid();
    }
    return start;
}

static const char *const param_names[P_LAST] = {
    [P_BOOT] = ":boot", [P_ID] = ":id", [P_UUID] = ":uuid", [P_POOL] = ":pool", [P_POOL_ID] = ":pool_id",
    [P_NAME] = ":name", [P_TYPE] = ":type", [P_XML] = ":xml", [P_NOW] = ":now",
    [P_STATE] = ":state", [P_OP] = ":op", [P_PID] = ":pid", [P_START] = ":start", [P_TRANSIENT] = ":transient", [P_AUTOSTART] = ":autostart",
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
    [P_OLD_PID] = ":old_pid",
    [P_OLD_START] = ":old_start",
    [P_DOMAIN] = ":domain", [P_TARGET] = ":target", [P_DEVICE] = ":device",
    [P_SOURCE_TYPE] = ":source_type", [P_SOURCE] = ":source", [P_ALT_PATH] = ":alt_path",
    [P_READONLY] = ":readonly", [P_PATH2] = ":path2", [P_CHANGES] = ":changes",
    [P_WHO_UID] = ":who_uid", [P_WHO_USER] = ":who_user", [P_WHO_VIA] = ":who_via",
    [P_WHO_INVOKER_UID] = ":who_invoker_uid", [P_WHO_INVOKER] = ":who_invoker",
    [P_WHO_PID] = ":who_pid", [P_WHO_PROGRAM] = ":who_program", [P_WHO_ACTOR] = ":who_actor",
    [P_REFRESH] = ":refresh",
};

/* Bind who writes the events into statement @s, which records some. */
static void
bind_who(scCatalog *cat, scStmt *s)
{
    const scCatalogWho *w = &cat->who;

    scBindIntOr(s, P_WHO_UID, w->uid, w->uid >= 0);
    scBindText(s, P_WHO_USER, w->user_name);
    scBindText(s, P_WHO_VIA, w->invoker_via);
    scBindIntOr(s, P_WHO_INVOKER_UID, w->invoker_uid, w->invoker_uid >= 0);
    scBindText(s, P_WHO_INVOKER, w->invoker_name);
    scBindIntOr(s, P_WHO_PID, w->pid, w->pid >= 0);
    scBindText(s, P_WHO_PROGRAM, w->program);
    scBindText(s, P_WHO_ACTOR, w->storcat_actor);
    scBindIntOr(s, P_REFRESH, cat->refresh, cat->refresh > 0);
}

void
scCatalogWhoClear(scCatalogWho *who)
{
    if (!who)
        return;
    free(who->user_name);
    free(who->invoker_via);
    free(who->invoker_name);
    free(who->program);
    free(who->storcat_actor);
    memset(who, 0, sizeof(*who));
    who->uid = who->invoker_uid = who->pid = -1;
}

void
scCatalogSetWho(scCatalog *cat, scCatalogWho *who)
{
    scCatalogWhoClear(&cat->who);
    cat->who = *who;
    memset(who, 0, sizeof(*who));
    who->uid = who->invoker_uid = who->pid = -1;
}

/* Prepare @sql into @s and find the index of each of its parameters; a
 * parameter that is not a known name is a bug, reported as one. Numbered
 * ones (?NNN, a multi-row insert's) are bound by their number. */
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
        if (name && name[0] == '?')
            continue;
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
    /* Statements are reset after use: only one left stepping needs it
     * (one that ran to its end resets itself when stepped again). */
    if (sqlite3_stmt_busy(s->st))
        sqlite3_reset(s->st);
    sqlite3_clear_bindings(s->st);
    if (s->idx[P_BOOT])
        sqlite3_bind_text(s->st, s->idx[P_BOOT], cat->boot_id, -1, SQLITE_STATIC);
    if (s->idx[P_WHO_UID])
        bind_who(cat, s);
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

/* Why the user cannot open @path as @flags (O_RDONLY, O_RDWR) asked, after
 * errno @err: the owner and mode when permission was denied. */
static void
report_open(const char *path, int err, const char *verb)
{
    struct stat st;

    if (err == ENOENT && strcmp(verb, "open") == 0)
        scReportSystemError(SC_FROM_CATALOG, ENOENT,
                            "catalog '%s' does not exist (a connection creates one only "
                            "with SC_CONNECT_CREATE, or 'storcat init')", path);
    else if ((err == EACCES || err == EPERM) && stat(path, &st) == 0)
        scReportErrorFull(SC_FROM_CATALOG, SC_ERR_OPERATION_DENIED, err, 0, __FILE__, __func__,
                          __LINE__, "cannot %s catalog '%s': it belongs to uid %u, mode %04o, "
                          "and you are uid %u: %s", verb, path, (unsigned) st.st_uid,
                          (unsigned) (st.st_mode & 07777), (unsigned) geteuid(), strerror(err));
    else
        scReportSystemError(SC_FROM_CATALOG, err, "cannot %s catalog '%s'", verb, path);
}

/* Is the file system holding @path mounted read-only? */
static bool
on_readonly_fs(const char *path)
{
    struct statvfs vfs;

    return statvfs(path, &vfs) == 0 && (vfs.f_flag & ST_RDONLY);
}

/*
 * Make sure the catalog file is there and fit to open: created 0600 (before
 * SQLite, which would use 0644) if it does not exist and @create (never
 * when @readonly); an existing one must be a regular file, and not empty (a catalog
 * is never 0 bytes: an empty file is someone else's, or a creation that
 * was interrupted, and must not silently become a new catalog). A
 * read-write open of a catalog that cannot be written (a read-only file
 * system, another user's file) falls back to read-only, *why saying so.
 * Returns 1 if it created the file, 0 if it was there, -1 on error.
 */
static int
prepare_file(scCatalog *cat, bool create, bool *readonly, const char **why)
{
    const char *path = cat->path;
    struct stat st;
    int fd = -1;

    *why = NULL;
    if (!*readonly) {
        if (create && (fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) >= 0) {
            close(fd);
            return 1;
        }
        if (create && errno != EEXIST) {
            if (errno == EROFS)
                scReportSystemError(SC_FROM_CATALOG, errno,
                                    "cannot create catalog '%s': it would be on a read-only file system",
                                    path);
            else
                report_open(path, errno, "create");
            return -1;
        }
        if ((fd = open(path, O_RDWR | O_CLOEXEC)) < 0) {
            if (errno != EROFS && errno != EACCES && errno != EPERM) {
                report_open(path, errno, "open");
                return -1;
            }
            *why = errno == EROFS ? "it is on a read-only file system"
                                  : "you may not write it (its owner and mode say so)";
            *readonly = true;
        }
    }
    if ((fd < 0 && (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) || fstat(fd, &st) < 0) {
        report_open(path, errno, "open");
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    if (!S_ISREG(st.st_mode)) {
        scReportError(SC_FROM_CATALOG, SC_ERR_CATALOG, "catalog '%s' is not a regular file", path);
        return -1;
    }
    if (st.st_size == 0) {
        scReportError(SC_FROM_CATALOG, SC_ERR_CATALOG,
                      "catalog '%s' is empty (0 bytes): not a catalog storcat made, or one whose "
                      "creation was interrupted; remove it to start a new catalog", path);
        return -1;
    }
    return 0;
}

/* sqlite3_update_hook: note that the transaction records an event, so
 * that its commit announces it (announce_events). Every insert into the
 * events table passes here, whatever code made it. */
static void
row_changed(void *opaque, int op, const char *db, const char *table, sqlite3_int64 rowid)
{
    scCatalog *cat = opaque;

    (void) rowid;
    if (op == SQLITE_INSERT && strcmp(table, "events") == 0 && strcmp(db, "main") == 0)
        cat->events_added = true;
}

/*
 * After a commit that recorded events: touch the catalog file's times.
 * Connections registered for events (src/core/event.c, in any process)
 * watch the catalog's directory with inotify; SQLite's own writes to the
 * -wal file come before the commit is visible to readers (the WAL index
 * in -shm is updated last, through a memory map that inotify does not
 * see), so a watcher woken by them could read too early and then wait for
 * the next write. This IN_ATTRIB comes after the commit is visible. A
 * failure only delays watchers: it is not an error of the transaction.
 */
static void
announce_events(scCatalog *cat)
{
    cat->events_added = false;
    (void) utimensat(AT_FDCWD, cat->path, NULL, 0);
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
    sqlite3_update_hook(cat->db, row_changed, cat);
    if (version < scCatalogSchemaVersion() && migrate(cat) < 0)
        return -1;
    return 0;
}

scCatalog *
scCatalogOpen(const char *path, bool readonly, bool create, const char *boot_id)
{
    _cleanup_(scCatalogClosep) scCatalog *cat = NULL;
    _cleanup_free_ char *wal = NULL;
    _cleanup_free_ char *uri = NULL;
    int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    const char *why;
    int created, rc;

    if (!(cat = scAlloc(sizeof(*cat))) || !(cat->path = scStrdup(path)) ||
        !(cat->boot_id = scStrdup(boot_id ? boot_id : "")) ||
        !(wal = scAsprintf("%s-wal", path)))
        return NULL;
    cat->who.uid = cat->who.invoker_uid = cat->who.pid = -1;
    if ((created = prepare_file(cat, create && !readonly, &readonly, &why)) < 0)
        return NULL;
    cat->readonly = readonly;
    cat->readonly_why = why;
    /* A read-only connection leaves no -wal and -shm behind where there
     * were none (scCatalogClose). */
    cat->tidy_wal = readonly && access(wal, F_OK) < 0;
    flags |= readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    rc = sqlite3_open_v2(path, &cat->db, flags, NULL);
    if (rc == SQLITE_OK && setup(cat) < 0) {
        if (!readonly || !on_readonly_fs(path))
            return NULL;
        rc = SQLITE_CANTOPEN;
    }
    /* On a read-only file system SQLite cannot make the -shm that WAL
     * needs; nobody can write the catalog there: read it as immutable. */
    if (rc != SQLITE_OK && readonly && on_readonly_fs(path)) {
        scResetLastError();
        sqlite3_close_v2(cat->db);
        cat->db = NULL;
        cat->tidy_wal = false;
        /* A URI: '?' and '#' in the path would need escaping (none of
         * them in a catalog path storcat was given is likely; refuse). */
        if (strpbrk(path, "?#%")) {
            scReportError(SC_FROM_CATALOG, SC_ERR_CATALOG,
                          "catalog '%s' on a read-only file system cannot be read: its path "
                          "has '?', '#' or '%%'", path);
            return NULL;
        }
        if (!(uri = scAsprintf("file:%s?immutable=1", path)))
            return NULL;
        rc = sqlite3_open_v2(uri, &cat->db, flags | SQLITE_OPEN_URI, NULL);
        cat->immutable = true;
        if (rc == SQLITE_OK && setup(cat) < 0)
            return NULL;
    }
    if (rc != SQLITE_OK) {
        scCatalogReport(cat, rc, "opening");
        return NULL;
    }
    (void) created;
    return TAKE_PTR(cat);
}

bool
scCatalogReadOnly(const scCatalog *cat, const char **why)
{
    if (why)
        *why = cat->readonly_why;
    return cat->readonly;
}

/* After a read-only connection that found no -wal: SQLite made -wal and
 * -shm to read and cannot remove them read-only. A read-write connection
 * closing removes them, if it is the last one (SQLite checks); where
 * this process may not write, there is nothing it could have made. */
static void
tidy_wal(const char *path)
{
    _cleanup_free_ char *wal = scAsprintf("%s-wal", path);
    _cleanup_free_ char *shm = scAsprintf("%s-shm", path);
    sqlite3 *db = NULL;

    if (!wal || !shm || (access(wal, F_OK) < 0 && access(shm, F_OK) < 0) ||
        access(path, W_OK) < 0)
        return;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK)
        sqlite3_exec(db, "SELECT 1 FROM sqlite_schema LIMIT 1", NULL, NULL, NULL);
    sqlite3_close_v2(db);
}

void
scCatalogClose(scCatalog *cat)
{
    if (!cat)
        return;
    scCatalogInactiveClear(cat);
    for (size_t i = 0; i < SC_STMT_MAX; i++)
        sqlite3_finalize(cat->stmt[i].st);
    if (cat->db)
        sqlite3_close_v2(cat->db);
    if (cat->tidy_wal && cat->path)
        tidy_wal(cat->path);
    free(cat->path);
    free(cat->boot_id);
    scCatalogWhoClear(&cat->who);
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
            if (cat->events_added)
                announce_events(cat);
            return 0;
        }
    }
    /* Roll back without losing the error that brought us here. */
    cat->events_added = false;
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
    if (ok && scCatalogExec(cat, "COMMIT", "ending a read transaction") == 0)
        return 0;
    /* A COMMIT that failed leaves the transaction open: end it, or the
     * connection keeps its snapshot and refuses every later BEGIN. */
    sqlite3_exec(cat->db, "ROLLBACK", NULL, NULL, NULL);
    return ok ? -1 : 0;
}

int
scCatalogDataVersion(scCatalog *cat, unsigned int *version)
{
    /* NULL names the main database without the name lookup "main" costs:
     * every volume lookup reads the data version (scCatalogPoolInactive). */
    int rc = sqlite3_file_control(cat->db, NULL, SQLITE_FCNTL_DATA_VERSION, version);

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
scCatalogEventAddChanges(scCatalog *cat, const char *actor, const char *pool_uuid,
                         const char *pool_name, const char *action, const char *detail,
                         const char *changes)
{
    scStmt *s = scCatalogStmt(cat, SC_STMT_EVENT,
                              "INSERT INTO events (ts, actor, pool_uuid, pool_name, action, detail,"
                              " changes, " SC_EVENT_WHO_COLUMNS ")"
                              " VALUES (:now, :actor, :pool, :pool_name, :action, :detail,"
                              " :changes, " SC_EVENT_WHO_VALUES ")");

    if (!s)
        return -1;
    scBindInt(s, P_NOW, scNow());
    scBindText(s, P_ACTOR, actor);
    scBindText(s, P_POOL, pool_uuid);
    scBindText(s, P_POOL_NAME, pool_name);
    scBindText(s, P_ACTION, action);
    scBindText(s, P_DETAIL, detail);
    scBindText(s, P_CHANGES, changes);
    return scCatalogRun(cat, s, "recording an event");
}

int
scCatalogRefreshBegin(scCatalog *cat)
{
    int64_t last;

    /* In a write transaction no other connection adds events: the next
     * id is the last one's successor. */
    assert(cat->depth > 0);
    if (scCatalogEventLastId(cat, &last) < 0)
        return -1;
    cat->refresh = last + 1;
    return 0;
}

void
scCatalogRefreshEnd(scCatalog *cat)
{
    cat->refresh = 0;
}

int
scCatalogEventAdd(scCatalog *cat, const char *actor, const char *pool_uuid,
                  const char *pool_name, const char *action, const char *detail)
{
    return scCatalogEventAddChanges(cat, actor, pool_uuid, pool_name, action, detail, NULL);
}
