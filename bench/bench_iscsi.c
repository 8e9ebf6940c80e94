/*
 * bench_iscsi.c: an iscsi-direct pool of a target with many LUNs (issue
 * 13), against the limits: a bare libiscsi program issuing the same SCSI
 * commands in one session, and a bare prepared SQLite lookup by key.
 *
 *     bench_iscsi PORT IQN INITIATOR REPS LOOKUPS
 *
 * bench/run-iscsi starts the target (tgtd on 127.0.0.1:PORT with the
 * LUNs) and stops it. Figures, one per line (bench_common.c's format):
 *   refresh_cold     a refresh that reads every LUN again and rewrites
 *                    every row (signatures and token cleared before each);
 *   bare_cold_sync   login, REPORT LUNS, and per LUN standard INQUIRY,
 *                    VPD 0x83, READ CAPACITY(16), VPD 0x80, logout: the
 *                    same commands, one after the other (libiscsi's sync
 *                    calls, as libvirt issues them);
 *   bare_cold_pipe   the same commands, all in flight at once;
 *   refresh_same     a refresh of the unchanged pool (its token ends it);
 *   bare_same_sync / bare_same_pipe: what that refresh sends (no VPD 0x80);
 *   lookup_key       scStorageVolLookupByKey + Free, random keys;
 *   limit_key        SELECT uuid, name, key, state FROM volumes WHERE key = ?
 */
#include <config.h>

#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>
#include <poll.h>
#include <stdbool.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_common.h"
#include "storcat/storcat.h"

#define DIE(...)                                                                                   \
 do {                                                                                              \
  fprintf(stderr, "bench_iscsi: " __VA_ARGS__);                                                    \
  fprintf(stderr, ": %s\n", scGetLastErrorMessage());                                              \
  exit(1);                                                                                         \
 } while (0)

static const char *portal_host = "127.0.0.1";

/* ---- the bare libiscsi program ------------------------------------------- */

static struct iscsi_context *
bare_login(const char *portal, const char *iqn, const char *initiator)
{
    struct iscsi_context *c = iscsi_create_context(initiator);

    if (!c || iscsi_set_targetname(c, iqn) < 0 ||
        iscsi_set_session_type(c, ISCSI_SESSION_NORMAL) < 0 ||
        iscsi_full_connect_sync(c, portal, -1) < 0)
        DIE("bare login to %s", portal);
    return c;
}

static int *
bare_luns(struct iscsi_context *c, int *n)
{
    struct scsi_task *t = iscsi_reportluns_sync(c, 0, 16 + 8 * 1024);
    struct scsi_reportluns_list *l;
    int *v;

    if (!t || t->status != SCSI_STATUS_GOOD || !(l = scsi_datain_unmarshall(t)))
        DIE("bare REPORT LUNS");
    v = malloc(l->num * sizeof(*v));
    for (uint32_t i = 0; i < l->num; i++)
        v[i] = l->luns[i];
    *n = (int) l->num;
    scsi_free_scsi_task(t);
    return v;
}

/* One after the other, as libvirt's backend does. */
static void
bare_sync(const char *portal, const char *iqn, const char *init, bool serial)
{
    struct iscsi_context *c = bare_login(portal, iqn, init);
    int n, *luns = bare_luns(c, &n);

    for (int i = 0; i < n; i++) {
        struct scsi_task *t[4] = {
            iscsi_inquiry_sync(c, luns[i], 0, 0, 96),
            iscsi_inquiry_sync(c, luns[i], 1, 0x83, 1024),
            iscsi_readcapacity16_sync(c, luns[i]),
            serial ? iscsi_inquiry_sync(c, luns[i], 1, 0x80, 255) : NULL,
        };
        for (int k = 0; k < 4; k++)
            if (t[k])
                scsi_free_scsi_task(t[k]);
    }
    iscsi_logout_sync(c);
    iscsi_destroy_context(c);
    free(luns);
}

static int pending;

static void
bare_cb(struct iscsi_context *c, int status, void *data, void *opaque)
{
    (void) c;
    (void) status;
    (void) data;
    (void) opaque;
    pending--;
}

static void
bare_wait(struct iscsi_context *c)
{
    while (pending > 0) {
        struct pollfd p = { iscsi_get_fd(c), (short) iscsi_which_events(c), 0 };
        if (poll(&p, 1, 5000) <= 0 || iscsi_service(c, p.revents) < 0)
            DIE("bare pipelined commands");
    }
}

/* All in flight at once. */
static void
bare_pipe(const char *portal, const char *iqn, const char *init, bool serial)
{
    struct iscsi_context *c = bare_login(portal, iqn, init);
    int n, *luns = bare_luns(c, &n), k = 0;
    struct scsi_task **t = calloc((size_t) n * 4, sizeof(*t));

    for (int i = 0; i < n; i++) {
        t[k++] = iscsi_inquiry_task(c, luns[i], 0, 0, 96, bare_cb, NULL);
        t[k++] = iscsi_inquiry_task(c, luns[i], 1, 0x83, 1024, bare_cb, NULL);
        t[k++] = iscsi_readcapacity16_task(c, luns[i], bare_cb, NULL);
        if (serial)
            t[k++] = iscsi_inquiry_task(c, luns[i], 1, 0x80, 255, bare_cb, NULL);
    }
    pending = k;
    bare_wait(c);
    for (int i = 0; i < k; i++)
        if (t[i])
            scsi_free_scsi_task(t[i]);
    iscsi_logout_sync(c);
    iscsi_destroy_context(c);
    free(t);
    free(luns);
}

/* ---- storcat ----------------------------------------------------------------- */

/* Make the next refresh read every LUN and rewrite every row. */
static void
forget(const char *catalog)
{
    sqlite3 *db;

    if (sqlite3_open(catalog, &db) != SQLITE_OK ||
        sqlite3_exec(db, "UPDATE volumes SET sig = NULL; UPDATE pools SET change_token = NULL",
                     NULL, NULL, NULL) != SQLITE_OK)
        DIE("clearing signatures");
    sqlite3_close(db);
}

typedef void (*BareFn)(const char *, const char *, const char *, bool);

static void
time_bare(const char *name, BareFn fn, const char *portal, const char *iqn, const char *init,
          bool serial, int reps)
{
    double *t = malloc((size_t) reps * sizeof(*t));

    fn(portal, iqn, init, serial);
    for (int i = 0; i < reps; i++) {
        uint64_t t0 = benchNow();
        fn(portal, iqn, init, serial);
        t[i] = benchMsSince(t0);
    }
    benchReport(name, benchStats(t, (size_t) reps), "ms", (size_t) reps);
    free(t);
}

static void
time_refresh(const char *name, scStoragePoolPtr pool, const char *catalog, bool cold, int reps)
{
    double *t = malloc((size_t) reps * sizeof(*t));

    for (int i = 0; i < reps; i++) {
        if (cold)
            forget(catalog);
        uint64_t t0 = benchNow();
        if (scStoragePoolRefresh(pool, 0) < 0)
            DIE("refresh");
        t[i] = benchMsSince(t0);
    }
    benchReport(name, benchStats(t, (size_t) reps), "ms", (size_t) reps);
    free(t);
}

static void
time_lookups(scConnectPtr conn, const char *catalog, char **keys, int nkeys, int lookups)
{
    double *a = malloc((size_t) lookups * sizeof(*a)), *b = malloc((size_t) lookups * sizeof(*b));
    size_t *order = benchLookupOrder((size_t) nkeys, (size_t) lookups, 42);
    sqlite3 *db;
    sqlite3_stmt *st;

    if (sqlite3_open_v2(catalog, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v3(db, "SELECT uuid, name, key, state FROM volumes WHERE key = ?1", -1,
                           SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
        DIE("sqlite");
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < lookups; i++) {
            const char *key = keys[order[i]];
            uint64_t t0 = benchNow();
            scStorageVolPtr v = scStorageVolLookupByKey(conn, key);
            if (!v)
                DIE("lookup of %s", key);
            scStorageVolFree(v);
            a[i] = (double) (benchNow() - t0) / 1e3;
            t0 = benchNow();
            sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
            if (sqlite3_step(st) != SQLITE_ROW)
                DIE("sqlite lookup of %s", key);
            sqlite3_reset(st);
            b[i] = (double) (benchNow() - t0) / 1e3;
        }
    }
    benchReport("lookup_key", benchStats(a, (size_t) lookups), "us", (size_t) lookups);
    benchReport("limit_key", benchStats(b, (size_t) lookups), "us", (size_t) lookups);
    sqlite3_finalize(st);
    sqlite3_close(db);
    free(order);
    free(a);
    free(b);
}

int
main(int argc, char **argv)
{
    char portal[64], catalog[4096], *xml, dir[] = "/tmp/bench_iscsi.XXXXXX";
    scConnectPtr conn;
    scStoragePoolPtr pool;
    scStorageVolPtr *vols;
    char **keys;
    int n, reps, lookups;

    if (argc != 6) {
        fprintf(stderr, "usage: bench_iscsi PORT IQN INITIATOR REPS LOOKUPS\n");
        return 2;
    }
    reps = atoi(argv[4]);
    lookups = atoi(argv[5]);
    snprintf(portal, sizeof(portal), "%s:%s", portal_host, argv[1]);
    if (!mkdtemp(dir))
        DIE("mkdtemp");
    snprintf(catalog, sizeof(catalog), "%s/catalog.db", dir);
    if (!(conn = scConnectOpenAuth(catalog, NULL, SC_CONNECT_CREATE)))
        DIE("open");
    if (asprintf(&xml,
                 "<pool type='iscsi-direct'><name>b</name><source><host name='%s' "
                 "port='%s'/><device path='%s'/><initiator><iqn name='%s'/></initiator>"
                 "</source></pool>",
                 portal_host, argv[1], argv[2], argv[3]) < 0 ||
        !(pool = scStoragePoolDefineXML(conn, xml, 0)) || scStoragePoolCreate(pool, 0) < 0)
        DIE("define and start");
    free(xml);
    if ((n = scStoragePoolListAllVolumes(pool, &vols, 0)) < 1)
        DIE("list");
    printf("# %d LUNs (with LUN 0), %d reps\n", n, reps);
    keys = calloc((size_t) n, sizeof(*keys));
    for (int i = 0; i < n; i++) {
        keys[i] = strdup(scStorageVolGetKey(vols[i]));
        scStorageVolFree(vols[i]);
    }
    free(vols);

    /* Alternate the sides so that drift hits both. */
    time_bare("bare_cold_sync", bare_sync, portal, argv[2], argv[3], true, reps);
    time_bare("bare_cold_pipe", bare_pipe, portal, argv[2], argv[3], true, reps);
    time_refresh("refresh_cold", pool, catalog, true, reps);
    time_bare("bare_same_sync", bare_sync, portal, argv[2], argv[3], false, reps);
    time_bare("bare_same_pipe", bare_pipe, portal, argv[2], argv[3], false, reps);
    time_refresh("refresh_same", pool, catalog, false, reps);
    time_lookups(conn, catalog, keys, n, lookups);

    for (int i = 0; i < n; i++)
        free(keys[i]);
    free(keys);
    scStoragePoolDestroy(pool);
    scStoragePoolFree(pool);
    scConnectClose(conn);
    unlink(catalog);
    char p2[4200];
    snprintf(p2, sizeof(p2), "%s-wal", catalog);
    unlink(p2);
    snprintf(p2, sizeof(p2), "%s-shm", catalog);
    unlink(p2);
    rmdir(dir);
    return 0;
}
