/*
 * changes.h: what an event changed, old -> new, as the JSON object of the
 * events table's changes column (sql/016-event-who-changes.sql):
 *
 *     {"capacity": [1073741824, 2147483648], "format": ["raw", "qcow2"]}
 *
 * one member per field that changed, in the order added; null on a side
 * that does not exist (a create's old values, a delete's new ones).
 * Sizes are JSON numbers, everything else JSON strings, escaped as the
 * storcat tool writes them (a byte that is not UTF-8 as the lone
 * surrogate \udc80 + byte - 0x80).
 */
#ifndef SC_CHANGES_H
#define SC_CHANGES_H

#include <stdio.h>

#include "catalog/catalog.h"

typedef struct {
    FILE *out; /* an open_memstream on buf, or NULL once failed */
    char *buf;
    size_t len;
    int n; /* members written */
} scChanges;

/* Start an object: 0, or -1 (reported). */
int scChangesInit(scChanges *c);
/* Add "@field": [old, new] when the sides differ. A NULL side is null. */
void scChangesSize(scChanges *c, const char *field, const unsigned long long *old,
                   const unsigned long long *new_value);
void scChangesText(scChanges *c, const char *field, const char *old, const char *new_value);
/* The object into *@out (caller frees; NULL when nothing was added), and
 * @c is done with: 0, or -1 (reported). */
int scChangesEnd(scChanges *c, char **out);

/* What a volume's event changed: from row @old (NULL: none, a new
 * volume) to @now (NULL: none, the volume gone): capacity, allocation,
 * format, backing, path, name and state (a row not present). A rename
 * of which only the old name is known (@old NULL, @old_name that name)
 * is the name alone. 0 or -1 (reported), the object (or NULL) in *@out. */
int scVolChanges(const scCatalogVol *old, const char *old_name, const scCatalogVolData *now,
                 char **out);

/* One field's change, @old to @new_value, as an object in *@out (NULL
 * if they are equal): 0 or -1 (reported). */
int scChangesOne(const char *field, const char *old, const char *new_value, char **out);

#endif /* SC_CHANGES_H */
