/*
 * bench_common.c: clock, statistics and the dataset of the benchmarks.
 */
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
benchFileName(size_t i, char *buf, size_t len)
{
    snprintf(buf, len, "v%07zu.%s", i, i % 10 == 9 ? "qcow2" : "img");
}

static int
write_file(const char *path, const void *data, size_t len, off_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return -1;
    if ((len && write(fd, data, len) != (ssize_t) len) || (size && ftruncate(fd, size) < 0)) {
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
    size_t qlen = 0;
    char *qcow2;

    if (mkdir(dir, 0755) < 0 && errno != EEXIST)
        return -1;
    snprintf(base, sizeof(base), "%s.base.img", dir);
    if (access(base, F_OK) < 0 && write_file(base, NULL, 0, 1 << 30) < 0)
        return -1;
    if (!(qcow2 = qcow2_template(dir, base, &qlen)))
        return -1;
    for (size_t i = 0; i < n; i++) {
        benchFileName(i, name, sizeof(name));
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        if (access(path, F_OK) == 0)
            continue;
        if (i % 10 == 9 ? write_file(path, qcow2, qlen, 0) : write_file(path, NULL, 0, 1 << 30)) {
            free(qcow2);
            return -1;
        }
    }
    free(qcow2);
    return 0;
}

int
benchTouch(const char *dir, size_t n, double pct)
{
    size_t step = (size_t) (100.0 / pct);
    char path[4200], name[64];

    for (size_t i = 0; i < n; i += step) {
        benchFileName(i, name, sizeof(name));
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        int fd = open(path, O_WRONLY);
        /* Grow raw files by a byte; rewrite the first byte of an image. */
        if (fd < 0)
            return -1;
        struct stat st;
        fstat(fd, &st);
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

long
benchPeakRssKiB(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}
