/*
 * util.h: small helpers shared by the modules: names, paths, UUIDs.
 */
#ifndef SC_UTIL_H
#define SC_UTIL_H

#include "internal.h"

/* Longest pool or volume name accepted, in bytes (a file name's limit). */
#define SC_NAME_MAX 255

/*
 * scCheckName:
 * Checks a pool or volume name from a caller: not empty nor only blanks,
 * at most SC_NAME_MAX bytes, no '/', no control character (NUL cannot be
 * in a C string; the XML parser rejects it), not "." or "..".
 * @kind names the object in the message ("pool", "volume").
 * Returns 0, or -1 with SC_ERR_INVALID_ARG saying what is wrong.
 */
int scCheckName(const char *kind, const char *name);

/*
 * scPathSanitize:
 * Returns a copy of @path with every run of '/' made one and a trailing
 * '/' removed (a leading "//" is kept, as POSIX allows it a meaning), as
 * libvirt's virFileSanitizePath. "/" stays "/". NULL on OOM.
 */
char *scPathSanitize(const char *path);

/*
 * scPathCanonical:
 * The one spelling of absolute @path that the catalog stores: symlinks
 * resolved (realpath) where the path exists, else its existing directory
 * resolved and the last name appended, else "." / ".." / "//" folded
 * lexically. A relative path is SC_ERR_INVALID_ARG. Returns a new string
 * or NULL.
 */
char *scPathCanonical(const char *path);

/* @path with "//", "/./" and a trailing "/" folded, without a system
 * call; "" when it has a ".." component (only the kernel may resolve it).
 * A new string, or NULL on OOM. */
char *scPathFold(const char *path);

/* Is absolute @path what scPathFold would return ("//", "/./", "/../"
 * and a trailing "/" absent)? No allocation: a lookup's fast path. */
bool scPathIsFolded(const char *path);

/* The directory part of canonical @path (a new string) and a pointer to
 * its last name within @path. */
char *scPathDirname(const char *path, const char **base);

/*
 * scUUIDParse:
 * Parses a UUID string with or without dashes (32 hex digits, dashes
 * anywhere between pairs, surrounding blanks ignored, as libvirt).
 * Returns 0, or -1 (no error reported: the caller knows the context).
 */
int scUUIDParse(const char *str, unsigned char *uuid);
/* Only the canonical form, 8-4-4-4-12 hex digits (the catalog's): true if
 * @str is one, its bytes in @uuid. */
bool scUUIDParseCanonical(const char *str, unsigned char *uuid);

/* Writes the canonical dashed lowercase form into @buf (SC_UUID_STRING_BUFLEN). */
void scUUIDFormat(const unsigned char *uuid, char *buf);

/* The wall clock's seconds as clock_gettime(CLOCK_REALTIME) reads them.
 * Not time(): it returns the kernel's coarse seconds, which lag for a few
 * milliseconds after each second turns, so a time recorded with it could
 * be a second before one its caller read, with any other clock, just
 * before the call. Every time the catalog records is read here. */
int64_t scNow(void);

/* Fills @uuid with a new UUID (version 7: time-ordered, 74 random bits). */
void scUUIDGenerate(unsigned char *uuid);

/*
 * scProcessStartTime:
 * When process @pid started, in clock ticks after boot (/proc/PID/stat):
 * with its pid, it names a process across pid reuse. 0 if it cannot be
 * read (no such process).
 */
unsigned long long scProcessStartTime(long long pid);

#endif /* SC_UTIL_H */
