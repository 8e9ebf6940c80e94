/*
 * bench_common.c: clock, statistics, output lines, the dataset, the order
 * of the random lookups, the readdir+fstatat limit and memory figures of
 * the benchmark drivers (see bench_common.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench_common.h"

uint64_t
benchNow(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
}

double
benchMsSince(uint64_t t0)
{
    return (double) (benchNow() - t0) / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

BenchStats
benchStats(double *v, size_t n)
{
    BenchStats s = { 0, 0, 0, 0 };
    if (n == 0)
        return s;
    qsort(v, n, sizeof(*v), cmp_double);
    s.min = v[0];
    s.max = v[n - 1];
    s.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    s.p99 = v[(size_t) ((double) (n - 1) * 0.99)];
    return s;
}

void
benchReport(const char *name, BenchStats s, const char *unit, size_t reps)
{
    printf("%-28s %12.3f %12.3f %12.3f %12.3f %-4s %zu\n", name, s.median, s.min, s.max, s.p99,
           unit, reps);
    fflush(stdout);
}

void
benchReportOne(const char *name, double value, const char *unit)
{
    BenchStats s = { value, value, value, value };
    benchReport(name, s, unit, 1);
}

void
benchReportRefused(const char *name, const char *why)
{
    printf("%-28s %12s %12s %12s %12s %-4s %d\n", name, "-", "-", "-", "-", "refused", 0);
    /* One line, so that the table can quote it. */
    printf("# %s: ", name);
    for (const char *p = why; *p; p++)
        putchar(*p == '\n' ? ' ' : *p);
    putchar('\n');
    fflush(stdout);
}

void
benchFileName(size_t i, char *buf, size_t len)
{
    snprintf(buf, len, "v%07zu.%s", i, i % 10 == 9 ? "qcow2" : "img");
}

/* Write @len bytes of @data to a new file @path, leaving holes where the
 * data has zero blocks (qcow2 images are mostly zeros), then make it @size
 * bytes long (a sparse raw image) if @size is larger. */
static int
write_file(const char *path, const char *data, size_t len, off_t size)
{
    static const char zero[4096];
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

    if (fd < 0)
        return -1;
    for (size_t off = 0; off < len; off += sizeof(zero)) {
        size_t n = len - off < sizeof(zero) ? len - off : sizeof(zero);
        if (memcmp(data + off, zero, n) != 0 &&
            pwrite(fd, data + off, n, (off_t) off) != (ssize_t) n) {
            close(fd);
            return -1;
        }
    }
    if ((off_t) len > size)
        size = (off_t) len;
    if (ftruncate(fd, size) < 0) {
        close(fd);
        return -1;
    }
    return close(fd);
}

/* The bytes of a qcow2 image with backing file @base, made once by qemu-img. */
static char *
qcow2_template(const char *dir, const char *base, size_t *len)
{
    char tmpl[4096], cmd[2 * 4096 + 4200];
    struct stat st;
    char *buf = NULL;
    FILE *f;

    snprintf(tmpl, sizeof(tmpl), "%s/.template.qcow2", dir);
    snprintf(cmd, sizeof(cmd), "qemu-img create -q -f qcow2 -b '%s' -F raw '%s' 1G", base, tmpl);
    if (system(cmd) != 0 || stat(tmpl, &st) < 0 || !(f = fopen(tmpl, "rb")))
        return NULL;
    buf = malloc((size_t) st.st_size);
    if (buf && fread(buf, 1, (size_t) st.st_size, f) != (size_t) st.st_size) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    unlink(tmpl);
    *len = (size_t) st.st_size;
    return buf;
}

int
benchPopulate(const char *dir, size_t n)
{
    char base[4096], path[4200], name[64];
    size_t qlen = 0, made = 0;
    char *qcow2 = NULL;
    int ret = -1;

    if (mkdir(dir, 0755) < 0 && errno != EEXIST)
        return -1;
    snprintf(base, sizeof(base), "%s.base.img", dir);
    if (access(base, F_OK) < 0 && write_file(base, NULL, 0, 1 << 30) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        benchFileName(i, name, sizeof(name));
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        if (access(path, F_OK) == 0)
            continue;
        /* qemu-img runs once per directory, and only if a file is missing. */
        if (i % 10 == 9 && !qcow2 && !(qcow2 = qcow2_template(dir, base, &qlen)))
            goto cleanup;
        if (i % 10 == 9 ? write_file(path, qcow2, qlen, 0) : write_file(path, NULL, 0, 1 << 30))
            goto cleanup;
        made++;
    }
    ret = made > 0;
cleanup:
    free(qcow2);
    return ret;
}

int
benchTouch(const char *dir, size_t n, double pct)
{
    size_t step = (size_t) (100.0 / pct);
    char path[4200], name[64];

    for (size_t i = 0; i < n; i += step) {
        struct stat st;
        int fd;

        benchFileName(i, name, sizeof(name));
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        /* Grow raw files by 512 bytes; rewrite the first byte of an image. */
        if ((fd = open(path, O_RDWR)) < 0)
            return -1;
        if (fstat(fd, &st) < 0) {
            close(fd);
            return -1;
        }
        if (i % 10 == 9) {
            char c;
            if (pread(fd, &c, 1, 0) != 1 || pwrite(fd, &c, 1, 0) != 1) {
                close(fd);
                return -1;
            }
        } else if (ftruncate(fd, st.st_size + 512) < 0) {
            close(fd);
            return -1;
        }
        close(fd);
    }
    return 0;
}

size_t
benchSetPools(const BenchSet *s)
{
    return s->npools ? s->npools : 1;
}

size_t
benchSetTotal(const BenchSet *s)
{
    return benchSetPools(s) * s->per;
}

void
benchSetPoolDir(const BenchSet *s, size_t pool, char *buf, size_t len)
{
    if (s->npools)
        snprintf(buf, len, "%s/p%03zu", s->dir, pool);
    else
        snprintf(buf, len, "%s", s->dir);
}

void
benchSetVolPath(const BenchSet *s, size_t idx, char *buf, size_t len)
{
    char name[64];

    benchFileName(idx % s->per, name, sizeof(name));
    if (s->npools)
        snprintf(buf, len, "%s/p%03zu/%s", s->dir, idx / s->per, name);
    else
        snprintf(buf, len, "%s/%s", s->dir, name);
}

int
benchSetPopulate(const BenchSet *s)
{
    char dir[4096];
    int made = 0, r;

    if (s->npools && mkdir(s->dir, 0755) < 0 && errno != EEXIST)
        return -1;
    for (size_t p = 0; p < benchSetPools(s); p++) {
        benchSetPoolDir(s, p, dir, sizeof(dir));
        if ((r = benchPopulate(dir, s->per)) < 0)
            return -1;
        made |= r;
    }
    /* New files leave dirty inodes behind: without this, the first catalog
     * commit (an fdatasync) would pay for writing them all back. */
    if (made)
        sync();
    return 0;
}

int
benchSetWarm(const BenchSet *s)
{
    char path[4200];
    char *buf = malloc(BENCH_WARM_HEAD);

    if (!buf)
        return -1;
    for (size_t i = 0; i < benchSetTotal(s); i++) {
        struct stat st;
        int fd;

        benchSetVolPath(s, i, path, sizeof(path));
        if ((fd = open(path, O_RDONLY)) < 0 || fstat(fd, &st) < 0) {
            if (fd >= 0)
                close(fd);
            free(buf);
            return -1;
        }
        /* No readahead: cache what is read, no more. */
        posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
        if (pread(fd, buf, BENCH_WARM_HEAD, 0) < 0 ||
            (st.st_size > BENCH_WARM_TAIL &&
             pread(fd, buf, BENCH_WARM_TAIL, st.st_size - BENCH_WARM_TAIL) < 0)) {
            close(fd);
            free(buf);
            return -1;
        }
        close(fd);
    }
    free(buf);
    return 0;
}

int
benchSetWarmUp(const BenchSet *s)
{
    benchSetReaddirStat(s);
    return benchSetTotal(s) <= BENCH_WARM_MAX ? benchSetWarm(s) : 0;
}

size_t
benchReaddirStat(const char *dir)
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

size_t
benchSetReaddirStat(const BenchSet *s)
{
    char dir[4096];
    size_t n = 0;

    for (size_t p = 0; p < benchSetPools(s); p++) {
        benchSetPoolDir(s, p, dir, sizeof(dir));
        n += benchReaddirStat(dir);
    }
    return n;
}

size_t *
benchLookupOrder(size_t total, size_t n, uint64_t seed)
{
    size_t *v = malloc((n ? n : 1) * sizeof(*v));
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;

    if (!v)
        return NULL;
    /* xorshift64*: the same sequence whatever the C library's rand(). */
    for (size_t i = 0; i < n; i++) {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        v[i] = (size_t) ((x * 0x2545F4914F6CDD1Dull) >> 11) % total;
    }
    return v;
}

long
benchProcStatusKiB(pid_t pid, const char *field)
{
    char path[64], line[256];
    size_t flen = strlen(field);
    long kib = -1;
    FILE *f;

    if (pid)
        snprintf(path, sizeof(path), "/proc/%ld/status", (long) pid);
    else
        snprintf(path, sizeof(path), "/proc/self/status");
    if (!(f = fopen(path, "r")))
        return -1;
    while (fgets(line, sizeof(line), f))
        if (strncmp(line, field, flen) == 0 && line[flen] == ':') {
            kib = strtol(line + flen + 1, NULL, 10);
            break;
        }
    fclose(f);
    return kib;
}

long
benchPeakRssKiB(void)
{
    struct rusage ru;
    long hwm = benchProcStatusKiB(0, "VmHWM");

    /* VmHWM follows benchPeakReset; ru_maxrss never goes down. */
    if (hwm >= 0)
        return hwm;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

int
benchPeakReset(void)
{
    int fd = open("/proc/self/clear_refs", O_WRONLY);
    int ok;

    if (fd < 0)
        return -1;
    ok = write(fd, "5", 1) == 1;
    close(fd);
    return ok ? 0 : -1;
}
