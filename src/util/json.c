/*
 * json.c: UTF-8 read and JSON strings written as storcat does (json.h).
 */
#include <config.h>

#include "json.h"

size_t
scUtf8Sequence(const unsigned char *p, unsigned int *cp)
{
    unsigned int c = p[0];
    size_t n;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf)
        n = 2, c &= 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3, c &= 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4, c &= 0x07;
    else
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (p[i] & 0x3f);
    }
    if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
        (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return n;
}

void
scJsonPutString(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *) s;

    if (!s) {
        fputs("null", out);
        return;
    }
    fputc('"', out);
    while (*p) {
        unsigned int cp;
        size_t n = scUtf8Sequence(p, &cp);

        if (n == 0) {
            fprintf(out, "\\udc%02x", *p++);
        } else if (*p == '"' || *p == '\\') {
            fprintf(out, "\\%c", *p++);
        } else if (*p == '\n' || *p == '\t') {
            fputs(*p++ == '\n' ? "\\n" : "\\t", out);
        } else if (*p < 0x20 || *p == 0x7f) {
            fprintf(out, "\\u%04x", *p++);
        } else {
            fwrite(p, 1, n, out);
            p += n;
        }
    }
    fputc('"', out);
}
