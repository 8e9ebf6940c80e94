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

/* A new handle for the volume (uuid, name, key): one allocation. */
scStorageVol *
scVolNew(scConnect *conn, const char *uuid, const char *name, const char *key)
{
    size_t nlen = strlen(name) + 1, klen = strlen(key) + 1;
    scStorageVol *vol = scAlloc(sizeof(*vol) + nlen + klen);

    if (!vol)
        return NULL;
    if (scUUIDParse(uuid, vol->uuid) < 0) {
        scReportError(SC_FROM_CATALOG, SC_ERR_INTERNAL_ERROR,
                      "volume '%s' has a malformed UUID '%s' in the catalog", name, uuid);
        free(vol);
        return NULL;
    }
    vol->name = (char *) (vol + 1);
    vol->key = vol->name + nlen;
    memcpy(vol->name, name, nlen);
    memcpy(vol->key, key, klen);
    scUUIDFormat(vol->uuid, vol->uuidstr);
    vol->refs = 1;
    vol->conn = conn;
    scHandleRef(&conn->refs);
    vol->magic = SC_VOL_MAGIC;
    return vol;
}

void
scVolFree(scStorageVol *vol)
{
    scConnect *conn = vol->conn;

    vol->magic = SC_DEAD_MAGIC;
    free(vol);
    scConnectRelease(conn);
}

bool
scVolCheck(scStorageVol *vol, const char *func)
{
    if (!vol || vol->magic != SC_VOL_MAGIC) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_STORAGE_VOL, "%s: invalid storage volume",
                      func);
        return false;
    }
    return true;
}

/* Checks @vol and its connection; on success the connection is locked. */
bool
scVolEnter(scStorageVol *vol, const char *func, bool write)
{
    return scVolCheck(vol, func) && scConnectEnter(vol->conn, func, write);
}

/* The volume's row; deleted behind the handle's back is an error. 0 or -1. */
int
scVolRow(scStorageVol *vol, scCatalogVol *row)
{
    int r = scCatalogVolGet(vol->conn->catalog, SC_VOL_BY_UUID, vol->uuidstr, row);

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
                      "no storage volume with %s '%s' (it is being %s)", what, value,
                      id->state == SC_STORAGE_VOL_STATE_CREATING ? "created" : "deleted");
        return NULL;
    }
    return scVolNew(conn, id->uuid, id->name, id->key);
}

/* One indexed query and a handle; @pool_uuid for a lookup by name. */
static scStorageVol *
lookup(scConnect *conn, scCatalogVolKey by, const char *value, const char *pool_uuid,
       const char *what, const char *where)
{
    scCatalogVolIdentity id;
    scStorageVol *vol = NULL;
    int r;

    scConnectLock(conn);
    r = scCatalogVolFind(conn->catalog, by, value, pool_uuid, &id);
    if (r == 0)
        scReportError(SC_FROM_STORAGE, SC_ERR_NO_STORAGE_VOL, "no storage volume with %s '%s'%s",
                      what, value, where ? where : "");
    else if (r > 0)
        vol = id_handle(conn, &id, what, value);
    scConnectUnlock(conn);
    return vol;
}

scStorageVolPtr
scStorageVolLookupByName(scStoragePoolPtr pool, const char *name)
{
    _cleanup_free_ char *where = NULL;

    scResetLastError();
    if (!scPoolHandleCheck(pool, __func__, false) || !scCheckArg(name, "name", __func__) ||
        !(where = scAsprintf(" in pool '%s'", pool->name)))
        return NULL;
    return lookup(pool->conn, SC_VOL_BY_UUID, name, pool->uuidstr, "name", where);
}

scStorageVolPtr
scStorageVolLookupByKey(scConnectPtr conn, const char *key)
{
    scResetLastError();
    if (!scConnectCheck(conn, __func__) || !scCheckArg(key, "key", __func__))
        return NULL;
    return lookup(conn, SC_VOL_BY_KEY, key, NULL, "key", NULL);
}

scStorageVolPtr
scStorageVolLookupByUUID(scConnectPtr conn, const unsigned char *uuid)
{
    char buf[SC_UUID_STRING_BUFLEN];

    scResetLastError();
    if (!scConnectCheck(conn, __func__) || !scCheckArg(uuid, "uuid", __func__))
        return NULL;
    scUUIDFormat(uuid, buf);
    return lookup(conn, SC_VOL_BY_UUID, buf, NULL, "uuid", NULL);
}

scStorageVolPtr
scStorageVolLookupByUUIDString(scConnectPtr conn, const char *uuidstr)
{
    unsigned char uuid[SC_UUID_BUFLEN];
    char buf[SC_UUID_STRING_BUFLEN];

    scResetLastError();
    if (!scConnectCheck(conn, __func__) || !scCheckArg(uuidstr, "uuidstr", __func__))
        return NULL;
    if (scUUIDParse(uuidstr, uuid) < 0) {
        scReportError(SC_FROM_CONNECT, SC_ERR_INVALID_ARG, "'%s' is not a valid UUID", uuidstr);
        return NULL;
    }
    scUUIDFormat(uuid, buf);
    return lookup(conn, SC_VOL_BY_UUID, buf, NULL, "uuid", NULL);
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
    if (!*base || !ap->rt.dirs || !ap->rt.dirs[0] || strcmp(ap->rt.dirs[0], dir) != 0)
        return 0;
    return (*name = scStrdup(base)) ? 1 : -1;
}

/* Check @path against storage in pool @ap: probe the one volume it names
 * (no transaction), then record what is there. 1 recorded (found by the
 * path now), 0 nothing there, -1 error. */
static int
check_in_pool(scConnect *conn, scActivePool *ap, const char *path, const char *dir,
              const char *base, scCatalogVolIdentity *id)
{
    char uuid[SC_UUID_STRING_BUFLEN];
    _cleanup_free_ char *name = NULL;
    scVolRecord rec;
    int found, r;

    if ((r = path_to_name(ap, path, dir, base, &name)) <= 0)
        return r;
    if ((found = scReconcileProbe(ap, name, &rec)) < 0)
        return -1;
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
 * gone). 1 recorded (its identity in @id), 0 nothing there, -1 error.
 */
static int
check_path(scConnect *conn, const char *canon, scCatalogVolIdentity *id)
{
    _cleanup_free_ char *dir = NULL;
    PoolList pools = { 0 };
    const char *base;
    int r;

    if (!(dir = scPathDirname(canon, &base)))
        return -1;
    r = scCatalogPoolsByDir(conn->catalog, dir, pool_list_add, &pools);
    for (size_t i = 0; r == 0 && i < pools.n; i++) {
        scActivePool ap;
        if (scActivePoolLoad(conn, pools.uuids[i], "look up its volumes", &ap) < 0) {
            r = -1;
            break;
        }
        r = check_in_pool(conn, &ap, canon, dir, base, id);
        scActivePoolClear(&ap);
    }
    free(pools.uuids);
    return r;
}

scStorageVolPtr
scStorageVolLookupByPath(scConnectPtr conn, const char *path)
{
    _cleanup_free_ char *canon = NULL;
    _cleanup_free_ char *folded = NULL;
    const char *spelled = NULL;
    scCatalogVolIdentity id;
    scStorageVol *vol = NULL;
    int r = 0;

    scResetLastError();
    if (!scConnectCheck(conn, __func__) || !scCheckArg(path, "path", __func__))
        return NULL;
    if (path[0] != '/') {
        scReportError(SC_FROM_CONNECT, SC_ERR_INVALID_ARG, "path '%s' is not absolute", path);
        return NULL;
    }
    scConnectLock(conn);
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
    /* Never stale for one volume: a miss, or a volume believed missing,
     * is checked against storage (that one path, no pool rescan). */
    if (r == 0 || (r > 0 && id.state == SC_STORAGE_VOL_STATE_MISSING)) {
        if (!canon && !(canon = scPathCanonical(path)))
            r = -1;
        else if (!conn->readonly) {
            int c = check_path(conn, canon, &id);
            /* A device path is a symlink whose target names no pool
             * (/dev/VG/LV and /dev/mapper/VG-LV lead to /dev/dm-3): the
             * spelling given, folded, is checked too. */
            if (c == 0 && spelled && *spelled && strcmp(spelled, canon) != 0)
                c = check_path(conn, spelled, &id);
            r = c < 0 ? -1 : c > 0 ? 1 : r;
        }
    }
    if (r == 0)
        scReportError(SC_FROM_STORAGE, SC_ERR_NO_STORAGE_VOL, "no storage volume with path '%s'",
                      path);
    else if (r > 0)
        vol = id_handle(conn, &id, "path", path);
    scConnectUnlock(conn);
    return vol;
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

int
scStoragePoolListAllVolumes(scStoragePoolPtr pool, scStorageVolPtr **vols, unsigned int flags)
{
    VolList l = { 0 };
    bool missing = flags & SC_STORAGE_POOL_LIST_VOLUMES_MISSING;
    int r;

    scResetLastError();
    if (scCheckFlags(flags, SC_STORAGE_POOL_LIST_VOLUMES_MISSING) < 0 ||
        !scPoolHandleCheck(pool, __func__, false))
        return -1;
    l.conn = pool->conn;
    scConnectLock(pool->conn);
    if (!vols)
        r = scCatalogVolCount(pool->conn->catalog, pool->uuidstr, missing);
    else if ((r = scCatalogVolForEach(pool->conn->catalog, pool->uuidstr, missing, list_add,
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
    return scStoragePoolListAllVolumes(pool, NULL, 0);
}

scStoragePoolPtr
scStoragePoolLookupByVolume(scStorageVolPtr vol)
{
    scCatalogVol row;
    char pool_uuid[SC_UUID_STRING_BUFLEN];

    scResetLastError();
    if (vol_read(vol, __func__, &row) < 0)
        return NULL;
    memcpy(pool_uuid, row.pool_uuid, sizeof(pool_uuid));
    scCatalogVolClear(&row);
    return scStoragePoolLookupByUUIDString(vol->conn, pool_uuid);
}

/* ---- getters ------------------------------------------------------------ */

int
scStorageVolGetInfo(scStorageVolPtr vol, scStorageVolInfoPtr info)
{
    int r;

    scResetLastError();
    if (!scCheckArg(info, "info", __func__) || !scVolEnter(vol, __func__, false))
        return -1;
    r = scCatalogVolGetInfo(vol->conn->catalog, vol->uuidstr, info, NULL);
    if (r == 0)
        scReportError(SC_FROM_STORAGE, SC_ERR_NO_STORAGE_VOL,
                      "volume '%s' (uuid '%s') no longer exists", vol->name, vol->uuidstr);
    scConnectUnlock(vol->conn);
    return r > 0 ? 0 : -1;
}

static int
attr_to_def(const char *name, const char *value, void *opaque)
{
    scVolDef *def = opaque;
    int r;

    if ((r = scVolDefAddExtentAttr(def, name, value)) != 0)
        return r < 0 ? -1 : 0;
    if (strcmp(name, "compat") == 0)
        return (def->compat = scStrdup(value)) ? 0 : -1;
    if (strcmp(name, "lazy_refcounts") == 0)
        def->lazy_refcounts = true;
    else if (strcmp(name, "cluster_size") == 0)
        def->cluster_size = strtoull(value, NULL, 10);
    return 0;
}

/* The definition of @row's volume, as the XML shows it. */
static char *
format_row(scConnect *conn, const scCatalogVol *row)
{
    _cleanup_(scPoolDefFreep) scPoolDef *pooldef = NULL;
    scCatalogPool prow;
    scVolDef def = { 0 };
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
    def.target_path = row->path;
    def.format = row->format;
    def.perms.mode = row->mode;
    def.perms.uid = row->uid;
    def.perms.gid = row->gid;
    def.backing_path = row->backing_path;
    def.backing_format = row->backing_format;
    def.backing_perms.mode = def.backing_perms.uid = def.backing_perms.gid = -1;
    if (scCatalogVolAttrs(conn->catalog, row->uuid, attr_to_def, &def) == 0)
        xml = scVolDefFormat(pooldef, &def);
    free(def.compat);
    scVolDefClearExtents(&def);
    return xml;
}

char *
scStorageVolGetXMLDesc(scStorageVolPtr vol, unsigned int flags)
{
    scCatalogVol row;
    char *xml = NULL;

    scResetLastError();
    if (scCheckFlags(flags, 0) < 0 || !scVolEnter(vol, __func__, false))
        return NULL;
    if (scVolRow(vol, &row) == 0)
        xml = format_row(vol->conn, &row);
    scCatalogVolClear(&row);
    scConnectUnlock(vol->conn);
    return xml;
}

const char *
scStorageVolGetName(scStorageVolPtr vol)
{
    scResetLastError();
    return scVolCheck(vol, __func__) ? vol->name : NULL;
}

const char *
scStorageVolGetKey(scStorageVolPtr vol)
{
    scResetLastError();
    return scVolCheck(vol, __func__) ? vol->key : NULL;
}

char *
scStorageVolGetPath(scStorageVolPtr vol)
{
    scCatalogVol row;
    char *path;

    scResetLastError();
    if (vol_read(vol, __func__, &row) < 0)
        return NULL;
    path = row.path;
    row.path = NULL;
    scCatalogVolClear(&row);
    return path;
}

int
scStorageVolGetUUID(scStorageVolPtr vol, unsigned char *uuid)
{
    scResetLastError();
    if (!scVolCheck(vol, __func__) || !scCheckArg(uuid, "uuid", __func__))
        return -1;
    memcpy(uuid, vol->uuid, SC_UUID_BUFLEN);
    return 0;
}

int
scStorageVolGetUUIDString(scStorageVolPtr vol, char *buf)
{
    scResetLastError();
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

    scResetLastError();
    if (vol_read(vol, __func__, &row) < 0)
        return -1;
    state = row.state;
    scCatalogVolClear(&row);
    return state;
}

char *
scStorageVolGetFormat(scStorageVolPtr vol)
{
    scCatalogVol row;
    char *format;

    scResetLastError();
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

    scResetLastError();
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
    scResetLastError();
    return scVolCheck(vol, __func__) ? vol->conn : NULL;
}

int
scStorageVolRef(scStorageVolPtr vol)
{
    scResetLastError();
    if (!scVolCheck(vol, __func__))
        return -1;
    scHandleRef(&vol->refs);
    return 0;
}

int
scStorageVolFree(scStorageVolPtr vol)
{
    scResetLastError();
    if (!scVolCheck(vol, __func__))
        return -1;
    if (scHandleUnref(&vol->refs) == 0)
        scVolFree(vol);
    return 0;
}
