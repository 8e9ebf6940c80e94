/*
 * bench_libvirt.c: libvirt's side of the benchmarks: the same figures as
 * bench_storcat.c, on the same data, through libvirt's C API (a dir pool
 * per directory, served by a libvirtd that bench/run starts for the run).
 * Built by bench/run with `cc $(pkg-config --cflags --libs libvirt)`,
 * only where libvirt-dev is installed (automake does not build it).
 *
 *   bench_libvirt [--uri URI] DIR N [REPS [LOOKUPS]]
 *   refresh_first           virStoragePoolCreate of the pool (libvirt probes every file)
 *   refresh_unchanged       virStoragePoolRefresh, nothing changed
 *   refresh_1pct            virStoragePoolRefresh after 1% of the files changed
 *   daemon_rss              libvirtd's resident memory (VmRSS) with this pool
 *   lookup_path/key/name    virStorageVolLookupByPath/ByKey/ByName, per call
 *   list_all_info           virStoragePoolListAllVolumes + virStorageVolGetInfo,
 *                           or "refused" with libvirt's message
 *
 *   bench_libvirt [--uri URI] --pools ROOT NPOOLS PER [LOOKUPS]
 *       NPOOLS pools of PER files: start_all (once) and the lookups.
 *
 *   bench_libvirt [--uri URI] --inventory ROOT NPOOLS PER [REPS [LISTREPS]]
 *       defines the large inventory's pools (autostarted), starts them
 *       (start_all, once), refresh_all_unchanged, list_all_info of every
 *       pool (LISTREPS times, default REPS: a million GetInfo calls take
 *       minutes), daemon_rss and daemon_hwm; leaves the pools defined.
 *
 *   bench_libvirt [--uri URI] --cold ROOT NPOOLS PER [REPS]
 *       with no libvirtd running and the --inventory pools defined: starts
 *       libvirtd (the one in PATH, with this process's environment) and
 *       times it from just before the fork until its first
 *       virStorageVolLookupByPath answers (cold_start); cold_rss is
 *       libvirtd's VmHWM then. The daemon is stopped (SIGTERM) after each
 *       repetition.
 *
 * The daemon's pid is read from $XDG_RUNTIME_DIR/libvirt/libvirtd.pid
 * (libvirtd's own pid file in session mode). LIBVIRT_AUTOSTART=0 is set,
 * so that libvirt's client never starts a daemon behind bench/run's back.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "bench_common.h"

#define DIE(...)                                                             \
    do {                                                                     \
        fprintf(stderr, "bench_libvirt: " __VA_ARGS__);                      \
        fprintf(stderr, ": %s\n", virGetLastErrorMessage());                 \
        exit(1);                                                             \
    } while (0)

typedef enum {
    BY_PATH,
    BY_KEY,
    BY_NAME,
} LookupKind;

static const char *uri = "qemu:///session";
static volatile pid_t cold_daemon; /* the libvirtd that --cold started, while it runs */

/* libvirt prints every error on stderr by default; we report our own. */
static void
quiet(void *opaque, virErrorPtr err)
{
    (void) opaque;
    (void) err;
}

static void
sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* The pid of the running libvirtd, from its pid file, or 0. */
static pid_t
daemon_pid(void)
{
    const char *rt = getenv("XDG_RUNTIME_DIR");
    char path[4096];
    long pid = 0;
    FILE *f;

    if (!rt)
        return 0;
    snprintf(path, sizeof(path), "%s/libvirt/libvirtd.pid", rt);
    if (!(f = fopen(path, "r")))
        return 0;
    if (fscanf(f, "%ld", &pid) != 1)
        pid = 0;
    fclose(f);
    return (pid_t) pid;
}

static void
report_daemon_kib(const char *name, const char *field)
{
    pid_t pid = daemon_pid();
    long kib = pid ? benchProcStatusKiB(pid, field) : -1;

    if (kib < 0)
        fprintf(stderr, "bench_libvirt: no %s for libvirtd (pid %ld)\n", field, (long) pid);
    else
        benchReportOne(name, (double) kib / 1024.0, "MiB");
}

/* Define pool @name on @dir, undefining a leftover of that name first. */
static virStoragePoolPtr
define_pool(virConnectPtr conn, const char *name, const char *dir)
{
    char xml[8192];
    virStoragePoolPtr pool = virStoragePoolLookupByName(conn, name);

    if (pool) {
        if (virStoragePoolIsActive(pool) == 1)
            virStoragePoolDestroy(pool);
        virStoragePoolUndefine(pool);
        virStoragePoolFree(pool);
    }
    snprintf(xml, sizeof(xml),
             "<pool type='dir'><name>%s</name><target><path>%s</path></target></pool>", name, dir);
    if (!(pool = virStoragePoolDefineXML(conn, xml, 0)))
        DIE("define %s", name);
    return pool;
}

static virStoragePoolPtr *
start_pools(virConnectPtr conn, const BenchSet *s, const char *prefix, int autostart)
{
    size_t np = benchSetPools(s);
    virStoragePoolPtr *pools = calloc(np, sizeof(*pools));
    char name[64], dir[4096];

    for (size_t p = 0; p < np; p++) {
        snprintf(name, sizeof(name), "%s%03zu", prefix, p);
        benchSetPoolDir(s, p, dir, sizeof(dir));
        pools[p] = define_pool(conn, name, dir);
        if (autostart && virStoragePoolSetAutostart(pools[p], 1) < 0)
            DIE("autostart %s", name);
    }
    for (size_t p = 0; p < np; p++)
        if (virStoragePoolCreate(pools[p], 0) < 0)
            DIE("start pool %zu", p);
    return pools;
}

/* Stop and undefine the pools (unless @keep), and drop the handles. */
static void
free_pools(virStoragePoolPtr *pools, size_t np, int keep)
{
    for (size_t p = 0; p < np; p++) {
        if (!keep) {
            virStoragePoolDestroy(pools[p]);
            virStoragePoolUndefine(pools[p]);
        }
        virStoragePoolFree(pools[p]);
    }
    free(pools);
}

static virStorageVolPtr
lookup_one(virConnectPtr conn, virStoragePoolPtr *pools, const BenchSet *s, LookupKind kind,
           size_t idx, double *us)
{
    char key[4200];
    virStorageVolPtr vol = NULL;
    uint64_t t0;

    if (kind == BY_NAME)
        benchFileName(idx % s->per, key, sizeof(key));
    else
        benchSetVolPath(s, idx, key, sizeof(key));
    t0 = benchNow();
    switch (kind) {
    case BY_PATH:
        vol = virStorageVolLookupByPath(conn, key);
        break;
    case BY_KEY:
        /* A dir pool's volume key is its path. */
        vol = virStorageVolLookupByKey(conn, key);
        break;
    case BY_NAME:
        vol = virStorageVolLookupByName(pools[idx / s->per], key);
        break;
    }
    *us = (double) (benchNow() - t0) / 1e3;
    if (!vol)
        DIE("lookup of '%s'", key);
    return vol;
}

/* As bench_storcat.c: 1,000 warm-up lookups, then @lookups timed ones. */
static void
bench_lookups(virConnectPtr conn, virStoragePoolPtr *pools, const BenchSet *s, LookupKind kind,
              const char *name, size_t lookups)
{
    size_t total = benchSetTotal(s), nwarm = lookups < 1000 ? lookups : 1000;
    size_t *warm = benchLookupOrder(total, nwarm, BENCH_WARM_SEED);
    size_t *order = benchLookupOrder(total, lookups, BENCH_SEED);
    double *t = malloc(lookups * sizeof(*t)), dummy;

    if (!warm || !order || !t)
        DIE("out of memory");
    for (size_t i = 0; i < nwarm; i++)
        virStorageVolFree(lookup_one(conn, pools, s, kind, warm[i], &dummy));
    for (size_t i = 0; i < lookups; i++)
        virStorageVolFree(lookup_one(conn, pools, s, kind, order[i], &t[i]));
    benchReport(name, benchStats(t, lookups), "us", lookups);
    free(t);
    free(order);
    free(warm);
}

static void
bench_all_lookups(virConnectPtr conn, virStoragePoolPtr *pools, const BenchSet *s, size_t lookups)
{
    bench_lookups(conn, pools, s, BY_PATH, "lookup_path", lookups);
    bench_lookups(conn, pools, s, BY_KEY, "lookup_key", lookups);
    bench_lookups(conn, pools, s, BY_NAME, "lookup_name", lookups);
}

/* List every volume of every pool with its info; libvirt's refusal (its
 * RPC limit of 16,384 volumes per call) is the result then. */
static void
bench_list(virStoragePoolPtr *pools, const BenchSet *s, size_t reps)
{
    double *t = calloc(reps, sizeof(*t));

    for (size_t r = 0; r < reps; r++) {
        size_t seen = 0;
        uint64_t t0 = benchNow();
        for (size_t p = 0; p < benchSetPools(s); p++) {
            virStorageVolPtr *vols;
            int cnt = virStoragePoolListAllVolumes(pools[p], &vols, 0);
            if (cnt < 0) {
                benchReportRefused("list_all_info", virGetLastErrorMessage());
                free(t);
                return;
            }
            for (int i = 0; i < cnt; i++) {
                virStorageVolInfo info;
                if (virStorageVolGetInfo(vols[i], &info) < 0)
                    DIE("info");
                virStorageVolFree(vols[i]);
            }
            free(vols);
            seen += (size_t) cnt;
        }
        t[r] = benchMsSince(t0);
        if (seen != benchSetTotal(s))
            DIE("listed %zu volumes, not %zu", seen, benchSetTotal(s));
    }
    benchReport("list_all_info", benchStats(t, reps), "ms", reps);
    free(t);
}

static virConnectPtr
connect_or_die(void)
{
    virConnectPtr conn = virConnectOpen(uri);

    if (!conn)
        DIE("cannot connect to %s", uri);
    return conn;
}

static int
mode_single(const char *dir, size_t n, size_t reps, size_t lookups)
{
    BenchSet s = { dir, 0, n };
    virConnectPtr conn = connect_or_die();
    double *t = calloc(reps, sizeof(*t));
    virStoragePoolPtr pool;
    char name[64];

    if (benchSetPopulate(&s) < 0)
        DIE("cannot make the dataset in %s", dir);
    if (benchSetWarmUp(&s) < 0) /* the same warm-up as bench_storcat's */
        DIE("warm-up of %s", dir);
    snprintf(name, sizeof(name), "n%zu", n);
    pool = define_pool(conn, name, dir);

    for (size_t r = 0; r < reps; r++) {
        if (virStoragePoolIsActive(pool) == 1 && virStoragePoolDestroy(pool) < 0)
            DIE("stop");
        uint64_t t0 = benchNow();
        if (virStoragePoolCreate(pool, 0) < 0)
            DIE("start");
        t[r] = benchMsSince(t0);
    }
    benchReport("refresh_first", benchStats(t, reps), "ms", reps);
    if (virStoragePoolNumOfVolumes(pool) != (int) n)
        DIE("expected %zu volumes, found %d", n, virStoragePoolNumOfVolumes(pool));

    for (size_t r = 0; r < reps; r++) {
        uint64_t t0 = benchNow();
        if (virStoragePoolRefresh(pool, 0) < 0)
            DIE("refresh");
        t[r] = benchMsSince(t0);
    }
    benchReport("refresh_unchanged", benchStats(t, reps), "ms", reps);

    for (size_t r = 0; r < reps; r++) {
        if (benchTouch(dir, n, 1.0) < 0)
            DIE("touch");
        uint64_t t0 = benchNow();
        if (virStoragePoolRefresh(pool, 0) < 0)
            DIE("refresh");
        t[r] = benchMsSince(t0);
    }
    benchReport("refresh_1pct", benchStats(t, reps), "ms", reps);
    report_daemon_kib("daemon_rss", "VmRSS");

    bench_all_lookups(conn, &pool, &s, lookups);
    bench_list(&pool, &s, reps);
    virStoragePoolDestroy(pool);
    virStoragePoolUndefine(pool);
    virStoragePoolFree(pool);
    virConnectClose(conn);
    free(t);
    return 0;
}

static int
mode_pools(const char *root, size_t npools, size_t per, size_t lookups)
{
    BenchSet s = { root, npools, per };
    virConnectPtr conn = connect_or_die();
    virStoragePoolPtr *pools;

    if (benchSetPopulate(&s) < 0)
        DIE("cannot make the dataset in %s", root);
    if (benchSetWarmUp(&s) < 0)
        DIE("warm-up of %s", root);
    uint64_t t0 = benchNow();
    pools = start_pools(conn, &s, "p", 0);
    benchReportOne("start_all", benchMsSince(t0), "ms");
    bench_all_lookups(conn, pools, &s, lookups);
    report_daemon_kib("daemon_rss", "VmRSS");
    free_pools(pools, npools, 0);
    virConnectClose(conn);
    return 0;
}

static int
mode_inventory(const char *root, size_t npools, size_t per, size_t reps, size_t listreps)
{
    BenchSet s = { root, npools, per };
    virConnectPtr conn = connect_or_die();
    double *t = calloc(reps, sizeof(*t));
    virStoragePoolPtr *pools;

    if (benchSetPopulate(&s) < 0)
        DIE("cannot make the dataset in %s", root);
    if (benchSetWarmUp(&s) < 0)
        DIE("warm-up of %s", root);
    uint64_t t0 = benchNow();
    pools = start_pools(conn, &s, "m", 1);
    benchReportOne("start_all", benchMsSince(t0), "ms");
    report_daemon_kib("daemon_rss", "VmRSS");
    for (size_t r = 0; r < reps; r++) {
        t0 = benchNow();
        for (size_t p = 0; p < npools; p++)
            if (virStoragePoolRefresh(pools[p], 0) < 0)
                DIE("refresh");
        t[r] = benchMsSince(t0);
    }
    benchReport("refresh_all_unchanged", benchStats(t, reps), "ms", reps);
    bench_list(pools, &s, listreps);
    report_daemon_kib("daemon_hwm", "VmHWM");
    free_pools(pools, npools, 1);
    virConnectClose(conn);
    free(t);
    return 0;
}

/* bench/run stops what it started; a daemon started here is ours to stop. */
static void
on_signal(int sig)
{
    if (cold_daemon > 0)
        kill(cold_daemon, SIGTERM);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Start libvirtd, time it to the answer of one lookup, stop it. */
static void
cold_once(const char *path, double *ms, double *hwm)
{
    virConnectPtr conn = NULL;
    virStorageVolPtr vol = NULL;
    int status;
    pid_t pid;

    uint64_t t0 = benchNow();
    if ((pid = fork()) < 0)
        DIE("fork: %s", strerror(errno));
    if (pid == 0) {
        const char *home = getenv("HOME");
        char log[4096];
        int fd;

        snprintf(log, sizeof(log), "%s/libvirtd-cold.log", home ? home : "/tmp");
        if ((fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644)) >= 0) {
            dup2(fd, STDOUT_FILENO);
            dup2(fd, STDERR_FILENO);
            close(fd);
        }
        execlp("libvirtd", "libvirtd", "--timeout", "600", (char *) NULL);
        _exit(127);
    }
    cold_daemon = pid;
    /* Poll: no connection until the socket is there, and an error (no such
     * volume) until the pool holding @path has been started and probed. */
    while (!vol) {
        if (waitpid(pid, &status, WNOHANG) == pid)
            DIE("libvirtd exited (status %d)", status);
        if (!conn && !(conn = virConnectOpen(uri))) {
            sleep_ms(1);
            continue;
        }
        if (!(vol = virStorageVolLookupByPath(conn, path)))
            sleep_ms(1);
    }
    *ms = benchMsSince(t0);
    *hwm = (double) benchProcStatusKiB(pid, "VmHWM") / 1024.0;
    virStorageVolFree(vol);
    virConnectClose(conn);
    kill(pid, SIGTERM);
    if (waitpid(pid, &status, 0) != pid)
        DIE("waitpid: %s", strerror(errno));
    cold_daemon = 0;
}

static int
mode_cold(const char *root, size_t npools, size_t per, size_t reps)
{
    BenchSet s = { root, npools, per };
    size_t *first = benchLookupOrder(benchSetTotal(&s), 1, BENCH_SEED);
    double *t = calloc(reps, sizeof(*t)), *hwm = calloc(reps, sizeof(*hwm));
    char path[4200];

    if (daemon_pid() > 0 && kill(daemon_pid(), 0) == 0)
        DIE("a libvirtd is running (pid %ld): --cold starts its own", (long) daemon_pid());
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal);
    benchSetVolPath(&s, first[0], path, sizeof(path));
    for (size_t r = 0; r < reps; r++)
        cold_once(path, &t[r], &hwm[r]);
    benchReport("cold_start", benchStats(t, reps), "ms", reps);
    benchReport("cold_rss", benchStats(hwm, reps), "MiB", reps);
    free(hwm);
    free(t);
    free(first);
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
    unsigned long lib = 0;

    /* Never let the client start a daemon of its own. */
    setenv("LIBVIRT_AUTOSTART", "0", 1);
    virSetErrorFunc(NULL, quiet);
    if (argc > 2 && strcmp(argv[1], "--uri") == 0) {
        uri = argv[2];
        argc -= 2;
        argv += 2;
    }
    virGetVersion(&lib, NULL, NULL);
    printf("# libvirt %lu.%lu.%lu, %s\n", lib / 1000000, lib / 1000 % 1000, lib % 1000, uri);
    if (argc >= 5 && strcmp(argv[1], "--pools") == 0)
        return mode_pools(argv[2], arg(argc, argv, 3, 100), arg(argc, argv, 4, 1000),
                          arg(argc, argv, 5, 100000));
    if (argc >= 5 && strcmp(argv[1], "--inventory") == 0)
        return mode_inventory(argv[2], arg(argc, argv, 3, 100), arg(argc, argv, 4, 10000),
                              arg(argc, argv, 5, 5), arg(argc, argv, 6, arg(argc, argv, 5, 5)));
    if (argc >= 5 && strcmp(argv[1], "--cold") == 0)
        return mode_cold(argv[2], arg(argc, argv, 3, 100), arg(argc, argv, 4, 10000),
                         arg(argc, argv, 5, 5));
    if (argc < 3 || argv[1][0] == '-') {
        fprintf(stderr,
                "usage: bench_libvirt [--uri URI] DIR N [REPS [LOOKUPS]]\n"
                "       bench_libvirt [--uri URI] --pools ROOT NPOOLS PER [LOOKUPS]\n"
                "       bench_libvirt [--uri URI] --inventory ROOT NPOOLS PER [REPS [LISTREPS]]\n"
                "       bench_libvirt [--uri URI] --cold ROOT NPOOLS PER [REPS]\n");
        return 2;
    }
    return mode_single(argv[1], arg(argc, argv, 2, 0), arg(argc, argv, 3, 5),
                       arg(argc, argv, 4, 100000));
}
