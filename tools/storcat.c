/*
 * storcat.c: the `storcat` command-line tool: global options, the table of
 * verbs, the global help and version (and the help verb), and the
 * dispatch to a verb.
 *
 *     storcat [-c CATALOG] [-r] [-q] [--json] VERB [ARGS]
 *
 * Verbs are virsh's (pool-define, pool-list, vol-create-as, ...) and live in
 * tables by object (cli-pool.c, cli-pool-info.c, cli-vol.c, cli-vol-info.c,
 * cli-secret.c, cli-domain.c, cli-report.c); the catalog is opened only
 * once a verb needs it, so a usage error or --help never creates a catalog
 * file.
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <string.h>

#include "cli.h"

static int cmdHelp(cliContext *ctx, const cliArgs *args);

static const cliOption helpParams[] = {
    { "[VERB]", NULL, "the verb to show the help of (default: every verb, a line each)" },
    { NULL, NULL, NULL },
};

/* The tool's own verbs: help, and completion for the shell. */
static const cliVerb toolVerbs[] = {
    { "help", cmdHelp, "show the verbs, or the help of one", helpParams, NULL },
    { NULL, NULL, NULL, NULL, NULL },
};

/* The verb tables, in the order of `storcat --help`. */
static const cliVerb *const verbTables[] = {
    cliPoolVerbs,   cliPoolInfoVerbs, cliVolVerbs,    cliVolInfoVerbs, cliSecretVerbs,
    cliDomainVerbs, cliReportVerbs,   cliEventsVerbs, toolVerbs,
};

void
cliForEachVerb(void (*fn)(const cliVerb *verb, void *opaque), void *opaque)
{
    for (size_t t = 0; t < sizeof(verbTables) / sizeof(verbTables[0]); t++) {
        for (const cliVerb *verb = verbTables[t]; verb->name; verb++)
            fn(verb, opaque);
    }
    fn(&cliCompleteVerb, opaque);
}

const cliVerb *
cliFindVerb(const char *name)
{
    for (size_t t = 0; t < sizeof(verbTables) / sizeof(verbTables[0]); t++) {
        for (const cliVerb *verb = verbTables[t]; verb->name; verb++) {
            if (strcmp(verb->name, name) == 0)
                return verb;
        }
    }
    return strcmp(name, cliCompleteVerb.name) == 0 ? &cliCompleteVerb : NULL;
}

static void
printVerbLine(const cliVerb *verb, void *opaque)
{
    fprintf(opaque, "  %-24s  %s\n", verb->name, verb->summary);
}

static void
printHelp(FILE *out)
{
    fputs("Usage: " CLI_PROGRAM " [-c CATALOG] [-r] [-q] [--json] VERB [ARGS]\n"
          "       " CLI_PROGRAM " help [VERB], " CLI_PROGRAM " VERB --help\n"
          "\n"
          "Manage storage pools and volumes as virsh does, with their definitions\n"
          "in an SQLite catalog and no daemon.\n"
          "\n"
          "Options:\n"
          "  -c, --catalog CATALOG     the catalog file (default: $STORCAT_CATALOG, else\n"
          "                            /var/lib/storcat/catalog.db for root, else\n"
          "                            $XDG_DATA_HOME/storcat/catalog.db)\n"
          "  -r, --readonly            open the catalog read-only\n"
          "  -q, --quiet               no confirmations, notes or table headers\n"
          "      --json                print JSON (see storcat(1)); errors as JSON on stderr\n"
          "  -h, --help                show this help\n"
          "      --version             show the version\n"
          "\n"
          "Exit status: 0 success, 1 failure, 2 usage error, 3 pool, volume or secret not found.\n"
          "\n"
          "Verbs:\n",
          out);
    cliForEachVerb(printVerbLine, out);
}

/* help --json: every verb with its arguments and options. */
static void
verbJSON(const cliVerb *verb, void *opaque)
{
    cliJson *j = opaque;

    cliJsonOpen(j, NULL, '{');
    cliJsonStr(j, "name", verb->name);
    cliJsonStr(j, "summary", verb->summary);
    cliJsonOpen(j, "arguments", '[');
    for (const cliOption *opt = verb->params; opt && opt->name; opt++) {
        cliJsonOpen(j, NULL, '{');
        cliJsonStr(j, "name", opt->name + cliParamOptional(opt));
        cliJsonBool(j, "optional", cliParamOptional(opt));
        cliJsonStr(j, "help", opt->help);
        cliJsonClose(j, '}');
    }
    cliJsonClose(j, ']');
    cliJsonOpen(j, "options", '[');
    for (const cliOption *opt = verb->options; opt && opt->name; opt++) {
        cliJsonOpen(j, NULL, '{');
        cliJsonStr(j, "name", opt->name);
        cliJsonStr(j, "argument", opt->arg);
        cliJsonStr(j, "help", opt->help);
        cliJsonClose(j, '}');
    }
    cliJsonClose(j, ']');
    cliJsonClose(j, '}');
}

static int
cmdHelp(cliContext *ctx, const cliArgs *args)
{
    const char *name = args->params[0];
    const cliVerb *verb = NULL;
    cliJson j;

    (void) ctx;
    if (name && !(verb = cliFindVerb(name)))
        return cliUsageError(args->verb, "unknown verb '%s'", cliSafe(name));
    if (cliJsonMode()) {
        cliJsonBegin(&j, stdout, false);
        cliJsonOpen(&j, "verbs", '[');
        if (verb)
            verbJSON(verb, &j);
        else
            cliForEachVerb(verbJSON, &j);
        cliJsonClose(&j, ']');
        cliJsonEnd(&j);
    } else if (verb) {
        cliVerbHelp(verb, stdout);
    } else {
        printHelp(stdout);
    }
    return CLI_EXIT_OK;
}

/* "storcat X.Y.Z", and the library's version when it differs from the
 * header this tool was built with. */
static void
printVersion(void)
{
    unsigned long lib = 0;

    printf(CLI_PROGRAM " %d.%d.%d", SC_VERSION_MAJOR, SC_VERSION_MINOR, SC_VERSION_MICRO);
    if (scGetVersion(&lib, NULL, NULL) == 0 && lib != SC_VERSION_NUMBER)
        printf(" (library %lu.%lu.%lu)", lib / 1000000, lib / 1000 % 1000, lib % 1000);
    putchar('\n');
}

/* Parses the options before the verb (getopt stops at the verb: "+").
 * Returns CLI_CONTINUE with optind at the verb, or an exit status. */
static int
parseGlobalOptions(cliContext *ctx, int argc, char **argv)
{
    enum { OPT_VERSION = 0x100, OPT_JSON };
    static const struct option longopts[] = {
        { "catalog", required_argument, NULL, 'c' },
        { "readonly", no_argument, NULL, 'r' },
        { "quiet", no_argument, NULL, 'q' },
        { "json", no_argument, NULL, OPT_JSON },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, OPT_VERSION },
        { NULL, 0, NULL, 0 },
    };
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:c:rqh", longopts, NULL)) != -1) {
        switch (c) {
        case 'c':
            ctx->catalog = optarg;
            break;
        case 'r':
            ctx->flags |= SC_CONNECT_RO;
            break;
        case 'q':
            ctx->quiet = true;
            break;
        case OPT_JSON:
            ctx->json = true;
            break;
        case 'h':
            printHelp(stdout);
            return CLI_EXIT_OK;
        case OPT_VERSION:
            printVersion();
            return CLI_EXIT_OK;
        case ':':
            return cliUsageError(NULL, "option '%s' needs an argument", argv[optind - 1]);
        default:
            if (optopt && argv[optind - 1][1] != '-')
                return cliUsageError(NULL, "unknown option '-%c'", optopt);
            return cliUsageError(NULL, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cliUsageError(NULL, "missing verb");
    return CLI_CONTINUE;
}

/* Runs the verb @argv[0] with its arguments. Returns an exit status. */
static int
runVerb(cliContext *ctx, int argc, char **argv)
{
    const cliVerb *verb = cliFindVerb(argv[0]);
    cliArgs args = { 0 };
    int status;

    if (!verb)
        return cliUsageError(NULL, "unknown verb '%s'", cliSafe(argv[0]));
    if (verb == &cliCompleteVerb) /* its words are a command line's, not its own */
        return cliComplete(ctx, argc - 1, argv + 1);
    status = cliParseArgs(verb, argc, argv, &args);
    if (status == CLI_CONTINUE) {
        cliSetOutputMode(ctx->json || args.json, ctx->quiet || args.quiet);
        status = verb->run(ctx, &args);
    }
    cliArgsClear(&args);
    return status;
}

/* Whether --json is among the verb's arguments (before a "--"), so that
 * even an error found while parsing them is JSON. */
static bool
jsonAsked(int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--json") == 0)
            return true;
    }
    return false;
}

/* Flushes standard output; a failed write (a full disk, a closed pipe) is a
 * failure of the command, not a silent truncation. A command that failed
 * has said why already (a verb that saw its output fail among them). */
static int
closeStdout(int status)
{
    int err;

    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout))
        return status;
    if (status != CLI_EXIT_OK)
        return status;
    /* An earlier write failed (errno is not its): its cause is lost. */
    err = errno ? errno : EIO;
    cliErrorCode(CLI_EXIT_FAILED, SC_ERR_SYSTEM_ERROR, SC_FROM_NONE,
                 "failed to write the output: %s", strerror(err));
    return CLI_EXIT_FAILED;
}

int
main(int argc, char **argv)
{
    cliContext ctx = { 0 };
    int status;

    /* Names in tables as the user's terminal shows them: UTF-8 under a
     * UTF-8 locale, escaped otherwise (libsmartcols reads LC_CTYPE). Only
     * LC_CTYPE: sizes keep their decimal point whatever the locale. */
    setlocale(LC_CTYPE, "");
    cliSetOutputMode(jsonAsked(argc, argv), false);
    if ((status = parseGlobalOptions(&ctx, argc, argv)) == CLI_CONTINUE) {
        cliSetOutputMode(ctx.json || jsonAsked(argc - optind, argv + optind), ctx.quiet);
        status = runVerb(&ctx, argc - optind, argv + optind);
    }
    if (cliDone(&ctx) < 0 && status == CLI_EXIT_OK)
        status = CLI_EXIT_FAILED;
    /* A verb says it failed; the first error it printed says how. */
    if (status == CLI_EXIT_FAILED)
        status = cliFailureStatus();
    return closeStdout(status);
}
