/*
 * bench_storcat.c: storcat's side of the benchmarks, and the limits it is
 * measured against. bench_libvirt.c is the other side; bench/run runs both
 * on the same data and makes the table.
 *
 *   bench_storcat DIR N [REPS [LOOKUPS]]
 *       one dir pool of N files in DIR (made if missing):
 *   limit_readdir_fstatat   one readdir + fstatat pass over DIR (the limit of a refresh)
 *   refresh_first           start of a new pool on a new catalog (scan, probe all, insert)
 *   refresh_unchanged       scStoragePoolRefresh, nothing changed
 *   refresh_1pct            scStoragePoolRefresh after 1% of the files changed
 *   rss_refresh             peak resident memory during the refreshes above
 *   rss_refresh_proc        peak resident memory of a new process that starts the
 *                           pool on a new catalog and refreshes it after 1% changed
 *                           (--refresh-proc); sqlite_heap_refresh_proc: SQLite's
 *                           heap peak in it (its page cache, mostly)
 *   lookup_path/key/name/uuid   one lookup call, per call, over LOOKUPS random volumes
 *   rss_lookup_proc         peak resident memory of a new process that opens the
 *                           catalog and makes the LOOKUPS path lookups (--lookup-proc)
 *   limit_sqlite_lookup     a bare prepared, indexed SQLite lookup by path on the same catalog
 *   list_all_info           scStoragePoolListAllVolumes + scStorageVolGetInfo of every volume
 *   rss_list                peak resident memory during the listing
 *   cold_start, cold_inproc, cold_rss   as below, on this pool's catalog
 *
 *   bench_storcat --pools ROOT NPOOLS PER [LOOKUPS]
 *       NPOOLS pools of PER files (ROOT/p000 ...): start_all (once), the
 *       same lookups over all volumes of all pools, rss_lookup_proc and
 *       limit_sqlite_lookup.
 *
 *   bench_storcat --inventory ROOT NPOOLS PER [REPS [LOOKUPS]]
 *       the large inventory (100 pools of 10,000 = 1,000,000 volumes):
 *   create_files            making the files that were missing (once)
 *   limit_readdir_fstatat   readdir + fstatat over all the pools' directories
 *   start_all               starting every pool on a new catalog (once)
 *   rss_start               peak resident memory during start_all
 *   refresh_all_unchanged   scStoragePoolRefresh of every pool, nothing changed
 *   list_all_info, rss_list listing every volume of every pool with its info
 *   cold_start              a new process (posix_spawn + exec of this program):
 *                           scConnectOpen of the catalog + one scStorageVolLookupByPath,
 *                           from just before the spawn to the answer
 *   cold_inproc             the same, from the new process's main() to the answer
 *   cold_rss                peak resident memory of that process
 *   rss_lookup_proc         as above, 100,000 lookups on this catalog
 *
 *   bench_storcat --refresh-memory DIR N
 *       one dir pool of N files in DIR (made if missing): rss_refresh_proc and
 *       sqlite_heap_refresh_proc only (a pool larger than the others, to show
 *       that a refresh's memory stops growing once SQLite's cache is full)
 *
 *   bench_storcat --cold CATALOG PATH     (the process started by cold_start)
 *   bench_storcat --lookup-proc CATALOG DIR NPOOLS PER LOOKUPS   (rss_lookup_proc's)
 *   bench_storcat --refresh-proc DIR N    (rss_refresh_proc's)
 *
 * Every line: name, median, min, max, p99, unit, repetitions (or lookups).
 * Lines starting with '#' are comments (versions, counts).
 */
#include <errno.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_common.h"
#include "storcat/storcat.h"

#define DIE(...)                                                             \
    do {                                                                     \
        fprintf(stderr, "bench_storcat: " __VA_ARGS__);                      \
        fprintf(stderr, ": %s\n", scGetLastErrorMessage());                  \
        exit(1);                                                             \
    } while (0)

extern char **environ;

typedef enum {
    BY_PATH,
    BY_KEY,
    BY_NAME,
    BY_UUID,
} LookupKind;

/* What the lookups of one run work on. */
typedef struct {
    scConnectPtr conn;       /* the connection */
    scStoragePoolPtr *pools; /* one handle per pool of the set */
    const BenchSet *set;     /* the pools' files */
    char **uuids;            /* volume i's UUID string (BY_UUID only) */
} Lookups;

/* Remove the catalog file and its WAL. */
static void
remove_catalog(const char *catalog)
{
    char path[4200];

    unlink(catalog);
    if (snprintf(path, sizeof(path), "%s-wal", catalog) < (int) sizeof(path))
        unlink(path);
    if (snprintf(path, sizeof(path), "%s-shm", catalog) < (int) sizeof(path))
        unlink(path);
}

/* Remove the catalog file (and its WAL) and open a new one. */
static scConnectPtr
open_fresh(const char *catalog)
{
    scConnectPtr conn;

    remove_catalog(catalog);
    if (!(conn = scConnectOpenAuth(catalog, NULL, SC_CONNECT_CREATE)))
        DIE("open %s", catalog);
    return conn;
}

static scStoragePoolPtr
define_pool(scConnectPtr conn, const char *name, const char *dir)
{
    char xml[8192];
    scStoragePoolPtr pool;

    snprintf(xml, sizeof(xml),
             "<pool type='dir'><name>%s</name><target><path>%s</path></target></pool>", name, dir);
    if (!(pool = scStoragePoolDefineXML(conn, xml, 0)))
        DIE("define %s", name);
    return pool;
}

/* Define and start every pool of @s on @conn; returns the handles. */
static scStoragePoolPtr *
start_pools(scConnectPtr conn, const BenchSet *s, const char *prefix)
{
    size_t np = benchSetPools(s);
    scStoragePoolPtr *pools = calloc(np, sizeof(*pools));
    char name[64], dir[4096];

    for (size_t p = 0; p < np; p++) {
        snprintf(name, sizeof(name), "%s%03zu", prefix, p);
        benchSetPoolDir(s, p, dir, sizeof(dir));
        pools[p] = define_pool(conn, name, dir);
    }
    for (size_t p = 0; p < np; p++)
        if (scStoragePoolCreate(pools[p], 0) < 0)
            DIE("start pool %zu", p);
    return pools;
}

static void
free_pools(scStoragePoolPtr *pools, size_t np)
{
    for (size_t p = 0; p < np; p++)
        scStoragePoolFree(pools[p]);
    free(pools);
}

/* One lookup of volume @idx; the key is made before the clock starts. */
static scStorageVolPtr
lookup_one(const Lookups *l, LookupKind kind, size_t idx, double *us)
{
    char key[4200];
    scStoragePoolPtr pool = l->pools[idx / l->set->per];
    scStorageVolPtr vol = NULL;
    uint64_t t0;

    if (kind == BY_NAME)
        benchFileName(idx % l->set->per, key, sizeof(key));
    else if (kind == BY_UUID)
        snprintf(key, sizeof(key), "%s", l->uuids[idx]);
    else
        benchSetVolPath(l->set, idx, key, sizeof(key));
    t0 = benchNow();
    switch (kind) {
    case BY_PATH:
        vol = scStorageVolLookupByPath(l->conn, key);
        break;
    case BY_KEY:
        vol = scStorageVolLookupByKey(l->conn, key);
        break;
    case BY_NAME:
        vol = scStorageVolLookupByName(pool, key);
        break;
    case BY_UUID:
        vol = scStorageVolLookupByUUIDString(l->conn, key);
        break;
    }
    *us = (double) (benchNow() - t0) / 1e3;
    if (!vol)
        DIE("lookup of '%s'", key);
    return vol;
}

/* @lookups random lookups of one kind, after 1,000 warm-up lookups drawn
 * from another seed (bench_libvirt.c does the same). */
static void
bench_lookups(const Lookups *l, LookupKind kind, const char *name, size_t lookups)
{
    size_t total = benchSetTotal(l->set), nwarm = lookups < 1000 ? lookups : 1000;
    size_t *warm = benchLookupOrder(total, nwarm, BENCH_WARM_SEED);
    size_t *order = benchLookupOrder(total, lookups, BENCH_SEED);
    double *t = malloc(lookups * sizeof(*t)), dummy;

    if (!warm || !order || !t)
        DIE("out of memory");
    for (size_t i = 0; i < nwarm; i++)
        scStorageVolFree(lookup_one(l, kind, warm[i], &dummy));
    for (size_t i = 0; i < lookups; i++)
        scStorageVolFree(lookup_one(l, kind, order[i], &t[i]));
    benchReport(name, benchStats(t, lookups), "us", lookups);
    free(t);
    free(order);
    free(warm);
}

/* The limit of a lookup: a bare prepared statement on the volumes' path
 * index of the same catalog, the same random paths. */
static void
bench_sqlite(const char *catalog, const BenchSet *s, size_t lookups)
{
    size_t total = benchSetTotal(s), nwarm = lookups < 1000 ? lookups : 1000;
    size_t *warm = benchLookupOrder(total, nwarm, BENCH_WARM_SEED);
    size_t *order = benchLookupOrder(total, lookups, BENCH_SEED);
    double *t = malloc(lookups * sizeof(*t));
    char path[4200];
    sqlite3 *db;
    sqlite3_stmt *st;

    if (sqlite3_open_v2(catalog, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v3(db, "SELECT id, uuid, name, key FROM volumes WHERE path = ?1", -1,
                           SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
        DIE("sqlite: %s", sqlite3_errmsg(db));
    for (size_t i = 0; i < nwarm + lookups; i++) {
        size_t idx = i < nwarm ? warm[i] : order[i - nwarm];
        benchSetVolPath(s, idx, path, sizeof(path));
        uint64_t t0 = benchNow();
        sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_ROW)
            DIE("sqlite lookup of '%s'", path);
        sqlite3_reset(st);
        if (i >= nwarm)
            t[i - nwarm] = (double) (benchNow() - t0) / 1e3;
    }
    benchReport("limit_sqlite_lookup", benchStats(t, lookups), "us", lookups);
    sqlite3_finalize(st);
    sqlite3_close(db);
    free(t);
    free(order);
    free(warm);
}

/* The UUID of every volume, by volume number (listings are sorted by name,
 * which is the files' order). */
static char **
collect_uuids(scStoragePoolPtr *pools, const BenchSet *s)
{
    char **uuids = calloc(benchSetTotal(s), sizeof(char *));

    for (size_t p = 0; p < benchSetPools(s); p++) {
        scStorageVolPtr *vols;
        int cnt = scStoragePoolListAllVolumes(pools[p], &vols, 0);

        if (cnt != (int) s->per)
            DIE("pool %zu lists %d volumes, not %zu", p, cnt, s->per);
        for (int i = 0; i < cnt; i++) {
            char u[SC_UUID_STRING_BUFLEN];
            if (scStorageVolGetUUIDString(vols[i], u) < 0)
                DIE("uuid");
            uuids[p * s->per + (size_t) i] = strdup(u);
            scStorageVolFree(vols[i]);
        }
        free(vols);
    }
    return uuids;
}

static void
free_uuids(char **uuids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(uuids[i]);
    free(uuids);
}

/* Start this program with @argv (a child mode), read the @n numbers it
 * prints, and wait for it. Returns the clock just before the spawn. */
static uint64_t
spawn_self(char **argv, unsigned long long *vals, int n)
{
    posix_spawn_file_actions_t fa;
    int fds[2], status;
    uint64_t t0;
    pid_t pid;
    FILE *f;

    if (pipe(fds) < 0 || posix_spawn_file_actions_init(&fa) != 0 ||
        posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO) != 0 ||
        posix_spawn_file_actions_addclose(&fa, fds[0]) != 0)
        DIE("pipe");
    t0 = benchNow();
    if ((errno = posix_spawn(&pid, "/proc/self/exe", &fa, NULL, argv, environ)) != 0)
        DIE("spawn: %s", strerror(errno));
    close(fds[1]);
    if (!(f = fdopen(fds[0], "r")))
        DIE("fdopen");
    for (int i = 0; i < n; i++)
        if (fscanf(f, "%llu", &vals[i]) != 1)
            DIE("no answer from the %s process", argv[1]);
    fclose(f);
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        DIE("the %s process failed", argv[1]);
    posix_spawn_file_actions_destroy(&fa);
    return t0;
}

/* Start this program as "--cold CATALOG PATH" and time it to its answer. */
static void
cold_once(const char *catalog, const char *path, double *ms, double *inproc, double *rss)
{
    char *argv[] = { "bench_storcat", "--cold", (char *) catalog, (char *) path, NULL };
    unsigned long long v[3]; /* end, start, VmHWM */
    uint64_t t0 = spawn_self(argv, v, 3);

    *ms = (double) (v[0] - t0) / 1e6;
    *inproc = (double) (v[0] - v[1]) / 1e6;
    *rss = (double) v[2] / 1024.0;
}

/* The memory of lookups alone: a new process ("--lookup-proc") opens the
 * catalog and makes the @lookups path lookups of the other figures. */
static void
lookup_proc(const char *catalog, const BenchSet *s, size_t lookups)
{
    char np[32], per[32], cnt[32];
    char *argv[] = {
        "bench_storcat", "--lookup-proc", (char *) catalog, (char *) s->dir, np, per, cnt, NULL
    };
    unsigned long long v[1]; /* VmHWM */

    snprintf(np, sizeof(np), "%zu", s->npools);
    snprintf(per, sizeof(per), "%zu", s->per);
    snprintf(cnt, sizeof(cnt), "%zu", lookups);
    spawn_self(argv, v, 1);
    benchReportOne("rss_lookup_proc", (double) v[0] / 1024.0, "MiB");
}

/* The memory of a refresh alone: a new process ("--refresh-proc") starts
 * the pool of @s on a new catalog and refreshes it after 1% changed. */
static void
refresh_proc(const BenchSet *s)
{
    char n[32];
    char *argv[] = { "bench_storcat", "--refresh-proc", (char *) s->dir, n, NULL };
    unsigned long long v[2]; /* VmHWM, SQLite's heap peak, KiB */

    snprintf(n, sizeof(n), "%zu", s->per);
    spawn_self(argv, v, 2);
    benchReportOne("rss_refresh_proc", (double) v[0] / 1024.0, "MiB");
    benchReportOne("sqlite_heap_refresh_proc", (double) v[1] / 1024.0, "MiB");
}

/* cold_once @reps times on the volume first in the lookup order (the one
 * bench_libvirt --cold looks up). */
static void
cold_reps(const char *catalog, const BenchSet *s, size_t reps)
{
    double *t = calloc(reps, sizeof(*t)), *in = calloc(reps, sizeof(*in));
    double *rss = calloc(reps, sizeof(*rss));
    size_t *first = benchLookupOrder(benchSetTotal(s), 1, BENCH_SEED);
    char path[4200];

    benchSetVolPath(s, first[0], path, sizeof(path));
    for (size_t r = 0; r < reps; r++)
        cold_once(catalog, path, &t[r], &in[r], &rss[r]);
    benchReport("cold_start", benchStats(t, reps), "ms", reps);
    benchReport("cold_inproc", benchStats(in, reps), "ms", reps);
    benchReport("cold_rss", benchStats(rss, reps), "MiB", reps);
    free(first);
    free(rss);
    free(in);
    free(t);
}

/* All lookups of a set, storcat's and the SQLite limit. */
static void
bench_all_lookups(scConnectPtr conn, scStoragePoolPtr *pools, const BenchSet *s,
                  const char *catalog, size_t lookups)
{
    Lookups l = { conn, pools, s, NULL };

    bench_lookups(&l, BY_PATH, "lookup_path", lookups);
    bench_lookups(&l, BY_KEY, "lookup_key", lookups);
    bench_lookups(&l, BY_NAME, "lookup_name", lookups);
    lookup_proc(catalog, s, lookups);
    bench_sqlite(catalog, s, lookups);
    l.uuids = collect_uuids(pools, s);
    bench_lookups(&l, BY_UUID, "lookup_uuid", lookups);
    free_uuids(l.uuids, benchSetTotal(s));
}

/* List every volume of every pool with its info; time and peak memory. */
static void
bench_list(scStoragePoolPtr *pools, const BenchSet *s, size_t reps)
{
    double *t = calloc(reps, sizeof(*t));

    benchPeakReset();
    for (size_t r = 0; r < reps; r++) {
        size_t seen = 0;
        uint64_t t0 = benchNow();
        for (size_t p = 0; p < benchSetPools(s); p++) {
            scStorageVolPtr *vols;
            int cnt = scStoragePoolListAllVolumes(pools[p], &vols, 0);
            if (cnt < 0)
                DIE("list");
            for (int i = 0; i < cnt; i++) {
                scStorageVolInfo info;
                if (scStorageVolGetInfo(vols[i], &info) < 0)
                    DIE("info");
                scStorageVolFree(vols[i]);
            }
            free(vols);
            seen += (size_t) cnt;
        }
        t[r] = benchMsSince(t0);
        if (seen != benchSetTotal(s))
            DIE("listed %zu volumes, not %zu", seen, benchSetTotal(s));
    }
    benchReport("list_all_info", benchStats(t, reps), "ms", reps);
    benchReportOne("rss_list", (double) benchPeakRssKiB() / 1024.0, "MiB");
    free(t);
}

static void
bench_limit(const BenchSet *s, size_t reps)
{
    double *t = calloc(reps, sizeof(*t));

    if (benchSetWarmUp(s) < 0) /* the same warm-up as bench_libvirt's */
        DIE("warm-up of %s", s->dir);
    for (size_t r = 0; r < reps; r++) {
        uint64_t t0 = benchNow();
        if (benchSetReaddirStat(s) != benchSetTotal(s))
            fprintf(stderr, "bench_storcat: %s holds more than the dataset\n", s->dir);
        t[r] = benchMsSince(t0);
    }
    benchReport("limit_readdir_fstatat", benchStats(t, reps), "ms", reps);
    free(t);
}

static void
print_versions(void)
{
    unsigned long v = 0;

    scGetVersion(&v, NULL, NULL);
    printf("# storcat %lu.%lu.%lu, sqlite %s\n", v / 1000000, v / 1000 % 1000, v % 1000,
           sqlite3_libversion());
}

static int
mode_single(const char *dir, size_t n, size_t reps, size_t lookups)
{
    BenchSet s = { dir, 0, n };
    char catalog[4200];
    double *t = calloc(reps, sizeof(*t));
    scConnectPtr conn = NULL;
    scStoragePoolPtr pool = NULL;

    snprintf(catalog, sizeof(catalog), "%s.catalog.db", dir);
    if (benchSetPopulate(&s) < 0)
        DIE("cannot make the dataset in %s", dir);
    bench_limit(&s, reps);

    benchPeakReset();
    for (size_t r = 0; r < reps; r++) {
        if (pool) {
            scStoragePoolFree(pool);
            scConnectClose(conn);
        }
        conn = open_fresh(catalog);
        pool = define_pool(conn, "bench", dir);
        uint64_t t0 = benchNow();
        if (scStoragePoolCreate(pool, 0) < 0)
            DIE("start");
        t[r] = benchMsSince(t0);
    }
    benchReport("refresh_first", benchStats(t, reps), "ms", reps);
    if (scStoragePoolNumOfVolumes(pool) != (int) n)
        DIE("expected %zu volumes, found %d", n, scStoragePoolNumOfVolumes(pool));

    for (size_t r = 0; r < reps; r++) {
        uint64_t t0 = benchNow();
        if (scStoragePoolRefresh(pool, 0) < 0)
            DIE("refresh");
        t[r] = benchMsSince(t0);
    }
    benchReport("refresh_unchanged", benchStats(t, reps), "ms", reps);

    for (size_t r = 0; r < reps; r++) {
        if (benchTouch(dir, n, 1.0) < 0)
            DIE("touch");
        uint64_t t0 = benchNow();
        if (scStoragePoolRefresh(pool, 0) < 0)
            DIE("refresh");
        t[r] = benchMsSince(t0);
    }
    benchReport("refresh_1pct", benchStats(t, reps), "ms", reps);
    benchReportOne("rss_refresh", (double) benchPeakRssKiB() / 1024.0, "MiB");
    refresh_proc(&s);

    bench_all_lookups(conn, &pool, &s, catalog, lookups);
    bench_list(&pool, &s, reps);
    scStoragePoolFree(pool);
    scConnectClose(conn);
    cold_reps(catalog, &s, reps);
    free(t);
    return 0;
}

static int
mode_pools(const char *root, size_t npools, size_t per, size_t lookups)
{
    BenchSet s = { root, npools, per };
    char catalog[4200];
    scConnectPtr conn;
    scStoragePoolPtr *pools;

    snprintf(catalog, sizeof(catalog), "%s.catalog.db", root);
    if (benchSetPopulate(&s) < 0)
        DIE("cannot make the dataset in %s", root);
    if (benchSetWarmUp(&s) < 0)
        DIE("warm-up of %s", root);
    conn = open_fresh(catalog);
    uint64_t t0 = benchNow();
    pools = start_pools(conn, &s, "p");
    benchReportOne("start_all", benchMsSince(t0), "ms");
    bench_all_lookups(conn, pools, &s, catalog, lookups);
    free_pools(pools, npools);
    scConnectClose(conn);
    return 0;
}

static int
mode_inventory(const char *root, size_t npools, size_t per, size_t reps, size_t lookups)
{
    BenchSet s = { root, npools, per };
    char catalog[4200];
    double *t = calloc(reps, sizeof(*t));
    scConnectPtr conn;
    scStoragePoolPtr *pools;

    snprintf(catalog, sizeof(catalog), "%s.catalog.db", root);
    uint64_t t0 = benchNow();
    if (benchSetPopulate(&s) < 0)
        DIE("cannot make the dataset in %s", root);
    benchReportOne("create_files", benchMsSince(t0), "ms");
    bench_limit(&s, reps);

    conn = open_fresh(catalog);
    benchPeakReset();
    t0 = benchNow();
    pools = start_pools(conn, &s, "m");
    benchReportOne("start_all", benchMsSince(t0), "ms");
    benchReportOne("rss_start", (double) benchPeakRssKiB() / 1024.0, "MiB");
    for (size_t r = 0; r < reps; r++) {
        t0 = benchNow();
        for (size_t p = 0; p < npools; p++)
            if (scStoragePoolRefresh(pools[p], 0) < 0)
                DIE("refresh");
        t[r] = benchMsSince(t0);
    }
    benchReport("refresh_all_unchanged", benchStats(t, reps), "ms", reps);
    bench_list(pools, &s, reps);
    free_pools(pools, npools);
    scConnectClose(conn);

    cold_reps(catalog, &s, reps);
    lookup_proc(catalog, &s, lookups);
    free(t);
    return 0;
}

/* The process that cold_start times: open, one lookup, print the clock,
 * the clock at main() and the peak resident memory (VmHWM: its own since
 * exec; getrusage's ru_maxrss of a spawned child would count the parent's,
 * whose memory it shared until exec). */
static int
mode_cold(const char *catalog, const char *path)
{
    uint64_t start = benchNow();
    scConnectPtr conn = scConnectOpenAuth(catalog, NULL, SC_CONNECT_CREATE);
    scStorageVolPtr vol;

    if (!conn || !(vol = scStorageVolLookupByPath(conn, path)))
        DIE("cold lookup of '%s'", path);
    uint64_t end = benchNow();
    printf("%llu %llu %ld\n", (unsigned long long) end, (unsigned long long) start,
           benchProcStatusKiB(0, "VmHWM"));
    fflush(stdout);
    scStorageVolFree(vol);
    scConnectClose(conn);
    return 0;
}

/* The process of lookup_proc: open, the lookups, print VmHWM. */
static int
mode_lookup_proc(const char *catalog, const char *dir, size_t npools, size_t per, size_t n)
{
    BenchSet s = { dir, npools, per };
    size_t *order = benchLookupOrder(benchSetTotal(&s), n, BENCH_SEED);
    scConnectPtr conn = scConnectOpenAuth(catalog, NULL, SC_CONNECT_CREATE);
    char path[4200];

    if (!conn || !order)
        DIE("open %s", catalog);
    for (size_t i = 0; i < n; i++) {
        scStorageVolPtr vol;

        benchSetVolPath(&s, order[i], path, sizeof(path));
        if (!(vol = scStorageVolLookupByPath(conn, path)))
            DIE("lookup of '%s'", path);
        scStorageVolFree(vol);
    }
    printf("%ld\n", benchProcStatusKiB(0, "VmHWM"));
    fflush(stdout);
    scConnectClose(conn);
    free(order);
    return 0;
}

/* The process of refresh_proc: a new catalog beside @dir, start, touch
 * 1%, refresh; print VmHWM and SQLite's heap peak (KiB). */
static int
mode_refresh_proc(const char *dir, size_t n)
{
    char catalog[4200];
    scConnectPtr conn;
    scStoragePoolPtr pool;

    snprintf(catalog, sizeof(catalog), "%s.refresh-proc.db", dir);
    conn = open_fresh(catalog);
    pool = define_pool(conn, "bench", dir);
    if (scStoragePoolCreate(pool, 0) < 0 || benchTouch(dir, n, 1.0) < 0 ||
        scStoragePoolRefresh(pool, 0) < 0)
        DIE("refresh of %s", dir);
    printf("%ld %lld\n", benchProcStatusKiB(0, "VmHWM"),
           (long long) sqlite3_memory_highwater(0) / 1024);
    fflush(stdout);
    scStoragePoolFree(pool);
    scConnectClose(conn);
    remove_catalog(catalog);
    return 0;
}

static int
mode_refresh_memory(const char *dir, size_t n)
{
    BenchSet s = { dir, 0, n };

    if (benchSetPopulate(&s) < 0)
        DIE("cannot make the dataset in %s", dir);
    benchReportOne("files", (double) n, "files");
    refresh_proc(&s);
    return 0;
}

static size_t
arg(int argc, char **argv, int i, size_t dflt)
{
    return argc > i ? strtoul(argv[i], NULL, 10) : dflt;
}

int
main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--cold") == 0)
        return mode_cold(argv[2], argv[3]);
    if (argc == 4 && strcmp(argv[1], "--refresh-proc") == 0)
        return mode_refresh_proc(argv[2], arg(argc, argv, 3, 0));
    if (argc == 4 && strcmp(argv[1], "--refresh-memory") == 0) {
        print_versions();
        return mode_refresh_memory(argv[2], arg(argc, argv, 3, 0));
    }
    if (argc == 7 && strcmp(argv[1], "--lookup-proc") == 0)
        return mode_lookup_proc(argv[2], argv[3], arg(argc, argv, 4, 0), arg(argc, argv, 5, 0),
                                arg(argc, argv, 6, 0));
    if (argc >= 5 && strcmp(argv[1], "--pools") == 0) {
        print_versions();
        return mode_pools(argv[2], arg(argc, argv, 3, 100), arg(argc, argv, 4, 1000),
                          arg(argc, argv, 5, 100000));
    }
    if (argc >= 5 && strcmp(argv[1], "--inventory") == 0) {
        print_versions();
        return mode_inventory(argv[2], arg(argc, argv, 3, 100), arg(argc, argv, 4, 10000),
                              arg(argc, argv, 5, 5), arg(argc, argv, 6, 100000));
    }
    if (argc < 3 || argv[1][0] == '-') {
        fprintf(stderr, "usage: bench_storcat DIR N [REPS [LOOKUPS]]\n"
                        "       bench_storcat --pools ROOT NPOOLS PER [LOOKUPS]\n"
                        "       bench_storcat --inventory ROOT NPOOLS PER [REPS [LOOKUPS]]\n"
                        "       bench_storcat --refresh-memory DIR N\n");
        return 2;
    }
    print_versions();
    return mode_single(argv[1], arg(argc, argv, 2, 0), arg(argc, argv, 3, 5),
                       arg(argc, argv, 4, 100000));
}
