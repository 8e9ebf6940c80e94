/*
 * reconcile.c: the catalog follows storage.
 *
 * A refresh asks the pool's backend for a scan (names and stat
 * signatures, no file opened), compares it with what the catalog knows in
 * one read snapshot, and then, in one write transaction, probes only what
 * is new or differs and applies it. A refresh of an unchanged pool costs
 * one readdir + fstatat per entry: the scan's digest equals the last one.
 */
#include <config.h>

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "reconcile.h"
#include "util.h"

void
scActivePoolClear(scActivePool *ap)
{
    scCatalogPoolClear(&ap->row);
    scPoolDefFree(ap->def);
    free(ap->target_real);
    memset(ap, 0, sizeof(*ap));
}

int
scActivePoolLoad(scConnect *conn, const char *uuid, const char *verb, scActivePool *ap)
{
    int type, r;

    memset(ap, 0, sizeof(*ap));
    if ((r = scCatalogPoolGet(conn->catalog, SC_POOL_BY_UUID, uuid, &ap->row)) <= 0) {
        if (r == 0)
            scReportError(SC_FROM_STORAGE, SC_ERR_NO_STORAGE_POOL,
                          "pool with uuid '%s' is no longer defined", uuid);
        return -1;
    }
    if (ap->row.state == SC_STORAGE_POOL_INACTIVE) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      "pool '%s' is not active: start it to %s", ap->row.name, verb);
        goto error;
    }
    type = scPoolTypeFromString(ap->row.type);
    if (!(ap->be = type < 0 ? NULL : scBackendForType(type))) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                      "pool '%s': '%s' pools are not supported yet", ap->row.name, ap->row.type);
        goto error;
    }
    if (!(ap->def = scPoolDefParseString(ap->row.xml)) ||
        scCatalogPoolGetTargetReal(conn->catalog, uuid, &ap->target_real) < 0)
        goto error;
    ap->ctx.def = ap->def;
    ap->ctx.target_real = ap->target_real;
    return 0;

error:
    scActivePoolClear(ap);
    return -1;
}

void
scVolRecordToData(const scVolRecord *rec, scCatalogVolData *d)
{
    memset(d, 0, sizeof(*d));
    d->name = rec->name;
    d->key = rec->key;
    d->path = rec->path;
    d->type = rec->type;
    d->format = rec->format;
    d->capacity = rec->capacity;
    d->allocation = rec->allocation;
    d->backing_path = rec->backing_path;
    d->backing_format = rec->backing_format;
    d->mode = rec->mode;
    d->uid = rec->uid;
    d->gid = rec->gid;
    d->dev = (long long) rec->st.st_dev;
    d->ino = (long long) rec->st.st_ino;
    d->size = (long long) rec->st.st_size;
    d->mtime_ns = (long long) rec->st.st_mtim.tv_sec * 1000000000LL + rec->st.st_mtim.tv_nsec;
    d->ctime_ns = (long long) rec->st.st_ctim.tv_sec * 1000000000LL + rec->st.st_ctim.tv_nsec;
    d->compat = rec->compat;
    d->lazy_refcounts = rec->lazy_refcounts;
    d->cluster_size = rec->cluster_size;
    d->encryption = rec->encryption;
}

/*
 * The scan of a pool: its directory's entries (name and stat signature) in
 * one array with the names in one arena, plus an order-independent digest
 * of them all. When the digest equals the one stored by the last refresh
 * (which any write to the pool's volumes clears), nothing changed and the
 * refresh stops there. Otherwise a hash index over the array is compared
 * with the catalog's rows streamed from a covering index. Memory is the
 * listing of the directory, never a copy of the catalog; only differences
 * are written to SQLite.
 */
typedef struct {
    size_t name;  /* offset in ScanTable.names */
    dev_t dev;
    ino_t ino;
    off_t size;
    long long mtime_ns, ctime_ns;
    bool matched; /* the catalog knows this name */
    bool probe;   /* new, changed, reappeared, or an interrupted journal */
} ScanEntry;

typedef struct {
    ScanEntry *v;
    size_t n, alloc;
    char *names;        /* NUL-terminated names, back to back */
    size_t names_len, names_alloc;
    uint32_t *index;    /* open addressing over v: i + 1, 0 = empty */
    size_t cap;         /* power of two */
    uint64_t digest[2]; /* sums of two keyed hashes of every entry */
} ScanTable;

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

static const char *
entry_name(const ScanTable *t, const ScanEntry *e)
{
    return t->names + e->name;
}

static int
scan_index(ScanTable *t)
{
    size_t cap = 1024;

    while (cap < t->n * 2)
        cap *= 2;
    if (!(t->index = calloc(cap, sizeof(*t->index)))) {
        scReportOOM();
        return -1;
    }
    t->cap = cap;
    for (size_t i = 0; i < t->n; i++) {
        size_t j = hash_name(entry_name(t, &t->v[i])) & (cap - 1);
        while (t->index[j])
            j = (j + 1) & (cap - 1);
        t->index[j] = (uint32_t) (i + 1);
    }
    return 0;
}

static ScanEntry *
scan_find(const ScanTable *t, const char *name)
{
    for (size_t j = hash_name(name) & (t->cap - 1); t->index[j]; j = (j + 1) & (t->cap - 1)) {
        ScanEntry *e = &t->v[t->index[j] - 1];
        if (strcmp(entry_name(t, e), name) == 0)
            return e;
    }
    return NULL;
}

static void
scan_clear(ScanTable *t)
{
    free(t->v);
    free(t->names);
    free(t->index);
    memset(t, 0, sizeof(*t));
}

static long long
ns(struct timespec ts)
{
    return (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec;
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
scan_add(ScanTable *t, const char *name, const struct stat *st)
{
    size_t len = strlen(name) + 1;
    ScanEntry *e;
    uint64_t h;

    if (t->n >= UINT32_MAX - 1) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED, "more than %u entries in one pool",
                      UINT32_MAX - 1);
        return -1;
    }
    if (grow((void **) &t->v, &t->alloc, t->n + 1, sizeof(*t->v)) < 0 ||
        grow((void **) &t->names, &t->names_alloc, t->names_len + len, 1) < 0)
        return -1;
    e = &t->v[t->n++];
    memset(e, 0, sizeof(*e));
    e->name = t->names_len;
    memcpy(t->names + t->names_len, name, len);
    t->names_len += len;
    e->dev = st->st_dev;
    e->ino = st->st_ino;
    e->size = st->st_size;
    e->mtime_ns = ns(st->st_mtim);
    e->ctime_ns = ns(st->st_ctim);
    h = hash_name(name) ^ mix64((uint64_t) e->dev) ^ mix64((uint64_t) e->ino * 3) ^
        mix64((uint64_t) e->size * 5) ^ mix64((uint64_t) e->mtime_ns * 7) ^
        mix64((uint64_t) e->ctime_ns * 11);
    t->digest[0] += mix64(h);
    t->digest[1] += mix64(h ^ 0x9e3779b97f4a7c15ull);
    return 0;
}

typedef struct {
    scConnect *conn;
    scActivePool *ap;
    scReconcileStats *stats;
    scConnectProgress progress;
    ScanTable table;
    size_t known;         /* rows of the pool in the snapshot */
    unsigned int version; /* the snapshot's data version */
} RefreshCtx;

/* Every so many entries, tell the progress callback. */
#define PROGRESS_EVERY 4096

static int
scan_one(const char *name, const struct stat *st, void *opaque)
{
    RefreshCtx *c = opaque;

    if (scan_add(&c->table, name, st) < 0)
        return -1;
    if (++c->stats->scanned % PROGRESS_EVERY == 0)
        return scConnectProgressReport(&c->progress, c->stats->scanned, 0);
    return 0;
}

/* One catalog row against the scan. */
static int
compare_row(const scCatalogVolSig *sig, void *opaque)
{
    RefreshCtx *c = opaque;
    ScanEntry *e = scan_find(&c->table, sig->name);

    c->known++;
    if (sig->state == SC_STORAGE_VOL_STATE_CREATING || sig->state == SC_STORAGE_VOL_STATE_DELETING) {
        if (e)
            e->matched = true; /* journals: scCatalogVolJournals decides */
        return 0;
    }
    if (!e) {
        /* Gone from storage; already missing stays missing. */
        return sig->state == SC_STORAGE_VOL_STATE_PRESENT
                   ? scCatalogScanGone(c->conn->catalog, sig)
                   : 0;
    }
    e->matched = true;
    e->probe = sig->state != SC_STORAGE_VOL_STATE_PRESENT || sig->dev != (long long) e->dev ||
               sig->ino != (long long) e->ino || sig->size != (long long) e->size ||
               sig->mtime_ns != e->mtime_ns || sig->ctime_ns != e->ctime_ns;
    return 0;
}

/* A create or delete whose process is gone is finished by the refresh:
 * probed if its file is there (recorded as such, so that phase 3 may take
 * it over), dropped if not. Live ones are left alone. */
static int
compare_journal(int64_t id, const char *name, const char *uuid, long long pid, bool same_boot,
                void *opaque)
{
    RefreshCtx *c = opaque;
    ScanEntry *e = scan_find(&c->table, name);

    if (scJournalLive(pid, same_boot, uuid))
        return 0;
    if (e) {
        e->probe = true;
        return scCatalogScanStalePresent(c->conn->catalog, id);
    }
    return scCatalogScanStaleGone(c->conn->catalog, id);
}

/* Phase 2: compare; only temporary tables are written (inside the
 * caller's read transaction: no write lock on the catalog). */
static int
collect(RefreshCtx *c)
{
    scCatalog *cat = c->conn->catalog;

    if (scan_index(&c->table) < 0 || scCatalogScanBegin(cat) < 0 ||
        scCatalogDataVersion(cat, &c->version) < 0)
        return -1;
    if (scCatalogVolSigForEach(cat, c->ap->row.uuid, compare_row, c) < 0 ||
        scCatalogVolJournals(cat, c->ap->row.uuid, compare_journal, c) < 0)
        return -1;
    return 0;
}

/*
 * Phase 3 probes the entries that are new or differ. With many of them the
 * probes run on a second thread, up to AHEAD entries ahead of the writer,
 * so that storage's system calls and SQLite's work overlap; the writer
 * takes the records in scan order either way.
 */
#define AHEAD 256
#define THREAD_MIN 1024 /* fewer probes than this run inline */

typedef struct {
    size_t entry;      /* in the scan table */
    int r;             /* the probe's: 1 found, 0 gone, -1 error */
    scVolRecord rec;
    scErrorSaved *err; /* when r < 0 */
} Probed;

typedef struct {
    RefreshCtx *c;
    const uint32_t *order; /* the entries to probe, by name */
    size_t n, next;
    Probed ring[AHEAD];
    unsigned long long made, taken;
    bool threaded, stop, finished;
    bool prober_waits, writer_waits; /* wake the other only when it waits */
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
} Prober;

static bool
needs_probe(const ScanEntry *e)
{
    return !e->matched || e->probe;
}

/* Probe the next entry of the order into @slot; false when there is none. */
static bool
probe_next(Prober *p, Probed *slot)
{
    const ScanTable *t = &p->c->table;
    const scActivePool *ap = p->c->ap;

    if (p->next == p->n)
        return false;
    slot->entry = p->order[p->next++];
    slot->r = ap->be->probe(&ap->ctx, entry_name(t, &t->v[slot->entry]), &slot->rec);
    slot->err = slot->r < 0 ? scErrorSave() : NULL;
    return true;
}

static void *
prober_main(void *opaque)
{
    Prober *p = opaque;
    bool more = true;

    pthread_mutex_lock(&p->lock);
    while (more) {
        while (p->made - p->taken == AHEAD && !p->stop) {
            p->prober_waits = true;
            pthread_cond_wait(&p->cond, &p->lock);
            p->prober_waits = false;
        }
        if (p->stop)
            break;
        /* Slot made % AHEAD is free: the writer has released it. */
        pthread_mutex_unlock(&p->lock);
        Probed *slot = &p->ring[p->made % AHEAD];
        more = probe_next(p, slot);
        pthread_mutex_lock(&p->lock);
        if (more) {
            p->made++;
            more = slot->r >= 0; /* the writer stops at an error */
        }
        if (p->writer_waits)
            pthread_cond_signal(&p->cond);
    }
    p->finished = true;
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->lock);
    scResetLastError();
    return NULL;
}

static int
prober_start(Prober *p, RefreshCtx *c, const uint32_t *order, size_t n)
{
    memset(p, 0, sizeof(*p));
    p->c = c;
    p->order = order;
    p->n = n;
    if (n < THREAD_MIN)
        return 0;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->cond, NULL);
    if ((errno = pthread_create(&p->thread, NULL, prober_main, p)) != 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot start a thread to probe volumes");
        pthread_mutex_destroy(&p->lock);
        pthread_cond_destroy(&p->cond);
        return -1;
    }
    p->threaded = true;
    return 0;
}

/* The next probed entry in scan order, or NULL when all are done. */
static Probed *
prober_take(Prober *p)
{
    Probed *slot = &p->ring[p->taken % AHEAD];
    bool ready;

    if (!p->threaded)
        return probe_next(p, slot) ? slot : NULL;
    pthread_mutex_lock(&p->lock);
    while (p->taken == p->made && !p->finished) {
        p->writer_waits = true;
        pthread_cond_wait(&p->cond, &p->lock);
        p->writer_waits = false;
    }
    ready = p->taken < p->made;
    pthread_mutex_unlock(&p->lock);
    return ready ? slot : NULL;
}

static void
prober_release(Prober *p, Probed *slot)
{
    scVolRecordClear(&slot->rec);
    scErrorSavedFree(slot->err);
    slot->err = NULL;
    if (!p->threaded)
        return;
    pthread_mutex_lock(&p->lock);
    p->taken++;
    /* Let a waiting prober run again once half the ring is free. */
    if (p->prober_waits && p->made - p->taken <= AHEAD / 2)
        pthread_cond_signal(&p->cond);
    pthread_mutex_unlock(&p->lock);
}

/* Stop the thread (if it still runs) and drop what it made. */
static void
prober_stop(Prober *p)
{
    if (!p->threaded)
        return;
    pthread_mutex_lock(&p->lock);
    p->stop = true;
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->lock);
    pthread_join(p->thread, NULL);
    for (; p->taken < p->made; p->taken++) {
        Probed *slot = &p->ring[p->taken % AHEAD];
        scVolRecordClear(&slot->rec);
        scErrorSavedFree(slot->err);
    }
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->cond);
}

/* Phase 3, in the write transaction: record every entry probed. An entry
 * the read snapshot did not know is inserted without a lookup by name
 * first, unless another connection wrote to the catalog since the
 * snapshot. A pool's first inventory records one event for the refresh
 * rather than one per volume. */
static int
apply_probed(RefreshCtx *c, Prober *p, scCatalogApply *a, bool fresh, unsigned long long total)
{
    unsigned long long done = 0;
    Probed *slot;

    while ((slot = prober_take(p))) {
        const ScanEntry *e = &c->table.v[slot->entry];
        scCatalogVolData data;
        int r = slot->r;

        if (r < 0) {
            if (slot->err)
                scErrorRestore(&slot->err);
            else
                scReportOOM();
        } else if (r > 0) { /* 0: gone since the scan; the next refresh sees it */
            scVolRecordToData(&slot->rec, &data);
            r = scCatalogApplyRecord(a, &data, e->matched || !fresh);
        }
        prober_release(p, slot);
        if (r < 0 ||
            (++done % PROGRESS_EVERY == 0 &&
             scConnectProgressReport(&c->progress, c->stats->scanned + done,
                                     c->stats->scanned + total) < 0))
            return -1;
    }
    return 0;
}

static int
by_name(const void *a, const void *b, void *table)
{
    const ScanTable *t = table;
    return strcmp(entry_name(t, &t->v[*(const uint32_t *) a]),
                  entry_name(t, &t->v[*(const uint32_t *) b]));
}

/* The entries to probe, sorted by name: new rows then arrive in the order
 * of the indexes on name and path, which SQLite appends to rather than
 * splitting pages all over (with time-ordered UUIDs, the UUID index too). */
static uint32_t *
probe_order(const ScanTable *t, size_t *n)
{
    uint32_t *order;

    *n = 0;
    for (size_t i = 0; i < t->n; i++)
        *n += needs_probe(&t->v[i]);
    if (!(order = scAlloc((*n ? *n : 1) * sizeof(*order))))
        return NULL;
    *n = 0;
    for (size_t i = 0; i < t->n; i++)
        if (needs_probe(&t->v[i]))
            order[(*n)++] = (uint32_t) i;
    qsort_r(order, *n, sizeof(*order), by_name, (void *) t);
    return order;
}

static int
apply(RefreshCtx *c)
{
    scConnect *conn = c->conn;
    scActivePool *ap = c->ap;
    scCatalogApply a = { conn->catalog, ap->row.uuid, ap->row.name, conn->actor, c->stats,
                         false, false };
    _cleanup_free_ uint32_t *order = NULL;
    unsigned int version;
    size_t n;
    Prober p;
    int r;

    if (scCatalogDataVersion(conn->catalog, &version) < 0)
        return -1;
    a.inventory = version == c->version && c->known == 0;
    if (!(order = probe_order(&c->table, &n)) || scCatalogApplyBegin(&a) < 0 ||
        prober_start(&p, c, order, n) < 0)
        return -1;
    r = apply_probed(c, &p, &a, version == c->version, n);
    prober_stop(&p);
    return r < 0 ? -1 : scCatalogApplyEnd(&a);
}

int
scReconcilePool(scConnect *conn, scActivePool *ap, scReconcileStats *stats)
{
    RefreshCtx c = { conn, ap, stats, { conn, "refresh" }, { 0 }, 0, 0 };
    scCatalog *cat = conn->catalog;
    scStoragePoolInfo info = { 0 };
    _cleanup_free_ char *detail = NULL;
    _cleanup_free_ char *digest = NULL;
    _cleanup_free_ char *old_digest = NULL;
    bool ok = false, unchanged;

    memset(stats, 0, sizeof(*stats));
    if (!ap->be->scan || !ap->be->probe) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                      "pool '%s': '%s' pools cannot be refreshed yet", ap->row.name,
                      ap->row.type);
        return -1;
    }
    if (ap->be->attach && ap->be->attach(&ap->ctx) < 0)
        return -1;
    /* Phases 1 and 2 read one snapshot of the catalog, taken before the
     * scan (reading the digest starts it): a volume another process
     * records meanwhile is not in it, so it cannot be taken for gone. */
    if (scCatalogReadBegin(cat) < 0)
        goto out;
    if (scCatalogPoolGetDigest(cat, ap->row.uuid, &old_digest) < 0 ||
        ap->be->scan(&ap->ctx, scan_one, &c) < 0 ||
        !(digest = scAsprintf("%zu:%016llx%016llx", c.table.n,
                              (unsigned long long) c.table.digest[0],
                              (unsigned long long) c.table.digest[1]))) {
        scCatalogReadEnd(cat, false);
        goto out;
    }
    unchanged = old_digest && strcmp(old_digest, digest) == 0;
    if ((!unchanged && collect(&c) < 0) ||
        (ap->be->pool_info && ap->be->pool_info(&ap->ctx, &info) < 0)) {
        scCatalogReadEnd(cat, false);
        goto out;
    }
    if (scCatalogReadEnd(cat, true) < 0)
        goto out;

    /* Phase 3: probe and apply the difference in one write transaction;
     * the digest is stored last (the triggers cleared it on every volume
     * write). */
    if (scCatalogBegin(cat) < 0)
        goto out;
    if ((!unchanged && apply(&c) < 0) ||
        scCatalogPoolSetSizes(cat, ap->row.uuid, &info) < 0 ||
        scCatalogPoolSetDigest(cat, ap->row.uuid, digest) < 0)
        goto end;
    if (stats->added || stats->changed || stats->renamed || stats->missing ||
        stats->reappeared || stats->purged) {
        if (!(detail = scAsprintf("%llu scanned, %llu new, %llu changed, %llu renamed, "
                                  "%llu missing, %llu reappeared", stats->scanned, stats->added,
                                  stats->changed, stats->renamed, stats->missing,
                                  stats->reappeared)) ||
            scCatalogEventAdd(cat, conn->actor, ap->row.uuid, ap->row.name, "pool-refresh",
                              detail) < 0)
            goto end;
    }
    ok = true;
end:
    if (scCatalogEnd(cat, ok) < 0)
        ok = false;
    /* Done and committed: a callback asking to stop now changes nothing. */
    if (ok && scConnectProgressReport(&c.progress, stats->scanned, stats->scanned) < 0)
        scResetLastError();
out:
    if (ap->be->detach)
        ap->be->detach(&ap->ctx);
    scan_clear(&c.table);
    return ok ? 0 : -1;
}

int
scReconcileVolume(scConnect *conn, scActivePool *ap, const char *name, const char *action,
                  const char *detail, char *uuid)
{
    scCatalog *cat = conn->catalog;
    scVolRecord rec = { 0 };
    scCatalogVol row;
    scCatalogVolData data;
    int found, r;

    if ((found = ap->be->probe(&ap->ctx, name, &rec)) < 0)
        return -1;
    if ((r = scCatalogVolGetByName(cat, ap->row.uuid, name, &row)) < 0)
        goto out;
    if (r > 0)
        snprintf(uuid, SC_UUID_STRING_BUFLEN, "%s", row.uuid);
    if (!found) {
        /* Gone: a known volume is marked missing; an unknown one stays unknown. */
        if (r > 0 && row.state == SC_STORAGE_VOL_STATE_PRESENT &&
            (scCatalogVolSetState(cat, row.uuid, SC_STORAGE_VOL_STATE_MISSING) < 0 ||
             scCatalogVolEventAdd(cat, conn->actor, ap->row.uuid, ap->row.name, row.uuid, name,
                                  "vol-missing", "gone from storage") < 0))
            r = -1;
        else
            r = 0;
        goto out;
    }
    scVolRecordToData(&rec, &data);
    if (r > 0) {
        if (row.state == SC_STORAGE_VOL_STATE_MISSING)
            action = "vol-reappeared";
        r = scCatalogVolUpdate(cat, uuid, &data);
    } else {
        unsigned char raw[SC_UUID_BUFLEN];
        scUUIDGenerate(raw);
        scUUIDFormat(raw, uuid);
        r = scCatalogVolInsert(cat, ap->row.uuid, uuid, SC_STORAGE_VOL_STATE_PRESENT, &data);
    }
    if (r == 0)
        r = scCatalogVolEventAdd(cat, conn->actor, ap->row.uuid, ap->row.name, uuid, name, action,
                                 detail);
    r = r < 0 ? -1 : 1;
out:
    scCatalogVolClear(&row);
    scVolRecordClear(&rec);
    return r;
}
