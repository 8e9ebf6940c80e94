/*
 * cli-vol-info.c: the storcat tool's verbs that list and show volumes
 * (vol-list, vol-info, vol-dumpxml, vol-path, vol-key, vol-name, vol-pool,
 * and storcat's own vol-lookup), with virsh's names, options and output.
 * They only read the catalog.
 *
 * Every volume field has one column description (volTableNew); the text
 * tables show a few of them. --json prints the volume object (cliVolJSON,
 * storcat(1) JSON OUTPUT) wherever a verb prints a volume, so vol-list,
 * vol-info, vol-lookup and the verbs that make or change a volume print
 * the same object.
 */
#include <config.h>

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"

/* Volume types and states as virsh (virshVolumeTypeToString) and storcat
 * name them. */
static const char *
volTypeName(int type)
{
    static const char *const names[] = { "file", "block", "dir", "network", "netdir", "ploop" };
    _Static_assert(sizeof(names) / sizeof(names[0]) == SC_STORAGE_VOL_LAST,
                   "volume type names do not match scStorageVolType");

    return type >= 0 && type < SC_STORAGE_VOL_LAST ? names[type] : "unknown";
}

static const char *
volStateName(int state)
{
    static const char *const names[] = { "present", "missing", "creating", "deleting",
                                         "incomplete" };
    _Static_assert(sizeof(names) / sizeof(names[0]) == SC_STORAGE_VOL_STATE_LAST,
                   "volume state names do not match scStorageVolState");

    return state >= 0 && state < SC_STORAGE_VOL_STATE_LAST ? names[state] : "unknown";
}

const char *const *
cliVolStateNames(size_t *n)
{
    static const char *const names[] = { "present", "missing", "incomplete", "creating",
                                         "deleting" };

    *n = sizeof(names) / sizeof(names[0]);
    return names;
}

/* ---- what is known of a volume -------------------------------------- */

/* What vol-list, vol-info and vol-lookup show of one volume, as text. */
typedef struct volFacts {
    const char *name;     /* borrowed from the handle */
    const char *key;      /* borrowed from the handle */
    char *path;           /* the volume's path */
    char *format;         /* "raw", "qcow2", ...; NULL if unknown */
    char *backing_path;   /* NULL: no backing store */
    char *backing_format; /* NULL if unknown */
    char *operation;      /* journaled on it now ("wiping"); NULL: none */
    const char *pool;     /* vol-list --all-pools: its pool's name (borrowed) */
    long long pid;        /* the process running it */
    char uuid[SC_UUID_STRING_BUFLEN];
    scStorageVolInfo info;
    int state;                      /* an scStorageVolState */
    char state_text[64];            /* vol-list --all: "creating (pid 42)"; "" else */
    char sizes[2][CLI_SIZE_BUFLEN]; /* capacity, allocation */
} volFacts;

static void
volFactsClear(volFacts *facts)
{
    free(facts->path);
    free(facts->format);
    free(facts->backing_path);
    free(facts->backing_format);
    free(facts->operation);
}

/* Gathers what is shown of @vol into @facts (to be cleared by the caller
 * whatever the result); with @inactive, what the catalog last recorded
 * of a volume of an inactive pool too (vol-list --all: storcat's own),
 * else as virsh (an inactive pool's volume is an error). Returns 1, 0 if
 * the volume was deleted meanwhile (by another process: not an error
 * while listing), or -1 after printing why. */
static int
getVolFacts(scStorageVol *vol, bool bytes, bool inactive, volFacts *facts)
{
    unsigned int flags = inactive ? SC_STORAGE_VOL_GET_INACTIVE : 0;
    const scError *err;

    memset(facts, 0, sizeof(*facts));
    facts->name = scStorageVolGetName(vol);
    if (!facts->name || !(facts->key = scStorageVolGetKey(vol)) ||
        !(facts->path = scStorageVolGetPathFlags(vol, flags)) ||
        scStorageVolGetUUIDString(vol, facts->uuid) < 0 ||
        scStorageVolGetInfoFlags(vol, &facts->info, flags) < 0 ||
        (facts->state = scStorageVolGetState(vol)) < 0 ||
        /* NULL without an error: a format storcat does not know */
        (!(facts->format = scStorageVolGetFormat(vol)) && scGetLastError()) ||
        scStorageVolGetBackingStore(vol, &facts->backing_path, &facts->backing_format) < 0 ||
        scStorageVolGetOperation(vol, &facts->operation, &facts->pid) < 0) {
        err = scGetLastError();
        if (err && err->code == SC_ERR_NO_STORAGE_VOL)
            return 0;
        cliLibError(facts->name, "failed to get information on volume '%s'",
                    cliSafe(facts->name ? facts->name : "?"));
        return -1;
    }
    cliFormatSize(facts->info.capacity, bytes, facts->sizes[0]);
    cliFormatSize(facts->info.allocation, bytes, facts->sizes[1]);
    return 1;
}

/* ---- the volume object --------------------------------------------- */

/* Writes @facts as the volume object, of a volume of the pool named
 * @poolName, of UUID @poolUUID. */
static void
volObjectIn(cliJson *j, const char *key, const volFacts *facts, const char *poolName,
            const char *poolUUID)
{
    /* storcat(1), JSON OUTPUT, "The volume object": keep them in step. */
    cliJsonOpen(j, key, '{');
    cliJsonStr(j, "name", facts->name);
    cliJsonStr(j, "uuid", facts->uuid);
    cliJsonStr(j, "key", facts->key);
    cliJsonStr(j, "path", facts->path);
    cliJsonStr(j, "pool", poolName);
    cliJsonStr(j, "pool_uuid", poolUUID);
    cliJsonStr(j, "type", volTypeName(facts->info.type));
    cliJsonStr(j, "format", facts->format);
    cliJsonNum(j, "capacity", facts->info.capacity);
    cliJsonNum(j, "allocation", facts->info.allocation);
    if (facts->backing_path) {
        cliJsonOpen(j, "backing", '{');
        cliJsonStr(j, "path", facts->backing_path);
        cliJsonStr(j, "format", facts->backing_format);
        cliJsonClose(j, '}');
    } else {
        cliJsonNull(j, "backing");
    }
    cliJsonStr(j, "state", volStateName(facts->state));
    cliJsonStr(j, "operation", facts->operation);
    if (facts->operation)
        cliJsonNum(j, "pid", (unsigned long long) facts->pid);
    else
        cliJsonNull(j, "pid");
    cliJsonClose(j, '}');
}

/* Writes @facts as the volume object (of a volume of @pool). */
static void
volObject(cliJson *j, const char *key, const volFacts *facts, scStoragePool *pool)
{
    char pool_uuid[SC_UUID_STRING_BUFLEN];

    if (scStoragePoolGetUUIDString(pool, pool_uuid) < 0)
        pool_uuid[0] = '\0'; /* cannot fail on a handle that is valid */
    volObjectIn(j, key, facts, scStoragePoolGetName(pool), pool_uuid);
}

int
cliVolJSON(cliJson *j, const char *key, scStorageVol *vol, scStoragePool *poolOfVol)
{
    _cleanup_pool_ scStoragePool *own = NULL;
    volFacts facts;
    int rc = getVolFacts(vol, true, false, &facts);

    if (rc > 0 && !poolOfVol && !(poolOfVol = own = scStoragePoolLookupByVolume(vol))) {
        cliLibError(facts.name, "failed to get the pool of volume '%s'", cliSafe(facts.name));
        rc = -1;
    }
    if (rc > 0)
        volObject(j, key, &facts, poolOfVol);
    volFactsClear(&facts);
    return rc;
}

/* Begins a document on a memory stream: {"volume": ... */
static FILE *
documentBegin(char **doc, size_t *len, cliJson *j)
{
    FILE *out = open_memstream(doc, len);

    if (!out) {
        cliErrorCode(CLI_EXIT_FAILED, SC_ERR_NO_MEMORY, SC_FROM_NONE, "out of memory");
        return NULL;
    }
    cliJsonBegin(j, out, false);
    return out;
}

/* Ends it: the new string, or NULL after printing why (@rc from the
 * object: 0 if the volume was deleted meanwhile). */
static char *
documentEnd(FILE *out, char **doc, cliJson *j, int rc, const char *name)
{
    cliJsonEnd(j);
    if (!cliMemstreamClose(out, doc))
        return NULL;
    if (rc == 0) /* deleted since the lookup: an error here */
        cliLibError(name, "failed to get information on volume '%s'", cliSafe(name));
    if (rc <= 0) {
        free(*doc);
        *doc = NULL;
    }
    return *doc;
}

char *
cliVolDocument(scStorageVol *vol)
{
    const char *name = scStorageVolGetName(vol);
    char *doc = NULL;
    size_t len = 0;
    cliJson j;
    FILE *out = documentBegin(&doc, &len, &j);

    if (!out)
        return NULL;
    return documentEnd(out, &doc, &j, cliVolJSON(&j, "volume", vol, NULL), name);
}

/* ---- tables --------------------------------------------------------- */

/* A volume's fields, as text columns. */
enum {
    VOL_POOL, /* vol-list --all-pools */
    VOL_NAME,
    VOL_PATH,
    VOL_TYPE,
    VOL_CAPACITY,
    VOL_ALLOCATION,
    VOL_STATE,
    VOL_NFIELDS
};

/* A table of volumes: which fields it shows. */
typedef struct volTable {
    struct libscols_table *tb;
    const int *fields; /* VOL_* */
    size_t nfields;
} volTable;

static void
volTableClear(volTable *vt)
{
    scols_unref_table(vt->tb);
}

static int
volTableNew(volTable *vt, const int *fields, size_t nfields)
{
    const cliColumn all[VOL_NFIELDS] = {
        [VOL_POOL] = { "Pool", 0 },
        [VOL_NAME] = { "Name", 0 },
        [VOL_PATH] = { "Path", 0 },
        [VOL_TYPE] = { "Type", 0 },
        [VOL_CAPACITY] = { "Capacity", SCOLS_FL_RIGHT },
        [VOL_ALLOCATION] = { "Allocation", SCOLS_FL_RIGHT },
        [VOL_STATE] = { "State", 0 },
    };
    cliColumn cols[VOL_NFIELDS];

    for (size_t i = 0; i < nfields; i++)
        cols[i] = all[fields[i]];
    vt->fields = fields;
    vt->nfields = nfields;
    return (vt->tb = cliTableNew(cols, nfields)) ? 0 : -1;
}

/* Appends @facts' row. Returns 0 or -1. */
static int
volTableAdd(volTable *vt, const volFacts *facts)
{
    const char *all[VOL_NFIELDS] = {
        [VOL_POOL] = facts->pool,
        [VOL_NAME] = facts->name,
        [VOL_PATH] = facts->path,
        [VOL_TYPE] = volTypeName(facts->info.type),
        [VOL_CAPACITY] = facts->sizes[0],
        [VOL_ALLOCATION] = facts->sizes[1],
        [VOL_STATE] = facts->state_text[0] ? facts->state_text : volStateName(facts->state),
    };
    const char *cells[VOL_NFIELDS];

    for (size_t i = 0; i < vt->nfields; i++)
        cells[i] = all[vt->fields[i]];
    return cliTableAddRow(vt->tb, cells);
}

/* ---- vol-list ------------------------------------------------------- */

/* The columns of vol-list, as virsh's (Name, Path; --details adds Type,
 * Capacity, Allocation); --all adds State. */
static size_t
listFields(bool details, bool all, int *fields)
{
    size_t n = 0;

    fields[n++] = VOL_NAME;
    fields[n++] = VOL_PATH;
    if (details) {
        fields[n++] = VOL_TYPE;
        fields[n++] = VOL_CAPACITY;
        fields[n++] = VOL_ALLOCATION;
    }
    if (all)
        fields[n++] = VOL_STATE;
    return n;
}

/* vol-list --all (as a table): the state with the operation journaled on
 * the volume and its process, "creating (pid 42)", "present (wiping, pid
 * 42)". Nothing is added when there is none. */
static void
stateWithOperation(volFacts *facts)
{
    const char *state = volStateName(facts->state);

    if (!facts->operation)
        return;
    if (strcmp(facts->operation, state) == 0)
        snprintf(facts->state_text, sizeof(facts->state_text), "%s (pid %lld)", state, facts->pid);
    else
        snprintf(facts->state_text, sizeof(facts->state_text), "%s (%s, pid %lld)", state,
                 facts->operation, facts->pid);
}

/* Fills @vt with a row per volume of @vols (with their operations when
 * @ops), or with --json writes their objects into @j. @all: vol-list
 * --all, which shows an inactive pool's last inventory. Returns 0 or -1. */
static int
listVols(volTable *vt, cliJson *j, scStorageVol **vols, int n, scStoragePool *pool, bool bytes,
         bool ops, bool all)
{
    for (int i = 0; i < n; i++) {
        volFacts facts;
        int rc = getVolFacts(vols[i], bytes || j, all, &facts);

        if (rc > 0 && j) {
            volObject(j, NULL, &facts, pool);
        } else if (rc > 0) {
            if (ops)
                stateWithOperation(&facts);
            rc = volTableAdd(vt, &facts);
        }
        volFactsClear(&facts);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* vol-list --name: the names, a line each, for scripts and completion. */
static int
printVolNames(scStorageVol **vols, int n)
{
    for (int i = 0; i < n; i++)
        printf("%s\n", scStorageVolGetName(vols[i]));
    return CLI_EXIT_OK;
}

/* vol-list --json: {"volumes": [...]} (@all: with --all). */
static int
printVolListJSON(scStorageVol **vols, int n, scStoragePool *pool, bool all)
{
    int status = CLI_EXIT_OK;
    cliJson j;

    cliJsonBegin(&j, stdout, false);
    cliJsonOpen(&j, "volumes", '[');
    if (listVols(NULL, &j, vols, n, pool, true, false, all) < 0)
        status = CLI_EXIT_FAILED;
    cliJsonClose(&j, ']');
    cliJsonEnd(&j);
    return status;
}

/* An inactive pool's volumes are the catalog's last inventory: say so,
 * and how old it is, on stderr (the listing stays parseable). */
static void
lastInventoryNote(scStoragePool *pool, const char *poolname)
{
    long long when = 0;
    char buf[64] = "never";
    struct tm tm;
    time_t t;

    if (scStoragePoolGetRefreshTime(pool, &when) == 0 && when > 0) {
        t = (time_t) when;
        if (localtime_r(&t, &tm))
            strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S %z", &tm);
    }
    cliNote("pool '%s' is inactive: its volumes as last refreshed (%s)", cliSafe(poolname), buf);
}

/* vol-list --all-pools, --format, --state: the catalog's rows streamed
 * (scConnectListStorageVolumes), no handle per volume, into a table, the
 * names, or --json's array as they come. */
typedef struct {
    volTable *vt; /* a table; NULL with --json or --name */
    cliJson *j;   /* --json */
    bool names;   /* --name */
    bool bytes;
    int state; /* only this state, or -1 */
} streamList;

static int
listRecord(const scStorageVolRecord *rec, void *opaque)
{
    streamList *l = opaque;
    volFacts facts;

    if (l->state >= 0 && rec->state != l->state)
        return 0;
    if (l->names) {
        printf("%s\n", rec->name);
        return 0;
    }
    memset(&facts, 0, sizeof(facts));
    facts.name = rec->name;
    facts.key = rec->key;
    facts.pool = rec->poolName;
    facts.path = (char *) rec->path;
    facts.format = (char *) rec->format;
    facts.backing_path = (char *) rec->backingPath;
    facts.backing_format = (char *) rec->backingFormat;
    snprintf(facts.uuid, sizeof(facts.uuid), "%s", rec->uuid);
    facts.info.type = rec->type;
    facts.info.capacity = rec->capacity;
    facts.info.allocation = rec->allocation;
    facts.state = rec->state;
    if (l->j) {
        volObjectIn(l->j, NULL, &facts, rec->poolName, rec->poolUUID);
        return 0;
    }
    cliFormatSize(rec->capacity, l->bytes, facts.sizes[0]);
    cliFormatSize(rec->allocation, l->bytes, facts.sizes[1]);
    return volTableAdd(l->vt, &facts) < 0 ? -1 : 0;
}

/* The listing flag that gives the volumes of each scStorageVolState. */
static const unsigned int stateFlags[SC_STORAGE_VOL_STATE_LAST] = {
    [SC_STORAGE_VOL_STATE_PRESENT] = SC_CONNECT_LIST_STORAGE_VOLUMES_PRESENT,
    [SC_STORAGE_VOL_STATE_MISSING] = SC_CONNECT_LIST_STORAGE_VOLUMES_MISSING,
    [SC_STORAGE_VOL_STATE_CREATING] = SC_CONNECT_LIST_STORAGE_VOLUMES_JOURNALS,
    [SC_STORAGE_VOL_STATE_DELETING] = SC_CONNECT_LIST_STORAGE_VOLUMES_JOURNALS,
    [SC_STORAGE_VOL_STATE_INCOMPLETE] = SC_CONNECT_LIST_STORAGE_VOLUMES_INCOMPLETE,
};

/* The scConnectListStorageVolumes flags of --state @state or --all: 0, or
 * a usage error. */
static int
streamFlags(const cliArgs *args, const char *state, bool all, streamList *l, unsigned int *flags)
{
    *flags = 0;
    if (state) {
        for (int i = 0; i < SC_STORAGE_VOL_STATE_LAST; i++)
            if (strcmp(state, volStateName(i)) == 0)
                l->state = i;
        if (l->state < 0)
            return cliUsageError(args->verb,
                                 "invalid --state '%s': present, missing, incomplete, creating "
                                 "or deleting",
                                 cliSafe(state));
        *flags = stateFlags[l->state];
    } else if (all) {
        *flags = SC_CONNECT_LIST_STORAGE_VOLUMES_PRESENT | SC_CONNECT_LIST_STORAGE_VOLUMES_MISSING |
                 SC_CONNECT_LIST_STORAGE_VOLUMES_INCOMPLETE |
                 SC_CONNECT_LIST_STORAGE_VOLUMES_JOURNALS;
    }
    return 0;
}

static int
cmdVolListStream(cliContext *ctx, const cliArgs *args)
{
    const char *state = cliOptValue(args, "state");
    bool all = cliOptFlag(args, "all");
    _cleanup_pool_ scStoragePool *pool = NULL;
    volTable vt = { NULL, NULL, 0 };
    cliJson j;
    streamList l = { NULL, NULL, cliOptFlag(args, "name"), cliOptFlag(args, "bytes"), -1 };
    unsigned int flags;
    int fields[VOL_NFIELDS];
    size_t n = 0;
    int status = CLI_EXIT_FAILED;
    scConnect *conn;
    int rc;

    if ((rc = streamFlags(args, state, all, &l, &flags)) != 0)
        return rc;
    if (args->params[0] && !(pool = cliLookupPool(ctx, args->params[0])))
        return CLI_EXIT_FAILED;
    if (!(conn = cliConnect(ctx)))
        return CLI_EXIT_FAILED;
    if (cliJsonMode()) {
        l.names = false;
        l.j = &j;
        cliJsonBegin(&j, stdout, false);
        cliJsonOpen(&j, "volumes", '[');
    } else if (!l.names) {
        if (!args->params[0])
            fields[n++] = VOL_POOL;
        n += listFields(cliOptFlag(args, "details"), all || state, fields + n);
        if (volTableNew(&vt, fields, n) < 0) {
            volTableClear(&vt);
            return CLI_EXIT_FAILED;
        }
        l.vt = &vt;
    }
    rc = scConnectListStorageVolumes(conn, pool, cliOptValue(args, "format"), listRecord, &l,
                                     flags);
    if (l.j) {
        cliJsonClose(&j, ']');
        cliJsonEnd(&j);
    }
    if (rc < 0)
        cliLibError(NULL, "failed to list the volumes");
    else
        status = l.vt ? cliTablePrint(vt.tb) : CLI_EXIT_OK;
    volTableClear(&vt);
    return status;
}

static int
cmdVolList(cliContext *ctx, const cliArgs *args)
{
    bool bytes = cliOptFlag(args, "bytes");
    bool all = cliOptFlag(args, "all");
    unsigned int flags = all ? SC_STORAGE_POOL_LIST_VOLUMES_MISSING |
                                   SC_STORAGE_POOL_LIST_VOLUMES_ALL |
                                   SC_STORAGE_POOL_LIST_VOLUMES_INACTIVE
                             : 0;
    _cleanup_pool_ scStoragePool *pool = NULL;
    volTable vt = { NULL, NULL, 0 };
    scStorageVol **vols = NULL;
    int fields[VOL_NFIELDS];
    const char *poolname;
    int status = CLI_EXIT_FAILED;
    int n;

    if (cliOptFlag(args, "all-pools") && args->params[0])
        return cliUsageError(args->verb, "give POOL or --all-pools, not both");
    if (!cliOptFlag(args, "all-pools") && !args->params[0])
        return cliUsageError(args->verb, "missing argument POOL (or --all-pools)");
    if (cliOptFlag(args, "all-pools") || cliOptValue(args, "format") || cliOptValue(args, "state"))
        return cmdVolListStream(ctx, args);
    if (!(pool = cliLookupPool(ctx, args->params[0])))
        return CLI_EXIT_FAILED;
    poolname = scStoragePoolGetName(pool);
    if ((n = scStoragePoolListAllVolumes(pool, &vols, flags)) < 0)
        return cliLibError(poolname, "failed to list the volumes of pool '%s'", cliSafe(poolname));
    if (all && scStoragePoolIsActive(pool) == 0)
        lastInventoryNote(pool, poolname);
    if (cliJsonMode()) {
        status = printVolListJSON(vols, n, pool, all);
    } else if (cliOptFlag(args, "name")) {
        status = printVolNames(vols, n);
    } else if (volTableNew(&vt, fields, listFields(cliOptFlag(args, "details"), all, fields)) ==
               0) {
        if (listVols(&vt, NULL, vols, n, pool, bytes, all, all) == 0)
            status = cliTablePrint(vt.tb);
    }
    volTableClear(&vt);
    for (int i = 0; i < n; i++)
        scStorageVolFree(vols[i]);
    free(vols);
    return status;
}

/* ---- vol-info, vol-lookup ------------------------------------------- */

/* Gathers @vol's facts and its pool's name (*@pool: a new reference).
 * Returns 0, or -1 after printing why. */
static int
getVolAndPool(scStorageVol *vol, bool bytes, volFacts *facts, scStoragePool **pool)
{
    const char *name = scStorageVolGetName(vol);
    int rc = getVolFacts(vol, bytes, false, facts);

    if (rc == 0) /* deleted since the lookup: an error here */
        cliLibError(name, "failed to get information on volume '%s'", cliSafe(name));
    if (rc <= 0)
        return -1;
    if (!(*pool = scStoragePoolLookupByVolume(vol))) {
        cliLibError(name, "failed to get the pool of volume '%s'", cliSafe(name));
        return -1;
    }
    return 0;
}

/* Prints "Label:          value" as virsh's vol-info. */
static void
infoLine(const char *label, const char *value)
{
    printf("%-15s %s\n", label, value);
}

static int printUsers(scStorageVol *vol, const char *name);

/* ---- vol-info --chain ----------------------------------------------- */

/* How deep a chain is followed: the library's own limit. */
#define CHAIN_MAX_DEPTH 64

/* One link of a backing chain: a file, what the catalog says of it. */
typedef struct chainLink {
    char *path;           /* the file, as its overlay's record names it */
    char *format;         /* its format as recorded (by its overlay, else its own row) */
    char *backing_path;   /* the next link, if the catalog knows it */
    char *backing_format; /* its format as this link's row records it */
    bool exists;          /* the file is there now */
    scStorageVol *vol;    /* the catalog's volume at that path, or NULL */
    scStoragePool *pool;  /* and its pool */
    char uuid[SC_UUID_STRING_BUFLEN];
} chainLink;

static void
chainClear(chainLink *links, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(links[i].path);
        free(links[i].format);
        free(links[i].backing_path);
        free(links[i].backing_format);
        if (links[i].vol)
            scStorageVolFree(links[i].vol);
        if (links[i].pool)
            scStoragePoolFree(links[i].pool);
    }
}

/* Fills @link from its volume @link->vol (a reference it takes): its pool,
 * UUID, its own format if its overlay did not record one, its backing
 * file. Returns 0, or -1 after printing why. */
static int
linkFromVolume(chainLink *link)
{
    const char *name = scStorageVolGetName(link->vol);
    char *own = NULL;

    if (!(link->pool = scStoragePoolLookupByVolume(link->vol)) ||
        scStorageVolGetUUIDString(link->vol, link->uuid) < 0 ||
        (!link->format && !(own = scStorageVolGetFormat(link->vol)) && scGetLastError()) ||
        scStorageVolGetBackingStore(link->vol, &link->backing_path, &link->backing_format) < 0) {
        free(own);
        cliLibError(name, "failed to read the backing chain at volume '%s'", cliSafe(name));
        return -1;
    }
    if (!link->format)
        link->format = own;
    return 0;
}

/*
 * walkChain:
 * The backing chain of @vol, as the catalog records it: @vol itself, then
 * per link the file its row names as backing file (backing_path,
 * backing_format), looked up by path, until a link without one, a file
 * the catalog has no volume for (what it is backed by is not known), a
 * loop or CHAIN_MAX_DEPTH. Each link says whether its file exists now.
 * Returns the number of links in @links, or -1 after printing why.
 */
static int
walkChain(scStorageVol *vol, chainLink *links)
{
    scConnect *conn = scStorageVolGetConnect(vol);
    struct stat st;
    size_t n = 0;

    memset(links, 0, sizeof(*links) * CHAIN_MAX_DEPTH);
    if (!(links[0].path = scStorageVolGetPath(vol)) || scStorageVolRef(vol) < 0) {
        const char *name = scStorageVolGetName(vol);

        cliLibError(name, "failed to get the path of volume '%s'", cliSafe(name));
        chainClear(links, 1);
        return -1;
    }
    links[0].vol = vol;
    for (;;) {
        chainLink *link = &links[n++];

        link->exists = stat(link->path, &st) == 0;
        if (link->vol && linkFromVolume(link) < 0)
            break;
        if (!link->backing_path) /* the end, or not known beyond */
            return (int) n;
        for (size_t i = 0; i < n; i++) {
            if (strcmp(links[i].path, link->backing_path) == 0) {
                cliNote("the backing chain of '%s' loops back to '%s'", cliSafe(links[0].path),
                        cliSafe(link->backing_path));
                return (int) n;
            }
        }
        if (n == CHAIN_MAX_DEPTH) {
            cliNote("the backing chain of '%s' is longer than %d files: the rest is not shown",
                    cliSafe(links[0].path), CHAIN_MAX_DEPTH);
            return (int) n;
        }
        links[n].path = strdup(link->backing_path);
        links[n].format = link->backing_format ? strdup(link->backing_format) : NULL;
        if (!links[n].path || (link->backing_format && !links[n].format)) {
            n++;
            cliErrorCode(CLI_EXIT_FAILED, SC_ERR_NO_MEMORY, SC_FROM_NONE, "out of memory");
            break;
        }
        /* A file the catalog has no volume for ends what is known (a
         * volume of an inactive pool is one: the catalog's chain). */
        links[n].vol =
            scStorageVolLookupByPathFlags(conn, links[n].path, SC_STORAGE_VOL_LOOKUP_INACTIVE);
        if (!links[n].vol && scGetLastErrorCode() != SC_ERR_NO_STORAGE_VOL &&
            scGetLastErrorCode() != SC_ERR_INVALID_ARG) {
            n++;
            cliLibError(links[n - 1].path, "failed to look up backing file '%s'",
                        cliSafe(links[n - 1].path));
            break;
        }
    }
    chainClear(links, n);
    return -1;
}

/* vol-info --chain as text: a table after the volume's lines. */
static int
printChainText(const chainLink *links, int n)
{
    const cliColumn cols[] = {
        { "Depth", SCOLS_FL_RIGHT },
        { "Path", 0 },
        { "Format", 0 },
        { "Pool", 0 },
        { "Volume", 0 },
        { "Exists", 0 },
    };
    _cleanup_table_ struct libscols_table *tb = cliTableNew(cols, sizeof(cols) / sizeof(cols[0]));

    if (!tb)
        return CLI_EXIT_FAILED;
    for (int i = 0; i < n; i++) {
        char depth[16];
        const char *cells[] = {
            depth,
            links[i].path,
            links[i].format ? links[i].format : "-",
            links[i].pool ? scStoragePoolGetName(links[i].pool) : "-",
            links[i].vol ? scStorageVolGetName(links[i].vol) : "-",
            links[i].exists ? "yes" : "no",
        };

        snprintf(depth, sizeof(depth), "%d", i);
        if (cliTableAddRow(tb, cells) < 0)
            return CLI_EXIT_FAILED;
    }
    printf("Backing chain:\n");
    return cliTablePrint(tb);
}

/* The chain as the "chain" member of vol-info --json. */
static void
chainJSON(cliJson *j, const chainLink *links, int n)
{
    cliJsonOpen(j, "chain", '[');
    for (int i = 0; i < n; i++) {
        /* storcat(1), JSON OUTPUT, "The chain link object". */
        cliJsonOpen(j, NULL, '{');
        cliJsonNum(j, "depth", (unsigned long long) i);
        cliJsonStr(j, "path", links[i].path);
        cliJsonStr(j, "format", links[i].format);
        cliJsonBool(j, "exists", links[i].exists);
        cliJsonStr(j, "volume", links[i].vol ? scStorageVolGetName(links[i].vol) : NULL);
        cliJsonStr(j, "uuid", links[i].vol ? links[i].uuid : NULL);
        cliJsonStr(j, "pool", links[i].pool ? scStoragePoolGetName(links[i].pool) : NULL);
        cliJsonClose(j, '}');
    }
    cliJsonClose(j, ']');
}

/* One user as an object of "used_by" (storcat(1), JSON OUTPUT, "The user
 * object"). */
static int
userJSON(const char *kind, const char *name, const char *detail, void *opaque)
{
    cliJson *j = opaque;

    cliJsonOpen(j, NULL, '{');
    cliJsonStr(j, "kind", kind);
    cliJsonStr(j, "name", name);
    cliJsonStr(j, "detail", detail);
    cliJsonClose(j, '}');
    return 0;
}

/* vol-info --json [--chain]: {"volume": {...}, "used_by": [...][,
 * "chain": [...]]}. */
static int
printVolInfoJSON(scStorageVol *vol, const chainLink *links, int n)
{
    const char *name = scStorageVolGetName(vol);
    char *doc = NULL;
    size_t len = 0;
    cliJson j;
    FILE *out = documentBegin(&doc, &len, &j);
    int rc;

    if (!out)
        return CLI_EXIT_FAILED;
    if ((rc = cliVolJSON(&j, "volume", vol, NULL)) > 0) {
        cliJsonOpen(&j, "used_by", '[');
        if (scStorageVolListUsers(vol, userJSON, &j, 0) < 0) {
            cliLibError(name, "failed to list the users of volume '%s'", cliSafe(name));
            rc = -1;
        }
        cliJsonClose(&j, ']');
    }
    if (rc > 0 && links)
        chainJSON(&j, links, n);
    return cliPutDocument(documentEnd(out, &doc, &j, rc, name));
}

static int
cmdVolInfo(cliContext *ctx, const cliArgs *args)
{
    bool bytes = cliOptFlag(args, "bytes");
    bool chain = cliOptFlag(args, "chain");
    bool physical = cliOptFlag(args, "physical");
    _cleanup_pool_ scStoragePool *pool = NULL;
    _cleanup_vol_ scStorageVol *vol = NULL;
    chainLink links[CHAIN_MAX_DEPTH];
    const char *poolname;
    volFacts facts = { 0 };
    int status = CLI_EXIT_FAILED;
    int n = 0;

    if (!(vol = cliVolFromArgs(ctx, args)) || (chain && (n = walkChain(vol, links)) < 0))
        return CLI_EXIT_FAILED;
    if (cliJsonMode()) {
        status = printVolInfoJSON(vol, chain ? links : NULL, n);
        goto cleanup;
    }
    if (getVolAndPool(vol, bytes, &facts, &pool) < 0)
        goto cleanup;
    poolname = scStoragePoolGetName(pool);
    /* --physical: the size of the container (a file's length, where the
     * allocation is what it takes on disk), on virsh's line in place of
     * the allocation. */
    if (physical) {
        scStorageVolInfo info;

        if (scStorageVolGetInfoFlags(vol, &info, SC_STORAGE_VOL_GET_PHYSICAL) < 0) {
            cliLibError(facts.name, "failed to get information on volume '%s'",
                        cliSafe(facts.name));
            goto cleanup;
        }
        cliFormatSize(info.allocation, bytes, facts.sizes[1]);
    }
    /* virsh's four first, in virsh's order; then storcat's. */
    infoLine("Name:", facts.name);
    infoLine("Type:", volTypeName(facts.info.type));
    infoLine("Capacity:", facts.sizes[0]);
    infoLine(physical ? "Physical:" : "Allocation:", facts.sizes[1]);
    infoLine("UUID:", facts.uuid);
    infoLine("Key:", facts.key);
    infoLine("Path:", facts.path);
    infoLine("Pool:", poolname);
    infoLine("Format:", facts.format ? facts.format : "-");
    if (!facts.backing_path)
        infoLine("Backing store:", "-");
    else if (!facts.backing_format)
        infoLine("Backing store:", facts.backing_path);
    else
        printf("%-15s %s (%s)\n", "Backing store:", facts.backing_path, facts.backing_format);
    infoLine("State:", volStateName(facts.state));
    status = printUsers(vol, facts.name);
    if (status == CLI_EXIT_OK && chain)
        status = printChainText(links, n);

cleanup:
    if (chain)
        chainClear(links, (size_t) n);
    volFactsClear(&facts);
    return status;
}

/* One "Used by:" line of vol-info per user: "domain web (disk vda)",
 * "backing file of vm1.qcow2 (pool images)", "source of running pool vg
 * (device /dev/sdb1)". */
static int
printUser(const char *kind, const char *name, const char *detail, void *opaque)
{
    int *n = opaque;
    bool domain = strcmp(kind, "domain") == 0, pool = strcmp(kind, "pool") == 0;

    printf("%-15s %s%s (%s %s)\n", (*n)++ ? "" : "Used by:",
           domain ? "domain " : pool ? "source of running pool " : "backing file of ",
           cliSafe(name), domain ? "disk" : pool ? "device" : "pool", cliSafe(detail));
    return 0;
}

static int
printUsers(scStorageVol *vol, const char *name)
{
    int n = 0;

    if (scStorageVolListUsers(vol, printUser, &n, 0) < 0) {
        cliLibError(name, "failed to list the users of volume '%s'", cliSafe(name));
        return CLI_EXIT_FAILED;
    }
    if (!n)
        infoLine("Used by:", "-");
    return CLI_EXIT_OK;
}

static int
cmdVolLookup(cliContext *ctx, const cliArgs *args)
{
    const char *spec = args->params[0];
    _cleanup_pool_ scStoragePool *pool = NULL;
    _cleanup_vol_ scStorageVol *vol = NULL;
    _cleanup_free_ char *path = NULL;
    volFacts facts = { 0 };
    int status = CLI_EXIT_FAILED;
    scConnect *conn;

    if (!(conn = cliConnect(ctx)))
        return CLI_EXIT_FAILED;
    /* The path as it is (an iSCSI LUN's is not absolute), else a relative
     * one from here. */
    vol = scStorageVolLookupByPath(conn, spec);
    if (!vol && spec[0] != '/' &&
        (scGetLastErrorCode() == SC_ERR_NO_STORAGE_VOL ||
         scGetLastErrorCode() == SC_ERR_INVALID_ARG)) {
        if (!(path = cliAbsolutePath(spec)))
            return cliErrorCode(CLI_EXIT_FAILED, SC_ERR_SYSTEM_ERROR, SC_FROM_NONE,
                                "cannot make '%s' an absolute path: %s", cliSafe(spec),
                                strerror(errno));
        vol = scStorageVolLookupByPath(conn, path);
    }
    if (!vol)
        return cliLibError(spec, "no volume at '%s'", cliSafe(spec));
    if (cliJsonMode())
        return cliPutDocument(cliVolDocument(vol));
    if (getVolAndPool(vol, false, &facts, &pool) < 0)
        goto cleanup;
    infoLine("Pool:", scStoragePoolGetName(pool));
    infoLine("Name:", facts.name);
    infoLine("Key:", facts.key);
    infoLine("UUID:", facts.uuid);
    status = CLI_EXIT_OK;

cleanup:
    volFactsClear(&facts);
    return status;
}

/* ---- vol-dumpxml, vol-path, vol-key, vol-name, vol-pool ------------- */

static int
cmdVolDumpXML(cliContext *ctx, const cliArgs *args)
{
    _cleanup_vol_ scStorageVol *vol = NULL;
    _cleanup_free_ char *xml = NULL;
    const char *name;

    if (!(vol = cliVolFromArgs(ctx, args)))
        return CLI_EXIT_FAILED;
    name = scStorageVolGetName(vol);
    if (!(xml = scStorageVolGetXMLDesc(vol, 0)))
        return cliLibError(name, "failed to get the XML of volume '%s'", cliSafe(name));
    return cliDumpXML(args, xml, "volume", name);
}

static int
cmdVolPath(cliContext *ctx, const cliArgs *args)
{
    _cleanup_vol_ scStorageVol *vol = NULL;
    _cleanup_free_ char *path = NULL;
    const char *name;

    if (!(vol = cliVolFromArgs(ctx, args)))
        return CLI_EXIT_FAILED;
    if (cliJsonMode())
        return cliPutDocument(cliVolDocument(vol));
    name = scStorageVolGetName(vol);
    if (!(path = scStorageVolGetPath(vol)))
        return cliLibError(name, "failed to get the path of volume '%s'", cliSafe(name));
    printf("%s\n", path);
    return CLI_EXIT_OK;
}

/* Prints @vol's name or key, the string @get returns (borrowed). */
static int
printVolString(scStorageVol *vol, const char *(*get)(scStorageVolPtr), const char *what,
               const char *spec)
{
    const char *value;

    if (!vol)
        return CLI_EXIT_FAILED;
    if (cliJsonMode())
        return cliPutDocument(cliVolDocument(vol));
    if (!(value = get(vol)))
        return cliLibError(spec, "failed to get the %s of volume '%s'", what, cliSafe(spec));
    printf("%s\n", value);
    return CLI_EXIT_OK;
}

static int
cmdVolKey(cliContext *ctx, const cliArgs *args)
{
    _cleanup_vol_ scStorageVol *vol = cliVolFromArgs(ctx, args);

    return printVolString(vol, scStorageVolGetKey, "key", args->params[0]);
}

static int
cmdVolName(cliContext *ctx, const cliArgs *args)
{
    /* As virsh: by key or path (or UUID), there is no --pool. */
    _cleanup_vol_ scStorageVol *vol = cliLookupVol(ctx, args->params[0], NULL);

    return printVolString(vol, scStorageVolGetName, "name", args->params[0]);
}

static int
cmdVolPool(cliContext *ctx, const cliArgs *args)
{
    const char *spec = args->params[0];
    _cleanup_vol_ scStorageVol *vol = NULL;
    _cleanup_pool_ scStoragePool *pool = NULL;
    char uuid[SC_UUID_STRING_BUFLEN];
    const char *name;

    if (!(vol = cliLookupVol(ctx, spec, NULL)))
        return CLI_EXIT_FAILED;
    name = scStorageVolGetName(vol);
    if (!(pool = scStoragePoolLookupByVolume(vol)))
        return cliLibError(name, "failed to get the pool of volume '%s'", cliSafe(name));
    if (cliJsonMode())
        return cliPutDocument(cliPoolDocument(pool));
    if (!cliOptFlag(args, "uuid")) {
        printf("%s\n", scStoragePoolGetName(pool));
        return CLI_EXIT_OK;
    }
    if (scStoragePoolGetUUIDString(pool, uuid) < 0)
        return cliLibError(NULL, "failed to get the UUID of the pool of volume '%s'",
                           cliSafe(name));
    printf("%s\n", uuid);
    return CLI_EXIT_OK;
}

/* ---- the table ------------------------------------------------------ */

static const cliOption poolParam[] = {
    { "[POOL]", NULL, "pool name or UUID (or --all-pools)" },
    { NULL, NULL, NULL },
};

static const cliOption volParam[] = {
    { "VOL", NULL, "volume: a name (with --pool), a key, a path or a UUID" },
    { NULL, NULL, NULL },
};

static const cliOption volKeyParam[] = {
    { "VOL", NULL, "volume: a key, a path or a UUID" },
    { NULL, NULL, NULL },
};

static const cliOption pathParam[] = {
    { "PATH", NULL, "a path to the volume, in any spelling" },
    { NULL, NULL, NULL },
};

static const cliOption poolOption[] = {
    { "pool", "POOL", "pool of the volume, to find VOL by name" },
    { NULL, NULL, NULL },
};

static const cliOption listOptions[] = {
    { "details", NULL, "show the type, capacity and allocation" },
    { "all", NULL, "also list the volumes missing from storage, with their state" },
    { "bytes", NULL, "sizes in bytes, not in KiB, MiB, ..." },
    { "name", NULL, "the names only, a line each" },
    { "all-pools", NULL, "the volumes of every pool, with their pool (instead of POOL)" },
    { "format", "FORMAT", "only the volumes of that format (raw, qcow2, ...)" },
    { "state", "STATE", "only the volumes in that state (present, missing, incomplete, ...)" },
    { NULL, NULL, NULL },
};

static const cliOption infoOptions[] = {
    { "pool", "POOL", "pool of the volume, to find VOL by name" },
    { "bytes", NULL, "sizes in bytes, not in KiB, MiB, ..." },
    { "chain", NULL, "also the whole backing chain, each file flagged if it does not exist" },
    { "physical", NULL, "the container's size (Physical:) in place of the allocation" },
    { NULL, NULL, NULL },
};

static const cliOption dumpxmlOptions[] = {
    { "pool", "POOL", "pool of the volume, to find VOL by name" },
    CLI_XPATH_OPTIONS,
    { NULL, NULL, NULL },
};

static const cliOption volPoolOptions[] = {
    { "uuid", NULL, "print the pool's UUID, not its name" },
    { NULL, NULL, NULL },
};

const cliVerb cliVolInfoVerbs[] = {
    { "vol-list", cmdVolList, "list the volumes of a pool", poolParam, listOptions },
    { "vol-info", cmdVolInfo, "show information on a volume", volParam, infoOptions },
    { "vol-dumpxml", cmdVolDumpXML, "print a volume's XML description", volParam,
      dumpxmlOptions },
    { "vol-path", cmdVolPath, "print a volume's path", volParam, poolOption },
    { "vol-key", cmdVolKey, "print a volume's key", volParam, poolOption },
    { "vol-name", cmdVolName, "print the name of a volume given by key or path", volKeyParam,
      NULL },
    { "vol-pool", cmdVolPool, "print the pool of a volume given by key or path", volKeyParam,
      volPoolOptions },
    { "vol-lookup", cmdVolLookup, "show which volume a path is: pool, name, key and UUID",
      pathParam, NULL },
    { NULL, NULL, NULL, NULL, NULL },
};
