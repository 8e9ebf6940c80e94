/*
 * bench_common.h: what the benchmark drivers share: a monotonic clock,
 * statistics over repetitions, and the dataset (a directory of N files,
 * sparse raw plus a 10% share of qcow2 images with a backing file, made
 * the same way for storcat and for libvirt).
 */
#ifndef SC_BENCH_COMMON_H
#define SC_BENCH_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* Nanoseconds on CLOCK_MONOTONIC. */
uint64_t benchNow(void);

/* Median, min, max, p99 of @n samples (sorted in place). */
typedef struct {
    double median, min, max, p99;
} BenchStats;
BenchStats benchStats(double *samples, size_t n);

/* Print one result line: "name median min max p99 unit reps". */
void benchReport(const char *name, BenchStats s, const char *unit, size_t reps);

/* Make (or complete) the dataset: @n files "vNNNNNNN.img" in @dir, every
 * tenth a qcow2 (copied from a template made with qemu-img) whose backing
 * file is base.img; the rest sparse raw files of 1 GiB. Returns 0 or -1. */
int benchPopulate(const char *dir, size_t n);

/* The name of file @i of the dataset. */
void benchFileName(size_t i, char *buf, size_t len);

/* Touch (rewrite a byte of) @pct percent of the files, spread evenly. */
int benchTouch(const char *dir, size_t n, double pct);

/* Peak resident set size of this process, in KiB. */
long benchPeakRssKiB(void);

#endif /* SC_BENCH_COMMON_H */
