/*
 * util.c: names, paths and UUIDs, checked and canonicalized once on the
 * way in so that the catalog only ever holds one spelling.
 */
#include <config.h>

#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include <uuid/uuid.h>

#include "util.h"

int
scCheckName(const char *kind, const char *name)
{
    size_t len;
    bool blank = true;

    if (!name) {
        scReportError(SC_FROM_NONE, SC_ERR_INVALID_ARG, "%s name is missing", kind);
        return -1;
    }
    len = strlen(name);
    if (len == 0) {
        scReportError(SC_FROM_NONE, SC_ERR_INVALID_ARG, "%s name is empty", kind);
        return -1;
    }
    if (len > SC_NAME_MAX) {
        scReportError(SC_FROM_NONE, SC_ERR_INVALID_ARG,
                      "%s name is %zu bytes long; at most %d are allowed", kind, len,
                      SC_NAME_MAX);
        return -1;
    }
    for (const unsigned char *p = (const unsigned char *) name; *p; p++) {
        if (*p == '/') {
            scReportError(SC_FROM_NONE, SC_ERR_INVALID_ARG,
                          "%s name '%s' contains '/'", kind, name);
            return -1;
        }
        if (*p < 0x20 || *p == 0x7f) {
            /* Do not echo the control character itself into a one-line message. */
            scReportError(SC_FROM_NONE, SC_ERR_INVALID_ARG,
                          "%s name contains the control character 0x%02x at byte %zu", kind,
                          *p, (size_t) (p - (const unsigned char *) name));
            return -1;
        }
        if (*p != ' ')
            blank = false;
    }
    if (blank) {
        scReportError(SC_FROM_NONE, SC_ERR_INVALID_ARG, "%s name '%s' is only blanks",
                      kind, name);
        return -1;
    }
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
        scReportError(SC_FROM_NONE, SC_ERR_INVALID_ARG, "%s name '%s' is not allowed",
                      kind, name);
        return -1;
    }
    return 0;
}

char *
scPathSanitize(const char *path)
{
    char *out = scStrdup(path);
    char *w, *start;
    const char *r;

    if (!out)
        return NULL;
    r = w = out;
    /* Exactly two leading slashes have an implementation-defined meaning. */
    if (r[0] == '/' && r[1] == '/' && r[2] != '/') {
        w += 2;
        r += 2;
    }
    start = w;
    for (; *r; r++) {
        if (*r == '/' && w > start && w[-1] == '/')
            continue;
        *w++ = *r;
    }
    if (w > start + 1 && w[-1] == '/')
        w--;
    *w = '\0';
    return out;
}

/* The value + 1 of each hex digit, 0 for other characters: a table, as
 * every volume handle a lookup returns parses its UUID. */
static const unsigned char hex_digits[256] = {
    ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
    ['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15,
    ['f'] = 16, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

static int
hexval(int c)
{
    return hex_digits[(unsigned char) c] - 1;
}

/* The canonical form, the catalog's: 8-4-4-4-12 hex digits. */
bool
scUUIDParseCanonical(const char *str, unsigned char *uuid)
{
    static const unsigned char dash[SC_UUID_BUFLEN] = { [4] = 1, [6] = 1, [8] = 1, [10] = 1 };
    const char *p = str;

    for (size_t i = 0; i < SC_UUID_BUFLEN; i++) {
        int hi, lo;
        if (dash[i] && *p++ != '-')
            return false;
        if ((hi = hexval((unsigned char) p[0])) < 0 || (lo = hexval((unsigned char) p[1])) < 0)
            return false;
        uuid[i] = (unsigned char) (hi << 4 | lo);
        p += 2;
    }
    return *p == '\0';
}

int
scUUIDParse(const char *str, unsigned char *uuid)
{
    const char *p = str;
    size_t i;

    if (!str)
        return -1;
    if (scUUIDParseCanonical(str, uuid))
        return 0;
    while (*p == ' ')
        p++;
    for (i = 0; i < SC_UUID_BUFLEN; i++) {
        int hi, lo;
        if (*p == '-')
            p++;
        if ((hi = hexval((unsigned char) p[0])) < 0 || (lo = hexval((unsigned char) p[1])) < 0)
            return -1;
        uuid[i] = (unsigned char) (hi << 4 | lo);
        p += 2;
    }
    while (*p == ' ')
        p++;
    return *p == '\0' ? 0 : -1;
}

void
scUUIDFormat(const unsigned char *uuid, char *buf)
{
    /* By hand, not uuid_unparse_lower's sprintf: every volume handle a
     * lookup returns formats one. */
    static const char hex[] = "0123456789abcdef";
    char *p = buf;

    for (size_t i = 0; i < SC_UUID_BUFLEN; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        *p++ = hex[uuid[i] >> 4];
        *p++ = hex[uuid[i] & 0x0f];
    }
    *p = '\0';
}

/* UUIDs are RFC 9562 version 7: 48 bits of Unix time in milliseconds, then
 * 74 random bits. Unique as random ones are, and ordered by creation, so
 * that a refresh recording 100,000 volumes appends to the UUID index
 * instead of touching a random page of it for each. The random bits come
 * from a per-thread batch filled by one getrandom() (libuuid's generator
 * makes five system calls per UUID); a forked child refills before it
 * draws, so parent and child never share bytes. */
#define UUID_BATCH 64

void
scUUIDGenerate(unsigned char *uuid)
{
    static __thread unsigned char batch[UUID_BATCH][SC_UUID_BUFLEN];
    static __thread unsigned int left;
    static __thread pid_t owner;
    pid_t pid = getpid();
    struct timespec now;
    uint64_t ms;

    if (left == 0 || owner != pid) {
        if (getrandom(batch, sizeof(batch), 0) != (ssize_t) sizeof(batch)) {
            uuid_generate_random(uuid);
            return;
        }
        left = UUID_BATCH;
        owner = pid;
    }
    memcpy(uuid, batch[--left], SC_UUID_BUFLEN);
    memset(batch[left], 0, SC_UUID_BUFLEN);
    clock_gettime(CLOCK_REALTIME, &now);
    ms = (uint64_t) now.tv_sec * 1000 + (uint64_t) now.tv_nsec / 1000000;
    for (int i = 0; i < 6; i++)
        uuid[i] = (unsigned char) (ms >> (40 - 8 * i));
    uuid[6] = (uuid[6] & 0x0f) | 0x70; /* version 7: time-ordered */
    uuid[8] = (uuid[8] & 0x3f) | 0x80; /* RFC 9562 variant */
}

int64_t
scNow(void)
{
    struct timespec now;

    clock_gettime(CLOCK_REALTIME, &now);
    return (int64_t) now.tv_sec;
}

/* Fold "//", "/./" and "/../" of absolute @path in place, as the kernel
 * would if no component were a symlink. */
static void
fold_lexically(char *path)
{
    char *w = path;

    for (const char *r = path; *r;) {
        while (*r == '/')
            r++;
        const char *end = strchrnul(r, '/');
        size_t n = (size_t) (end - r);
        if (n == 0 || (n == 1 && r[0] == '.')) {
            /* nothing */
        } else if (n == 2 && r[0] == '.' && r[1] == '.') {
            while (w > path && *--w != '/')
                ;
        } else {
            *w++ = '/';
            memmove(w, r, n);
            w += n;
        }
        r = end;
    }
    if (w == path)
        *w++ = '/';
    *w = '\0';
}

char *
scPathCanonical(const char *path)
{
    char buf[PATH_MAX];
    _cleanup_free_ char *copy = NULL;
    _cleanup_free_ char *dir = NULL;
    const char *base;

    if (!path || path[0] != '/') {
        scReportError(SC_FROM_NONE, SC_ERR_INVALID_ARG, "path '%s' is not absolute",
                      path ? path : "(null)");
        return NULL;
    }
    if (strlen(path) >= PATH_MAX) {
        scReportError(SC_FROM_NONE, SC_ERR_INVALID_ARG, "path of %zu bytes is too long",
                      strlen(path));
        return NULL;
    }
    if (realpath(path, buf))
        return scStrdup(buf);
    if (!(copy = scStrdup(path)))
        return NULL;
    fold_lexically(copy);
    if (!(dir = scPathDirname(copy, &base)))
        return NULL;
    if (*base && realpath(dir, buf))
        return scAsprintf("%s%s%s", buf, strcmp(buf, "/") == 0 ? "" : "/", base);
    return TAKE_PTR(copy);
}

char *
scPathDirname(const char *path, const char **base)
{
    const char *slash = strrchr(path, '/');

    if (!slash) {
        *base = path;
        return scStrdup(".");
    }
    *base = slash + 1;
    if (slash == path)
        return scStrdup("/");
    return strndup(path, (size_t) (slash - path)) ?: (scReportOOM(), NULL);
}

bool
scPathIsFolded(const char *path)
{
    if (path[0] != '/')
        return false;
    /* From one '/' to the next (strchr, not a loop over every byte: every
     * lookup by path asks this). */
    for (const char *p = path; p; p = strchr(p + 1, '/')) {
        /* "//", a trailing "/", "/." or "/.." as a component. */
        if (p[1] == '/' || (p[1] == '\0' && p != path) ||
            (p[1] == '.' &&
             (p[2] == '/' || p[2] == '\0' || (p[2] == '.' && (p[3] == '/' || p[3] == '\0')))))
            return false;
    }
    return true;
}

char *
scPathFold(const char *path)
{
    char *copy;

    if (strstr(path, "/../") || (strlen(path) >= 3 && strcmp(path + strlen(path) - 3, "/..") == 0))
        return scStrdup(""); /* never a catalog path: the caller resolves it */
    if (!(copy = scStrdup(path)))
        return NULL;
    fold_lexically(copy);
    return copy;
}

unsigned long long
scProcessStartTime(long long pid)
{
    char path[64], buf[1024];
    unsigned long long start = 0;
    const char *p;
    ssize_t n;
    int fd;

    snprintf(path, sizeof(path), "/proc/%lld/stat", pid);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return 0;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    /* "PID (COMM) STATE ...": COMM may hold spaces and parentheses; the
     * start time is its 22nd field, the 20th after COMM. */
    if (!(p = strrchr(buf, ')')))
        return 0;
    p++;
    for (int field = 0; field < 19 && p; field++)
        p = strchr(p + 1, ' ');
    if (p)
        start = strtoull(p + 1, NULL, 10);
    return start;
}
