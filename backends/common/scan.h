/*
 * scan.h: the scan of a pool in bounded memory.
 *
 * A refresh adds every entry its backend reports (name and stat
 * signature) and reads them back in name order, the order of the
 * catalog's index, so that the two can be compared as two sorted streams.
 * Up to scScanRunMax entries are held in memory; past that, each full run
 * is sorted and written to an unnamed temporary file ($TMPDIR, else /tmp)
 * and the runs are merged on the way back. The entries to probe are
 * spooled the same way. Memory is bounded whatever the size of the pool.
 */
#ifndef SC_SCAN_H
#define SC_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

typedef struct scScan scScan;

typedef struct {
    const char *name;
    long long dev, ino, size, mtime_ns, ctime_ns;
} scScanEntry;

/* Entries held in memory before a run is written out (tests lower it). */
extern size_t scScanRunMax;

scScan *scScanNew(void);
void scScanFree(scScan *scan);

/* Add one entry (phase 1). Returns 0 or -1. */
int scScanAdd(scScan *scan, const char *name, const struct stat *st);
size_t scScanCount(const scScan *scan);
/* An order-independent digest of every (name, signature) added:
 * "COUNT:HEX" in @buf of SC_SCAN_DIGEST_LEN bytes. */
#define SC_SCAN_DIGEST_LEN 64
void scScanDigest(const scScan *scan, char *buf);

/* Read the entries back in name order: scScanSorted once, then
 * scScanNext until it returns 0. *@entry is valid until the next call.
 * Return 1 entry, 0 end, -1 error. */
int scScanSorted(scScan *scan);
int scScanNext(scScan *scan, const scScanEntry **entry);

/* The entries to probe, put in name order and taken back once in that
 * order (by one thread at a time; *@name is valid until the next take).
 * @want: what the discovery sink said of the entry, handed back with its
 * record. Return 0 or -1; scScanTakeProbe 1 one, 0 none left, -1 error. */
int scScanPutProbe(scScan *scan, const char *name, int want);
size_t scScanProbeCount(const scScan *scan);
int scScanTakeProbe(scScan *scan, const char **name, int *want);

#endif /* SC_SCAN_H */
