/*
 * cli-vol-info.c: the storcat tool's verbs that list and show volumes
 * (vol-list, vol-info, vol-dumpxml, vol-path, vol-key, vol-name, vol-pool,
 * and storcat's own vol-lookup), with virsh's names, options and output.
 * They only read the catalog.
 *
 * Every volume field has one column description (volFields); the text
 * tables show a few of them, --json all of them, so vol-list --json,
 * vol-info --json and vol-lookup --json print the same object per volume.
 */
#include <config.h>

#include <time.h>

#include <string.h>

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

/* ---- what is known of a volume -------------------------------------- */

/* What vol-list, vol-info and vol-lookup show of one volume, as text. */
typedef struct volFacts {
    const char *name;     /* borrowed from the handle */
    const char *key;      /* borrowed from the handle */
    char *path;           /* the volume's path */
    char *format;         /* "raw", "qcow2", ...; NULL if unknown */
    char *backing_path;   /* NULL: no backing store */
    char *backing_format; /* NULL if unknown */
    char *backing_json;   /* {"path": ..., "format": ...}, or NULL */
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
    free(facts->backing_json);
}

/* The backing store as a JSON object, for the --json "backing" cell. */
static char *
backingJSON(const volFacts *facts)
{
    char *json = NULL;
    size_t len = 0;
    FILE *out;

    if (!facts->backing_path)
        return NULL;
    if (!(out = open_memstream(&json, &len))) {
        cliError("out of memory");
        return NULL;
    }
    fputs("{\"path\": ", out);
    cliJsonPutString(out, facts->backing_path);
    fputs(", \"format\": ", out);
    cliJsonPutString(out, facts->backing_format);
    fputc('}', out);
    return cliMemstreamClose(out, &json);
}

/* Gathers what is shown of @vol into @facts (to be cleared by the caller
 * whatever the result). Returns 1, 0 if the volume was deleted meanwhile
 * (by another process: not an error while listing), or -1 after printing
 * why. */
static int
getVolFacts(scStorageVol *vol, bool bytes, volFacts *facts)
{
    const scError *err;

    memset(facts, 0, sizeof(*facts));
    facts->name = scStorageVolGetName(vol);
    if (!facts->name || !(facts->key = scStorageVolGetKey(vol)) ||
        !(facts->path = scStorageVolGetPath(vol)) ||
        scStorageVolGetUUIDString(vol, facts->uuid) < 0 ||
        scStorageVolGetInfo(vol, &facts->info) < 0 ||
        (facts->state = scStorageVolGetState(vol)) < 0 ||
        /* NULL without an error: a format storcat does not know */
        (!(facts->format = scStorageVolGetFormat(vol)) && scGetLastError()) ||
        scStorageVolGetBackingStore(vol, &facts->backing_path, &facts->backing_format) < 0) {
        err = scGetLastError();
        if (err && err->code == SC_ERR_NO_STORAGE_VOL)
            return 0;
        cliLibError(facts->name, "failed to get information on volume '%s'",
                    cliSafe(facts->name ? facts->name : "?"));
        return -1;
    }
    if (facts->backing_path && !(facts->backing_json = backingJSON(facts)))
        return -1;
    cliFormatSize(facts->info.capacity, bytes, facts->sizes[0]);
    cliFormatSize(facts->info.allocation, bytes, facts->sizes[1]);
    return 1;
}

/* ---- tables --------------------------------------------------------- */

/* A volume's fields, in --json's order. */
enum {
    VOL_NAME,
    VOL_UUID,
    VOL_KEY,
    VOL_PATH,
    VOL_POOL,
    VOL_TYPE,
    VOL_FORMAT,
    VOL_CAPACITY,
    VOL_ALLOCATION,
    VOL_BACKING,
    VOL_STATE,
    VOL_NFIELDS
};

/* A table of volumes: which fields it shows, in which form. */
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

/* Every field's column; sizes are JSON numbers with --bytes. The backing
 * store is an object: its cell holds ready JSON, which libsmartcols
 * prints as it is for a "number" column (only --json shows it). */
static int
volTableNew(volTable *vt, bool json, bool bytes, const int *fields, size_t nfields)
{
    int size_type = bytes ? SCOLS_JSON_NUMBER : SCOLS_JSON_STRING;
    const cliColumn all[VOL_NFIELDS] = {
        [VOL_NAME] = { "Name", 0, SCOLS_JSON_STRING },
        [VOL_UUID] = { "UUID", 0, SCOLS_JSON_STRING },
        [VOL_KEY] = { "Key", 0, SCOLS_JSON_STRING },
        [VOL_PATH] = { "Path", 0, SCOLS_JSON_STRING },
        [VOL_POOL] = { "Pool", 0, SCOLS_JSON_STRING },
        [VOL_TYPE] = { "Type", 0, SCOLS_JSON_STRING },
        [VOL_FORMAT] = { "Format", 0, SCOLS_JSON_STRING },
        [VOL_CAPACITY] = { "Capacity", SCOLS_FL_RIGHT, size_type },
        [VOL_ALLOCATION] = { "Allocation", SCOLS_FL_RIGHT, size_type },
        [VOL_BACKING] = { "Backing", 0, SCOLS_JSON_NUMBER },
        [VOL_STATE] = { "State", 0, SCOLS_JSON_STRING },
    };
    cliColumn cols[VOL_NFIELDS];

    for (size_t i = 0; i < nfields; i++)
        cols[i] = all[fields[i]];
    vt->fields = fields;
    vt->nfields = nfields;
    return (vt->tb = cliTableNew("volumes", json, cols, nfields)) ? 0 : -1;
}

/* Appends @facts' row (of a volume of pool @poolname). Returns 0 or -1. */
static int
volTableAdd(volTable *vt, const volFacts *facts, const char *poolname)
{
    const char *all[VOL_NFIELDS] = {
        [VOL_NAME] = facts->name,
        [VOL_UUID] = facts->uuid,
        [VOL_KEY] = facts->key,
        [VOL_PATH] = facts->path,
        [VOL_POOL] = poolname,
        [VOL_TYPE] = volTypeName(facts->info.type),
        [VOL_FORMAT] = facts->format,
        [VOL_CAPACITY] = facts->sizes[0],
        [VOL_ALLOCATION] = facts->sizes[1],
        [VOL_BACKING] = facts->backing_json,
        [VOL_STATE] = facts->state_text[0] ? facts->state_text : volStateName(facts->state),
    };
    const char *cells[VOL_NFIELDS];

    for (size_t i = 0; i < vt->nfields; i++)
        cells[i] = all[vt->fields[i]];
    return cliTableAddRow(vt->tb, cells);
}

#define NFIELDS(fields) (sizeof(fields) / sizeof((fields)[0]))

/* vol-list --json and vol-info --json: every field. */
static const int jsonFields[] = {
    VOL_NAME,   VOL_UUID,     VOL_KEY,        VOL_PATH,    VOL_POOL,  VOL_TYPE,
    VOL_FORMAT, VOL_CAPACITY, VOL_ALLOCATION, VOL_BACKING, VOL_STATE,
};
_Static_assert(NFIELDS(jsonFields) == VOL_NFIELDS, "--json shows every field");

/* vol-lookup: which volume a path is. */
static const int lookupFields[] = { VOL_POOL, VOL_NAME, VOL_KEY, VOL_UUID };

/* Prints one volume as a JSON table of @fields. */
static int
printVolJSON(const volFacts *facts, const char *poolname, bool bytes, const int *fields,
             size_t nfields)
{
    volTable vt = { NULL, NULL, 0 };
    int status = CLI_EXIT_FAILED;

    if (volTableNew(&vt, true, bytes, fields, nfields) == 0 &&
        volTableAdd(&vt, facts, poolname) == 0)
        status = cliTablePrint(vt.tb);
    volTableClear(&vt);
    return status;
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
 * 42)". Nothing is added when there is none or it cannot be read. */
static void
stateWithOperation(scStorageVol *vol, volFacts *facts)
{
    _cleanup_free_ char *op = NULL;
    const char *state = volStateName(facts->state);
    long long pid;

    if (scStorageVolGetOperation(vol, &op, &pid) <= 0)
        return;
    if (strcmp(op, state) == 0)
        snprintf(facts->state_text, sizeof(facts->state_text), "%s (pid %lld)", state, pid);
    else
        snprintf(facts->state_text, sizeof(facts->state_text), "%s (%s, pid %lld)", state, op,
                 pid);
}

/* Fills @vt with a row per volume of @vols (with their operations when
 * @ops). Returns 0 or -1. */
static int
listVols(volTable *vt, scStorageVol **vols, int n, const char *poolname, bool bytes, bool ops)
{
    for (int i = 0; i < n; i++) {
        volFacts facts;
        int rc = getVolFacts(vols[i], bytes, &facts);

        if (rc > 0 && ops)
            stateWithOperation(vols[i], &facts);
        if (rc > 0)
            rc = volTableAdd(vt, &facts, poolname);
        volFactsClear(&facts);
        if (rc < 0)
            return -1;
    }
    return 0;
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
    fprintf(stderr, "note: pool '%s' is inactive: its volumes as last refreshed (%s)\n",
            cliSafe(poolname), buf);
}

/* vol-list --all-pools, --format, --state: the catalog's rows streamed
 * (scConnectListStorageVolumes), no handle per volume. */
typedef struct {
    volTable *vt;
    bool bytes;
    int state; /* only this state, or -1 */
} streamList;

static int
listRecord(const scStorageVolRecord *rec, void *opaque)
{
    streamList *l = opaque;
    volFacts facts;
    int rc;

    if (l->state >= 0 && rec->state != l->state)
        return 0;
    memset(&facts, 0, sizeof(facts));
    facts.name = rec->name;
    facts.key = rec->key;
    facts.path = (char *) rec->path;
    facts.format = (char *) rec->format;
    facts.backing_path = (char *) rec->backingPath;
    facts.backing_format = (char *) rec->backingFormat;
    snprintf(facts.uuid, sizeof(facts.uuid), "%s", rec->uuid);
    facts.info.type = rec->type;
    facts.info.capacity = rec->capacity;
    facts.info.allocation = rec->allocation;
    facts.state = rec->state;
    cliFormatSize(rec->capacity, l->bytes, facts.sizes[0]);
    cliFormatSize(rec->allocation, l->bytes, facts.sizes[1]);
    if (facts.backing_path && !(facts.backing_json = backingJSON(&facts)))
        return -1;
    rc = volTableAdd(l->vt, &facts, rec->poolName);
    free(facts.backing_json);
    return rc < 0 ? -1 : 0;
}

/* The listing flag that gives the volumes of each scStorageVolState. */
static const unsigned int stateFlags[SC_STORAGE_VOL_STATE_LAST] = {
    [SC_STORAGE_VOL_STATE_PRESENT] = SC_CONNECT_LIST_STORAGE_VOLUMES_PRESENT,
    [SC_STORAGE_VOL_STATE_MISSING] = SC_CONNECT_LIST_STORAGE_VOLUMES_MISSING,
    [SC_STORAGE_VOL_STATE_CREATING] = SC_CONNECT_LIST_STORAGE_VOLUMES_JOURNALS,
    [SC_STORAGE_VOL_STATE_DELETING] = SC_CONNECT_LIST_STORAGE_VOLUMES_JOURNALS,
    [SC_STORAGE_VOL_STATE_INCOMPLETE] = SC_CONNECT_LIST_STORAGE_VOLUMES_INCOMPLETE,
};

static int
cmdVolListStream(cliContext *ctx, const cliArgs *args)
{
    const char *format = cliOptValue(args, "format");
    const char *state = cliOptValue(args, "state");
    bool json = cliOptFlag(args, "json");
    bool bytes = cliOptFlag(args, "bytes");
    bool all = cliOptFlag(args, "all");
    _cleanup_pool_ scStoragePool *pool = NULL;
    volTable vt = { NULL, NULL, 0 };
    streamList l = { &vt, bytes, -1 };
    unsigned int flags = 0;
    int fields[VOL_NFIELDS + 1];
    size_t n = 0;
    int status = CLI_EXIT_FAILED;
    scConnect *conn;

    if (state) {
        for (int i = 0; i < SC_STORAGE_VOL_STATE_LAST; i++)
            if (strcmp(state, volStateName(i)) == 0)
                l.state = i;
        if (l.state < 0)
            return cliUsageError(args->verb,
                                 "invalid --state '%s': present, missing, incomplete, creating "
                                 "or deleting",
                                 cliSafe(state));
        flags = stateFlags[l.state];
    } else if (all) {
        flags = SC_CONNECT_LIST_STORAGE_VOLUMES_PRESENT | SC_CONNECT_LIST_STORAGE_VOLUMES_MISSING |
                SC_CONNECT_LIST_STORAGE_VOLUMES_INCOMPLETE |
                SC_CONNECT_LIST_STORAGE_VOLUMES_JOURNALS;
    }
    if (args->params[0] && !(pool = cliLookupPool(ctx, args->params[0])))
        return CLI_EXIT_FAILED;
    if (!(conn = cliConnect(ctx)))
        return CLI_EXIT_FAILED;
    if (!args->params[0])
        fields[n++] = VOL_POOL;
    n += listFields(cliOptFlag(args, "details"), all || state, fields + n);
    if (json ? volTableNew(&vt, true, bytes, jsonFields, NFIELDS(jsonFields))
             : volTableNew(&vt, false, bytes, fields, n)) {
        volTableClear(&vt);
        return CLI_EXIT_FAILED;
    }
    if (scConnectListStorageVolumes(conn, pool, format, listRecord, &l, flags) < 0)
        cliLibError(NULL, "failed to list the volumes");
    else
        status = cliTablePrint(vt.tb);
    volTableClear(&vt);
    return status;
}

static int
cmdVolList(cliContext *ctx, const cliArgs *args)
{
    bool json = cliOptFlag(args, "json");
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
    if ((n = scStoragePoolListAllVolumes(pool, &vols, flags)) < 0) {
        cliLibError(poolname, "failed to list the volumes of pool '%s'", cliSafe(poolname));
        return CLI_EXIT_FAILED;
    }
    if (all && scStoragePoolIsActive(pool) == 0)
        lastInventoryNote(pool, poolname);
    if (json ? volTableNew(&vt, true, bytes, jsonFields, NFIELDS(jsonFields)) == 0
             : volTableNew(&vt, false, bytes, fields,
                           listFields(cliOptFlag(args, "details"), all, fields)) == 0) {
        if (listVols(&vt, vols, n, poolname, bytes, all && !json) == 0)
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
    int rc = getVolFacts(vol, bytes, facts);

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

static int
cmdVolInfo(cliContext *ctx, const cliArgs *args)
{
    bool bytes = cliOptFlag(args, "bytes");
    _cleanup_pool_ scStoragePool *pool = NULL;
    _cleanup_vol_ scStorageVol *vol = NULL;
    const char *poolname;
    volFacts facts = { 0 };
    int status = CLI_EXIT_FAILED;

    if (!(vol = cliVolFromArgs(ctx, args)) || getVolAndPool(vol, bytes, &facts, &pool) < 0)
        goto cleanup;
    poolname = scStoragePoolGetName(pool);
    if (cliOptFlag(args, "json")) {
        status = printVolJSON(&facts, poolname, bytes, jsonFields, NFIELDS(jsonFields));
        goto cleanup;
    }
    /* virsh's four first, in virsh's order; then storcat's. */
    infoLine("Name:", facts.name);
    infoLine("Type:", volTypeName(facts.info.type));
    infoLine("Capacity:", facts.sizes[0]);
    infoLine("Allocation:", facts.sizes[1]);
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

cleanup:
    volFactsClear(&facts);
    return status;
}

/* One "Used by:" line of vol-info per user: "domain web (disk vda)",
 * "backing file of vm1.qcow2 (pool images)". */
static int
printUser(const char *kind, const char *name, const char *detail, void *opaque)
{
    int *n = opaque;
    bool domain = strcmp(kind, "domain") == 0;

    printf("%-15s %s%s (%s %s)\n", (*n)++ ? "" : "Used by:",
           domain ? "domain " : "backing file of ", cliSafe(name), domain ? "disk" : "pool",
           cliSafe(detail));
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
    const char *path = args->params[0];
    _cleanup_pool_ scStoragePool *pool = NULL;
    _cleanup_vol_ scStorageVol *vol = NULL;
    const char *poolname;
    volFacts facts = { 0 };
    int status = CLI_EXIT_FAILED;
    scConnect *conn;

    if (!(conn = cliConnect(ctx)))
        return CLI_EXIT_FAILED;
    if (!(vol = scStorageVolLookupByPath(conn, path))) {
        cliLibError(path, "no volume at '%s'", cliSafe(path));
        return CLI_EXIT_FAILED;
    }
    if (getVolAndPool(vol, false, &facts, &pool) < 0)
        goto cleanup;
    poolname = scStoragePoolGetName(pool);
    if (cliOptFlag(args, "json")) {
        status = printVolJSON(&facts, poolname, false, lookupFields, NFIELDS(lookupFields));
        goto cleanup;
    }
    infoLine("Pool:", poolname);
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
    size_t len;

    if (!(vol = cliVolFromArgs(ctx, args)))
        return CLI_EXIT_FAILED;
    name = scStorageVolGetName(vol);
    if (!(xml = scStorageVolGetXMLDesc(vol, 0))) {
        cliLibError(name, "failed to get the XML of volume '%s'", cliSafe(name));
        return CLI_EXIT_FAILED;
    }
    len = strlen(xml);
    fputs(xml, stdout);
    if (len == 0 || xml[len - 1] != '\n')
        putchar('\n');
    return CLI_EXIT_OK;
}

static int
cmdVolPath(cliContext *ctx, const cliArgs *args)
{
    _cleanup_vol_ scStorageVol *vol = NULL;
    _cleanup_free_ char *path = NULL;
    const char *name;

    if (!(vol = cliVolFromArgs(ctx, args)))
        return CLI_EXIT_FAILED;
    name = scStorageVolGetName(vol);
    if (!(path = scStorageVolGetPath(vol))) {
        cliLibError(name, "failed to get the path of volume '%s'", cliSafe(name));
        return CLI_EXIT_FAILED;
    }
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
    if (!(value = get(vol))) {
        cliLibError(spec, "failed to get the %s of volume '%s'", what, cliSafe(spec));
        return CLI_EXIT_FAILED;
    }
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
    if (!(pool = scStoragePoolLookupByVolume(vol))) {
        cliLibError(name, "failed to get the pool of volume '%s'", cliSafe(name));
        return CLI_EXIT_FAILED;
    }
    if (!cliOptFlag(args, "uuid")) {
        printf("%s\n", scStoragePoolGetName(pool));
        return CLI_EXIT_OK;
    }
    if (scStoragePoolGetUUIDString(pool, uuid) < 0) {
        cliLibError(NULL, "failed to get the UUID of the pool of volume '%s'", cliSafe(name));
        return CLI_EXIT_FAILED;
    }
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
    { "json", NULL, "print JSON, with every field" },
    { "all-pools", NULL, "the volumes of every pool, with their pool (instead of POOL)" },
    { "format", "FORMAT", "only the volumes of that format (raw, qcow2, ...)" },
    { "state", "STATE", "only the volumes in that state (present, missing, incomplete, ...)" },
    { NULL, NULL, NULL },
};

static const cliOption infoOptions[] = {
    { "pool", "POOL", "pool of the volume, to find VOL by name" },
    { "bytes", NULL, "sizes in bytes, not in KiB, MiB, ..." },
    { "json", NULL, "print JSON" },
    { NULL, NULL, NULL },
};

static const cliOption lookupOptions[] = {
    { "json", NULL, "print JSON" },
    { NULL, NULL, NULL },
};

static const cliOption volPoolOptions[] = {
    { "uuid", NULL, "print the pool's UUID, not its name" },
    { NULL, NULL, NULL },
};

const cliVerb cliVolInfoVerbs[] = {
    { "vol-list", cmdVolList, "list the volumes of a pool", poolParam, listOptions },
    { "vol-info", cmdVolInfo, "show information on a volume", volParam, infoOptions },
    { "vol-dumpxml", cmdVolDumpXML, "print a volume's XML description", volParam, poolOption },
    { "vol-path", cmdVolPath, "print a volume's path", volParam, poolOption },
    { "vol-key", cmdVolKey, "print a volume's key", volParam, poolOption },
    { "vol-name", cmdVolName, "print the name of a volume given by key or path", volKeyParam,
      NULL },
    { "vol-pool", cmdVolPool, "print the pool of a volume given by key or path", volKeyParam,
      volPoolOptions },
    { "vol-lookup", cmdVolLookup, "show which volume a path is: pool, name, key and UUID",
      pathParam, lookupOptions },
    { NULL, NULL, NULL, NULL, NULL },
};
