/*
 * xml.c: the XML machinery the pool and volume definitions share: a
 * hardened document reader, XPath-like lookups, strict number parsing,
 * <permissions>, and an escaping output buffer.
 *
 * The document is hostile until checked: libxml2 runs without network
 * access and without entity substitution, a DOCTYPE stops the parser on
 * the spot (so no entity is ever declared, let alone expanded or fetched),
 * and libxml2's diagnostics become our error instead of going to stderr.
 *
 * Elements are found as libvirt's XPath expressions find them: the first
 * child of that name in no namespace. A value read through XPath's
 * string() counts as absent when empty; an attribute libvirt reads
 * directly keeps "". The output buffer indents and escapes as libvirt's
 * virBuffer does, which the byte-exact comparisons with libvirt's own test
 * vectors depend on.
 */
#include <config.h>

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "xml.h"

/* libxml2 2.12 made the structured error handler's argument const. */
#if LIBXML_VERSION >= 21200
# define SC_XML_ERROR_CONST const
#else
# define SC_XML_ERROR_CONST
#endif

/* ---- reading the document safely -------------------------------------- */

typedef struct {
    bool doctype;  /* a DOCTYPE or an entity declaration was met */
    char *message; /* libxml2's first error, made one short line */
    int line;      /* ... and where */
} ReadState;

/* libxml2 calls these with the parser context as @opaque. */
static void
recordError(void *opaque, SC_XML_ERROR_CONST xmlError *err)
{
    xmlParserCtxtPtr ctxt = opaque;
    ReadState *st = ctxt ? ctxt->_private : NULL;
    char *msg;
    size_t len;

    if (!st || st->message || !err || err->level < XML_ERR_ERROR)
        return;
    /* Keep it one line and short: a message may quote a long token. */
    if (!(msg = strndup(err->message ? err->message : "unknown error", 200)))
        return;
    for (char *p = msg; *p; p++)
        if ((unsigned char) *p < 0x20)
            *p = ' ';
    len = strlen(msg);
    if (len == 200) /* do not end inside a UTF-8 sequence */
        while (len > 0 && ((unsigned char) msg[len - 1] & 0x80))
            msg[--len] = '\0';
    while (len > 0 && msg[len - 1] == ' ')
        msg[--len] = '\0';
    st->message = msg;
    st->line = err->line;
}

/* Stop at the DOCTYPE itself, before its internal subset is read: that is
 * where entities are declared, so none is ever expanded or fetched. */
static void
refuseDoctype(void *opaque, const xmlChar *name, const xmlChar *external_id,
              const xmlChar *system_id)
{
    xmlParserCtxtPtr ctxt = opaque;

    (void) name;
    (void) external_id;
    (void) system_id;
    ((ReadState *) ctxt->_private)->doctype = true;
    xmlStopParser(ctxt);
}

static void
refuseEntity(void *opaque, const xmlChar *name, int type, const xmlChar *public_id,
             const xmlChar *system_id, xmlChar *content)
{
    (void) type;
    (void) public_id;
    (void) content;
    refuseDoctype(opaque, name, NULL, system_id);
}

static void
ignoreGenericError(void *ctx, const char *msg, ...)
{
    (void) ctx;
    (void) msg;
}

void
scXmlFreeDocp(xmlDocPtr *doc)
{
    if (*doc)
        xmlFreeDoc(*doc);
}

/* libxml2's per-thread generic error handler is silenced for the call and
 * then restored. */
xmlDocPtr
scXmlReadDocument(const char *xml, const char *what, int domain)
{
    const int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
    size_t len = strlen(xml);
    ReadState st = { 0 };
    xmlParserCtxtPtr ctxt;
    xmlDocPtr doc;
    xmlGenericErrorFunc old_handler;
    void *old_ctx;

    if (len > INT_MAX) {
        scReportError(domain, SC_ERR_XML_ERROR,
                      "%s: the document is %zu bytes long; at most %d are allowed", what, len,
                      INT_MAX);
        return NULL;
    }
    xmlInitParser();
    if (!(ctxt = xmlNewParserCtxt())) {
        scReportOOM();
        return NULL;
    }
    ctxt->_private = &st;
    ctxt->sax->serror = recordError;
    ctxt->sax->internalSubset = refuseDoctype;
    ctxt->sax->externalSubset = refuseDoctype;
    ctxt->sax->entityDecl = refuseEntity;

    old_handler = xmlGenericError;
    old_ctx = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(NULL, ignoreGenericError);
    doc = xmlCtxtReadMemory(ctxt, xml, (int) len, NULL, NULL, options);
    xmlSetGenericErrorFunc(old_ctx, old_handler);

    if (st.doctype || (doc && doc->intSubset)) {
        scReportError(domain, SC_ERR_XML_ERROR, "%s: DTDs and entities are not allowed", what);
    } else if (!doc || !ctxt->wellFormed || !ctxt->nsWellFormed || st.message) {
        scReportError(domain, SC_ERR_XML_DETAIL, "%s: malformed document at line %d: %s", what,
                      st.message ? st.line : 0, st.message ? st.message : "the parser gave up");
    } else {
        xmlFreeParserCtxt(ctxt);
        return doc;
    }
    scXmlFreeDocp(&doc);
    xmlFreeParserCtxt(ctxt);
    free(st.message);
    return NULL;
}

/* ---- looking things up ------------------------------------------------ */

bool
scXmlIsElement(xmlNodePtr node, const char *name)
{
    return node->type == XML_ELEMENT_NODE && !node->ns &&
           xmlStrEqual(node->name, (const xmlChar *) name);
}

xmlNodePtr
scXmlFindElement(xmlNodePtr parent, const char *path, const char *attr)
{
    const char *slash = strchr(path, '/');
    size_t len = slash ? (size_t) (slash - path) : strlen(path);

    if (!parent)
        return NULL;
    for (xmlNodePtr c = parent->children; c; c = c->next) {
        xmlNodePtr found;

        if (c->type != XML_ELEMENT_NODE || c->ns || strlen((const char *) c->name) != len ||
            strncmp((const char *) c->name, path, len) != 0)
            continue;
        if (slash && (found = scXmlFindElement(c, slash + 1, attr)))
            return found;
        if (!slash && (!attr || xmlHasNsProp(c, (const xmlChar *) attr, NULL)))
            return c;
    }
    return NULL;
}

size_t
scXmlCountChildren(xmlNodePtr parent, const char *name)
{
    size_t n = 0;

    for (xmlNodePtr c = parent->children; c; c = c->next)
        n += scXmlIsElement(c, name);
    return n;
}

int
scXmlGetText(xmlNodePtr parent, const char *path, char **out)
{
    xmlNodePtr node = scXmlFindElement(parent, path, NULL);
    xmlChar *text;
    int ret = 0;

    *out = NULL;
    if (!node)
        return 0;
    if (!(text = xmlNodeGetContent(node))) {
        scReportOOM();
        return -1;
    }
    if (text[0] && !(*out = scStrdup((const char *) text)))
        ret = -1;
    xmlFree(text);
    return ret;
}

/* A copy of attribute @name (no namespace) of @node, or NULL when @node or
 * the attribute is absent, or when it is empty and !@keep_empty. Returns
 * 0, or -1 on OOM. */
static int
getAttr(xmlNodePtr node, const char *name, bool keep_empty, char **out)
{
    xmlChar *value;
    int ret = 0;

    *out = NULL;
    if (!node || !xmlHasNsProp(node, (const xmlChar *) name, NULL))
        return 0;
    if (!(value = xmlGetNoNsProp(node, (const xmlChar *) name))) {
        scReportOOM();
        return -1;
    }
    if ((value[0] || keep_empty) && !(*out = scStrdup((const char *) value)))
        ret = -1;
    xmlFree(value);
    return ret;
}

int
scXmlGetProp(xmlNodePtr node, const char *name, char **out)
{
    return getAttr(node, name, true, out);
}

int
scXmlGetPropNonEmpty(xmlNodePtr node, const char *name, char **out)
{
    return getAttr(node, name, false, out);
}

int
scXmlGetPathAttr(xmlNodePtr parent, const char *path, const char *attr, char **out)
{
    return getAttr(scXmlFindElement(parent, path, attr), attr, false, out);
}

/* ---- numbers ------------------------------------------------------------ */

bool
scXmlParseLL(const char *s, int base, long long min, long long max, long long *out)
{
    char *end;
    long long v;

    if (!s || !*s)
        return false;
    errno = 0;
    v = strtoll(s, &end, base);
    if (errno || end == s || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

bool
scXmlParseUInt(const char *s, int base, unsigned int *out)
{
    char *end;
    unsigned long v;

    if (!s || !*s || strchr(s, '-'))
        return false;
    errno = 0;
    v = strtoul(s, &end, base);
    if (errno || end == s || *end || v > UINT_MAX)
        return false;
    *out = (unsigned int) v;
    return true;
}

/* ---- <permissions> ------------------------------------------------------ */

/* A user or group ID: decimal (so "0744" is 744), -1 or 4294967295
 * (how older libvirt printed -1) for "unset". */
static int
parseId(xmlNodePtr perms, const char *what, const char *where, const char *name, long long *out)
{
    _cleanup_free_ char *text = NULL;
    long long v;

    *out = -1;
    if (!scXmlFindElement(perms, name, NULL))
        return 0;
    if (scXmlGetText(perms, name, &text) < 0)
        return -1;
    if (!scXmlParseLL(text, 10, -1, UINT32_MAX, &v)) {
        scXmlReportError("%s: <%s><permissions><%s> '%.64s' is not a valid ID", what, where, name,
                         text ? text : "");
        return -1;
    }
    *out = v == UINT32_MAX ? -1 : v;
    return 0;
}

int
scXmlParsePerms(xmlNodePtr node, const char *what, const char *where, scPoolPerms *perms)
{
    _cleanup_free_ char *mode = NULL;

    if (!node)
        return 0;
    if (scXmlGetText(node, "mode", &mode) < 0)
        return -1;
    if (mode && !scXmlParseLL(mode, 8, 0, 0777, &perms->mode)) {
        scXmlReportError("%s: <%s><permissions><mode> '%.64s' is not an octal mode", what, where,
                         mode);
        return -1;
    }
    if (parseId(node, what, where, "owner", &perms->uid) < 0 ||
        parseId(node, what, where, "group", &perms->gid) < 0)
        return -1;
    return scXmlGetText(node, "label", &perms->label);
}

/* ---- writing ------------------------------------------------------------- */

static bool
bufGrow(scXmlBuf *b, size_t n)
{
    size_t cap = b->cap ? b->cap : 1024;
    char *s;

    if (b->oom)
        return false;
    if (n < b->cap - b->len)
        return true;
    while (cap - b->len <= n) {
        if (cap > SIZE_MAX / 2) {
            b->oom = true;
            return false;
        }
        cap *= 2;
    }
    if (!(s = realloc(b->s, cap))) {
        b->oom = true;
        return false;
    }
    b->s = s;
    b->cap = cap;
    return true;
}

void
scXmlBufRaw(scXmlBuf *b, const char *s, size_t n)
{
    if (!bufGrow(b, n))
        return;
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

/* Indent when at the start of a line. Like libvirt's buffer, only each
 * call's start is indented, never a newline inside a value. */
static void
bufIndent(scXmlBuf *b)
{
    if ((b->len == 0 || b->s[b->len - 1] == '\n') && b->indent > 0 && bufGrow(b, b->indent)) {
        memset(b->s + b->len, ' ', b->indent);
        b->len += b->indent;
        b->s[b->len] = '\0';
    }
}

void
scXmlBufAdd(scXmlBuf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    bufIndent(b);
    if (n < 0 || (size_t) n >= sizeof(small)) {
        b->oom = true; /* only short fixed texts come here; values are escaped */
        return;
    }
    scXmlBufRaw(b, small, n);
}

/* What byte @c becomes in XML text, or in a single-quoted attribute when
 * @attr: NULL to keep it as it is, "" to drop it. Quotes are escaped as
 * libvirt does; control characters XML cannot carry are dropped, as libvirt
 * does; tab and newline in attributes, and carriage return anywhere, are
 * character references, since a parser would otherwise normalize them. */
static const char *
escapeChar(unsigned char c, bool attr)
{
    switch (c) {
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '&':
        return "&amp;";
    case '\'':
        return "&apos;";
    case '"':
        return "&quot;";
    case '\r':
        return "&#13;";
    case '\t':
        return attr ? "&#9;" : NULL;
    case '\n':
        return attr ? "&#10;" : NULL;
    default:
        return c < 0x20 ? "" : NULL;
    }
}

void
scXmlBufEscape(scXmlBuf *b, const char *s, bool attr)
{
    const char *run = s;
    const char *p;

    for (p = s; *p; p++) {
        const char *rep = escapeChar((unsigned char) *p, attr);

        if (!rep)
            continue;
        scXmlBufRaw(b, run, p - run);
        scXmlBufRaw(b, rep, strlen(rep));
        run = p + 1;
    }
    scXmlBufRaw(b, run, p - run);
}

/* The closing tag is appended raw: a text ending in a newline must not get
 * indentation after it. */
void
scXmlBufElem(scXmlBuf *b, const char *elem, const char *text)
{
    if (!text)
        return;
    scXmlBufAdd(b, "<%s>", elem);
    scXmlBufEscape(b, text, false);
    scXmlBufRaw(b, "</", 2);
    scXmlBufRaw(b, elem, strlen(elem));
    scXmlBufRaw(b, ">\n", 2);
}

void
scXmlBufAttr(scXmlBuf *b, const char *attr, const char *value)
{
    if (!value)
        return;
    scXmlBufAdd(b, " %s='", attr);
    scXmlBufEscape(b, value, true);
    scXmlBufRaw(b, "'", 1);
}

void
scXmlBufPerms(scXmlBuf *b, const scPoolPerms *p)
{
    if (p->mode == -1 && p->uid == -1 && p->gid == -1 && !p->label)
        return;
    scXmlBufAdd(b, "<permissions>\n");
    b->indent += 2;
    if (p->mode != -1)
        scXmlBufAdd(b, "<mode>0%llo</mode>\n", (unsigned long long) p->mode);
    if (p->uid != -1)
        scXmlBufAdd(b, "<owner>%lld</owner>\n", p->uid);
    if (p->gid != -1)
        scXmlBufAdd(b, "<group>%lld</group>\n", p->gid);
    scXmlBufElem(b, "label", p->label);
    b->indent -= 2;
    scXmlBufAdd(b, "</permissions>\n");
}

char *
scXmlBufFinish(scXmlBuf *b)
{
    char *s = b->s;

    b->s = NULL;
    b->len = b->cap = 0;
    if (b->oom || !s) {
        free(s);
        b->oom = false;
        scReportOOM();
        return NULL;
    }
    return s;
}
