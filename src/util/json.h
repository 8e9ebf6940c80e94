/*
 * json.h: text as storcat writes it, in the library (the changes of
 * events, src/core/changes.c) and in the storcat tool (--json, --html),
 * which compiles json.c into itself: one UTF-8 reading and one JSON
 * escaping for both, so that an event's "changes" column and the tool's
 * documents read the same bytes back.
 */
#ifndef SC_JSON_H
#define SC_JSON_H

#include <stddef.h>
#include <stdio.h>

/*
 * The length (1 to 4) of the well-formed UTF-8 sequence @p starts with,
 * its code point in *@cp; 0 if @p starts none (a stray continuation byte,
 * a sequence cut short, by the terminating NUL too, an overlong form, a
 * surrogate, a code point past U+10FFFF).
 */
size_t scUtf8Sequence(const unsigned char *p, unsigned int *cp);

/*
 * Writes @s to @out as a JSON string, or null when @s is NULL: '"' and
 * '\' escaped, newline and tab as \n and \t, other control characters and
 * DEL as \u00XX, and a byte that does not begin a well-formed UTF-8
 * sequence (a file name is bytes) as the lone surrogate U+DC80 + byte -
 * 0x80, as Python's "surrogateescape" reads it back (json.loads, then
 * .encode("utf-8", "surrogateescape")).
 */
void scJsonPutString(FILE *out, const char *s);

#endif /* SC_JSON_H */
