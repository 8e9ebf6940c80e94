/*
 * bench_report.c: the reports, the listing of events and the streaming
 * listing of volumes over a large catalog (issue 14, Performance).
 *
 *   bench_report [--reps N] [--volumes N] [--events N] [--dir DIR] [--plans-only]
 *                [--only reports|chains|events|listing]
 *
 * The catalog (DIR/report.db, DIR defaulting to /tmp/storcat-bench-report)
 * is made once and reused by later runs while its parameters are the same
 * (DIR/report.db.done says which): 100 dir pools defined through the API
 * (not started: the reports read the catalog only), then, with direct SQL
 * in one transaction on the catalog's own schema, 1,000,000 volumes
 * (10,000 a pool), their aliases, 25,000 domains with 100,000 disks and
 * --events events (10,000,000 by default). The mix:
 *   - every tenth volume a qcow2 overlay; its chain is 1, 2 or 3 overlays
 *     deep over a raw volume; one chain in 50 broken (its bottom backing
 *     file is no volume and not on disk);
 *   - 1 in 200 volumes missing, 1 in 1,000 incomplete, 1 in 100 with an
 *     alias path (volume_paths);
 *   - one disk for one volume of each run of 10 (10% attached, raw and
 *     overlays alike): 70% resolved at import (volume_uuid), 20% by path
 *     only, 9% by another spelling (alt_path, or the volume's alias), 1%
 *     network disks (no path);
 *   - events one every ~3 s over the last 365 days (the last hour holds
 *     about 1,100 of them).
 * Three listing catalogs of 10,000, 100,000 and 1,000,000 volumes (the
 * same mix, no events) are made the same way (DIR/list-N.db).
 *
 * Figures (median of --reps runs, min and max; first: the time from the
 * call to its first row, total: to its return):
 *   report_{unused,volumes,chains}_{first,total}   scConnectReport
 *   events_since_{1h,1d,30d,all}_{first,total}     scConnectListEvents(since)
 *   events_1h_30d_ago_{first,total}                 scConnectListEvents(since,
 *       until): the hour that ended 30 days before the last event
 *   list_N_{first,total}, bare_N_{first,total}     scConnectListStorageVolumes
 *       of every pool against a bare prepared SQLite read of the same
 *       columns, in the same order, on the same catalog; bare_table_N_*:
 *       the same columns in the table's order (rowid: no order promised)
 *   list_N_rss_growth                               VmHWM at the end of the
 *       listing less VmRSS at its start, in KiB
 * then the query plans (EXPLAIN QUERY PLAN) of the statements the calls
 * run: these are copied from src/core/query.c and must be kept the same.
 *
 * Every figure line: name, median, min, max, p99, unit, repetitions.
 * Lines starting with '#' are comments.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench_common.h"
#include "storcat/storcat.h"

#define DIE(...)                                                                                   \
 do {                                                                                              \
  fprintf(stderr, "bench_report: " __VA_ARGS__);                                                   \
  fprintf(stderr, ": %s\n", scGetLastErrorMessage());                                              \
  exit(1);                                                                                         \
 } while (0)

#define NPOOLS 100

static const char *root = "/tmp/storcat-bench-report";
static long long now_s;

/* ---- making the catalog --------------------------------------------- */

static uint64_t
mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

/* A UUID unique to (@kind, @i). */
static void
make_uuid(char *buf, size_t len, unsigned kind, uint64_t i)
{
    uint64_t h = mix(i * 4 + kind);

    snprintf(buf, len, "%08x-%04x-4%03x-8%01x%02x-%012llx", (unsigned) (h >> 32),
             (unsigned) (h >> 16) & 0xffff, (unsigned) (h >> 4) & 0xfff, kind, (unsigned) h & 0xff,
             (unsigned long long) i);
}

static void
sql_exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;

    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "bench_report: %s: %s\n", sql, err);
        exit(1);
    }
}

static sqlite3_stmt *
prep(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_report: %s: %s\n", sql, sqlite3_errmsg(db));
        exit(1);
    }
    return st;
}

static void
step_done(sqlite3 *db, sqlite3_stmt *st)
{
    if (sqlite3_step(st) != SQLITE_DONE) {
        fprintf(stderr, "bench_report: insert: %s\n", sqlite3_errmsg(db));
        exit(1);
    }
    sqlite3_reset(st);
}

static void
volume_path(char *buf, size_t len, size_t pool, size_t i)
{
    snprintf(buf, len, "%s/p%03zu/v%07zu.img", root, pool, i);
}

/* The backing file of overlay @i of @pool (i % 10 == 9), or NULL: chains
 * of 1, 2 or 3 overlays (j, the overlay's number: j % 6 is 0 for a chain
 * of one, 1-2 for two, 3-5 for three), the bottom overlay over the raw
 * volume before it; one chain in 50 has a bottom that is no volume. */
static void
overlay_backing(char *buf, size_t len, size_t pool, size_t i, const char **fmt)
{
    size_t j = i / 10, r = j % 6;

    if (r == 0 || r == 1 || r == 3) {
        *fmt = "raw";
        if (j % 50 == 1)
            snprintf(buf, len, "%s/gone/p%03zu-base%07zu.img", root, pool, i);
        else
            volume_path(buf, len, pool, i - 1);
    } else {
        *fmt = "qcow2";
        volume_path(buf, len, pool, i - 10);
    }
}

/* The row of volume @i of @pool: a refresh inserts a pool's volumes in
 * the order readdir gives them (a hash order on ext4), not by name, so
 * the rows of a pool are in no order of their names: an odd stride. */
static size_t
row_of(size_t pool, size_t i, size_t per)
{
    return pool * per + (i * 7919 + 13) % per;
}

/* Drop the indexes named (their SQL kept in @sqls), for a faster bulk
 * insert; they are made again, as they were, by recreate(). */
static void
drop_indexes(sqlite3 *db, const char *const *names, char **sqls, size_t n)
{
    char q[256];

    for (size_t k = 0; k < n; k++) {
        sqlite3_stmt *st =
            prep(db, "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?");
        sqlite3_bind_text(st, 1, names[k], -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_ROW) {
            fprintf(stderr, "bench_report: no index %s in the catalog\n", names[k]);
            exit(1);
        }
        sqls[k] = strdup((const char *) sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        snprintf(q, sizeof(q), "DROP INDEX %s", names[k]);
        sql_exec(db, q);
    }
}

static void
recreate(sqlite3 *db, char **sqls, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        sql_exec(db, sqls[k]);
        free(sqls[k]);
    }
}

/* The catalog @path with @nvol volumes in NPOOLS pools, @nvol / 10
 * attachments and @nevents events, unless DONE says it is there. */
static void
make_catalog(const char *path, size_t nvol, size_t nevents)
{
    char done[4200], want[128], have[128] = "", buf[4200], buf2[4200], uuid[64], name[64];
    char pool_uuid[NPOOLS][64];
    size_t per = nvol / NPOOLS, nattach = nvol / 10;
    scConnectPtr conn;
    sqlite3 *db;
    sqlite3_stmt *st;
    FILE *f;
    uint64_t t0 = benchNow();

    snprintf(done, sizeof(done), "%s.done", path);
    snprintf(want, sizeof(want), "v3 volumes %zu events %zu", nvol, nevents);
    if ((f = fopen(done, "r"))) {
        if (!fgets(have, sizeof(have), f))
            have[0] = '\0';
        fclose(f);
        have[strcspn(have, "\n")] = '\0';
        if (strcmp(have, want) == 0) {
            printf("# reusing %s (%s), made by an earlier run\n", path, want);
            return;
        }
    }
    unlink(done);
    unlink(path);
    snprintf(buf, sizeof(buf), "%s-wal", path);
    unlink(buf);
    snprintf(buf, sizeof(buf), "%s-shm", path);
    unlink(buf);

    /* The catalog and its pools, through the API. */
    if (!(conn = scConnectOpenAuth(path, NULL, SC_CONNECT_CREATE)))
        DIE("open %s", path);
    for (size_t p = 0; p < NPOOLS; p++) {
        scStoragePoolPtr pool;
        char xml[8192];

        snprintf(xml, sizeof(xml),
                 "<pool type='dir'><name>pool%03zu</name><target><path>%s/p%03zu</path>"
                 "</target></pool>",
                 p, root, p);
        if (!(pool = scStoragePoolDefineXML(conn, xml, 0)))
            DIE("define pool%03zu", p);
        if (scStoragePoolGetUUIDString(pool, pool_uuid[p]) < 0)
            DIE("uuid of pool%03zu", p);
        scStoragePoolFree(pool);
    }
    scConnectClose(conn);

    /* The rest in one transaction. */
    if (sqlite3_open(path, &db) != SQLITE_OK)
        DIE("sqlite3_open %s", path);
    sql_exec(db, "PRAGMA cache_size = -1000000; PRAGMA foreign_keys = ON; BEGIN IMMEDIATE");

    {
        static const char *const ev_idx[] = { "events_pool", "events_volume", "events_ts" };
        char *ev_sql[3];
        char *err = NULL;
        sqlite3_stmt *vol, *alias, *dom, *att, *ev;
        sqlite3_int64 first_id;

        drop_indexes(db, ev_idx, ev_sql, 3);
        /* The pools were defined as the trail's year began. */
        st = prep(db, "UPDATE events SET ts = ?1");
        sqlite3_bind_int64(st, 1, now_s - 86400LL * 365 - 60);
        step_done(db, st);
        sqlite3_finalize(st);
        st = prep(db, "SELECT coalesce(max(id), 0) FROM volumes");
        sqlite3_step(st);
        first_id = sqlite3_column_int64(st, 0) + 1;
        sqlite3_finalize(st);

        vol = prep(db, "INSERT INTO volumes (id, pool_id, uuid, name, key, path, type, format,"
                       " capacity, allocation, physical, backing_path, backing_format, mode, uid,"
                       " gid, mtime_ns, ctime_ns, state, first_seen, last_seen, sig, ident)"
                       " VALUES (?1, (SELECT id FROM pools WHERE uuid = ?2), ?3, ?4, ?5, ?5,"
                       " 'file', ?6, ?7, ?8, ?8, ?9, ?10, 384, 107, 107, ?11, ?11, ?12, ?13,"
                       " ?14, ?15, ?16)");
        alias = prep(db, "INSERT INTO volume_paths (path, volume_id) VALUES (?1, ?2)");
        for (size_t p = 0; p < NPOOLS; p++) {
            for (size_t i = 0; i < per; i++) {
                size_t n = p * per + i;
                bool overlay = i % 10 == 9 && i >= 10;
                const char *bfmt = NULL;
                long long seen = now_s - 86400LL * 365 + (long long) (mix(n) % (86400ULL * 360));
                long long cap = overlay ? 10LL << 30 : (1LL + (long long) (mix(n) % 64)) << 30;
                const char *state = n % 1000 == 13 ? "incomplete"
                                    : n % 200 == 7 ? "missing"
                                                   : "present";
                unsigned char sig[24], ident[24];

                for (size_t k = 0; k < sizeof(sig); k++) {
                    sig[k] = (unsigned char) (mix(n * 31 + k) & 0xff);
                    ident[k] = (unsigned char) (mix(n * 37 + k) & 0xff);
                }
                volume_path(buf, sizeof(buf), p, i);
                make_uuid(uuid, sizeof(uuid), 1, n);
                snprintf(name, sizeof(name), "v%07zu.img", i);
                sqlite3_bind_int64(vol, 1, first_id + (sqlite3_int64) row_of(p, i, per));
                sqlite3_bind_text(vol, 2, pool_uuid[p], -1, SQLITE_STATIC);
                sqlite3_bind_text(vol, 3, uuid, -1, SQLITE_STATIC);
                sqlite3_bind_text(vol, 4, name, -1, SQLITE_STATIC);
                sqlite3_bind_text(vol, 5, buf, -1, SQLITE_STATIC);
                sqlite3_bind_text(vol, 6, overlay ? "qcow2" : "raw", -1, SQLITE_STATIC);
                sqlite3_bind_int64(vol, 7, cap);
                sqlite3_bind_int64(vol, 8, overlay ? 196616 : (long long) (mix(n) % 4096) << 20);
                if (overlay) {
                    overlay_backing(buf2, sizeof(buf2), p, i, &bfmt);
                    sqlite3_bind_text(vol, 9, buf2, -1, SQLITE_STATIC);
                    sqlite3_bind_text(vol, 10, bfmt, -1, SQLITE_STATIC);
                } else {
                    sqlite3_bind_null(vol, 9);
                    sqlite3_bind_null(vol, 10);
                }
                sqlite3_bind_int64(vol, 11, seen * 1000000000LL);
                sqlite3_bind_text(vol, 12, state, -1, SQLITE_STATIC);
                sqlite3_bind_int64(vol, 13, seen);
                sqlite3_bind_int64(vol, 14, strcmp(state, "missing") == 0 ? seen + 86400 : now_s);
                sqlite3_bind_blob(vol, 15, sig, sizeof(sig), SQLITE_STATIC);
                sqlite3_bind_blob(vol, 16, ident, sizeof(ident), SQLITE_STATIC);
                step_done(db, vol);
                if (n % 100 == 42) {
                    snprintf(buf2, sizeof(buf2), "%s/alias/p%03zu/v%07zu.img", root, p, i);
                    sqlite3_bind_text(alias, 1, buf2, -1, SQLITE_STATIC);
                    sqlite3_bind_int64(alias, 2, first_id + (sqlite3_int64) row_of(p, i, per));
                    step_done(db, alias);
                }
            }
        }
        sqlite3_finalize(vol);
        sqlite3_finalize(alias);

        /* Domains of 4 disks; disk k uses one volume of the run 10k..10k+9. */
        dom = prep(db, "INSERT INTO domains (id, name, uuid, source, imported_at)"
                       " VALUES (?1, ?2, ?3, ?4, ?5)");
        att = prep(db, "INSERT INTO attachments (domain_id, target, device, source_type, source,"
                       " path, alt_path, volume_uuid, readonly) VALUES (?1, ?2, 'disk', ?3, ?4,"
                       " ?5, ?6, ?7, 0)");
        for (size_t k = 0; k < nattach; k++) {
            size_t d = k / 4, n = k * 10 + (size_t) (mix(k + 7) % 10);
            size_t p = n / per, i = n % per, how = k % 100;
            char target[8] = "vda";

            if (k % 4 == 0) {
                snprintf(name, sizeof(name), "guest%06zu", d);
                make_uuid(uuid, sizeof(uuid), 2, d);
                snprintf(buf, sizeof(buf), "/etc/libvirt/qemu/%s.xml", name);
                sqlite3_bind_int64(dom, 1, (sqlite3_int64) d + 1);
                sqlite3_bind_text(dom, 2, name, -1, SQLITE_STATIC);
                sqlite3_bind_text(dom, 3, uuid, -1, SQLITE_STATIC);
                sqlite3_bind_text(dom, 4, buf, -1, SQLITE_STATIC);
                sqlite3_bind_int64(dom, 5, now_s - 86400);
                step_done(db, dom);
            }
            target[2] = (char) ('a' + k % 4);
            volume_path(buf, sizeof(buf), p, i);
            make_uuid(uuid, sizeof(uuid), 1, n);
            sqlite3_bind_int64(att, 1, (sqlite3_int64) d + 1);
            sqlite3_bind_text(att, 2, target, -1, SQLITE_STATIC);
            for (int c = 3; c <= 7; c++)
                sqlite3_bind_null(att, c);
            if (how == 99) { /* a network disk */
                snprintf(buf2, sizeof(buf2), "rbd:vms/guest%06zu-%zu", d, k % 4);
                sqlite3_bind_text(att, 3, "network", -1, SQLITE_STATIC);
                sqlite3_bind_text(att, 4, buf2, -1, SQLITE_TRANSIENT);
            } else if (how < 70) { /* resolved at import */
                sqlite3_bind_text(att, 3, "file", -1, SQLITE_STATIC);
                sqlite3_bind_text(att, 4, buf, -1, SQLITE_STATIC);
                sqlite3_bind_text(att, 5, buf, -1, SQLITE_STATIC);
                sqlite3_bind_text(att, 7, uuid, -1, SQLITE_STATIC);
            } else if (how < 90) { /* by path: catalogued after the import */
                sqlite3_bind_text(att, 3, "file", -1, SQLITE_STATIC);
                sqlite3_bind_text(att, 4, buf, -1, SQLITE_STATIC);
                sqlite3_bind_text(att, 5, buf, -1, SQLITE_STATIC);
            } else { /* another spelling */
                snprintf(buf2, sizeof(buf2), "/srv/images/link%zu/v%07zu.img", p, i);
                sqlite3_bind_text(att, 3, "file", -1, SQLITE_STATIC);
                sqlite3_bind_text(att, 4, buf2, -1, SQLITE_STATIC);
                sqlite3_bind_text(att, 5, buf2, -1, SQLITE_STATIC);
                sqlite3_bind_text(att, 6, buf, -1, SQLITE_STATIC);
            }
            step_done(db, att);
        }
        sqlite3_finalize(dom);
        sqlite3_finalize(att);

        /* Events, in time order, one every ~3 s over the last 365 days. */
        /* ts_max: the largest time so far, as the library writes it (the
         * times here only grow). */
        ev = prep(db, "INSERT INTO events (ts, actor, pool_uuid, pool_name, volume_uuid,"
                      " volume_name, action, detail, uid, user_name, pid, program, changes,"
                      " ts_max)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL, 0, 'root', ?8, 'storcat', ?9,"
                      " ?1)");
        for (size_t e = 0; e < nevents; e++) {
            static const char *const actions[] = { "vol-changed", "vol-create", "vol-delete",
                                                   "vol-resize", "vol-discovered" };
            size_t n = (size_t) (mix(e) % nvol), p = n / per;
            long long ts = now_s - 86400LL * 365 + (long long) ((double) e * 86400 * 365 / nevents);
            const char *action = actions[e % 5];
            long long pid = 1000 + (long long) (e / 50) % 30000;

            make_uuid(uuid, sizeof(uuid), 1, n);
            snprintf(name, sizeof(name), "v%07zu.img", n % per);
            snprintf(buf, sizeof(buf), "user(0) pid %lld storcat", pid);
            snprintf(buf2, sizeof(buf2), "pool%03zu", p);
            sqlite3_bind_int64(ev, 1, ts);
            sqlite3_bind_text(ev, 2, buf, -1, SQLITE_STATIC);
            sqlite3_bind_text(ev, 3, pool_uuid[p], -1, SQLITE_STATIC);
            sqlite3_bind_text(ev, 4, buf2, -1, SQLITE_STATIC);
            sqlite3_bind_text(ev, 5, uuid, -1, SQLITE_STATIC);
            sqlite3_bind_text(ev, 6, name, -1, SQLITE_STATIC);
            sqlite3_bind_text(ev, 7, action, -1, SQLITE_STATIC);
            sqlite3_bind_int64(ev, 8, pid);
            if (e % 5 == 3)
                sqlite3_bind_text(ev, 9, "{\"capacity\": [10737418240, 21474836480]}", -1,
                                  SQLITE_STATIC);
            else
                sqlite3_bind_null(ev, 9);
            step_done(db, ev);
        }
        sqlite3_finalize(ev);
        recreate(db, ev_sql, 3);
        if (sqlite3_exec(db, "COMMIT", NULL, NULL, &err) != SQLITE_OK) {
            fprintf(stderr, "bench_report: COMMIT: %s\n", err);
            exit(1);
        }
    }
    sqlite3_close(db);
    if (!(f = fopen(done, "w")) || fprintf(f, "%s\n", want) < 0 || fclose(f) != 0)
        DIE("writing %s", done);
    printf("# made %s (%s) in %.1f s\n", path, want, benchMsSince(t0) / 1000);
}

/* ---- timing ----------------------------------------------------------- */

typedef struct {
    uint64_t t0;
    double first_ms; /* -1 until the first row */
    long long rows;
    size_t bytes; /* what the rows' text added up to (so that they are read) */
    bool stop_at_first;
} Timing;

static void
got_row(Timing *t)
{
    if (t->first_ms < 0)
        t->first_ms = benchMsSince(t->t0);
    t->rows++;
}

static int
report_cb(int n, const char *const *names, const char *const *values, const int *types,
          void *opaque)
{
    Timing *t = opaque;

    (void) names;
    (void) types;
    if (!values)
        return 0;
    got_row(t);
    for (int i = 0; i < n; i++)
        if (values[i])
            t->bytes += strlen(values[i]);
    return t->stop_at_first ? 1 : 0;
}

static int
event_cb(const scAuditEvent *ev, void *opaque)
{
    Timing *t = opaque;

    got_row(t);
    t->bytes += strlen(ev->action) + (ev->volumeName ? strlen(ev->volumeName) : 0);
    return t->stop_at_first ? 1 : 0;
}

static int
volume_cb(const scStorageVolRecord *vol, void *opaque)
{
    Timing *t = opaque;

    got_row(t);
    t->bytes += strlen(vol->name) + strlen(vol->path) + (size_t) (vol->capacity & 1);
    return 0;
}

typedef enum { RUN_REPORT, RUN_EVENTS, RUN_LIST, RUN_BARE, RUN_BARE_TABLE } RunKind;

typedef struct {
    RunKind kind;
    scConnectPtr conn;
    const char *report;  /* RUN_REPORT */
    long long since;     /* RUN_EVENTS */
    long long until;     /* RUN_EVENTS */
    const char *catalog; /* RUN_BARE */
} Run;

static const char volumes_sql[] =
    "SELECT p.name, p.uuid, v.name, v.key, v.path, v.uuid, v.state, v.type, v.format,"
    " v.capacity, v.allocation, v.physical, v.backing_path, v.backing_format"
    " FROM pools p CROSS JOIN volumes v ON v.pool_id = p.id"
    " WHERE (?1 IS NULL OR p.uuid = ?1) AND (?2 IS NULL OR v.format = ?2)"
    " AND v.state IN (?3, ?4, ?5, ?6, ?7)"
    " ORDER BY p.name, v.name";

/* The same columns in the table's order (no order promised). */
static const char volumes_table_sql[] =
    "SELECT p.name, p.uuid, v.name, v.key, v.path, v.uuid, v.state, v.type, v.format,"
    " v.capacity, v.allocation, v.physical, v.backing_path, v.backing_format"
    " FROM volumes v JOIN pools p ON p.id = v.pool_id"
    " WHERE (?1 IS NULL OR p.uuid = ?1) AND (?2 IS NULL OR v.format = ?2)"
    " AND v.state IN (?3, ?4, ?5, ?6, ?7)";

/* The bare read: the listing's statement (or @sql) on a plain read-only
 * handle, opened in the timed span as the listing opens its own, each
 * column read as the listing reads it. */
static long long
bare_read(const char *catalog, const char *sql, Timing *t)
{
    sqlite3 *db;
    sqlite3_stmt *st;

    if (sqlite3_open_v2(catalog, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        DIE("open %s", catalog);
    st = prep(db, sql);
    sqlite3_bind_text(st, 3, "present", -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *) sqlite3_column_text(st, 2);
        const char *path = (const char *) sqlite3_column_text(st, 4);
        unsigned long long cap;

        for (int i = 0; i < 14; i++)
            if (i < 9 || i > 11)
                (void) sqlite3_column_text(st, i);
        cap = (unsigned long long) sqlite3_column_int64(st, 9);
        (void) sqlite3_column_int64(st, 10);
        (void) sqlite3_column_int64(st, 11);
        got_row(t);
        t->bytes += strlen(name) + strlen(path) + (size_t) (cap & 1);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return t->rows;
}

static long long
run_once(const Run *r, Timing *t)
{
    long long n = -1;

    t->first_ms = -1;
    t->rows = 0;
    t->t0 = benchNow();
    switch (r->kind) {
    case RUN_REPORT:
        n = scConnectReport(r->conn, r->report, NULL, report_cb, t, 0);
        break;
    case RUN_EVENTS:
        n = scConnectListEvents(r->conn, NULL, NULL, NULL, r->since, r->until, 0, event_cb, t,
                                0);
        break;
    case RUN_LIST:
        n = scConnectListStorageVolumes(r->conn, NULL, NULL, volume_cb, t, 0);
        break;
    case RUN_BARE:
        n = bare_read(r->catalog, volumes_sql, t);
        break;
    case RUN_BARE_TABLE:
        n = bare_read(r->catalog, volumes_table_sql, t);
        break;
    }
    if (n < 0)
        DIE("run");
    return n;
}

/* @reps runs stopping at the first row, then @reps whole runs. */
static void
measure(const char *name, const Run *r, size_t reps, bool firsts_alone)
{
    double *first = calloc(reps, sizeof(*first)), *total = calloc(reps, sizeof(*total));
    char line[128];
    Timing t = { 0 };
    long long rows = 0;

    for (size_t i = 0; firsts_alone && i < reps; i++) {
        t.stop_at_first = true;
        run_once(r, &t);
        first[i] = t.first_ms;
    }
    for (size_t i = 0; i < reps; i++) {
        t.stop_at_first = false;
        rows = run_once(r, &t);
        total[i] = benchMsSince(t.t0);
        if (!firsts_alone)
            first[i] = t.first_ms;
    }
    snprintf(line, sizeof(line), "%s_first", name);
    benchReport(line, benchStats(first, reps), "ms", reps);
    snprintf(line, sizeof(line), "%s_total", name);
    benchReport(line, benchStats(total, reps), "ms", reps);
    printf("# %s: %lld rows\n", name, rows);
    fflush(stdout);
    free(first);
    free(total);
}

/* ---- the query plans ------------------------------------------------ */

/* As src/core/query.c has them. */
static const char chain_tops_sql[] =
    "SELECT t.id FROM pools tp CROSS JOIN volumes t ON t.pool_id = tp.id"
    " WHERE t.backing_path IS NOT NULL AND t.state IN ('present', 'missing')"
    " AND NOT EXISTS (SELECT 1 FROM volumes o WHERE o.backing_path = t.path)"
    " AND (?1 IS NULL OR tp.name = ?1) ORDER BY tp.name, t.name";
static const char chain_links_sql[] =
    "WITH RECURSIVE link(top, depth, volume_id, path, backing_path) AS ("
    " SELECT t.id, 0, t.id, t.path, t.backing_path FROM volumes t WHERE t.id = CAST(?1 AS INTEGER)"
    " UNION ALL"
    " SELECT l.top, l.depth + 1, b.id, l.backing_path, b.backing_path"
    " FROM link l LEFT JOIN volumes b"
    "  ON b.id = coalesce((SELECT x.id FROM volumes x WHERE x.path = l.backing_path),"
    "                     (SELECT vp.volume_id FROM volume_paths vp"
    "                       WHERE vp.path = l.backing_path))"
    " WHERE l.backing_path IS NOT NULL AND l.volume_id IS NOT NULL AND l.depth < 64)"
    " SELECT tp.name AS pool, t.name AS chain, t.uuid AS chain_uuid, l.depth,"
    " p.name AS volume_pool, v.name AS volume, v.uuid, l.path, v.format,"
    " l.backing_path, v.backing_format,"
    " CASE WHEN v.id IS NULL THEN 'uncatalogued' ELSE v.state END AS link_state"
    " FROM link l JOIN volumes t ON t.id = l.top JOIN pools tp ON tp.id = t.pool_id"
    " LEFT JOIN volumes v ON v.id = l.volume_id LEFT JOIN pools p ON p.id = v.pool_id"
    " ORDER BY l.depth";
static const char since_probe_sql[] =
    "SELECT id, ts_max FROM events WHERE id >= CAST(?1 AS INTEGER) ORDER BY id LIMIT 1";
static const char since_last_sql[] = "SELECT id, ts_max FROM events ORDER BY id DESC LIMIT 1";
#define EVENTS_SELECT                                                                              \
    "SELECT id, ts, action, pool_uuid, pool_name, volume_uuid, volume_name, detail, actor,"       \
    " uid, user_name, invoker_via, invoker_uid, invoker_name, pid, program, storcat_actor,"       \
    " changes FROM events"
#define EVENTS_WHERE                                                                               \
    " WHERE (?1 IS NULL OR pool_uuid = ?1 OR pool_name = ?1)"                                     \
    " AND (?2 IS NULL OR volume_uuid = ?2 OR volume_name = ?2"                                    \
    "  OR volume_uuid = (SELECT uuid FROM volumes WHERE path = ?2))"                              \
    " AND (?3 IS NULL OR action = ?3"                                                             \
    "  OR (substr(?3, -1) = '-' AND substr(action, 1, length(?3)) = ?3))"                         \
    " AND (?4 IS NULL OR ts >= CAST(?4 AS INTEGER))"                                              \
    " AND (?5 IS NULL OR ts <= CAST(?5 AS INTEGER))"                                              \
    " AND id > CAST(coalesce(?6, 0) AS INTEGER)"
static const char events_sql[] =
    EVENTS_SELECT EVENTS_WHERE
    " AND id <= CAST(coalesce(?7, 9223372036854775807) AS INTEGER) ORDER BY id";
static const char events_set_back_sql[] =
    EVENTS_SELECT " INDEXED BY events_set_back" EVENTS_WHERE
    " AND ts < ts_max ORDER BY id";
static const char no_ts_max_sql[] =
    "SELECT id, id FROM events INDEXED BY events_no_ts_max WHERE ts_max IS NULL LIMIT 1";

static void
plan(sqlite3 *db, const char *title, const char *sql)
{
    char *q = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);
    sqlite3_stmt *st = NULL;
    int ids[256] = { 0 }, depths[256] = { 0 }, n = 0;

    printf("# plan: %s\n", title);
    /* A library older than the statement (LD_LIBRARY_PATH, to compare)
     * left the catalog without its index. */
    if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK) {
        printf("#   (none: %s)\n", sqlite3_errmsg(db));
        sqlite3_free(q);
        return;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        int id = sqlite3_column_int(st, 0), parent = sqlite3_column_int(st, 1), depth = 0;

        for (int k = 0; k < n; k++)
            if (ids[k] == parent)
                depth = depths[k] + 1;
        if (n < 256) {
            ids[n] = id;
            depths[n++] = depth;
        }
        printf("#   %*s%s\n", 2 * depth, "", (const char *) sqlite3_column_text(st, 3));
    }
    sqlite3_finalize(st);
    sqlite3_free(q);
}

static void
plans(const char *catalog)
{
    sqlite3 *db;

    if (sqlite3_open_v2(catalog, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        DIE("open %s", catalog);
    plan(db, "report unused", "SELECT * FROM report_unused WHERE ?1 IS NULL OR pool = ?1");
    plan(db, "report volumes", "SELECT * FROM report_volumes WHERE ?1 IS NULL OR pool = ?1");
    plan(db, "report chains: the tops", chain_tops_sql);
    plan(db, "report chains: one chain", chain_links_sql);
    plan(db, "events --since: a probe of the binary search over ids", since_probe_sql);
    plan(db, "events --since: the last event", since_last_sql);
    plan(db, "events (any filters; ?6 the id after which to start, ?7 the last id to read)",
         events_sql);
    plan(db, "events --until: the events after the end written with the clock set back",
         events_set_back_sql);
    plan(db, "events --since or --until: an event without ts_max", no_ts_max_sql);
    plan(db, "scConnectListStorageVolumes", volumes_sql);
    sqlite3_close(db);
}

/* ---- main ----------------------------------------------------------- */

/* The time of the newest event: the windows end there (the catalog may
 * have been made by an earlier run). */
static long long
last_event_time(const char *catalog)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    long long ts;

    if (sqlite3_open_v2(catalog, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        DIE("open %s", catalog);
    st = prep(db, "SELECT max(ts) FROM events");
    if (sqlite3_step(st) != SQLITE_ROW)
        DIE("max(ts)");
    ts = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return ts;
}

static void
listing(size_t nvol, size_t reps)
{
    char catalog[4200], name[64];
    double *lf = calloc(reps, sizeof(double)), *lt = calloc(reps, sizeof(double));
    double *bf = calloc(reps, sizeof(double)), *bt = calloc(reps, sizeof(double));
    double *tf = calloc(reps, sizeof(double)), *tt = calloc(reps, sizeof(double));
    scConnectPtr conn;
    Run list, bare = { .kind = RUN_BARE, .catalog = catalog };
    Run table = { .kind = RUN_BARE_TABLE, .catalog = catalog };
    Timing t = { 0 };
    long long rows;
    long rss0, hwm;

    snprintf(catalog, sizeof(catalog), "%s/list-%zu.db", root, nvol);
    make_catalog(catalog, nvol, 0);
    if (!(conn = scConnectOpenAuth(catalog, NULL, 0)))
        DIE("open %s", catalog);
    list = (Run){ .kind = RUN_LIST, .conn = conn };
    run_once(&list, &t); /* one of each first: the page cache */
    run_once(&bare, &t);
    /* Alternately, so that the machine's load falls on both alike. */
    for (size_t i = 0; i < reps; i++) {
        rows = run_once(&list, &t);
        lt[i] = benchMsSince(t.t0);
        lf[i] = t.first_ms;
        if (run_once(&bare, &t) != rows)
            DIE("the bare read gave %lld rows, the listing %lld", t.rows, rows);
        bt[i] = benchMsSince(t.t0);
        bf[i] = t.first_ms;
        if (run_once(&table, &t) != rows)
            DIE("the bare read in table order gave %lld rows, the listing %lld", t.rows, rows);
        tt[i] = benchMsSince(t.t0);
        tf[i] = t.first_ms;
    }
    snprintf(name, sizeof(name), "list_%zu_first", nvol);
    benchReport(name, benchStats(lf, reps), "ms", reps);
    snprintf(name, sizeof(name), "list_%zu_total", nvol);
    benchReport(name, benchStats(lt, reps), "ms", reps);
    snprintf(name, sizeof(name), "bare_%zu_first", nvol);
    benchReport(name, benchStats(bf, reps), "ms", reps);
    snprintf(name, sizeof(name), "bare_%zu_total", nvol);
    benchReport(name, benchStats(bt, reps), "ms", reps);
    snprintf(name, sizeof(name), "bare_table_%zu_first", nvol);
    benchReport(name, benchStats(tf, reps), "ms", reps);
    snprintf(name, sizeof(name), "bare_table_%zu_total", nvol);
    benchReport(name, benchStats(tt, reps), "ms", reps);
    printf("# list_%zu: %lld rows\n", nvol, rows);
    /* Memory: what the peak grew by during one listing. */
    if (benchPeakReset() < 0)
        printf("# cannot reset the peak RSS (/proc/self/clear_refs)\n");
    rss0 = benchProcStatusKiB(0, "VmRSS");
    run_once(&list, &t);
    hwm = benchPeakRssKiB();
    snprintf(name, sizeof(name), "list_%zu_rss_growth", nvol);
    benchReportOne(name, (double) (hwm - rss0), "KiB");
    fflush(stdout);
    scConnectClose(conn);
    free(lf);
    free(lt);
    free(bf);
    free(bt);
    free(tf);
    free(tt);
}

int
main(int argc, char **argv)
{
    size_t reps = 5, nevents = 10000000, nvol = 1000000;
    bool plans_only = false;
    const char *only = NULL; /* reports, chains, events or listing: that part alone */
    char catalog[4200];
    scConnectPtr conn;
    Run r;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
            reps = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--events") == 0 && i + 1 < argc)
            nevents = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--volumes") == 0 && i + 1 < argc)
            nvol = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
            root = argv[++i];
        else if (strcmp(argv[i], "--plans-only") == 0)
            plans_only = true;
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
            only = argv[++i];
        else {
            fprintf(stderr, "usage: bench_report [--reps N] [--volumes N] [--events N] [--dir DIR] "
                            "[--plans-only] [--only reports|chains|events|listing]\n");
            return 2;
        }
    }
    if (reps < 1)
        reps = 1;
    now_s = (long long) time(NULL);
    if (mkdir(root, 0755) < 0 && errno != EEXIST)
        DIE("mkdir %s", root);
    printf("# SQLite %s; %zu volumes in %d pools, %zu disks, %zu events\n", sqlite3_libversion(),
           nvol, NPOOLS, nvol / 10, nevents);
    snprintf(catalog, sizeof(catalog), "%s/report.db", root);
    make_catalog(catalog, nvol, nevents);
    /* Opened (and so brought to the library's schema) before the plans. */
    if (!(conn = scConnectOpenAuth(catalog, NULL, 0)))
        DIE("open %s", catalog);
    plans(catalog);
    if (plans_only) {
        scConnectClose(conn);
        return 0;
    }
    fflush(stdout);

    if (scConnectSetQueryTimeout(conn, 0) < 0)
        DIE("query timeout");
    r = (Run){ .kind = RUN_REPORT, .conn = conn };
    if (!only || strcmp(only, "reports") == 0) {
        r.report = "unused";
        measure("report_unused", &r, reps, true);
        r.report = "volumes";
        measure("report_volumes", &r, reps, true);
    }
    if (!only || strcmp(only, "reports") == 0 || strcmp(only, "chains") == 0) {
        r.report = "chains";
        measure("report_chains", &r, reps, true);
    }

    r = (Run){ .kind = RUN_EVENTS, .conn = conn };
    if (!only || strcmp(only, "events") == 0) {
        long long last = last_event_time(catalog);

        static const struct {
            const char *name;
            long long ago;
        } windows[] = {
            { "events_since_1h", 3600 },
            { "events_since_1d", 86400 },
            { "events_since_30d", 86400LL * 30 },
            { "events_since_all", 86400LL * 366 },
        };
        for (size_t w = 0; w < sizeof(windows) / sizeof(windows[0]); w++) {
            r.since = last - windows[w].ago;
            measure(windows[w].name, &r, reps, true);
        }
        r.since = last - 86400LL * 30 - 3600;
        r.until = last - 86400LL * 30;
        measure("events_1h_30d_ago", &r, reps, true);
    }
    scConnectClose(conn);

    if (!only || strcmp(only, "listing") == 0) {
        listing(10000, reps);
        listing(100000, reps);
        listing(1000000, reps);
    }
    return 0;
}
