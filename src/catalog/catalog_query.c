/*
 * catalog_query.c: read-only SQL over the catalog, for scConnectQuery
 * and the reports.
 *
 * Each reader is a SQLite handle of its own, opened read-only for one
 * call, so that rows can be handed to a caller's callback with no lock of
 * the connection held (the callback may call storcat again), and so that
 * nothing a query says can reach the connection's own handle, its
 * prepared statements or its transaction. A caller's SQL is hostile: the
 * handle is opened SQLITE_OPEN_READONLY with PRAGMA query_only, an
 * authorizer allows reading and nothing else (no write of any table,
 * temporary ones included, no transaction, no ATTACH, no PRAGMA that sets
 * anything, no load_extension), a statement SQLite does not call
 * read-only is refused after it is prepared (VACUUM INTO writes a file
 * without any authorizer code), only one statement is run, and a
 * progress handler stops it at its time limit.
 */
#include <config.h>

#include <stdio.h>
#include <strings.h>
#include <time.h>

#include "catalog_priv.h"

/* How many virtual machine steps between two looks at the clock. */
#define PROGRESS_STEPS 4096

struct scCatalogReader {
    sqlite3 *db;
    char *path;               /* for messages */
    struct timespec deadline; /* when to stop (tv_sec 0: never) */
    unsigned int timeout_ms;
    bool timed_out;     /* the progress handler stopped a statement */
    int depth;          /* statements running (a report nests them) */
    sqlite3_stmt *kept; /* the first statement run, kept for the next run of its SQL */
    bool kept_busy;     /* ... which is running now */
    char denied[256];   /* what the authorizer refused, for the message */
};

/* ---- the authorizer ------------------------------------------------- */

/* PRAGMAs that only read. Those marked @arg_ok may take an argument (a
 * table or index name, a count); the others only read when given none
 * (user_version = 5 sets it). */
static const struct {
    const char *name;
    bool arg_ok;
} read_pragmas[] = {
    { "table_info", true },       { "table_xinfo", true },       { "table_list", true },
    { "index_list", true },       { "index_info", true },        { "index_xinfo", true },
    { "foreign_key_list", true }, { "foreign_key_check", true }, { "integrity_check", true },
    { "quick_check", true },      { "database_list", false },    { "collation_list", false },
    { "function_list", false },   { "module_list", false },      { "pragma_list", false },
    { "compile_options", false }, { "user_version", false },     { "application_id", false },
    { "schema_version", false },  { "data_version", false },     { "page_count", false },
    { "page_size", false },       { "freelist_count", false },   { "encoding", false },
    { "journal_mode", false },    { "foreign_keys", false },
};

static bool
pragma_reads(const char *name, const char *arg)
{
    for (size_t i = 0; name && i < SC_N_ELEMENTS(read_pragmas); i++)
        if (strcasecmp(name, read_pragmas[i].name) == 0)
            return !arg || read_pragmas[i].arg_ok;
    return false;
}

/* What an authorizer action code does, for the message. */
static const char *
action_words(int action)
{
    switch (action) {
    case SQLITE_INSERT:
        return "INSERT into";
    case SQLITE_UPDATE:
        return "UPDATE of";
    case SQLITE_DELETE:
        return "DELETE from";
    case SQLITE_CREATE_INDEX:
    case SQLITE_CREATE_TEMP_INDEX:
        return "CREATE INDEX";
    case SQLITE_CREATE_TABLE:
    case SQLITE_CREATE_TEMP_TABLE:
        return "CREATE TABLE";
    case SQLITE_CREATE_TRIGGER:
    case SQLITE_CREATE_TEMP_TRIGGER:
        return "CREATE TRIGGER";
    case SQLITE_CREATE_VIEW:
    case SQLITE_CREATE_TEMP_VIEW:
        return "CREATE VIEW";
    case SQLITE_CREATE_VTABLE:
        return "CREATE VIRTUAL TABLE";
    case SQLITE_DROP_INDEX:
    case SQLITE_DROP_TEMP_INDEX:
        return "DROP INDEX";
    case SQLITE_DROP_TABLE:
    case SQLITE_DROP_TEMP_TABLE:
        return "DROP TABLE";
    case SQLITE_DROP_TRIGGER:
    case SQLITE_DROP_TEMP_TRIGGER:
        return "DROP TRIGGER";
    case SQLITE_DROP_VIEW:
    case SQLITE_DROP_TEMP_VIEW:
        return "DROP VIEW";
    case SQLITE_DROP_VTABLE:
        return "DROP VIRTUAL TABLE";
    case SQLITE_ALTER_TABLE:
        return "ALTER TABLE";
    case SQLITE_REINDEX:
        return "REINDEX";
    case SQLITE_ANALYZE:
        return "ANALYZE";
    case SQLITE_ATTACH:
        return "ATTACH";
    case SQLITE_DETACH:
        return "DETACH";
    case SQLITE_TRANSACTION:
        return "a transaction";
    case SQLITE_SAVEPOINT:
        return "a SAVEPOINT";
    case SQLITE_PRAGMA:
        return "PRAGMA";
    case SQLITE_FUNCTION:
        return "the function";
    default:
        return "an operation";
    }
}

static int
authorize(void *opaque, int action, const char *a1, const char *a2, const char *db,
          const char *inner)
{
    scCatalogReader *r = opaque;
    const char *what = NULL;

    (void) db;
    (void) inner;
    switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_RECURSIVE:
        return SQLITE_OK;
    case SQLITE_FUNCTION:
        /* a2 is the function's name. */
        if (!a2 || strcasecmp(a2, "load_extension") != 0)
            return SQLITE_OK;
        what = a2;
        break;
    case SQLITE_PRAGMA:
        if (pragma_reads(a1, a2))
            return SQLITE_OK;
        what = a1;
        break;
    case SQLITE_TRANSACTION:
    case SQLITE_SAVEPOINT:
    case SQLITE_ATTACH:
    case SQLITE_DETACH:
        what = action == SQLITE_ATTACH ? a1 : NULL;
        break;
    default:
        what = a1; /* the table, index, trigger or view */
        break;
    }
    if (!r->denied[0]) {
        if (action == SQLITE_PRAGMA && a2)
            snprintf(r->denied, sizeof(r->denied), "PRAGMA %s = %s", what ? what : "?", a2);
        else
            snprintf(r->denied, sizeof(r->denied), "%s%s%s%s", action_words(action),
                     what ? " '" : "", what ? what : "", what ? "'" : "");
    }
    return SQLITE_DENY;
}

/* ---- the time limit ------------------------------------------------- */

static int
progress(void *opaque)
{
    scCatalogReader *r = opaque;
    struct timespec now;

    if (!r->deadline.tv_sec)
        return 0;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec > r->deadline.tv_sec ||
        (now.tv_sec == r->deadline.tv_sec && now.tv_nsec >= r->deadline.tv_nsec)) {
        r->timed_out = true;
        return 1;
    }
    return 0;
}

/* ---- opening and closing -------------------------------------------- */

scCatalogReader *
scCatalogReaderOpen(scCatalog *cat, unsigned int timeout_ms)
{
    scCatalogReader *r = scAlloc(sizeof(*r));
    _cleanup_free_ char *uri = NULL;
    int rc;

    if (!r || !(r->path = scStrdup(cat->path)))
        goto fail;
    if (!(uri = scAsprintf("file:%s%s", cat->path, cat->immutable ? "?immutable=1" : "")))
        goto fail;
    /* A path with '?' or '#' cannot be a URI as it is: open it by name. */
    if (strpbrk(cat->path, "?#%"))
        rc = sqlite3_open_v2(cat->path, &r->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    else
        rc = sqlite3_open_v2(uri, &r->db,
                             SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, NULL);
    if (rc != SQLITE_OK) {
        scReportErrorFull(SC_FROM_CATALOG, SC_ERR_CATALOG, 0, rc, __FILE__, __func__, __LINE__,
                          "catalog '%s': opening a read-only handle failed: %s", cat->path,
                          r->db ? sqlite3_errmsg(r->db) : sqlite3_errstr(rc));
        goto fail;
    }
    sqlite3_extended_result_codes(r->db, 1);
    sqlite3_busy_timeout(r->db, 5000);
    sqlite3_db_config(r->db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
    sqlite3_db_config(r->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    sqlite3_limit(r->db, SQLITE_LIMIT_ATTACHED, 0);
    if ((rc = sqlite3_exec(r->db, "PRAGMA query_only = 1", NULL, NULL, NULL)) != SQLITE_OK) {
        scReportErrorFull(SC_FROM_CATALOG, SC_ERR_CATALOG, 0, rc, __FILE__, __func__, __LINE__,
                          "catalog '%s': setting up a read-only handle failed: %s", cat->path,
                          sqlite3_errmsg(r->db));
        goto fail;
    }
    sqlite3_set_authorizer(r->db, authorize, r);
    sqlite3_progress_handler(r->db, PROGRESS_STEPS, progress, r);
    r->timeout_ms = timeout_ms;
    return r;

fail:
    scCatalogReaderClose(r);
    return NULL;
}

void
scCatalogReaderClose(scCatalogReader *r)
{
    if (!r)
        return;
    sqlite3_finalize(r->kept);
    if (r->db)
        sqlite3_close_v2(r->db);
    free(r->path);
    free(r);
}

/* ---- running a statement -------------------------------------------- */

/* Lowercase hexadecimal of a blob, into *@buf (grown as needed). */
static const char *
blob_hex(const unsigned char *b, size_t n, char **buf, size_t *cap)
{
    static const char digits[] = "0123456789abcdef";

    if (*cap < 2 * n + 1) {
        char *p = realloc(*buf, 2 * n + 1);
        if (!p)
            return NULL;
        *buf = p;
        *cap = 2 * n + 1;
    }
    for (size_t i = 0; i < n; i++) {
        (*buf)[2 * i] = digits[b[i] >> 4];
        (*buf)[2 * i + 1] = digits[b[i] & 15];
    }
    (*buf)[2 * n] = '\0';
    return *buf;
}

/* The error of a statement that failed with @rc while @what. */
static void
report(scCatalogReader *r, int rc, const char *what)
{
    if (r->timed_out)
        scReportErrorFull(SC_FROM_CATALOG, SC_ERR_OPERATION_TIMEOUT, 0, rc, __FILE__, __func__,
                          __LINE__, "%s stopped at its time limit of %u ms", what, r->timeout_ms);
    else if ((rc & 0xff) == SQLITE_AUTH || r->denied[0])
        scReportErrorFull(SC_FROM_CATALOG, SC_ERR_OPERATION_DENIED, 0, rc, __FILE__, __func__,
                          __LINE__, "%s refused: it may only read the catalog, and %s is a change",
                          what, r->denied[0] ? r->denied : "it");
    else if ((rc & 0xff) == SQLITE_ERROR)
        scReportErrorFull(SC_FROM_CATALOG, SC_ERR_INVALID_ARG, 0, rc, __FILE__, __func__, __LINE__,
                          "%s: %s", what, sqlite3_errmsg(r->db));
    else
        scReportErrorFull(SC_FROM_CATALOG, SC_ERR_CATALOG, 0, rc, __FILE__, __func__, __LINE__,
                          "catalog '%s': %s failed: %s", r->path, what, sqlite3_errmsg(r->db));
}

/* Prepare @sql, one statement only, read-only. NULL on error (reported). */
static sqlite3_stmt *
prepare_one(scCatalogReader *r, const char *sql, const char *what)
{
    sqlite3_stmt *st = NULL, *more = NULL;
    const char *tail = NULL;
    int rc;

    r->denied[0] = '\0';
    r->timed_out = false;
    rc = sqlite3_prepare_v2(r->db, sql, -1, &st, &tail);
    if (rc != SQLITE_OK) {
        report(r, rc, what);
        return NULL;
    }
    if (!st) {
        scReportError(SC_FROM_CATALOG, SC_ERR_INVALID_ARG, "%s has no SQL statement", what);
        return NULL;
    }
    /* What follows may only be blanks, comments and semicolons: preparing
     * it must give no statement (and no error). */
    if (tail && *tail) {
        rc = sqlite3_prepare_v2(r->db, tail, -1, &more, NULL);
        sqlite3_finalize(more);
        if (rc != SQLITE_OK || more) {
            sqlite3_finalize(st);
            scReportError(SC_FROM_CATALOG, SC_ERR_INVALID_ARG,
                          "%s has more than one statement: run them one at a time", what);
            return NULL;
        }
    }
    if (!sqlite3_stmt_readonly(st)) {
        sqlite3_finalize(st);
        if (!r->denied[0])
            snprintf(r->denied, sizeof(r->denied), "'%.*s'", 64, sql);
        scReportError(SC_FROM_CATALOG, SC_ERR_OPERATION_DENIED,
                      "%s refused: it may only read the catalog, and %s writes", what, r->denied);
        return NULL;
    }
    return st;
}

/*
 * The statement of @sql: the one kept from an earlier run of the same
 * SQL if it is not running, else a new one. A report that runs one
 * statement per row of another (the links of each chain) prepares it
 * once: preparing costs more than running it.
 */
static sqlite3_stmt *
take(scCatalogReader *r, const char *sql, const char *what)
{
    if (r->kept && !r->kept_busy && strcmp(sqlite3_sql(r->kept), sql) == 0) {
        r->denied[0] = '\0';
        r->timed_out = false;
        sqlite3_clear_bindings(r->kept);
        r->kept_busy = true;
        return r->kept;
    }
    return prepare_one(r, sql, what);
}

/* Done with @st: reset (so that it holds no snapshot of the catalog) and
 * kept if it is the kept one or none is, else finalized. */
static void
give_back(scCatalogReader *r, sqlite3_stmt *st)
{
    if (st == r->kept) {
        sqlite3_reset(st);
        r->kept_busy = false;
    } else if (!r->kept) {
        sqlite3_reset(st);
        r->kept = st;
    } else {
        sqlite3_finalize(st);
    }
}

int
scCatalogReaderRun(scCatalogReader *r, const char *sql, const char *const *params, int nparams,
                   unsigned int flags, scCatalogRowCb cb, void *opaque, const char *what)
{
    sqlite3_stmt *st = take(r, sql, what);
    const char **names = NULL, **values = NULL;
    char **bufs = NULL;
    size_t *caps = NULL;
    long long *ints = NULL;
    int *types = NULL;
    int n, rc, count = 0, ret = -1;
    scCatalogRow row;

    if (!st)
        return -1;
    for (int i = 0; i < nparams; i++)
        if (params[i])
            sqlite3_bind_text(st, i + 1, params[i], -1, SQLITE_STATIC);
    n = sqlite3_column_count(st);
    if (!(names = calloc(n + 1, sizeof(*names))) || !(values = calloc(n + 1, sizeof(*values))) ||
        !(types = calloc(n + 1, sizeof(*types))) || !(ints = calloc(n + 1, sizeof(*ints))) ||
        !(bufs = calloc(n + 1, sizeof(*bufs))) || !(caps = calloc(n + 1, sizeof(*caps)))) {
        scReportOOM();
        goto out;
    }
    for (int i = 0; i < n; i++)
        names[i] = sqlite3_column_name(st, i);
    row = (scCatalogRow){ .ncols = n, .names = names, .values = NULL, .types = NULL, .ints = NULL };
    /* The time limit runs from the outermost statement. */
    if (r->timeout_ms && r->depth == 0) {
        clock_gettime(CLOCK_MONOTONIC, &r->deadline);
        r->deadline.tv_sec += r->timeout_ms / 1000;
        r->deadline.tv_nsec += (long) (r->timeout_ms % 1000) * 1000000L;
        if (r->deadline.tv_nsec >= 1000000000L) {
            r->deadline.tv_sec++;
            r->deadline.tv_nsec -= 1000000000L;
        }
    }
    if ((flags & SC_CATALOG_ROW_HEADER) && (rc = cb(&row, opaque)) != 0) {
        ret = rc < 0 ? -1 : 0;
        goto stopped;
    }
    row.values = values;
    row.types = types;
    row.ints = ints;
    r->depth++;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < n; i++) {
            int t = sqlite3_column_type(st, i);
            switch (t) {
            case SQLITE_INTEGER:
                types[i] = SC_QUERY_INTEGER;
                ints[i] = sqlite3_column_int64(st, i);
                values[i] = (flags & SC_CATALOG_ROW_INT_TEXT)
                                ? (const char *) sqlite3_column_text(st, i)
                                : NULL;
                break;
            case SQLITE_FLOAT:
                types[i] = SC_QUERY_FLOAT;
                ints[i] = (long long) sqlite3_column_double(st, i);
                values[i] = (const char *) sqlite3_column_text(st, i);
                break;
            case SQLITE_BLOB:
                types[i] = SC_QUERY_BLOB;
                ints[i] = 0;
                values[i] = blob_hex(sqlite3_column_blob(st, i),
                                     (size_t) sqlite3_column_bytes(st, i), &bufs[i], &caps[i]);
                if (!values[i]) {
                    scReportOOM();
                    goto out;
                }
                break;
            case SQLITE_NULL:
                types[i] = SC_QUERY_NULL;
                ints[i] = 0;
                values[i] = NULL;
                break;
            default:
                types[i] = SC_QUERY_TEXT;
                ints[i] = 0;
                values[i] = (const char *) sqlite3_column_text(st, i);
                break;
            }
        }
        count++;
        if ((rc = cb(&row, opaque)) != 0) {
            ret = rc < 0 ? -1 : count;
            goto stopped;
        }
    }
    r->depth--;
    if (rc != SQLITE_DONE) {
        report(r, rc, what);
        goto out;
    }
    ret = count;
    goto out;

stopped:
    if (row.values)
        r->depth--;
    if (ret < 0 && !scErrorIsSet())
        scReportError(SC_FROM_CATALOG, SC_ERR_OPERATION_ABORTED, "%s stopped by its row callback",
                      what);
out:
    give_back(r, st);
    for (int i = 0; bufs && i < n; i++)
        free(bufs[i]);
    free(bufs);
    free(caps);
    free(names);
    free(values);
    free(types);
    free(ints);
    return ret;
}
