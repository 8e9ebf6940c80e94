/*
 * pool.c: the public storage pool calls that the catalog answers alone:
 * handles, lookups, listings, definitions, autostart and getters. The
 * calls that act on storage (build, start, stop, delete, refresh) are in
 * pool_ops.c.
 *
 * Every entry is thin, as in libvirt's libvirt-storage.c: clear the last
 * error, check the handle and flags, lock the connection, do the work
 * against the catalog (one short transaction for a change, with its audit
 * event), unlock. A failed change rolls the whole transaction back, so the
 * catalog is exactly as it was.
 */
#include <config.h>

#include <stdio.h>

#include "conf/pool_conf.h"
#include "journal.h"
#include "pool.h"
#include "reconcile.h"
#include "util/util.h"

/* ---- handles ---------------------------------------------------------- */

static scStoragePool *
pool_new(scConnect *conn, const scCatalogPool *row)
{
    scStoragePool *pool = scAlloc(sizeof(*pool));

    if (!pool)
        return NULL;
    if (!(pool->name = scStrdup(row->name))) {
        free(pool);
        return NULL;
    }
    if (scUUIDParse(row->uuid, pool->uuid) < 0) {
        scReportError(SC_FROM_CATALOG, SC_ERR_INTERNAL_ERROR,
                      "pool '%s' has a malformed UUID '%s' in the catalog", row->name, row->uuid);
        free(pool->name);
        free(pool);
        return NULL;
    }
    scUUIDFormat(pool->uuid, pool->uuidstr);
    pool->refs = 1;
    pool->conn = conn;
    scHandleRef(&conn->refs);
    pool->magic = SC_POOL_MAGIC;
    return pool;
}

static void
pool_free(scStoragePool *pool)
{
    scConnect *conn = pool->conn;

    pool->magic = SC_DEAD_MAGIC;
    free(pool->name);
    free(pool);
    /* The pool held a reference; it may have been the last one. */
    scConnectRelease(conn);
}

bool
scStoragePoolCheck(scStoragePool *pool, const char *func)
{
    if (!pool || pool->magic != SC_POOL_MAGIC) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_STORAGE_POOL, "%s: invalid storage pool",
                      func);
        return false;
    }
    return true;
}

bool
scPoolEnter(scStoragePool *pool, const char *func, bool write)
{
    return scStoragePoolCheck(pool, func) && scConnectEnter(pool->conn, func, write);
}

int
scPoolRow(scStoragePool *pool, scCatalogPool *row)
{
    int r = scCatalogPoolGet(pool->conn->catalog, SC_POOL_BY_UUID, pool->uuidstr, row);

    if (r == 0)
        scReportError(SC_FROM_STORAGE, SC_ERR_NO_STORAGE_POOL,
                      "pool '%s' (uuid '%s') is no longer defined", pool->name, pool->uuidstr);
    return r > 0 ? 0 : -1;
}

bool
scPoolRowIsActive(const scCatalogPool *row)
{
    return row->state != SC_STORAGE_POOL_INACTIVE;
}

/* ---- lookups ---------------------------------------------------------- */

/* Find a pool by one catalog key and return a new handle; a miss is
 * SC_ERR_NO_STORAGE_POOL with @what describing the key. */
static scStoragePool *
lookup(scConnect *conn, scCatalogPoolKey by, const char *value, const char *what)
{
    scCatalogPool row;
    scStoragePool *pool = NULL;
    int r;

    scConnectLock(conn);
    r = scCatalogPoolGet(conn->catalog, by, value, &row);
    if (r == 0)
        scReportError(SC_FROM_STORAGE, SC_ERR_NO_STORAGE_POOL, "no storage pool with %s '%s'",
                      what, value);
    else if (r > 0)
        pool = pool_new(conn, &row);
    scCatalogPoolClear(&row);
    scConnectUnlock(conn);
    return pool;
}

scStoragePoolPtr
scStoragePoolLookupByName(scConnectPtr conn, const char *name)
{
    scResetLastError();
    if (!scConnectCheck(conn, __func__) || !scCheckArg(name, "name", __func__))
        return NULL;
    return lookup(conn, SC_POOL_BY_NAME, name, "matching name");
}

scStoragePoolPtr
scStoragePoolLookupByUUID(scConnectPtr conn, const unsigned char *uuid)
{
    char buf[SC_UUID_STRING_BUFLEN];

    scResetLastError();
    if (!scConnectCheck(conn, __func__) || !scCheckArg(uuid, "uuid", __func__))
        return NULL;
    scUUIDFormat(uuid, buf);
    return lookup(conn, SC_POOL_BY_UUID, buf, "matching uuid");
}

scStoragePoolPtr
scStoragePoolLookupByUUIDString(scConnectPtr conn, const char *uuidstr)
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
    return lookup(conn, SC_POOL_BY_UUID, buf, "matching uuid");
}

scStoragePoolPtr
scStoragePoolLookupByTargetPath(scConnectPtr conn, const char *path)
{
    _cleanup_free_ char *clean = NULL;

    scResetLastError();
    if (!scConnectCheck(conn, __func__) || !scCheckArg(path, "path", __func__))
        return NULL;
    if (!(clean = scPathSanitize(path)))
        return NULL;
    return lookup(conn, SC_POOL_BY_TARGET_PATH, clean, "target path");
}

/* ---- listing ------------------------------------------------------------ */

typedef struct {
    scConnect *conn;
    unsigned int flags;
    scStoragePool **pools; /* NULL when only counting */
    size_t n;
    size_t alloc;
} ListCtx;

/* Does @row pass the libvirt-style filter groups in @flags? */
static bool
pool_matches(const scCatalogPool *row, unsigned int flags)
{
    const unsigned int active_bits =
        SC_CONNECT_LIST_STORAGE_POOLS_ACTIVE | SC_CONNECT_LIST_STORAGE_POOLS_INACTIVE;
    const unsigned int persist_bits =
        SC_CONNECT_LIST_STORAGE_POOLS_PERSISTENT | SC_CONNECT_LIST_STORAGE_POOLS_TRANSIENT;
    const unsigned int auto_bits =
        SC_CONNECT_LIST_STORAGE_POOLS_AUTOSTART | SC_CONNECT_LIST_STORAGE_POOLS_NO_AUTOSTART;
    unsigned int type_bits = flags & ~(active_bits | persist_bits | auto_bits);
    int type = scPoolTypeFromString(row->type);

    if (flags & active_bits &&
        !(flags & (scPoolRowIsActive(row) ? SC_CONNECT_LIST_STORAGE_POOLS_ACTIVE
                                      : SC_CONNECT_LIST_STORAGE_POOLS_INACTIVE)))
        return false;
    /* Every storcat pool is persistent. */
    if (flags & persist_bits && !(flags & SC_CONNECT_LIST_STORAGE_POOLS_PERSISTENT))
        return false;
    if (flags & auto_bits &&
        !(flags & (row->autostart ? SC_CONNECT_LIST_STORAGE_POOLS_AUTOSTART
                                  : SC_CONNECT_LIST_STORAGE_POOLS_NO_AUTOSTART)))
        return false;
    if (type_bits && (type < 0 || !(type_bits & SC_POOL_TYPE_LIST_FLAG(type))))
        return false;
    return true;
}

static int
list_add(const scCatalogPool *row, void *opaque)
{
    ListCtx *ctx = opaque;

    if (!pool_matches(row, ctx->flags))
        return 0;
    if (ctx->pools) {
        /* Keep room for the NULL terminator. */
        if (ctx->n + 1 >= ctx->alloc) {
            size_t alloc = ctx->alloc ? ctx->alloc * 2 : 16;
            scStoragePool **p = realloc(ctx->pools, alloc * sizeof(*p));
            if (!p) {
                scReportOOM();
                return -1;
            }
            ctx->pools = p;
            ctx->alloc = alloc;
        }
        if (!(ctx->pools[ctx->n] = pool_new(ctx->conn, row)))
            return -1;
        ctx->pools[ctx->n + 1] = NULL;
    }
    ctx->n++;
    return 0;
}

#define LIST_ALL_FLAGS ((SC_CONNECT_LIST_STORAGE_POOLS_ISCSI_DIRECT << 1) - 1)

int
scConnectListAllStoragePools(scConnectPtr conn, scStoragePoolPtr **pools, unsigned int flags)
{
    ListCtx ctx = { .conn = conn, .flags = flags };
    int r;

    scResetLastError();
    if (!scConnectCheck(conn, __func__) || scCheckFlags(flags, LIST_ALL_FLAGS) < 0)
        return -1;
    if (pools && !(ctx.pools = scAlloc(sizeof(*ctx.pools))))
        return -1;
    ctx.alloc = pools ? 1 : 0;
    scConnectLock(conn);
    r = scCatalogPoolForEach(conn->catalog, list_add, &ctx);
    scConnectUnlock(conn);
    if (r < 0) {
        for (size_t i = 0; i < ctx.n && ctx.pools; i++)
            pool_free(ctx.pools[i]);
        free(ctx.pools);
        return -1;
    }
    if (pools)
        *pools = ctx.pools;
    return (int) ctx.n;
}

int
scConnectNumOfStoragePools(scConnectPtr conn)
{
    return scConnectListAllStoragePools(conn, NULL, SC_CONNECT_LIST_STORAGE_POOLS_ACTIVE);
}

int
scConnectNumOfDefinedStoragePools(scConnectPtr conn)
{
    return scConnectListAllStoragePools(conn, NULL, SC_CONNECT_LIST_STORAGE_POOLS_INACTIVE);
}

/* ---- definitions -------------------------------------------------------- */

/* What no two pools may share, as libvirt's duplicate-source check: the
 * local directory a dir/fs/netfs pool lives in (target key), and the
 * storage it is made from (source key). Either may be NULL. */
static int
pool_keys(const scPoolDef *def, char **target_key, char **source_key)
{
    const char *dev = def->source.ndevices ? def->source.devices[0].path : NULL;
    const char *host = def->source.nhosts ? def->source.hosts[0].name : NULL;
    int port = def->source.nhosts ? def->source.hosts[0].port : 0;

    *target_key = *source_key = NULL;
    if ((def->type == SC_POOL_DIR || def->type == SC_POOL_FS || def->type == SC_POOL_NETFS) &&
        def->target_path && !(*target_key = scStrdup(def->target_path)))
        return -1;

    switch (def->type) {
    case SC_POOL_FS:
    case SC_POOL_DISK:
        if (dev && !(*source_key = scAsprintf("device %s", dev)))
            return -1;
        break;
    case SC_POOL_NETFS:
        if (host && def->source.dir &&
            !(*source_key = scAsprintf("export %s:%s", host, def->source.dir)))
            return -1;
        break;
    case SC_POOL_LOGICAL:
        if (def->source.name && !(*source_key = scAsprintf("volume group %s", def->source.name)))
            return -1;
        break;
    case SC_POOL_ISCSI:
    case SC_POOL_ISCSI_DIRECT:
        if (host && dev &&
            !(*source_key = scAsprintf("iSCSI target %s:%d/%s%s%s", host, port ? port : 3260,
                                       dev, def->source.initiator_iqn ? " as " : "",
                                       def->source.initiator_iqn ? def->source.initiator_iqn
                                                                 : "")))
            return -1;
        break;
    default:
        break;
    }
    return 0;
}

/* Refuse a definition that clashes with another pool (by name, UUID,
 * target or source). Runs inside the define transaction. Returns 0 or -1. */
static int
check_duplicates(scCatalog *cat, const scPoolDef *def, const char *uuid, const char *target_key,
                 const char *source_key)
{
    scCatalogPool row;
    _cleanup_free_ char *other = NULL;
    int r;

    if ((r = scCatalogPoolGet(cat, SC_POOL_BY_UUID, uuid, &row)) < 0)
        return -1;
    if (r > 0) {
        bool same_name = strcmp(row.name, def->name) == 0;
        bool active = scPoolRowIsActive(&row);
        if (!same_name)
            scReportError(SC_FROM_STORAGE, SC_ERR_STORAGE_POOL_EXISTS,
                          "pool '%s' is already defined with uuid '%s' as pool '%s'",
                          def->name, uuid, row.name);
        else if (active)
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                          "pool '%s' is active: stop it before changing its definition",
                          def->name);
        scCatalogPoolClear(&row);
        if (!same_name || active)
            return -1;
    }
    if ((r = scCatalogPoolGet(cat, SC_POOL_BY_NAME, def->name, &row)) < 0)
        return -1;
    if (r > 0) {
        bool other_uuid = strcmp(row.uuid, uuid) != 0;
        if (other_uuid)
            scReportError(SC_FROM_STORAGE, SC_ERR_STORAGE_POOL_EXISTS,
                          "pool '%s' already exists with uuid '%s'", def->name, row.uuid);
        scCatalogPoolClear(&row);
        if (other_uuid)
            return -1;
    }
    if ((r = scCatalogPoolFindClash(cat, uuid, "target_key", target_key, &other)) != 0) {
        if (r > 0)
            scReportError(SC_FROM_STORAGE, SC_ERR_STORAGE_POOL_EXISTS,
                          "pool '%s': target path '%s' is already used by pool '%s'",
                          def->name, target_key, other);
        return -1;
    }
    if ((r = scCatalogPoolFindClash(cat, uuid, "source_key", source_key, &other)) != 0) {
        if (r > 0)
            scReportError(SC_FROM_STORAGE, SC_ERR_STORAGE_POOL_EXISTS,
                          "pool '%s': source (%s) is already used by pool '%s'", def->name,
                          source_key, other);
        return -1;
    }
    return 0;
}

static const char *
managed_types(void)
{
    return "dir, fs, netfs, logical, disk, iscsi, iscsi-direct";
}

/* Store @def (already parsed) in one transaction with its event. */
static int
define_pool(scConnect *conn, const scPoolDef *def, scCatalogPool *row)
{
    _cleanup_free_ char *target_key = NULL;
    _cleanup_free_ char *source_key = NULL;
    _cleanup_free_ char *xml = NULL;
    char uuid[SC_UUID_STRING_BUFLEN];
    scCatalog *cat = conn->catalog;
    bool ok = false;
    int existed;

    scUUIDFormat(def->uuid, uuid);
    if (pool_keys(def, &target_key, &source_key) < 0 || !(xml = scPoolDefFormat(def, NULL)))
        return -1;

    if (scCatalogBegin(cat) < 0)
        return -1;
    if (check_duplicates(cat, def, uuid, target_key, source_key) < 0 ||
        (existed = scCatalogPoolGet(cat, SC_POOL_BY_UUID, uuid, row)) < 0)
        goto end;
    scCatalogPoolClear(row);
    scCatalogPoolDef put = {
        .uuid = uuid,
        .name = def->name,
        .type = scPoolTypeToString(def->type),
        .target_path = def->target_path,
        .target_key = target_key,
        .source_key = source_key,
        .xml = xml,
    };
    if (scCatalogPoolPut(cat, &put) < 0 ||
        scCatalogEventAdd(cat, conn->actor, uuid, def->name, "pool-define",
                          existed ? "definition updated" : "defined") < 0 ||
        scCatalogPoolGet(cat, SC_POOL_BY_UUID, uuid, row) <= 0)
        goto end;
    ok = true;
end:
    if (scCatalogEnd(cat, ok) < 0)
        ok = false;
    if (!ok)
        scCatalogPoolClear(row);
    return ok ? 0 : -1;
}

scStoragePoolPtr
scStoragePoolDefineXML(scConnectPtr conn, const char *xml, unsigned int flags)
{
    _cleanup_(scPoolDefFreep) scPoolDef *def = NULL;
    scCatalogPool row = { 0 };
    scStoragePool *pool = NULL;

    scResetLastError();
    if (!scConnectCheckWritable(conn, __func__) || !scCheckArg(xml, "xml", __func__) ||
        scCheckFlags(flags, SC_STORAGE_POOL_DEFINE_VALIDATE) < 0)
        return NULL;
    if (!(def = scPoolDefParseString(xml)))
        return NULL;
    if (def->target_path && def->target_path[0] != '/') {
        scReportError(SC_FROM_XML, SC_ERR_XML_ERROR,
                      "pool '%s': <target><path> '%s' is not an absolute path", def->name,
                      def->target_path);
        return NULL;
    }
    if (!scBackendTypeIsManaged(def->type)) {
        scReportError(SC_FROM_STORAGE, SC_ERR_CONFIG_UNSUPPORTED,
                      "pool '%s': pool type '%s' is not supported by storcat (supported: %s)",
                      def->name, scPoolTypeToString(def->type), managed_types());
        return NULL;
    }
    scConnectLock(conn);
    if (define_pool(conn, def, &row) == 0)
        pool = pool_new(conn, &row);
    scConnectUnlock(conn);
    scCatalogPoolClear(&row);
    return pool;
}

/* ---- definitions changed ------------------------------------------------ */

/* Run @change on @pool's row inside one transaction, with an event named
 * @action. @change returns 0 or -1 (error reported). */
typedef int (*PoolChange)(scStoragePool *pool, scCatalogPool *row, void *opaque);

static int
pool_transact(scStoragePool *pool, const char *action, PoolChange change, void *opaque,
              const char *detail)
{
    scCatalog *cat = pool->conn->catalog;
    scCatalogPool row = { 0 };
    bool ok = false;

    if (scCatalogBegin(cat) < 0)
        return -1;
    if (scPoolRow(pool, &row) == 0 && change(pool, &row, opaque) == 0 &&
        scCatalogEventAdd(cat, pool->conn->actor, pool->uuidstr, pool->name, action, detail) == 0)
        ok = true;
    if (scCatalogEnd(cat, ok) < 0)
        ok = false;
    scCatalogPoolClear(&row);
    return ok ? 0 : -1;
}

static int
change_undefine(scStoragePool *pool, scCatalogPool *row, void *opaque)
{
    if (scPoolBusy(row))
        return -1;
    if (scPoolRowIsActive(row)) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      "pool '%s' is active: stop it before undefining it", pool->name);
        return -1;
    }
    return scCatalogPoolDelete(pool->conn->catalog, pool->uuidstr);
}

int
scStoragePoolUndefine(scStoragePoolPtr pool)
{
    int ret;

    scResetLastError();
    if (!scPoolEnter(pool, __func__, true))
        return -1;
    ret = pool_transact(pool, "pool-undefine", change_undefine, NULL, NULL);
    scConnectUnlock(pool->conn);
    return ret;
}

static int
change_autostart(scStoragePool *pool, scCatalogPool *row, void *opaque)
{
    return scCatalogPoolSetAutostart(pool->conn->catalog, pool->uuidstr, *(bool *) opaque);
}

int
scStoragePoolSetAutostart(scStoragePoolPtr pool, int autostart)
{
    bool on = autostart != 0;
    int ret;

    scResetLastError();
    if (!scPoolEnter(pool, __func__, true))
        return -1;
    ret = pool_transact(pool, "pool-autostart", change_autostart, &on,
                        on ? "enabled" : "disabled");
    scConnectUnlock(pool->conn);
    return ret;
}

/* ---- getters ------------------------------------------------------------ */

/* Read @pool's row under the connection lock. Returns 0 or -1. */
static int
pool_read(scStoragePool *pool, const char *func, scCatalogPool *row)
{
    int r;

    if (!scPoolEnter(pool, func, false))
        return -1;
    r = scPoolRow(pool, row);
    scConnectUnlock(pool->conn);
    return r;
}

int
scStoragePoolIsActive(scStoragePoolPtr pool)
{
    scCatalogPool row;
    int active;

    scResetLastError();
    if (pool_read(pool, __func__, &row) < 0)
        return -1;
    active = scPoolRowIsActive(&row);
    scCatalogPoolClear(&row);
    return active;
}

int
scStoragePoolIsPersistent(scStoragePoolPtr pool)
{
    scCatalogPool row;

    scResetLastError();
    if (pool_read(pool, __func__, &row) < 0)
        return -1;
    scCatalogPoolClear(&row);
    return 1;
}

static void
row_info(const scCatalogPool *row, scStoragePoolInfo *info)
{
    bool active = scPoolRowIsActive(row);

    info->state = row->state;
    info->capacity = active ? row->capacity : 0;
    info->allocation = active ? row->allocation : 0;
    info->available = active ? row->available : 0;
}

char *
scStoragePoolGetXMLDesc(scStoragePoolPtr pool, unsigned int flags)
{
    _cleanup_(scPoolDefFreep) scPoolDef *def = NULL;
    _cleanup_free_ char *free_extents = NULL;
    bool live = !(flags & SC_STORAGE_XML_INACTIVE);
    scCatalogPool row;
    scStoragePoolInfo info;
    int r;

    scResetLastError();
    if (scCheckFlags(flags, SC_STORAGE_XML_INACTIVE) < 0 || !scPoolEnter(pool, __func__, false))
        return NULL;
    /* A started pool shows what its backend found free, as libvirt's. */
    if ((r = scPoolRow(pool, &row)) == 0 && live && scPoolRowIsActive(&row))
        r = scCatalogPoolGetFreeExtents(pool->conn->catalog, pool->uuidstr, &free_extents);
    scConnectUnlock(pool->conn);
    if (r < 0) {
        scCatalogPoolClear(&row);
        return NULL;
    }
    row_info(&row, &info);
    def = scPoolRowDef(&row);
    scCatalogPoolClear(&row);
    if (!def || scPoolDefSetFreeExtents(def, free_extents) < 0)
        return NULL;
    return scPoolDefFormat(def, live ? &info : NULL);
}

int
scStoragePoolGetInfo(scStoragePoolPtr pool, scStoragePoolInfoPtr info)
{
    scCatalogPool row;

    scResetLastError();
    if (!scCheckArg(info, "info", __func__) || pool_read(pool, __func__, &row) < 0)
        return -1;
    row_info(&row, info);
    scCatalogPoolClear(&row);
    return 0;
}

int
scStoragePoolGetAutostart(scStoragePoolPtr pool, int *autostart)
{
    scCatalogPool row;

    scResetLastError();
    if (!scCheckArg(autostart, "autostart", __func__) || pool_read(pool, __func__, &row) < 0)
        return -1;
    *autostart = row.autostart ? 1 : 0;
    scCatalogPoolClear(&row);
    return 0;
}

const char *
scStoragePoolGetName(scStoragePoolPtr pool)
{
    scResetLastError();
    return scStoragePoolCheck(pool, __func__) ? pool->name : NULL;
}

int
scStoragePoolGetUUID(scStoragePoolPtr pool, unsigned char *uuid)
{
    scResetLastError();
    if (!scStoragePoolCheck(pool, __func__) || !scCheckArg(uuid, "uuid", __func__))
        return -1;
    memcpy(uuid, pool->uuid, SC_UUID_BUFLEN);
    return 0;
}

int
scStoragePoolGetUUIDString(scStoragePoolPtr pool, char *buf)
{
    scResetLastError();
    if (!scStoragePoolCheck(pool, __func__) || !scCheckArg(buf, "buf", __func__))
        return -1;
    memcpy(buf, pool->uuidstr, SC_UUID_STRING_BUFLEN);
    return 0;
}

scConnectPtr
scStoragePoolGetConnect(scStoragePoolPtr pool)
{
    scResetLastError();
    return scStoragePoolCheck(pool, __func__) ? pool->conn : NULL;
}

int
scStoragePoolRef(scStoragePoolPtr pool)
{
    scResetLastError();
    if (!scStoragePoolCheck(pool, __func__))
        return -1;
    scHandleRef(&pool->refs);
    return 0;
}

int
scStoragePoolFree(scStoragePoolPtr pool)
{
    scResetLastError();
    if (!scStoragePoolCheck(pool, __func__))
        return -1;
    if (scHandleUnref(&pool->refs) == 0)
        pool_free(pool);
    return 0;
}
