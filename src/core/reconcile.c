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
#include "backends/common/scan.h"
#include "util/util.h"

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
 * A refresh in three phases. (1) In one read snapshot of the catalog the
 * backend's scan goes into a scScan (bounded memory) with an
 * order-independent digest of it; equal to the digest stored by the last
 * refresh (which any write to the pool's volumes clears), nothing changed
 * and the refresh ends there. (2) Otherwise the scan, read back in name
 * order, is merged with the pool's rows streamed in name order from a
 * covering index: names gone and interrupted journals go to temporary
 * tables, the entries to probe to the scan's probe list. (3) One write
 * transaction probes them and records them, then the names gone.
 */
typedef struct {
    int64_t id;
    char *name;
    bool live;
} Journal;

typedef struct {
    scConnect *conn;
    scActivePool *ap;
    scReconcileStats *stats;
    scConnectProgress progress;
    scScan *scan;
    const scScanEntry *cur; /* phase 2: the scan's entry next in name order */
    Journal *journals;      /* of the pool (few: the operations in flight) */
    size_t njournals;
    size_t known;           /* rows of the pool in the snapshot */
    unsigned int version;   /* the snapshot's data version */
    bool fresh;             /* phase 3: nobody wrote to the catalog since */
} RefreshCtx;

/* Every so many entries, tell the progress callback. */
#define PROGRESS_EVERY 4096

static int
scan_one(const char *name, const struct stat *st, void *opaque)
{
    RefreshCtx *c = opaque;

    if (scScanAdd(c->scan, name, st) < 0)
        return -1;
    if (++c->stats->scanned % PROGRESS_EVERY == 0)
        return scConnectProgressReport(&c->progress, c->stats->scanned, 0);
    return 0;
}

static int
journal_add(int64_t id, const char *name, const char *uuid, long long pid, bool same_boot,
            void *opaque)
{
    RefreshCtx *c = opaque;
    Journal *j = reallocarray(c->journals, c->njournals + 1, sizeof(*j));

    if (!j) {
        scReportOOM();
        return -1;
    }
    c->journals = j;
    j = &j[c->njournals];
    if (!(j->name = scStrdup(name)))
        return -1;
    j->id = id;
    j->live = scJournalLive(pid, same_boot, uuid);
    c->njournals++;
    return 0;
}

static const Journal *
journal_find(const RefreshCtx *c, const char *name)
{
    for (size_t i = 0; i < c->njournals; i++)
        if (strcmp(c->journals[i].name, name) == 0)
            return &c->journals[i];
    return NULL;
}

static void
journals_clear(RefreshCtx *c)
{
    for (size_t i = 0; i < c->njournals; i++)
        free(c->journals[i].name);
    free(c->journals);
    c->journals = NULL;
    c->njournals = 0;
}

/* Move the merge on to the scan's next entry. */
static int
scan_advance(RefreshCtx *c)
{
    int r = scScanNext(c->scan, &c->cur);

    if (r == 0)
        c->cur = NULL;
    return r < 0 ? -1 : 0;
}

/* The scan's entries before @name (all of them when NULL) are new. */
static int
new_before(RefreshCtx *c, const char *name)
{
    while (c->cur && (!name || strcmp(c->cur->name, name) < 0))
        if (scScanPutProbe(c->scan, c->cur->name, false) < 0 || scan_advance(c) < 0)
            return -1;
    return 0;
}

/* One catalog row (in name order) against the scan. */
static int
compare_row(const scCatalogVolSig *sig, void *opaque)
{
    RefreshCtx *c = opaque;
    scCatalog *cat = c->conn->catalog;
    const scScanEntry *e;
    int r = 0;

    c->known++;
    if (new_before(c, sig->name) < 0)
        return -1;
    e = c->cur && strcmp(c->cur->name, sig->name) == 0 ? c->cur : NULL;
    if (sig->state == SC_STORAGE_VOL_STATE_CREATING || sig->state == SC_STORAGE_VOL_STATE_DELETING) {
        /* A create or delete whose process is gone is finished by the
         * refresh: its file probed if it is there (phase 3 takes the row
         * over), the row dropped if not. Live ones are left alone. */
        const Journal *j = journal_find(c, sig->name);
        if (j && !j->live)
            r = e ? (scCatalogScanStalePresent(cat, j->id) < 0 ||
                     scScanPutProbe(c->scan, e->name, true) < 0)
                        ? -1 : 0
                  : scCatalogScanStaleGone(cat, j->id);
    } else if (!e) {
        /* Gone from storage; already missing stays missing. */
        if (sig->state == SC_STORAGE_VOL_STATE_PRESENT)
            r = scCatalogScanGone(cat, sig);
    } else if (sig->state != SC_STORAGE_VOL_STATE_PRESENT || sig->dev != e->dev ||
               sig->ino != e->ino || sig->size != e->size || sig->mtime_ns != e->mtime_ns ||
               sig->ctime_ns != e->ctime_ns) {
        r = scScanPutProbe(c->scan, e->name, true);
    }
    if (r < 0 || (e && scan_advance(c) < 0))
        return -1;
    return 0;
}

/* Phase 2: compare; only temporary tables are written (inside the
 * caller's read transaction: no write lock on the catalog). */
static int
collect(RefreshCtx *c)
{
    scCatalog *cat = c->conn->catalog;

    if (scCatalogScanBegin(cat) < 0 ||
        scCatalogVolJournals(cat, c->ap->row.uuid, journal_add, c) < 0 ||
        scScanSorted(c->scan) < 0 || scan_advance(c) < 0 ||
        scCatalogVolSigForEach(cat, c->ap->row.uuid, compare_row, c) < 0 ||
        new_before(c, NULL) < 0)
        return -1;
    return 0;
}

/*
 * Phase 3 probes the entries of the probe list, in name order. With many
 * of them the probes run on a second thread, up to AHEAD entries ahead of
 * the writer, so that storage's system calls and SQLite's work overlap.
 */
#define AHEAD 256
#define THREAD_MIN 1024 /* fewer probes than this run inline */

typedef struct {
    bool known;        /* the catalog may have a row of that name */
    int r;             /* the probe's: 1 found, 0 gone, -1 error */
    scVolRecord rec;
    scErrorSaved *err; /* when r < 0 */
} Probed;

typedef struct {
    RefreshCtx *c;
    Probed ring[AHEAD];
    unsigned long long made, taken;
    bool threaded, stop, finished;
    bool prober_waits, writer_waits; /* wake the other only when it waits */
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
} Prober;

/* Probe the next entry of the list into @slot; false when there is none
 * (or the list cannot be read: slot->r < 0). */
static bool
probe_next(Prober *p, Probed *slot)
{
    const scActivePool *ap = p->c->ap;
    const char *name;
    int r = scScanTakeProbe(p->c->scan, &name, &slot->known);

    if (r == 0)
        return false;
    slot->r = r < 0 ? -1 : ap->be->probe(&ap->ctx, name, &slot->rec);
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
prober_start(Prober *p, RefreshCtx *c, size_t n)
{
    memset(p, 0, sizeof(*p));
    p->c = c;
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

/* The next probed entry in name order, or NULL when all are done. */
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

/* Phase 3, in the write transaction: record every entry probed, in name
 * order (new rows arrive in the order of the indexes on name and path,
 * which SQLite then appends to; with time-ordered UUIDs the UUID index
 * too). An entry the read snapshot did not know is inserted without a
 * lookup by name first, unless another connection wrote to the catalog
 * since the snapshot. A pool's first inventory records one event for the
 * refresh rather than one per volume. */
static int
apply_probed(RefreshCtx *c, Prober *p, scCatalogApply *a, unsigned long long total)
{
    unsigned long long done = 0;
    Probed *slot;

    while ((slot = prober_take(p))) {
        scCatalogVolData data;
        int r = slot->r;

        if (r < 0) {
            if (slot->err)
                scErrorRestore(&slot->err);
            else
                scReportOOM();
        } else if (r > 0) { /* 0: gone since the scan; the next refresh sees it */
            scVolRecordToData(&slot->rec, &data);
            r = scCatalogApplyRecord(a, &data, slot->known || !c->fresh);
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
apply(RefreshCtx *c)
{
    scConnect *conn = c->conn;
    scActivePool *ap = c->ap;
    scCatalogApply a = { conn->catalog, ap->row.uuid, ap->row.name, conn->actor, c->stats,
                         c->fresh && c->known == 0, false };
    size_t n = scScanProbeCount(c->scan);
    _cleanup_free_ Prober *p = scAlloc(sizeof(*p)); /* 256 records: not on the stack */
    int r;

    if (!p || scCatalogApplyBegin(&a) < 0 || prober_start(p, c, n) < 0)
        return -1;
    r = apply_probed(c, p, &a, n);
    prober_stop(p);
    return r < 0 ? -1 : scCatalogApplyEnd(&a);
}

int
scReconcilePool(scConnect *conn, scActivePool *ap, scReconcileStats *stats)
{
    RefreshCtx c = { .conn = conn, .ap = ap, .stats = stats, .progress = { conn, "refresh" } };
    scCatalog *cat = conn->catalog;
    scStoragePoolInfo info = { 0 };
    _cleanup_free_ char *detail = NULL;
    _cleanup_free_ char *old_digest = NULL;
    char digest[SC_SCAN_DIGEST_LEN];
    unsigned int version;
    bool ok = false, unchanged;

    memset(stats, 0, sizeof(*stats));
    if (!ap->be->scan || !ap->be->probe) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                      "pool '%s': '%s' pools cannot be refreshed yet", ap->row.name,
                      ap->row.type);
        return -1;
    }
    if (!(c.scan = scScanNew()))
        return -1;
    if (ap->be->attach && ap->be->attach(&ap->ctx) < 0) {
        scScanFree(c.scan);
        return -1;
    }
    /* Phases 1 and 2 read one snapshot of the catalog, taken before the
     * scan (reading the digest starts it): a volume another process
     * records meanwhile is not in it, so it cannot be taken for gone. */
    if (scCatalogReadBegin(cat) < 0)
        goto out;
    if (scCatalogPoolGetDigest(cat, ap->row.uuid, &old_digest) < 0 ||
        scCatalogDataVersion(cat, &c.version) < 0 ||
        ap->be->scan(&ap->ctx, scan_one, &c) < 0) {
        scCatalogReadEnd(cat, false);
        goto out;
    }
    scScanDigest(c.scan, digest);
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
    if (scCatalogBeginBulk(cat) < 0)
        goto out;
    if (scCatalogDataVersion(cat, &version) < 0)
        goto end;
    /* Another connection wrote since the snapshot (a volume journaled
     * meanwhile, say): the digest would vouch for what this refresh did
     * not compare, so none is stored and the next refresh compares. */
    c.fresh = version == c.version;
    if ((!unchanged && apply(&c) < 0) ||
        scCatalogPoolSetSizes(cat, ap->row.uuid, &info) < 0 ||
        scCatalogPoolSetDigest(cat, ap->row.uuid, c.fresh ? digest : NULL) < 0)
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
    journals_clear(&c);
    scScanFree(c.scan);
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
