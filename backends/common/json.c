/*
 * json.c: the JSON reader of json.h, a recursive descent over RFC 8259
 * with bounded nesting, decoding strings in place.
 *
 * A string's decoded form is never longer than its escaped form (an
 * escape of 6 or 12 bytes becomes at most 4 bytes of UTF-8), so it is
 * written over the text it came from and terminated where its closing
 * quote was at the latest. A number's text cannot be terminated while the
 * parse still needs the delimiter after it: that is done once the whole
 * document has been read.
 */
#include <config.h>

#include <stdint.h>

#include "json.h"
#include "util/internal.h"

typedef struct {
    scJsonDoc *doc;
    char *text; /* the whole document */
    char *p;    /* where the parse is */
    const char *why;
    bool oom;
} Parser;

static int
fail(Parser *ps, const char *why)
{
    if (!ps->why)
        ps->why = why;
    return -1;
}

static void
skip_blanks(Parser *ps)
{
    while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
        ps->p++;
}

/* A new node of @type; its index, or -1 (OOM reported). */
static int
new_node(Parser *ps, scJsonType type)
{
    scJsonDoc *d = ps->doc;

    if (d->n == d->alloc) {
        size_t alloc = d->alloc ? d->alloc * 2 : 64;
        scJsonNode *nodes =
            alloc > INT32_MAX ? NULL : reallocarray(d->nodes, alloc, sizeof(*nodes));
        if (!nodes) {
            scReportOOM();
            ps->oom = true;
            return fail(ps, "out of memory");
        }
        d->nodes = nodes;
        d->alloc = alloc;
    }
    d->nodes[d->n] = (scJsonNode){ .type = type, .child = -1, .next = -1 };
    return (int) d->n++;
}

static int
hex4(const char *s, unsigned int *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        *v <<= 4;
        if (c >= '0' && c <= '9')
            *v |= (unsigned int) (c - '0');
        else if (c >= 'a' && c <= 'f')
            *v |= (unsigned int) (c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            *v |= (unsigned int) (c - 'A' + 10);
        else
            return -1;
    }
    return 0;
}

/* Writes code point @cp as UTF-8 at @w; returns the bytes written. */
static size_t
put_utf8(char *w, unsigned int cp)
{
    if (cp < 0x80) {
        w[0] = (char) cp;
        return 1;
    }
    if (cp < 0x800) {
        w[0] = (char) (0xc0 | (cp >> 6));
        w[1] = (char) (0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        w[0] = (char) (0xe0 | (cp >> 12));
        w[1] = (char) (0x80 | ((cp >> 6) & 0x3f));
        w[2] = (char) (0x80 | (cp & 0x3f));
        return 3;
    }
    w[0] = (char) (0xf0 | (cp >> 18));
    w[1] = (char) (0x80 | ((cp >> 12) & 0x3f));
    w[2] = (char) (0x80 | ((cp >> 6) & 0x3f));
    w[3] = (char) (0x80 | (cp & 0x3f));
    return 4;
}

/* A \u escape at @r (after the backslash and the u), one code point or a
 * surrogate pair; the bytes of text it took in *@used. */
static int
unicode_escape(Parser *ps, const char *r, unsigned int *cp, size_t *used)
{
    unsigned int hi, lo;

    if (hex4(r, &hi) < 0)
        return fail(ps, "bad \\u escape in a string");
    *used = 4;
    if (hi >= 0xdc00 && hi <= 0xdfff)
        return fail(ps, "lone low surrogate in a string");
    if (hi >= 0xd800 && hi <= 0xdbff) {
        if (r[4] != '\\' || r[5] != 'u' || hex4(r + 6, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
            return fail(ps, "lone high surrogate in a string");
        hi = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
        *used = 10;
    }
    if (hi == 0)
        return fail(ps, "NUL in a string");
    *cp = hi;
    return 0;
}

/* The string at ps->p (its opening quote), decoded in place; its start in
 * *@out, NUL-terminated. */
static int
parse_string(Parser *ps, const char **out)
{
    char *r = ps->p + 1, *w = r, *start = r;

    for (;;) {
        unsigned char c = (unsigned char) *r;
        if (c == '"')
            break;
        if (c == '\0')
            return fail(ps, "unterminated string");
        if (c < 0x20)
            return fail(ps, "control character in a string");
        if (c != '\\') {
            *w++ = *r++;
            continue;
        }
        r++;
        switch (*r) {
        case '"':
        case '\\':
        case '/':
            *w++ = *r++;
            break;
        case 'b':
            *w++ = '\b';
            r++;
            break;
        case 'f':
            *w++ = '\f';
            r++;
            break;
        case 'n':
            *w++ = '\n';
            r++;
            break;
        case 'r':
            *w++ = '\r';
            r++;
            break;
        case 't':
            *w++ = '\t';
            r++;
            break;
        case 'u': {
            unsigned int cp;
            size_t used;
            if (unicode_escape(ps, r + 1, &cp, &used) < 0)
                return -1;
            w += put_utf8(w, cp);
            r += 1 + used;
            break;
        }
        default:
            return fail(ps, "unknown escape in a string");
        }
    }
    ps->p = r + 1;
    *w = '\0';
    *out = start;
    return 0;
}

static bool
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int
parse_number(Parser *ps, int node)
{
    char *p = ps->p;

    ps->doc->nodes[node].str = p;
    if (*p == '-')
        p++;
    if (*p == '0')
        p++;
    else if (is_digit(*p))
        while (is_digit(*p))
            p++;
    else
        return fail(ps, "malformed number");
    if (*p == '.') {
        if (!is_digit(*++p))
            return fail(ps, "malformed number");
        while (is_digit(*p))
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!is_digit(*p))
            return fail(ps, "malformed number");
        while (is_digit(*p))
            p++;
    }
    ps->p = p;
    return 0;
}

static int parse_value(Parser *ps, int depth);

/* The elements (or members) of the array (object) @node, ps->p past its
 * opening bracket. */
static int
parse_container(Parser *ps, int node, bool object, int depth)
{
    char close = object ? '}' : ']';
    int last = -1;

    skip_blanks(ps);
    if (*ps->p == close) {
        ps->p++;
        return 0;
    }
    for (;;) {
        const char *key = NULL;
        int child;

        skip_blanks(ps);
        if (object) {
            if (*ps->p != '"')
                return fail(ps, "expected a member name");
            if (parse_string(ps, &key) < 0)
                return -1;
            skip_blanks(ps);
            if (*ps->p++ != ':')
                return fail(ps, "expected ':' after a member name");
        }
        if ((child = parse_value(ps, depth + 1)) < 0)
            return -1;
        ps->doc->nodes[child].key = key;
        if (last < 0)
            ps->doc->nodes[node].child = child;
        else
            ps->doc->nodes[last].next = child;
        last = child;
        skip_blanks(ps);
        if (*ps->p == ',') {
            ps->p++;
            continue;
        }
        if (*ps->p++ == close)
            return 0;
        return fail(ps, object ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static int
literal(Parser *ps, const char *word, scJsonType type)
{
    size_t n = strlen(word);

    if (strncmp(ps->p, word, n) != 0)
        return fail(ps, "unexpected character");
    ps->p += n;
    return new_node(ps, type);
}

/* One value at ps->p; its node's index, or -1. */
static int
parse_value(Parser *ps, int depth)
{
    int node;

    skip_blanks(ps);
    switch (*ps->p) {
    case '{':
    case '[':
        if (depth >= SC_JSON_MAX_DEPTH)
            return fail(ps, "nested too deeply");
        if ((node = new_node(ps, *ps->p == '{' ? SC_JSON_OBJECT : SC_JSON_ARRAY)) < 0)
            return -1;
        ps->p++;
        return parse_container(ps, node, ps->doc->nodes[node].type == SC_JSON_OBJECT, depth) < 0
                   ? -1
                   : node;
    case '"': {
        const char *str;
        if ((node = new_node(ps, SC_JSON_STRING)) < 0 || parse_string(ps, &str) < 0)
            return -1;
        ps->doc->nodes[node].str = str;
        return node;
    }
    case 't':
        return literal(ps, "true", SC_JSON_TRUE);
    case 'f':
        return literal(ps, "false", SC_JSON_FALSE);
    case 'n':
        return literal(ps, "null", SC_JSON_NULL);
    case '\0':
        return fail(ps, "unexpected end of the document");
    default:
        if (*ps->p != '-' && !is_digit(*ps->p))
            return fail(ps, "unexpected character");
        if ((node = new_node(ps, SC_JSON_NUMBER)) < 0 || parse_number(ps, node) < 0)
            return -1;
        return node;
    }
}

int
scJsonParse(scJsonDoc *doc, char *text, const char **why, size_t *where)
{
    Parser ps = { .doc = doc, .text = text, .p = text };

    scJsonClear(doc);
    if (parse_value(&ps, 0) >= 0) {
        skip_blanks(&ps);
        if (*ps.p)
            fail(&ps, "text after the document");
    }
    if (ps.why) {
        *why = ps.why;
        *where = (size_t) (ps.p - text);
        scJsonClear(doc);
        return -1;
    }
    /* Now that no delimiter is needed any more, the numbers end where
     * their text does. */
    for (size_t i = 0; i < doc->n; i++) {
        if (doc->nodes[i].type == SC_JSON_NUMBER) {
            char *s = (char *) doc->nodes[i].str;
            size_t n = strspn(s, "+-.0123456789eE");
            s[n] = '\0';
        }
    }
    return 0;
}

void
scJsonClear(scJsonDoc *doc)
{
    free(doc->nodes);
    memset(doc, 0, sizeof(*doc));
}

int
scJsonMember(const scJsonDoc *doc, int obj, const char *key)
{
    if (obj < 0 || (size_t) obj >= doc->n || doc->nodes[obj].type != SC_JSON_OBJECT)
        return -1;
    for (int c = doc->nodes[obj].child; c >= 0; c = doc->nodes[c].next)
        if (strcmp(doc->nodes[c].key, key) == 0)
            return c;
    return -1;
}

const char *
scJsonString(const scJsonDoc *doc, int node)
{
    if (node < 0 || (size_t) node >= doc->n || doc->nodes[node].type != SC_JSON_STRING)
        return NULL;
    return doc->nodes[node].str;
}
