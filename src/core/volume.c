/*
 * volume.c: storage volume handles, lookups, listings and getters.
 *
 * Lookups are single indexed catalog queries; a path that misses is
 * checked against the active pool it would belong to (by its canonical
 * spelling, then by the spelling given when that is a symlink, as device
 * paths are). The calls that
 * change volumes are in vol_ops.c.
 */
#include <config.h>

#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>
#include <stddef.h>
#include <stdio.h>

#include "volume.h"
#include "reconcile.h"
#include "util/util.h"
#include "conf/vol_conf.h"

/* ---- handles ------------------------------------------------------------ */

/* The UUID of a volume storage holds and the catalog has not recorded. */
#define SC_UUID_NIL "00000000-0000-0000-0000-000000000000"

/* Is @uuid 8-4-4-4-12 characters long? */
static bool
uuid_shaped(const char *uuid)
{
    return strlen(uuid) == SC_UUID_STRING_BUFLEN - 1 && uuid[8] == '-' && uuid[13] == '-' &&
           uuid[18] == '-' && uuid[23] == '-';
}

/* A new handle for the volume (uuid, name, key): one allocation, with
 * nothing written twice (every lookup makes one). */
scStorageVol *
scVolNew(scConnect *conn, const char *uuid, const char *name, const char *key)
{
    size_t nlen = strlen(name) + 1, klen = strlen(key) + 1;
    scStorageVol *vol = malloc(sizeof(*vol) + nlen + klen);

    if (!vol) {
        scReportOOM();
        return NULL;
    }
    /* The catalog's text as it is (what its rows are asked by), checked
     * for the canonical shape only: scStorageVolGetUUID parses it. */
    if (!uuid_shaped(uuid)) {
        scReportError(SC_FROM_CATALOG, SC_ERR_INTERNAL_ERROR,
                      "volume '%s' has a malformed UUID '%s' in the catalog", name, uuid);
        free(vol);
        return NULL;
    }
    memcpy(vol->uuidstr, uuid, SC_UUID_STRING_BUFLEN);
    vol->name = (char *) (vol + 1);
    vol->key = vol->name + nlen;
    memcpy(vol->name, name, nlen);
    memcpy(vol->key, key, klen);
    vol->seen = NULL;
    vol->refs = 1;
    vol->conn = conn;
    scHandleRef(&conn->refs);
    vol->magic = SC_VOL_MAGIC;
    return vol;
}

static void
seen_free(scVolSeen *seen)
{
    if (!seen)
        return;
    free(seen->pool_name);
    scVolRecordClear(&seen->rec);
    free(seen);
}

void
scVolFree(scStorageVol *vol)
{
    scConnect *conn = vol->conn;

    vol->magic = SC_DEAD_MAGIC;
    seen_free(vol->seen);
    free(vol);
    scConnectRelease(conn);
}

bool
scVolCheck(scStorageVol *vol, const char *func)
{
    if (!vol || vol->magic != SC_VOL_MAGIC) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_STORAGE_VOL, "%s", func);
        return false;
    }
    scApiSetConn(vol->conn);
    return true;
}

/* Checks @vol and its connection; on success the connection is locked. */
bool
scVolEnter(scStorageVol *vol, const char *func, bool write)
{
    return scVolCheck(vol, func) && scConnectEnter(vol->conn, func, write);
}

/* The row of a volume not recorded, made from what storage showed. */
static int
seen_row(const scStorageVol *vol, scCatalogVol *row)
{
    const scVolRecord *rec = &vol->seen->rec;

    memset(row, 0, sizeof(*row));
    memcpy(row->uuid, vol->uuidstr, sizeof(row->uuid));
    memcpy(row->pool_uuid, vol->seen->pool_uuid, sizeof(row->pool_uuid));
    row->type = rec->type;
    row->capacity = rec->capacity;
    row->allocation = rec->allocation;
    row->physical = rec->physical;
    row->mode = rec->mode;
    row->uid = rec->uid;
    row->gid = rec->gid;
    row->atime_ns = rec->atime_ns;
    row->mtime_ns = rec->mtime_ns;
    row->ctime_ns = rec->ctime_ns;
    row->btime_ns = rec->btime_ns;
    row->state = SC_STORAGE_VOL_STATE_PRESENT;
    memcpy(row->sig, rec->sig, row->sig_len = rec->sig_len);
    memcpy(row->ident, rec->ident, row->ident_len = rec->ident_len);
    if (!(row->pool_name = scStrdup(vol->seen->pool_name)) ||
        !(row->name = scStrdup(rec->name)) || !(row->key = scStrdup(rec->key)) ||
        !(row->path = scStrdup(rec->path)) ||
        (rec->format && !(row->format = scStrdup(rec->format))) ||
        (rec->backing_path && !(row->backing_path = scStrdup(rec->backing_path))) ||
        (rec->backing_format && !(row->backing_format = scStrdup(rec->backing_format)))) {
        scCatalogVolClear(row);
        return -1;
    }
    return 0;
}

/* The volume's row; deleted behind the handle's back is an error. 0 or -1. */
int
scVolRow(scStorageVol *vol, scCatalogVol *row)
{
    int r;

    if (vol->seen)
        return seen_row(vol, row);
    r = scCatalogVolGet(vol->conn->catalog, SC_VOL_BY_UUID, vol->uuidstr, row);

    if (r == 0)
        scReportError(SC_FROM_STORAGE, SC_ERR_NO_STORAGE_VOL,
                      "volume '%s' (uuid '%s') no longer exists", vol->name, vol->uuidstr);
    return r > 0 ? 0 : -1;
}

/* Read @vol's row under the connection lock. 0 or -1. */
static int
vol_read(scStorageVol *vol, const char *func, scCatalogVol *row)
{
    int r;

    if (!scVolEnter(vol, func, false))
        return -1;
    r = scVolRow(vol, row);
    scConnectUnlock(vol->conn);
    return r;
}

/* Report @pool_name's pool not active, as libvirt does for the volumes
 * of a stopped pool. */
static void
report_inactive(const char *pool_name)
{
    scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID, "storage pool '%s' is not active",
                  pool_name);
}

/* libvirt's getters answer nothing of a volume whose pool is not active:
 * 0 if the pool of @vol (row id @pool_id, read by the statement just run;
 * @pool_uuid for a volume not recorded) is active, else -1 with
 * SC_ERR_OPERATION_INVALID reported (or the error). */
static int
vol_pool_active(scStorageVol *vol, long long pool_id, const char *pool_uuid)
{
    const char *name = NULL;
    int r;

    if (vol->seen) {
        /* No statement of this call ran yet: read the pool's row. */
        scCatalogPool prow;
        if ((r = scCatalogPoolGet(vol->conn->catalog, SC_POOL_BY_UUID, pool_uuid, &prow)) > 0 &&
            prow.state == SC_STORAGE_POOL_INACTIVE) {
            report_inactive(prow.name);
            r = -1;
        }
        scCatalogPoolClear(&prow);
        return r < 0 ? -1 : 0;
    }
    if ((r = scCatalogPoolInactive(vol->conn->catalog, pool_id, NULL, &name)) > 0)
        report_inactive(name);
    return r != 0 ? -1 : 0;
}

bool
scPoolHandleCheck(scStoragePool *pool, const char *func, bool write)
{
    return scStoragePoolCheck(pool, func) &&
           (write ? scConnectCheckWritable(pool->conn, func) : scConnectCheck(pool->conn, func));
}

static int
attr_to_record(const char *name, const char *value, void *opaque)
{
    return scVolRecordSetAttr(opaque, name, value);
}

static int
alias_to_record(const char *path, const char *unused, void *opaque)
{
    (void) unused;
    return scVolRecordAddAlias(opaque, path);
}

/* What a backend needs to act on the volume of @row: the record the
 * catalog keeps of it. 0 or -1. */
int
scVolRowRecord(scConnect *conn, const scCatalogVol *row, scVolRecord *rec)
{
    scVolRecordClear(rec);
    rec->type = row->type;
    rec->capacity = row->capacity;
    rec->allocation = row->allocation;
    rec->physical = row->physical;
    rec->mode = row->mode;
    rec->uid = row->uid;
    rec->gid = row->gid;
    rec->atime_ns = row->atime_ns;
    rec->mtime_ns = row->mtime_ns;
    rec->ctime_ns = row->ctime_ns;
    rec->btime_ns = row->btime_ns;
    scVolRecordSetSig(rec, row->sig, row->sig_len);
    scVolRecordSetIdent(rec, row->ident, row->ident_len);
    if (!(rec->name = scStrdup(row->name)) || !(rec->key = scStrdup(row->key)) ||
        !(rec->path = scStrdup(row->path)) ||
        !(rec->format = scStrdup(row->format ? row->format : "raw")) ||
        (row->backing_path && !(rec->backing_path = scStrdup(row->backing_path))) ||
        (row->backing_format && !(rec->backing_format = scStrdup(row->backing_format))) ||
        scCatalogVolAttrs(conn->catalog, row->uuid, attr_to_record, rec) < 0 ||
        scCatalogVolAliases(conn->catalog, row->uuid, alias_to_record, rec) < 0) {
        scVolRecordClear(rec);
        return -1;
    }
    return 0;
}

/* ---- lookups ------------------------------------------------------------ */

/* A handle for a volume a lookup may return (present or missing: not the
 * journal of a create or delete in progress). */
static scStorageVol *
id_handle(scConnect *conn, const scCatalogVolIdentity *id, const char *what, const char *value)
{
    if (id->state == SC_STORAGE_VOL_STATE_CREATING || id->state == SC_STORAGE_VOL_STATE_DELETING) {
        scReportError(SC_FROM_STORAGE, SC_ERR_NO_STORAGE_VOL,
                      "no storage vol with matching %s '%s' (it is being %s)", what, value,
                      id->state == SC_STORAGE_VOL_STATE_CREATING ? "created" : "deleted");
        return NULL;
    }
    return scVolNew(conn, id->uuid, id->name, id->key);
}

/* Is the pool of the volume @id a lookup found active? 1 yes, 0 no (the
 * volume is skipped, as libvirt's lookups by key and path skip inactive
 * pools), -1 error. No query unless the catalog changed since the last
 * check (scCatalogPoolInactive). */
static int
found_active(scConnect *conn, const scCatalogVolIdentity *id)
{
    const char *name;
    int r = scCatalogPoolInactive(conn->catalog, id->pool_id, NULL, &name);

    return r < 0 ? -1 : !r;
}

/* One indexed query and a handle; @pool_uuid for a lookup by name. The
 * lookups by name and key answer no volume of an inactive pool, as
 * libvirt's; by UUID (storcat's own) answers the catalog's view. */
static scStorageVol *
lookup(scConnect *conn, scCatalogVolKey by, const char *value, const char *pool_uuid,
       const char *what)
{
    scCatalogVolIdentity id;
    scStorageVol *vol = NULL;
    const char *pool_name;
    int r;

    scConnectLock(conn);
    r = scCatalogVolFind(conn->catalog, by, value, pool_uuid, &id);
    /* By name: an inactive pool is an error whether or not it has the
     * volume (libvirt checks the pool first). */
    if (r >= 0 && pool_uuid) {
        int s = scCatalogPoolInactive(conn->catalog, 0, pool_uuid, &pool_name);
        if (s != 0) {
            if (s > 0)
                report_inactive(pool_name);
            scConnectUnlock(conn);
            return NULL;
        }
    } else if (r > 0 && by == SC_VOL_BY_KEY) {
        r = found_active(conn, &id);
    }
    if (r == 0)
        scReportError(SC_FROM_STORAGE, SC_ERR_NO_STORAGE_VOL,
                      "no storage vol with matching %s '%s'", what, value);
    else if (r > 0)
        vol = id_handle(conn, &id, what, value);
    scConnectUnlock(conn);
    return vol;
}

scStorageVolPtr
scStorageVolLookupByName(scStoragePoolPtr pool, const char *name)
{
    SC_API_BEGIN();
    if (!scPoolHandleCheck(pool, __func__, false) || !scCheckArg(name, "name", __func__))
        return NULL;
    return lookup(pool->conn, SC_VOL_BY_UUID, name, pool->uuidstr, "name");
}

scStorageVolPtr
scStorageVolLookupByKey(scConnectPtr conn, const char *key)
{
    SC_API_BEGIN();
    if (!scConnectCheck(conn, __func__) || !scCheckArg(key, "key", __func__))
        return NULL;
    return lookup(conn, SC_VOL_BY_KEY, key, NULL, "key");
}

scStorageVolPtr
scStorageVolLookupByUUID(scConnectPtr conn, const unsigned char *uuid)
{
    char buf[SC_UUID_STRING_BUFLEN];

    SC_API_BEGIN();
    if (!scConnectCheck(conn, __func__) || !scCheckArg(uuid, "uuid", __func__))
        return NULL;
    scUUIDFormat(uuid, buf);
    return lookup(conn, SC_VOL_BY_UUID, buf, NULL, "uuid");
}

scStorageVolPtr
scStorageVolLookupByUUIDString(scConnectPtr conn, const char *uuidstr)
{
    unsigned char uuid[SC_UUID_BUFLEN];
    char buf[SC_UUID_STRING_BUFLEN];

    SC_API_BEGIN();
    if (!scConnectCheck(conn, __func__) || !scCheckArg(uuidstr, "uuidstr", __func__))
        return NULL;
    if (scUUIDParse(uuidstr, uuid) < 0) {
        scReportInvalidArg(SC_FROM_STORAGE, __func__, "uuidstr",
                           "uuidstr in %s must be a valid UUID", __func__);
        return NULL;
    }
    scUUIDFormat(uuid, buf);
    return lookup(conn, SC_VOL_BY_UUID, buf, NULL, "uuid");
}

/* The pools a path's directory belongs to (few: a directory is usually
 * one pool's; /dev or /dev/mapper may be several pools'). */
typedef struct {
    char (*uuids)[SC_UUID_STRING_BUFLEN];
    size_t n;
} PoolList;

static int
pool_list_add(const char *uuid, void *opaque)
{
    PoolList *l = opaque;
    char (*u)[SC_UUID_STRING_BUFLEN] = reallocarray(l->uuids, l->n + 1, sizeof(*u));

    if (!u) {
        scReportOOM();
        return -1;
    }
    l->uuids = u;
    snprintf(u[l->n++], SC_UUID_STRING_BUFLEN, "%s", uuid);
    return 0;
}

/* The name of the volume canonical @path would be in @ap, in *@name
 * (caller frees): 1, or 0 if it is not one of the pool's. */
static int
path_to_name(scActivePool *ap, const char *path, const char *dir, const char *base,
             char **name)
{
    *name = NULL;
    if (ap->be->vol_lookup_path)
        return ap->be->vol_lookup_path(&ap->ctx, path, name);
    /* By default a volume is an entry of the pool's first directory. */
    if (!dir || !*base || !ap->rt.dirs || !ap->rt.dirs[0] || strcmp(ap->rt.dirs[0], dir) != 0)
        return 0;
    return (*name = scStrdup(base)) ? 1 : -1;
}

/* Check @path against storage in pool @ap: probe the one volume it names
 * (no transaction), then record what is there. 1 recorded (found by the
 * path now), 0 nothing there, -1 error. A read-only connection records
 * nothing: what is there goes to *@seen instead. */
static int
check_in_pool(scConnect *conn, scActivePool *ap, const char *path, const char *dir,
              const char *base, scCatalogVolIdentity *id, scVolSeen **seen)
{
    char uuid[SC_UUID_STRING_BUFLEN];
    _cleanup_free_ char *name = NULL;
    scVolRecord rec;
    int found, r;

    if ((r = path_to_name(ap, path, dir, base, &name)) <= 0)
        return r;
    if ((found = scReconcileProbe(ap, name, &rec)) < 0)
        return -1;
    if (conn->readonly) {
        if (found == 0)
            return 0;
        if (!(*seen = scAlloc(sizeof(**seen))) ||
            !((*seen)->pool_name = scStrdup(ap->row.name))) {
            free(*seen);
            *seen = NULL;
            scVolRecordClear(&rec);
            return -1;
        }
        memcpy((*seen)->pool_uuid, ap->row.uuid, sizeof((*seen)->pool_uuid));
        (*seen)->rec = rec;
        return 1;
    }
    if (scCatalogBegin(conn->catalog) < 0) {
        scVolRecordClear(&rec);
        return -1;
    }
    r = scReconcileRecord(conn, ap, name, found, &rec, false, "vol-discovered",
                          "found by a lookup by path", uuid);
    if (r > 0)
        r = scCatalogVolFind(conn->catalog, SC_VOL_BY_PATH, path, NULL, id);
    if (scCatalogEnd(conn->catalog, r >= 0) < 0)
        r = -1;
    scVolRecordClear(&rec);
    return r;
}

/*
 * Check one path against storage: in each active pool whose volumes' paths
 * lie in its directory, the one volume it names is probed and what is
 * there recorded (a new volume, a changed one, a missing one back, or one
 * gone). 1 recorded (its identity in @id; on a read-only connection, what
 * is there in *@seen), 0 nothing there, -1 error.
 */
static int
check_path(scConnect *conn, const char *canon, scCatalogVolIdentity *id, scVolSeen **seen)
{
    _cleanup_free_ char *dir = NULL;
    PoolList pools = { 0 };
    const char *base = NULL;
    int r;

    /* A backend's own path form (not absolute) belongs to the pools whose
     * runtime prefix begins it; a path, to those of its directory. */
    if (canon[0] != '/')
        r = scCatalogPoolsByPrefix(conn->catalog, canon, pool_list_add, &pools);
    else if (!(dir = scPathDirname(canon, &base)))
        return -1;
    else
        r = scCatalogPoolsByDir(conn->catalog, dir, pool_list_add, &pools);
    for (size_t i = 0; r == 0 && i < pools.n; i++) {
        scActivePool ap;
        if (scActivePoolLoad(conn, pools.uuids[i], "look up its volumes", &ap) < 0) {
            r = -1;
            break;
        }
        r = check_in_pool(conn, &ap, canon, dir, base, id, seen);
        scActivePoolClear(&ap);
    }
    free(pools.uuids);
    return r;
}

/* Is the pool of the volume @id a lookup by path found active? 1 yes,
 * 0 no (*@stopped set), -1 error. A volume of an inactive pool is
 * skipped, as libvirt's lookup skips inactive pools, unless @inactive
 * (storcat's own flag) keeps it: then 1. */
static int
path_found_active(scConnect *conn, const scCatalogVolIdentity *id, bool inactive, bool *stopped)
{
    int r = found_active(conn, id);

    *stopped = r == 0;
    return r == 0 && inactive ? 1 : r;
}

/* scStorageVolLookupByPath, and with @inactive its storcat flag. */
static scStorageVol *
lookup_path(scConnect *conn, const char *path, bool inactive, const char *func)
{
    _cleanup_free_ char *canon = NULL;
    _cleanup_free_ char *folded = NULL;
    const char *spelled = NULL;
    scCatalogVolIdentity id;
    scStorageVol *vol = NULL;
    scVolSeen *seen = NULL;
    bool stopped = false;
    int r = 0;

    if (!scConnectCheck(conn, func) || !scCheckArg(path, "path", func))
        return NULL;
    /* A relative file path is refused; a path without any '/' may be a
     * backend's own form (iscsi-direct's "ip-HOST:PORT-iscsi-IQN-lun-N"),
     * looked up as it is spelled. */
    if (path[0] != '/' && (!*path || strchr(path, '/'))) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG, "path '%s' is not absolute", path);
        return NULL;
    }
    scConnectLock(conn);
    if (path[0] != '/') {
        if (!(canon = scStrdup(path)))
            r = -1;
        else if ((r = scCatalogVolFind(conn->catalog, SC_VOL_BY_PATH, canon, NULL, &id)) > 0)
            r = path_found_active(conn, &id, inactive, &stopped);
        if (!stopped && r >= 0 && (r == 0 || id.state == SC_STORAGE_VOL_STATE_MISSING)) {
            bool had_row = r > 0;
            int c = check_path(conn, canon, &id, &seen);
            if (seen && !had_row)
                memcpy(id.uuid, SC_UUID_NIL, sizeof(id.uuid));
            r = c < 0 ? -1 : c > 0 ? 1 : r;
        }
        goto found;
    }
    /* Most lookups use the spelling the catalog holds: try it without a
     * system call first ("//" and "/./" folded, with no copy when there is
     * nothing to fold; a path with ".." must be resolved by the kernel, as
     * a symlink may come before it). */
    if (scPathIsFolded(path))
        spelled = path;
    else
        spelled = folded = scPathFold(path);
    if (spelled && (r = scCatalogVolFind(conn->catalog, SC_VOL_BY_PATH, spelled, NULL, &id)) == 0) {
        if ((canon = scPathCanonical(path)) && strcmp(canon, spelled) != 0)
            r = scCatalogVolFind(conn->catalog, SC_VOL_BY_PATH, canon, NULL, &id);
        else if (!canon)
            r = -1;
    }
    if (!spelled)
        r = -1;
    /* As libvirt's, the lookup skips the volumes of inactive pools; one
     * it found there is not checked against storage: nothing a stopped
     * pool holds is probed or recorded. */
    if (r > 0)
        r = path_found_active(conn, &id, inactive, &stopped);
    /* Never stale for one volume: a miss, or a volume believed missing,
     * is checked against storage (that one path, no pool rescan); a
     * read-only connection finds the same, without recording it. */
    if (!stopped && (r == 0 || (r > 0 && id.state == SC_STORAGE_VOL_STATE_MISSING))) {
        if (!canon && !(canon = scPathCanonical(path))) {
            r = -1;
        } else {
            bool had_row = r > 0;
            int c = check_path(conn, canon, &id, &seen);
            /* A device path is a symlink whose target names no pool
             * (/dev/VG/LV and /dev/mapper/VG-LV lead to /dev/dm-3): the
             * spelling given, folded, is checked too. */
            if (c == 0 && spelled && *spelled && strcmp(spelled, canon) != 0)
                c = check_path(conn, spelled, &id, &seen);
            if (seen && !had_row)
                memcpy(id.uuid, SC_UUID_NIL, sizeof(id.uuid));
            r = c < 0 ? -1 : c > 0 ? 1 : r;
        }
    }
found:
    if (r == 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_NO_STORAGE_VOL,
                      "no storage vol with matching path '%s'", path);
    } else if (r > 0 && seen) {
        if ((vol = scVolNew(conn, id.uuid, seen->rec.name, seen->rec.key)))
            vol->seen = seen;
        else
            seen_free(seen);
    } else if (r > 0) {
        vol = id_handle(conn, &id, "path", path);
    }
    scConnectUnlock(conn);
    return vol;
}

scStorageVolPtr
scStorageVolLookupByPath(scConnectPtr conn, const char *path)
{
    SC_API_BEGIN();
    return lookup_path(conn, path, false, __func__);
}

scStorageVolPtr
scStorageVolLookupByPathFlags(scConnectPtr conn, const char *path, unsigned int flags)
{
    SC_API_BEGIN();
    if (scCheckFlags(flags, SC_STORAGE_VOL_LOOKUP_INACTIVE) < 0)
        return NULL;
    return lookup_path(conn, path, flags & SC_STORAGE_VOL_LOOKUP_INACTIVE, __func__);
}

/* ---- listing ------------------------------------------------------------ */

typedef struct {
    scConnect *conn;
    scStorageVol **vols;
    size_t n;
    size_t alloc;
} VolList;

static int
list_add(const scCatalogVolIdentity *id, void *opaque)
{
    VolList *l = opaque;

    if (l->n + 1 >= l->alloc) {
        size_t alloc = l->alloc ? l->alloc * 2 : 64;
        scStorageVol **v = realloc(l->vols, alloc * sizeof(*v));
        if (!v) {
            scReportOOM();
            return -1;
        }
        l->vols = v;
        l->alloc = alloc;
    }
    if (!(l->vols[l->n] = scVolNew(l->conn, id->uuid, id->name, id->key)))
        return -1;
    l->vols[++l->n] = NULL;
    return 0;
}

/* Is @pool running? 1, 0, or -1 (reported). */
static int
pool_active(scStoragePool *pool)
{
    scCatalogPool row;
    int r = scCatalogPoolGet(pool->conn->catalog, SC_POOL_BY_UUID, pool->uuidstr, &row);

    if (r == 0)
        scReportError(SC_FROM_STORAGE, SC_ERR_NO_STORAGE_POOL,
                      "pool '%s' (uuid '%s') is no longer defined", pool->name, pool->uuidstr);
    if (r > 0)
        r = row.state != SC_STORAGE_POOL_INACTIVE;
    else
        r = -1;
    scCatalogPoolClear(&row);
    return r;
}

int
scStoragePoolListAllVolumes(scStoragePoolPtr pool, scStorageVolPtr **vols, unsigned int flags)
{
    VolList l = { 0 };
    scCatalogVolSet set = flags & SC_STORAGE_POOL_LIST_VOLUMES_ALL       ? SC_VOLS_ALL
                          : flags & SC_STORAGE_POOL_LIST_VOLUMES_MISSING ? SC_VOLS_KNOWN
                                                                         : SC_VOLS_PRESENT;
    int r;

    SC_API_BEGIN();
    if (scCheckFlags(flags, SC_STORAGE_POOL_LIST_VOLUMES_MISSING |
                                SC_STORAGE_POOL_LIST_VOLUMES_INACTIVE |
                                SC_STORAGE_POOL_LIST_VOLUMES_ALL) < 0 ||
        !scPoolHandleCheck(pool, __func__, false))
        return -1;
    l.conn = pool->conn;
    scConnectLock(pool->conn);
    /* As libvirt: an inactive pool has no volumes to list, unless the
     * caller asks for the catalog's last inventory of it. */
    if (!(flags & SC_STORAGE_POOL_LIST_VOLUMES_INACTIVE) &&
        (r = pool_active(pool)) <= 0) {
        if (r == 0)
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                          "storage pool '%s' is not active", pool->name);
        scConnectUnlock(pool->conn);
        return -1;
    }
    if (!vols)
        r = scCatalogVolCount(pool->conn->catalog, pool->uuidstr, set);
    else if ((r = scCatalogVolForEach(pool->conn->catalog, pool->uuidstr, set, list_add,
                                      &l)) == 0)
        r = (int) l.n;
    scConnectUnlock(pool->conn);
    if (r < 0) {
        for (size_t i = 0; i < l.n; i++)
            scVolFree(l.vols[i]);
        free(l.vols);
        return -1;
    }
    if (vols) {
        if (!l.vols && !(l.vols = scAlloc(sizeof(*l.vols))))
            return -1;
        *vols = l.vols;
    }
    return r;
}

int
scStoragePoolNumOfVolumes(scStoragePoolPtr pool)
{
    SC_API_BEGIN();
    /* Checked here too: an error names the call made. */
    if (!scPoolHandleCheck(pool, __func__, false))
        return -1;
    return scStoragePoolListAllVolumes(pool, NULL, 0);
}

int
scStoragePoolListVolumes(scStoragePoolPtr pool, char **const names, int maxnames)
{
    scStorageVolPtr *vols = NULL;
    int n, i;

    SC_API_BEGIN();
    if (!scPoolHandleCheck(pool, __func__, false))
        return -1;
    if (maxnames < 0 || (maxnames > 0 && !names)) {
        if (maxnames < 0)
            scReportInvalidArg(SC_FROM_STORAGE, __func__, "maxnames",
                               "maxnames in %s must be zero or greater", __func__);
        else
            scReportInvalidArg(SC_FROM_STORAGE, __func__, "names", "names in %s must not be NULL",
                               __func__);
        return -1;
    }
    if ((n = scStoragePoolListAllVolumes(pool, &vols, 0)) < 0)
        return -1;
    for (i = 0; i < n && i < maxnames; i++)
        if (!(names[i] = scStrdup(vols[i]->name)))
            break;
    if (i < n && i < maxnames) {
        while (i-- > 0)
            free(names[i]);
        i = -1;
    }
    for (int j = 0; j < n; j++)
        scStorageVolFree(vols[j]);
    free(vols);
    return i;
}

scStoragePoolPtr
scStoragePoolLookupByVolume(scStorageVolPtr vol)
{
    scCatalogVol row;
    char pool_uuid[SC_UUID_STRING_BUFLEN];

    SC_API_BEGIN();
    if (vol_read(vol, __func__, &row) < 0)
        return NULL;
    memcpy(pool_uuid, row.pool_uuid, sizeof(pool_uuid));
    scCatalogVolClear(&row);
    return scStoragePoolLookupByUUIDString(vol->conn, pool_uuid);
}

/* ---- getters ------------------------------------------------------------ */

static int
vol_info(scStorageVol *vol, scStorageVolInfo *info, unsigned int flags, const char *func)
{
    unsigned long long physical = 0;
    long long pool_id = 0;
    int r;

    if (scCheckFlagsImpl(flags, SC_STORAGE_VOL_GET_PHYSICAL | SC_STORAGE_VOL_GET_INACTIVE, func) <
            0 ||
        !scCheckArg(info, "info", func) || !scVolEnter(vol, func, false))
        return -1;
    if (vol->seen) {
        info->type = vol->seen->rec.type;
        info->capacity = vol->seen->rec.capacity;
        info->allocation = vol->seen->rec.allocation;
        physical = vol->seen->rec.physical;
        r = 1;
    } else {
        r = scCatalogVolGetInfo(vol->conn->catalog, vol->uuidstr, info, &physical, &pool_id);
    }
    if (r > 0 && !(flags & SC_STORAGE_VOL_GET_INACTIVE) &&
        vol_pool_active(vol, pool_id, vol->seen ? vol->seen->pool_uuid : NULL) < 0)
        r = -1;
    /* libvirt's GET_PHYSICAL: the allocation field holds the size of the
     * container (a file's size, a device's). */
    if (r > 0 && (flags & SC_STORAGE_VOL_GET_PHYSICAL))
        info->allocation = physical;
    if (r == 0)
        scReportError(SC_FROM_STORAGE, SC_ERR_NO_STORAGE_VOL,
                      "volume '%s' (uuid '%s') no longer exists", vol->name, vol->uuidstr);
    scConnectUnlock(vol->conn);
    return r > 0 ? 0 : -1;
}

int
scStorageVolGetInfo(scStorageVolPtr vol, scStorageVolInfoPtr info)
{
    SC_API_BEGIN();
    return vol_info(vol, info, 0, __func__);
}

int
scStorageVolGetInfoFlags(scStorageVolPtr vol, scStorageVolInfoPtr info, unsigned int flags)
{
    SC_API_BEGIN();
    return vol_info(vol, info, flags, __func__);
}

static int
attr_to_def(const char *name, const char *value, void *opaque)
{
    scVolDef *def = opaque;
    int r;

    if (strcmp(name, "compat") == 0)
        return (def->compat = scStrdup(value)) ? 0 : -1;
    if ((r = scVolDefAddExtentAttr(def, name, value)) != 0)
        return r < 0 ? -1 : 0;
    if (strcmp(name, "lazy_refcounts") == 0)
        def->lazy_refcounts = true;
    else if (strcmp(name, "cluster_size") == 0)
        def->cluster_size = strtoull(value, NULL, 10);
    return 0;
}

static struct timespec
ns_to_ts(long long ns)
{
    if (ns < 0)
        return (struct timespec){ 0, -1 };
    return (struct timespec){ (time_t) (ns / 1000000000), (long) (ns % 1000000000) };
}

/* A row's times as libvirt's <timestamps> (a file's; none for a volume
 * without them). An unknown birth time is 0, as libvirt prints it. */
static void
row_times(const scCatalogVol *row, scVolTimes *t)
{
    if (row->mtime_ns < 0)
        return;
    t->set = true;
    t->atime = ns_to_ts(row->atime_ns);
    t->mtime = ns_to_ts(row->mtime_ns);
    t->ctime = ns_to_ts(row->ctime_ns);
    t->btime = row->btime_ns < 0 ? (struct timespec){ 0, 0 } : ns_to_ts(row->btime_ns);
}

/* The definition of @row's volume, as the XML shows it; its details from
 * @seen when it is not recorded. */
static char *
format_row(scConnect *conn, const scCatalogVol *row, const scVolSeen *seen)
{
    _cleanup_(scPoolDefFreep) scPoolDef *pooldef = NULL;
    scCatalogPool prow;
    scVolDef def = { 0 };
    scCatalogVol backing = { 0 };
    char *xml = NULL;
    int r;

    if ((r = scCatalogPoolGet(conn->catalog, SC_POOL_BY_UUID, row->pool_uuid, &prow)) <= 0) {
        if (r == 0)
            scReportError(SC_FROM_STORAGE, SC_ERR_NO_STORAGE_POOL,
                          "volume '%s': its pool is no longer defined", row->name);
        return NULL;
    }
    pooldef = scPoolDefParseString(prow.xml);
    scCatalogPoolClear(&prow);
    if (!pooldef)
        return NULL;
    def.name = row->name;
    def.key = row->key;
    def.type = row->type;
    def.capacity = row->capacity;
    def.has_capacity = true;
    def.allocation = row->allocation;
    def.has_allocation = true;
    def.physical = row->physical;
    def.target_path = row->path;
    def.format = row->format;
    def.perms.mode = row->mode;
    def.perms.uid = row->uid;
    def.perms.gid = row->gid;
    row_times(row, &def.times);
    def.backing_path = row->backing_path;
    def.backing_format = row->backing_format;
    def.backing_perms.mode = def.backing_perms.uid = def.backing_perms.gid = -1;
    /* The backing file's permissions and times, as libvirt prints them,
     * when the catalog knows it (a volume of a pool). */
    if (row->backing_path &&
        scCatalogVolGet(conn->catalog, SC_VOL_BY_PATH, row->backing_path, &backing) > 0) {
        def.backing_perms.mode = backing.mode;
        def.backing_perms.uid = backing.uid;
        def.backing_perms.gid = backing.gid;
        row_times(&backing, &def.backing_times);
    }
    r = 0;
    for (size_t i = 0; seen && r == 0 && i < seen->rec.nattrs; i++)
        r = attr_to_def(seen->rec.attrs[i].name, seen->rec.attrs[i].value, &def);
    if (r == 0 && (seen || scCatalogVolAttrs(conn->catalog, row->uuid, attr_to_def, &def) == 0))
        xml = scVolDefFormat(pooldef, &def);
    scCatalogVolClear(&backing);
    free(def.compat);
    scVolDefClearExtents(&def);
    return xml;
}

char *
scStorageVolGetXMLDesc(scStorageVolPtr vol, unsigned int flags)
{
    scCatalogVol row;
    char *xml = NULL;

    SC_API_BEGIN();
    if (scCheckFlags(flags, SC_STORAGE_VOL_XML_INACTIVE) < 0 || !scVolEnter(vol, __func__, false))
        return NULL;
    if (scVolRow(vol, &row) == 0 && ((flags & SC_STORAGE_VOL_XML_INACTIVE) ||
                                     vol_pool_active(vol, row.pool_id, row.pool_uuid) == 0))
        xml = format_row(vol->conn, &row, vol->seen);
    scCatalogVolClear(&row);
    scConnectUnlock(vol->conn);
    return xml;
}

const char *
scStorageVolGetName(scStorageVolPtr vol)
{
    SC_API_BEGIN();
    return scVolCheck(vol, __func__) ? vol->name : NULL;
}

const char *
scStorageVolGetKey(scStorageVolPtr vol)
{
    SC_API_BEGIN();
    return scVolCheck(vol, __func__) ? vol->key : NULL;
}

/* The path of @vol, its pool active unless @flags say otherwise. */
static char *
vol_path(scStorageVol *vol, unsigned int flags, const char *func)
{
    scCatalogVol row;
    char *path;
    int r;

    if (!scVolEnter(vol, func, false))
        return NULL;
    if ((r = scVolRow(vol, &row)) == 0 && !(flags & SC_STORAGE_VOL_GET_INACTIVE))
        r = vol_pool_active(vol, row.pool_id, row.pool_uuid);
    scConnectUnlock(vol->conn);
    path = r == 0 ? row.path : NULL;
    if (r == 0)
        row.path = NULL;
    scCatalogVolClear(&row);
    return path;
}

char *
scStorageVolGetPath(scStorageVolPtr vol)
{
    SC_API_BEGIN();
    return vol_path(vol, 0, __func__);
}

char *
scStorageVolGetPathFlags(scStorageVolPtr vol, unsigned int flags)
{
    SC_API_BEGIN();
    if (scCheckFlags(flags, SC_STORAGE_VOL_GET_INACTIVE) < 0)
        return NULL;
    return vol_path(vol, flags, __func__);
}

int
scStorageVolGetUUID(scStorageVolPtr vol, unsigned char *uuid)
{
    SC_API_BEGIN();
    if (!scVolCheck(vol, __func__) || !scCheckArg(uuid, "uuid", __func__))
        return -1;
    if (!scUUIDParseCanonical(vol->uuidstr, uuid)) {
        scReportError(SC_FROM_CATALOG, SC_ERR_INTERNAL_ERROR,
                      "volume '%s' has a malformed UUID '%s' in the catalog", vol->name,
                      vol->uuidstr);
        return -1;
    }
    return 0;
}

int
scStorageVolGetUUIDString(scStorageVolPtr vol, char *buf)
{
    SC_API_BEGIN();
    if (!scVolCheck(vol, __func__) || !scCheckArg(buf, "buf", __func__))
        return -1;
    memcpy(buf, vol->uuidstr, SC_UUID_STRING_BUFLEN);
    return 0;
}

int
scStorageVolGetState(scStorageVolPtr vol)
{
    scCatalogVol row;
    int state;

    SC_API_BEGIN();
    if (vol_read(vol, __func__, &row) < 0)
        return -1;
    state = row.state;
    scCatalogVolClear(&row);
    return state;
}

int
scStorageVolGetOperation(scStorageVolPtr vol, char **op, long long *pid)
{
    scCatalogVol row;
    const char *what;
    int has;

    SC_API_BEGIN();
    if (!scCheckArg(op, "op", __func__) || !scCheckArg(pid, "pid", __func__) ||
        vol_read(vol, __func__, &row) < 0)
        return -1;
    what = row.state == SC_STORAGE_VOL_STATE_CREATING || row.state == SC_STORAGE_VOL_STATE_DELETING
               ? scVolStateToString(row.state)
               : row.op;
    has = what && row.op_pid > 0;
    *op = NULL;
    *pid = has ? row.op_pid : 0;
    if (has && !(*op = scStrdup(what)))
        has = -1;
    scCatalogVolClear(&row);
    return has;
}

char *
scStorageVolGetFormat(scStorageVolPtr vol)
{
    scCatalogVol row;
    char *format;

    SC_API_BEGIN();
    if (vol_read(vol, __func__, &row) < 0)
        return NULL;
    format = row.format ? row.format : scStrdup("raw");
    row.format = NULL;
    scCatalogVolClear(&row);
    return format;
}

int
scStorageVolGetBackingStore(scStorageVolPtr vol, char **path, char **format)
{
    scCatalogVol row;
    int has;

    SC_API_BEGIN();
    if (!scCheckArg(path, "path", __func__) || !scCheckArg(format, "format", __func__) ||
        vol_read(vol, __func__, &row) < 0)
        return -1;
    has = row.backing_path != NULL;
    *path = row.backing_path;
    *format = row.backing_format;
    row.backing_path = row.backing_format = NULL;
    scCatalogVolClear(&row);
    return has;
}

scConnectPtr
scStorageVolGetConnect(scStorageVolPtr vol)
{
    SC_API_BEGIN();
    return scVolCheck(vol, __func__) ? vol->conn : NULL;
}

int
scStorageVolRef(scStorageVolPtr vol)
{
    SC_API_BEGIN();
    if (!scVolCheck(vol, __func__))
        return -1;
    scHandleRef(&vol->refs);
    return 0;
}

int
scStorageVolFree(scStorageVolPtr vol)
{
    SC_API_BEGIN();
    if (!scVolCheck(vol, __func__))
        return -1;
    if (scHandleUnref(&vol->refs) == 0)
        scVolFree(vol);
    return 0;
}
