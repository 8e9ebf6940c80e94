/*
 * probe_priv.h: what the image probe's files share (probe.c and one file
 * per format family: probe_qemu.c, probe_vmdk.c, probe_vhd.c).
 *
 * Each format's prober looks at the header in the source's buffer, which
 * holds the file's first bytes, and fetches anything the header points to
 * through scProbeFetch(), which bound-checks the range against the buffer
 * (scProbeBuffer) or the file (scProbeFile). Nothing read from the header
 * is trusted: sizes are capped, offsets checked for overflow.
 */
#ifndef SC_PROBE_PRIV_H
#define SC_PROBE_PRIV_H

#include <stdint.h>

#include "util/internal.h"
#include "probe.h"

/* Longest backing file name or vmdk hint kept, in bytes. */
#define SC_PROBE_NAME_MAX 4096

/* Most bytes one scProbeFetch() may ask for (a vhdx metadata table is
 * 64 KiB, a vmdk descriptor is read up to that much). */
#define SC_PROBE_FETCH_MAX (1024 * 1024)

typedef struct {
    const unsigned char *buf;     /* the file's first @len bytes */
    size_t len;                   /* bytes in @buf */
    unsigned long long file_size; /* bytes in the whole file, >= @len */
    int fd;                       /* to pread beyond @buf, or -1 (scProbeBuffer) */
    const char *name;             /* the file, for error messages (NULL with fd -1) */
} scProbeSource;

/* One format: returns 1 if the source is of this format (@res filled as far
 * as the header allows), 0 if not (@res untouched), -1 on error (reported). */
typedef int (*scProbeFunc)(const scProbeSource *src, scProbeResult *res);

int scProbeQcow(const scProbeSource *src, scProbeResult *res);
int scProbeQed(const scProbeSource *src, scProbeResult *res);
int scProbeVmdk(const scProbeSource *src, scProbeResult *res);
int scProbeVmdkDescriptorFile(const scProbeSource *src, scProbeResult *res);
int scProbeVpc(const scProbeSource *src, scProbeResult *res);
int scProbeVhdx(const scProbeSource *src, scProbeResult *res);

/*
 * scProbeFetch:
 * Copies the @n bytes at @off of the file, for the header field @what,
 * into *@out (malloc'ed, one NUL byte appended; the caller frees).
 * Returns 1; 0 with *@out NULL if they are not available: past the buffer
 * of scProbeBuffer (silently), past the end of the file or more than
 * SC_PROBE_FETCH_MAX (both recorded in @res->problem); -1 on a read error
 * or OOM (reported).
 */
int scProbeFetch(const scProbeSource *src, scProbeResult *res, const char *what, uint64_t off,
                 uint64_t n, unsigned char **out);

/*
 * scProbeNeed:
 * Returns 1 if the buffer holds the first @need bytes of the @what header;
 * 0 if not, recording a problem if the whole file is shorter; -1 on OOM.
 */
int scProbeNeed(const scProbeSource *src, scProbeResult *res, const char *what, size_t need);

/* Records @res->problem unless one is already set (the first one is the
 * most telling). Returns 0, or -1 on OOM. */
int scProbeProblem(scProbeResult *res, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Replaces the string field *@field by a copy of @s. Returns 0, or -1 on OOM. */
int scProbeSetString(char **field, const char *s);

/*
 * scProbeSetName:
 * Sets *@field to the @n bytes at @bytes (a backing file name or a format
 * name, for @what) if they make an acceptable name: not empty, at most
 * @max bytes, no NUL. Otherwise *@field is left alone and a problem is
 * recorded. Returns 0, or -1 on OOM.
 */
int scProbeSetName(scProbeResult *res, char **field, const char *what, const unsigned char *bytes,
                   uint64_t n, uint64_t max);

/* Sets @res->capacity to @bytes unless it exceeds INT64_MAX (a problem). */
int scProbeSetCapacity(scProbeResult *res, uint64_t bytes);

/* A prober's result once its magic matched: 1, or -1 if @r is an error. */
static inline int
scProbeMatched(int r)
{
    return r < 0 ? -1 : 1;
}

/* ---- integers at a byte offset, bounds checked by the caller ---- */

static inline uint16_t
scProbeLE16(const unsigned char *p)
{
    return (uint16_t) (p[0] | (p[1] << 8));
}

static inline uint32_t
scProbeLE32(const unsigned char *p)
{
    return (uint32_t) p[0] | ((uint32_t) p[1] << 8) | ((uint32_t) p[2] << 16) |
           ((uint32_t) p[3] << 24);
}

static inline uint64_t
scProbeLE64(const unsigned char *p)
{
    return (uint64_t) scProbeLE32(p) | ((uint64_t) scProbeLE32(p + 4) << 32);
}

static inline uint16_t
scProbeBE16(const unsigned char *p)
{
    return (uint16_t) ((p[0] << 8) | p[1]);
}

static inline uint32_t
scProbeBE32(const unsigned char *p)
{
    return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16) | ((uint32_t) p[2] << 8) |
           (uint32_t) p[3];
}

static inline uint64_t
scProbeBE64(const unsigned char *p)
{
    return ((uint64_t) scProbeBE32(p) << 32) | (uint64_t) scProbeBE32(p + 4);
}

/* True if the source's buffer holds @magic (of @n bytes) at @off. */
static inline bool
scProbeHasMagic(const scProbeSource *src, size_t off, const char *magic, size_t n)
{
    return off <= src->len && n <= src->len - off && memcmp(src->buf + off, magic, n) == 0;
}

#endif /* SC_PROBE_PRIV_H */
