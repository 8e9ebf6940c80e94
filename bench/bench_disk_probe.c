/*
 * bench_disk_probe.c: what the libblkid probes inside a disk's partitions
 * cost alone, the way the disk backend makes them on a first refresh (the
 * figures behind bench/RESULTS.md's "Disk pools" section): the disk
 * opened read-only as storcat opens it, its partitions read (libblkid's
 * partition list), then in each partition a superblock probe asking for
 * TYPE, USAGE, UUID, LABEL and VERSION with blkid_do_safeprobe. Each
 * repetition opens the disk afresh, so that its page cache starts cold
 * (the kernel drops it at the last close), unless another program holds
 * the disk open. Variants, interleaved repetition by repetition:
 *
 *   probes_new_prober   a new prober per partition (storcat before 1887370)
 *   probes_reused       one prober set up once, pointed at each partition
 *   probes_prefetched   the same, after POSIX_FADV_WILLNEED of the areas
 *                       libblkid reads, for all partitions first (storcat
 *                       since 1887370; the areas of diskProbePrefetch in
 *                       backends/disk_table.c)
 *   probes_warm         the reused prober a second time on the same open
 *                       descriptor: libblkid's own cost, no I/O
 *
 *   bench_disk_probe DEV REPS      (DEV: a disk with a partition table,
 *                                   e.g. the one bench/run-disk makes)
 *
 * Lines as bench_common prints them: name, median, min, max, p99, unit,
 * repetitions; each value the time for all partitions, ms.
 */
#include <config.h>

#include <blkid/blkid.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "bench_common.h"

typedef struct {
    unsigned long long off, len;
} Part;

/* The partitions of the disk open on @fd (at most @max). */
static size_t
read_parts(int fd, Part *v, size_t max)
{
    blkid_probe pr = blkid_new_probe();
    blkid_partlist pl;
    size_t n = 0;

    if (!pr || blkid_probe_set_device(pr, fd, 0, 0) < 0)
        return 0;
    blkid_probe_enable_superblocks(pr, 0);
    blkid_probe_enable_partitions(pr, 1);
    if (blkid_do_fullprobe(pr) == 0 && (pl = blkid_probe_get_partitions(pr))) {
        for (int i = 0; i < blkid_partlist_numof_partitions(pl) && n < max; i++) {
            blkid_partition p = blkid_partlist_get_partition(pl, i);
            v[n].off = (unsigned long long) blkid_partition_get_start(p) * 512;
            v[n].len = (unsigned long long) blkid_partition_get_size(p) * 512;
            n++;
        }
    }
    blkid_free_probe(pr);
    return n;
}

static blkid_probe
new_prober(void)
{
    blkid_probe pr = blkid_new_probe();

    if (!pr)
        exit(1);
    blkid_probe_enable_superblocks(pr, 1);
    blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_USAGE |
                                              BLKID_SUBLKS_UUID | BLKID_SUBLKS_LABEL |
                                              BLKID_SUBLKS_VERSION);
    blkid_probe_enable_partitions(pr, 0);
    return pr;
}

static void
prefetch(int fd, const Part *p, unsigned long long off, unsigned long long len)
{
    if (off >= p->len)
        return;
    if (len > p->len - off)
        len = p->len - off;
    posix_fadvise(fd, (off_t) (p->off + off), (off_t) len, POSIX_FADV_WILLNEED);
}

/* As diskProbePrefetch. */
static void
prefetch_part(int fd, const Part *p)
{
    prefetch(fd, p, 0, p->len >= 64ULL << 20 ? 512 << 10 : 20 << 10);
    for (unsigned long long at = 32 << 10; at <= 4 << 20; at *= 2)
        prefetch(fd, p, at, 4096);
    if (p->len > 1440 << 10)
        prefetch(fd, p, p->len - (512 << 10), 512 << 10);
    else
        prefetch(fd, p, p->len > 8192 ? p->len - 8192 : 0, 8192);
}

/* One pass of variant @v over the @n partitions of @fd (@shared: the
 * reused prober): ms. */
static double
pass(int fd, const Part *parts, size_t n, int v, blkid_probe shared)
{
    uint64_t t0 = benchNow();

    if (v == 2)
        for (size_t i = 0; i < n; i++)
            prefetch_part(fd, &parts[i]);
    for (size_t i = 0; i < n; i++) {
        blkid_probe pr = v == 0 ? new_prober() : shared;
        if (blkid_probe_set_device(pr, fd, (blkid_loff_t) parts[i].off,
                                   (blkid_loff_t) parts[i].len) == 0)
            blkid_do_safeprobe(pr);
        if (v == 0)
            blkid_free_probe(pr);
    }
    return benchMsSince(t0);
}

int
main(int argc, char **argv)
{
    static const char *const names[] = { "probes_new_prober", "probes_reused",
                                         "probes_prefetched", "probes_warm" };
    static Part parts[256];
    double *t[4];
    size_t reps, n = 0;
    blkid_probe shared;

    if (argc != 3) {
        fprintf(stderr, "usage: bench_disk_probe DEV REPS\n");
        return 2;
    }
    reps = strtoul(argv[2], NULL, 10);
    for (int v = 0; v < 4; v++)
        if (!(t[v] = calloc(reps ? reps : 1, sizeof(double))))
            return 1;
    shared = new_prober();
    for (size_t r = 0; r < reps; r++) {
        for (int v = 0; v < 3; v++) {
            int fd = open(argv[1], O_RDONLY | O_CLOEXEC | O_NONBLOCK);
            if (fd < 0) {
                perror(argv[1]);
                return 1;
            }
            posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
            if (!(n = read_parts(fd, parts, 256))) {
                fprintf(stderr, "bench_disk_probe: no partitions on %s\n", argv[1]);
                return 1;
            }
            t[v][r] = pass(fd, parts, n, v, shared);
            if (v == 1)
                t[3][r] = pass(fd, parts, n, 1, shared);
            close(fd);
        }
    }
    printf("# %zu partitions\n", n);
    for (int v = 0; v < 4; v++)
        benchReport(names[v], benchStats(t[v], reps), "ms", reps);
    blkid_free_probe(shared);
    for (int v = 0; v < 4; v++)
        free(t[v]);
    return 0;
}
