/*
 * reconcile.c: the catalog follows storage.
 *
 * A refresh asks the pool's backend for a scan (names and stat
 * signatures, no file opened), lets the catalog find what differs from
 * what it knows, probes only that, and applies the difference in one
 * transaction (catalog_vol.c holds the set logic). A refresh of an
 * unchanged pool therefore costs one readdir + fstatat per entry and one
 * join inside SQLite.
 */
#include <config.h>

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

typedef struct {
    scConnect *conn;
    scActivePool *ap;
    scReconcileStats *stats;
    scConnectProgress progress;
} RefreshCtx;

/* Every so many entries, tell the progress callback. */
#define PROGRESS_EVERY 1024

static int
scan_one(const char *name, const struct stat *st, void *opaque)
{
    RefreshCtx *c = opaque;

    if (scCatalogScanAdd(c->conn->catalog, name, (long long) st->st_dev, (long long) st->st_ino,
                         (long long) st->st_size,
                         (long long) st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec,
                         (long long) st->st_ctim.tv_sec * 1000000000LL + st->st_ctim.tv_nsec) < 0)
        return -1;
    if (++c->stats->scanned % PROGRESS_EVERY == 0)
        return scConnectProgressReport(&c->progress, c->stats->scanned, 0);
    return 0;
}

static int
probe_one(const char *name, void *opaque)
{
    RefreshCtx *c = opaque;
    scVolRecord rec = { 0 };
    scCatalogVolData data;
    int r = c->ap->be->probe(&c->ap->ctx, name, &rec);

    /* Gone between the scan and now: the next refresh sees it. */
    if (r <= 0) {
        scVolRecordClear(&rec);
        return r;
    }
    scVolRecordToData(&rec, &data);
    r = scCatalogScanProbed(c->conn->catalog, &data);
    scVolRecordClear(&rec);
    return r;
}

int
scReconcilePool(scConnect *conn, scActivePool *ap, scReconcileStats *stats)
{
    RefreshCtx c = { conn, ap, stats, { conn, "refresh" } };
    scCatalog *cat = conn->catalog;
    scStoragePoolInfo info = { 0 };
    _cleanup_free_ char *detail = NULL;
    bool ok = false;

    memset(stats, 0, sizeof(*stats));
    if (!ap->be->scan || !ap->be->probe) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                      "pool '%s': '%s' pools cannot be refreshed yet", ap->row.name,
                      ap->row.type);
        return -1;
    }
    /* Phases 1 and 2 take no lock on the catalog. */
    if (scCatalogScanBegin(cat) < 0 || ap->be->scan(&ap->ctx, scan_one, &c) < 0 ||
        scCatalogScanChanged(cat, ap->row.uuid, probe_one, &c) < 0)
        return -1;
    if (ap->be->pool_info && ap->be->pool_info(&ap->ctx, &info) < 0)
        return -1;

    if (scCatalogBegin(cat) < 0)
        return -1;
    if (scCatalogScanApply(cat, ap->row.uuid, ap->row.name, conn->actor, stats) < 0 ||
        scCatalogPoolSetSizes(cat, ap->row.uuid, &info) < 0)
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
    if (ok)
        scConnectProgressReport(&c.progress, stats->scanned, stats->scanned);
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
