/*
 * storcat.c: the `storcat` command-line tool: global options, the table of
 * verbs, the global help and version, and the dispatch to a verb.
 *
 *     storcat [-c CATALOG] [-r] VERB [ARGS]
 *
 * Verbs are virsh's (pool-define, pool-list, vol-create-as, ...) and live in
 * tables by object (cli-pool.c, cli-vol.c, cli-vol-info.c, cli-secret.c, cli-domain.c, cli-report.c); the catalog is opened only once a verb needs it, so a
 * usage error or --help never creates a catalog file.
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "cli.h"

/* The verb tables, in the order of `storcat --help`. */
static const cliVerb *const verbTables[] = {
    cliPoolVerbs,
    cliVolVerbs,
    cliVolInfoVerbs,
    cliSecretVerbs,
    cliDomainVerbs,
    cliReportVerbs,
};

static const cliVerb *
findVerb(const char *name)
{
    for (size_t t = 0; t < sizeof(verbTables) / sizeof(verbTables[0]); t++) {
        for (const cliVerb *verb = verbTables[t]; verb->name; verb++) {
            if (strcmp(verb->name, name) == 0)
                return verb;
        }
    }
    return NULL;
}

static void
printHelp(FILE *out)
{
    fputs("Usage: " CLI_PROGRAM " [-c CATALOG] [-r] VERB [ARGS]\n"
          "       " CLI_PROGRAM " VERB --help\n"
          "\n"
          "Manage storage pools and volumes as virsh does, with their definitions\n"
          "in an SQLite catalog and no daemon.\n"
          "\n"
          "Options:\n"
          "  -c, --catalog CATALOG     the catalog file (default: $STORCAT_CATALOG, else\n"
          "                            /var/lib/storcat/catalog.db for root, else\n"
          "                            $XDG_DATA_HOME/storcat/catalog.db)\n"
          "  -r, --readonly            open the catalog read-only\n"
          "  -h, --help                show this help\n"
          "      --version             show the version\n"
          "\n"
          "Verbs:\n",
          out);
    for (size_t t = 0; t < sizeof(verbTables) / sizeof(verbTables[0]); t++) {
        for (const cliVerb *verb = verbTables[t]; verb->name; verb++)
            fprintf(out, "  %-24s  %s\n", verb->name, verb->summary);
    }
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
    enum { OPT_VERSION = 0x100 };
    static const struct option longopts[] = {
        { "catalog", required_argument, NULL, 'c' },
        { "readonly", no_argument, NULL, 'r' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, OPT_VERSION },
        { NULL, 0, NULL, 0 },
    };
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:c:rh", longopts, NULL)) != -1) {
        switch (c) {
        case 'c':
            ctx->catalog = optarg;
            break;
        case 'r':
            ctx->flags |= SC_CONNECT_RO;
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
    const cliVerb *verb = findVerb(argv[0]);
    cliArgs args = { 0 };
    int status;

    if (!verb)
        return cliUsageError(NULL, "unknown verb '%s'", argv[0]);
    status = cliParseArgs(verb, argc, argv, &args);
    if (status == CLI_CONTINUE)
        status = verb->run(ctx, &args);
    cliArgsClear(&args);
    return status;
}

/* Flushes standard output; a failed write (a full disk, a closed pipe) is a
 * failure of the command, not a silent truncation. */
static int
closeStdout(int status)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        int err = errno;

        fprintf(stderr, CLI_PROGRAM ": error: failed to write the output: %s\n", strerror(err));
        return status == CLI_EXIT_OK ? CLI_EXIT_FAILED : status;
    }
    return status;
}

int
main(int argc, char **argv)
{
    cliContext ctx = { 0 };
    int status = parseGlobalOptions(&ctx, argc, argv);

    if (status == CLI_CONTINUE)
        status = runVerb(&ctx, argc - optind, argv + optind);
    if (ctx.conn && scConnectClose(ctx.conn) < 0 && status == CLI_EXIT_OK) {
        cliError("failed to close the catalog: %s", scGetLastErrorMessage());
        status = CLI_EXIT_FAILED;
    }
    return closeStdout(status);
}
