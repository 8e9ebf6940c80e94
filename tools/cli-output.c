/*
 * cli-output.c: how the storcat tool speaks: confirmations, notes and
 * errors (as text, or as JSON with --json), the exit status an error
 * stands for, JSON documents, XML escaping, sizes and text tables.
 *
 * Every error goes through one function (report), so that --json turns
 * every one of them into {"error": {"code", "domain", "message"}} and the
 * first one decides the exit status: the verbs return CLI_EXIT_FAILED and
 * main asks cliFailureStatus() what kind of failure it was.
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "cli.h"

/* cliSafe: how many results live at once, and how long each may be. */
#define CLI_SAFE_SLOTS  4
#define CLI_SAFE_BUFLEN 256

/* Room for one error message, escaped. */
#define CLI_MESSAGE_BUFLEN 1024

/* ---- output modes --------------------------------------------------- */

static struct {
    bool json;   /* --json */
    bool quiet;  /* -q, --quiet */
    int failure; /* the exit status of the first error printed, or 0 */
} output;

void
cliSetOutputMode(bool json, bool quiet)
{
    output.json = json;
    output.quiet = quiet;
}

bool
cliJsonMode(void)
{
    return output.json;
}

bool
cliQuietMode(void)
{
    return output.quiet;
}

void
cliInfo(const char *fmt, ...)
{
    va_list ap;

    if (output.quiet || output.json)
        return;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

void
cliNote(const char *fmt, ...)
{
    va_list ap;

    if (output.quiet)
        return;
    fflush(stdout); /* keep the order of what was printed before */
    fputs("note: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* ---- messages ------------------------------------------------------- */

/* Copies @s into @buf (of @size bytes) escaped for a terminal: newline
 * and tab as \n and \t, other control characters as \xNN, the C1 ones
 * as \u00NN, and each byte that is not UTF-8 (a file name is bytes) as
 * \xNN; what does not fit is cut, at a character's boundary, and ends in
 * "...". */
static void
escapeInto(char *buf, size_t size, const char *s)
{
    size_t len = 0, room = size - 4; /* keep room for "..." and the NUL */
    size_t n;

    for (const unsigned char *p = (const unsigned char *) s; *p; p += n) {
        char esc[8];
        unsigned int cp;
        size_t elen;

        if (!(n = scUtf8Sequence(p, &cp))) {
            n = 1;
            elen = (size_t) snprintf(esc, sizeof(esc), "\\x%02x", *p);
        } else if (cp == '\n' || cp == '\t') {
            elen = (size_t) snprintf(esc, sizeof(esc), "\\%c", cp == '\n' ? 'n' : 't');
        } else if (cp < 0x20 || cp == 0x7f) {
            elen = (size_t) snprintf(esc, sizeof(esc), "\\x%02x", cp);
        } else if (cp >= 0x80 && cp < 0xa0) {
            elen = (size_t) snprintf(esc, sizeof(esc), "\\u%04x", cp);
        } else {
            memcpy(esc, p, n);
            elen = n;
        }
        if (len + elen > room) {
            memcpy(buf + len, "...", 4);
            return;
        }
        memcpy(buf + len, esc, elen);
        len += elen;
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


/* Prints the error @msg (one line, escaped already) as text or JSON, and
 * keeps @status if it is the first error. Returns @status. */
static int
report(int status, int code, int domain, const char *msg)
{
    cliJson j;

    if (!output.failure)
        output.failure = status;
    fflush(stdout); /* keep the order of what was printed before */
    if (!output.json) {
        fprintf(stderr, CLI_PROGRAM ": error: %s\n", msg);
        return status;
    }
    cliJsonBegin(&j, stderr, true);
    cliJsonOpen(&j, "error", '{');
    cliJsonNum(&j, "code", (unsigned long long) code);
    cliJsonNum(&j, "domain", (unsigned long long) domain);
    cliJsonStr(&j, "message", msg);
    cliJsonClose(&j, '}');
    cliJsonEnd(&j);
    return status;
}

/* Formats @fmt into a one-line message and reports it. */
static int
vreport(int status, int code, int domain, const char *fmt, va_list ap)
{
    char raw[CLI_MESSAGE_BUFLEN], msg[CLI_MESSAGE_BUFLEN];

    vsnprintf(raw, sizeof(raw), fmt, ap);
    escapeInto(msg, sizeof(msg), raw);
    return report(status, code, domain, msg);
}

int
cliFailureStatus(void)
{
    return output.failure ? output.failure : CLI_EXIT_FAILED;
}

void
cliError(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport(CLI_EXIT_FAILED, SC_ERR_OPERATION_FAILED, SC_FROM_NONE, fmt, ap);
    va_end(ap);
}

int
cliErrorCode(int status, int code, int domain, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport(status, code, domain, fmt, ap);
    va_end(ap);
    return status;
}

int
cliUsageError(const cliVerb *verb, const char *fmt, ...)
{
    char what[CLI_MESSAGE_BUFLEN];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (verb)
        return cliErrorCode(CLI_EXIT_USAGE, SC_ERR_INVALID_ARG, SC_FROM_NONE,
                            "%s: %s (see '" CLI_PROGRAM " %s --help')", verb->name, what,
                            verb->name);
    return cliErrorCode(CLI_EXIT_USAGE, SC_ERR_INVALID_ARG, SC_FROM_NONE,
                        "%s (see '" CLI_PROGRAM " --help')", what);
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

/* Whether @p, in @msg, starts the name of a library function: "sc" and
 * a capital, at the start of a word ("scStorageVolResize"). Returns its
 * length, or 0. */
static size_t
functionName(const char *msg, const char *p)
{
    size_t len = 2;

    if (p[0] != 's' || p[1] != 'c' || !isupper((unsigned char) p[2]) ||
        (p > msg && (isalnum((unsigned char) p[-1]) || p[-1] == '_')))
        return 0;
    while (isalnum((unsigned char) p[len]) || p[len] == '_')
        len++;
    return len;
}

/* Leaves the library's function names out of @msg, in place: they mean
 * nothing to a user ("unsupported flags (0x4) in function
 * scStorageVolResize", "scStorageVolUpload: offset ..."). The tool checks
 * what it passes, so that such messages should not come; if one does, it
 * still reads as a sentence. */
static void
dropFunctionNames(char *msg)
{
    static const char *const before[] = { " in function ", " in " };
    char *p = msg;

    while (*p) {
        size_t len = functionName(msg, p), cut = 0;
        char *from = p;

        if (!len) {
            p++;
            continue;
        }
        for (size_t i = 0; i < sizeof(before) / sizeof(before[0]); i++) {
            cut = strlen(before[i]);
            if ((size_t) (p - msg) >= cut && strncmp(p - cut, before[i], cut) == 0) {
                from = p - cut;
                break;
            }
        }
        if (from == p && strncmp(p + len, ": ", 2) == 0)
            len += 2;
        memmove(from, p + len, strlen(p + len) + 1);
        p = from;
    }
}

int
cliLibError(const char *object, const char *fmt, ...)
{
    const scError *err = scGetLastError();
    int code = err ? err->code : SC_ERR_INTERNAL_ERROR;
    int domain = err ? err->domain : SC_FROM_NONE;
    int status = code == SC_ERR_NO_STORAGE_POOL || code == SC_ERR_NO_STORAGE_VOL ||
                         code == SC_ERR_NO_SECRET || code == SC_ERR_NO_DOMAIN
                     ? CLI_EXIT_NOT_FOUND
                     : CLI_EXIT_FAILED;
    char libmsg[CLI_MESSAGE_BUFLEN], msg[CLI_MESSAGE_BUFLEN];
    size_t len = 0;
    va_list ap;

    snprintf(libmsg, sizeof(libmsg), "%s", err && err->message ? err->message : "unknown error");
    dropFunctionNames(libmsg);
    /* Stopped by the user's signal, not by "the caller" the library names. */
    if (code == SC_ERR_OPERATION_ABORTED && cliInterrupted())
        snprintf(libmsg, sizeof(libmsg), "operation aborted: interrupted by %s",
                 cliInterrupted() == SIGTERM ? "SIGTERM" : "SIGINT");
    if (!object || !messageNames(libmsg, object)) {
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        len = strlen(msg);
        snprintf(msg + len, sizeof(msg) - len, ": ");
        len = strlen(msg);
    }
    /* One line whatever the message holds; a very long one is cut. */
    escapeInto(msg + len, sizeof(msg) - len, libmsg);
    return report(status, code, domain, msg);
}

/* ---- XML ------------------------------------------------------------ */

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

int
cliPrintXML(const char *xml)
{
    size_t len = strlen(xml);
    cliJson j;

    if (output.json) {
        cliJsonBegin(&j, stdout, false);
        cliJsonStr(&j, "xml", xml);
        cliJsonEnd(&j);
        return CLI_EXIT_OK;
    }
    fputs(xml, stdout);
    if (len == 0 || xml[len - 1] != '\n')
        putchar('\n');
    return CLI_EXIT_OK;
}

/* Keep libxml2's error messages out of stderr (both its handlers): the
 * XPath error is said by the caller, in the tool's words. */
static void
xmlQuiet(void *ctx, const xmlError *err)
{
    (void) ctx;
    (void) err;
}

static void
xmlQuietGeneric(void *ctx, const char *fmt, ...)
{
    (void) ctx;
    (void) fmt;
}

int
cliDumpXML(const cliArgs *args, const char *xml, const char *kind, const char *name)
{
    xmlGenericErrorFunc old_generic = xmlGenericError;
    xmlStructuredErrorFunc old_structured = xmlStructuredError;
    void *old_generic_ctx = xmlGenericErrorContext;
    void *old_structured_ctx = xmlStructuredErrorContext;
    const char *xpath = cliOptValue(args, "xpath");
    bool wrap = cliOptFlag(args, "wrap");
    _cleanup_free_ char *out = NULL;
    xmlXPathContextPtr ctxt = NULL;
    xmlXPathObjectPtr obj = NULL;
    xmlBufferPtr buf = NULL;
    xmlNodePtr root = NULL;
    xmlDocPtr doc, wrapped = NULL;
    int status = CLI_EXIT_FAILED;

    /* --wrap alone is ignored, as by virsh. */
    if (!xpath)
        return cliPrintXML(xml);
    xmlSetGenericErrorFunc(NULL, xmlQuietGeneric);
    xmlSetStructuredErrorFunc(NULL, (xmlStructuredErrorFunc) xmlQuiet);
    /* Blanks dropped, so that a node selected is indented anew, as virsh
     * prints it; no network, no entities (the library's document). */
    doc = xmlReadMemory(xml, (int) strlen(xml), NULL, NULL,
                        XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
                            XML_PARSE_NOWARNING);
    if (!doc || !(ctxt = xmlXPathNewContext(doc)) || !(buf = xmlBufferCreate())) {
        cliErrorCode(CLI_EXIT_FAILED, SC_ERR_XML_ERROR, SC_FROM_NONE,
                     "cannot read the XML of %s '%s'", kind, cliSafe(name));
        goto cleanup;
    }
    if (!(obj = xmlXPathEvalExpression(BAD_CAST xpath, ctxt)) || obj->type != XPATH_NODESET) {
        cliErrorCode(CLI_EXIT_FAILED, SC_ERR_INVALID_ARG, SC_FROM_NONE,
                     "incorrect XPath expression '%s': %s", cliSafe(xpath),
                     obj ? "it does not select nodes" : "it does not parse");
        goto cleanup;
    }
    if (wrap) {
        if (!(wrapped = xmlNewDoc(BAD_CAST "1.0")) ||
            !(root = xmlNewNode(NULL, BAD_CAST "nodes")))
            goto oom;
        xmlDocSetRootElement(wrapped, root);
    }
    for (int i = 0; obj->nodesetval && i < obj->nodesetval->nodeNr; i++) {
        xmlNodePtr node = obj->nodesetval->nodeTab[i];

        /* The document is its root element; a namespace is no node that
         * can be printed alone (as virsh, which fails on it). */
        if (node->type == XML_DOCUMENT_NODE)
            node = xmlDocGetRootElement(doc);
        if (node->type == XML_NAMESPACE_DECL) {
            cliErrorCode(CLI_EXIT_FAILED, SC_ERR_INVALID_ARG, SC_FROM_NONE,
                         "XPath expression '%s' selects a namespace, which cannot be printed",
                         cliSafe(xpath));
            goto cleanup;
        }
        if (wrap) {
            xmlNodePtr copy = xmlDocCopyNode(node, wrapped, 1);
            if (!copy || !xmlAddChild(root, copy)) {
                xmlFreeNode(copy);
                goto oom;
            }
        } else if (xmlNodeDump(buf, doc, node, 0, 1) < 0 || xmlBufferCCat(buf, "\n") != 0) {
            goto oom;
        }
    }
    if (wrap && (xmlNodeDump(buf, wrapped, root, 0, 1) < 0 || xmlBufferCCat(buf, "\n") != 0))
        goto oom;
    if (!(out = strdup((const char *) xmlBufferContent(buf))))
        goto oom;
    /* Nothing selected: nothing printed (as virsh), or {"xml": ""}. */
    if (!*out && !output.json)
        status = CLI_EXIT_OK;
    else
        status = cliPrintXML(out);
    goto cleanup;

oom:
    cliErrorCode(CLI_EXIT_FAILED, SC_ERR_NO_MEMORY, SC_FROM_NONE, "out of memory");
cleanup:
    xmlBufferFree(buf);
    xmlXPathFreeObject(obj);
    xmlXPathFreeContext(ctxt);
    xmlFreeDoc(wrapped);
    xmlFreeDoc(doc);
    xmlSetGenericErrorFunc(old_generic_ctx, old_generic);
    xmlSetStructuredErrorFunc(old_structured_ctx, old_structured);
    return status;
}

/* ---- JSON ----------------------------------------------------------- */

/* Starts a member: the comma after the one before, the line break and
 * the indentation, the key. */
static void
jsonMember(cliJson *j, const char *key)
{
    if (!j->first)
        fputc(',', j->out);
    if (j->compact)
        fputs(j->first ? "" : " ", j->out);
    else
        fprintf(j->out, "\n%*s", 2 * j->depth, "");
    j->first = false;
    if (key) {
        scJsonPutString(j->out, key);
        fputs(": ", j->out);
    }
}

void
cliJsonBegin(cliJson *j, FILE *out, bool compact)
{
    j->out = out;
    j->depth = 1;
    j->first = true;
    j->compact = compact;
    fputc('{', out);
}

void
cliJsonEnd(cliJson *j)
{
    fputs(j->compact || j->first ? "}\n" : "\n}\n", j->out);
}

void
cliJsonOpen(cliJson *j, const char *key, char bracket)
{
    jsonMember(j, key);
    fputc(bracket, j->out);
    j->depth++;
    j->first = true;
}

void
cliJsonClose(cliJson *j, char bracket)
{
    j->depth--;
    if (!j->first && !j->compact)
        fprintf(j->out, "\n%*s", 2 * j->depth, "");
    fputc(bracket, j->out);
    j->first = false;
}

void
cliJsonStr(cliJson *j, const char *key, const char *value)
{
    jsonMember(j, key);
    scJsonPutString(j->out, value);
}

void
cliJsonNum(cliJson *j, const char *key, unsigned long long value)
{
    jsonMember(j, key);
    fprintf(j->out, "%llu", value);
}

void
cliJsonRaw(cliJson *j, const char *key, const char *text)
{
    jsonMember(j, key);
    fputs(text, j->out);
}

void
cliJsonBool(cliJson *j, const char *key, bool value)
{
    jsonMember(j, key);
    fputs(value ? "true" : "false", j->out);
}

void
cliJsonNull(cliJson *j, const char *key)
{
    jsonMember(j, key);
    fputs("null", j->out);
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

int
cliPutDocument(char *doc)
{
    if (!doc)
        return CLI_EXIT_FAILED;
    fputs(doc, stdout);
    free(doc);
    return CLI_EXIT_OK;
}

/* ---- sizes and tables ----------------------------------------------- */

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
cliTableNew(const cliColumn *cols, size_t ncols)
{
    struct libscols_table *tb = scols_new_table();

    if (!tb || scols_table_enable_noheadings(tb, output.quiet) < 0)
        goto nomem;
    for (size_t i = 0; i < ncols; i++) {
        if (!scols_table_new_column(tb, cols[i].header, 0, cols[i].flags))
            goto nomem;
    }
    return tb;

nomem:
    scols_unref_table(tb);
    cliErrorCode(CLI_EXIT_FAILED, SC_ERR_NO_MEMORY, SC_FROM_NONE, "out of memory");
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
    cliErrorCode(CLI_EXIT_FAILED, SC_ERR_NO_MEMORY, SC_FROM_NONE, "out of memory");
    return -1;
}

/* The header of a table without rows, which libsmartcols does not print:
 * as it would print it above rows as narrow as their headers. */
static void
printHeader(struct libscols_table *tb)
{
    size_t ncols = scols_table_get_ncols(tb);

    for (size_t i = 0; i < ncols; i++) {
        struct libscols_column *cl = scols_table_get_column(tb, i);

        printf("%s%s", i ? " " : "", scols_cell_get_data(scols_column_get_header(cl)));
    }
    putchar('\n');
}

int
cliTablePrint(struct libscols_table *tb)
{
    int rc;

    if (scols_table_is_empty(tb)) {
        if (!output.quiet)
            printHeader(tb);
        return CLI_EXIT_OK;
    }
    if ((rc = scols_print_table(tb)) < 0) {
        cliError("failed to print the table: %s", strerror(-rc));
        return CLI_EXIT_FAILED;
    }
    return CLI_EXIT_OK;
}
