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
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "changes.h"
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

scStoragePool *
scPoolNew(scConnect *conn, const char *uuid, const char *name)
{
    scCatalogPool row = { 0 };

    if (strlen(uuid) >= sizeof(row.uuid)) {
        scReportError(SC_FROM_CATALOG, SC_ERR_INTERNAL_ERROR,
                      "pool '%s' has a malformed UUID '%s' in the catalog", name, uuid);
        return NULL;
    }
    memcpy(row.uuid, uuid, strlen(uuid) + 1);
    row.name = (char *) name;
    return pool_new(conn, &row);
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
        scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_STORAGE_POOL, "%s", func);
        return false;
    }
    scApiSetConn(pool->conn);
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

bool
scPoolTransientDead(const scCatalogPool *row)
{
    return row->transient && !scPoolRowIsActive(row) &&
           !(row->op != SC_POOL_OP_NONE &&
             scJournalLive(row->op_pid, row->op_start, row->op_this_boot, row->uuid));
}

/* ---- lookups ---------------------------------------------------------- */

/* Find a pool by one catalog key and return a new handle; a miss (or an
 * inactive pool when @active_only) is SC_ERR_NO_STORAGE_POOL with @what
 * describing the key. */
static scStoragePool *
lookup(scConnect *conn, scCatalogPoolKey by, const char *value, const char *what,
       bool active_only)
{
    scCatalogPool row;
    scStoragePool *pool = NULL;
    int r;

    scConnectLock(conn);
    r = scCatalogPoolGet(conn->catalog, by, value, &row);
    if (r > 0 && (scPoolTransientDead(&row) || (active_only && !scPoolRowIsActive(&row)))) {
        scCatalogPoolClear(&row);
        r = 0;
    }
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
    SC_API_BEGIN();
    if (!scConnectCheck(conn, __func__) || !scCheckArg(name, "name", __func__))
        return NULL;
    return lookup(conn, SC_POOL_BY_NAME, name, "matching name", false);
}

scStoragePoolPtr
scStoragePoolLookupByUUID(scConnectPtr conn, const unsigned char *uuid)
{
    char buf[SC_UUID_STRING_BUFLEN];

    SC_API_BEGIN();
    if (!scConnectCheck(conn, __func__) || !scCheckArg(uuid, "uuid", __func__))
        return NULL;
    scUUIDFormat(uuid, buf);
    return lookup(conn, SC_POOL_BY_UUID, buf, "matching uuid", false);
}

scStoragePoolPtr
scStoragePoolLookupByUUIDString(scConnectPtr conn, const char *uuidstr)
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
    return lookup(conn, SC_POOL_BY_UUID, buf, "matching uuid", false);
}

scStoragePoolPtr
scStoragePoolLookupByTargetPath(scConnectPtr conn, const char *path)
{
    _cleanup_free_ char *clean = NULL;

    SC_API_BEGIN();
    if (!scConnectCheck(conn, __func__) || !scCheckArg(path, "path", __func__))
        return NULL;
    if (!(clean = scPathSanitize(path)))
        return NULL;
    /* As libvirt's (storagePoolLookupByTargetPathCallback): active pools
     * only. */
    return lookup(conn, SC_POOL_BY_TARGET_PATH, clean, "matching target path", true);
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
    if (flags & persist_bits &&
        !(flags & (row->transient ? SC_CONNECT_LIST_STORAGE_POOLS_TRANSIENT
                                  : SC_CONNECT_LIST_STORAGE_POOLS_PERSISTENT)))
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

    if (scPoolTransientDead(row) || !pool_matches(row, ctx->flags))
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

    SC_API_BEGIN();
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

/* The counts check their handle themselves: an error names the call made. */
int
scConnectNumOfStoragePools(scConnectPtr conn)
{
    SC_API_BEGIN();
    if (!scConnectCheck(conn, __func__))
        return -1;
    return scConnectListAllStoragePools(conn, NULL, SC_CONNECT_LIST_STORAGE_POOLS_ACTIVE);
}

int
scConnectNumOfDefinedStoragePools(scConnectPtr conn)
{
    SC_API_BEGIN();
    if (!scConnectCheck(conn, __func__))
        return -1;
    return scConnectListAllStoragePools(conn, NULL, SC_CONNECT_LIST_STORAGE_POOLS_INACTIVE);
}

/* The names of the pools @flags selects, as libvirt's deprecated list
 * calls: at most @maxnames, each for the caller to free. */
static int
list_names(scConnectPtr conn, char **const names, int maxnames, unsigned int flags,
           const char *func)
{
    scStoragePoolPtr *pools = NULL;
    int n, i;

    if (!scConnectCheck(conn, func))
        return -1;
    if (maxnames < 0 || (maxnames > 0 && !names)) {
        if (maxnames < 0)
            scReportInvalidArg(SC_FROM_STORAGE, func, "maxnames",
                               "maxnames in %s must be zero or greater", func);
        else
            scReportInvalidArg(SC_FROM_STORAGE, func, "names", "names in %s must not be NULL",
                               func);
        return -1;
    }
    if ((n = scConnectListAllStoragePools(conn, &pools, flags)) < 0)
        return -1;
    for (i = 0; i < n && i < maxnames; i++)
        if (!(names[i] = scStrdup(scStoragePoolGetName(pools[i]))))
            break;
    if (i < n && i < maxnames) {
        while (i-- > 0)
            free(names[i]);
        i = -1;
    }
    for (int j = 0; j < n; j++)
        scStoragePoolFree(pools[j]);
    free(pools);
    return i;
}

int
scConnectListStoragePools(scConnectPtr conn, char **const names, int maxnames)
{
    SC_API_BEGIN();
    return list_names(conn, names, maxnames, SC_CONNECT_LIST_STORAGE_POOLS_ACTIVE, __func__);
}

int
scConnectListDefinedStoragePools(scConnectPtr conn, char **const names, int maxnames)
{
    SC_API_BEGIN();
    return list_names(conn, names, maxnames, SC_CONNECT_LIST_STORAGE_POOLS_INACTIVE, __func__);
}

/* ---- running pools' source devices ---------------------------------------- */

/* A search for a running pool made from block device @rdev. */
typedef struct {
    const char *except; /* the uuid of a pool not to count */
    dev_t rdev;
    bool parts;         /* ... or from a partition of it */
    char *name;         /* found: that pool's name */
    char *as;           /* ... and its spelling of the device */
    bool part;          /* ... which is a partition of @rdev */
} SourceUser;

/* Is block device @dev a partition of disk @disk (sysfs says)? */
static bool
partition_of(dev_t dev, dev_t disk)
{
    char path[128], buf[32];
    unsigned int maj, min;
    FILE *f;
    bool r;

    snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/partition", major(dev), minor(dev));
    if (access(path, F_OK) < 0)
        return false;
    snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/../dev", major(dev), minor(dev));
    if (!(f = fopen(path, "re")))
        return false;
    r = fgets(buf, sizeof(buf), f) && sscanf(buf, "%u:%u", &maj, &min) == 2 &&
        makedev(maj, min) == disk;
    fclose(f);
    return r;
}

static int
source_user(const scCatalogPool *row, void *opaque)
{
    SourceUser *u = opaque;
    scPoolDef *def;
    struct stat st;
    int ret = 0;

    if (u->name || !scPoolRowIsActive(row) || (u->except && strcmp(row->uuid, u->except) == 0))
        return 0;
    if (!(def = scPoolRowDef(row)))
        return -1;
    for (size_t i = 0; i < def->source.ndevices; i++) {
        const char *path = def->source.devices[i].path;

        if (!path || stat(path, &st) < 0 || !S_ISBLK(st.st_mode))
            continue;
        u->part = st.st_rdev != u->rdev;
        if (!u->part || (u->parts && partition_of(st.st_rdev, u->rdev))) {
            if (!(u->name = scStrdup(row->name)) || !(u->as = scStrdup(path)))
                ret = -1;
            break;
        }
    }
    scPoolDefFree(def);
    return ret;
}

int
scPoolSourceUser(scConnect *conn, const char *path, const char *except_uuid, bool parts,
                 char **name, char **as)
{
    SourceUser u = { .except = except_uuid, .parts = parts };
    struct stat st;

    *name = *as = NULL;
    if (stat(path, &st) < 0 || !S_ISBLK(st.st_mode))
        return 0;
    u.rdev = st.st_rdev;
    if (scCatalogPoolForEach(conn->catalog, source_user, &u) < 0 || (u.name && !u.as)) {
        free(u.name);
        free(u.as);
        return -1;
    }
    *name = u.name;
    *as = u.as;
    return !u.name ? 0 : u.part ? 2 : 1;
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
    /* The directory itself, whatever the spelling ("sub/../pool", a
     * symlink to it): its canonical path. */
    if ((def->type == SC_POOL_DIR || def->type == SC_POOL_FS || def->type == SC_POOL_NETFS) &&
        def->target_path && !(*target_key = scPathCanonical(def->target_path)))
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
 * target or source; a pending definition's count too). The same pool
 * defined again is no clash, running or not (define_pool keeps the new
 * definition of a running pool for its next start). Runs inside the
 * define transaction. Returns 0 or -1. */
static int
check_duplicates(scCatalog *cat, const scPoolDef *def, const char *uuid, const char *target_key,
                 const char *source_key, bool transient)
{
    scCatalogPool row;
    _cleanup_free_ char *other = NULL;
    int r;

    if ((r = scCatalogPoolGet(cat, SC_POOL_BY_UUID, uuid, &row)) < 0)
        return -1;
    if (r > 0) {
        bool same_name = strcmp(row.name, def->name) == 0;
        if (!same_name)
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                          "pool '%s' is already defined with uuid '%s' as pool '%s'",
                          def->name, uuid, row.name);
        else if (transient)
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                          "pool '%s' is already defined: start it with scStoragePoolCreate",
                          def->name);
        /* A running transient pool defined again becomes persistent, as
         * in libvirt. */
        bool refused = !same_name || transient;
        scCatalogPoolClear(&row);
        if (refused)
            return -1;
    }
    if ((r = scCatalogPoolGet(cat, SC_POOL_BY_NAME, def->name, &row)) < 0)
        return -1;
    if (r > 0) {
        bool other_uuid = strcmp(row.uuid, uuid) != 0;
        if (other_uuid)
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                          "pool '%s' already exists with uuid '%s'", def->name, row.uuid);
        else if (transient)
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                          "pool '%s' is already defined: start it with scStoragePoolCreate",
                          def->name);
        other_uuid = other_uuid || transient;
        scCatalogPoolClear(&row);
        if (other_uuid)
            return -1;
    }
    if ((r = scCatalogPoolFindClash(cat, uuid, "target_key", target_key, &other)) != 0) {
        if (r > 0)
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                          "pool '%s': target path '%s'%s%s%s is already used by pool '%s'",
                          def->name, def->target_path,
                          strcmp(def->target_path, target_key) ? " (directory '" : "",
                          strcmp(def->target_path, target_key) ? target_key : "",
                          strcmp(def->target_path, target_key) ? "')" : "", other);
        return -1;
    }
    if ((r = scCatalogPoolFindClash(cat, uuid, "source_key", source_key, &other)) != 0) {
        if (r > 0)
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
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

static int
dead_add(const scCatalogPool *row, void *opaque)
{
    char ***uuids = opaque;
    size_t n = 0;

    if (!scPoolTransientDead(row))
        return 0;
    while (*uuids && (*uuids)[n])
        n++;
    char **u = reallocarray(*uuids, n + 2, sizeof(*u));
    if (!u) {
        scReportOOM();
        return -1;
    }
    *uuids = u;
    if (!(u[n] = scStrdup(row->uuid)))
        return -1;
    u[n + 1] = NULL;
    return 0;
}

/* Drop the transient pools a crash or a reboot left (inside the caller's
 * transaction), so that their names and storage are free again. */
static int
drop_dead_transients(scCatalog *cat)
{
    char **uuids = NULL;
    int r = scCatalogPoolForEach(cat, dead_add, &uuids);

    for (size_t i = 0; uuids && uuids[i]; i++) {
        if (r == 0)
            r = scCatalogPoolDelete(cat, uuids[i]);
        free(uuids[i]);
    }
    free(uuids);
    return r;
}

/* Store @def (already parsed) in one transaction, with its event unless
 * @transient (a pool of scStoragePoolCreateXML, whose start records it).
 * A pool that runs keeps its definition until it stops, as libvirt's
 * (virStoragePoolObjAssignDef): @def is recorded as its pending one, and
 * a running transient pool becomes persistent. */
static int
define_pool(scConnect *conn, const scPoolDef *def, bool transient, scCatalogPool *row)
{
    _cleanup_free_ char *target_key = NULL;
    _cleanup_free_ char *source_key = NULL;
    _cleanup_free_ char *xml = NULL;
    _cleanup_free_ char *changes = NULL;
    char uuid[SC_UUID_STRING_BUFLEN];
    scCatalog *cat = conn->catalog;
    const char *type = scPoolTypeToString(def->type);
    bool ok = false, running;
    scChanges c;
    int existed;

    scUUIDFormat(def->uuid, uuid);
    if (pool_keys(def, &target_key, &source_key) < 0 || !(xml = scPoolDefFormat(def, NULL)))
        return -1;

    if (scCatalogBegin(cat) < 0)
        return -1;
    if (drop_dead_transients(cat) < 0 ||
        check_duplicates(cat, def, uuid, target_key, source_key, transient) < 0 ||
        (existed = scCatalogPoolGet(cat, SC_POOL_BY_UUID, uuid, row)) < 0)
        goto end;
    running = existed > 0 && scPoolRowIsActive(row);
    /* The event's changes: the type and target, from none or as they were. */
    if (scChangesInit(&c) < 0)
        goto end;
    scChangesText(&c, "type", existed ? row->type : NULL, type);
    scChangesText(&c, "target", existed ? row->target_path : NULL, def->target_path);
    scCatalogPoolClear(row);
    if (scChangesEnd(&c, &changes) < 0)
        goto end;
    scCatalogPoolDef put = {
        .uuid = uuid,
        .name = def->name,
        .type = type,
        .target_path = def->target_path,
        .target_key = target_key,
        .source_key = source_key,
        .xml = xml,
        .transient = transient,
        .pending = running,
    };
    if (scCatalogPoolPut(cat, &put) < 0 ||
        (!transient &&
         scCatalogEventAddChanges(cat, conn->actor, uuid, def->name, "pool-define",
                                  running   ? "definition updated, for the pool's next start"
                                  : existed ? "definition updated"
                                            : "defined",
                                  changes) < 0) ||
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

/* Parse pool XML and check what every definition must be. */
static scPoolDef *
parse_pool(const char *xml)
{
    _cleanup_(scPoolDefFreep) scPoolDef *def = NULL;

    if (!(def = scPoolDefParseString(xml)))
        return NULL;
    if (def->target_path && def->target_path[0] != '/') {
        scReportError(SC_FROM_STORAGE, SC_ERR_XML_ERROR,
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
    return TAKE_PTR(def);
}

int
scPoolImport(scConnect *conn, const char *xml, bool autostart, char **name)
{
    _cleanup_(scPoolDefFreep) scPoolDef *def = parse_pool(xml);
    _cleanup_free_ char *formatted = NULL;
    char uuid[SC_UUID_STRING_BUFLEN];
    scCatalog *cat = conn->catalog;
    scCatalogPool row = { 0 };
    int r = -1, existed;

    if (!def || !(*name = scStrdup(def->name)) || !(formatted = scPoolDefFormat(def, NULL)))
        return -1;
    scUUIDFormat(def->uuid, uuid);
    if (scCatalogBegin(cat) < 0)
        return -1;
    if ((existed = scCatalogPoolGet(cat, SC_POOL_BY_UUID, uuid, &row)) > 0) {
        if (!row.transient && strcmp(row.name, def->name) == 0 && row.xml &&
            strcmp(row.xml, formatted) == 0 && row.autostart == autostart)
            r = 1;
        else if (strcmp(row.name, def->name) != 0)
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                          "pool '%s': its uuid '%s' is pool '%s''s: not imported over it",
                          def->name, uuid, row.name);
        else
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                          "pool '%s' with uuid '%s' is defined already, differently: not "
                          "imported over it",
                          row.name, uuid);
    } else if (existed == 0) {
        /* The definition and its autostart in the one transaction. */
        if (define_pool(conn, def, false, &row) == 0 &&
            (!autostart || (scCatalogPoolSetAutostart(cat, uuid, true) == 0 &&
                            scCatalogEventAdd(cat, conn->actor, uuid, def->name,
                                              "pool-autostart", "enabled") == 0)))
            r = 0;
    }
    scCatalogPoolClear(&row);
    if (scCatalogEnd(cat, r >= 0) < 0)
        r = -1;
    return r;
}

scStoragePoolPtr
scStoragePoolDefineXML(scConnectPtr conn, const char *xml, unsigned int flags)
{
    _cleanup_(scPoolDefFreep) scPoolDef *def = NULL;
    scCatalogPool row = { 0 };
    scStoragePool *pool = NULL;

    SC_API_BEGIN();
    if (!scConnectCheckWritable(conn, __func__) || !scCheckArg(xml, "xml", __func__) ||
        scCheckFlags(flags, SC_STORAGE_POOL_DEFINE_VALIDATE) < 0 || !(def = parse_pool(xml)))
        return NULL;
    scConnectLock(conn);
    if (define_pool(conn, def, false, &row) == 0)
        pool = pool_new(conn, &row);
    scConnectUnlock(conn);
    scCatalogPoolClear(&row);
    return pool;
}

#define CREATE_XML_FLAGS                                                     \
    (SC_STORAGE_POOL_CREATE_WITH_BUILD | SC_STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE |  \
     SC_STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE)

scStoragePoolPtr
scStoragePoolCreateXML(scConnectPtr conn, const char *xml, unsigned int flags)
{
    _cleanup_(scPoolDefFreep) scPoolDef *def = NULL;
    scCatalogPool row = { 0 };
    scStoragePool *pool = NULL;

    SC_API_BEGIN();
    if (!scConnectCheckWritable(conn, __func__) || !scCheckArg(xml, "xmlDesc", __func__) ||
        scCheckFlags(flags, CREATE_XML_FLAGS) < 0 || !(def = parse_pool(xml)))
        return NULL;
    scConnectLock(conn);
    if (define_pool(conn, def, true, &row) == 0 && (pool = pool_new(conn, &row)) &&
        scPoolStart(pool, flags) < 0) {
        /* Not started: it never existed (a failed start left it inactive
         * or already removed it). */
        scErrorSaved *saved = scErrorSave();
        scCatalogPool now;
        if (scCatalogPoolGet(conn->catalog, SC_POOL_BY_UUID, pool->uuidstr, &now) > 0 &&
            scPoolTransientDead(&now))
            scCatalogPoolDelete(conn->catalog, pool->uuidstr);
        scCatalogPoolClear(&now);
        scErrorRestore(&saved);
        pool_free(pool);
        pool = NULL;
    }
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

/* Undefine: the identities of the pool's volumes are kept first (not a
 * transient pool's), their number in *@opaque's event detail. */
static int
change_undefine(scStoragePool *pool, scCatalogPool *row, void *opaque)
{
    char **detail = opaque;
    unsigned long long kept = 0;

    if (scPoolBusy(row))
        return -1;
    if (scPoolRowIsActive(row)) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      "storage pool '%s' is still active", pool->name);
        return -1;
    }
    if (!row->transient && scCatalogHistoryKeep(pool->conn->catalog, pool->uuidstr, &kept) < 0)
        return -1;
    if (!(*detail = scAsprintf("%llu volume %s kept", kept,
                               kept == 1 ? "identity" : "identities")))
        return -1;
    return scCatalogPoolDelete(pool->conn->catalog, pool->uuidstr);
}

int
scStoragePoolUndefine(scStoragePoolPtr pool)
{
    scCatalog *cat;
    _cleanup_free_ char *detail = NULL;
    _cleanup_free_ char *changes = NULL;
    scCatalogPool row = { 0 };
    bool ok = false;
    scChanges c;

    SC_API_BEGIN();
    if (!scPoolEnter(pool, __func__, true))
        return -1;
    /* As pool_transact, with the event's detail known only once the
     * identities are kept; its changes say what the pool was. */
    cat = pool->conn->catalog;
    if (scCatalogBegin(cat) == 0) {
        ok =
            scPoolRow(pool, &row) == 0 && change_undefine(pool, &row, &detail) == 0 &&
            scChangesInit(&c) == 0 &&
            (scChangesText(&c, "type", row.type, NULL),
             scChangesText(&c, "target", row.target_path, NULL), scChangesEnd(&c, &changes) == 0) &&
            scCatalogEventAddChanges(cat, pool->conn->actor, pool->uuidstr, pool->name,
                                     "pool-undefine", detail, changes) == 0;
        if (scCatalogEnd(cat, ok) < 0)
            ok = false;
    }
    scCatalogPoolClear(&row);
    scConnectUnlock(pool->conn);
    return ok ? 0 : -1;
}

static int
change_autostart(scStoragePool *pool, scCatalogPool *row, void *opaque)
{
    if (row->transient) {
        /* libvirt's code and words. */
        scReportError(SC_FROM_STORAGE, SC_ERR_INTERNAL_ERROR,
                      "cannot set autostart for transient pool");
        return -1;
    }
    return scCatalogPoolSetAutostart(pool->conn->catalog, pool->uuidstr, *(bool *) opaque);
}

int
scStoragePoolSetAutostart(scStoragePoolPtr pool, int autostart)
{
    bool on = autostart != 0;
    int ret;

    SC_API_BEGIN();
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

    SC_API_BEGIN();
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

    int persistent;

    SC_API_BEGIN();
    if (pool_read(pool, __func__, &row) < 0)
        return -1;
    persistent = !row.transient;
    scCatalogPoolClear(&row);
    return persistent;
}

int
scStoragePoolGetRefreshTime(scStoragePoolPtr pool, long long *when)
{
    scCatalogPool row;

    SC_API_BEGIN();
    if (!scCheckArg(when, "when", __func__) || pool_read(pool, __func__, &row) < 0)
        return -1;
    *when = row.refreshed_at;
    scCatalogPoolClear(&row);
    return 0;
}

/* A copy of @pool's type, or of its target path if @target (NULL without
 * an error when it has none). */
static char *
pool_string(scStoragePool *pool, const char *func, bool target)
{
    scCatalogPool row;
    char *value;

    if (pool_read(pool, func, &row) < 0)
        return NULL;
    if (target)
        value = row.target_path, row.target_path = NULL;
    else
        value = row.type, row.type = NULL;
    scCatalogPoolClear(&row);
    return value;
}

char *
scStoragePoolGetType(scStoragePoolPtr pool)
{
    SC_API_BEGIN();
    return pool_string(pool, __func__, false);
}

char *
scStoragePoolGetTargetPath(scStoragePoolPtr pool)
{
    SC_API_BEGIN();
    return pool_string(pool, __func__, true);
}

/* The pool's sizes as of its last refresh: an inactive pool keeps them, as
 * in libvirt. */
static void
row_info(const scCatalogPool *row, scStoragePoolInfo *info)
{
    info->state = row->state;
    info->capacity = row->capacity;
    info->allocation = row->allocation;
    info->available = row->available;
}

char *
scStoragePoolGetXMLDesc(scStoragePoolPtr pool, unsigned int flags)
{
    _cleanup_(scPoolDefFreep) scPoolDef *def = NULL;
    _cleanup_free_ char *free_extents = NULL;
    scCatalogPool row;
    scStoragePoolInfo info;
    bool active;
    int r;

    SC_API_BEGIN();
    if (scCheckFlags(flags, SC_STORAGE_XML_INACTIVE) < 0 || !scPoolEnter(pool, __func__, false))
        return NULL;
    /* A started pool shows what its backend found free, as libvirt's. */
    if ((r = scPoolRow(pool, &row)) == 0 && (active = scPoolRowIsActive(&row)))
        r = scCatalogPoolGetFreeExtents(pool->conn->catalog, pool->uuidstr, &free_extents);
    scConnectUnlock(pool->conn);
    if (r < 0) {
        scCatalogPoolClear(&row);
        return NULL;
    }
    /* SC_STORAGE_XML_INACTIVE chooses the definition for the next start:
     * the pending one of a running pool, as parsed (libvirt's newDef: no
     * sizes), else the pool's own, sizes and all (libvirt's
     * storagePoolGetXMLDesc). A pending one that no stop applied (the host
     * rebooted) is the definition of the inactive pool. */
    if (row.pending_xml && (!active || (flags & SC_STORAGE_XML_INACTIVE))) {
        free(row.xml);
        row.xml = TAKE_PTR(row.pending_xml);
        def = scPoolRowDef(&row);
        scCatalogPoolClear(&row);
        return def ? scPoolDefFormat(def, NULL) : NULL;
    }
    row_info(&row, &info);
    /* The target directory's permissions as the last refresh read them,
     * over the defined ones (libvirt's refresh updates its definition so). */
    if ((def = scPoolRowDef(&row)) && row.target_mode >= 0) {
        def->perms.mode = row.target_mode;
        def->perms.uid = row.target_uid;
        def->perms.gid = row.target_gid;
    }
    scCatalogPoolClear(&row);
    if (!def || scPoolDefSetFreeExtents(def, free_extents) < 0)
        return NULL;
    return scPoolDefFormat(def, &info);
}

int
scStoragePoolGetInfo(scStoragePoolPtr pool, scStoragePoolInfoPtr info)
{
    scCatalogPool row;

    SC_API_BEGIN();
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

    SC_API_BEGIN();
    if (!scCheckArg(autostart, "autostart", __func__) || pool_read(pool, __func__, &row) < 0)
        return -1;
    *autostart = row.autostart ? 1 : 0;
    scCatalogPoolClear(&row);
    return 0;
}

const char *
scStoragePoolGetName(scStoragePoolPtr pool)
{
    SC_API_BEGIN();
    return scStoragePoolCheck(pool, __func__) ? pool->name : NULL;
}

int
scStoragePoolGetUUID(scStoragePoolPtr pool, unsigned char *uuid)
{
    SC_API_BEGIN();
    if (!scStoragePoolCheck(pool, __func__) || !scCheckArg(uuid, "uuid", __func__))
        return -1;
    memcpy(uuid, pool->uuid, SC_UUID_BUFLEN);
    return 0;
}

int
scStoragePoolGetUUIDString(scStoragePoolPtr pool, char *buf)
{
    SC_API_BEGIN();
    if (!scStoragePoolCheck(pool, __func__) || !scCheckArg(buf, "buf", __func__))
        return -1;
    memcpy(buf, pool->uuidstr, SC_UUID_STRING_BUFLEN);
    return 0;
}

scConnectPtr
scStoragePoolGetConnect(scStoragePoolPtr pool)
{
    SC_API_BEGIN();
    return scStoragePoolCheck(pool, __func__) ? pool->conn : NULL;
}

int
scStoragePoolRef(scStoragePoolPtr pool)
{
    SC_API_BEGIN();
    if (!scStoragePoolCheck(pool, __func__))
        return -1;
    scHandleRef(&pool->refs);
    return 0;
}

int
scStoragePoolFree(scStoragePoolPtr pool)
{
    SC_API_BEGIN();
    if (!scStoragePoolCheck(pool, __func__))
        return -1;
    if (scHandleUnref(&pool->refs) == 0)
        pool_free(pool);
    return 0;
}
