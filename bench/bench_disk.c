/*
 * bench_disk.c: the disk backend's figures (issue 12), on a disk that
 * bench/run-disk prepares (a GPT with 128 partitions on a loop device):
 *
 *   sfdisk_json             `sfdisk --json DEV` run as a process, per run
 *   first_start             scStoragePoolCreate on a new catalog: the
 *                           label checked, the kernel's partitions checked,
 *                           the start recorded, and the first inventory of
 *                           the 128 partitions (libfdisk, libblkid inside
 *                           each, the catalog written), per run
 *   first_refresh           scStoragePoolRefresh of that started pool after
 *                           its catalog forgot every volume (deleted with
 *                           SQL, the token cleared): the first inventory
 *                           alone, per run
 *   unchanged_refresh       scStoragePoolRefresh of that pool, the table
 *                           unchanged, per call
 *   lookup_path             scStorageVolLookupByPath of a partition node
 *                           (and the handle freed), per call, over LOOKUPS
 *                           random partitions
 *   limit_sqlite_lookup     the same lookups as one bare prepared, indexed
 *                           SQLite query on the same catalog (bench_storcat's
 *                           limit: the row is stepped to, its columns not read)
 *   limit_sqlite_lookup_read  the same, reading the identity a handle needs
 *                           (uuid, name, key copied out)
 *
 *   bench_disk DEV WORKDIR REPS LOOKUPS
 *
 * Every line: name, median, min, max, p99, unit, repetitions (or
 * lookups), as bench_storcat prints them (bench_common.c).
 */
#include <config.h>

#include <fcntl.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <storcat/storcat.h>

#include "bench_common.h"

extern char **environ;

#define DIE(...)                                                             \
    do {                                                                     \
        fprintf(stderr, "bench_disk: " __VA_ARGS__);                         \
        fprintf(stderr, ": %s\n", scGetLastErrorMessage());                  \
        exit(1);                                                             \
    } while (0)

#define NPARTS 128

static const char *dev;

/* One run of `sfdisk --json DEV`, its output thrown away: ms. */
static double
sfdisk_once(void)
{
    posix_spawn_file_actions_t fa;
    char *argv[] = { "sfdisk", "--json", (char *) dev, NULL };
    uint64_t t0;
    pid_t pid;
    int status;

    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    t0 = benchNow();
    if (posix_spawnp(&pid, "sfdisk", &fa, NULL, argv, environ) != 0 ||
        waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        DIE("sfdisk --json %s failed", dev);
    posix_spawn_file_actions_destroy(&fa);
    return benchMsSince(t0);
}

/* Column @col of @st into @buf, as storcat's catalog copies one. */
static void
copy_column(sqlite3_stmt *st, int col, char *buf, size_t size)
{
    const unsigned char *text = sqlite3_column_text(st, col);
    size_t len = text ? (size_t) sqlite3_column_bytes(st, col) : 0;

    if (len >= size)
        len = size - 1;
    memcpy(buf, text ? (const char *) text : "", len);
    buf[len] = '\0';
}

static scConnectPtr
new_pool(const char *catalog, scStoragePoolPtr *pool)
{
    char xml[512];
    scConnectPtr conn;

    unlink(catalog);
    if (!(conn = scConnectOpenAuth(catalog, NULL, SC_CONNECT_CREATE)))
        DIE("cannot open %s", catalog);
    snprintf(xml, sizeof(xml),
             "<pool type='disk'><name>bench</name><source><device path='%s'/>"
             "<format type='gpt'/></source><target><path>/dev</path></target></pool>",
             dev);
    if (!(*pool = scStoragePoolDefineXML(conn, xml, 0)))
        DIE("cannot define the pool");
    return conn;
}

int
main(int argc, char **argv)
{
    char catalog[4096], path[64];
    const char *kname;
    size_t reps, lookups, *order;
    scStoragePoolPtr pool = NULL;
    scConnectPtr conn = NULL;
    double *t;

    if (argc != 5) {
        fprintf(stderr, "usage: bench_disk DEV WORKDIR REPS LOOKUPS\n");
        return 2;
    }
    dev = argv[1];
    kname = strrchr(dev, '/') + 1;
    reps = strtoul(argv[3], NULL, 10);
    lookups = strtoul(argv[4], NULL, 10);
    snprintf(catalog, sizeof(catalog), "%s/catalog.db", argv[2]);
    if (!(t = calloc(reps > lookups ? reps : lookups, sizeof(*t))))
        return 1;

    /* sfdisk --json, warm cache (one run first). */
    sfdisk_once();
    for (size_t i = 0; i < reps; i++)
        t[i] = sfdisk_once();
    benchReport("sfdisk_json", benchStats(t, reps), "ms", reps);

    /* The first refresh: a new catalog each time, one start. */
    for (size_t i = 0; i <= reps; i++) {
        uint64_t t0;
        conn = new_pool(catalog, &pool);
        t0 = benchNow();
        if (scStoragePoolCreate(pool, 0) < 0)
            DIE("cannot start the pool");
        if (i > 0) /* the first one warms libblkid's and SQLite's caches */
            t[i - 1] = benchMsSince(t0);
        if (scStoragePoolNumOfVolumes(pool) != NPARTS)
            DIE("the pool has %d volumes, not %d", scStoragePoolNumOfVolumes(pool), NPARTS);
        if (i < reps) {
            scStoragePoolFree(pool);
            scConnectClose(conn);
        }
    }
    benchReport("first_start", benchStats(t, reps), "ms", reps);

    /* The first inventory alone: the catalog forgets, the pool refreshes. */
    for (size_t i = 0; i <= reps; i++) {
        sqlite3 *db;
        uint64_t t0;
        if (sqlite3_open(catalog, &db) != SQLITE_OK ||
            sqlite3_exec(db, "DELETE FROM volumes; UPDATE pools SET change_token = NULL", NULL,
                         NULL, NULL) != SQLITE_OK)
            DIE("cannot empty the catalog");
        sqlite3_close(db);
        t0 = benchNow();
        if (scStoragePoolRefresh(pool, 0) < 0)
            DIE("refresh failed");
        if (i > 0)
            t[i - 1] = benchMsSince(t0);
        if (scStoragePoolNumOfVolumes(pool) != NPARTS)
            DIE("the pool has %d volumes, not %d", scStoragePoolNumOfVolumes(pool), NPARTS);
    }
    benchReport("first_refresh", benchStats(t, reps), "ms", reps);

    /* Unchanged refreshes of that pool. */
    for (size_t i = 0; i < 10; i++)
        scStoragePoolRefresh(pool, 0);
    for (size_t i = 0; i < reps * 10 && i < lookups; i++) {
        uint64_t t0 = benchNow();
        if (scStoragePoolRefresh(pool, 0) < 0)
            DIE("refresh failed");
        t[i] = benchMsSince(t0);
    }
    benchReport("unchanged_refresh", benchStats(t, reps * 10 < lookups ? reps * 10 : lookups),
                "ms", reps * 10 < lookups ? reps * 10 : lookups);

    /* Lookups by partition node, then the bare SQLite lookup. */
    order = benchLookupOrder(NPARTS, lookups, BENCH_SEED);
    for (size_t i = 0; i < 1000; i++) {
        snprintf(path, sizeof(path), "/dev/%sp%zu", kname, 1 + (i % NPARTS));
        scStorageVolFree(scStorageVolLookupByPath(conn, path));
    }
    for (size_t i = 0; i < lookups; i++) {
        scStorageVolPtr v;
        uint64_t t0;
        snprintf(path, sizeof(path), "/dev/%sp%zu", kname, 1 + order[i]);
        t0 = benchNow();
        if (!(v = scStorageVolLookupByPath(conn, path)))
            DIE("lookup of %s", path);
        scStorageVolFree(v);
        t[i] = (double) (benchNow() - t0) / 1000.0;
    }
    benchReport("lookup_path", benchStats(t, lookups), "us", lookups);
    for (int read = 0; read <= 1; read++) {
        char uuid[40], name[256], key[256];
        sqlite3 *db;
        sqlite3_stmt *st;
        if (sqlite3_open_v2(catalog, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
            sqlite3_prepare_v3(db, "SELECT id, uuid, name, key FROM volumes WHERE path = ?1", -1,
                               SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
            DIE("sqlite");
        for (size_t i = 0; i < 1000 + lookups; i++) {
            uint64_t t0;
            snprintf(path, sizeof(path), "/dev/%sp%zu",
                     kname, 1 + (i < 1000 ? i % NPARTS : order[i - 1000]));
            t0 = benchNow();
            sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
            if (sqlite3_step(st) != SQLITE_ROW)
                DIE("sqlite lookup of '%s'", path);
            if (read) {
                copy_column(st, 1, uuid, sizeof(uuid));
                copy_column(st, 2, name, sizeof(name));
                copy_column(st, 3, key, sizeof(key));
            }
            sqlite3_reset(st);
            if (i >= 1000)
                t[i - 1000] = (double) (benchNow() - t0) / 1000.0;
        }
        sqlite3_finalize(st);
        sqlite3_close(db);
        benchReport(read ? "limit_sqlite_lookup_read" : "limit_sqlite_lookup",
                    benchStats(t, lookups), "us", lookups);
    }
    free(order);
    free(t);
    scStoragePoolDestroy(pool);
    scStoragePoolFree(pool);
    scConnectClose(conn);
    return 0;
}
