/*
 * cli-report.c: the storcat tool's verbs that answer questions about the
 * catalog rather than change storage: query (read-only SQL), report (the
 * documented report views) and config (the settings kept in the
 * catalog); events (the audit trail) are cli-events.c's.
 *
 * Output is a table (libsmartcols) or, with --json, a document written
 * row by row as the library hands rows out, so that a report of a million
 * volumes costs no memory here: {"rows": [{column: value, ...}, ...]}
 * with integers and reals as JSON numbers and NULL as null (storcat(1),
 * JSON OUTPUT). report pools --html writes a page instead (cli-report-html.c).
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <time.h>

#include "cli.h"

/* The reports scConnectReport knows, and the settings of
 * scConnectSetCatalogOption: another name is a usage error here. */
static const char *const reportNames[] = { "pools",  "volumes", "unused", "missing",
                                           "unmanaged-disks", "chains", "growth", "drift" };
static const char *const settingNames[] = { "events.retention" };

const char *const *
cliReportNames(size_t *n)
{
    *n = sizeof(reportNames) / sizeof(reportNames[0]);
    return reportNames;
}

const char *const *
cliSettingNames(size_t *n)
{
    *n = sizeof(settingNames) / sizeof(settingNames[0]);
    return settingNames;
}

/* Whether @name is one of @names, @n of them. */
static bool
knownName(const char *name, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(name, names[i]) == 0)
            return true;
    }
    return false;
}

/* ---- rows: a table, or JSON as they come ---------------------------- */

typedef struct {
    cliJson *j;                /* --json: the "rows" array being written */
    struct libscols_table *tb; /* text: the table being filled */
    long long rows;
} RowsOut;

/* Writes @value of type @type as member @key of a row: a number as it is,
 * NULL as null, anything else as a string. */
static void
jsonValue(cliJson *j, const char *key, const char *value, int type)
{
    if (!value || type == SC_QUERY_NULL)
        cliJsonNull(j, key);
    else if ((type == SC_QUERY_INTEGER || type == SC_QUERY_FLOAT) && value[0] &&
             strspn(value, "0123456789.-+eE") == strlen(value) && strcmp(value, "-") != 0)
        cliJsonRaw(j, key, value);
    else
        cliJsonStr(j, key, value);
}

static int
rowsHeader(RowsOut *o, int ncols, const char *const *names)
{
    _cleanup_free_ cliColumn *cols = NULL;

    if (o->j)
        return 0;
    if (!(cols = calloc(ncols > 0 ? (size_t) ncols : 1, sizeof(*cols)))) {
        cliErrorCode(CLI_EXIT_FAILED, SC_ERR_NO_MEMORY, SC_FROM_NONE, "out of memory");
        return -1;
    }
    for (int i = 0; i < ncols; i++)
        cols[i].header = names[i];
    return (o->tb = cliTableNew(cols, (size_t) ncols)) ? 0 : -1;
}

/* One query row (or, @values NULL, the columns): 0, or -1 after printing
 * why. */
static int
rowsCallback(int ncols, const char *const *names, const char *const *values, const int *types,
             void *opaque)
{
    RowsOut *o = opaque;

    if (!values)
        return rowsHeader(o, ncols, names);
    o->rows++;
    if (!o->j)
        return cliTableAddRow(o->tb, values);
    /* storcat(1), JSON OUTPUT, "The row object". */
    cliJsonOpen(o->j, NULL, '{');
    for (int i = 0; i < ncols; i++)
        jsonValue(o->j, names[i], values[i], types[i]);
    cliJsonClose(o->j, '}');
    return 0;
}

/* Runs @run (a query or a report of @conn) with the rows into a table or
 * the document {"rows": [...]}; then prints the table. Returns the exit
 * status, after printing what failed (@what, naming @object). */
static int
printRows(int (*run)(scConnect *conn, const void *arg, scConnectQueryFunc cb, void *opaque),
          scConnect *conn, const void *arg, const char *object, const char *what)
{
    RowsOut o = { NULL, NULL, 0 };
    cliJson j;
    int status = CLI_EXIT_OK;
    int n;

    if (cliJsonMode()) {
        cliJsonBegin(&j, stdout, false);
        cliJsonOpen(&j, "rows", '[');
        o.j = &j;
    }
    n = run(conn, arg, rowsCallback, &o);
    if (o.j) {
        cliJsonClose(&j, ']');
        cliJsonEnd(&j);
    }
    if (n < 0)
        status = cliLibError(object, "%s", what);
    else if (o.tb)
        status = cliTablePrint(o.tb);
    scols_unref_table(o.tb);
    return status;
}

/* ---- query ---------------------------------------------------------- */

/* Parses a duration for --timeout: N (seconds), Nms, Ns, Nm. Returns
 * CLI_CONTINUE with *@ms set, or a usage error. */
static int
parseTimeout(const cliVerb *verb, const char *text, unsigned int *ms)
{
    char *end;
    unsigned long long n;
    unsigned long long scale = 1000;

    errno = 0;
    n = strtoull(text, &end, 10);
    if (end != text && text[0] != '-') {
        if (strcmp(end, "ms") == 0)
            scale = 1;
        else if (strcmp(end, "m") == 0)
            scale = 60000;
        else if (*end && strcmp(end, "s") != 0)
            end = (char *) text;
    }
    if (errno || end == text || text[0] == '-' || n > UINT_MAX / scale)
        return cliUsageError(verb,
                             "invalid --timeout '%s': a number of seconds, or with ms, s "
                             "or m",
                             cliSafe(text));
    *ms = (unsigned int) (n * scale);
    return CLI_CONTINUE;
}

/* The query of @conn that printRows runs: the SQL @arg. */
static int
runQuery(scConnect *conn, const void *arg, scConnectQueryFunc cb, void *opaque)
{
    return scConnectQuery(conn, arg, cb, opaque, 0);
}

static int
cmdQuery(cliContext *ctx, const cliArgs *args)
{
    const char *timeout = cliOptValue(args, "timeout");
    scConnect *conn;
    unsigned int ms = 0;
    int status;

    if (timeout && (status = parseTimeout(args->verb, timeout, &ms)) != CLI_CONTINUE)
        return status;
    /* A query only reads: a read-only connection is enough. */
    ctx->flags |= SC_CONNECT_RO;
    if (!(conn = cliConnect(ctx)))
        return CLI_EXIT_FAILED;
    if (timeout && scConnectSetQueryTimeout(conn, ms) < 0)
        return cliLibError(NULL, "failed to set the time limit");
    return printRows(runQuery, conn, args->params[0], NULL, "query failed");
}

/* ---- report --------------------------------------------------------- */

/* A report and the pool it is limited to (NULL: every pool). */
typedef struct {
    const char *name;
    const char *pool;
} reportArg;

static int
runReport(scConnect *conn, const void *arg, scConnectQueryFunc cb, void *opaque)
{
    const reportArg *r = arg;

    return scConnectReport(conn, r->name, r->pool, cb, opaque, 0);
}

static int
cmdReport(cliContext *ctx, const cliArgs *args)
{
    reportArg r = { args->params[0], cliOptValue(args, "pool") };
    const char *html = cliOptValue(args, "html");
    char what[256];
    scConnect *conn;

    if (!knownName(r.name, reportNames, sizeof(reportNames) / sizeof(reportNames[0])))
        return cliUsageError(args->verb,
                             "unknown report '%s' (there are pools, volumes, unused, missing, "
                             "unmanaged-disks, chains, growth, drift)",
                             cliSafe(r.name));
    if (html) {
        if (strcmp(r.name, "pools") != 0)
            return cliUsageError(args->verb, "--html is for report 'pools' only, not report '%s'",
                                 cliSafe(r.name));
        if (cliJsonMode())
            return cliUsageError(args->verb, "give --html or --json, not both");
        if (!html[0])
            return cliUsageError(args->verb, "--html needs a FILE ('-': standard output)");
        return cliReportHtml(ctx, r.pool, html);
    }
    ctx->flags |= SC_CONNECT_RO;
    if (!(conn = cliConnect(ctx)))
        return CLI_EXIT_FAILED;
    snprintf(what, sizeof(what), "report '%s' failed", r.name);
    return printRows(runReport, conn, &r, r.name, what);
}

/* ---- config ------------------------------------------------------------ */

static int
cmdConfig(cliContext *ctx, const cliArgs *args)
{
    const char *name = args->params[0];
    const char *value = args->params[1];
    bool unset = cliOptFlag(args, "unset");
    _cleanup_free_ char *now = NULL;
    scConnect *conn;
    cliJson j;

    if (unset && value)
        return cliUsageError(args->verb, "give VALUE or --unset, not both");
    if (!knownName(name, settingNames, sizeof(settingNames) / sizeof(settingNames[0])))
        return cliUsageError(args->verb, "unknown setting '%s' (there is events.retention)",
                             cliSafe(name));
    if (!(conn = cliConnect(ctx)))
        return CLI_EXIT_FAILED;
    if ((value || unset) && scConnectSetCatalogOption(conn, name, value, 0) < 0) {
        /* The setting is known: what the library refuses is the value
         * (its message without libvirt's "invalid argument: "). */
        if (scGetLastErrorCode() == SC_ERR_INVALID_ARG) {
            const char *msg = scGetLastErrorMessage();
            const char *prefix = "invalid argument: ";

            if (strncmp(msg, prefix, strlen(prefix)) == 0)
                msg += strlen(prefix);
            return cliUsageError(args->verb, "%s", cliSafe(msg));
        }
        return cliLibError(name, "failed to set '%s'", cliSafe(name));
    }
    if (!(now = scConnectGetCatalogOption(conn, name, 0)))
        return cliLibError(name, "failed to read '%s'", cliSafe(name));
    if (!cliJsonMode()) {
        printf("%s = %s\n", cliSafe(name), cliSafe(now));
        return CLI_EXIT_OK;
    }
    /* storcat(1), JSON OUTPUT, "The setting object". */
    cliJsonBegin(&j, stdout, false);
    cliJsonOpen(&j, "setting", '{');
    cliJsonStr(&j, "name", name);
    cliJsonStr(&j, "value", now);
    cliJsonClose(&j, '}');
    cliJsonEnd(&j);
    return CLI_EXIT_OK;
}

static const cliOption configParams[] = {
    { "SETTING", NULL, "a setting kept in the catalog: events.retention" },
    { "[VALUE]", NULL, "its new value (events.retention: 90d, 12h, 2w, ..., or forever)" },
    { NULL, NULL, NULL },
};

static const cliOption configOptions[] = {
    { "unset", NULL, "restore the default" },
    { NULL, NULL, NULL },
};

static const cliOption queryParams[] = {
    { "SQL", NULL, "one SQL statement that reads (the report_* views: see storcat(1) REPORTS)" },
    { NULL, NULL, NULL },
};

static const cliOption queryOptions[] = {
    { "timeout", "TIME", "stop the query after TIME (seconds, or with ms, s, m; default 10 s)" },
    { NULL, NULL, NULL },
};

static const cliOption reportParams[] = {
    { "REPORT", NULL, "pools, volumes, unused, missing, unmanaged-disks or chains" },
    { NULL, NULL, NULL },
};

static const cliOption reportOptions[] = {
    { "pool", "POOL", "only the rows of that pool" },
    { "html", "FILE", "report pools only: write a self-contained HTML page to FILE ('-': stdout)" },
    { NULL, NULL, NULL },
};

const cliVerb cliReportVerbs[] = {
    { "report", cmdReport, "print a report on the catalog (read-only)", reportParams,
      reportOptions },
    { "query", cmdQuery, "run a read-only SQL query over the catalog", queryParams, queryOptions },
    { "config", cmdConfig, "show or set a setting kept in the catalog", configParams,
      configOptions },
    { NULL, NULL, NULL, NULL, NULL },
};
