/*
 * cli-complete.c: `storcat complete -- WORD...`: what may take the place of
 * the last WORD of a storcat command line, a candidate a line, for the
 * shell's completion (tools/completion/storcat, for bash). As virsh's
 * `complete`: the tool knows its verbs and options (from the same tables
 * the parser and the help use), and the catalog knows the pools and
 * volumes, so the shell script only asks.
 *
 * What is completed: global options and verbs; a verb's options; the
 * value of an option or argument by what it names: POOL (pool names),
 * VOL (volume names in the pool given by --pool, --inputpool or POOL,
 * else volume paths), UUID (pool UUIDs), TYPE (pool types), --format
 * (volume formats), --algorithm (wipe algorithms), VERB (verbs), --state
 * (volume states), REPORT (reports), SETTING (catalog settings), DOMAIN
 * (imported domains). Files
 * are left to the shell: no candidate. The catalog is opened read-only,
 * never made, and a catalog that cannot be opened gives no candidate and
 * no message: completion never prints an error.
 */
#include <config.h>

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

static size_t
countParams(const cliVerb *verb)
{
    size_t n = 0;

    while (verb->params && verb->params[n].name)
        n++;
    return n;
}

/* The words of the command line, as the shell split them, and what is
 * known once the ones before the last are read. */
typedef struct completion {
    const char *cur;     /* the word to complete (a prefix) */
    const char *catalog; /* -c CATALOG, or NULL */
    const cliVerb *verb; /* the verb, once read */
    const char *pool;    /* a pool named so far (--pool, --inputpool, POOL) */
    size_t nparams;      /* positional arguments given so far */
    scConnect *conn;     /* the catalog, opened on first need; NULL if it cannot be */
    bool tried;          /* whether opening it was tried */
    FILE *out;           /* where the candidates go */
    cliJson *json;       /* with --json: the candidates array */
} completion;

/* Prints @word if it starts with what is being completed. */
static void
candidate(completion *c, const char *word)
{
    if (!word || strncmp(word, c->cur, strlen(c->cur)) != 0)
        return;
    if (c->json)
        cliJsonStr(c->json, NULL, word);
    else
        fprintf(c->out, "%s\n", word);
}

static void
candidates(completion *c, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        candidate(c, words[i]);
}

static scConnect *
openCatalog(completion *c)
{
    if (!c->tried) {
        c->tried = true;
        c->conn = scConnectOpenAuth(c->catalog, NULL, SC_CONNECT_RO);
    }
    return c->conn;
}

static void
poolNames(completion *c, bool uuids)
{
    scConnect *conn = openCatalog(c);
    scStoragePool **pools = NULL;
    int n = conn ? scConnectListAllStoragePools(conn, &pools, 0) : -1;

    for (int i = 0; i < n; i++) {
        char uuid[SC_UUID_STRING_BUFLEN];

        if (!uuids)
            candidate(c, scStoragePoolGetName(pools[i]));
        else if (scStoragePoolGetUUIDString(pools[i], uuid) == 0)
            candidate(c, uuid);
        scStoragePoolFree(pools[i]);
    }
    free(pools);
}

/* The volumes of @pool, every one the catalog lists: names, or paths. */
static void
poolVolumes(completion *c, scStoragePool *pool, bool paths)
{
    scStorageVol **vols = NULL;
    int n = scStoragePoolListAllVolumes(
        pool, &vols, SC_STORAGE_POOL_LIST_VOLUMES_INACTIVE | SC_STORAGE_POOL_LIST_VOLUMES_MISSING);

    for (int i = 0; i < n; i++) {
        char *path = paths ? scStorageVolGetPathFlags(vols[i], SC_STORAGE_VOL_GET_INACTIVE) : NULL;

        candidate(c, paths ? path : scStorageVolGetName(vols[i]));
        free(path);
        scStorageVolFree(vols[i]);
    }
    free(vols);
}

/* VOL: names in the pool given, else the paths of every volume. */
static void
volNames(completion *c)
{
    scConnect *conn = openCatalog(c);
    scStoragePool **pools = NULL;
    scStoragePool *pool;
    int n;

    if (!conn)
        return;
    if (c->pool) {
        if ((pool = scStoragePoolLookupByName(conn, c->pool))) {
            poolVolumes(c, pool, false);
            scStoragePoolFree(pool);
        }
        return;
    }
    n = scConnectListAllStoragePools(conn, &pools, 0);
    for (int i = 0; i < n; i++) {
        poolVolumes(c, pools[i], true);
        scStoragePoolFree(pools[i]);
    }
    free(pools);
}

static void
verbName(const cliVerb *verb, void *opaque)
{
    candidate(opaque, verb->name);
}

static void
domainName(const char *name, void *opaque)
{
    candidate(opaque, name);
}

/* Offers the names @list returns. */
static void
listNames(completion *c, const char *const *(*list)(size_t *n))
{
    size_t n = 0;
    const char *const *names = list(&n);

    candidates(c, names, n);
}

/* Completes a value that names @what: an argument's name ("POOL", "VOL",
 * "[VERB]") or an option's ("pool", "format"). */
static void
completeValue(completion *c, const char *name)
{
    char what[64];

    /* "[POOL]", an optional argument, names a POOL too. */
    if (name[0] == '[')
        name++;
    snprintf(what, sizeof(what), "%.*s", (int) strcspn(name, "]"), name);
    /* POOL, not POOL-UUID: history-prune's, of a pool no longer defined. */
    if (strcmp(what, "POOL") == 0 || strcmp(what, "pool") == 0 || strcmp(what, "inputpool") == 0)
        poolNames(c, false);
    else if (strncmp(what, "VOL", 3) == 0 || strcmp(what, "backing-vol") == 0 ||
             strcmp(what, "volume") == 0)
        volNames(c);
    else if (strcmp(what, "UUID") == 0)
        poolNames(c, true);
    else if (strcmp(what, "TYPE") == 0 || strcmp(what, "type") == 0)
        listNames(c, cliPoolTypeNames);
    else if (strcmp(what, "format") == 0 || strcmp(what, "backing-vol-format") == 0)
        listNames(c, cliVolFormatNames);
    else if (strcmp(what, "algorithm") == 0)
        listNames(c, cliWipeAlgorithmNames);
    else if (strncmp(what, "VERB", 4) == 0)
        cliForEachVerb(verbName, c);
    else if (strcmp(what, "state") == 0)
        listNames(c, cliVolStateNames);
    else if (strcmp(what, "REPORT") == 0)
        listNames(c, cliReportNames);
    else if (strcmp(what, "SETTING") == 0)
        listNames(c, cliSettingNames);
    else if (strcmp(what, "DOMAIN") == 0 && openCatalog(c))
        cliDomainNames(c->conn, domainName, c);
    /* Anything else (a file, a new name, a size): the shell's, or none. */
}

/* The verb's options, and the aliases of its arguments ("--pool"). */
static void
completeOptions(completion *c)
{
    static const char *const common[] = { "--json", "--quiet", "--help" };
    char buf[128];

    for (const cliOption *opt = c->verb->options; opt && opt->name; opt++) {
        snprintf(buf, sizeof(buf), "--%s", opt->name);
        candidate(c, buf);
    }
    for (const cliOption *opt = c->verb->params; opt && opt->name; opt++) {
        const char *name = opt->name + cliParamOptional(opt);
        size_t len = strcspn(name, "]");

        snprintf(buf, sizeof(buf), "--%.*s", (int) len, name);
        for (char *p = buf; *p; p++)
            *p = (char) (*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
        candidate(c, buf);
    }
    candidates(c, common, sizeof(common) / sizeof(common[0]));
}

/* The option of the verb named by "--NAME" (without "=..."), or NULL. */
static const cliOption *
findOption(const cliVerb *verb, const char *word, size_t len)
{
    for (const cliOption *opt = verb->options; opt && opt->name; opt++) {
        if (strlen(opt->name) == len && strncmp(opt->name, word, len) == 0)
            return opt;
    }
    return NULL;
}

/* The argument of the verb whose alias is "--NAME" ("--pool" for POOL). */
static const cliOption *
findParamAlias(const cliVerb *verb, const char *word, size_t len)
{
    for (const cliOption *opt = verb->params; opt && opt->name; opt++) {
        const char *name = opt->name + cliParamOptional(opt);

        if (strcspn(name, "]") == len && strncasecmp(name, word, len) == 0)
            return opt;
    }
    return NULL;
}

/* Notes what a value given for @name says: the pool to find volumes in. */
static void
noteValue(completion *c, const char *name, const char *value)
{
    if (strcmp(name, "POOL") == 0 || strcmp(name, "pool") == 0 || strcmp(name, "inputpool") == 0)
        c->pool = value;
}

/*
 * Reads the verb's words before the last (@words, @n of them): options,
 * their values, positional arguments. If the last word is the value of an
 * option ("--pool" then the word), completes it and returns true.
 */
static bool
readVerbWords(completion *c, char **words, int n)
{
    bool positional = false;

    for (int i = 0; i < n; i++) {
        const char *w = words[i];
        const cliOption *opt = NULL;
        size_t len;

        if (!positional && strcmp(w, "--") == 0) {
            positional = true;
        } else if (!positional && strncmp(w, "--", 2) == 0) {
            len = strcspn(w + 2, "=");
            if ((opt = findOption(c->verb, w + 2, len)) && !opt->arg)
                continue; /* a flag */
            if (!opt && !(opt = findParamAlias(c->verb, w + 2, len)))
                continue; /* unknown: the parser will say */
            /* bash splits "--pool=p1" into "--pool", "=", "p1". */
            if (!w[2 + len] && i + 1 < n && strcmp(words[i + 1], "=") == 0)
                i++;
            if (w[2 + len] == '=') {
                noteValue(c, opt->name, w + 3 + len);
            } else if (i + 1 < n) {
                noteValue(c, opt->name, words[++i]);
            } else {
                completeValue(c, opt->name);
                return true;
            }
        } else if (positional || w[0] != '-' || !w[1]) {
            if (c->verb->params && c->nparams < countParams(c->verb))
                noteValue(c, c->verb->params[c->nparams].name, w);
            c->nparams++;
        }
    }
    return false;
}

/* Completes @words[@n - 1] of a whole command line (after "storcat"). */
static void
completeLine(completion *c, char **words, int n)
{
    static const char *const globals[] = { "--catalog", "--readonly", "--quiet",
                                           "--json",    "--help",     "--version" };
    int i = 0;

    c->cur = n > 0 ? words[n - 1] : "";
    /* Global options, up to the verb. */
    while (i < n - 1 && words[i][0] == '-') {
        if (strcmp(words[i], "-c") == 0 || strcmp(words[i], "--catalog") == 0) {
            if (i + 1 == n - 1)
                return; /* the catalog: a file, the shell's */
            c->catalog = words[++i];
        } else if (strncmp(words[i], "--catalog=", 10) == 0) {
            c->catalog = words[i] + 10;
        } else if (strncmp(words[i], "-c", 2) == 0) {
            c->catalog = words[i] + 2;
        }
        i++;
    }
    if (i == n - 1 || n == 0) {
        if (c->cur[0] == '-')
            candidates(c, globals, sizeof(globals) / sizeof(globals[0]));
        else
            cliForEachVerb(verbName, c);
        return;
    }
    if (!(c->verb = cliFindVerb(words[i])))
        return;
    if (readVerbWords(c, words + i + 1, n - i - 2))
        return;
    if (c->cur[0] == '-' && !isdigit((unsigned char) c->cur[1])) {
        completeOptions(c);
        return;
    }
    if (countParams(c->verb) > c->nparams)
        completeValue(c, c->verb->params[c->nparams].name);
}

int
cliComplete(cliContext *ctx, int argc, char **argv)
{
    completion c = { .out = stdout };
    cliJson j;

    if (argc > 0 && strcmp(argv[0], "--") == 0)
        argc--, argv++;
    if (cliJsonMode()) {
        cliJsonBegin(&j, stdout, false);
        cliJsonOpen(&j, "candidates", '[');
        c.json = &j;
    }
    /* -c before "complete" is the catalog, unless the line names one. */
    c.catalog = ctx->catalog;
    completeLine(&c, argv, argc);
    if (c.json) {
        cliJsonClose(&j, ']');
        cliJsonEnd(&j);
    }
    if (c.conn)
        scConnectClose(c.conn);
    return CLI_EXIT_OK;
}

static const cliOption completeParams[] = {
    { "[WORD...]", NULL, "the words after 'storcat', the last one to complete" },
    { NULL, NULL, NULL },
};

const cliVerb cliCompleteVerb = {
    "complete",     NULL, "list what may complete a command line (for shell completion)",
    completeParams, NULL,
};
