/*
 * cli-util.c: the machinery every verb of the storcat tool shares: parsing a
 * verb's options from its table, per-verb help, opening the catalog on
 * first use, finding pools and volumes as virsh does (and saying, in the
 * user's words, why one was not found), reading XML files and sizes.
 * How the tool prints (errors, JSON, tables) is in cli-output.c.
 *
 * Verbs only describe their options (cliVerb, cliOption); the parser, the
 * usage errors and the help are all derived from that one description, so
 * they cannot disagree. --json, -q/--quiet and --help are every verb's.
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* getopt_long values of a verb's options and positional aliases start here,
 * above every character value. */
#define CLI_OPT_BASE 0x100

/* getopt_long's value of --json, every verb's (as --help is 'h' and
 * --quiet 'q'): below CLI_OPT_BASE, not a character of an option. */
#define CLI_OPT_JSON 0xff

/* Larger XML files are refused, as virsh's VSH_MAX_XML_FILE. */
#define CLI_MAX_XML_FILE (10 * 1024 * 1024)

/* ---- parsing a verb's command line ---------------------------------- */

static size_t
countOptions(const cliOption *opts)
{
    size_t n = 0;

    while (opts && opts[n].name)
        n++;
    return n;
}

/* Positional argument "POOL" is also accepted as --pool: a lowercased copy
 * of its name. Returns NULL on OOM. */
static char *
paramAlias(const char *param)
{
    char *alias = strdup(param + (param[0] == '['));

    for (char *p = alias; p && *p; p++) {
        if (*p == ']')
            *p = '\0';
        else
            *p = (char) tolower((unsigned char) *p);
    }
    return alias;
}

/* Builds getopt_long's table: the verb's options, then one alias per
 * positional argument, then --help. @aliases receives the aliases' strings,
 * which the caller frees. Returns NULL on OOM. */
static struct option *
buildLongOptions(const cliVerb *verb, char **aliases)
{
    size_t nopts = countOptions(verb->options);
    size_t nparams = countOptions(verb->params);
    struct option *longopts = calloc(nopts + nparams + 4, sizeof(*longopts));
    size_t i;

    if (!longopts)
        return NULL;
    for (i = 0; i < nopts; i++) {
        longopts[i].name = verb->options[i].name;
        longopts[i].has_arg = verb->options[i].arg ? required_argument : no_argument;
        longopts[i].val = (int) (CLI_OPT_BASE + i);
    }
    for (i = 0; i < nparams; i++) {
        if (!(aliases[i] = paramAlias(verb->params[i].name))) {
            free(longopts);
            return NULL;
        }
        longopts[nopts + i].name = aliases[i];
        longopts[nopts + i].has_arg = required_argument;
        longopts[nopts + i].val = (int) (CLI_OPT_BASE + nopts + i);
    }
    longopts[nopts + nparams].name = "help";
    longopts[nopts + nparams].val = 'h';
    longopts[nopts + nparams + 1].name = "json";
    longopts[nopts + nparams + 1].val = CLI_OPT_JSON;
    longopts[nopts + nparams + 2].name = "quiet";
    longopts[nopts + nparams + 2].val = 'q';
    return longopts;
}

/* Says what getopt_long did not like in the element it just read. */
static int
reportGetoptError(const cliVerb *verb, int c, char **argv)
{
    const char *arg = argv[optind - 1];
    const char *eq = strchr(arg, '=');
    int len = eq ? (int) (eq - arg) : (int) strlen(arg);

    if (c == ':')
        return cliUsageError(verb, "option '%s' needs an argument", arg);
    if (optopt && optopt < CLI_OPT_BASE && arg[0] == '-' && arg[1] != '-')
        return cliUsageError(verb, "unknown option '-%c'", optopt);
    if (optopt >= CLI_OPT_BASE && eq)
        return cliUsageError(verb, "option '%.*s' takes no argument", len, arg);
    return cliUsageError(verb, "unknown option '%.*s'", len, arg);
}

/* Puts positional argument @value into the first free parameter slot. */
static int
addParam(const cliVerb *verb, cliArgs *args, const char *value)
{
    size_t nparams = countOptions(verb->params);

    for (size_t i = 0; i < nparams; i++) {
        if (!args->params[i]) {
            args->params[i] = value;
            return CLI_CONTINUE;
        }
    }
    if (nparams && cliParamRepeats(&verb->params[nparams - 1])) {
        const char **rest = reallocarray(args->rest, args->nrest + 1, sizeof(*rest));
        if (!rest) {
            cliError("out of memory");
            return CLI_EXIT_FAILED;
        }
        args->rest = rest;
        args->rest[args->nrest++] = value;
        return CLI_CONTINUE;
    }
    return cliUsageError(verb, "unexpected argument '%s'", value);
}

/* Runs getopt_long over @argv; options go to args->values, positional
 * arguments (in order, wherever they are) to args->params. */
static int
scanArgs(const cliVerb *verb, int argc, char **argv, const struct option *longopts, cliArgs *args)
{
    size_t nopts = countOptions(verb->options);
    int status = CLI_CONTINUE;
    int c;

    optind = 0; /* glibc: start afresh, as for a new argv */
    opterr = 0;
    /* "-": positional arguments come back in order as 1, whatever
     * POSIXLY_CORRECT says; ":": a missing argument is ':', not '?'. This
     * first call (argc 1) only sets getopt up for that, reading nothing, so
     * that the loop can look at each element before getopt does. */
    getopt_long(1, argv, "-:hq", longopts, NULL);
    while (status == CLI_CONTINUE) {
        /* A negative number ("vol-resize VOL -1G") is an argument, as in
         * virsh: no verb has a digit for an option. In this mode getopt
         * does not permute, so stepping over it here is safe. */
        if (optind < argc && argv[optind][0] == '-' && isdigit((unsigned char) argv[optind][1])) {
            status = addParam(verb, args, argv[optind++]);
            continue;
        }
        if ((c = getopt_long(argc, argv, "-:hq", longopts, NULL)) == -1)
            break;
        if (c == 'h') {
            cliVerbHelp(verb, stdout);
            return CLI_EXIT_OK;
        } else if (c == CLI_OPT_JSON) {
            args->json = true;
        } else if (c == 'q') {
            args->quiet = true;
        } else if (c == 1) {
            status = addParam(verb, args, optarg);
        } else if (c == '?' || c == ':') {
            return reportGetoptError(verb, c, argv);
        } else if ((size_t) (c - CLI_OPT_BASE) < nopts) {
            args->values[c - CLI_OPT_BASE] = optarg ? optarg : "";
        } else {
            args->params[c - CLI_OPT_BASE - nopts] = optarg;
        }
    }
    /* What follows "--" is positional. */
    for (; status == CLI_CONTINUE && optind < argc; optind++)
        status = addParam(verb, args, argv[optind]);
    return status;
}

int
cliParseArgs(const cliVerb *verb, int argc, char **argv, cliArgs *args)
{
    size_t nopts = countOptions(verb->options);
    size_t nparams = countOptions(verb->params);
    _cleanup_free_ struct option *longopts = NULL;
    char **aliases = NULL;
    int status = CLI_EXIT_FAILED;

    args->verb = verb;
    args->values = calloc(nopts + 1, sizeof(*args->values));
    args->params = calloc(nparams + 1, sizeof(*args->params));
    aliases = calloc(nparams + 1, sizeof(*aliases));
    if (!args->values || !args->params || !aliases ||
        !(longopts = buildLongOptions(verb, aliases))) {
        cliErrorCode(CLI_EXIT_FAILED, SC_ERR_NO_MEMORY, SC_FROM_NONE, "out of memory");
        goto cleanup;
    }

    if ((status = scanArgs(verb, argc, argv, longopts, args)) != CLI_CONTINUE)
        goto cleanup;

    for (size_t i = 0; i < nparams; i++) {
        if (!args->params[i] && !cliParamOptional(&verb->params[i])) {
            status = cliUsageError(verb, "missing argument %s", verb->params[i].name);
            break;
        }
    }

cleanup:
    for (size_t i = 0; aliases && i < nparams; i++)
        free(aliases[i]);
    free(aliases);
    return status;
}

void
cliArgsClear(cliArgs *args)
{
    free(args->values);
    free(args->params);
    free(args->rest);
    args->values = NULL;
    args->params = NULL;
    args->rest = NULL;
    args->nrest = 0;
}

const char *
cliOptValue(const cliArgs *args, const char *name)
{
    const cliOption *opts = args->verb->options;

    for (size_t i = 0; opts && opts[i].name; i++) {
        if (strcmp(opts[i].name, name) == 0)
            return args->values[i];
    }
    /* A verb asking for an option it does not declare is a bug. */
    fprintf(stderr, CLI_PROGRAM ": internal error: verb '%s' has no option '%s'\n",
            args->verb->name, name);
    abort();
}

bool
cliOptFlag(const cliArgs *args, const char *name)
{
    return cliOptValue(args, name) != NULL;
}

/* ---- help ----------------------------------------------------------- */

/* Prints one "  NAME ARG    help" line of a verb's help. */
static void
helpLine(FILE *out, const char *prefix, const char *name, const char *arg, const char *help)
{
    size_t width = strlen(prefix) + strlen(name) + (arg ? strlen(arg) + 1 : 0);

    fprintf(out, "  %s%s%s%s%*s%s\n", prefix, name, arg ? " " : "", arg ? arg : "",
            width < 26 ? (int) (26 - width) : 2, "", help);
}

void
cliVerbHelp(const cliVerb *verb, FILE *out)
{
    const cliOption *opt;

    fprintf(out, "Usage: " CLI_PROGRAM " %s [OPTIONS]", verb->name);
    for (opt = verb->params; opt && opt->name; opt++)
        fprintf(out, " %s", opt->name);
    fprintf(out, "\n\n%c%s.\n", toupper((unsigned char) verb->summary[0]), verb->summary + 1);

    if (verb->params) {
        fputs("\nArguments:\n", out);
        for (opt = verb->params; opt->name; opt++)
            helpLine(out, "", opt->name, NULL, opt->help);
    }
    fputs("\nOptions:\n", out);
    for (opt = verb->options; opt && opt->name; opt++)
        helpLine(out, "--", opt->name, opt->arg, opt->help);
    helpLine(out, "", "--json", NULL, "print JSON (see storcat(1)); errors as JSON on stderr");
    helpLine(out, "", "-q, --quiet", NULL, "no confirmations, notes or table headers");
    helpLine(out, "", "-h, --help", NULL, "show this help");
}

/* ---- the library ---------------------------------------------------- */

scConnect *
cliConnect(cliContext *ctx)
{
    if (ctx->conn)
        return ctx->conn;
    unsigned int flags = ctx->flags;

    /* Only the verbs that define something make a catalog: a read verb,
     * or a typo in -c, never leaves an empty one behind. */
    if (ctx->create && !(flags & SC_CONNECT_RO))
        flags |= SC_CONNECT_CREATE;
    if (!(ctx->conn = scConnectOpenAuth(ctx->catalog, NULL, flags))) {
        const scError *err = scGetLastError();

        /* Not "not found" even when the file is missing: a mistyped -c
         * must not read as an empty catalog (exit status 1, not 3). And
         * in the tool's words: the library's speak of its flags. */
        if (ctx->catalog && err && err->sys_errno == ENOENT)
            cliErrorCode(CLI_EXIT_FAILED, err->code, err->domain,
                         "catalog '%s' does not exist ('" CLI_PROGRAM
                         " init' makes it, as pool-define and pool-define-as do)",
                         cliSafe(ctx->catalog));
        else if (ctx->catalog)
            cliLibError(NULL, "failed to open catalog '%s'", cliSafe(ctx->catalog));
        else
            cliLibError(NULL, "failed to open the default catalog");
    }
    return ctx->conn;
}

/* Remove a temporary catalog: its files (the catalog, its WAL and shared
 * memory, a secrets directory) and its directory. */
static int
removeEntry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void) st;
    (void) ftw;
    return flag == FTW_DP ? rmdir(path) : unlink(path);
}

scConnect *
cliConnectAny(cliContext *ctx, bool readonly)
{
    unsigned int flags = ctx->flags | (readonly ? SC_CONNECT_RO : 0);
    const char *tmpdir = getenv("TMPDIR");
    const scError *err;
    char path[PATH_MAX];

    if (ctx->conn || ctx->catalog)
        return cliConnect(ctx);
    /* The default catalog only (a -c naming no file is a mistake to say),
     * asked read-only first: a read-write open of the default catalog
     * would make it. */
    if ((ctx->conn = scConnectOpenAuth(NULL, NULL, ctx->flags | SC_CONNECT_RO))) {
        if (flags & SC_CONNECT_RO)
            return ctx->conn;
        scConnectClose(ctx->conn);
        if (!(ctx->conn = scConnectOpenAuth(NULL, NULL, flags)))
            cliLibError(NULL, "failed to open the default catalog");
        return ctx->conn;
    }
    if (!(err = scGetLastError()) || err->sys_errno != ENOENT) {
        cliLibError(NULL, "failed to open the default catalog");
        return NULL;
    }
    if (!tmpdir || tmpdir[0] != '/' || strlen(tmpdir) > sizeof(path) - 64)
        tmpdir = "/tmp";
    if (asprintf(&ctx->tmp_catalog, "%s/storcat-tmp.XXXXXX", tmpdir) < 0) {
        ctx->tmp_catalog = NULL;
        cliErrorCode(CLI_EXIT_FAILED, SC_ERR_NO_MEMORY, SC_FROM_NONE, "out of memory");
        return NULL;
    }
    if (!mkdtemp(ctx->tmp_catalog)) {
        cliErrorCode(CLI_EXIT_FAILED, SC_ERR_SYSTEM_ERROR, SC_FROM_NONE,
                     "cannot make a temporary catalog in '%s': %s", cliSafe(tmpdir),
                     strerror(errno));
        free(ctx->tmp_catalog);
        ctx->tmp_catalog = NULL;
        return NULL;
    }
    snprintf(path, sizeof(path), "%s/catalog.db", ctx->tmp_catalog);
    if (!(ctx->conn = scConnectOpenAuth(path, NULL, SC_CONNECT_CREATE)))
        cliLibError(NULL, "failed to open a temporary catalog");
    return ctx->conn;
}

int
cliDone(cliContext *ctx)
{
    int ret = 0;

    if (ctx->conn && scConnectClose(ctx->conn) < 0) {
        cliLibError(NULL, "failed to close the catalog");
        ret = -1;
    }
    ctx->conn = NULL;
    if (ctx->tmp_catalog) {
        nftw(ctx->tmp_catalog, removeEntry, 8, FTW_DEPTH | FTW_PHYS);
        free(ctx->tmp_catalog);
        ctx->tmp_catalog = NULL;
    }
    return ret;
}

bool
cliLooksLikeUUID(const char *s)
{
    int digits = 0;

    for (; *s; s++) {
        if (isxdigit((unsigned char) *s))
            digits++;
        else if (*s != '-')
            return false;
    }
    return digits == 32;
}

/* @spec as an absolute path: as it is, or from the working directory.
 * A new string, or NULL (out of memory, no working directory). */
char *
cliAbsolutePath(const char *spec)
{
    char cwd[PATH_MAX];
    char *path = NULL;

    if (spec[0] == '/')
        return strdup(spec);
    if (!getcwd(cwd, sizeof(cwd)) || asprintf(&path, "%s/%s", cwd, spec) < 0)
        return NULL;
    return path;
}

scStoragePool *
cliLookupPool(cliContext *ctx, const char *spec)
{
    scConnect *conn = cliConnect(ctx);
    _cleanup_free_ char *path = NULL;
    scStoragePool *pool;
    const scError *err;

    if (!conn)
        return NULL;
    if (strchr(spec, '/')) {
        /* No pool name has a '/': a path is the pool's directory, as its
         * definition spells it, or else as the file system resolves it
         * ("./images", "/var/lib/../lib/images"). */
        _cleanup_free_ char *real = NULL;

        if ((path = cliAbsolutePath(spec)) && (pool = scStoragePoolLookupByTargetPath(conn, path)))
            return pool;
        if (path && scGetLastErrorCode() == SC_ERR_NO_STORAGE_POOL &&
            (real = realpath(path, NULL)) && strcmp(real, path) != 0 &&
            (pool = scStoragePoolLookupByTargetPath(conn, real)))
            return pool;
        if (!path || scGetLastErrorCode() != SC_ERR_NO_STORAGE_POOL) {
            cliLibError(spec, "failed to get the pool of path '%s'", cliSafe(spec));
            return NULL;
        }
        cliErrorCode(CLI_EXIT_NOT_FOUND, SC_ERR_NO_STORAGE_POOL, SC_FROM_STORAGE,
                     "no pool '%s' (a path: no pool has it as its target path)", cliSafe(spec));
        return NULL;
    }
    pool = scStoragePoolLookupByName(conn, spec);
    /* A miss by name is worth a try by UUID; a catalog error is not, and a
     * name that cannot be a UUID keeps the name's "no such pool" message. */
    err = scGetLastError();
    if (!pool && err && err->code == SC_ERR_NO_STORAGE_POOL && cliLooksLikeUUID(spec))
        pool = scStoragePoolLookupByUUIDString(conn, spec);
    if (!pool)
        cliLibError(spec, "failed to get pool '%s'", cliSafe(spec));
    return pool;
}

int
cliCheckName(const cliVerb *verb, const char *what, const char *name)
{
    const char *base = strrchr(name, '/');

    if (!base)
        return CLI_CONTINUE;
    if (!base[1])
        return cliUsageError(verb, "%s name '%s' is a path, not a name", what, cliSafe(name));
    return cliUsageError(verb, "%s name '%s' is a path, not a name: give the name alone ('%s')",
                         what, cliSafe(name), cliSafe(base + 1));
}

/* Whether the last lookup missed (so the next kind of lookup is worth a
 * try) rather than failed: no such volume, or @spec cannot be that kind of
 * identifier (a name with a '/', a path that is not absolute, ...). */
static bool
volLookupMissed(void)
{
    const scError *err = scGetLastError();

    return err && (err->code == SC_ERR_NO_STORAGE_VOL || err->code == SC_ERR_INVALID_ARG);
}

/* After a bare name (no --pool) missed: the pools with a volume of that
 * name, "'p1', 'p2'", into @buf; "" if none (or on any error). */
static void
poolsWithName(scConnect *conn, const char *name, char *buf, size_t size)
{
    scStoragePool **pools = NULL;
    size_t len = 0;
    int n = scConnectListAllStoragePools(conn, &pools, 0);

    buf[0] = '\0';
    for (int i = 0; i < n; i++) {
        scStorageVol *vol = scStorageVolLookupByName(pools[i], name);

        if (vol && len < size)
            len += (size_t) snprintf(buf + len, size - len, "%s'%s'", len ? ", " : "",
                                     cliSafe(scStoragePoolGetName(pools[i])));
        if (vol)
            scStorageVolFree(vol);
        scStoragePoolFree(pools[i]);
    }
    free(pools);
}

/* Says that no lookup found @spec, in the user's words. */
static void
volNotFound(scConnect *conn, const char *spec, scStoragePool *pool)
{
    char where[256];

    if (pool) {
        cliErrorCode(CLI_EXIT_NOT_FOUND, SC_ERR_NO_STORAGE_VOL, SC_FROM_STORAGE,
                     "no volume '%s' (not a name in pool '%s', a key, a path or a UUID)",
                     cliSafe(spec), cliSafe(scStoragePoolGetName(pool)));
        return;
    }
    if (!strchr(spec, '/'))
        poolsWithName(conn, spec, where, sizeof(where));
    else
        where[0] = '\0';
    if (where[0])
        cliErrorCode(CLI_EXIT_NOT_FOUND, SC_ERR_NO_STORAGE_VOL, SC_FROM_STORAGE,
                     "no volume '%s' (a volume name needs its pool, --pool POOL: pools with "
                     "a volume of that name: %s)",
                     cliSafe(spec), where);
    else if (!strchr(spec, '/') && !cliLooksLikeUUID(spec))
        cliErrorCode(CLI_EXIT_NOT_FOUND, SC_ERR_NO_STORAGE_VOL, SC_FROM_STORAGE,
                     "no volume '%s' (not a key, a path or a UUID; a volume name needs "
                     "--pool POOL)",
                     cliSafe(spec));
    else
        cliErrorCode(CLI_EXIT_NOT_FOUND, SC_ERR_NO_STORAGE_VOL, SC_FROM_STORAGE,
                     "no volume '%s' (not a key, a path or a UUID)", cliSafe(spec));
}

scStorageVol *
cliLookupVol(cliContext *ctx, const char *spec, scStoragePool *pool)
{
    scConnect *conn = cliConnect(ctx);
    _cleanup_free_ char *path = NULL;
    scStorageVol *vol = NULL;

    if (!conn)
        return NULL;
    if (pool)
        vol = scStorageVolLookupByName(pool, spec);
    if (!vol && (!pool || volLookupMissed()))
        vol = scStorageVolLookupByKey(conn, spec);
    if (!vol && volLookupMissed())
        vol = scStorageVolLookupByPath(conn, spec);
    /* A relative path ("./a.img", "images/a.img") from here, as a shell
     * user means it, if it is not a path as it is (an iSCSI LUN's); a
     * bare name is not a path. */
    if (!vol && volLookupMissed() && spec[0] != '/' && strchr(spec, '/')) {
        if (!(path = cliAbsolutePath(spec))) {
            cliErrorCode(CLI_EXIT_FAILED, SC_ERR_SYSTEM_ERROR, SC_FROM_NONE,
                         "cannot make '%s' an absolute path: %s", cliSafe(spec), strerror(errno));
            return NULL;
        }
        vol = scStorageVolLookupByPath(conn, path);
    }
    if (!vol && volLookupMissed() && cliLooksLikeUUID(spec))
        vol = scStorageVolLookupByUUIDString(conn, spec);
    if (vol)
        return vol;
    if (!volLookupMissed())
        cliLibError(spec, "failed to get volume '%s'", cliSafe(spec));
    else
        volNotFound(conn, spec, pool);
    return NULL;
}

scStorageVol *
cliVolFromArgs(cliContext *ctx, const cliArgs *args)
{
    const char *poolspec = cliOptValue(args, "pool");
    _cleanup_pool_ scStoragePool *pool = NULL;

    if (poolspec && !(pool = cliLookupPool(ctx, poolspec)))
        return NULL;
    return cliLookupVol(ctx, args->params[0], pool);
}

/* ---- progress ------------------------------------------------------- */

/* Width of the bar between the brackets; redraws at most this often. */
#define CLI_PROGRESS_BAR      30
#define CLI_PROGRESS_INTERVAL 100000000LL /* ns */

/* The bar on stderr: one operation at a time in this tool. */
static struct {
    bool tty;             /* stderr is a terminal: draw the bar */
    bool drawn;           /* a line is on the terminal */
    int width;            /* its length, to clear it */
    struct timespec last; /* when it was drawn */
    struct sigaction old_int, old_term; /* the dispositions before Begin */
} progress;

/* The signal that asked a long operation to stop (SIGINT, SIGTERM), or 0. */
static volatile sig_atomic_t interrupted;

static void
onInterrupt(int sig)
{
    interrupted = sig;
}

static long long
nsSince(const struct timespec *then, const struct timespec *now)
{
    return (now->tv_sec - then->tv_sec) * 1000000000LL + (now->tv_nsec - then->tv_nsec);
}

static int
progressDraw(scConnect *conn, const char *operation, unsigned long long done,
             unsigned long long total, void *opaque)
{
    static const char hashes[] = "##############################";
    struct timespec now;
    unsigned int percent;
    int fill, width;

    _Static_assert(sizeof(hashes) == CLI_PROGRESS_BAR + 1, "a '#' per column of the bar");
    /* Interrupted: the library stops and undoes, as after a failure. */
    if (interrupted)
        return -1;
    if (!progress.tty)
        return 0;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (progress.drawn && nsSince(&progress.last, &now) < CLI_PROGRESS_INTERVAL)
        return 0;
    /* In floating point: done * 100 may not fit in 64 bits. */
    if (total == 0)
        percent = 0;
    else if (done >= total)
        percent = 100;
    else
        percent = (unsigned int) ((double) done * 100 / (double) total);
    fill = (int) (percent * CLI_PROGRESS_BAR / 100);
    width = fprintf(stderr, "\r%s [%.*s%*s] %3u%%", operation ? operation : "", fill, hashes,
                    CLI_PROGRESS_BAR - fill, "", percent);
    if (width > progress.width)
        progress.width = width;
    progress.drawn = true;
    progress.last = now;
    return 0;
}

void
cliProgressBegin(cliContext *ctx)
{
    struct sigaction sa;

    if (!ctx->conn)
        return;
    /* Only the terminal's user watches; a log gets no control characters.
     * The callback is set either way: it is how SIGINT and SIGTERM stop
     * the operation cleanly (the library undoes it as a failure). */
    progress.tty = isatty(STDERR_FILENO);
    progress.drawn = false;
    progress.width = 0;
    interrupted = 0;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = onInterrupt;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART; /* the library's reads and writes go on to the next check */
    sigaction(SIGINT, &sa, &progress.old_int);
    sigaction(SIGTERM, &sa, &progress.old_term);
    scConnectSetProgressCallback(ctx->conn, progressDraw, NULL, NULL);
}

void
cliProgressEnd(void)
{
    /* The callback stays set (unsetting it would clear the library's last
     * error, which the caller is about to report): the line is cleared. */
    if (progress.drawn)
        fprintf(stderr, "\r%*s\r", progress.width, "");
    progress.drawn = false;
    sigaction(SIGINT, &progress.old_int, NULL);
    sigaction(SIGTERM, &progress.old_term, NULL);
}

int
cliInterrupted(void)
{
    return interrupted;
}

/* ---- input and output ----------------------------------------------- */

/* Reads all of @fp into a new string; errno set on failure. */
static char *
readStream(FILE *fp)
{
    size_t len = 0, size = 4096;
    char *buf = malloc(size);

    while (buf) {
        size_t n = fread(buf + len, 1, size - len - 1, fp);

        len += n;
        if (n == 0) {
            if (ferror(fp)) {
                free(buf);
                return NULL; /* errno from the failed read */
            }
            buf[len] = '\0';
            return buf;
        }
        if (len + 1 == size) {
            char *bigger = size > CLI_MAX_XML_FILE ? NULL : realloc(buf, size * 2);

            if (!bigger) {
                free(buf);
                errno = size > CLI_MAX_XML_FILE ? EFBIG : ENOMEM;
                return NULL;
            }
            buf = bigger;
            size *= 2;
        }
    }
    return NULL;
}

char *
cliReadFile(const char *path)
{
    bool stdinput = strcmp(path, "-") == 0;
    FILE *fp = stdinput ? stdin : fopen(path, "re");
    char *buf;

    if (!fp) {
        cliErrorCode(CLI_EXIT_FAILED, SC_ERR_SYSTEM_ERROR, SC_FROM_NONE, "failed to read '%s': %s",
                     cliSafe(path), strerror(errno));
        return NULL;
    }
    if (!(buf = readStream(fp)))
        cliErrorCode(CLI_EXIT_FAILED, SC_ERR_SYSTEM_ERROR, SC_FROM_NONE, "failed to read '%s': %s",
                     stdinput ? "standard input" : cliSafe(path), strerror(errno));
    if (!stdinput)
        fclose(fp);
    return buf;
}

/* The scale of a size's unit @unit, as virsh's virScaleInteger: "K", "KiB"
 * are binary, "KB" decimal, "B" is one. 0 for an unknown unit. */
static unsigned long long
unitScale(const char *unit)
{
    static const char letters[] = "bkmgtpe"; /* each a power of the base more */
    const char *letter = strchr(letters, tolower((unsigned char) unit[0]));
    unsigned long long base, scale = 1;

    if (!letter || !unit[0])
        return 0;
    if (!unit[1])
        base = 1024;
    else if (letter == letters) /* "B" takes nothing after it */
        return 0;
    else if (strcasecmp(unit + 1, "iB") == 0)
        base = 1024;
    else if (tolower((unsigned char) unit[1]) == 'b' && !unit[2])
        base = 1000;
    else
        return 0;
    for (; letter > letters; letter--)
        scale *= base;
    return scale;
}

/* The bytes of @frac (the digits after the point, @ndigits of them) times
 * @scale, rounded down: 0.5 * 1024 = 512. Exact, in 128 bits. */
static unsigned long long
fractionBytes(const char *frac, size_t ndigits, unsigned long long scale)
{
    unsigned __int128 num = 0, den = 1;

    /* 19 digits are finer than a byte of 2^63 bytes; more are dropped. */
    for (size_t i = 0; i < ndigits && i < 19; i++) {
        num = num * 10 + (unsigned) (frac[i] - '0');
        den *= 10;
    }
    return (unsigned long long) (num * scale / den);
}

int
cliParseSize(const cliVerb *verb, const char *what, const char *text, unsigned long long *bytes)
{
    unsigned long long value, scale = 1, fraction = 0;
    const char *frac = NULL;
    size_t ndigits = 0;
    char *end;

    /* Digits first: no sign, no blanks (strtoull would take both). */
    if (!isdigit((unsigned char) text[0]))
        return cliUsageError(verb, "%s '%s' is not a size", what, cliSafe(text));
    errno = 0;
    value = strtoull(text, &end, 10);
    if (*end == '.') {
        /* qemu-img's "1.5G": a fraction of a unit. */
        frac = end + 1;
        ndigits = strspn(frac, "0123456789");
        end = (char *) frac + ndigits;
        if (ndigits == 0)
            return cliUsageError(verb, "%s '%s' is not a size", what, cliSafe(text));
    }
    if (*end && !(scale = unitScale(end)))
        return cliUsageError(verb, "%s '%s' has an unknown unit '%s'", what, cliSafe(text),
                             cliSafe(end));
    if (frac && scale == 1)
        return cliUsageError(verb,
                             "%s '%s': a fraction needs a unit (1.5G, 0.5KiB): bytes are whole",
                             what, cliSafe(text));
    if (frac)
        fraction = fractionBytes(frac, ndigits, scale);
    if (errno == ERANGE || value > (unsigned long long) LLONG_MAX / scale ||
        value * scale > (unsigned long long) LLONG_MAX - fraction)
        return cliUsageError(verb, "%s '%s' is too large", what, cliSafe(text));
    *bytes = value * scale + fraction;
    return CLI_CONTINUE;
}
