/*
 * test_report.c: the documented report views and read-only queries
 * (issue 14), on a fixture of two dir pools with raw volumes, qcow2
 * overlays, a volume gone missing, an overlay whose backing file does not
 * exist, and imported domains:
 *  - each report's rows asserted (pools, volumes, unused, missing,
 *    unmanaged-disks, chains with "broken"), --pool, unknown names;
 *  - scConnectQuery: every way a query could write refused with
 *    SC_ERR_OPERATION_DENIED and the catalog unchanged; two statements;
 *    SQL that does not compile; a runaway query stopped by its limit;
 *    a read-only connection; the callback's stop and abort;
 *  - scConnectListEvents: a scripted history compared row by row, in
 *    commit order, the actor with the user behind sudo and
 *    $STORCAT_ACTOR, each filter;
 *  - scConnectListStorageVolumes: order, states, format, pool, stop;
 *  - events.retention: set, pruning but the newest, bad values, a
 *    read-only connection, pruning when a read-write connection opens;
 *    the pools' size history pruned with it;
 *  - drift: the last refresh's rows, changes behind storcat's back, an
 *    unchanged refresh; growth: day by day from an aged history;
 *  - scConnectListEvents from a time on, with the clock set back and
 *    ahead, against SQL's answer; the listings have no time limit.
 */
#include <config.h>

#include <limits.h>
#include <stdbool.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "testutil.h"

typedef struct {
    char *dir;
    char *images;
    char *other;
    char *catalog;
    scConnectPtr conn;
    bool qemu; /* qemu-img here: the overlays exist */
} Fixture;

static scStoragePoolPtr
define_pool(Fixture *f, const char *name, const char *path)
{
    char *xml;
    scStoragePoolPtr p;

    assert_true(asprintf(&xml,
                         "<pool type='dir'><name>%s</name><target><path>%s</path>"
                         "</target></pool>",
                         name, path) > 0);
    p = scStoragePoolDefineXML(f->conn, xml, 0);
    free(xml);
    if (p && scStoragePoolCreate(p, SC_STORAGE_POOL_CREATE_WITH_BUILD) < 0) {
        scStoragePoolFree(p);
        return NULL;
    }
    return p;
}

static void
create(scStoragePoolPtr pool, const char *name, const char *format, const char *backing)
{
    char *xml;
    scStorageVolPtr vol;

    assert_true(asprintf(&xml,
                         "<volume><name>%s</name><capacity>1048576</capacity>"
                         "<target><format type='%s'/></target>%s%s%s</volume>",
                         name, format, backing ? "<backingStore><path>" : "",
                         backing ? backing : "",
                         backing ? "</path><format type='raw'/></backingStore>" : "") > 0);
    vol = scStorageVolCreateXML(pool, xml, 0);
    if (!vol)
        fail_msg("creating %s: %s", name, scGetLastErrorMessage());
    free(xml);
    scStorageVolFree(vol);
}

static int
setup(void **state)
{
    Fixture *f = calloc(1, sizeof(*f));
    scStoragePoolPtr images, other;
    char *base, *gone, *xml, *cmd, *orphan;

    if (!f || !(f->dir = testTmpDirMake("report")))
        return -1;
    f->images = testPath(f->dir, "images");
    f->other = testPath(f->dir, "other");
    f->catalog = testPath(f->dir, "catalog.db");
    f->qemu = access(QEMU_IMG, X_OK) == 0;
    if (!(f->conn = scConnectOpenAuth(f->catalog, NULL, SC_CONNECT_CREATE)) ||
        !(images = define_pool(f, "images", f->images)) ||
        !(other = define_pool(f, "other", f->other)))
        return -1;
    base = testPath(f->images, "base.img");
    create(images, "base.img", "raw", NULL);
    create(images, "free.img", "raw", NULL);
    create(images, "gone.img", "raw", NULL);
    create(other, "data.img", "raw", NULL);
    if (f->qemu) {
        create(images, "vm1.qcow2", "qcow2", base);
        create(images, "vm2.qcow2", "qcow2", base);
        /* An overlay whose backing file is not there (made behind
         * storcat's back, found by a refresh). */
        orphan = testPath(f->images, "orphan.qcow2");
        assert_true(asprintf(&cmd, "%s create -q -f qcow2 -u -b %s/nothere.img -F raw %s 1M",
                             QEMU_IMG, f->dir, orphan) > 0);
        assert_int_equal(system(cmd), 0);
        free(cmd);
        free(orphan);
    }
    gone = testPath(f->images, "gone.img");
    assert_int_equal(unlink(gone), 0);
    free(gone);
    assert_sc_ok(scStoragePoolRefresh(images, 0) == 0);

    assert_true(asprintf(&xml,
                         "<domain><name>web</name><devices>"
                         "<disk type='file'><source file='%s/%s'/><target dev='vda'/></disk>"
                         "<disk type='file'><source file='%s/data.img'/><target dev='vdb'/></disk>"
                         "<disk type='network'><source protocol='nbd' name='export'/>"
                         "<target dev='vdc'/></disk>"
                         "<disk type='block'><source dev='/dev/storcat-test-nowhere'/>"
                         "<target dev='vdd'/></disk></devices></domain>",
                         f->images, f->qemu ? "vm1.qcow2" : "base.img", f->other) > 0);
    assert_sc_ok(scConnectDomainImportXML(f->conn, xml, NULL, 0) == 4);
    free(xml);
    assert_true(asprintf(&xml,
                         "<domain><name>db</name><devices><disk type='file'>"
                         "<source file='%s/gone.img'/><target dev='vda'/></disk></devices>"
                         "</domain>",
                         f->images) > 0);
    assert_sc_ok(scConnectDomainImportXML(f->conn, xml, NULL, 0) == 1);
    free(xml);
    scStoragePoolFree(images);
    scStoragePoolFree(other);
    free(base);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *f = *state;

    assert_int_equal(scConnectClose(f->conn), 0);
    testTmpDirRemove(f->dir);
    free(f->images);
    free(f->other);
    free(f->catalog);
    free(f);
    return 0;
}

/* ---- collecting rows -------------------------------------------------------- */

#define MAX_ROWS 64
#define MAX_COLS 24

typedef struct {
    int ncols;
    char *names[MAX_COLS];
    char *values[MAX_ROWS][MAX_COLS];
    int types[MAX_ROWS][MAX_COLS];
    int nrows;
    int headers;
    int stop_after; /* rows, 0: never */
    int ret;        /* what to return then */
} Rows;

static int
collect(int ncols, const char *const *names, const char *const *values, const int *types,
        void *opaque)
{
    Rows *r = opaque;

    assert_true(ncols <= MAX_COLS);
    if (!values) {
        assert_null(types);
        r->headers++;
        r->ncols = ncols;
        for (int i = 0; i < ncols; i++)
            r->names[i] = strdup(names[i]);
        return 0;
    }
    assert_int_equal(r->headers, 1);
    assert_int_equal(ncols, r->ncols);
    assert_true(r->nrows < MAX_ROWS);
    for (int i = 0; i < ncols; i++) {
        r->values[r->nrows][i] = values[i] ? strdup(values[i]) : NULL;
        r->types[r->nrows][i] = types[i];
        assert_true((values[i] == NULL) == (types[i] == SC_QUERY_NULL));
    }
    r->nrows++;
    return r->stop_after && r->nrows >= r->stop_after ? r->ret : 0;
}

static void
rows_clear(Rows *r)
{
    for (int i = 0; i < r->ncols; i++)
        free(r->names[i]);
    for (int j = 0; j < r->nrows; j++)
        for (int i = 0; i < r->ncols; i++)
            free(r->values[j][i]);
    memset(r, 0, sizeof(*r));
}

static int
col(const Rows *r, const char *name)
{
    for (int i = 0; i < r->ncols; i++)
        if (strcmp(r->names[i], name) == 0)
            return i;
    fail_msg("no column '%s'", name);
    return -1;
}

/* The row whose column @key is @value (-1 if none). */
static int
find(const Rows *r, const char *key, const char *value)
{
    int c = col(r, key);

    for (int j = 0; j < r->nrows; j++)
        if (r->values[j][c] && strcmp(r->values[j][c], value) == 0)
            return j;
    return -1;
}

static const char *
get(const Rows *r, int row, const char *name)
{
    assert_true(row >= 0 && row < r->nrows);
    return r->values[row][col(r, name)];
}

static void
assert_value(const Rows *r, int row, const char *name, const char *want)
{
    const char *v = get(r, row, name);

    if (!want ? v != NULL : !v || strcmp(v, want) != 0)
        fail_msg("row %d, column %s: '%s', expected '%s'", row, name, v ? v : "(null)",
                 want ? want : "(null)");
}

static int
report(Fixture *f, const char *name, const char *pool, Rows *r)
{
    int n;

    memset(r, 0, sizeof(*r));
    assert_sc_ok((n = scConnectReport(f->conn, name, pool, collect, r, 0)) >= 0);
    assert_null(scGetLastError());
    assert_int_equal(n, r->nrows);
    assert_int_equal(r->headers, 1);
    return n;
}

/* ---- the reports ----------------------------------------------------------- */

static void
test_pools(void **state)
{
    Fixture *f = *state;
    Rows r;
    int i;

    assert_int_equal(report(f, "pools", NULL, &r), 2);
    /* The documented columns, in their order. */
    {
        static const char *const names[] = { "pool",
                                             "uuid",
                                             "type",
                                             "state",
                                             "boot_id",
                                             "autostart",
                                             "target_path",
                                             "capacity",
                                             "allocation",
                                             "available",
                                             "volumes",
                                             "missing",
                                             "volume_capacity",
                                             "volume_allocation",
                                             "overcommit",
                                             "refreshed" };
        assert_int_equal(r.ncols, (int) (sizeof(names) / sizeof(names[0])));
        for (size_t c = 0; c < sizeof(names) / sizeof(names[0]); c++)
            assert_string_equal(r.names[c], names[c]);
    }
    assert_int_equal(i = find(&r, "pool", "images"), 0);
    assert_value(&r, i, "type", "dir");
    assert_value(&r, i, "state", "running");
    assert_value(&r, i, "volumes", f->qemu ? "5" : "2");
    assert_value(&r, i, "missing", "1");
    assert_int_equal(r.types[i][col(&r, "overcommit")], SC_QUERY_FLOAT);
    assert_true(strtoull(get(&r, i, "capacity"), NULL, 10) > 0);
    assert_value(&r, find(&r, "pool", "other"), "volume_capacity", "1048576");
    rows_clear(&r);
    assert_int_equal(report(f, "pools", "other", &r), 1);
    rows_clear(&r);
    assert_int_equal(report(f, "pools", "nosuch", &r), 0);
    rows_clear(&r);
}

static void
test_volumes_unused_missing(void **state)
{
    Fixture *f = *state;
    Rows r;
    int i;

    assert_int_equal(report(f, "volumes", NULL, &r), f->qemu ? 7 : 4);
    i = find(&r, "volume", "base.img");
    assert_value(&r, i, "pool", "images");
    assert_value(&r, i, "format", "raw");
    assert_value(&r, i, "capacity", "1048576");
    assert_value(&r, i, "state", "present");
    assert_value(&r, i, "users", "web:vda");
    assert_value(&r, i, "overlays", f->qemu ? "2" : "0");
    assert_non_null(get(&r, i, "first_seen"));
    assert_int_equal(strlen(get(&r, i, "first_seen")), strlen("2026-12-06T18:00:00Z"));
    assert_value(&r, find(&r, "volume", "data.img"), "users", "web:vdb");
    assert_value(&r, find(&r, "volume", "free.img"), "users", NULL);
    assert_value(&r, find(&r, "volume", "gone.img"), "state", "missing");
    if (f->qemu) {
        i = find(&r, "volume", "vm1.qcow2");
        assert_value(&r, i, "users", "web:vda");
        assert_value(&r, i, "format", "qcow2");
        assert_string_equal(strrchr(get(&r, i, "backing_path"), '/'), "/base.img");
        assert_value(&r, find(&r, "volume", "vm2.qcow2"), "users", NULL);
    }
    rows_clear(&r);

    /* Unused: nobody's disk, nor a link of a used disk's chain; present
     * volumes only. */
    assert_int_equal(report(f, "unused", NULL, &r), f->qemu ? 3 : 1);
    assert_true(find(&r, "volume", "free.img") >= 0);
    assert_true(find(&r, "volume", "base.img") < 0);
    assert_true(find(&r, "volume", "data.img") < 0);
    assert_true(find(&r, "volume", "gone.img") < 0);
    if (f->qemu) {
        assert_true(find(&r, "volume", "vm2.qcow2") >= 0);
        assert_true(find(&r, "volume", "orphan.qcow2") >= 0);
        assert_true(find(&r, "volume", "vm1.qcow2") < 0);
    }
    assert_value(&r, find(&r, "volume", "free.img"), "age_days", "0");
    rows_clear(&r);
    assert_int_equal(report(f, "unused", "other", &r), 0);
    rows_clear(&r);

    assert_int_equal(report(f, "missing", NULL, &r), 1);
    assert_value(&r, 0, "volume", "gone.img");
    assert_value(&r, 0, "domains", "db:vda");
    rows_clear(&r);
}

static void
test_unmanaged_chains(void **state)
{
    Fixture *f = *state;
    Rows r;
    int i;

    assert_int_equal(report(f, "unmanaged-disks", NULL, &r), 2);
    assert_value(&r, 0, "domain", "web");
    assert_value(&r, 0, "target", "vdc");
    assert_value(&r, 0, "source_type", "network");
    assert_value(&r, 0, "source", "nbd:export");
    assert_value(&r, 1, "target", "vdd");
    assert_value(&r, 1, "path", "/dev/storcat-test-nowhere");
    rows_clear(&r);
    assert_sc_err(scConnectReport(f->conn, "unmanaged-disks", "images", collect, &r, 0) == 0,
                  SC_ERR_INVALID_ARG);
    rows_clear(&r);

    if (!f->qemu) {
        skip();
        return;
    }
    /* Chains: orphan.qcow2 -> nothere.img (broken), vm1 and vm2 -> base. */
    assert_int_equal(report(f, "chains", NULL, &r), 6);
    assert_string_equal(r.names[r.ncols - 1], "broken");
    i = find(&r, "chain", "orphan.qcow2");
    assert_value(&r, i, "depth", "0");
    assert_value(&r, i, "broken", "0");
    assert_value(&r, i + 1, "depth", "1");
    assert_value(&r, i + 1, "link_state", "uncatalogued");
    assert_value(&r, i + 1, "volume", NULL);
    assert_string_equal(strrchr(get(&r, i + 1, "path"), '/'), "/nothere.img");
    assert_value(&r, i + 1, "broken", "1");
    i = find(&r, "chain", "vm1.qcow2");
    assert_value(&r, i + 1, "volume", "base.img");
    assert_value(&r, i + 1, "link_state", "present");
    assert_value(&r, i + 1, "broken", "0");
    rows_clear(&r);
    assert_int_equal(report(f, "chains", "other", &r), 0);
    rows_clear(&r);
}

static void
test_report_errors(void **state)
{
    Fixture *f = *state;
    Rows r = { 0 };

    assert_sc_err(scConnectReport(f->conn, "shrinkage", NULL, collect, &r, 0) == 0,
                  SC_ERR_INVALID_ARG);
    assert_true(strstr(scGetLastErrorMessage(), "unknown report 'shrinkage' (there are pools,"));
    assert_sc_err(scConnectReport(f->conn, "pools", NULL, NULL, NULL, 0) == 0, SC_ERR_INVALID_ARG);
    assert_sc_err(scConnectReport(f->conn, "pools", NULL, collect, &r, 1) == 0, SC_ERR_INVALID_ARG);
    rows_clear(&r);
    /* The callback's stop (1) and abort (-1). */
    r.stop_after = 1;
    r.ret = 1;
    assert_int_equal(scConnectReport(f->conn, "volumes", NULL, collect, &r, 0), 1);
    rows_clear(&r);
    r.stop_after = 2;
    r.ret = -1;
    assert_sc_err(scConnectReport(f->conn, "volumes", NULL, collect, &r, 0) == 0,
                  SC_ERR_OPERATION_ABORTED);
    rows_clear(&r);
}

/* ---- queries ------------------------------------------------------------- */

/* A digest of what a query must not change: the rows and the schema. */
static char *
catalog_state(Fixture *f)
{
    Rows r = { 0 };
    char *s;

    assert_sc_ok(scConnectQuery(f->conn,
                                "SELECT (SELECT count(*) FROM pools) || '/' ||"
                                " (SELECT count(*) FROM volumes) || '/' ||"
                                " (SELECT count(*) FROM events) || '/' ||"
                                " (SELECT count(*) FROM domains) || '/' ||"
                                " (SELECT group_concat(name) FROM sqlite_master)",
                                collect, &r, 0) == 1);
    s = strdup(r.values[0][0]);
    rows_clear(&r);
    return s;
}

static const char *const writes[] = {
    "INSERT INTO domains (name, imported_at) VALUES ('x', 0)",
    "UPDATE pools SET autostart = 1",
    "DELETE FROM events",
    "CREATE TABLE x (a)",
    "CREATE TEMP TABLE x (a)",
    "CREATE TEMP VIEW v AS SELECT 1",
    "CREATE INDEX i ON pools (autostart)",
    "DROP VIEW report_pools",
    "DROP TABLE attachments",
    "ALTER TABLE pools ADD COLUMN x",
    "REINDEX",
    "ANALYZE",
    "VACUUM",
    "BEGIN",
    "SAVEPOINT s",
    "ATTACH ':memory:' AS m",
    "PRAGMA user_version = 7",
    "PRAGMA journal_mode = DELETE",
    "PRAGMA foreign_keys = OFF",
    "PRAGMA query_only = 0",
    "PRAGMA writable_schema = 1",
    "SELECT load_extension('libm.so.6')",
    "WITH x AS (SELECT 1) INSERT INTO domains (name, imported_at) SELECT 'y', 0 FROM x",
};

static void
test_query_refuses_writes(void **state)
{
    Fixture *f = *state;
    char *before = catalog_state(f), *after, *vacuum, *sql;
    Rows r = { 0 };

    for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
        int n = scConnectQuery(f->conn, writes[i], collect, &r, 0);
        const scError *e = scGetLastError();
        if (n >= 0 || !e || e->code != SC_ERR_OPERATION_DENIED)
            fail_msg("'%s': %d, error %d: %s", writes[i], n, e ? e->code : 0,
                     e ? e->message : "none");
        if (!strstr(e->message, "it may only read the catalog"))
            fail_msg("'%s': message '%s'", writes[i], e->message);
        rows_clear(&r);
    }
    /* VACUUM INTO writes a file and no table. */
    vacuum = testPath(f->dir, "copy.db");
    assert_true(asprintf(&sql, "VACUUM INTO '%s'", vacuum) > 0);
    assert_sc_err(scConnectQuery(f->conn, sql, collect, &r, 0) == 0, SC_ERR_OPERATION_DENIED);
    assert_int_equal(access(vacuum, F_OK), -1);
    free(sql);
    free(vacuum);
    rows_clear(&r);
    /* A view cannot be written anyway: SQLite says so. */
    assert_sc_err(scConnectQuery(f->conn, "DELETE FROM report_volumes", collect, &r, 0) == 0,
                  SC_ERR_INVALID_ARG);
    assert_true(strstr(scGetLastErrorMessage(), "cannot modify report_volumes"));
    rows_clear(&r);
    /* A write behind a first statement that reads. */
    assert_sc_err(scConnectQuery(f->conn, "SELECT 1; DELETE FROM events", collect, &r, 0) == 0,
                  SC_ERR_INVALID_ARG);
    assert_true(strstr(scGetLastErrorMessage(), "more than one statement"));
    assert_int_equal(r.nrows, 0);
    rows_clear(&r);
    assert_int_equal(scConnectQuery(f->conn, "PRAGMA user_version", collect, &r, 0), 1);
    assert_int_equal(atoi(r.values[0][0]), scCatalogSchemaVersion());
    rows_clear(&r);
    after = catalog_state(f);
    assert_string_equal(before, after);
    free(before);
    free(after);
}

static void
test_query(void **state)
{
    Fixture *f = *state;
    scConnectPtr ro;
    Rows r = { 0 };
    struct timespec t0, t1;
    double secs;

    /* Reading: values, types, reading pragmas, comments, a trailing ';'. */
    assert_sc_ok(scConnectQuery(f->conn,
                                "-- volumes per pool\n"
                                "SELECT pool, count(*) AS n, 0.5 AS half, NULL AS empty,"
                                " x'00ff' AS bytes FROM report_volumes GROUP BY pool"
                                " ORDER BY pool;  /* done */ ",
                                collect, &r, 0) == 2);
    assert_null(scGetLastError());
    assert_string_equal(r.names[1], "n");
    assert_string_equal(r.values[0][0], "images");
    assert_int_equal(r.types[0][1], SC_QUERY_INTEGER);
    assert_string_equal(r.values[0][2], "0.5");
    assert_int_equal(r.types[0][2], SC_QUERY_FLOAT);
    assert_int_equal(r.types[0][3], SC_QUERY_NULL);
    assert_string_equal(r.values[0][4], "00ff");
    assert_int_equal(r.types[0][4], SC_QUERY_BLOB);
    rows_clear(&r);
    {
        int n;
        assert_sc_ok(
            (n = scConnectQuery(f->conn, "PRAGMA table_info(report_pools)", collect, &r, 0)) >= 0);
        assert_int_equal(n, 16);
    }
    rows_clear(&r);
    /* No rows: the header still comes. */
    assert_int_equal(
        scConnectQuery(f->conn, "SELECT * FROM report_missing WHERE 0", collect, &r, 0), 0);
    assert_int_equal(r.headers, 1);
    rows_clear(&r);

    assert_sc_err(scConnectQuery(f->conn, "SELEKT 1", collect, &r, 0) == 0, SC_ERR_INVALID_ARG);
    assert_true(strstr(scGetLastErrorMessage(), "syntax error"));
    assert_sc_err(scConnectQuery(f->conn, "  -- nothing ", collect, &r, 0) == 0,
                  SC_ERR_INVALID_ARG);
    assert_sc_err(scConnectQuery(f->conn, "SELECT 1", collect, &r, 2) == 0, SC_ERR_INVALID_ARG);
    rows_clear(&r);

    /* A runaway query is stopped at its limit, with a clear error. */
    assert_sc_ok(scConnectSetQueryTimeout(f->conn, 200) == 0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_sc_err(scConnectQuery(f->conn,
                                 "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)"
                                 " SELECT count(*) FROM c",
                                 collect, &r, 0) == 0,
                  SC_ERR_OPERATION_TIMEOUT);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    secs = (double) (t1.tv_sec - t0.tv_sec) + (double) (t1.tv_nsec - t0.tv_nsec) / 1e9;
    assert_true(secs >= 0.2 && secs < 5);
    assert_true(strstr(scGetLastErrorMessage(), "query stopped at its time limit of 200 ms"));
    rows_clear(&r);
    /* ... and the next query runs. */
    assert_int_equal(scConnectQuery(f->conn, "SELECT 1", collect, &r, 0), 1);
    rows_clear(&r);

    /* A read-only connection reads; the same refusals. */
    assert_sc_ok(ro = scConnectOpenReadOnly(f->catalog));
    assert_int_equal(scConnectQuery(ro, "SELECT * FROM report_pools", collect, &r, 0), 2);
    rows_clear(&r);
    assert_int_equal(scConnectReport(ro, "unused", NULL, collect, &r, 0), f->qemu ? 3 : 1);
    rows_clear(&r);
    assert_sc_err(scConnectQuery(ro, "DELETE FROM pools", collect, &r, 0) == 0,
                  SC_ERR_OPERATION_DENIED);
    rows_clear(&r);
    assert_int_equal(scConnectClose(ro), 0);
}

/* ---- the audit trail ---------------------------------------------------------- */

typedef struct {
    char lines[32][512];
    long long ids[32];
    int n;
    int stop_after;
} Trail;

static int
trail_cb(const scAuditEvent *ev, void *opaque)
{
    Trail *t = opaque;

    assert_true(t->n < 32);
    snprintf(t->lines[t->n], sizeof(t->lines[0]), "%s %s/%s %s", ev->action,
             ev->poolName ? ev->poolName : "-", ev->volumeName ? ev->volumeName : "-",
             ev->detail ? ev->detail : "-");
    t->ids[t->n] = ev->id;
    assert_true(ev->time > 0);
    assert_non_null(ev->actor);
    t->n++;
    return t->stop_after && t->n >= t->stop_after ? 1 : 0;
}

static void
test_events(void **state)
{
    Fixture *f = *state;
    char *catalog = testPath(f->dir, "trail.db"), *path = testPath(f->dir, "trail"), *xml;
    const char *actor;
    scConnectPtr c, ro;
    scStoragePoolPtr p;
    scStorageVolPtr v;
    Trail t = { 0 };
    long long now = (long long) time(NULL);
    static const char *const want[] = {
        "pool-define trail/- defined",
        "pool-start trail/- -",
        "vol-create trail/a.img -",
        "vol-resize trail/a.img capacity 1048576 -> 2097152",
        "domain-import -/- domain 'vm': 1 disks, 1 catalogued volumes",
        "domain-forget -/- domain 'vm'",
        "vol-delete trail/a.img -",
    };

    /* Who: the user behind sudo, and $STORCAT_ACTOR. */
    setenv("SUDO_USER", "alice", 1);
    setenv("STORCAT_ACTOR", "ticket 42", 1);
    c = scConnectOpenAuth(catalog, NULL, SC_CONNECT_CREATE);
    unsetenv("SUDO_USER");
    unsetenv("STORCAT_ACTOR");
    assert_sc_ok(c);
    assert_true(asprintf(&xml,
                         "<pool type='dir'><name>trail</name><target><path>%s</path>"
                         "</target></pool>",
                         path) > 0);
    assert_sc_ok(p = scStoragePoolDefineXML(c, xml, 0));
    free(xml);
    assert_sc_ok(scStoragePoolCreate(p, SC_STORAGE_POOL_CREATE_WITH_BUILD) == 0);
    assert_sc_ok(v = scStorageVolCreateXML(p,
                                           "<volume><name>a.img</name><capacity>1048576"
                                           "</capacity></volume>",
                                           0));
    assert_sc_ok(scStorageVolResize(v, 2097152, 0) == 0);
    assert_true(asprintf(&xml,
                         "<domain><name>vm</name><devices><disk type='file'>"
                         "<source file='%s/a.img'/><target dev='vda'/></disk>"
                         "</devices></domain>",
                         path) > 0);
    assert_sc_ok(scConnectDomainImportXML(c, xml, NULL, 0) == 1);
    free(xml);
    /* Refused: no event. */
    assert_sc_err(scStorageVolDelete(v, SC_STORAGE_VOL_CHECK_USERS) == 0, SC_ERR_OPERATION_INVALID);
    assert_sc_ok(scConnectDomainForget(c, "vm", 0) == 0);
    assert_sc_ok(scStorageVolDelete(v, SC_STORAGE_VOL_CHECK_USERS) == 0);
    scStorageVolFree(v);

    /* Row by row, in commit order (most are of the same second). */
    assert_int_equal(scConnectListEvents(c, NULL, NULL, NULL, 0, 0, 0, trail_cb, &t, 0),
                     (int) (sizeof(want) / sizeof(want[0])));
    assert_null(scGetLastError());
    for (int i = 0; i < t.n; i++) {
        if (strcmp(t.lines[i], want[i]) != 0)
            fail_msg("event %d: '%s', expected '%s'", i, t.lines[i], want[i]);
        assert_true(i == 0 || t.ids[i] > t.ids[i - 1]);
    }
    {
        Rows r = { 0 };
        assert_int_equal(scConnectQuery(c, "SELECT DISTINCT actor FROM events", collect, &r, 0), 1);
        actor = r.values[0][0];
        if (!strstr(actor, " [sudo: alice] ticket 42") || !strstr(actor, " pid "))
            fail_msg("actor '%s'", actor);
        rows_clear(&r);
    }

    /* Filters. */
    t = (Trail){ 0 };
    assert_int_equal(
        scConnectListEvents(c, "trail", "a.img", "vol-", now - 60, now + 60, 0, trail_cb, &t, 0),
        3);
    assert_string_equal(t.lines[0], want[2]);
    assert_string_equal(t.lines[2], want[6]);
    t = (Trail){ 0 };
    assert_int_equal(scConnectListEvents(c, NULL, NULL, "domain-forget", 0, 0, 0, trail_cb, &t, 0),
                     1);
    t = (Trail){ 0 };
    assert_int_equal(scConnectListEvents(c, NULL, NULL, NULL, 0, now - 3600, 0, trail_cb, &t, 0),
                     0);
    t = (Trail){ 0 };
    assert_int_equal(scConnectListEvents(c, NULL, NULL, NULL, now + 3600, 0, 0, trail_cb, &t, 0),
                     0);
    t = (Trail){ 0 };
    assert_int_equal(scConnectListEvents(c, NULL, NULL, NULL, 0, 0, 5, trail_cb, &t, 0), 2);
    assert_string_equal(t.lines[0], want[5]);
    t = (Trail){ .stop_after = 2 };
    assert_int_equal(scConnectListEvents(c, NULL, NULL, NULL, 0, 0, 0, trail_cb, &t, 0), 2);
    assert_sc_err(scConnectListEvents(c, NULL, NULL, NULL, -1, 0, 0, trail_cb, &t, 0) == 0,
                  SC_ERR_INVALID_ARG);
    assert_sc_err(scConnectListEvents(c, NULL, NULL, NULL, 0, 0, 0, NULL, NULL, 0) == 0,
                  SC_ERR_INVALID_ARG);
    /* A read-only connection reads them too. */
    assert_sc_ok(ro = scConnectOpenReadOnly(catalog));
    t = (Trail){ 0 };
    assert_int_equal(scConnectListEvents(ro, "trail", NULL, NULL, 0, 0, 0, trail_cb, &t, 0), 5);
    assert_int_equal(scConnectClose(ro), 0);

    scStoragePoolFree(p);
    assert_int_equal(scConnectClose(c), 0);
    free(catalog);
    free(path);
}

/* ---- the streaming listing -------------------------------------------------- */

typedef struct {
    char text[2048];
    int n;
    int stop_after;
} Listed;

static int
listed_cb(const scStorageVolRecord *v, void *opaque)
{
    Listed *l = opaque;
    size_t len = strlen(l->text);

    assert_non_null(v->uuid);
    assert_non_null(v->key);
    assert_int_equal(strcmp(strrchr(v->path, '/') + 1, v->name), 0);
    snprintf(l->text + len, sizeof(l->text) - len, "%s/%s:%d:%d:%s:%llu%s;", v->poolName, v->name,
             v->state, v->type, v->format ? v->format : "-", v->capacity,
             v->backingPath ? "+" : "");
    l->n++;
    return l->stop_after && l->n >= l->stop_after ? 1 : 0;
}

static void
test_list_volumes(void **state)
{
    Fixture *f = *state;
    scStoragePoolPtr images, mine;
    scConnectPtr ro;
    Listed l = { .n = 0 };

    /* Present ones by default, pool by pool, name by name. */
    assert_int_equal(scConnectListStorageVolumes(f->conn, NULL, NULL, listed_cb, &l, 0),
                     f->qemu ? 6 : 3);
    assert_null(scGetLastError());
    if (f->qemu)
        assert_string_equal(l.text,
                            "images/base.img:0:0:raw:1048576;images/free.img:0:0:raw:1048576;"
                            "images/orphan.qcow2:0:0:qcow2:1048576+;"
                            "images/vm1.qcow2:0:0:qcow2:1048576+;"
                            "images/vm2.qcow2:0:0:qcow2:1048576+;"
                            "other/data.img:0:0:raw:1048576;");
    else
        assert_string_equal(l.text,
                            "images/base.img:0:0:raw:1048576;images/free.img:0:0:raw:1048576;"
                            "other/data.img:0:0:raw:1048576;");
    /* States, a format, a pool. */
    l = (Listed){ .n = 0 };
    assert_int_equal(scConnectListStorageVolumes(f->conn, NULL, NULL, listed_cb, &l,
                                                 SC_CONNECT_LIST_STORAGE_VOLUMES_MISSING),
                     1);
    assert_string_equal(l.text, "images/gone.img:1:0:raw:1048576;");
    l = (Listed){ .n = 0 };
    assert_int_equal(scConnectListStorageVolumes(f->conn, NULL, "raw", listed_cb, &l,
                                                 SC_CONNECT_LIST_STORAGE_VOLUMES_PRESENT |
                                                     SC_CONNECT_LIST_STORAGE_VOLUMES_MISSING),
                     4);
    assert_sc_ok(images = scStoragePoolLookupByName(f->conn, "other"));
    l = (Listed){ .n = 0 };
    assert_int_equal(scConnectListStorageVolumes(f->conn, images, NULL, listed_cb, &l, 0), 1);
    assert_string_equal(l.text, "other/data.img:0:0:raw:1048576;");
    l = (Listed){ .stop_after = 2 };
    assert_int_equal(scConnectListStorageVolumes(f->conn, NULL, NULL, listed_cb, &l, 0), 2);
    assert_sc_err(scConnectListStorageVolumes(f->conn, NULL, NULL, listed_cb, &l, 1 << 8) == 0,
                  SC_ERR_INVALID_ARG);
    assert_sc_err(scConnectListStorageVolumes(f->conn, NULL, NULL, NULL, NULL, 0) == 0,
                  SC_ERR_INVALID_ARG);
    /* A pool handle of another connection; a read-only connection. */
    assert_sc_ok(ro = scConnectOpenReadOnly(f->catalog));
    assert_sc_err(scConnectListStorageVolumes(ro, images, NULL, listed_cb, &l, 0) == 0,
                  SC_ERR_INVALID_ARG);
    assert_sc_ok(mine = scStoragePoolLookupByName(ro, "other"));
    l = (Listed){ .n = 0 };
    assert_int_equal(scConnectListStorageVolumes(ro, mine, NULL, listed_cb, &l, 0), 1);
    scStoragePoolFree(mine);
    assert_int_equal(scConnectClose(ro), 0);
    scStoragePoolFree(images);
}

/* A file of @size bytes written (not sparse) at @dir/@name. */
static void
write_file(const char *dir, const char *name, size_t size)
{
    char *path = testPath(dir, name);
    char *buf = calloc(1, size);
    FILE *fp = fopen(path, "w");

    assert_non_null(buf);
    assert_non_null(fp);
    memset(buf, 'x', size);
    assert_int_equal(fwrite(buf, 1, size, fp), size);
    assert_int_equal(fclose(fp), 0);
    free(buf);
    free(path);
}

static void
test_drift(void **state)
{
    Fixture *f = *state;
    scStoragePoolPtr images;
    char *path;
    Rows r;
    int i, n;

    /* The fixture's refresh of images found gone.img gone (and
     * orphan.qcow2 new): its rows, then its own event, last. */
    n = report(f, "drift", "images", &r);
    assert_int_equal(n, f->qemu ? 3 : 2);
    assert_int_equal(r.ncols, 9);
    assert_string_equal(r.names[0], "pool");
    assert_string_equal(r.names[r.ncols - 1], "pool_uuid");
    i = find(&r, "volume", "gone.img");
    assert_true(i >= 0);
    assert_value(&r, i, "action", "vol-missing");
    {
        char *sql;
        assert_true(asprintf(&sql,
                             "SELECT count(*) FROM events WHERE id = %s AND"
                             " json_extract(changes, '$.state') = json_array('present', 'missing')",
                             get(&r, i, "event_id")) > 0);
        assert_int_equal(testSqlInt(f->catalog, sql), 1);
        free(sql);
    }
    if (f->qemu)
        assert_value(&r, find(&r, "volume", "orphan.qcow2"), "action", "vol-discovered");
    assert_value(&r, n - 1, "action", "pool-refresh");
    assert_value(&r, n - 1, "volume", NULL);
    assert_true(strstr(get(&r, n - 1, "detail"), "1 missing"));
    rows_clear(&r);
    /* "other" was only started (a refresh that changed nothing): no rows. */
    assert_int_equal(report(f, "drift", "other", &r), 0);
    rows_clear(&r);

    /* Behind storcat's back: a new file, free.img grown. The next
     * refresh's rows are those, and only those. */
    assert_sc_ok(images = scStoragePoolLookupByName(f->conn, "images"));
    write_file(f->images, "new.img", 4096);
    path = testPath(f->images, "free.img");
    assert_int_equal(truncate(path, 2 * 1048576), 0);
    free(path);
    assert_sc_ok(scStoragePoolRefresh(images, 0) == 0);
    assert_int_equal(report(f, "drift", NULL, &r), 3);
    assert_value(&r, 0, "pool", "images");
    i = find(&r, "volume", "free.img");
    assert_value(&r, i, "action", "vol-changed");
    assert_true(strstr(get(&r, i, "changes"), "\"capacity\": [1048576, 2097152]"));
    assert_value(&r, find(&r, "volume", "new.img"), "action", "vol-discovered");
    assert_value(&r, 2, "action", "pool-refresh");
    assert_true(strstr(get(&r, 2, "detail"), "1 new, 1 changed"));
    /* The rows are the refresh's events, as report_events has them. */
    for (i = 0; i < 3; i++) {
        char *sql;
        assert_true(asprintf(&sql,
                             "SELECT count(*) FROM report_events WHERE id = %s AND refresh ="
                             " (SELECT refresh FROM events WHERE id = %s)",
                             get(&r, i, "event_id"), get(&r, 2, "event_id")) > 0);
        assert_int_equal(testSqlInt(f->catalog, sql), 1);
        free(sql);
    }
    rows_clear(&r);

    /* An unchanged refresh: its event alone. */
    assert_sc_ok(scStoragePoolRefresh(images, 0) == 0);
    assert_int_equal(report(f, "drift", "images", &r), 1);
    assert_value(&r, 0, "action", "pool-refresh");
    assert_value(&r, 0, "detail", "unchanged");
    rows_clear(&r);
    /* Events of no refresh have none. */
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE refresh IS NOT NULL"
                                            " AND action NOT LIKE 'vol-%' AND action <> 'pool-refresh'"),
                     0);
    assert_true(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE refresh IS NULL"
                                       " AND action = 'vol-create'") > 0);
    /* Every event, whichever statement wrote it (one event, or one per
     * volume gone), has the largest time of the trail up to it. */
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events e WHERE ts_max IS NOT"
                                            " (SELECT max(ts) FROM events x WHERE x.id <= e.id)"),
                     0);
    assert_true(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'vol-missing'"
                                       " AND ts_max IS NOT NULL") > 0);
    scStoragePoolFree(images);
}

static void
test_growth(void **state)
{
    Fixture *f = *state;
    scStoragePoolPtr images;
    scStoragePoolInfo info;
    long long a0, a1, samples;
    char want[32];
    Rows r;

    /* The sizes the pool took so far, two days ago; then 8 MiB more
     * today. */
    assert_true(testSqlInt(f->catalog, "SELECT count(*) FROM pool_usage") >= 2);
    testSqlWrite(f->catalog, "UPDATE pool_usage SET ts = ts - 2 * 86400 RETURNING 0");
    assert_sc_ok(images = scStoragePoolLookupByName(f->conn, "images"));
    write_file(f->images, "grow.img", 8 << 20);
    assert_sc_ok(scStoragePoolRefresh(images, 0) == 0);
    assert_sc_ok(scStoragePoolGetInfo(images, &info) == 0);

    assert_int_equal(report(f, "growth", "images", &r), 2);
    {
        static const char *const names[] = { "pool",      "day",    "capacity", "allocation",
                                             "available", "growth", "samples",  "pool_uuid" };
        assert_int_equal(r.ncols, 8);
        for (size_t c = 0; c < 8; c++)
            assert_string_equal(r.names[c], names[c]);
    }
    assert_true(strcmp(get(&r, 0, "day"), get(&r, 1, "day")) < 0);
    assert_value(&r, 0, "growth", NULL);
    a0 = strtoll(get(&r, 0, "allocation"), NULL, 10);
    a1 = strtoll(get(&r, 1, "allocation"), NULL, 10);
    snprintf(want, sizeof(want), "%lld", a1 - a0);
    assert_value(&r, 1, "growth", want);
    /* Today's last sizes are the pool's. */
    snprintf(want, sizeof(want), "%llu", info.allocation);
    assert_value(&r, 1, "allocation", want);
    snprintf(want, sizeof(want), "%llu", info.available);
    assert_value(&r, 1, "available", want);
    samples = strtoll(get(&r, 0, "samples"), NULL, 10);
    assert_int_equal(samples, testSqlInt(f->catalog, "SELECT count(*) FROM pool_usage u JOIN pools"
                                                     " p ON p.uuid = u.pool_uuid WHERE p.name ="
                                                     " 'images' AND u.ts < strftime('%s', 'now')"
                                                     " - 86400"));
    rows_clear(&r);

    /* Sizes that stay as they are record nothing. */
    samples = testSqlInt(f->catalog, "SELECT count(*) FROM pool_usage");
    testSqlWrite(f->catalog, "UPDATE pools SET allocation = allocation, capacity = capacity"
                             " RETURNING 0");
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM pool_usage"), samples);
    assert_int_equal(report(f, "growth", "nosuch", &r), 0);
    rows_clear(&r);
    scStoragePoolFree(images);

    /* A pool undefined takes its history along. */
    assert_sc_ok(images = scStoragePoolLookupByName(f->conn, "other"));
    assert_true(testSqlInt(f->catalog, "SELECT count(*) FROM pool_usage u JOIN pools p"
                                       " ON p.uuid = u.pool_uuid WHERE p.name = 'other'") > 0);
    samples = testSqlInt(f->catalog, "SELECT count(*) FROM pool_usage u JOIN pools p"
                                     " ON p.uuid = u.pool_uuid WHERE p.name = 'images'");
    assert_sc_ok(scStoragePoolDestroy(images) == 0);
    assert_sc_ok(scStoragePoolUndefine(images) == 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM pool_usage"), samples);
    scStoragePoolFree(images);
}

/* ---- the trail's retention ----------------------------------------------------- */

static void
test_retention(void **state)
{
    Fixture *f = *state;
    const char *ages = "UPDATE events SET ts = ts - 100 * 86400 RETURNING 0";
    scConnectPtr ro, again;
    char *v;
    int total, newest;

    assert_sc_ok(v = scConnectGetCatalogOption(f->conn, "events.retention", 0));
    assert_string_equal(v, "forever");
    free(v);
    /* Every event of the fixture 100 days old but one. */
    total = testSqlInt(f->catalog, "SELECT count(*) FROM events");
    assert_true(total > 5);
    newest = testSqlInt(f->catalog, "SELECT max(id) FROM events");
    assert_true(testSqlInt(f->catalog, "SELECT count(*) FROM pool_usage") > 0);
    testSqlWrite(f->catalog, "UPDATE pool_usage SET ts = ts - 100 * 86400 RETURNING 0");
    testSqlWrite(f->catalog, "UPDATE events SET ts = ts - 100 * 86400 WHERE id < (SELECT max(id)"
                        " FROM events) RETURNING 0");
    assert_sc_ok(scConnectSetCatalogOption(f->conn, "events.retention", "30d", 0) == 0);
    assert_null(scGetLastError());
    /* Pruned: the newest and the config-set event remain. */
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events"), 2);
    assert_int_equal(testSqlInt(f->catalog, "SELECT min(id) FROM events"), newest);
    /* And the pools' size history as old. */
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM pool_usage"), 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'config-set'"
                                         " AND detail = 'events.retention: (default) -> 30d'"),
                     1);
    assert_sc_ok(v = scConnectGetCatalogOption(f->conn, "events.retention", 0));
    assert_string_equal(v, "30d");
    free(v);

    /* Refused: nothing changes. */
    static const char *const bad[] = { "",    "0d",  "-5d",
                                       "5",   "5y",  "d",
                                       "5dd", " 5d", "99999999999999999999w" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_sc_err(scConnectSetCatalogOption(f->conn, "events.retention", bad[i], 0) == 0,
                      SC_ERR_INVALID_ARG);
        assert_true(strstr(scGetLastErrorMessage(), "invalid events.retention"));
    }
    assert_sc_err(scConnectSetCatalogOption(f->conn, "events.keep", "1d", 0) == 0,
                  SC_ERR_INVALID_ARG);
    assert_sc_err(scConnectGetCatalogOption(f->conn, "events.keep", 0), SC_ERR_INVALID_ARG);
    assert_sc_err(scConnectSetCatalogOption(f->conn, "events.retention", "1d", 1) == 0,
                  SC_ERR_INVALID_ARG);

    /* A read-only connection reads the setting and prunes nothing. */
    testSqlWrite(f->catalog, ages);
    assert_sc_ok(ro = scConnectOpenReadOnly(f->catalog));
    assert_sc_ok(v = scConnectGetCatalogOption(ro, "events.retention", 0));
    assert_string_equal(v, "30d");
    free(v);
    assert_sc_err(scConnectSetCatalogOption(ro, "events.retention", "1d", 0) == 0,
                  SC_ERR_OPERATION_DENIED);
    assert_int_equal(scConnectClose(ro), 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events"), 2);
    /* A read-write connection that opens prunes, but the newest. */
    assert_sc_ok(again = scConnectOpenAuth(f->catalog, NULL, 0));
    assert_null(scGetLastError());
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events"), 1);
    newest = testSqlInt(f->catalog, "SELECT max(id) FROM events");
    /* Back to the default: kept forever. */
    assert_sc_ok(scConnectSetCatalogOption(again, "events.retention", NULL, 0) == 0);
    assert_sc_ok(v = scConnectGetCatalogOption(again, "events.retention", 0));
    assert_string_equal(v, "forever");
    free(v);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE id > 0"), 2);
    assert_int_equal(testSqlInt(f->catalog, "SELECT max(id) FROM events"), newest + 1);
    assert_int_equal(scConnectClose(again), 0);
}

/* ---- events --since when the clock was set back or ahead --------------------- */

typedef struct {
    char *text;
    size_t len, cap;
} Ids;

static void
ids_add(Ids *ids, long long id)
{
    char one[32];
    int n = snprintf(one, sizeof(one), "%lld,", id);

    if (ids->len + (size_t) n + 1 > ids->cap) {
        ids->cap = 2 * ids->cap + 64;
        assert_non_null(ids->text = realloc(ids->text, ids->cap));
    }
    memcpy(ids->text + ids->len, one, (size_t) n + 1);
    ids->len += (size_t) n;
}

static int
ids_cb(const scAuditEvent *ev, void *opaque)
{
    ids_add(opaque, ev->id);
    return 0;
}

/* Callbacks that take their time over the first row. */
static int
slow_event_cb(const scAuditEvent *ev, void *opaque)
{
    (void) ev;
    if ((*(int *) opaque)++ == 0)
        usleep(20 * 1000);
    return 0;
}

static int
slow_volume_cb(const scStorageVolRecord *vol, void *opaque)
{
    (void) vol;
    if ((*(int *) opaque)++ == 0)
        usleep(20 * 1000);
    return 0;
}

/* The ids of the events from @since on up to @until (0: no end) after
 * @after, as SQL finds them. */
static void
ids_expected(const char *catalog, long long since, long long until, long long after, Ids *ids)
{
    sqlite3 *db;
    sqlite3_stmt *st;

    assert_int_equal(sqlite3_open_v2(catalog, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT id FROM events WHERE ts >= ?1 AND id > ?2"
                                        " AND (?3 = 0 OR ts <= ?3) ORDER BY id",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(st, 1, since);
    sqlite3_bind_int64(st, 2, after);
    sqlite3_bind_int64(st, 3, until);
    while (sqlite3_step(st) == SQLITE_ROW)
        ids_add(ids, sqlite3_column_int64(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/*
 * The listing from a time on reads the trail from the first id whose
 * event is that recent, found by a binary search over ids of ts_max (the
 * largest time so far): that must be the smallest such id, not the id of
 * the earliest such time, when the clock went back and forth. A trail of
 * 2,000 events a second apart, but for one written with the clock set a
 * day ahead (id 700) and one with the clock set back (id 1990), listed
 * from times on either side, with and without afterID; again with gaps in
 * the ids; and with events that have no ts_max. The listing up to a time
 * stops at the first id whose ts_max is later, then reads only the events
 * written with the clock set back (here all from 701 to about 1990: the
 * clock came back a day): each window is checked against plain SQL.
 */
static void
test_events_since(void **state)
{
    Fixture *f = *state;
    char *catalog = testPath(f->dir, "since.db");
    static const long long since[] = { 100001, 100500, 101000, 101700, 101900, 101991,
                                       101995, 102000, 102001, 150000, 186400, 186401 };
    static const long long after[] = { 0, 650, 700, 800, 1995, 2000 };
    static const long long until[] = { 0, 100000, 100001, 100699, 100700, 101000, 101989,
                                       101995, 102000, 186399, 186400, LLONG_MAX };
    scConnectPtr c;
    scStoragePoolPtr p;
    int n;

    assert_sc_ok(c = scConnectOpenAuth(catalog, NULL, SC_CONNECT_CREATE));
    assert_sc_ok(p = scStoragePoolDefineXML(c,
                                            "<pool type='dir'><name>many</name><target>"
                                            "<path>/nonexistent/many</path></target></pool>",
                                            0));
    scStoragePoolFree(p);
    assert_int_equal(scConnectClose(c), 0);
    testSqlWrite(catalog,
                 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
                 " WHERE i < 2000) INSERT INTO volumes (pool_id, uuid, name, key, path, type,"
                 " first_seen, last_seen) SELECT (SELECT id FROM pools), 'uuid' || i,"
                 " 'v' || i, '/nonexistent/many/v' || i, '/nonexistent/many/v' || i, 'file',"
                 " 1, 1 FROM n RETURNING 0");
    testSqlWrite(catalog, "DELETE FROM events RETURNING 0");
    testSqlWrite(catalog, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
                          " WHERE i < 2000) INSERT INTO events (id, ts, actor, action)"
                          " SELECT i, 100000 + i, 'test', 'vol-changed' FROM n RETURNING 0");
    testSqlWrite(catalog, "UPDATE events SET ts = 186400 WHERE id = 700 RETURNING 0");
    testSqlWrite(catalog, "UPDATE events SET ts = 100000 WHERE id = 1990 RETURNING 0");
    assert_int_equal(testSqlInt(catalog, "SELECT count(*) FROM events WHERE ts > 100000"), 1999);
    /* Each event's ts_max as the library writes it (and migration 018
     * computes it): the largest time up to it. */
    testSqlWrite(catalog, "UPDATE events SET ts_max = w.m FROM (SELECT id, max(ts) OVER"
                          " (ORDER BY id) AS m FROM events) AS w WHERE events.id = w.id"
                          " RETURNING 0");
    assert_sc_ok(c = scConnectOpenReadOnly(catalog));
    /* Then with gaps in the ids (pruned events), and the first ones gone. */
    for (int round = 0; round < 2; round++) {
        if (round == 1)
            testSqlWrite(catalog, "DELETE FROM events WHERE id BETWEEN 1200 AND 1500 OR id < 30"
                                  " OR id BETWEEN 697 AND 699 OR id = 701 RETURNING 0");
        for (size_t i = 0; i < sizeof(since) / sizeof(since[0]); i++) {
            for (size_t j = 0; j < sizeof(after) / sizeof(after[0]); j++) {
                for (size_t k = 0; k < sizeof(until) / sizeof(until[0]); k++) {
                    Ids got = { 0 }, want = { 0 };

                    n = scConnectListEvents(c, NULL, NULL, NULL, since[i], until[k], after[j],
                                            ids_cb, &got, 0);
                    ids_expected(catalog, since[i], until[k], after[j], &want);
                    if (n < 0 || strcmp(got.text ? got.text : "", want.text ? want.text : "") != 0)
                        fail_msg("round %d, since %lld until %lld after %lld: %d events '%s', "
                                 "expected '%s'",
                                 round, since[i], until[k], after[j], n, got.text ? got.text : "",
                                 want.text ? want.text : "");
                    free(got.text);
                    free(want.text);
                }
            }
        }
    }
    /* Events with no ts_max (written behind the library's back): the
     * trail is read from its start, right all the same. */
    testSqlWrite(catalog, "UPDATE events SET ts_max = NULL WHERE id > 1900 RETURNING 0");
    for (size_t i = 0; i < sizeof(since) / sizeof(since[0]); i++) {
        for (size_t k = 0; k < sizeof(until) / sizeof(until[0]); k++) {
            Ids got = { 0 }, want = { 0 };

            n = scConnectListEvents(c, NULL, NULL, NULL, since[i], until[k], 0, ids_cb, &got, 0);
            ids_expected(catalog, since[i], until[k], 0, &want);
            if (n < 0 || strcmp(got.text ? got.text : "", want.text ? want.text : "") != 0)
                fail_msg("no ts_max, since %lld until %lld: '%s', expected '%s'", since[i],
                         until[k], got.text ? got.text : "", want.text ? want.text : "");
            free(got.text);
            free(want.text);
        }
    }

    /* The listings have no time limit (the connection's is for queries
     * and reports): a callback slower than it does not stop them. */
    assert_int_equal(scConnectSetQueryTimeout(c, 1), 0);
    n = 0;
    assert_int_equal(scConnectListEvents(c, NULL, NULL, NULL, 0, 0, 0, slow_event_cb, &n, 0),
                     testSqlInt(catalog, "SELECT count(*) FROM events"));
    n = 0;
    assert_int_equal(scConnectListStorageVolumes(c, NULL, NULL, slow_volume_cb, &n, 0), 2000);
    assert_int_equal(scConnectClose(c), 0);
    free(catalog);
}

/*
 * Events written behind the library's back have no ts_max. While one is
 * there, a listing by time reads the whole trail; each event the library
 * writes after it counts its time and the last ts_max before it. Three
 * events a day ahead (ts_max as the library writes it), one written
 * behind its back, then one the library writes now: its ts_max is the day
 * ahead, so once the outside one is gone, a listing up to now (which ends
 * at the first event, a day ahead) finds it among those written with the
 * clock set back.
 */
static void
test_events_outside_rows(void **state)
{
    Fixture *f = *state;
    char *catalog = testPath(f->dir, "outside.db");
    long long now = (long long) time(NULL), ahead = now + 86400;
    char *sql;
    scConnectPtr c, ro;
    scStoragePoolPtr p;
    Ids got = { 0 }, want = { 0 };

    assert_sc_ok(c = scConnectOpenAuth(catalog, NULL, SC_CONNECT_CREATE));
    testSqlWrite(catalog, "DELETE FROM events RETURNING 0");
    sql = scAsprintf(
        "INSERT INTO events (id, ts, ts_max, actor, action) VALUES"
        " (1, %lld, %lld, 'test', 'vol-changed'), (2, %lld, %lld, 'test', 'vol-changed'),"
        " (3, %lld, %lld, 'test', 'vol-changed'), (4, %lld, NULL, 'test', 'vol-changed')"
        " RETURNING 0",
        ahead, ahead, ahead, ahead, ahead, ahead, now - 10);
    testSqlWrite(catalog, sql);
    free(sql);
    assert_sc_ok(p = scStoragePoolDefineXML(c,
                                            "<pool type='dir'><name>late</name><target>"
                                            "<path>/nonexistent/late</path></target></pool>",
                                            0));
    scStoragePoolFree(p);
    assert_int_equal(
        testSqlInt(catalog, "SELECT count(*) FROM events WHERE id > 4 AND ts_max IS NULL"), 0);
    assert_true(testSqlInt(catalog, "SELECT min(ts_max) FROM events WHERE id > 4") >= ahead);
    assert_sc_ok(ro = scConnectOpenReadOnly(catalog));
    /* With the outside event, and without it. */
    for (int round = 0; round < 2; round++) {
        if (round == 1)
            testSqlWrite(catalog, "DELETE FROM events WHERE id = 4 RETURNING 0");
        for (long long until = now - 20; until <= ahead + 1;
             until += (until < now + 20 ? 10 : 86400)) {
            assert_true(scConnectListEvents(ro, NULL, NULL, NULL, 0, until, 0, ids_cb, &got, 0) >=
                        0);
            ids_expected(catalog, 0, until, 0, &want);
            if (strcmp(got.text ? got.text : "", want.text ? want.text : "") != 0)
                fail_msg("round %d, until %lld (now %lld): '%s', expected '%s'", round, until, now,
                         got.text ? got.text : "", want.text ? want.text : "");
            free(got.text);
            free(want.text);
            got = want = (Ids){ 0 };
        }
    }
    /* No id is larger than the largest. */
    assert_int_equal(scConnectListEvents(ro, NULL, NULL, NULL, 0, now, LLONG_MAX, ids_cb, &got, 0),
                     0);
    assert_int_equal(scConnectClose(ro), 0);
    assert_int_equal(scConnectClose(c), 0);
    free(catalog);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_pools, setup, teardown),
        cmocka_unit_test_setup_teardown(test_volumes_unused_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unmanaged_chains, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_refuses_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query, setup, teardown),
        cmocka_unit_test_setup_teardown(test_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_volumes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retention, setup, teardown),
        cmocka_unit_test_setup_teardown(test_drift, setup, teardown),
        cmocka_unit_test_setup_teardown(test_growth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_events_since, setup, teardown),
        cmocka_unit_test_setup_teardown(test_events_outside_rows, setup, teardown),
    };

    return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
