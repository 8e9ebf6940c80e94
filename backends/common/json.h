/*
 * json.h: a small JSON reader for the machine-readable reports of the
 * tools storcat runs (lvm2's --reportformat json), so that no backend
 * parses a human table.
 *
 * The document is parsed in place: strings are decoded into the text they
 * came from, which the caller hands over and keeps alive while the
 * document is used. Nodes live in one array and refer to each other by
 * index, so a parse costs a few allocations whatever the size of the
 * report. The text is hostile until parsed: nesting is bounded, every
 * escape is checked, and a string holding NUL (\u0000) is refused, as a C
 * string could not carry it.
 */
#ifndef SC_JSON_H
#define SC_JSON_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    SC_JSON_NULL,
    SC_JSON_FALSE,
    SC_JSON_TRUE,
    SC_JSON_NUMBER,
    SC_JSON_STRING,
    SC_JSON_ARRAY,
    SC_JSON_OBJECT,
} scJsonType;

/* Deepest nesting of arrays and objects accepted. */
#define SC_JSON_MAX_DEPTH 64

typedef struct {
    scJsonType type;
    const char *key; /* the member's name in its object, or NULL */
    const char *str; /* a string's decoded value, a number's text; else NULL */
    int child;       /* an array's or object's first element, or -1 */
    int next;        /* the next element of the same array or object, or -1 */
} scJsonNode;

typedef struct {
    scJsonNode *nodes; /* nodes[0] is the document's top value */
    size_t n;
    size_t alloc;
} scJsonDoc;

/*
 * scJsonParse:
 * Parses the NUL-terminated @text (modified in place; it must outlive
 * @doc) into @doc: one value, surrounded by blanks only. Returns 0, or -1
 * with *@why set to a static description of the first problem and
 * *@where to its byte offset (no error reported: the caller names the
 * tool and the report). An allocation failure is -1 with SC_ERR_NO_MEMORY
 * reported and *@why "out of memory".
 */
int scJsonParse(scJsonDoc *doc, char *text, const char **why, size_t *where);

/* Frees what @doc holds (not the text) and empties it; a zeroed or a
 * cleared @doc is fine. */
void scJsonClear(scJsonDoc *doc);

/* The member @key of object @obj (its first, if repeated), or -1 (also
 * when @obj is -1 or not an object). */
int scJsonMember(const scJsonDoc *doc, int obj, const char *key);

/* The value of string @node, or NULL when @node is -1 or not a string. */
const char *scJsonString(const scJsonDoc *doc, int node);

#endif /* SC_JSON_H */
