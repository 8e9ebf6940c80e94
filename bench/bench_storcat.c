/*
 * bench_storcat.c: storcat's side of the dir-pool benchmarks, and the
 * limits it is measured against.
 *
 *   bench_storcat DIR N [REPS [LOOKUPS]]
 *
 * builds the dataset of N files in DIR (bench_common.c), then prints one
 * line per figure: name, median, min, max, p99, unit, repetitions.
 *   limit_readdir_fstatat   one readdir + fstatat pass over DIR (the limit of a refresh)
 *   refresh_first           start of a new pool on a new catalog (scan, probe all, insert)
 *   refresh_unchanged       scStoragePoolRefresh, nothing changed
 *   refresh_1pct            scStoragePoolRefresh after 1% of the files changed
 *   lookup_path/key/uuid/name   one lookup call, per call, over LOOKUPS random volumes
 *   limit_sqlite_lookup     a bare prepared, indexed SQLite lookup by path on the same catalog
 *   list_all_info           scStoragePoolListAllVolumes + scStorageVolGetInfo of every volume
 *   peak_rss                peak resident memory of this process
 */
#include <dirent.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench_common.h"
#include "storcat/storcat.h"

#define DIE(...)                                                             \
    do {                                                                     \
        fprintf(stderr, "bench_storcat: " __VA_ARGS__);                      \
        fprintf(stderr, ": %s\n", scGetLastErrorMessage());                  \
        exit(1);                                                             \
    } while (0)

static double
ms_since(uint64_t t0)
{
    return (double) (benchNow() - t0) / 1e6;
}

/* The limit: what any refresh must at least do. */
static size_t
readdir_fstatat(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    struct stat st;
    size_t n = 0;

    if (!d)
        return 0;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.' && fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
            n++;
    closedir(d);
    return n;
}

static scStoragePoolPtr
fresh_pool(const char *catalog, const char *dir, scConnectPtr *conn)
{
    char xml[8192], rm[3 * 4096 + 64];
    scStoragePoolPtr pool;

    snprintf(rm, sizeof(rm), "rm -f '%s' '%s-wal' '%s-shm'", catalog, catalog, catalog);
    if (system(rm) != 0)
        DIE("cannot remove %s", catalog);
    if (!(*conn = scConnectOpen(catalog, 0)))
        DIE("open %s", catalog);
    snprintf(xml, sizeof(xml),
             "<pool type='dir'><name>bench</name><target><path>%s</path></target></pool>", dir);
    if (!(pool = scStoragePoolDefineXML(*conn, xml, 0)))
        DIE("define");
    return pool;
}

typedef scStorageVolPtr (*LookupFn)(scConnectPtr conn, scStoragePoolPtr pool, const char *s);

static scStorageVolPtr
by_path(scConnectPtr c, scStoragePoolPtr p, const char *s)
{
    (void) p;
    return scStorageVolLookupByPath(c, s);
}
static scStorageVolPtr
by_key(scConnectPtr c, scStoragePoolPtr p, const char *s)
{
    (void) p;
    return scStorageVolLookupByKey(c, s);
}
static scStorageVolPtr
by_uuid(scConnectPtr c, scStoragePoolPtr p, const char *s)
{
    (void) p;
    return scStorageVolLookupByUUIDString(c, s);
}
static scStorageVolPtr
by_name(scConnectPtr c, scStoragePoolPtr p, const char *s)
{
    (void) c;
    return scStorageVolLookupByName(p, s);
}

static void
bench_lookups(scConnectPtr conn, scStoragePoolPtr pool, const char *name, LookupFn fn,
              char **keys, size_t nkeys, size_t lookups)
{
    double *t = malloc(lookups * sizeof(*t));

    srand(42);
    for (size_t i = 0; i < lookups; i++) {
        const char *k = keys[(size_t) rand() % nkeys];
        uint64_t t0 = benchNow();
        scStorageVolPtr v = fn(conn, pool, k);
        t[i] = (double) (benchNow() - t0) / 1e3;
        if (!v)
            DIE("lookup of %s", k);
        scStorageVolFree(v);
    }
    benchReport(name, benchStats(t, lookups), "us", lookups);
    free(t);
}

static void
bench_sqlite(const char *catalog, char **paths, size_t n, size_t lookups)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    double *t = malloc(lookups * sizeof(*t));

    if (sqlite3_open_v2(catalog, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v3(db, "SELECT id, uuid, name, key FROM volumes WHERE path = ?1", -1,
                           SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
        DIE("sqlite");
    srand(42);
    for (size_t i = 0; i < lookups; i++) {
        const char *k = paths[(size_t) rand() % n];
        uint64_t t0 = benchNow();
        sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_ROW)
            DIE("sqlite lookup");
        sqlite3_reset(st);
        t[i] = (double) (benchNow() - t0) / 1e3;
    }
    benchReport("limit_sqlite_lookup", benchStats(t, lookups), "us", lookups);
    sqlite3_finalize(st);
    sqlite3_close(db);
    free(t);
}

static void
collect_keys(scStoragePoolPtr pool, char ***paths, char ***uuids, char ***names, size_t *n)
{
    scStorageVolPtr *vols;
    int cnt = scStoragePoolListAllVolumes(pool, &vols, 0);

    if (cnt <= 0)
        DIE("list");
    *paths = calloc((size_t) cnt, sizeof(char *));
    *uuids = calloc((size_t) cnt, sizeof(char *));
    *names = calloc((size_t) cnt, sizeof(char *));
    for (int i = 0; i < cnt; i++) {
        char u[SC_UUID_STRING_BUFLEN];
        (*paths)[i] = scStorageVolGetPath(vols[i]);
        scStorageVolGetUUIDString(vols[i], u);
        (*uuids)[i] = strdup(u);
        (*names)[i] = strdup(scStorageVolGetName(vols[i]));
        scStorageVolFree(vols[i]);
    }
    free(vols);
    *n = (size_t) cnt;
}

static void
free_keys(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

int
main(int argc, char **argv)
{
    const char *dir;
    size_t n, reps, lookups, nkeys;
    char catalog[4096];
    double *t;
    scConnectPtr conn = NULL;
    scStoragePoolPtr pool = NULL;
    char **paths, **uuids, **names;

    if (argc < 3) {
        fprintf(stderr, "usage: bench_storcat DIR N [REPS [LOOKUPS]]\n");
        return 2;
    }
    dir = argv[1];
    n = strtoul(argv[2], NULL, 10);
    reps = argc > 3 ? strtoul(argv[3], NULL, 10) : 5;
    lookups = argc > 4 ? strtoul(argv[4], NULL, 10) : 100000;
    t = calloc(reps, sizeof(*t));
    snprintf(catalog, sizeof(catalog), "%s.catalog.db", dir);
    if (benchPopulate(dir, n) < 0)
        DIE("cannot make the dataset in %s", dir);

    readdir_fstatat(dir); /* warm the caches, as for every figure below */
    for (size_t r = 0; r < reps; r++) {
        uint64_t t0 = benchNow();
        if (readdir_fstatat(dir) != n + 0)
            fprintf(stderr, "bench_storcat: %s holds more than the dataset\n", dir);
        t[r] = ms_since(t0);
    }
    benchReport("limit_readdir_fstatat", benchStats(t, reps), "ms", reps);

    for (size_t r = 0; r < reps; r++) {
        if (pool) {
            scStoragePoolFree(pool);
            scConnectClose(conn);
        }
        pool = fresh_pool(catalog, dir, &conn);
        uint64_t t0 = benchNow();
        if (scStoragePoolCreate(pool, 0) < 0)
            DIE("start");
        t[r] = ms_since(t0);
    }
    benchReport("refresh_first", benchStats(t, reps), "ms", reps);
    if (scStoragePoolNumOfVolumes(pool) != (int) n)
        DIE("expected %zu volumes, found %d", n, scStoragePoolNumOfVolumes(pool));

    for (size_t r = 0; r < reps; r++) {
        uint64_t t0 = benchNow();
        if (scStoragePoolRefresh(pool, 0) < 0)
            DIE("refresh");
        t[r] = ms_since(t0);
    }
    benchReport("refresh_unchanged", benchStats(t, reps), "ms", reps);

    for (size_t r = 0; r < reps; r++) {
        if (benchTouch(dir, n, 1.0) < 0)
            DIE("touch");
        uint64_t t0 = benchNow();
        if (scStoragePoolRefresh(pool, 0) < 0)
            DIE("refresh");
        t[r] = ms_since(t0);
    }
    benchReport("refresh_1pct", benchStats(t, reps), "ms", reps);

    collect_keys(pool, &paths, &uuids, &names, &nkeys);
    bench_lookups(conn, pool, "lookup_path", by_path, paths, nkeys, lookups);
    bench_lookups(conn, pool, "lookup_key", by_key, paths, nkeys, lookups);
    bench_lookups(conn, pool, "lookup_uuid", by_uuid, uuids, nkeys, lookups);
    bench_lookups(conn, pool, "lookup_name", by_name, names, nkeys, lookups);
    bench_sqlite(catalog, paths, nkeys, lookups);

    for (size_t r = 0; r < reps; r++) {
        scStorageVolPtr *vols;
        uint64_t t0 = benchNow();
        int cnt = scStoragePoolListAllVolumes(pool, &vols, 0);
        for (int i = 0; i < cnt; i++) {
            scStorageVolInfo info;
            if (scStorageVolGetInfo(vols[i], &info) < 0)
                DIE("info");
            scStorageVolFree(vols[i]);
        }
        free(vols);
        t[r] = ms_since(t0);
    }
    benchReport("list_all_info", benchStats(t, reps), "ms", reps);

    double rss = (double) benchPeakRssKiB() / 1024.0;
    benchReport("peak_rss", benchStats(&rss, 1), "MiB", 1);
    free_keys(paths, nkeys);
    free_keys(uuids, nkeys);
    free_keys(names, nkeys);
    scStoragePoolFree(pool);
    scConnectClose(conn);
    free(t);
    return 0;
}
