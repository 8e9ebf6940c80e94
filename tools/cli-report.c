/*
 * cli-report.c: the storcat tool's verbs that answer questions about the
 * catalog rather than change storage: query (read-only SQL), report (the
 * documented report views), events (the audit trail) and config (the
 * settings kept in the catalog).
 *
 * Output is a table (libsmartcols) or, with --json, a document written
 * row by row as the library hands rows out, so that a report of a million
 * volumes costs no memory here: {"rows": [{column: value, ...}, ...]}
 * with integers and reals as JSON numbers and NULL as null.
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <time.h>

#include "cli.h"

/* --json: the verb's own option. (Where the command line takes --json
 * for every verb, this is the one place to ask it.) */
static bool
wantJson(const cliArgs *args)
{
    return cliOptFlag(args, "json");
}

/* ---- rows: a table, or JSON as they come ---------------------------- */

typedef struct {
    bool json;
    FILE *out;
    struct libscols_table *tb; /* text: the table being filled */
    long long rows;
    const char *key; /* JSON: the array's name */
    bool started;    /* JSON: the document is open */
} RowsOut;

/* Writes @value of type @type as a JSON value. */
static void
jsonValue(FILE *out, const char *value, int type)
{
    if (!value || type == SC_QUERY_NULL)
        fputs("null", out);
    else if (type == SC_QUERY_INTEGER)
        fputs(value, out);
    else if (type == SC_QUERY_FLOAT && strspn(value, "0123456789.-+eE") == strlen(value) &&
             strcmp(value, "-") != 0)
        fputs(value, out);
    else
        cliJsonPutString(out, value);
}

static int
rowsHeader(RowsOut *o, int ncols, const char *const *names)
{
    if (o->json) {
        o->started = true;
        fputs("{\n  ", o->out);
        cliJsonPutString(o->out, o->key);
        fputs(": [", o->out);
        return 0;
    }
    if (!(o->tb = scols_new_table())) {
        cliError("out of memory");
        return -1;
    }
    for (int i = 0; i < ncols; i++) {
        if (!scols_table_new_column(o->tb, names[i], 0, 0)) {
            cliError("out of memory");
            return -1;
        }
    }
    return 0;
}

/* One query row: 0, or -1 after printing why. */
static int
cliRowsAdd(void *opaque, int ncols, const char *const *names, const char *const *values,
           const int *types)
{
    RowsOut *o = opaque;

    if (!values)
        return rowsHeader(o, ncols, names);
    if (o->json) {
        fputs(o->rows ? ",\n    {" : "\n    {", o->out);
        for (int i = 0; i < ncols; i++) {
            fputs(i ? ", " : "", o->out);
            cliJsonPutString(o->out, names[i]);
            fputs(": ", o->out);
            jsonValue(o->out, values[i], types[i]);
        }
        fputc('}', o->out);
    } else {
        struct libscols_line *ln = scols_table_new_line(o->tb, NULL);
        for (int i = 0; ln && i < ncols; i++) {
            if (values[i] && scols_line_set_data(ln, (size_t) i, values[i]) < 0)
                ln = NULL;
        }
        if (!ln) {
            cliError("out of memory");
            return -1;
        }
    }
    o->rows++;
    return 0;
}

static int
rowsCallback(int ncols, const char *const *names, const char *const *values, const int *types,
             void *opaque)
{
    return cliRowsAdd(opaque, ncols, names, values, types);
}

/* The end: the table printed, or the JSON document closed. */
static int
rowsEnd(RowsOut *o, bool ok)
{
    int status = ok ? CLI_EXIT_OK : CLI_EXIT_FAILED;

    if (o->json && o->started)
        fputs(o->rows ? "\n  ]\n}\n" : "]\n}\n", o->out);
    else if (o->tb && ok && scols_print_table(o->tb) < 0)
        status = CLI_EXIT_FAILED;
    scols_unref_table(o->tb);
    o->tb = NULL;
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

static int
cmdQuery(cliContext *ctx, const cliArgs *args)
{
    const char *timeout = cliOptValue(args, "timeout");
    RowsOut o = { .json = wantJson(args), .out = stdout, .key = "rows" };
    scConnect *conn;
    unsigned int ms = 0;
    int status, n;

    if (timeout && (status = parseTimeout(args->verb, timeout, &ms)) != CLI_CONTINUE)
        return status;
    /* A query only reads: a read-only connection is enough. */
    ctx->flags |= SC_CONNECT_RO;
    if (!(conn = cliConnect(ctx)))
        return CLI_EXIT_FAILED;
    if (timeout && scConnectSetQueryTimeout(conn, ms) < 0) {
        cliLibError(NULL, "failed to set the time limit");
        return CLI_EXIT_FAILED;
    }
    n = scConnectQuery(conn, args->params[0], rowsCallback, &o, 0);
    status = rowsEnd(&o, n >= 0);
    if (n < 0)
        cliLibError(NULL, "query failed");
    return status;
}

/* ---- report --------------------------------------------------------- */

static int
cmdReport(cliContext *ctx, const cliArgs *args)
{
    const char *name = args->params[0];
    const char *pool = cliOptValue(args, "pool");
    RowsOut o = { .json = wantJson(args), .out = stdout, .key = "rows" };
    scConnect *conn;
    int status, n;

    ctx->flags |= SC_CONNECT_RO;
    if (!(conn = cliConnect(ctx)))
        return CLI_EXIT_FAILED;
    n = scConnectReport(conn, name, pool, rowsCallback, &o, 0);
    status = rowsEnd(&o, n >= 0);
    if (n < 0)
        cliLibError(name, "report '%s' failed", cliSafe(name));
    return status;
}

/* ---- events --------------------------------------------------------- */

/*
 * cliParseTime:
 * @text as seconds since the epoch: ISO 8601 ("2024-05-01",
 * "2024-05-01T10:00", "2024-05-01T10:00:00Z", "...+02:00"; no zone:
 * UTC, as storcat prints times), a relative time before now ("-7d",
 * "-2h", "-30m", "-45s", "-1w"), or "now". 0, or -1 if it does not parse.
 */
static int
cliParseTime(const char *text, long long *when)
{
    static const char *const formats[] = {
        "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d",
    };
    time_t now = time(NULL);
    struct tm tm;
    char *end;

    if (strcmp(text, "now") == 0) {
        *when = (long long) now;
        return 0;
    }
    if (text[0] == '-') {
        long long n, unit;
        errno = 0;
        n = strtoll(text + 1, &end, 10);
        if (errno || end == text + 1 || n < 0 || !end[0] || end[1])
            return -1;
        switch (end[0]) {
        case 's':
            unit = 1;
            break;
        case 'm':
            unit = 60;
            break;
        case 'h':
            unit = 3600;
            break;
        case 'd':
            unit = 86400;
            break;
        case 'w':
            unit = 604800;
            break;
        default:
            return -1;
        }
        if (n > (long long) now / unit)
            return -1;
        *when = (long long) now - n * unit;
        return 0;
    }
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        long long offset = 0;
        memset(&tm, 0, sizeof(tm));
        end = strptime(text, formats[i], &tm);
        if (!end)
            continue;
        if (end[0] == 'Z' && !end[1]) {
            end++;
        } else if ((end[0] == '+' || end[0] == '-') && strlen(end) == 6 && end[3] == ':') {
            int h = 0, m = 0;
            if (sscanf(end + 1, "%2d:%2d", &h, &m) != 2 || h > 23 || m > 59)
                continue;
            offset = (h * 3600LL + m * 60) * (end[0] == '+' ? 1 : -1);
            end += 6;
        }
        if (*end)
            continue;
        *when = (long long) timegm(&tm) - offset;
        return 0;
    }
    return -1;
}

/* "2024-05-01T10:00:00Z" of @when into @buf (32 bytes). */
static const char *
isoTime(long long when, char *buf)
{
    time_t t = (time_t) when;
    struct tm tm;

    if (!gmtime_r(&t, &tm) || !strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(buf, 32, "%lld", when);
    return buf;
}

typedef struct {
    bool json;
    long long count;
} EventsOut;

static int
eventCallback(const scAuditEvent *ev, void *opaque)
{
    EventsOut *o = opaque;
    char when[32];

    isoTime(ev->time, when);
    if (o->json) {
        fprintf(stdout,
                "%s{\"id\": %lld, \"time\": \"%s\", \"action\": ", o->count ? ",\n    " : "\n    ",
                ev->id, when);
        cliJsonPutString(stdout, ev->action);
        fputs(", \"pool\": ", stdout);
        cliJsonPutString(stdout, ev->poolName);
        fputs(", \"pool_uuid\": ", stdout);
        cliJsonPutString(stdout, ev->poolUUID);
        fputs(", \"volume\": ", stdout);
        cliJsonPutString(stdout, ev->volumeName);
        fputs(", \"volume_uuid\": ", stdout);
        cliJsonPutString(stdout, ev->volumeUUID);
        fputs(", \"detail\": ", stdout);
        cliJsonPutString(stdout, ev->detail);
        fputs(", \"actor\": ", stdout);
        cliJsonPutString(stdout, ev->actor);
        fputc('}', stdout);
    } else {
        printf("%lld %s %s", ev->id, when, cliSafe(ev->action));
        if (ev->poolName || ev->volumeName)
            printf(" %s%s%s", ev->poolName ? cliSafe(ev->poolName) : "", ev->volumeName ? "/" : "",
                   ev->volumeName ? cliSafe(ev->volumeName) : "");
        if (ev->detail)
            printf(" (%s)", cliSafe(ev->detail));
        printf(" by %s\n", ev->actor ? cliSafe(ev->actor) : "?");
    }
    o->count++;
    return ferror(stdout) ? -1 : 0;
}

static int
cmdEvents(cliContext *ctx, const cliArgs *args)
{
    const char *since = cliOptValue(args, "since");
    const char *until = cliOptValue(args, "until");
    EventsOut o = { .json = cliOptFlag(args, "json") };
    long long from = 0, to = 0;
    scConnect *conn;
    int n;

    if (since && cliParseTime(since, &from) < 0)
        return cliUsageError(args->verb,
                             "invalid --since '%s': an ISO 8601 time (2026-05-01, "
                             "2026-05-01T10:00:00Z) or a time ago (-7d, -2h, -30m)",
                             cliSafe(since));
    if (until && cliParseTime(until, &to) < 0)
        return cliUsageError(args->verb,
                             "invalid --until '%s': an ISO 8601 time (2026-05-01, "
                             "2026-05-01T10:00:00Z) or a time ago (-7d, -2h, -30m)",
                             cliSafe(until));
    if ((since && from <= 0) || (until && to <= 0))
        return cliUsageError(args->verb, "--since and --until must be after 1970");
    ctx->flags |= SC_CONNECT_RO;
    if (!(conn = cliConnect(ctx)))
        return CLI_EXIT_FAILED;
    if (o.json)
        fputs("{\n  \"events\": [", stdout);
    n = scConnectListEvents(conn, cliOptValue(args, "pool"), cliOptValue(args, "volume"),
                            cliOptValue(args, "action"), from, to, 0, eventCallback, &o, 0);
    if (o.json)
        fputs(o.count ? "\n  ]\n}\n" : "]\n}\n", stdout);
    if (n < 0) {
        cliLibError(NULL, "failed to read the events");
        return CLI_EXIT_FAILED;
    }
    return CLI_EXIT_OK;
}

static const cliOption eventsOptions[] = {
    { "pool", "POOL", "events of that pool (name or UUID)" },
    { "volume", "VOL", "events of that volume (name, UUID or path)" },
    { "action", "ACTION", "events of that action, or of a prefix ending in '-' (vol-)" },
    { "since", "TIME", "from TIME: ISO 8601 (2026-05-01T10:00:00Z) or ago (-7d, -2h, -30m)" },
    { "until", "TIME", "up to TIME (as --since)" },
    { "json", NULL, "print JSON" },
    { NULL, NULL, NULL },
};

/* ---- config ------------------------------------------------------------ */

static int
cmdConfig(cliContext *ctx, const cliArgs *args)
{
    const char *name = args->params[0];
    const char *value = args->params[1];
    bool unset = cliOptFlag(args, "unset");
    _cleanup_free_ char *now = NULL;
    scConnect *conn;

    if (unset && value)
        return cliUsageError(args->verb, "give VALUE or --unset, not both");
    if (!(conn = cliConnect(ctx)))
        return CLI_EXIT_FAILED;
    if ((value || unset) && scConnectSetCatalogOption(conn, name, value, 0) < 0) {
        cliLibError(name, "failed to set '%s'", cliSafe(name));
        return CLI_EXIT_FAILED;
    }
    if (!(now = scConnectGetCatalogOption(conn, name, 0))) {
        cliLibError(name, "failed to read '%s'", cliSafe(name));
        return CLI_EXIT_FAILED;
    }
    printf("%s = %s\n", cliSafe(name), cliSafe(now));
    return CLI_EXIT_OK;
}

static const cliOption configParams[] = {
    { "NAME", NULL, "a setting kept in the catalog: events.retention" },
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
    { "json", NULL, "print JSON" },
    { "timeout", "TIME", "stop the query after TIME (seconds, or with ms, s, m; default 10 s)" },
    { NULL, NULL, NULL },
};

static const cliOption reportParams[] = {
    { "NAME", NULL, "pools, volumes, unused, missing, unmanaged-disks or chains" },
    { NULL, NULL, NULL },
};

static const cliOption reportOptions[] = {
    { "pool", "POOL", "only the rows of that pool" },
    { "json", NULL, "print JSON" },
    { NULL, NULL, NULL },
};

const cliVerb cliReportVerbs[] = {
    { "report", cmdReport, "print a report on the catalog (read-only)", reportParams,
      reportOptions },
    { "query", cmdQuery, "run a read-only SQL query over the catalog", queryParams, queryOptions },
    { "config", cmdConfig, "show or set a setting kept in the catalog", configParams,
      configOptions },
    { "events", cmdEvents, "print the audit trail, in commit order", NULL, eventsOptions },
    { NULL, NULL, NULL, NULL, NULL },
};
