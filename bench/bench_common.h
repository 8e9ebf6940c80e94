/*
 * bench_common.h: what the benchmark drivers share: a monotonic clock,
 * statistics over repetitions, the output line, the dataset (directories
 * of N files, sparse raw plus a 10% share of qcow2 images with a backing
 * file, made the same way for storcat and for libvirt), the order of the
 * random lookups, the limit of a refresh (one readdir + fstatat pass) and
 * memory figures. bench_storcat.c and bench_libvirt.c both use it, so the
 * two sides of every comparison do the same thing with the same data.
 */
#ifndef SC_BENCH_COMMON_H
#define SC_BENCH_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Nanoseconds on CLOCK_MONOTONIC (one clock for all processes). */
uint64_t benchNow(void);

/* Milliseconds elapsed since @t0 (from benchNow). */
double benchMsSince(uint64_t t0);

/* Median, min, max, p99 of @n samples (sorted in place). */
typedef struct {
    double median; /* middle sample (mean of the two middle ones) */
    double min;    /* smallest sample */
    double max;    /* largest sample */
    double p99;    /* the sample at the 99th percentile */
} BenchStats;
BenchStats benchStats(double *samples, size_t n);

/* Print one result line: "name median min max p99 unit reps". */
void benchReport(const char *name, BenchStats s, const char *unit, size_t reps);

/* Print one value measured once (a line with median = min = max = p99). */
void benchReportOne(const char *name, double value, const char *unit);

/* Print a figure the system under test refused to give: a line whose
 * values are "-" and whose unit is "refused", then "# name: why". */
void benchReportRefused(const char *name, const char *why);

/* Make (or complete) the dataset: @n files "vNNNNNNN.img" in @dir, every
 * tenth a qcow2 (copied from a template made with qemu-img) whose backing
 * file is DIR.base.img; the rest sparse raw files of 1 GiB. Returns 1 if
 * files were made, 0 if all were there, -1 on error. */
int benchPopulate(const char *dir, size_t n);

/* The name of file @i of the dataset. */
void benchFileName(size_t i, char *buf, size_t len);

/* Touch (rewrite a byte of) @pct percent of the files, spread evenly. */
int benchTouch(const char *dir, size_t n, double pct);

/*
 * A set of pools: either one pool whose directory is @dir (npools == 0),
 * or @npools pools of @per files in @dir/p000, @dir/p001, ... The volumes
 * are numbered 0 .. total-1, pool by pool.
 */
typedef struct {
    const char *dir; /* the pool's directory, or the root of the pools' directories */
    size_t npools;   /* 0: one pool in @dir; else that many subdirectories */
    size_t per;      /* files per pool */
} BenchSet;

size_t benchSetPools(const BenchSet *s);
size_t benchSetTotal(const BenchSet *s);
void benchSetPoolDir(const BenchSet *s, size_t pool, char *buf, size_t len);
void benchSetVolPath(const BenchSet *s, size_t idx, char *buf, size_t len);
/* Make (or complete) the files of every pool of @s, then sync() if any
 * was made. Returns 0 or -1. */
int benchSetPopulate(const BenchSet *s);

/* The limit of a refresh of the whole set: one readdir + fstatat pass over
 * each pool's directory. Returns the number of entries seen. */
size_t benchSetReaddirStat(const BenchSet *s);

/*
 * The warm-up of the files' headers: read the first BENCH_WARM_HEAD and
 * the last BENCH_WARM_TAIL bytes of every file of @s (every byte storcat's
 * probe and libvirt's read), without readahead. Both drivers do it before
 * their first timed operation, so that neither pays for a cache the other
 * filled (a first read of a sparse file zero-fills its readahead window:
 * that made whichever side ran first up to 4 times slower). Only for sets
 * of at most BENCH_WARM_MAX files: larger ones do not stay in the cache.
 * Returns 0 or -1.
 */
#define BENCH_WARM_HEAD (64 * 1024)
#define BENCH_WARM_TAIL 4096
#define BENCH_WARM_MAX  200000
int benchSetWarm(const BenchSet *s);

/* What every driver does before its first timed operation on @s: one
 * readdir + fstatat pass (directories and inodes), then benchSetWarm if
 * @s has at most BENCH_WARM_MAX files. Returns 0 or -1. */
int benchSetWarmUp(const BenchSet *s);

/* One readdir + fstatat pass over @dir (dot files skipped). */
size_t benchReaddirStat(const char *dir);

/* The volumes looked up, in order: @n indexes in [0, @total) from a fixed
 * seed, the same sequence in every driver. Returns a new array (free()). */
size_t *benchLookupOrder(size_t total, size_t n, uint64_t seed);

/* The seeds: the timed lookups, and the warm-up before them. */
#define BENCH_SEED      42
#define BENCH_WARM_SEED 7

/* Peak resident set size of this process since start or the last
 * benchPeakReset, in KiB. */
long benchPeakRssKiB(void);

/* Restart the peak of this process's resident set at its current size
 * (Linux: /proc/self/clear_refs). Returns 0, or -1 if it cannot. */
int benchPeakReset(void);

/* A "Vm...:" field of /proc/@pid/status (0: this process), in KiB, or -1. */
long benchProcStatusKiB(pid_t pid, const char *field);

#endif /* SC_BENCH_COMMON_H */
