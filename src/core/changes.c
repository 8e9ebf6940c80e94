/*
 * changes.c: the JSON object of what an event changed (changes.h), built
 * here rather than by SQLite's json functions because the old row and the
 * new record meet in C (a refresh compares them there): no statement is
 * added for it, and an unchanged volume, which never gets this far, costs
 * nothing.
 *
 * Strings are escaped as the storcat tool escapes them in its --json
 * output, so that the column holds valid JSON whatever bytes a path or a
 * backing file name holds: '"' and '\' escaped, control characters as
 * \n, \t or \u00XX, and a byte that does not begin a well-formed UTF-8
 * sequence as the lone surrogate \udc80 + byte - 0x80 (Python's
 * "surrogateescape" reads the bytes back).
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "changes.h"
#include "catalog/catalog.h"

/* The length of the well-formed UTF-8 sequence at @s, or 0 if the byte
 * there does not begin one (overlong forms, surrogates and code points
 * past U+10FFFF are not well-formed). */
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

/* Write @s as a JSON string, or null. */
static void
put_string(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *) s;

    if (!s) {
        fputs("null", out);
        return;
    }
    fputc('"', out);
    while (*p) {
        size_t n = utf8_len(p);

        if (n == 0)
            fprintf(out, "\\udc%02x", *p++);
        else if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p++);
        else if (*p == '\n' || *p == '\t')
            fputs(*p++ == '\n' ? "\\n" : "\\t", out);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(out, "\\u%04x", *p++);
        else {
            fwrite(p, 1, n, out);
            p += n;
        }
    }
    fputc('"', out);
}

int
scChangesInit(scChanges *c)
{
    memset(c, 0, sizeof(*c));
    if (!(c->out = open_memstream(&c->buf, &c->len))) {
        scReportOOM();
        return -1;
    }
    fputc('{', c->out);
    return 0;
}

/* The separator and the name of a new member. */
static void
member(scChanges *c, const char *field)
{
    fputs(c->n++ ? ", " : "", c->out);
    put_string(c->out, field);
    fputs(": [", c->out);
}

void
scChangesSize(scChanges *c, const char *field, const unsigned long long *old,
              const unsigned long long *new_value)
{
    if ((!old && !new_value) || (old && new_value && *old == *new_value))
        return;
    member(c, field);
    if (old)
        fprintf(c->out, "%llu, ", *old);
    else
        fputs("null, ", c->out);
    if (new_value)
        fprintf(c->out, "%llu]", *new_value);
    else
        fputs("null]", c->out);
}

void
scChangesText(scChanges *c, const char *field, const char *old, const char *new_value)
{
    if ((!old && !new_value) || (old && new_value && strcmp(old, new_value) == 0))
        return;
    member(c, field);
    put_string(c->out, old);
    fputs(", ", c->out);
    put_string(c->out, new_value);
    fputc(']', c->out);
}

int
scChangesEnd(scChanges *c, char **out)
{
    int n = c->n;

    *out = NULL;
    fputc('}', c->out);
    if (fclose(c->out) != 0) {
        free(c->buf);
        scReportOOM();
        return -1;
    }
    if (n)
        *out = c->buf;
    else
        free(c->buf);
    memset(c, 0, sizeof(*c));
    return 0;
}

int
scVolChanges(const scCatalogVol *old, const char *old_name, const scCatalogVolData *now, char **out)
{
    /* The states an update makes present (an incomplete row stays so). */
    const char *old_state = old && old->state != SC_STORAGE_VOL_STATE_PRESENT &&
                                    old->state != SC_STORAGE_VOL_STATE_INCOMPLETE
                                ? scVolStateToString(old->state)
                                : NULL;
    scChanges c;

    if (scChangesInit(&c) < 0)
        return -1;
    /* A rename of which the old row is not at hand says the name. */
    if (!old && old_name) {
        scChangesText(&c, "name", old_name, now ? now->name : NULL);
        return scChangesEnd(&c, out);
    }
    scChangesSize(&c, "capacity", old ? &old->capacity : NULL, now ? &now->capacity : NULL);
    scChangesSize(&c, "allocation", old ? &old->allocation : NULL, now ? &now->allocation : NULL);
    scChangesText(&c, "format", old ? old->format : NULL, now ? now->format : NULL);
    scChangesText(&c, "backing", old ? old->backing_path : NULL, now ? now->backing_path : NULL);
    scChangesText(&c, "path", old ? old->path : NULL, now ? now->path : NULL);
    /* A volume's name is the event's: a change of it is a rename. */
    if (old && now)
        scChangesText(&c, "name", old->name, now->name);
    /* Back from missing (or an interrupted delete found present). */
    if (old_state && now)
        scChangesText(&c, "state", old_state, "present");
    return scChangesEnd(&c, out);
}

int
scChangesOne(const char *field, const char *old, const char *new_value, char **out)
{
    scChanges c;

    if (scChangesInit(&c) < 0)
        return -1;
    scChangesText(&c, field, old, new_value);
    return scChangesEnd(&c, out);
}
