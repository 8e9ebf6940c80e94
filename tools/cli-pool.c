/*
 * cli-pool.c: the pool verbs of the storcat tool (pool-define, pool-start,
 * pool-build, pool-refresh, pool-list, pool-info, ...), with virsh's names,
 * options and output, so that an operator's habits and scripts carry over.
 *
 * Each verb is one function over its parsed arguments; the table at the end
 * describes the verbs' arguments and options, from which the parser, the
 * usage errors and the help are derived (cli-util.c).
 */
#include <config.h>

#include <string.h>

#include "cli.h"

/* Pool argument shared by most verbs. */
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

/* Whether @type is a pool type's name (dir, logical, ...), which a
 * command line that names another gets as a usage error. */
static bool
knownPoolType(const char *type)
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

/* ---- init --------------------------------------------------------------- */

static int
cmdInit(cliContext *ctx, const cliArgs *args)
{
    scConnect *conn;
    _cleanup_free_ char *uri = NULL;

    cliJson j;

    (void) args;
    ctx->create = true;
    if (!(conn = cliConnect(ctx)))
        return CLI_EXIT_FAILED;
    if (!(uri = scConnectGetURI(conn)))
        return cliLibError(NULL, "failed to read the catalog's URI");
    if (cliJsonMode()) {
        cliJsonBegin(&j, stdout, false);
        cliJsonOpen(&j, "catalog", '{');
        cliJsonStr(&j, "path", scConnectGetCatalogPath(conn));
        cliJsonStr(&j, "uri", uri);
        cliJsonBool(&j, "readonly", scConnectIsReadOnly(conn) == 1);
        cliJsonClose(&j, '}');
        cliJsonEnd(&j);
        return CLI_EXIT_OK;
    }
    cliInfo("Catalog %s ready (%s)", scConnectGetCatalogPath(conn), uri);
    return CLI_EXIT_OK;
}

/* ---- pool-define, pool-define-as ------------------------------------ */

static int
cmdPoolDefine(cliContext *ctx, const cliArgs *args)
{
    const char *file = args->params[0];
    _cleanup_free_ char *xml = NULL;
    _cleanup_pool_ scStoragePool *pool = NULL;
    scConnect *conn;

    ctx->create = true;
    if (!(xml = cliReadFile(file)) || !(conn = cliConnect(ctx)))
        return CLI_EXIT_FAILED;
    /* The library's message names the pool, not the file it came from. */
    if (!(pool = scStoragePoolDefineXML(conn, xml, 0)))
        return cliLibError(NULL, "failed to define pool from '%s'", cliSafe(file));
    if (cliJsonMode())
        return cliPutDocument(cliPoolDocument(pool));
    cliInfo("Pool %s defined from %s", scStoragePoolGetName(pool), file);
    return CLI_EXIT_OK;
}

/* Builds the pool XML of pool-define-as as virsh's virshBuildPoolXML does:
 * --source-path is <dir path>, --source-dev <device path> (for iscsi, the
 * target IQN). Returns a new string, or NULL after printing why. */
static char *
buildPoolXML(const cliArgs *args)
{
    const char *host = cliOptValue(args, "source-host");
    const char *path = cliOptValue(args, "source-path");
    const char *dev = cliOptValue(args, "source-dev");
    const char *format = cliOptValue(args, "source-format");
    const char *srcname = cliOptValue(args, "source-name");
    const char *target = cliOptValue(args, "target");
    const char *initiator = cliOptValue(args, "source-initiator");
    const char *auth_type = cliOptValue(args, "auth-type");
    const char *auth_user = cliOptValue(args, "auth-username");
    const char *secret_usage = cliOptValue(args, "secret-usage");
    const char *secret_uuid = cliOptValue(args, "secret-uuid");
    bool auth = auth_type && auth_user && (secret_usage || secret_uuid);
    char *xml = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&xml, &len);

    if (!out) {
        cliError("out of memory");
        return NULL;
    }
    cliXmlLine(out, "<pool type='", args->params[1], "'>\n");
    cliXmlLine(out, "  <name>", args->params[0], "</name>\n");
    if (host || path || dev || format || srcname || initiator || auth) {
        fputs("  <source>\n", out);
        cliXmlLine(out, "    <host name='", host, "'/>\n");
        cliXmlLine(out, "    <dir path='", path, "'/>\n");
        cliXmlLine(out, "    <device path='", dev, "'/>\n");
        cliXmlLine(out, "    <initiator>\n      <iqn name='", initiator,
                   "'/>\n    </initiator>\n");
        if (auth) {
            cliXmlLine(out, "    <auth type='", auth_type, "'");
            cliXmlLine(out, " username='", auth_user, "'>\n");
            if (secret_usage)
                cliXmlLine(out, "      <secret usage='", secret_usage, "'/>\n");
            else
                cliXmlLine(out, "      <secret uuid='", secret_uuid, "'/>\n");
            fputs("    </auth>\n", out);
        }
        cliXmlLine(out, "    <format type='", format, "'/>\n");
        cliXmlLine(out, "    <name>", srcname, "</name>\n");
        fputs("  </source>\n", out);
    }
    if (target) {
        fputs("  <target>\n", out);
        cliXmlLine(out, "    <path>", target, "</path>\n");
        fputs("  </target>\n", out);
    }
    fputs("</pool>\n", out);
    return cliMemstreamClose(out, &xml);
}

static int
cmdPoolDefineAs(cliContext *ctx, const cliArgs *args)
{
    const char *name = args->params[0];
    _cleanup_free_ char *xml = NULL;
    _cleanup_pool_ scStoragePool *pool = NULL;
    scConnect *conn;
    int status;

    if ((status = cliCheckName(args->verb, "pool", name)) != CLI_CONTINUE)
        return status;
    if (!knownPoolType(args->params[1]))
        return cliUsageError(args->verb, "unknown pool type '%s'", cliSafe(args->params[1]));
    if (!(xml = buildPoolXML(args)))
        return CLI_EXIT_FAILED;
    if (cliOptFlag(args, "print-xml"))
        return cliPrintXML(xml);
    ctx->create = true;
    if (!(conn = cliConnect(ctx)))
        return CLI_EXIT_FAILED;
    if (!(pool = scStoragePoolDefineXML(conn, xml, 0)))
        return cliLibError(name, "failed to define pool '%s'", cliSafe(name));
    if (cliJsonMode())
        return cliPutDocument(cliPoolDocument(pool));
    cliInfo("Pool %s defined", scStoragePoolGetName(pool));
    return CLI_EXIT_OK;
}

/* ---- pool-undefine, -start, -destroy, -build, -delete, -refresh ----- */

/* A verb that does one thing to one pool and says so. */
typedef struct poolAction {
    int (*act)(scStoragePool *pool, unsigned int flags); /* the library call */
    const char *infinitive; /* "start": "failed to start pool 'NAME'" */
    const char *done;       /* "started": "Pool NAME started" */
    bool long_running;      /* may take a while: show a progress bar */
} poolAction;

static int
runPoolAction(cliContext *ctx, const cliArgs *args, const poolAction *action, unsigned int flags)
{
    _cleanup_pool_ scStoragePool *pool = NULL;
    const char *name;
    int rc;

    if (!(pool = cliLookupPool(ctx, args->params[0])))
        return CLI_EXIT_FAILED;
    name = scStoragePoolGetName(pool);
    if (action->long_running)
        cliProgressBegin(ctx);
    rc = action->act(pool, flags);
    if (action->long_running)
        cliProgressEnd();
    if (rc < 0)
        return cliLibError(name, "failed to %s pool '%s'", action->infinitive, cliSafe(name));
    if (cliJsonMode())
        return cliPutDocument(cliPoolDocument(pool));
    cliInfo("Pool %s %s", name, action->done);
    return CLI_EXIT_OK;
}

/* The library call without flags, in poolAction's shape. */
static int
destroyPool(scStoragePool *pool, unsigned int flags)
{
    return scStoragePoolDestroy(pool);
}

/* --overwrite and --no-overwrite of pool-build and pool-start, which
 * exclude each other (as virsh's VSH_EXCLUSIVE_OPTIONS). */
static int
checkOverwrite(const cliArgs *args)
{
    if (cliOptFlag(args, "overwrite") && cliOptFlag(args, "no-overwrite"))
        return cliUsageError(args->verb, "--overwrite and --no-overwrite exclude each other");
    return CLI_CONTINUE;
}

static FILE *poolDocumentBegin(scStoragePool *pool, cliJson *j, char **doc, size_t *len);
static char *poolDocumentEnd(FILE *out, cliJson *j, char **doc, bool ok);

/* pool-undefine says how many identities of its volumes the catalog
 * keeps for a pool defined again with its UUID; --json prints the pool
 * as it was, written before it goes, and that number:
 * {"pool": {...}, "identities_kept": N}. */
static int
cmdPoolUndefine(cliContext *ctx, const cliArgs *args)
{
    _cleanup_pool_ scStoragePool *pool = NULL;
    _cleanup_free_ char *doc = NULL;
    char uuid[SC_UUID_STRING_BUFLEN];
    FILE *out = NULL;
    const char *name;
    size_t len = 0;
    cliJson j;
    int kept;

    if (!(pool = cliLookupPool(ctx, args->params[0])))
        return CLI_EXIT_FAILED;
    name = scStoragePoolGetName(pool);
    if (scStoragePoolGetUUIDString(pool, uuid) < 0)
        return cliLibError(name, "failed to undefine pool '%s'", cliSafe(name));
    if (cliJsonMode() && !(out = poolDocumentBegin(pool, &j, &doc, &len)))
        return CLI_EXIT_FAILED;
    if (scStoragePoolUndefine(pool) < 0) {
        if (out)
            poolDocumentEnd(out, &j, &doc, false);
        return cliLibError(name, "failed to undefine pool '%s'", cliSafe(name));
    }
    kept = scConnectNumOfStorageVolHistory(ctx->conn, uuid);
    if (out) {
        if (kept < 0) /* undefined all the same; the number is not known */
            cliJsonNull(&j, "identities_kept");
        else
            cliJsonNum(&j, "identities_kept", (unsigned long long) kept);
        return cliPutDocument(poolDocumentEnd(out, &j, &doc, true) ? TAKE_PTR(doc) : NULL);
    }
    /* virsh's words when there is nothing more to say. */
    if (kept <= 0)
        cliInfo("Pool %s has been undefined", name);
    else
        cliInfo("Pool %s has been undefined (%d volume %s kept for a pool defined again with "
                "its UUID)",
                name, kept, kept == 1 ? "identity" : "identities");
    return CLI_EXIT_OK;
}

static int
cmdPoolStart(cliContext *ctx, const cliArgs *args)
{
    static const poolAction start = { scStoragePoolCreate, "start", "started", true };
    unsigned int flags = 0;
    int status;

    if ((status = checkOverwrite(args)) != CLI_CONTINUE)
        return status;
    if (cliOptFlag(args, "build"))
        flags |= SC_STORAGE_POOL_CREATE_WITH_BUILD;
    if (cliOptFlag(args, "overwrite"))
        flags |= SC_STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE;
    if (cliOptFlag(args, "no-overwrite"))
        flags |= SC_STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE;
    return runPoolAction(ctx, args, &start, flags);
}

static int
cmdPoolDestroy(cliContext *ctx, const cliArgs *args)
{
    static const poolAction destroy = { destroyPool, "destroy", "destroyed", false };

    return runPoolAction(ctx, args, &destroy, 0);
}

static int
cmdPoolBuild(cliContext *ctx, const cliArgs *args)
{
    static const poolAction build = { scStoragePoolBuild, "build", "built", false };
    unsigned int flags = 0;
    int status;

    if ((status = checkOverwrite(args)) != CLI_CONTINUE)
        return status;
    if (cliOptFlag(args, "overwrite"))
        flags |= SC_STORAGE_POOL_BUILD_OVERWRITE;
    if (cliOptFlag(args, "no-overwrite"))
        flags |= SC_STORAGE_POOL_BUILD_NO_OVERWRITE;
    /* storcat's own: SC_STORAGE_POOL_BUILD_REPAIR, which virsh has no
     * option for (a disk pool's GPT from its good copy). */
    if (cliOptFlag(args, "repair"))
        flags |= SC_STORAGE_POOL_BUILD_REPAIR;
    return runPoolAction(ctx, args, &build, flags);
}

static int
cmdPoolDelete(cliContext *ctx, const cliArgs *args)
{
    static const poolAction delete = { scStoragePoolDelete, "delete", "deleted", false };

    return runPoolAction(ctx, args, &delete, 0);
}

static int
cmdPoolRefresh(cliContext *ctx, const cliArgs *args)
{
    static const poolAction refresh = { scStoragePoolRefresh, "refresh", "refreshed", true };

    return runPoolAction(ctx, args, &refresh,
                         cliOptFlag(args, "prune") ? SC_STORAGE_POOL_REFRESH_PRUNE : 0);
}

/* history-prune [POOL-UUID]: drop the volume identities kept for
 * undefined pools (for one pool UUID, or all); --json:
 * {"identities_dropped": N}. */
static int
cmdHistoryPrune(cliContext *ctx, const cliArgs *args)
{
    const char *uuid = args->params[0];
    cliJson j;
    int n;

    if (uuid && !cliLooksLikeUUID(uuid))
        return cliUsageError(args->verb, "'%s' is not a pool UUID", cliSafe(uuid));
    if (!cliConnect(ctx))
        return CLI_EXIT_FAILED;
    if ((n = scConnectPruneStorageVolHistory(ctx->conn, uuid, 0)) < 0)
        return cliLibError(NULL, "failed to prune the volume history");
    if (cliJsonMode()) {
        cliJsonBegin(&j, stdout, false);
        cliJsonNum(&j, "identities_dropped", (unsigned long long) n);
        cliJsonEnd(&j);
        return CLI_EXIT_OK;
    }
    cliInfo("%d volume %s dropped", n, n == 1 ? "identity" : "identities");
    return CLI_EXIT_OK;
}

/* ---- autostart -------------------------------------------------------- */

/* Start every inactive pool marked autostart: what a host runs at boot,
 * since a pool's active state does not survive a reboot. Each pool is
 * tried; the status is 1 if any failed. */
static int
cmdAutostart(cliContext *ctx, const cliArgs *args)
{
    scStoragePool **pools = NULL;
    int status = CLI_EXIT_OK, n;
    scConnect *conn;
    cliJson j;

    (void) args;
    if (!(conn = cliConnect(ctx)))
        return CLI_EXIT_FAILED;
    n = scConnectListAllStoragePools(conn, &pools, SC_CONNECT_LIST_STORAGE_POOLS_AUTOSTART |
                                                       SC_CONNECT_LIST_STORAGE_POOLS_INACTIVE);
    if (n < 0)
        return cliLibError(NULL, "failed to list pools");
    /* --json: the pools it started, {"pools": [...]}; each failure is an
     * error on stderr. */
    if (cliJsonMode()) {
        cliJsonBegin(&j, stdout, false);
        cliJsonOpen(&j, "pools", '[');
    }
    for (int i = 0; i < n; i++) {
        _cleanup_free_ char *name = strdup(scStoragePoolGetName(pools[i]));
        if (scStoragePoolCreate(pools[i], 0) < 0) {
            cliLibError(name, "failed to start pool '%s'", name ? cliSafe(name) : "?");
            status = CLI_EXIT_FAILED;
        } else if (cliJsonMode()) {
            if (cliPoolJSON(&j, NULL, pools[i]) < 0)
                status = CLI_EXIT_FAILED;
        } else {
            cliInfo("Pool %s started", name ? name : "?");
        }
        scStoragePoolFree(pools[i]);
    }
    free(pools);
    if (cliJsonMode()) {
        cliJsonClose(&j, ']');
        cliJsonEnd(&j);
    }
    return status;
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

/*
 * poolDocumentBegin / poolDocumentEnd:
 * {"pool": {...} on a memory stream (*@doc), to which the caller may add
 * members before End closes it; End returns the document (*@doc), or
 * NULL (freed) when @ok is false. Begin returns the stream, or NULL after
 * printing why (nothing to end).
 */
static FILE *
poolDocumentBegin(scStoragePool *pool, cliJson *j, char **doc, size_t *len)
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

static char *
poolDocumentEnd(FILE *out, cliJson *j, char **doc, bool ok)
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
    FILE *out = poolDocumentBegin(pool, &j, &doc, &len);

    return out ? poolDocumentEnd(out, &j, &doc, true) : NULL;
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

/* pool-list --name: the names, a line each, for scripts and completion. */
static int
printPoolNames(scStoragePool **pools, int n)
{
    for (int i = 0; i < n; i++)
        printf("%s\n", scStoragePoolGetName(pools[i]));
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
    } else if (cliOptFlag(args, "name")) {
        status = printPoolNames(pools, n);
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

/* ---- pool-dumpxml, pool-autostart, pool-name, pool-uuid ------------- */

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
    return cliPrintXML(xml);
}

static int
cmdPoolAutostart(cliContext *ctx, const cliArgs *args)
{
    int autostart = !cliOptFlag(args, "disable");
    _cleanup_pool_ scStoragePool *pool = NULL;
    const char *name;

    if (!(pool = cliLookupPool(ctx, args->params[0])))
        return CLI_EXIT_FAILED;
    name = scStoragePoolGetName(pool);
    if (scStoragePoolSetAutostart(pool, autostart) < 0)
        return cliLibError(name, "failed to %s pool '%s' as autostarted",
                           autostart ? "mark" : "unmark", cliSafe(name));
    if (cliJsonMode())
        return cliPutDocument(cliPoolDocument(pool));
    cliInfo("Pool %s %s as autostarted", name, autostart ? "marked" : "unmarked");
    return CLI_EXIT_OK;
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

static const cliOption defineParams[] = {
    { "FILE", NULL, "file with the pool's XML definition ('-': standard input)" },
    { NULL, NULL, NULL },
};

static const cliOption defineAsParams[] = {
    { "NAME", NULL, "name of the pool" },
    { "TYPE", NULL, "type of the pool (dir, fs, netfs, logical, disk, iscsi, ...)" },
    { NULL, NULL, NULL },
};

static const cliOption defineAsOptions[] = {
    { "source-host", "HOST", "host of the source storage (netfs, iscsi)" },
    { "source-path", "PATH", "source directory (netfs: the export)" },
    { "source-dev", "DEVICE", "source device (fs, logical, disk; iscsi: the target IQN)" },
    { "source-name", "NAME", "source name (logical: the volume group)" },
    { "source-format", "FORMAT", "format of the source (ext4, nfs, gpt, lvm2, ...)" },
    { "target", "PATH", "target directory of the pool" },
    { "source-initiator", "IQN", "initiator IQN (iscsi, iscsi-direct)" },
    { "auth-type", "TYPE", "auth type (chap), with --auth-username and a secret" },
    { "auth-username", "USER", "auth username" },
    { "secret-usage", "USAGE", "the auth secret's usage (its iSCSI target name)" },
    { "secret-uuid", "UUID", "the auth secret's UUID" },
    { "print-xml", NULL, "print the XML document, do not define the pool" },
    { NULL, NULL, NULL },
};

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
    { NULL, NULL, NULL },
};

static const cliOption infoOptions[] = {
    { "bytes", NULL, "sizes in bytes, not in KiB, MiB, ..." },
    { NULL, NULL, NULL },
};

static const cliOption dumpxmlOptions[] = {
    { "inactive", NULL, "the persistent definition only, without current sizes" },
    { NULL, NULL, NULL },
};

static const cliOption startOptions[] = {
    { "build", NULL, "build the pool first" },
    { "overwrite", NULL, "build, overwriting existing storage" },
    { "no-overwrite", NULL, "build, but refuse to overwrite existing storage" },
    { NULL, NULL, NULL },
};

static const cliOption buildOptions[] = {
    { "overwrite", NULL, "overwrite existing storage" },
    { "no-overwrite", NULL, "refuse to overwrite existing storage" },
    { "repair", NULL, "repair the storage (disk: a GPT from its good copy)" },
    { NULL, NULL, NULL },
};

static const cliOption autostartOptions[] = {
    { "disable", NULL, "disable autostarting" },
    { NULL, NULL, NULL },
};

/* ---- find-storage-pool-sources(-as) ---------------------------------- */

/* Prints what the pool type's backend says this host could define. */
static int
findSources(cliContext *ctx, const char *type, const char *spec)
{
    _cleanup_free_ char *xml = NULL;
    scConnect *conn;

    if (!(conn = cliConnect(ctx)))
        return CLI_EXIT_FAILED;
    if (!(xml = scConnectFindStoragePoolSources(conn, type, spec, 0)))
        return cliLibError(NULL, "failed to find the sources of '%s' pools", cliSafe(type));
    return cliPrintXML(xml);
}

static int
cmdFindSources(cliContext *ctx, const cliArgs *args)
{
    const char *file = args->params[1];
    _cleanup_free_ char *spec = NULL;

    if (!knownPoolType(args->params[0]))
        return cliUsageError(args->verb, "unknown pool type '%s'", cliSafe(args->params[0]));
    if (file && !(spec = cliReadFile(file)))
        return CLI_EXIT_FAILED;
    return findSources(ctx, args->params[0], spec);
}

/* As virsh: the <source> of where to look, from a host, a port and an
 * initiator IQN. */
static int
cmdFindSourcesAs(cliContext *ctx, const cliArgs *args)
{
    const char *host = args->params[1], *port = args->params[2], *iqn = args->params[3];
    _cleanup_free_ char *spec = NULL;
    size_t len = 0;
    FILE *out;

    if (port && (strspn(port, "0123456789") != strlen(port) || !*port || strlen(port) > 5 ||
                 atoi(port) < 1 || atoi(port) > 65535))
        return cliUsageError(args->verb, "port '%s' is not a number from 1 to 65535",
                             cliSafe(port));
    if (!host && (port || iqn))
        return cliUsageError(args->verb, "a port or an initiator needs a host");
    if (!knownPoolType(args->params[0]))
        return cliUsageError(args->verb, "unknown pool type '%s'", cliSafe(args->params[0]));
    if (host) {
        if (!(out = open_memstream(&spec, &len)))
            return cliErrorCode(CLI_EXIT_FAILED, SC_ERR_NO_MEMORY, SC_FROM_NONE, "out of memory");
        cliXmlLine(out, "<source>\n  <host name='", host, "'");
        cliXmlLine(out, " port='", port, "'");
        fputs("/>\n", out);
        cliXmlLine(out, "  <initiator>\n    <iqn name='", iqn, "'/>\n  </initiator>\n");
        fputs("</source>\n", out);
        if (!cliMemstreamClose(out, &spec))
            return CLI_EXIT_FAILED;
    }
    return findSources(ctx, args->params[0], spec);
}

static const cliOption findParams[] = {
    { "TYPE", NULL, "the pool type: logical, iscsi, iscsi-direct, netfs, ..." },
    { "[SRCSPEC]", NULL, "a file with libvirt's <source> XML of where to look" },
    { NULL, NULL, NULL },
};

static const cliOption findAsParams[] = {
    { "TYPE", NULL, "the pool type: logical, iscsi, iscsi-direct, netfs, ..." },
    { "[HOST]", NULL, "the host to ask (network pool types)" },
    { "[PORT]", NULL, "its port" },
    { "[INITIATOR]", NULL, "the initiator IQN to ask as (iSCSI)" },
    { NULL, NULL, NULL },
};

static const cliOption refreshOptions[] = {
    { "prune", NULL, "also forget the volumes whose storage is gone (state missing)" },
    { NULL, NULL, NULL },
};

static const cliOption historyParams[] = {
    { "[POOL-UUID]", NULL, "the UUID of an undefined pool (default: every pool's)" },
    { NULL, NULL, NULL },
};

const cliVerb cliPoolVerbs[] = {
    { "init", cmdInit, "create the catalog if it does not exist, and say where it is", NULL,
      NULL },
    { "pool-define", cmdPoolDefine, "define (but don't start) a pool from an XML file",
      defineParams, NULL },
    { "pool-define-as", cmdPoolDefineAs, "define a pool from a set of arguments", defineAsParams,
      defineAsOptions },
    { "pool-undefine", cmdPoolUndefine, "undefine an inactive pool", poolParam, NULL },
    { "pool-build", cmdPoolBuild, "build a pool's storage", poolParam, buildOptions },
    { "pool-start", cmdPoolStart, "start a previously defined inactive pool", poolParam,
      startOptions },
    { "pool-destroy", cmdPoolDestroy, "destroy (stop) a pool", poolParam, NULL },
    { "pool-delete", cmdPoolDelete, "delete a pool's storage", poolParam, NULL },
    { "pool-refresh", cmdPoolRefresh, "refresh a pool's volumes from its storage", poolParam,
      refreshOptions },
    { "pool-list", cmdPoolList, "list pools", NULL, listOptions },
    { "pool-info", cmdPoolInfo, "show information on a pool", poolParam, infoOptions },
    { "pool-dumpxml", cmdPoolDumpXML, "print a pool's XML definition", poolParam, dumpxmlOptions },
    { "pool-autostart", cmdPoolAutostart, "mark or unmark a pool to be started at boot", poolParam,
      autostartOptions },
    { "pool-name", cmdPoolName, "convert a pool UUID to a pool name", uuidParam, NULL },
    { "autostart", cmdAutostart, "start every inactive pool marked autostart (run it at boot)",
      NULL, NULL },
    { "pool-uuid", cmdPoolUUID, "convert a pool name to a pool UUID", nameParam, NULL },
    { "find-storage-pool-sources", cmdFindSources,
      "list the pools of a type this host could define (also: find-pool-sources)", findParams,
      NULL },
    { "find-pool-sources", cmdFindSources, "the same as find-storage-pool-sources", findParams,
      NULL },
    { "find-storage-pool-sources-as", cmdFindSourcesAs,
      "list potential pool sources from a host, a port and an initiator (also: "
      "find-pool-sources-as)", findAsParams, NULL },
    { "find-pool-sources-as", cmdFindSourcesAs, "the same as find-storage-pool-sources-as",
      findAsParams, NULL },
    { "history-prune", cmdHistoryPrune,
      "forget the volume identities kept for undefined pools", historyParams, NULL },
    { NULL, NULL, NULL, NULL, NULL },
};
