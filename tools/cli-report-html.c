/*
 * cli-report-html.c: `storcat report pools --html FILE`, the catalog's
 * pools as one self-contained HTML page: no script, no network, no
 * external style sheet, font or image (the style is inline CSS, the bars
 * are divs with a width in percent), for a browser, a mail or a ticket.
 *
 * The page has four sections, each written as its rows come from the
 * library (nothing is held but the current row, so a catalog of a million
 * volumes costs no memory here):
 *   Pools            report_pools: a row per pool with its sizes and a
 *                    bar (used by volumes / other data / free), the sum of
 *                    the volumes' capacities and overcommit
 *   Largest volumes  the 20 present volumes that take the most space
 *   Unused volumes   report_unused, largest first, 50 and a count of the rest
 *   Broken chains    the links of report chains whose file is gone (broken)
 *                    or whose volume is missing
 *
 * Every string from the catalog (names, paths, formats, states: anything a
 * file name or a definition put there) goes through htmlText(), the one
 * escaping function, which also keeps the page valid UTF-8 without
 * control characters whatever bytes the name has.
 *
 * The page goes to a temporary file in FILE's directory, renamed over FILE
 * once complete: a reader never sees half a page, and a failure leaves
 * FILE as it was. "-" is standard output.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* How many volumes the largest and the unused lists show. */
#define LARGEST_ROWS 20
#define UNUSED_ROWS  50

/* ---- text ------------------------------------------------------------- */

/*
 * htmlText:
 * Writes @s as HTML text, fit for an element's content and for a quoted
 * attribute value alike: & < > " ' as references; what HTML does not
 * allow in a document or a reader cannot see as the cliSafe() escapes of
 * the tool's messages: control characters as "\n", "\t", "\x01", the C1
 * controls and noncharacters as "\u0085", and each byte of invalid UTF-8
 * as "\xff". The one function every catalog string goes through.
 */
static void
htmlText(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *) s;
    unsigned int cp;
    size_t n;

    for (; *p; p += n) {
        if (!(n = scUtf8Sequence(p, &cp))) {
            fprintf(out, "\\x%02x", *p);
            n = 1;
            continue;
        }
        switch (cp) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        case '\'':
            fputs("&#39;", out);
            break;
        case '\n':
            fputs("\\n", out);
            break;
        case '\t':
            fputs("\\t", out);
            break;
        default:
            if (cp < 0x20 || cp == 0x7f)
                fprintf(out, "\\x%02x", cp);
            else if ((cp >= 0x80 && cp < 0xa0) || (cp >= 0xfdd0 && cp <= 0xfdef) ||
                     (cp & 0xfffe) == 0xfffe)
                fprintf(out, "\\u%04x", cp);
            else
                fwrite(p, 1, n, out);
        }
    }
}

/* ---- a row's values ----------------------------------------------------- */

/* One row of a query or report, its values found by column name. */
typedef struct {
    int ncols;
    const char *const *names;
    const char *const *values;
} Row;

/* The value of column @name (NULL: SQL NULL, no such column, or @row is
 * the header). */
static const char *
get(const Row *row, const char *name)
{
    if (!row->values)
        return NULL;
    for (int i = 0; i < row->ncols; i++) {
        if (strcmp(row->names[i], name) == 0)
            return row->values[i];
    }
    return NULL;
}

/* Column @name as a size in bytes: true with *@bytes set, false for NULL
 * or what is not a whole number of bytes. */
static bool
getSize(const Row *row, const char *name, unsigned long long *bytes)
{
    const char *value = get(row, name);
    char *end;

    if (!value || value[0] < '0' || value[0] > '9')
        return false;
    errno = 0;
    *bytes = strtoull(value, &end, 10);
    return !errno && !*end;
}

/* Writes the text of column @name, or "-" for NULL. */
static void
putValue(FILE *out, const Row *row, const char *name)
{
    const char *value = get(row, name);

    htmlText(out, value ? value : "-");
}

/* Writes a table cell with the value of column @name. */
static void
putCell(FILE *out, const Row *row, const char *name)
{
    fputs("<td>", out);
    putValue(out, row, name);
    fputs("</td>", out);
}

/* Writes a cell with the size in column @name as the tool prints sizes
 * (1.50 GiB), the exact bytes in its title; "-" for NULL. */
static void
putSizeCell(FILE *out, const Row *row, const char *name)
{
    char buf[CLI_SIZE_BUFLEN];
    unsigned long long bytes;

    if (!getSize(row, name, &bytes)) {
        fputs("<td class=\"num\">-</td>", out);
        return;
    }
    fprintf(out, "<td class=\"num\" title=\"%llu bytes\">%s</td>", bytes,
            cliFormatSize(bytes, false, buf));
}

/* ---- the page ----------------------------------------------------------- */

typedef struct {
    FILE *out;
    long long rows;  /* rows of the current section written */
    long long total; /* unused: how many there are in all */
    char *chainTop;  /* broken chains: the path of the current chain's top (a copy) */
} Page;

static const char style[] =
    "body{font-family:sans-serif;margin:1.5em;color:#222;background:#fff}\n"
    "h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em}\n"
    "table{border-collapse:collapse}\n"
    "th,td{border-bottom:1px solid #ddd;padding:.25em .6em;text-align:left;"
    "vertical-align:top}\n"
    "th{background:#f3f3f3}\n"
    "td.num{text-align:right;white-space:nowrap}\n"
    "code{font-size:.9em;word-break:break-all}\n"
    ".meta,.note,.none{color:#555}\n"
    ".bar{display:flex;width:24em;height:1.1em;border:1px solid #999;background:#fff;"
    "-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    ".seg{height:100%}\n"
    ".seg.used{background:#3b6fb6}.seg.other{background:#9aa7b8}.seg.free{background:#8fce8f}\n"
    ".key{display:inline-block;width:.9em;height:.9em;border:1px solid #999;"
    "vertical-align:middle;margin:0 .3em 0 1em}\n"
    ".key.used{background:#3b6fb6}.key.other{background:#9aa7b8}.key.free{background:#8fce8f}\n"
    ".overcommit{color:#b00020;font-weight:bold}\n"
    "tr.overcommitted td{background:#fff0f0}\n"
    ".nobar{color:#555;font-style:italic}\n"
    ".problem{color:#b00020}\n";

static void
pageBegin(FILE *out, scConnect *conn, const char *pool)
{
    const char *catalog = scConnectGetCatalogPath(conn);
    time_t now = time(NULL);
    char when[32] = "";
    struct tm tm;

    if (gmtime_r(&now, &tm))
        strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<title>storcat: storage pools</title>\n<style>\n",
          out);
    fputs(style, out);
    fputs("</style>\n</head>\n<body>\n<h1>Storage pools</h1>\n<p class=\"meta\">Catalog <code>",
          out);
    htmlText(out, catalog ? catalog : "-");
    fprintf(out, "</code>, written %s", when);
    if (pool) {
        fputs("; pool <code>", out);
        htmlText(out, pool);
        fputs("</code> only", out);
    }
    fputs(".</p>\n", out);
}

/* Writes @head, a table's opening, before a section's first row. */
static void
sectionRow(Page *pg, const char *head)
{
    if (pg->rows++ == 0)
        fputs(head, pg->out);
}

/* Ends a section: its table, or "none" if it had no row. */
static void
sectionEnd(Page *pg)
{
    fputs(pg->rows ? "</tbody></table>\n" : "<p class=\"none\">none</p>\n", pg->out);
}

/* ---- pools -------------------------------------------------------------- */

/* @part of @whole in hundredths of a percent, rounded down: 0 to 10000. */
static unsigned int
hundredths(unsigned long long part, unsigned long long whole)
{
    if (part >= whole)
        return 10000;
    if (whole <= ULLONG_MAX / 10000)
        return (unsigned int) (part * 10000 / whole);
    return (unsigned int) ((long double) part * 10000 / (long double) whole);
}

/* One segment of a pool's bar: @bytes of @capacity, as @cls. */
static void
barSegment(FILE *out, const char *cls, const char *what, unsigned long long bytes,
           unsigned long long capacity)
{
    unsigned int w = hundredths(bytes, capacity);
    char buf[CLI_SIZE_BUFLEN];

    fprintf(out,
            "<div class=\"seg %s\" style=\"width:%u.%02u%%\" title=\"%s: %s (%llu bytes)\">"
            "</div>",
            cls, w / 100, w % 100, what, cliFormatSize(bytes, false, buf), bytes);
}

/*
 * The bar of a pool: of its capacity, what its present volumes take (the
 * sum of their allocations, at most the pool's allocation), the rest of
 * its allocation (other data on the pool's storage: files in no volume, a
 * file system's own), and what is available; what is left (blocks a file
 * system keeps for root) stays blank. A pool of capacity 0 (inactive, or
 * never refreshed) has no sizes to draw.
 */
static void
putBar(FILE *out, const Row *row)
{
    unsigned long long capacity = 0, allocation = 0, available = 0, volumes = 0, used, other;

    if (!getSize(row, "capacity", &capacity) || capacity == 0) {
        fputs("<td class=\"usage\"><span class=\"nobar\">no sizes: capacity 0 (inactive or never "
              "refreshed)</span></td>",
              out);
        return;
    }
    getSize(row, "allocation", &allocation);
    getSize(row, "available", &available);
    getSize(row, "volume_allocation", &volumes);
    if (allocation > capacity)
        allocation = capacity;
    used = volumes < allocation ? volumes : allocation;
    other = allocation - used;
    if (available > capacity - allocation)
        available = capacity - allocation;
    fputs("<td class=\"usage\"><div class=\"bar\" data-pool=\"", out);
    htmlText(out, get(row, "pool"));
    fputs("\">", out);
    barSegment(out, "used", "used by volumes", used, capacity);
    barSegment(out, "other", "other data", other, capacity);
    barSegment(out, "free", "free", available, capacity);
    fputs("</div></td>", out);
}

/* The pool's overcommit (the sum of its volumes' capacities over its
 * capacity) in *@ratio: false if it has none (capacity 0). */
static bool
getOvercommit(const Row *row, double *ratio)
{
    const char *text = get(row, "overcommit");
    char *end;

    if (!text)
        return false;
    *ratio = strtod(text, &end);
    return end != text && !*end;
}

/* The overcommit cell: marked when above 1; "-" without a capacity. */
static void
putOvercommit(FILE *out, const Row *row)
{
    double ratio;

    if (!getOvercommit(row, &ratio))
        fputs("<td class=\"num\">-</td>", out);
    else if (ratio > 1.0)
        fprintf(out,
                "<td class=\"num\"><span class=\"overcommit\">overcommitted &#215;%.2f</span>"
                "</td>",
                ratio);
    else
        fprintf(out, "<td class=\"num\">&#215;%.2f</td>", ratio);
}

static int
poolRow(int ncols, const char *const *names, const char *const *values, const int *types,
        void *opaque)
{
    Page *pg = opaque;
    Row row = { ncols, names, values };
    const char *missing = get(&row, "missing");
    FILE *out = pg->out;
    double ratio;

    (void) types;
    if (!values)
        return 0;
    sectionRow(pg, "<table class=\"pools\"><thead><tr><th>Pool</th><th>Type</th><th>State</th>"
                   "<th>Capacity</th><th>Allocation</th><th>Available</th><th>Volumes</th>"
                   "<th>Volume capacity</th><th>Overcommit</th><th>Usage</th></tr></thead>"
                   "<tbody>\n");
    fprintf(out, "<tr class=\"pool%s\">",
            getOvercommit(&row, &ratio) && ratio > 1.0 ? " overcommitted" : "");
    putCell(out, &row, "pool");
    putCell(out, &row, "type");
    putCell(out, &row, "state");
    putSizeCell(out, &row, "capacity");
    putSizeCell(out, &row, "allocation");
    putSizeCell(out, &row, "available");
    fputs("<td class=\"num\">", out);
    putValue(out, &row, "volumes");
    if (missing && strcmp(missing, "0") != 0) {
        fputs(" (", out);
        htmlText(out, missing);
        fputs(" missing)", out);
    }
    fputs("</td>", out);
    putSizeCell(out, &row, "volume_capacity");
    putOvercommit(out, &row);
    putBar(out, &row);
    fputs("</tr>\n", out);
    return 0;
}

static void
poolsLegend(FILE *out)
{
    fputs("<p class=\"note\">Usage of each pool's capacity:"
          "<span class=\"key used\"></span>used by its volumes"
          "<span class=\"key other\"></span>other data"
          "<span class=\"key free\"></span>free"
          " (blank: neither, such as a file system's reserved blocks). Overcommit: the sum of "
          "the volumes' capacities over the pool's capacity.</p>\n",
          out);
}

/* ---- volumes -------------------------------------------------------------- */

/* A row of the largest or the unused volumes: its number, pool, volume,
 * format and sizes, then (@age) its age in days, then its path. */
static void
volumeRow(Page *pg, const Row *row, bool age)
{
    FILE *out = pg->out;

    fprintf(out, "<tr><td class=\"num\">%lld</td>", pg->rows);
    putCell(out, row, "pool");
    putCell(out, row, "volume");
    putCell(out, row, "format");
    putSizeCell(out, row, "capacity");
    putSizeCell(out, row, "allocation");
    if (age) {
        fputs("<td class=\"num\">", out);
        putValue(out, row, "age_days");
        fputs("</td>", out);
    }
    fputs("<td><code>", out);
    putValue(out, row, "path");
    fputs("</code></td></tr>\n", out);
}

static int
largestRow(int ncols, const char *const *names, const char *const *values, const int *types,
           void *opaque)
{
    Page *pg = opaque;
    Row row = { ncols, names, values };

    (void) types;
    if (!values)
        return 0;
    sectionRow(pg, "<table class=\"largest\"><thead><tr><th>#</th><th>Pool</th><th>Volume</th>"
                   "<th>Format</th><th>Capacity</th><th>Allocation</th><th>Path</th></tr>"
                   "</thead><tbody>\n");
    volumeRow(pg, &row, false);
    return 0;
}

static int
unusedRow(int ncols, const char *const *names, const char *const *values, const int *types,
          void *opaque)
{
    Page *pg = opaque;
    Row row = { ncols, names, values };
    unsigned long long total;

    (void) types;
    if (!values)
        return 0;
    if (getSize(&row, "total", &total))
        pg->total = (long long) total;
    sectionRow(pg, "<table class=\"unused\"><thead><tr><th>#</th><th>Pool</th><th>Volume</th>"
                   "<th>Format</th><th>Capacity</th><th>Allocation</th><th>Age (days)</th>"
                   "<th>Path</th></tr></thead><tbody>\n");
    volumeRow(pg, &row, true);
    return 0;
}

/* ---- broken chains -------------------------------------------------------- */

static int
chainRow(int ncols, const char *const *names, const char *const *values, const int *types,
         void *opaque)
{
    Page *pg = opaque;
    Row row = { ncols, names, values };
    const char *broken = get(&row, "broken");
    const char *state = get(&row, "link_state");
    const char *volume = get(&row, "volume");
    const char *depth = get(&row, "depth");
    bool gone = broken && strcmp(broken, "1") == 0;
    bool missing = state && strcmp(state, "missing") == 0;
    FILE *out = pg->out;

    (void) types;
    if (!values)
        return 0;
    /* The top comes first in its chain (depth 0): keep its path for the
     * rows of the broken links below it. */
    if (depth && strcmp(depth, "0") == 0) {
        const char *path = get(&row, "path");

        free(pg->chainTop);
        if (!(pg->chainTop = strdup(path ? path : "-"))) {
            cliErrorCode(CLI_EXIT_FAILED, SC_ERR_NO_MEMORY, SC_FROM_NONE, "out of memory");
            return -1;
        }
    }
    if (!gone && !missing)
        return 0;
    sectionRow(pg, "<table class=\"chains\"><thead><tr><th>Pool</th><th>Chain (top)</th>"
                   "<th>Depth</th><th>Link</th><th>Volume</th><th>Problem</th></tr></thead>"
                   "<tbody>\n");
    fputs("<tr>", out);
    putCell(out, &row, "pool");
    fputs("<td>", out);
    putValue(out, &row, "chain");
    fputs("<br><code>", out);
    htmlText(out, pg->chainTop ? pg->chainTop : "-");
    fputs("</code></td><td class=\"num\">", out);
    putValue(out, &row, "depth");
    fputs("</td><td><code>", out);
    putValue(out, &row, "path");
    fputs("</code></td><td>", out);
    if (volume) {
        putValue(out, &row, "volume_pool");
        fputs(" / ", out);
        htmlText(out, volume);
    } else {
        fputs("uncatalogued", out);
    }
    fprintf(out, "</td><td class=\"problem\">%s%s%s</td></tr>\n", missing ? "volume missing" : "",
            missing && gone ? "; " : "", gone ? "file not on disk" : "");
    return 0;
}

/* ---- the file ------------------------------------------------------------- */

/* A new temporary file next to @file (its name in *@tmp), for the page;
 * NULL after printing why. */
static FILE *
openTemp(const char *file, char **tmp)
{
    const char *slash = strrchr(file, '/');
    _cleanup_free_ char *dir = NULL;
    mode_t mask;
    FILE *out;
    int fd;

    if (!slash)
        dir = strdup(".");
    else
        dir = strndup(file, slash == file ? 1 : (size_t) (slash - file));
    if (!dir || asprintf(tmp, "%s/.%s.XXXXXX", dir, slash ? slash + 1 : file) < 0) {
        *tmp = NULL;
        cliErrorCode(CLI_EXIT_FAILED, SC_ERR_NO_MEMORY, SC_FROM_NONE, "out of memory");
        return NULL;
    }
    if ((fd = mkostemp(*tmp, O_CLOEXEC)) < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            cliErrorCode(CLI_EXIT_FAILED, SC_ERR_SYSTEM_ERROR, SC_FROM_NONE,
                         "cannot write '%s': no directory '%s'", cliSafe(file), cliSafe(dir));
        else
            cliErrorCode(CLI_EXIT_FAILED, SC_ERR_SYSTEM_ERROR, SC_FROM_NONE,
                         "cannot write '%s': failed to create a file in '%s': %s", cliSafe(file),
                         cliSafe(dir), strerror(errno));
        free(*tmp);
        *tmp = NULL;
        return NULL;
    }
    /* The page is an ordinary file: as open(2) with 0666 makes one, not
     * mkostemp's 0600. */
    mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) < 0 || !(out = fdopen(fd, "w"))) {
        cliErrorCode(CLI_EXIT_FAILED, SC_ERR_SYSTEM_ERROR, SC_FROM_NONE, "cannot write '%s': %s",
                     cliSafe(file), strerror(errno));
        close(fd);
        unlink(*tmp);
        free(*tmp);
        *tmp = NULL;
        return NULL;
    }
    return out;
}

/* Closes @out, the page; unless @ok, or if writing failed, removes @tmp
 * and prints why. Else renames @tmp to @file (@tmp NULL: @out is standard
 * output, flushed). Returns an exit status. */
static int
closePage(FILE *out, const char *tmp, const char *file, bool ok)
{
    int err = 0;

    errno = 0;
    if (!tmp) {
        if (fflush(out) != 0 || ferror(out))
            return cliErrorCode(CLI_EXIT_FAILED, SC_ERR_SYSTEM_ERROR, SC_FROM_NONE,
                                "failed to write the page to standard output: %s",
                                strerror(errno ? errno : EIO));
        return ok ? CLI_EXIT_OK : cliFailureStatus();
    }
    if (ok && (fflush(out) != 0 || ferror(out) || fsync(fileno(out)) < 0))
        err = errno ? errno : EIO;
    if (fclose(out) != 0 && ok && !err)
        err = errno;
    if (ok && !err && rename(tmp, file) < 0)
        err = errno;
    if (ok && !err)
        return CLI_EXIT_OK;
    unlink(tmp);
    if (!ok)
        return cliFailureStatus();
    return cliErrorCode(CLI_EXIT_FAILED, SC_ERR_SYSTEM_ERROR, SC_FROM_NONE,
                        "failed to write '%s': %s", cliSafe(file), strerror(err));
}

/* Keeps the UUID of the pool of a row of report pools in @opaque (a
 * buffer of UUID_BUFLEN bytes), if it looks like one. */
#define UUID_BUFLEN 64
static int
poolUuidRow(int ncols, const char *const *names, const char *const *values, const int *types,
            void *opaque)
{
    Row row = { ncols, names, values };
    const char *uuid;

    (void) types;
    if (!values)
        return 0;
    uuid = get(&row, "uuid");
    snprintf(opaque, UUID_BUFLEN, "%s", uuid && cliLooksLikeUUID(uuid) ? uuid : "");
    return 0;
}

/* Writes the page's sections to @pg->out. Returns 0, or -1 after printing
 * why. */
static int
writeSections(scConnect *conn, Page *pg, const char *pool, const char *poolUuid)
{
    char where[128] = "";
    char sql[512];

    /* A pool given is known by its UUID, checked to be one: nothing of
     * what a user typed is pasted into SQL. */
    if (pool)
        snprintf(where, sizeof(where), " AND pool_uuid = '%s'", poolUuid);

    fputs("<h2 id=\"pools\">Pools</h2>\n", pg->out);
    pg->rows = 0;
    if (scConnectReport(conn, "pools", pool, poolRow, pg, 0) < 0)
        goto failed;
    sectionEnd(pg);
    if (pg->rows)
        poolsLegend(pg->out);

    fprintf(pg->out,
            "<h2 id=\"largest\">Largest volumes</h2>\n<p class=\"note\">The %d present "
            "volumes that take the most space (allocation).</p>\n",
            LARGEST_ROWS);
    pg->rows = 0;
    snprintf(sql, sizeof(sql),
             "SELECT pool, volume, format, capacity, allocation, path FROM report_volumes"
             " WHERE state = 'present'%s"
             " ORDER BY allocation DESC, capacity DESC, pool, volume LIMIT %d",
             where, LARGEST_ROWS);
    if (scConnectQuery(conn, sql, largestRow, pg, 0) < 0)
        goto failed;
    sectionEnd(pg);

    fputs("<h2 id=\"unused\">Unused volumes</h2>\n<p class=\"note\">Present volumes no imported "
          "domain uses, directly or through a backing chain, largest first.</p>\n",
          pg->out);
    pg->rows = 0;
    pg->total = 0;
    snprintf(sql, sizeof(sql),
             "SELECT pool, volume, format, capacity, allocation, age_days, path,"
             " count(*) OVER () AS total FROM report_unused WHERE 1%s"
             " ORDER BY allocation DESC, capacity DESC, pool, volume LIMIT %d",
             where, UNUSED_ROWS);
    if (scConnectQuery(conn, sql, unusedRow, pg, 0) < 0)
        goto failed;
    sectionEnd(pg);
    if (pg->total > pg->rows)
        fprintf(pg->out, "<p class=\"more\">and %lld more (%lld unused volumes in all)</p>\n",
                pg->total - pg->rows, pg->total);

    fputs("<h2 id=\"chains\">Broken chains</h2>\n<p class=\"note\">Links of backing chains "
          "whose file is not on disk or whose volume is missing.</p>\n",
          pg->out);
    pg->rows = 0;
    if (scConnectReport(conn, "chains", pool, chainRow, pg, 0) < 0)
        goto failed;
    sectionEnd(pg);
    return 0;

failed:
    cliLibError(NULL, "failed to read the catalog for the page");
    return -1;
}

int
cliReportHtml(cliContext *ctx, const char *pool, const char *file)
{
    bool stdoutput = strcmp(file, "-") == 0;
    _cleanup_free_ char *tmp = NULL;
    char poolUuid[UUID_BUFLEN] = "";
    Page pg = { 0 };
    scConnect *conn;
    int r;

    ctx->flags |= SC_CONNECT_RO;
    if (!(conn = cliConnect(ctx)))
        return CLI_EXIT_FAILED;
    /* An unknown pool is an error before anything is written. */
    if (pool) {
        if (scConnectReport(conn, "pools", pool, poolUuidRow, poolUuid, 0) < 0)
            return cliLibError(pool, "report 'pools' failed");
        if (!poolUuid[0])
            return cliErrorCode(CLI_EXIT_NOT_FOUND, SC_ERR_NO_STORAGE_POOL, SC_FROM_NONE,
                                "no pool '%s' in the catalog", cliSafe(pool));
    }
    if (!(pg.out = stdoutput ? stdout : openTemp(file, &tmp)))
        return CLI_EXIT_FAILED;
    pageBegin(pg.out, conn, pool);
    r = writeSections(conn, &pg, pool, poolUuid);
    free(pg.chainTop);
    fputs("</body>\n</html>\n", pg.out);
    return closePage(pg.out, tmp, file, r == 0);
}
