/*
 * cli-util.c: the machinery every verb of the storcat tool shares: parsing a
 * verb's options from its table, per-verb help, error messages, opening the
 * catalog on first use, finding a pool as virsh does, reading XML files,
 * human-readable sizes and libsmartcols tables.
 *
 * Verbs only describe their options (cliVerb, cliOption); the parser, the
 * usage errors and the help are all derived from that one description, so
 * they cannot disagree.
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "cli.h"

/* getopt_long values of a verb's options and positional aliases start here,
 * above every character value. */
#define CLI_OPT_BASE 0x100

/* Larger XML files are refused, as virsh's VSH_MAX_XML_FILE. */
#define CLI_MAX_XML_FILE (10 * 1024 * 1024)

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
    char *alias = strdup(param);

    for (char *p = alias; p && *p; p++)
        *p = (char) tolower((unsigned char) *p);
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
    return cliUsageError(verb, "unexpected argument '%s'", value);
}

/* Runs getopt_long over @argv; options go to args->values, positional
 * arguments (in order, wherever they are) to args->params. */
static int
scanArgs(const cliVerb *verb, int argc, char **argv, const struct option *longopts,
         cliArgs *args)
{
    size_t nopts = countOptions(verb->options);
    int status = CLI_CONTINUE;
    int c;

    optind = 0; /* glibc: start afresh, as for a new argv */
    opterr = 0;
    /* "-": positional arguments come back in order as 1, whatever
     * POSIXLY_CORRECT says; ":": a missing argument is ':', not '?'. */
    while (status == CLI_CONTINUE && (c = getopt_long(argc, argv, "-:h", longopts, NULL)) != -1) {
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
        if (!args->params[i]) {
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
    args->values = NULL;
    args->params = NULL;
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
    if (!(ctx->conn = scConnectOpen(ctx->catalog, ctx->flags))) {
        if (ctx->catalog)
            cliError("failed to open catalog '%s': %s", ctx->catalog, scGetLastErrorMessage());
        else
            cliError("failed to open the default catalog: %s", scGetLastErrorMessage());
    }
    return ctx->conn;
}

/* Whether @s can be a UUID string: 32 hex digits, dashes anywhere between. */
static bool
looksLikeUUID(const char *s)
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
    if (!pool && err && err->code == SC_ERR_NO_STORAGE_POOL && looksLikeUUID(spec))
        pool = scStoragePoolLookupByUUIDString(conn, spec);
    if (!pool)
        cliError("failed to get pool '%s': %s", spec, scGetLastErrorMessage());
    return pool;
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

int
cliTablePrint(struct libscols_table *tb)
{
    int rc = scols_print_table(tb);

    if (rc < 0) {
        cliError("failed to print the table: %s", strerror(-rc));
        return CLI_EXIT_FAILED;
    }
    return CLI_EXIT_OK;
}
