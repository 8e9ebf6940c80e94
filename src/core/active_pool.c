/*
 * active_pool.c: a pool as the backends see it, and its sizes.
 *
 * Every operation on a running pool loads its catalog row, its parsed
 * definition, its backend and its runtime state (what `start` returned)
 * into an scActivePool, and hands that to the backend's slots. A pool's
 * sizes (capacity, allocation, available, free extents) are read from the
 * backend after the storage work and stored in the same short write
 * transaction as the records.
 */
#include <config.h>

#include <stdio.h>

#include "reconcile.h"
#include "secret.h"
#include "util/util.h"

/* ---- pools as the backends see them ------------------------------------ */

const scBackend *
scPoolRowBackend(const scCatalogPool *row, const char *verb)
{
    int type = scPoolTypeFromString(row->type);
    const scBackend *be = type < 0 ? NULL : scBackendForType(type);

    if (!be)
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                      "pool '%s': cannot %s a '%s' pool: its backend is not supported yet "
                      "in storcat %s", row->name, verb, row->type, PACKAGE_VERSION);
    return be;
}

scPoolDef *
scPoolRowDef(const scCatalogPool *row)
{
    scPoolDef *def = scPoolDefParseString(row->xml);

    if (!def) {
        _cleanup_free_ char *why = scStrdup(scGetLastErrorDetail());
        scReportError(SC_FROM_CATALOG, SC_ERR_INTERNAL_ERROR,
                      "pool '%s': the definition stored in the catalog does not parse: %s",
                      row->name, why ? why : "?");
    }
    return def;
}

void
scActivePoolClear(scActivePool *ap)
{
    scCatalogPoolClear(&ap->row);
    scPoolDefFree(ap->def);
    scPoolRuntimeClear(&ap->rt);
    memset(ap, 0, sizeof(*ap));
}

/* For a backend's chain checks: is @path a volume of the catalog (its
 * path or an alias)? The connection is this thread's, with no
 * transaction open. */
static int
known_volume(void *opaque, const char *path)
{
    scConnect *conn = opaque;
    scCatalogVolIdentity id;

    return scCatalogVolFind(conn->catalog, SC_VOL_BY_PATH, path, NULL, &id);
}

int
scActivePoolLoad(scConnect *conn, const char *uuid, const char *verb, scActivePool *ap)
{
    int r;

    memset(ap, 0, sizeof(*ap));
    if ((r = scCatalogPoolGet(conn->catalog, SC_POOL_BY_UUID, uuid, &ap->row)) <= 0) {
        if (r == 0)
            scReportError(SC_FROM_STORAGE, SC_ERR_NO_STORAGE_POOL,
                          "pool with uuid '%s' is no longer defined", uuid);
        return -1;
    }
    if (ap->row.state == SC_STORAGE_POOL_INACTIVE) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID, "storage pool '%s' is not active",
                      ap->row.name);
        goto error;
    }
    if (!(ap->be = scPoolRowBackend(&ap->row, verb)) || !(ap->def = scPoolRowDef(&ap->row)) ||
        scSecretLoadForPool(conn, ap->def) < 0 ||
        scCatalogPoolGetDirs(conn->catalog, uuid, &ap->rt.dirs) < 0)
        goto error;
    if (ap->row.runtime && !(ap->rt.state = scStrdup(ap->row.runtime)))
        goto error;
    ap->ctx.def = ap->def;
    ap->ctx.rt = &ap->rt;
    ap->ctx.is_volume = known_volume;
    ap->ctx.is_volume_opaque = conn;
    return 0;

error:
    scActivePoolClear(ap);
    return -1;
}

void
scVolRecordToData(const scVolRecord *rec, scCatalogVolData *d)
{
    *d = (scCatalogVolData) {
        .name = rec->name, .key = rec->key, .path = rec->path, .type = rec->type,
        .format = rec->format, .capacity = rec->capacity, .allocation = rec->allocation,
        .physical = rec->physical, .backing_path = rec->backing_path,
        .backing_format = rec->backing_format, .mode = rec->mode, .uid = rec->uid,
        .gid = rec->gid, .atime_ns = rec->atime_ns, .mtime_ns = rec->mtime_ns,
        .ctime_ns = rec->ctime_ns, .btime_ns = rec->btime_ns,
        .sig = rec->sig_len ? rec->sig : NULL, .sig_len = rec->sig_len,
        .ident = rec->ident_len ? rec->ident : NULL, .ident_len = rec->ident_len,
        .aliases = rec->aliases, .naliases = rec->naliases, .attrs = rec->attrs,
        .nattrs = rec->nattrs,
    };
}

/* ---- a pool's sizes --------------------------------------------------- */

void
scPoolSizesClear(scPoolSizes *sizes)
{
    free(sizes->free_extents);
    memset(sizes, 0, sizeof(*sizes));
}

/* The free extents as the catalog keeps them: NULL for none. */
static int
free_extents_text(const scFreeExtents *l, char **text)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out;

    *text = NULL;
    if (!l->n)
        return 0;
    if (!(out = open_memstream(&buf, &len))) {
        scReportOOM();
        return -1;
    }
    for (size_t i = 0; i < l->n; i++)
        fprintf(out, "%zu %llu %llu\n", l->v[i].device, l->v[i].start, l->v[i].end);
    if (fclose(out) != 0 || !buf) {
        free(buf);
        scReportOOM();
        return -1;
    }
    *text = buf;
    return 0;
}

int
scReconcileReadSizes(scActivePool *ap, scPoolSizes *sizes)
{
    scFreeExtents free_extents = { 0 };
    int r = 0;

    memset(sizes, 0, sizeof(*sizes));
    if (ap->be->pool_info)
        r = ap->be->pool_info(&ap->ctx, &sizes->info);
    if (r == 0 && ap->be->pool_free_extents &&
        (r = ap->be->pool_free_extents(&ap->ctx, &free_extents)) == 0)
        r = free_extents_text(&free_extents, &sizes->free_extents);
    if (r == 0 && ap->be->pool_perms) {
        sizes->perms = (scPoolPerms) { .mode = -1, .uid = -1, .gid = -1 };
        sizes->has_perms = (r = ap->be->pool_perms(&ap->ctx, &sizes->perms)) == 0;
    }
    scFreeExtentsClear(&free_extents);
    if (r < 0)
        scPoolSizesClear(sizes);
    return r < 0 ? -1 : 0;
}

int
scReconcileStoreSizes(scConnect *conn, scActivePool *ap, const scPoolSizes *sizes)
{
    scStoragePoolInfo info = sizes->info;

    /* A backend without pool_info: the sums of the present volumes (after
     * this transaction's changes), as libvirt's for a target's LUNs. */
    if (!ap->be->pool_info &&
        scCatalogPoolSumVolumes(conn->catalog, ap->row.uuid, &info) < 0)
        return -1;
    if (scCatalogPoolSetSizes(conn->catalog, ap->row.uuid, &info) < 0 ||
        scCatalogPoolSetFreeExtents(conn->catalog, ap->row.uuid, sizes->free_extents) < 0 ||
        (sizes->has_perms &&
         scCatalogPoolSetPerms(conn->catalog, ap->row.uuid, sizes->perms.mode, sizes->perms.uid,
                               sizes->perms.gid) < 0))
        return -1;
    return 0;
}
