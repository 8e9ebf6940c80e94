/*
 * cli-util.c: the machinery every verb of the storcat tool shares: parsing a
 * verb's options from its table, per-verb help, error messages, opening the
 * catalog on first use, finding a pool as virsh does, reading XML files,
 * human-readable sizes and libsmartcols tables.
 *
 * Verbs only describe their options (cliVerb, cliOption); the parser, the
 * usage errors and the help are all derived from that one description, so
 * they cannot disagree.
 *
 * Errors: the library's messages already name their object ("pool 'p1' is
 * not active"), so the tool prints them as they are and adds its own
 * "failed to ... 'X'" only when the message does not say which object it
 * is about (cliLibError).
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
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

/* Larger XML files are refused, as virsh's VSH_MAX_XML_FILE. */
#define CLI_MAX_XML_FILE (10 * 1024 * 1024)

/* cliSafe: how many results live at once, and how long each may be. */
#define CLI_SAFE_SLOTS  4
#define CLI_SAFE_BUFLEN 256

/* ---- messages ------------------------------------------------------- */

void
cliError(const char *fmt, ...)
{
    va_list ap;

    fflush(stdout); /* keep the order of what was printed before */
    fputs(CLI_PROGRAM ": error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int
cliUsageError(const cliVerb *verb, const char *fmt, ...)
{
    va_list ap;

    fputs(CLI_PROGRAM ": error: ", stderr);
    if (verb)
        fprintf(stderr, "%s: ", verb->name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (verb)
        fprintf(stderr, " (see '" CLI_PROGRAM " %s --help')\n", verb->name);
    else
        fputs(" (see '" CLI_PROGRAM " --help')\n", stderr);
    return CLI_EXIT_USAGE;
}

/* Copies @s into @buf (of @size bytes) with control characters escaped;
 * what does not fit is cut, at a character's boundary, and ends in "...". */
static void
escapeInto(char *buf, size_t size, const char *s)
{
    size_t len = 0, room = size - 4; /* keep room for "..." and the NUL */

    for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
        char esc[5] = { (char) *p, '\0' };
        size_t n;

        if (*p == '\n')
            memcpy(esc, "\\n", 3);
        else if (*p == '\t')
            memcpy(esc, "\\t", 3);
        else if (*p < 0x20 || *p == 0x7f)
            snprintf(esc, sizeof(esc), "\\x%02x", *p);
        n = strlen(esc);
        if (len + n > room) {
            /* Drop the last UTF-8 sequence, which may be cut short. */
            while (len > 0 && ((unsigned char) buf[len - 1] & 0xc0) == 0x80)
                len--;
            if (len > 0 && (unsigned char) buf[len - 1] >= 0xc0)
                len--;
            memcpy(buf + len, "...", 4);
            return;
        }
        memcpy(buf + len, esc, n);
        len += n;
    }
    buf[len] = '\0';
}

const char *
cliSafe(const char *s)
{
    static char slots[CLI_SAFE_SLOTS][CLI_SAFE_BUFLEN];
    static unsigned int next;
    char *buf = slots[next++ % CLI_SAFE_SLOTS];

    escapeInto(buf, CLI_SAFE_BUFLEN, s);
    return buf;
}

/* Whether @msg names @object as '@object'. */
static bool
messageNames(const char *msg, const char *object)
{
    size_t len = strlen(object);

    if (len == 0)
        return false;
    for (const char *p = msg; (p = strstr(p, object)); p++) {
        if (p > msg && p[-1] == '\'' && p[len] == '\'')
            return true;
    }
    return false;
}

void
cliLibError(const char *object, const char *fmt, ...)
{
    const char *msg = scGetLastErrorMessage();
    char buf[1024];
    va_list ap;

    fflush(stdout); /* keep the order of what was printed before */
    fputs(CLI_PROGRAM ": error: ", stderr);
    if (!object || !messageNames(msg, object)) {
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputs(": ", stderr);
    }
    /* One line whatever the message holds; a very long one is cut. */
    escapeInto(buf, sizeof(buf), msg);
    fprintf(stderr, "%s\n", buf);
}

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
    struct option *longopts = calloc(nopts + nparams + 2, sizeof(*longopts));
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
    getopt_long(1, argv, "-:h", longopts, NULL);
    while (status == CLI_CONTINUE) {
        /* A negative number ("vol-resize VOL -1G") is an argument, as in
         * virsh: no verb has a digit for an option. In this mode getopt
         * does not permute, so stepping over it here is safe. */
        if (optind < argc && argv[optind][0] == '-' && isdigit((unsigned char) argv[optind][1])) {
            status = addParam(verb, args, argv[optind++]);
            continue;
        }
        if ((c = getopt_long(argc, argv, "-:h", longopts, NULL)) == -1)
            break;
        if (c == 'h') {
            cliVerbHelp(verb, stdout);
            return CLI_EXIT_OK;
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
        cliError("out of memory");
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

    fprintf(out, "Usage: " CLI_PROGRAM " %s", verb->name);
    if (verb->options)
        fputs(" [OPTIONS]", out);
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
        if (ctx->catalog)
            cliError("failed to open catalog '%s': %s", ctx->catalog, scGetLastErrorMessage());
        else
            cliError("failed to open the default catalog: %s", scGetLastErrorMessage());
    }
    return ctx->conn;
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

scStoragePool *
cliLookupPool(cliContext *ctx, const char *spec)
{
    scConnect *conn = cliConnect(ctx);
    scStoragePool *pool;
    const scError *err;

    if (!conn)
        return NULL;
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

/* Whether the last lookup missed (so the next kind of lookup is worth a
 * try) rather than failed: no such volume, or @spec cannot be that kind of
 * identifier (a name with a '/', a path that is not absolute, ...). */
static bool
volLookupMissed(void)
{
    const scError *err = scGetLastError();

    return err && (err->code == SC_ERR_NO_STORAGE_VOL || err->code == SC_ERR_INVALID_ARG);
}

scStorageVol *
cliLookupVol(cliContext *ctx, const char *spec, scStoragePool *pool)
{
    scConnect *conn = cliConnect(ctx);
    scStorageVol *vol = NULL;

    if (!conn)
        return NULL;
    if (pool)
        vol = scStorageVolLookupByName(pool, spec);
    if (!vol && (!pool || volLookupMissed()))
        vol = scStorageVolLookupByKey(conn, spec);
    if (!vol && volLookupMissed())
        vol = scStorageVolLookupByPath(conn, spec);
    if (!vol && volLookupMissed() && cliLooksLikeUUID(spec))
        vol = scStorageVolLookupByUUIDString(conn, spec);
    if (vol)
        return vol;
    if (!volLookupMissed())
        cliLibError(spec, "failed to get volume '%s'", cliSafe(spec));
    else if (pool)
        cliError("no volume '%s' (not a name in pool '%s', a key, a path or a UUID)", cliSafe(spec),
                 cliSafe(scStoragePoolGetName(pool)));
    else
        cliError("no volume '%s' (not a key, a path or a UUID)", cliSafe(spec));
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
        cliError("failed to read '%s': %s", path, strerror(errno));
        return NULL;
    }
    if (!(buf = readStream(fp)))
        cliError("failed to read '%s': %s", stdinput ? "standard input" : path, strerror(errno));
    if (!stdinput)
        fclose(fp);
    return buf;
}

void
cliXmlPutEscaped(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '\'':
            fputs("&apos;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        default:
            fputc(*s, out);
        }
    }
}

void
cliXmlLine(FILE *out, const char *before, const char *value, const char *after)
{
    if (!value)
        return;
    fputs(before, out);
    cliXmlPutEscaped(out, value);
    fputs(after, out);
}

/* The length of the well-formed UTF-8 sequence at @s (1 to 4), or 0 if
 * the byte there does not start one (overlong forms, surrogates and code
 * points past U+10FFFF are not well-formed). */
static size_t
utf8_len(const unsigned char *s)
{
    size_t n;
    unsigned int cp;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        n = 2, cp = s[0] & 0x1f;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        n = 3, cp = s[0] & 0x0f;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        n = 4, cp = s[0] & 0x07;
    else
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

void
cliJsonPutString(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *) s;

    if (!s) {
        fputs("null", out);
        return;
    }
    fputc('"', out);
    while (*p) {
        size_t n = utf8_len(p);

        if (n == 0) {
            /* A byte that is not UTF-8 (a file name is bytes): escaped as
             * the lone surrogate U+DC80 + byte - 0x80, as Python's
             * "surrogateescape" does, so that the exact bytes can be had
             * back (json.loads, then .encode("utf-8", "surrogateescape")). */
            fprintf(out, "\\udc%02x", *p++);
        } else if (*p == '"' || *p == '\\') {
            fprintf(out, "\\%c", *p++);
        } else if (*p < 0x20 || *p == 0x7f) {
            fprintf(out, "\\u%04x", *p++);
        } else {
            fwrite(p, 1, n, out);
            p += n;
        }
    }
    fputc('"', out);
}

char *
cliMemstreamClose(FILE *out, char **buf)
{
    if (ferror(out) | fclose(out)) {
        free(*buf);
        *buf = NULL;
        cliError("out of memory");
    }
    return *buf;
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

int
cliParseSize(const cliVerb *verb, const char *what, const char *text, unsigned long long *bytes)
{
    unsigned long long value, scale = 1;
    char *end;

    /* Digits first: no sign, no blanks (strtoull would take both). */
    if (!isdigit((unsigned char) text[0]))
        return cliUsageError(verb, "%s '%s' is not a size", what, cliSafe(text));
    errno = 0;
    value = strtoull(text, &end, 10);
    if (*end && !(scale = unitScale(end)))
        return cliUsageError(verb, "%s '%s' has an unknown unit '%s'", what, cliSafe(text),
                             cliSafe(end));
    if (errno == ERANGE || value > ULLONG_MAX / scale)
        return cliUsageError(verb, "%s '%s' is too large", what, cliSafe(text));
    *bytes = value * scale;
    return CLI_CONTINUE;
}

char *
cliFormatSize(unsigned long long bytes, bool exact, char *buf)
{
    static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
    double value = (double) bytes;
    size_t unit = 0;

    if (exact) {
        snprintf(buf, CLI_SIZE_BUFLEN, "%llu", bytes);
        return buf;
    }
    /* virsh's vshPrettyCapacity: the largest unit the value reaches. */
    while (unit + 1 < sizeof(units) / sizeof(units[0]) && bytes >= 1024ULL << (10 * unit)) {
        value = (double) bytes / (double) (1ULL << (10 * (unit + 1)));
        unit++;
    }
    snprintf(buf, CLI_SIZE_BUFLEN, "%.2f %s", value, units[unit]);
    return buf;
}

struct libscols_table *
cliTableNew(const char *name, bool json, const cliColumn *cols, size_t ncols)
{
    struct libscols_table *tb = scols_new_table();

    if (!tb || scols_table_set_name(tb, name) < 0 || scols_table_enable_json(tb, json) < 0)
        goto nomem;
    for (size_t i = 0; i < ncols; i++) {
        struct libscols_column *cl = scols_table_new_column(tb, cols[i].header, 0, cols[i].flags);

        if (!cl || scols_column_set_json_type(cl, cols[i].json_type) < 0)
            goto nomem;
    }
    return tb;

nomem:
    scols_unref_table(tb);
    cliError("out of memory");
    return NULL;
}

int
cliTableAddRow(struct libscols_table *tb, const char *const *cells)
{
    struct libscols_line *ln = scols_table_new_line(tb, NULL);
    size_t ncols = scols_table_get_ncols(tb);

    if (!ln)
        goto nomem;
    for (size_t i = 0; i < ncols; i++) {
        if (cells[i] && cells[i][0] && scols_line_set_data(ln, i, cells[i]) < 0)
            goto nomem;
    }
    return 0;

nomem:
    cliError("out of memory");
    return -1;
}

/* Prints a table in JSON mode: {"name": [ {"header": value, ...}, ... ]},
 * keys the headers in lower case, values as the columns' JSON types say
 * (an empty cell is null). libsmartcols would pass bytes that are not
 * UTF-8 through, making the document invalid; cliJsonPutString escapes
 * them. */
static int
print_json(struct libscols_table *tb)
{
    size_t ncols = scols_table_get_ncols(tb);
    struct libscols_iter *it = scols_new_iter(SCOLS_ITER_FORWARD);
    struct libscols_line *ln;
    bool first = true;

    if (!it) {
        cliError("out of memory");
        return CLI_EXIT_FAILED;
    }
    fputs("{\n   ", stdout);
    cliJsonPutString(stdout, scols_table_get_name(tb));
    fputs(": [", stdout);
    while (scols_table_next_line(tb, it, &ln) == 0) {
        fputs(first ? "\n      {" : ",\n      {", stdout);
        first = false;
        for (size_t i = 0; i < ncols; i++) {
            struct libscols_column *cl = scols_table_get_column(tb, i);
            struct libscols_cell *cell = scols_line_get_cell(ln, i);
            const char *data = cell ? scols_cell_get_data(cell) : NULL;
            const char *header = scols_cell_get_data(scols_column_get_header(cl));
            char key[64];
            size_t k = 0;

            for (; header && header[k] && k + 1 < sizeof(key); k++)
                key[k] = (char) tolower((unsigned char) header[k]);
            key[k] = '\0';
            fputs(i ? ",\n         " : "\n         ", stdout);
            cliJsonPutString(stdout, key);
            fputs(": ", stdout);
            if (!data || !*data)
                fputs("null", stdout);
            else if (scols_column_get_json_type(cl) == SCOLS_JSON_BOOLEAN)
                fputs(strchr("1yYtT", data[0]) ? "true" : "false", stdout);
            else if (scols_column_get_json_type(cl) == SCOLS_JSON_NUMBER)
                fputs(data, stdout);
            else
                cliJsonPutString(stdout, data);
        }
        fputs("\n      }", stdout);
    }
    fputs(first ? "]\n}\n" : "\n   ]\n}\n", stdout);
    scols_free_iter(it);
    return CLI_EXIT_OK;
}

int
cliTablePrint(struct libscols_table *tb)
{
    int rc;

    if (scols_table_is_json(tb))
        return print_json(tb);
    rc = scols_print_table(tb);

    if (rc < 0) {
        cliError("failed to print the table: %s", strerror(-rc));
        return CLI_EXIT_FAILED;
    }
    return CLI_EXIT_OK;
}
