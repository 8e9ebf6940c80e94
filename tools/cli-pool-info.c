/*
 * cli-pool-info.c: the storcat tool's verbs that list and show pools
 * (pool-list, pool-info, pool-dumpxml, pool-name, pool-uuid), with virsh's
 * names, options and output, and the pool object that --json prints
 * wherever a verb prints a pool (cliPoolJSON, storcat(1) JSON OUTPUT).
 * They only read the catalog.
 */
#include <config.h>

#include <string.h>

#include "cli.h"

static const cliOption poolParam[] = {
    { "POOL", NULL, "pool name or UUID" },
    { NULL, NULL, NULL },
};

/* --type names, as virsh's, and their list filters. */
static const struct {
    const char *name;
    unsigned int flag;
} poolTypeFilters[] = {
    { "dir", SC_CONNECT_LIST_STORAGE_POOLS_DIR },
    { "fs", SC_CONNECT_LIST_STORAGE_POOLS_FS },
    { "netfs", SC_CONNECT_LIST_STORAGE_POOLS_NETFS },
    { "logical", SC_CONNECT_LIST_STORAGE_POOLS_LOGICAL },
    { "disk", SC_CONNECT_LIST_STORAGE_POOLS_DISK },
    { "iscsi", SC_CONNECT_LIST_STORAGE_POOLS_ISCSI },
    { "scsi", SC_CONNECT_LIST_STORAGE_POOLS_SCSI },
    { "mpath", SC_CONNECT_LIST_STORAGE_POOLS_MPATH },
    { "rbd", SC_CONNECT_LIST_STORAGE_POOLS_RBD },
    { "sheepdog", SC_CONNECT_LIST_STORAGE_POOLS_SHEEPDOG },
    { "gluster", SC_CONNECT_LIST_STORAGE_POOLS_GLUSTER },
    { "zfs", SC_CONNECT_LIST_STORAGE_POOLS_ZFS },
    { "vstorage", SC_CONNECT_LIST_STORAGE_POOLS_VSTORAGE },
    { "iscsi-direct", SC_CONNECT_LIST_STORAGE_POOLS_ISCSI_DIRECT },
};

const char *const *
cliPoolTypeNames(size_t *n)
{
    static const char *names[sizeof(poolTypeFilters) / sizeof(poolTypeFilters[0])];

    *n = sizeof(names) / sizeof(names[0]);
    for (size_t i = 0; i < *n; i++)
        names[i] = poolTypeFilters[i].name;
    return names;
}

bool
cliKnownPoolType(const char *type)
{
    for (size_t i = 0; i < sizeof(poolTypeFilters) / sizeof(poolTypeFilters[0]); i++) {
        if (strcmp(poolTypeFilters[i].name, type) == 0)
            return true;
    }
    return false;
}

/* Pool states as virsh names them (virshStoragePoolState): the one word
 * for a pool's state in every listing, text or JSON (pool-list,
 * pool-list --details, pool-info). */
static const char *
poolStateName(int state)
{
    static const char *const names[] = { "inactive", "building", "running", "degraded",
                                         "inaccessible" };
    _Static_assert(sizeof(names) / sizeof(names[0]) == SC_STORAGE_POOL_STATE_LAST,
                   "pool state names do not match scStoragePoolState");

    if (state < 0 || state >= SC_STORAGE_POOL_STATE_LAST)
        return "unknown";
    return names[state];
}

/* Whether a pool in @state has sizes worth showing (virsh's rule). */
static bool
poolStateHasSizes(int state)
{
    return state == SC_STORAGE_POOL_RUNNING || state == SC_STORAGE_POOL_DEGRADED;
}

/* ---- pool-list ------------------------------------------------------ */

/* Adds the filter bits of --type's comma-separated list to *flags. */
static int
parseTypeFilter(const cliArgs *args, unsigned int *flags)
{
    const char *list = cliOptValue(args, "type");
    _cleanup_free_ char *copy = NULL;
    char *rest, *type;

    if (!list)
        return CLI_CONTINUE;
    if (!(copy = strdup(list)))
        return cliErrorCode(CLI_EXIT_FAILED, SC_ERR_NO_MEMORY, SC_FROM_NONE, "out of memory");
    rest = copy;
    while ((type = strsep(&rest, ","))) {
        size_t i = 0;

        while (i < sizeof(poolTypeFilters) / sizeof(poolTypeFilters[0]) &&
               strcmp(poolTypeFilters[i].name, type) != 0)
            i++;
        if (i == sizeof(poolTypeFilters) / sizeof(poolTypeFilters[0]))
            return cliUsageError(args->verb, "unknown pool type '%s'", cliSafe(type));
        *flags |= poolTypeFilters[i].flag;
    }
    return CLI_CONTINUE;
}

/* pool-list's filters from its options; as virsh, active pools only unless
 * --inactive or --all. Returns CLI_CONTINUE or an exit status. */
static int
poolListFlags(const cliArgs *args, unsigned int *flags)
{
    /* As virsh's VSH_EXCLUSIVE_OPTIONS. */
    static const char *const exclusive[][2] = {
        { "all", "inactive" },
        { "details", "uuid" },
        { "details", "name" },
    };

    *flags = 0;
    for (size_t i = 0; i < sizeof(exclusive) / sizeof(exclusive[0]); i++)
        if (cliOptFlag(args, exclusive[i][0]) && cliOptFlag(args, exclusive[i][1]))
            return cliUsageError(args->verb, "--%s and --%s exclude each other", exclusive[i][0],
                                 exclusive[i][1]);
    *flags = SC_CONNECT_LIST_STORAGE_POOLS_ACTIVE;
    if (cliOptFlag(args, "inactive"))
        *flags = SC_CONNECT_LIST_STORAGE_POOLS_INACTIVE;
    if (cliOptFlag(args, "all"))
        *flags = SC_CONNECT_LIST_STORAGE_POOLS_ACTIVE | SC_CONNECT_LIST_STORAGE_POOLS_INACTIVE;
    if (cliOptFlag(args, "autostart"))
        *flags |= SC_CONNECT_LIST_STORAGE_POOLS_AUTOSTART;
    if (cliOptFlag(args, "no-autostart"))
        *flags |= SC_CONNECT_LIST_STORAGE_POOLS_NO_AUTOSTART;
    if (cliOptFlag(args, "persistent"))
        *flags |= SC_CONNECT_LIST_STORAGE_POOLS_PERSISTENT;
    if (cliOptFlag(args, "transient"))
        *flags |= SC_CONNECT_LIST_STORAGE_POOLS_TRANSIENT;
    return parseTypeFilter(args, flags);
}

/* Columns of pool-list (the first three) and pool-list --details. */
enum {
    LIST_NAME,
    LIST_STATE,
    LIST_AUTOSTART,
    LIST_PERSISTENT,
    LIST_CAPACITY,
    LIST_ALLOCATION,
    LIST_AVAILABLE,
    LIST_NCOLS
};
#define LIST_NCOLS_BRIEF 3

/* What pool-list, pool-info and the pool object show of one pool. */
typedef struct poolFacts {
    scStoragePoolInfo info;
    int autostart;
    int persistent;
    char uuid[SC_UUID_STRING_BUFLEN];
    char *type;                     /* "dir", ... */
    char *path;                     /* the target path; NULL if none */
    char sizes[3][CLI_SIZE_BUFLEN]; /* capacity, allocation, available, as text */
    bool has_sizes;                 /* running: text shows the sizes */
} poolFacts;

static void
poolFactsClear(poolFacts *facts)
{
    free(facts->type);
    free(facts->path);
}

/* Gathers what is shown of @pool (to be cleared by the caller whatever the
 * result). Returns 1, 0 if the pool was undefined meanwhile (by another
 * process: not an error while listing), or -1 after printing why. */
static int
getPoolFacts(scStoragePool *pool, bool bytes, poolFacts *facts)
{
    const char *name = scStoragePoolGetName(pool); /* before a failure: it resets the error */
    const scError *err;

    memset(facts, 0, sizeof(*facts));
    if (scStoragePoolGetInfo(pool, &facts->info) < 0 ||
        scStoragePoolGetAutostart(pool, &facts->autostart) < 0 ||
        (facts->persistent = scStoragePoolIsPersistent(pool)) < 0 ||
        scStoragePoolGetUUIDString(pool, facts->uuid) < 0 ||
        !(facts->type = scStoragePoolGetType(pool)) ||
        /* NULL without an error: a pool type without a target path */
        (!(facts->path = scStoragePoolGetTargetPath(pool)) && scGetLastError())) {
        err = scGetLastError();
        if (err && err->code == SC_ERR_NO_STORAGE_POOL)
            return 0;
        cliLibError(name, "failed to get information on pool '%s'", cliSafe(name));
        return -1;
    }
    facts->has_sizes = poolStateHasSizes(facts->info.state);
    cliFormatSize(facts->info.capacity, bytes, facts->sizes[0]);
    cliFormatSize(facts->info.allocation, bytes, facts->sizes[1]);
    cliFormatSize(facts->info.available, bytes, facts->sizes[2]);
    return 1;
}

int
cliPoolJSON(cliJson *j, const char *key, scStoragePool *pool)
{
    poolFacts facts;
    int rc = getPoolFacts(pool, true, &facts);

    if (rc > 0) {
        /* storcat(1), JSON OUTPUT, "The pool object": keep them in step. */
        cliJsonOpen(j, key, '{');
        cliJsonStr(j, "name", scStoragePoolGetName(pool));
        cliJsonStr(j, "uuid", facts.uuid);
        cliJsonStr(j, "type", facts.type);
        cliJsonStr(j, "path", facts.path);
        cliJsonStr(j, "state", poolStateName(facts.info.state));
        cliJsonBool(j, "persistent", facts.persistent);
        cliJsonBool(j, "autostart", facts.autostart);
        cliJsonNum(j, "capacity", facts.info.capacity);
        cliJsonNum(j, "allocation", facts.info.allocation);
        cliJsonNum(j, "available", facts.info.available);
        cliJsonClose(j, '}');
    }
    poolFactsClear(&facts);
    return rc;
}

FILE *
cliPoolDocumentBegin(scStoragePool *pool, cliJson *j, char **doc, size_t *len)
{
    FILE *out = open_memstream(doc, len);
    int rc;

    if (!out) {
        cliErrorCode(CLI_EXIT_FAILED, SC_ERR_NO_MEMORY, SC_FROM_NONE, "out of memory");
        return NULL;
    }
    cliJsonBegin(j, out, false);
    if ((rc = cliPoolJSON(j, "pool", pool)) > 0)
        return out;
    if (rc == 0) /* undefined since the lookup: an error here */
        cliLibError(NULL, "failed to get information on pool '%s'",
                    cliSafe(scStoragePoolGetName(pool)));
    fclose(out);
    free(*doc);
    *doc = NULL;
    return NULL;
}

char *
cliPoolDocumentEnd(FILE *out, cliJson *j, char **doc, bool ok)
{
    cliJsonEnd(j);
    if (!cliMemstreamClose(out, doc))
        return NULL;
    if (!ok) {
        free(*doc);
        *doc = NULL;
    }
    return *doc;
}

char *
cliPoolDocument(scStoragePool *pool)
{
    char *doc = NULL;
    size_t len = 0;
    cliJson j;
    FILE *out = cliPoolDocumentBegin(pool, &j, &doc, &len);

    return out ? cliPoolDocumentEnd(out, &j, &doc, true) : NULL;
}

/* Appends one pool's row to pool-list's table. Returns 0 or -1. */
static int
addPoolListRow(struct libscols_table *tb, scStoragePool *pool, bool bytes)
{
    poolFacts facts;
    const char *cells[LIST_NCOLS];
    int rc;

    if ((rc = getPoolFacts(pool, bytes, &facts)) > 0) {
        cells[LIST_NAME] = scStoragePoolGetName(pool);
        cells[LIST_STATE] = poolStateName(facts.info.state);
        cells[LIST_AUTOSTART] = facts.autostart ? "yes" : "no";
        cells[LIST_PERSISTENT] = facts.persistent ? "yes" : "no";
        for (int i = 0; i < 3; i++)
            cells[LIST_CAPACITY + i] = facts.has_sizes ? facts.sizes[i] : "-";
        rc = cliTableAddRow(tb, cells);
    }
    poolFactsClear(&facts);
    return rc < 0 ? -1 : 0;
}

/* pool-list --json: the object of every pool, whatever --details says. */
static int
printPoolListJSON(scStoragePool **pools, int n)
{
    cliJson j;
    int status = CLI_EXIT_OK;

    cliJsonBegin(&j, stdout, false);
    cliJsonOpen(&j, "pools", '[');
    for (int i = 0; i < n && status == CLI_EXIT_OK; i++) {
        if (cliPoolJSON(&j, NULL, pools[i]) < 0)
            status = CLI_EXIT_FAILED;
    }
    cliJsonClose(&j, ']');
    cliJsonEnd(&j);
    return status;
}

/* pool-list --name, --uuid or both: a line each, for scripts and
 * completion ("UUID NAME" with both, as virsh prints them). */
static int
printPoolNames(scStoragePool **pools, int n, bool uuids, bool names)
{
    char uuid[SC_UUID_STRING_BUFLEN];

    for (int i = 0; i < n; i++) {
        if (uuids) {
            if (scStoragePoolGetUUIDString(pools[i], uuid) < 0)
                return cliLibError(NULL, "failed to read the UUID of pool '%s'",
                                   cliSafe(scStoragePoolGetName(pools[i])));
            printf("%s%c", uuid, names ? ' ' : '\n');
        }
        if (names)
            printf("%s\n", scStoragePoolGetName(pools[i]));
    }
    return CLI_EXIT_OK;
}

static int
cmdPoolList(cliContext *ctx, const cliArgs *args)
{
    bool details = cliOptFlag(args, "details");
    bool bytes = cliOptFlag(args, "bytes");
    const cliColumn cols[LIST_NCOLS] = {
        { "Name", 0 },
        { "State", 0 },
        { "Autostart", 0 },
        { "Persistent", 0 },
        { "Capacity", SCOLS_FL_RIGHT },
        { "Allocation", SCOLS_FL_RIGHT },
        { "Available", SCOLS_FL_RIGHT },
    };
    _cleanup_table_ struct libscols_table *tb = NULL;
    scStoragePool **pools = NULL;
    unsigned int flags;
    scConnect *conn;
    int status, n;

    if ((status = poolListFlags(args, &flags)) != CLI_CONTINUE)
        return status;
    if (!(conn = cliConnect(ctx)))
        return CLI_EXIT_FAILED;
    if ((n = scConnectListAllStoragePools(conn, &pools, flags)) < 0)
        return cliLibError(NULL, "failed to list pools");
    status = CLI_EXIT_FAILED;
    if (cliJsonMode()) {
        status = printPoolListJSON(pools, n);
    } else if (cliOptFlag(args, "name") || cliOptFlag(args, "uuid")) {
        status = printPoolNames(pools, n, cliOptFlag(args, "uuid"), cliOptFlag(args, "name"));
    } else if ((tb = cliTableNew(cols, details ? LIST_NCOLS : LIST_NCOLS_BRIEF))) {
        int i = 0;

        while (i < n && addPoolListRow(tb, pools[i], bytes) == 0)
            i++;
        if (i == n)
            status = cliTablePrint(tb);
    }
    for (int i = 0; i < n; i++)
        scStoragePoolFree(pools[i]);
    free(pools);
    return status;
}

/* ---- pool-info ------------------------------------------------------ */

static int
cmdPoolInfo(cliContext *ctx, const cliArgs *args)
{
    bool bytes = cliOptFlag(args, "bytes");
    _cleanup_pool_ scStoragePool *pool = NULL;
    poolFacts facts;
    int rc;

    if (!(pool = cliLookupPool(ctx, args->params[0])))
        return CLI_EXIT_FAILED;
    if (cliJsonMode())
        return cliPutDocument(cliPoolDocument(pool));
    if ((rc = getPoolFacts(pool, bytes, &facts)) <= 0) {
        poolFactsClear(&facts);
        if (rc == 0) /* undefined since the lookup: an error here */
            return cliLibError(args->params[0], "failed to get information on pool '%s'",
                               cliSafe(args->params[0]));
        return CLI_EXIT_FAILED;
    }
    printf("%-15s %s\n", "Name:", scStoragePoolGetName(pool));
    printf("%-15s %s\n", "UUID:", facts.uuid);
    printf("%-15s %s\n", "State:", poolStateName(facts.info.state));
    printf("%-15s %s\n", "Persistent:", facts.persistent ? "yes" : "no");
    printf("%-15s %s\n", "Autostart:", facts.autostart ? "yes" : "no");
    if (facts.has_sizes) {
        printf("%-15s %s\n", "Capacity:", facts.sizes[0]);
        printf("%-15s %s\n", "Allocation:", facts.sizes[1]);
        printf("%-15s %s\n", "Available:", facts.sizes[2]);
    }
    poolFactsClear(&facts);
    return CLI_EXIT_OK;
}

/* ---- pool-dumpxml, pool-name, pool-uuid ---------------------------- */

static int
cmdPoolDumpXML(cliContext *ctx, const cliArgs *args)
{
    unsigned int flags = cliOptFlag(args, "inactive") ? SC_STORAGE_XML_INACTIVE : 0;
    _cleanup_pool_ scStoragePool *pool = NULL;
    _cleanup_free_ char *xml = NULL;
    const char *name;

    if (!(pool = cliLookupPool(ctx, args->params[0])))
        return CLI_EXIT_FAILED;
    name = scStoragePoolGetName(pool); /* before a failure: it resets the error */
    if (!(xml = scStoragePoolGetXMLDesc(pool, flags)))
        return cliLibError(name, "failed to get the XML of pool '%s'", cliSafe(name));
    return cliDumpXML(args, xml, "pool", name);
}

/* pool-capabilities: libvirt's <storagepoolCapabilities>, which pool
 * types there are and which volume formats each takes. */
static int
cmdPoolCapabilities(cliContext *ctx, const cliArgs *args)
{
    _cleanup_free_ char *xml = NULL;

    (void) args;
    if (!cliConnectAny(ctx, true))
        return CLI_EXIT_FAILED;
    if (!(xml = scConnectGetStoragePoolCapabilities(ctx->conn, 0)))
        return cliLibError(NULL, "failed to get the storage pool capabilities");
    return cliPrintXML(xml);
}

static int
cmdPoolName(cliContext *ctx, const cliArgs *args)
{
    const char *uuid = args->params[0];
    _cleanup_pool_ scStoragePool *pool = NULL;
    scConnect *conn;

    if (!cliLooksLikeUUID(uuid))
        return cliUsageError(args->verb, "'%s' is not a UUID", cliSafe(uuid));
    if (!(conn = cliConnect(ctx)))
        return CLI_EXIT_FAILED;
    /* By UUID only, as virsh's pool-name. */
    if (!(pool = scStoragePoolLookupByUUIDString(conn, uuid)))
        return cliLibError(uuid, "failed to get pool '%s'", cliSafe(uuid));
    if (cliJsonMode())
        return cliPutDocument(cliPoolDocument(pool));
    printf("%s\n", scStoragePoolGetName(pool));
    return CLI_EXIT_OK;
}

static int
cmdPoolUUID(cliContext *ctx, const cliArgs *args)
{
    const char *name = args->params[0];
    _cleanup_pool_ scStoragePool *pool = NULL;
    char uuid[SC_UUID_STRING_BUFLEN];
    scConnect *conn;

    if (!(conn = cliConnect(ctx)))
        return CLI_EXIT_FAILED;
    /* By name only, as virsh's pool-uuid. */
    if (!(pool = scStoragePoolLookupByName(conn, name)))
        return cliLibError(name, "failed to get pool '%s'", cliSafe(name));
    if (cliJsonMode())
        return cliPutDocument(cliPoolDocument(pool));
    if (scStoragePoolGetUUIDString(pool, uuid) < 0)
        return cliLibError(name, "failed to get the UUID of pool '%s'", cliSafe(name));
    printf("%s\n", uuid);
    return CLI_EXIT_OK;
}

/* ---- the table ------------------------------------------------------ */

static const cliOption uuidParam[] = {
    { "UUID", NULL, "UUID of the pool" },
    { NULL, NULL, NULL },
};

static const cliOption nameParam[] = {
    { "NAME", NULL, "name of the pool" },
    { NULL, NULL, NULL },
};

static const cliOption listOptions[] = {
    { "inactive", NULL, "list inactive pools" },
    { "all", NULL, "list inactive & active pools" },
    { "persistent", NULL, "list persistent pools" },
    { "transient", NULL, "list transient pools" },
    { "autostart", NULL, "list pools with autostart enabled" },
    { "no-autostart", NULL, "list pools with autostart disabled" },
    { "type", "TYPE,...", "list pools of these types only" },
    { "details", NULL, "show persistence, capacity, allocation and available space" },
    { "bytes", NULL, "sizes in bytes, not in KiB, MiB, ..." },
    { "name", NULL, "the names only, a line each" },
    { "uuid", NULL, "the UUIDs only, a line each (with --name: UUID and name)" },
    { NULL, NULL, NULL },
};

static const cliOption infoOptions[] = {
    { "bytes", NULL, "sizes in bytes, not in KiB, MiB, ..." },
    { NULL, NULL, NULL },
};

static const cliOption dumpxmlOptions[] = {
    { "inactive", NULL, "the persistent definition only, without current sizes" },
    CLI_XPATH_OPTIONS,
    { NULL, NULL, NULL },
};

const cliVerb cliPoolInfoVerbs[] = {
    { "pool-list", cmdPoolList, "list pools", NULL, listOptions },
    { "pool-info", cmdPoolInfo, "show information on a pool", poolParam, infoOptions },
    { "pool-dumpxml", cmdPoolDumpXML, "print a pool's XML definition", poolParam, dumpxmlOptions },
    { "pool-capabilities", cmdPoolCapabilities,
      "the pool types and the volume formats of each (libvirt's storagepoolCapabilities)", NULL,
      NULL },
    { "pool-name", cmdPoolName, "convert a pool UUID to a pool name", uuidParam, NULL },
    { "pool-uuid", cmdPoolUUID, "convert a pool name to a pool UUID", nameParam, NULL },
    { NULL, NULL, NULL, NULL, NULL },
};
