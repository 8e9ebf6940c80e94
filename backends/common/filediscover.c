/*
 * filediscover.c: the discovery of a directory pool (dir; fs and netfs
 * once they are mounted), in three steps:
 *
 *  1. readdir + fstatat of every entry into a scScan (bounded memory),
 *     whose order-independent digest is the pool's change token: equal to
 *     the last refresh's, nothing changed and discovery ends there, having
 *     opened no file and sorted nothing;
 *  2. the scan read back in name order, each entry handed to the sink with
 *     its stat signature; the ones the sink wants go to the probe list;
 *  3. the wanted entries probed (opened, header read) and handed to the
 *     sink in name order. With many of them, worker threads probe up to
 *     AHEAD entries ahead of the thread that hands them over, so that the
 *     file system's latency overlaps.
 */
#include <config.h>

#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#include "fileops.h"
#include "scan.h"
#include "util/util.h"

#define AHEAD 256
#define THREAD_MIN 1024 /* fewer probes than this run on the calling thread */
#define WORKERS_MAX 4

typedef struct {
    char name[1024];   /* scan.c's longest name, and its NUL */
    int want;
    int r;             /* the probe's: 1 found, 0 gone, -1 error */
    bool ready;
    scVolRecord rec;
    scErrorSaved *err; /* when r < 0 */
} Slot;

typedef struct {
    const scDir *dir;
    scScan *scan;
    Slot ring[AHEAD];
    unsigned long long claimed; /* probes handed to workers */
    unsigned long long taken;   /* records handed to the sink */
    bool exhausted;             /* the probe list is all claimed (or unreadable) */
    bool stop;
    int running;                /* workers not yet finished */
    pthread_t threads[WORKERS_MAX];
    int nthreads;
    pthread_mutex_t lock;
    pthread_cond_t room;        /* a slot was released */
    pthread_cond_t ready;       /* a slot was filled, or a worker ended */
} Prober;

static void *
worker(void *opaque)
{
    Prober *p = opaque;

    pthread_mutex_lock(&p->lock);
    for (;;) {
        const char *name;
        Slot *slot;
        int r;

        while (!p->stop && !p->exhausted && p->claimed - p->taken >= AHEAD)
            pthread_cond_wait(&p->room, &p->lock);
        if (p->stop || p->exhausted)
            break;
        slot = &p->ring[p->claimed % AHEAD];
        r = scScanTakeProbe(p->scan, &name, &slot->want);
        if (r == 0) {
            p->exhausted = true;
            break;
        }
        p->claimed++;
        if (r < 0) {
            slot->r = -1;
            slot->err = scErrorSave();
            slot->ready = true;
            p->exhausted = true;
            break;
        }
        snprintf(slot->name, sizeof(slot->name), "%s", name);
        pthread_mutex_unlock(&p->lock);
        slot->r = scFileProbeEntry(p->dir, slot->name, true, &slot->rec);
        slot->err = slot->r < 0 ? scErrorSave() : NULL;
        pthread_mutex_lock(&p->lock);
        slot->ready = true;
        pthread_cond_broadcast(&p->ready);
    }
    p->running--;
    pthread_cond_broadcast(&p->ready);
    pthread_mutex_unlock(&p->lock);
    scResetLastError(); /* this thread's own, if any */
    return NULL;
}

/* The next probed slot in name order, or NULL when all are handed over. */
static Slot *
next_ready(Prober *p)
{
    Slot *slot = NULL;

    pthread_mutex_lock(&p->lock);
    for (;;) {
        if (p->taken < p->claimed) {
            if (p->ring[p->taken % AHEAD].ready) {
                slot = &p->ring[p->taken % AHEAD];
                break;
            }
        } else if (p->exhausted || p->running == 0) {
            break;
        }
        pthread_cond_wait(&p->ready, &p->lock);
    }
    pthread_mutex_unlock(&p->lock);
    return slot;
}

static void
release(Prober *p, Slot *slot)
{
    scVolRecordClear(&slot->rec);
    scErrorSavedFree(slot->err);
    slot->err = NULL;
    pthread_mutex_lock(&p->lock);
    slot->ready = false;
    p->taken++;
    pthread_cond_broadcast(&p->room);
    pthread_mutex_unlock(&p->lock);
}

/* Hand one probed slot to the sink: 0 or -1. */
static int
hand_over(Slot *slot, scDiscoverSink *sink)
{
    if (slot->r < 0) {
        if (slot->err)
            scErrorRestore(&slot->err);
        else
            scReportOOM();
        return -1;
    }
    /* 0: gone since the scan; the next refresh sees it gone. */
    return slot->r > 0 ? scSinkRecord(sink, &slot->rec, slot->want) : 0;
}

static int
probe_threaded(Prober *p, scDiscoverSink *sink)
{
    /* Probes wait on the file system as much as they compute: one worker
     * more than there are processors. */
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int n = cpus < 1 ? 2 : cpus >= WORKERS_MAX ? WORKERS_MAX : (int) cpus + 1;
    Slot *slot;
    int r = 0;

    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->room, NULL);
    pthread_cond_init(&p->ready, NULL);
    for (int i = 0; i < AHEAD; i++)
        scVolRecordInit(&p->ring[i].rec);
    pthread_mutex_lock(&p->lock);
    for (; p->nthreads < n; p->nthreads++) {
        if ((errno = pthread_create(&p->threads[p->nthreads], NULL, worker, p)) != 0)
            break;
        p->running++;
    }
    pthread_mutex_unlock(&p->lock);
    if (p->nthreads == 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot start a thread to probe volumes");
        r = -1;
    }
    while (r == 0 && (slot = next_ready(p))) {
        r = hand_over(slot, sink);
        release(p, slot);
    }
    pthread_mutex_lock(&p->lock);
    p->stop = true;
    pthread_cond_broadcast(&p->room);
    pthread_mutex_unlock(&p->lock);
    for (int i = 0; i < p->nthreads; i++)
        pthread_join(p->threads[i], NULL);
    for (; p->taken < p->claimed; p->taken++) {
        scVolRecordClear(&p->ring[p->taken % AHEAD].rec);
        scErrorSavedFree(p->ring[p->taken % AHEAD].err);
    }
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->room);
    pthread_cond_destroy(&p->ready);
    return r;
}

static int
probe_inline(const scDir *dir, scScan *scan, scDiscoverSink *sink)
{
    scVolRecord rec;
    const char *name;
    int want, r;

    scVolRecordInit(&rec);
    while ((r = scScanTakeProbe(scan, &name, &want)) > 0) {
        if ((r = scFileProbeEntry(dir, name, true, &rec)) > 0)
            r = scSinkRecord(sink, &rec, want);
        scVolRecordClear(&rec);
        if (r < 0)
            return -1;
    }
    return r;
}

static int
scan_one(const char *name, const struct stat *st, void *opaque)
{
    return scScanAdd(opaque, name, st);
}

int
scFileDiscover(const scDir *dir, scDiscoverSink *sink)
{
    scScan *scan = scScanNew();
    char digest[SC_SCAN_DIGEST_LEN];
    const scScanEntry *e;
    int r;

    if (!scan)
        return -1;
    if (scFileScan(dir, scan_one, scan) < 0)
        goto error;
    scScanDigest(scan, digest);
    if ((r = scSinkToken(sink, digest)) <= 0) {
        scScanFree(scan);
        return r;
    }
    if (scScanSorted(scan) < 0)
        goto error;
    while ((r = scScanNext(scan, &e)) > 0) {
        unsigned char sig[SC_FILE_SIG_MAX];
        size_t len = scFileSigMake(e->dev, e->ino, e->size, e->mtime_ns, e->ctime_ns, sig);
        int want = scSinkEntry(sink, e->name, sig, len);
        if (want < 0 || (want > 0 && scScanPutProbe(scan, e->name, want) < 0))
            goto error;
    }
    if (r < 0)
        goto error;
    if (scScanProbeCount(scan) < THREAD_MIN) {
        r = probe_inline(dir, scan, sink);
    } else {
        Prober *p = scAlloc(sizeof(*p)); /* 256 records: not on the stack */
        if (!p)
            goto error;
        p->dir = dir;
        p->scan = scan;
        r = probe_threaded(p, sink);
        free(p);
    }
    scScanFree(scan);
    return r < 0 ? -1 : 0;

error:
    scScanFree(scan);
    return -1;
}
