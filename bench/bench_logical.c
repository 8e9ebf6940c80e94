/*
 * bench_logical.c: a logical pool of N logical volumes in one volume group
 * (1,000 by default), storcat against lvm2 itself and against a bare
 * SQLite lookup, in one run on the same VG (issue 11):
 *
 *   lvm2_lvs_json          one `lvs --reportformat json` of the fields a
 *                          refresh reads (the report libvirt's refresh runs
 *                          in its own format, with a vgs after it)
 *   refresh_first          scStoragePoolRefresh of a started pool whose
 *                          catalog has none of the N LVs yet
 *   refresh_unchanged      scStoragePoolRefresh with nothing changed
 *   lookup_mapper_path     scStorageVolLookupByPath of /dev/mapper/VG-LV
 *                          (an alias, dashes doubled), random LVs
 *   limit_sqlite_alias     the same paths, a bare prepared SELECT over
 *                          volume_paths and volumes of the same catalog
 *
 * then the ratios the issue bounds. It needs root, a loop device and lvm2;
 * without, it says so and exits 0. It makes an image file in a directory
 * of its own, attaches it with `losetup --find --show`, makes a VG with a
 * random name and 64 KiB extents, and puts the N LVs in with one
 * vgcfgrestore of metadata it writes (lvcreate N times would take
 * minutes); the VG, the PV and the loop device go on every exit. Where
 * the kernel has no device-mapper, lvm2 runs with activation disabled
 * (STORCAT_LVM_CONFIG='global{activation=0}'), as storcat does.
 *
 *     bench/bench_logical [--lvs N] [--reps R] [--lookups L] [--keep]
 */
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_common.h"
#include "storcat/storcat.h"

#define DIE(...)                                                                                   \
 do {                                                                                              \
  fprintf(stderr, "bench_logical: " __VA_ARGS__);                                                  \
  fprintf(stderr, ": %s\n", scGetLastErrorMessage());                                              \
  exit(1);                                                                                         \
 } while (0)

#define LV_FIELDS                                                                                  \
 "lv_name,lv_uuid,lv_attr,lv_size,origin,origin_size,pool_lv,lv_tags,lv_active,"                   \
 "segtype,stripes,seg_size,seg_start_pe,devices,vg_extent_size,vg_size,vg_free,"                   \
 "vg_missing_pv_count"

extern char **environ;

static char workdir[256], vg[64], loopdev[64], config[128];
static bool have_dm, keep;

/* ---- running lvm2 --------------------------------------------------------- */

/* Runs @argv with stdout into a pipe read to its end (as storcat reads a
 * report), stderr dropped. Returns the exit status, or -1. */
static int
run(char *const *argv, char **out)
{
    posix_spawn_file_actions_t fa;
    int pipefd[2], status;
    size_t len = 0;
    char buf[65536];
    ssize_t n;
    pid_t pid;

    if (pipe(pipefd) < 0)
        return -1;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addclose(&fa, pipefd[0]);
    if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
        posix_spawn_file_actions_destroy(&fa);
        close(pipefd[0]);
        close(pipefd[1]);
        return -1;
    }
    posix_spawn_file_actions_destroy(&fa);
    close(pipefd[1]);
    if (out)
        *out = NULL;
    while ((n = read(pipefd[0], buf, sizeof(buf))) > 0) {
        if (out) {
            char *grown = realloc(*out, len + (size_t) n + 1);
            if (!grown)
                break;
            *out = grown;
            memcpy(*out + len, buf, (size_t) n);
            len += (size_t) n;
            (*out)[len] = '\0';
        }
    }
    close(pipefd[0]);
    if (waitpid(pid, &status, 0) < 0)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#define LVM(out, prog, ...) run((char *const[]){ prog, "--config", config, __VA_ARGS__, NULL }, out)

static void
cleanup(void)
{
    if (!vg[0])
        return;
    LVM(NULL, "vgremove", "-ff", "-y", vg);
    if (loopdev[0]) {
        LVM(NULL, "pvremove", "-ff", "-y", loopdev);
        run((char *const[]){ "losetup", "-d", loopdev, NULL }, NULL);
    }
    if (!keep && workdir[0])
        run((char *const[]){ "rm", "-rf", workdir, NULL }, NULL);
    vg[0] = '\0';
}

static void
on_signal(int sig)
{
    cleanup();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* ---- the VG ----------------------------------------------------------------- */

/* An LVM ID: 32 characters of lvm2's alphabet, dashed 6-4-4-4-4-4-6. */
static void
make_id(char *buf)
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    unsigned char rnd[32];
    static const int groups[] = { 6, 4, 4, 4, 4, 4, 6 };
    size_t k = 0, o = 0;

    if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
        DIE("getrandom");
    for (size_t g = 0; g < 7; g++) {
        for (int i = 0; i < groups[g]; i++)
            buf[o++] = alphabet[rnd[k++] % 62];
        if (g < 6)
            buf[o++] = '-';
    }
    buf[o] = '\0';
}

/* The VG's metadata with @n LVs of one extent each (from vgcfgbackup of
 * the empty VG in @empty) into @full. */
static void
write_metadata(const char *empty, const char *full, size_t n)
{
    FILE *in = fopen(empty, "r"), *out = fopen(full, "w");
    char *text = NULL, *end, id[40];
    size_t len = 0;
    ssize_t r;

    if (!in || !out || (r = getdelim(&text, &len, '\0', in)) <= 0)
        DIE("cannot read %s or write %s", empty, full);
    /* The VG's block closes with the file's last '}'. */
    if (!(end = strrchr(text, '}')))
        DIE("%s: no closing brace", empty);
    fwrite(text, 1, (size_t) (end - text), out);
    fprintf(out, "\tlogical_volumes {\n");
    for (size_t i = 0; i < n; i++) {
        make_id(id);
        fprintf(out,
                "\t\tlv%05zu {\n\t\t\tid = \"%s\"\n\t\t\tstatus = [\"READ\", \"WRITE\", "
                "\"VISIBLE\"]\n\t\t\tflags = []\n\t\t\tcreation_time = 1700000000\n"
                "\t\t\tcreation_host = \"bench\"\n\t\t\tsegment_count = 1\n"
                "\t\t\tsegment1 {\n\t\t\t\tstart_extent = 0\n\t\t\t\textent_count = 1\n"
                "\t\t\t\ttype = \"striped\"\n\t\t\t\tstripe_count = 1\n"
                "\t\t\t\tstripes = [\"pv0\", %zu]\n\t\t\t}\n\t\t}\n",
                i, id, i);
    }
    fprintf(out, "\t}\n%s", end);
    fclose(in);
    if (fclose(out) != 0)
        DIE("cannot write %s", full);
    free(text);
}

/* Restore the VG's metadata from @file (empty or full); with device-mapper,
 * deactivated before and activated after, as a started pool's LVs are. */
static void
restore(const char *file)
{
    if (have_dm)
        LVM(NULL, "vgchange", "-an", vg);
    if (LVM(NULL, "vgcfgrestore", "-f", (char *) file, vg) != 0)
        DIE("vgcfgrestore -f %s %s", file, vg);
    if (have_dm && LVM(NULL, "vgchange", "-aly", vg) != 0)
        DIE("vgchange -aly %s", vg);
}

static void
make_vg(size_t n, char *empty, char *full, size_t len)
{
    char image[300], *out = NULL, size[32];
    int fd;

    /* 64 KiB per LV, a margin, and metadata areas for N LVs' text. */
    snprintf(image, sizeof(image), "%s/pv.img", workdir);
    if ((fd = open(image, O_RDWR | O_CREAT | O_TRUNC, 0600)) < 0 ||
        ftruncate(fd, (off_t) (n * 65536 + (64u << 20) + n * 4096)) < 0)
        DIE("cannot make %s", image);
    close(fd);
    if (run((char *const[]){ "losetup", "--find", "--show", image, NULL }, &out) != 0 || !out)
        DIE("losetup --find --show %s", image);
    out[strcspn(out, "\n")] = '\0';
    snprintf(loopdev, sizeof(loopdev), "%s", out);
    free(out);
    snprintf(size, sizeof(size), "%zuk", 4096 + n * 2);
    if (LVM(NULL, "pvcreate", "-y", "--metadatasize", size, loopdev) != 0 ||
        LVM(NULL, "vgcreate", "-s", "64k", vg, loopdev) != 0)
        DIE("pvcreate/vgcreate on %s", loopdev);
    snprintf(empty, len, "%s/empty.vg", workdir);
    snprintf(full, len, "%s/full.vg", workdir);
    if (LVM(NULL, "vgcfgbackup", "-f", empty, vg) != 0)
        DIE("vgcfgbackup");
    write_metadata(empty, full, n);
}

/* ---- the measures ------------------------------------------------------------- */

static double
time_lvs(void)
{
    char *out = NULL;
    uint64_t t0 = benchNow();

    if (LVM(&out, "lvs", "--reportformat", "json", "--units", "b", "--nosuffix", "-o", LV_FIELDS,
            vg) != 0 ||
        !out)
        DIE("lvs");
    double ms = benchMsSince(t0);
    free(out);
    return ms;
}

/* A started pool on a new catalog whose VG is empty; then the N LVs
 * arrive, and the pool's next refresh is its first of them. */
static scConnectPtr
fresh_pool(const char *catalog, const char *empty, const char *full, scStoragePoolPtr *pool)
{
    char xml[512], wal[320];
    scConnectPtr conn;

    unlink(catalog);
    snprintf(wal, sizeof(wal), "%s-wal", catalog);
    unlink(wal);
    snprintf(wal, sizeof(wal), "%s-shm", catalog);
    unlink(wal);
    restore(empty);
    if (!(conn = scConnectOpenAuth(catalog, NULL, SC_CONNECT_CREATE)))
        DIE("open %s", catalog);
    snprintf(xml, sizeof(xml),
             "<pool type='logical'><name>%s</name><source><device path='%s'/>"
             "</source></pool>",
             vg, loopdev);
    if (!(*pool = scStoragePoolDefineXML(conn, xml, 0)) || scStoragePoolCreate(*pool, 0) < 0)
        DIE("define and start the pool");
    restore(full);
    return conn;
}

static double
ratio(double a, double b)
{
    return b > 0 ? a / b : 0;
}

int
main(int argc, char **argv)
{
    size_t n = 1000, reps = 5, lookups = 20000;
    char empty[300], full[300], catalog[300], path[300];
    double *t, lvs_ms, first_ratio, unchanged_ms, look_us, bare_us;
    scStoragePoolPtr pool = NULL;
    scConnectPtr conn = NULL;
    unsigned int rnd;
    int fd;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--lvs") == 0 && i + 1 < argc)
            n = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
            reps = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--lookups") == 0 && i + 1 < argc)
            lookups = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--keep") == 0)
            keep = true;
        else {
            fprintf(stderr, "usage: bench_logical [--lvs N] [--reps R] [--lookups L] [--keep]\n");
            return 2;
        }
    }
    if (geteuid() != 0 || access("/dev/loop-control", F_OK) != 0) {
        printf("# bench_logical: skipped: it needs root and loop devices\n");
        return 0;
    }
    have_dm = (fd = open("/dev/mapper/control", O_RDWR | O_CLOEXEC)) >= 0;
    if (fd >= 0)
        close(fd);
    snprintf(config, sizeof(config), "%sdevices{use_devicesfile=0}",
             have_dm ? "" : "global{activation=0} ");
    setenv("STORCAT_LVM_CONFIG", config, 1);
    setenv("LVM_SUPPRESS_FD_WARNINGS", "1", 1);
    snprintf(workdir, sizeof(workdir), "%s/storcat-bench-lvm.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(workdir))
        DIE("mkdtemp");
    if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
        rnd = (unsigned int) getpid();
    /* A dash in the name: /dev/mapper doubles it. */
    snprintf(vg, sizeof(vg), "scbench-%u-%08x", (unsigned int) getpid(), rnd);
    atexit(cleanup);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal);
    make_vg(n, empty, full, sizeof(empty));
    printf("# bench_logical: %zu LVs in volume group %s on %s (%s)\n", n, vg, loopdev,
           have_dm ? "device-mapper" : "no device-mapper: activation disabled");
    snprintf(catalog, sizeof(catalog), "%s/catalog.db", workdir);
    if (!(t = calloc(lookups > 64 ? lookups : 64, sizeof(*t))))
        DIE("out of memory");

    /* The machine may be busy with other work: each first refresh is timed
     * right after an lvs call of its own, and the ratio is the median of
     * the pairs'. */
    double *lvs_t = calloc(reps, sizeof(double)),
           *ratios = calloc(reps > 20 ? reps : 20, sizeof(double));
    if (!lvs_t || !ratios)
        DIE("out of memory");
    restore(full);
    time_lvs(); /* lvm2's files into the page cache */
    for (size_t i = 0; i < reps; i++) {
        if (pool)
            scStoragePoolFree(pool);
        if (conn)
            scConnectClose(conn);
        conn = fresh_pool(catalog, empty, full, &pool);
        lvs_t[i] = time_lvs();
        uint64_t t0 = benchNow();
        if (scStoragePoolRefresh(pool, 0) < 0)
            DIE("refresh");
        t[i] = benchMsSince(t0);
        ratios[i] = ratio(t[i], lvs_t[i]);
        if (scStoragePoolNumOfVolumes(pool) != (int) n)
            DIE("%d volumes after the first refresh, not %zu", scStoragePoolNumOfVolumes(pool), n);
    }
    benchReport("refresh_first", benchStats(t, reps), "ms", reps);
    benchReport("lvm2_lvs_json", benchStats(lvs_t, reps), "ms", reps);
    first_ratio = benchStats(ratios, reps).median;
    lvs_ms = benchStats(lvs_t, reps).median;

    for (size_t i = 0; i < 20; i++) {
        uint64_t t0 = benchNow();
        if (scStoragePoolRefresh(pool, 0) < 0)
            DIE("refresh");
        t[i] = benchMsSince(t0);
    }
    unchanged_ms = benchStats(t, 20).median;
    benchReport("refresh_unchanged", benchStats(t, 20), "ms", 20);

    /* Lookups of random LVs by their /dev/mapper path, and the bare query
     * over the same catalog, in alternate blocks of 1,000 (after 1,000 of
     * each to warm up), so that a busy spell hits both alike. */
    size_t *order = benchLookupOrder(n, lookups, BENCH_SEED);
    size_t *warm = benchLookupOrder(n, 1000, BENCH_WARM_SEED);
    double *bare = calloc(lookups, sizeof(double));
    char dm_vg[2 * sizeof(vg)];
    sqlite3 *db;
    sqlite3_stmt *st;
    size_t o = 0;

    for (const char *p = vg; *p; p++) {
        dm_vg[o++] = *p;
        if (*p == '-')
            dm_vg[o++] = '-';
    }
    dm_vg[o] = '\0';
    if (!bare || sqlite3_open_v2(catalog, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v3(db,
                           "SELECT v.id, v.uuid, v.name, v.key FROM volume_paths a"
                           " JOIN volumes v ON v.id = a.volume_id WHERE a.path = ?1",
                           -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
        DIE("sqlite: %s", sqlite3_errmsg(db));
    for (size_t block = 0; block * 1000 < lookups + 1000; block++) {
        for (int side = 0; side < 2; side++) {
            for (size_t j = block * 1000; j < (block + 1) * 1000 && j < lookups + 1000; j++) {
                size_t idx = j < 1000 ? warm[j] : order[j - 1000];
                snprintf(path, sizeof(path), "/dev/mapper/%s-lv%05zu", dm_vg, idx);
                uint64_t t0 = benchNow();
                if (side == 0) {
                    scStorageVolPtr vol = scStorageVolLookupByPath(conn, path);
                    double us = (double) (benchNow() - t0) / 1e3;
                    if (!vol)
                        DIE("lookup of %s", path);
                    scStorageVolFree(vol);
                    if (j >= 1000)
                        t[j - 1000] = us;
                } else {
                    sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
                    if (sqlite3_step(st) != SQLITE_ROW)
                        DIE("sqlite lookup of %s", path);
                    sqlite3_reset(st);
                    if (j >= 1000)
                        bare[j - 1000] = (double) (benchNow() - t0) / 1e3;
                }
            }
        }
    }
    look_us = benchStats(t, lookups).median;
    bare_us = benchStats(bare, lookups).median;
    benchReport("lookup_mapper_path", benchStats(t, lookups), "us", lookups);
    benchReport("limit_sqlite_alias", benchStats(bare, lookups), "us", lookups);
    sqlite3_finalize(st);
    sqlite3_close(db);

    printf("# first refresh / lvs:         %.2fx (bound 1.2x; the median of %zu pairs)\n",
           first_ratio, reps);
    printf("# lvs / unchanged refresh:     %.1fx (bound >= 20x; unchanged <= 5 ms: %.3f ms)\n",
           ratio(lvs_ms, unchanged_ms), unchanged_ms);
    printf("# lookup / bare SQLite lookup: %.2fx (bound 1.1x)\n", ratio(look_us, bare_us));
    scStoragePoolFree(pool);
    scConnectClose(conn);
    free(order);
    free(warm);
    free(bare);
    free(lvs_t);
    free(ratios);
    free(t);
    return 0;
}
