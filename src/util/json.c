/*
 * json.c: a JSON string as storcat writes it (json.h).
 */
#include <config.h>

#include "json.h"

/* The length of the well-formed UTF-8 sequence at @s (1 to 4), or 0 if
 * the byte there does not begin one (overlong forms, surrogates and code
 * points past U+10FFFF are not well-formed). */
static size_t
utf8_len(const unsigned char *s)
{
    size_t n;
    unsigned int cp;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        n = 2, cp = s[0] & 0x1f;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        n = 3, cp = s[0] & 0x0f;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        n = 4, cp = s[0] & 0x07;
    else
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
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
        size_t n = utf8_len(p);

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
