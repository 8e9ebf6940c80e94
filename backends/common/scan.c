/*
 * scan.c: the scan of a pool in bounded memory (see scan.h).
 *
 * Entries go into a run in memory (a table and a name arena). A full run
 * is appended to a spool as it is; when the scan is read back, each run is
 * read into memory again, sorted by name and appended sorted, and the
 * sorted runs are merged through a binary heap of readers, one per run.
 * (Sorting late costs an unchanged pool nothing: its digest ends the
 * refresh before anything is read back.) The spools are src/util's: in
 * memory up to a buffer, then in an unnamed temporary file, so that a
 * small pool never touches the disk. Records are a 16-bit name length,
 * the name, then the fixed fields.
 */
#include <config.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "scan.h"
#include "util/spool.h"
#include "util/util.h"

size_t scScanRunMax = 16384;

#define NAME_LIMIT 1023 /* longer names are refused (Linux allows 255) */
#define SIG_BYTES (5 * 8)

/* A reader of one run (or of the probe list) and its current entry. */
typedef struct {
    scSpoolReader in;
    scScanEntry entry;
    char name[NAME_LIMIT + 1];
} Reader;

typedef struct {
    size_t name; /* offset in the arena */
    long long dev, ino, size, mtime_ns, ctime_ns;
} Entry;

struct scScan {
    Entry *v;               /* the run in memory */
    size_t n, alloc;
    char *names;
    size_t names_len, names_alloc;
    size_t count;           /* every entry added */
    uint64_t digest[2];     /* sums of two keyed hashes of every entry */

    uint32_t *order;        /* sorting the run in memory */
    size_t order_alloc;

    scSpool runs;           /* the runs written out, back to back */
    off_t *run_end;
    size_t nruns, runs_alloc;
    off_t sorted_from;      /* where their sorted copies start */

    size_t next;            /* in v, when no run was written out */
    Reader *readers;        /* otherwise, one per run */
    size_t *heap, nheap;    /* readers by the name of their entry */
    scScanEntry out;
    char prev[NAME_LIMIT + 1]; /* the name returned last */
    bool have_prev;

    scSpool probes;         /* the entries to probe */
    size_t nprobes;
    Reader *probe_reader;
};

/* ---- records ------------------------------------------------------- */

/* Put one record: the name, then @tail. */
static int
put_record(scSpool *sp, const char *name, const void *tail, size_t tail_len)
{
    size_t len = strlen(name);
    uint16_t l = (uint16_t) len;

    if (len > NAME_LIMIT) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "an entry name of %zu bytes is too long to scan", len);
        return -1;
    }
    if (scSpoolPut(sp, &l, sizeof(l)) < 0 || scSpoolPut(sp, name, len) < 0 ||
        scSpoolPut(sp, tail, tail_len) < 0)
        return -1;
    return 0;
}

/* Read the next record's name into r->name and @tail_len bytes after it
 * into @tail. 1, 0 at the end, -1. */
static int
reader_next(Reader *r, void *tail, size_t tail_len)
{
    const void *p;
    uint16_t len;
    int rc;

    if ((rc = scSpoolRead(&r->in, sizeof(len), &p)) <= 0)
        return rc;
    memcpy(&len, p, sizeof(len));
    if (len > NAME_LIMIT || scSpoolRead(&r->in, len + tail_len, &p) <= 0) {
        if (!scErrorIsSet())
            scReportError(SC_FROM_STORAGE, SC_ERR_INTERNAL_ERROR,
                          "the temporary file of the scan of a pool is corrupt");
        return -1;
    }
    memcpy(r->name, p, len);
    r->name[len] = '\0';
    memcpy(tail, (const char *) p + len, tail_len);
    return 1;
}

/* ---- adding ---------------------------------------------------------- */

scScan *
scScanNew(void)
{
    scScan *s = scAlloc(sizeof(*s));

    if (!s)
        return NULL;
    scSpoolInit(&s->runs, "the scan of a pool");
    scSpoolInit(&s->probes, "the scan of a pool");
    return s;
}

void
scScanFree(scScan *s)
{
    if (!s)
        return;
    free(s->v);
    free(s->names);
    free(s->order);
    scSpoolClear(&s->runs);
    free(s->run_end);
    for (size_t i = 0; s->readers && i < s->nruns; i++)
        scSpoolReaderClear(&s->readers[i].in);
    free(s->readers);
    free(s->heap);
    scSpoolClear(&s->probes);
    if (s->probe_reader)
        scSpoolReaderClear(&s->probe_reader->in);
    free(s->probe_reader);
    free(s);
}

static uint64_t
mix64(uint64_t x)
{
    x ^= x >> 30; /* splitmix64's finalizer */
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static uint64_t
hash_name(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char) *s) * 1099511628211ull;
    return h;
}

/* Grow @p (of @alloc elements of @size) to hold @need. */
static int
grow(void **p, size_t *alloc, size_t need, size_t size)
{
    size_t a = *alloc ? *alloc : 1024;
    void *q;

    if (need <= *alloc)
        return 0;
    while (a < need)
        a *= 2;
    if (!(q = realloc(*p, a * size))) {
        scReportOOM();
        return -1;
    }
    *p = q;
    *alloc = a;
    return 0;
}

static int
by_name(const void *a, const void *b, void *scan)
{
    const scScan *s = scan;
    return strcmp(s->names + s->v[*(const uint32_t *) a].name,
                  s->names + s->v[*(const uint32_t *) b].name);
}

/* An index of the run in memory, sorted by name, into s->order. */
static int
sort_order(scScan *s)
{
    if (grow((void **) &s->order, &s->order_alloc, s->n, sizeof(*s->order)) < 0)
        return -1;
    for (size_t i = 0; i < s->n; i++)
        s->order[i] = (uint32_t) i;
    if (s->n > 1)
        qsort_r(s->order, s->n, sizeof(*s->order), by_name, s);
    return 0;
}

/* Append the run in memory to the spool of runs, sorted by name if
 * @sorted (through an index: cheaper to move than the entries). */
static int
write_run(scScan *s, bool sorted)
{
    if (sorted && sort_order(s) < 0)
        return -1;
    for (size_t i = 0; i < s->n; i++) {
        const Entry *e = &s->v[sorted ? s->order[i] : i];
        long long sig[5] = { e->dev, e->ino, e->size, e->mtime_ns, e->ctime_ns };
        if (put_record(&s->runs, s->names + e->name, sig, SIG_BYTES) < 0)
            return -1;
    }
    if (grow((void **) &s->run_end, &s->runs_alloc, s->nruns + 1, sizeof(*s->run_end)) < 0)
        return -1;
    s->run_end[s->nruns++] = scSpoolSize(&s->runs);
    s->n = 0;
    s->names_len = 0;
    return 0;
}

/* Put one entry into the run in memory. */
static Entry *
run_push(scScan *s, const char *name, size_t len)
{
    Entry *e;

    if (grow((void **) &s->v, &s->alloc, s->n + 1, sizeof(*s->v)) < 0 ||
        grow((void **) &s->names, &s->names_alloc, s->names_len + len + 1, 1) < 0)
        return NULL;
    e = &s->v[s->n++];
    e->name = s->names_len;
    memcpy(s->names + s->names_len, name, len + 1);
    s->names_len += len + 1;
    return e;
}

static long long
ns(struct timespec ts)
{
    return (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int
scScanAdd(scScan *s, const char *name, const struct stat *st)
{
    size_t len = strlen(name) + 1;
    Entry *e;
    uint64_t h;

    if (len > NAME_LIMIT + 1) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "an entry name of %zu bytes is too long to scan", len - 1);
        return -1;
    }
    /* Runs are written as they come: an unchanged pool (the digest says
     * so) is never sorted. */
    if (s->n == scScanRunMax && write_run(s, false) < 0)
        return -1;
    if (!(e = run_push(s, name, len - 1)))
        return -1;
    e->dev = (long long) st->st_dev;
    e->ino = (long long) st->st_ino;
    e->size = (long long) st->st_size;
    e->mtime_ns = ns(st->st_mtim);
    e->ctime_ns = ns(st->st_ctim);
    h = hash_name(name) ^ mix64((uint64_t) e->dev) ^ mix64((uint64_t) e->ino * 3) ^
        mix64((uint64_t) e->size * 5) ^ mix64((uint64_t) e->mtime_ns * 7) ^
        mix64((uint64_t) e->ctime_ns * 11);
    s->digest[0] += mix64(h);
    s->digest[1] += mix64(h ^ 0x9e3779b97f4a7c15ull);
    s->count++;
    return 0;
}

size_t
scScanCount(const scScan *s)
{
    return s->count;
}

void
scScanDigest(const scScan *s, char *buf)
{
    snprintf(buf, SC_SCAN_DIGEST_LEN, "%zu:%016llx%016llx", s->count,
             (unsigned long long) s->digest[0], (unsigned long long) s->digest[1]);
}

/* ---- reading back in name order -------------------------------------- */

static const char *
reader_name(const scScan *s, size_t i)
{
    return s->readers[s->heap[i]].name;
}

static void
sift_down(scScan *s, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        if (l < s->nheap && strcmp(reader_name(s, l), reader_name(s, m)) < 0)
            m = l;
        if (l + 1 < s->nheap && strcmp(reader_name(s, l + 1), reader_name(s, m)) < 0)
            m = l + 1;
        if (m == i)
            return;
        size_t t = s->heap[i];
        s->heap[i] = s->heap[m];
        s->heap[m] = t;
        i = m;
    }
}

/* Read reader @i's next entry. 1, 0 at its end, -1. */
static int
reader_advance(scScan *s, size_t i)
{
    Reader *r = &s->readers[i];
    long long sig[5];
    int rc = reader_next(r, sig, SIG_BYTES);

    if (rc <= 0)
        return rc;
    r->entry = (scScanEntry) { r->name, sig[0], sig[1], sig[2], sig[3], sig[4] };
    return 1;
}

/* Sort the runs written so far: read each back into memory, append it
 * sorted; the sorted copies start at s->sorted_from. */
static int
sort_runs(scScan *s)
{
    size_t nraw = s->nruns;
    _cleanup_free_ off_t *raw_end = s->run_end;
    _cleanup_free_ Reader *r = NULL;

    s->run_end = NULL;
    s->nruns = s->runs_alloc = 0;
    s->sorted_from = raw_end[nraw - 1];
    if (!(r = scAlloc(sizeof(*r))))
        return -1;
    for (size_t i = 0; i < nraw; i++) {
        long long sig[5];
        int rc;

        scSpoolReaderInit(&r->in, &s->runs, i ? raw_end[i - 1] : 0, raw_end[i]);
        while ((rc = reader_next(r, sig, SIG_BYTES)) > 0) {
            Entry *e = run_push(s, r->name, strlen(r->name));
            if (!e)
                break;
            *e = (Entry) { e->name, sig[0], sig[1], sig[2], sig[3], sig[4] };
        }
        if (rc != 0 || write_run(s, true) < 0) {
            scSpoolReaderClear(&r->in);
            return -1;
        }
    }
    scSpoolReaderClear(&r->in);
    return 0;
}

int
scScanSorted(scScan *s)
{
    if (s->nruns == 0) /* it all fits in memory: read through the index */
        return sort_order(s);
    if ((s->n && write_run(s, false) < 0) || sort_runs(s) < 0)
        return -1;
    free(s->v);
    free(s->names);
    free(s->order);
    s->v = NULL;
    s->names = NULL;
    s->order = NULL;
    s->alloc = s->names_alloc = s->order_alloc = 0;
    if (!(s->readers = scAlloc(s->nruns * sizeof(*s->readers))) ||
        !(s->heap = scAlloc(s->nruns * sizeof(*s->heap))))
        return -1;
    for (size_t i = 0; i < s->nruns; i++) {
        Reader *r = &s->readers[i];
        int rc;

        scSpoolReaderInit(&r->in, &s->runs, i ? s->run_end[i - 1] : s->sorted_from,
                          s->run_end[i]);
        if ((rc = reader_advance(s, i)) < 0)
            return -1;
        if (rc > 0)
            s->heap[s->nheap++] = i;
    }
    for (size_t i = s->nheap; i-- > 0;)
        sift_down(s, i);
    return 0;
}

/* The next entry in name order, duplicates included. */
static int
next_any(scScan *s, const scScanEntry **entry)
{
    if (s->nruns == 0) {
        const Entry *e;
        if (s->next == s->n)
            return 0;
        e = &s->v[s->order[s->next++]];
        s->out = (scScanEntry) { s->names + e->name, e->dev, e->ino, e->size, e->mtime_ns,
                                 e->ctime_ns };
        *entry = &s->out;
        return 1;
    }
    /* The reader on top gave its entry last time: move it on first. */
    if (s->out.name && s->nheap > 0) {
        int rc = reader_advance(s, s->heap[0]);
        if (rc < 0)
            return -1;
        if (rc == 0)
            s->heap[0] = s->heap[--s->nheap];
        sift_down(s, 0);
    }
    if (s->nheap == 0)
        return 0;
    s->out = s->readers[s->heap[0]].entry;
    *entry = &s->out;
    return 1;
}

/* A directory read while its entries change may show a name twice (POSIX
 * leaves it open, NFS does it): the first one counts. */
int
scScanNext(scScan *s, const scScanEntry **entry)
{
    int r;

    while ((r = next_any(s, entry)) == 1) {
        if (s->have_prev && strcmp(s->prev, (*entry)->name) == 0)
            continue;
        snprintf(s->prev, sizeof(s->prev), "%s", (*entry)->name);
        s->have_prev = true;
        return 1;
    }
    return r;
}

/* ---- the entries to probe -------------------------------------------- */

int
scScanPutProbe(scScan *s, const char *name, int want)
{
    int32_t w = want;

    if (put_record(&s->probes, name, &w, sizeof(w)) < 0)
        return -1;
    s->nprobes++;
    return 0;
}

size_t
scScanProbeCount(const scScan *s)
{
    return s->nprobes;
}

int
scScanTakeProbe(scScan *s, const char **name, int *want)
{
    Reader *r = s->probe_reader;
    int32_t w;
    int rc;

    if (!r) {
        if (!(r = s->probe_reader = scAlloc(sizeof(*r))))
            return -1;
        scSpoolReaderInit(&r->in, &s->probes, 0, scSpoolSize(&s->probes));
    }
    if ((rc = reader_next(r, &w, sizeof(w))) <= 0)
        return rc;
    *name = r->name;
    *want = w;
    return 1;
}
