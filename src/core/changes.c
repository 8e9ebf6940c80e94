/*
 * changes.c: the JSON object of what an event changed (changes.h), built
 * here rather than by SQLite's json functions because the old row and the
 * new record meet in C (a refresh compares them there): no statement is
 * added for it, and an unchanged volume, which never gets this far, costs
 * nothing.
 *
 * Strings are written by scJsonPutString (src/util/json.c), as the
 * storcat tool writes them in its --json output, so that the column holds
 * valid JSON whatever bytes a path or a backing file name holds.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "changes.h"
#include "catalog/catalog.h"
#include "util/json.h"

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
    scJsonPutString(c->out, field);
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
    scJsonPutString(c->out, old);
    fputs(", ", c->out);
    scJsonPutString(c->out, new_value);
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

static bool
same_text(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
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
    /* Another LV or partition made under the name keeps the volume (its
     * name is its identity in the pool), not the key: the trail says
     * (a file's key is its path, said above). */
    if (old && now && !(same_text(old->key, old->path) && same_text(now->key, now->path)))
        scChangesText(&c, "key", old->key, now->key);
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
